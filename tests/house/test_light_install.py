"""The core installs light (issue 24): its wheel alone, in a fresh venv, settles a scenario.

The wheel is built from this source tree and installed in a new virtual environment with no
extras: it brings only the core's dependencies (``pyproject.toml``'s ``dependencies``). There
the law's worked cases settle through the ``outsourcing test`` command, and every surface
whose extra is missing — the store, open data, the desk's workbooks through the command
line — is refused with :class:`outsourcing.MissingExtra` naming the extra to install.

The dependencies come through pip as ``make`` brings them (its cache, or the package index).
"""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CASES = REPO / "tests" / "scenarios" / "payments_worked_examples.toml"


def _run(*args: str | Path, ok: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(a) for a in args], capture_output=True, text=True,
                          timeout=600)
    if ok:
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return done


@pytest.fixture(scope="module")
def core(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding the core wheel alone; its ``python``."""
    base = tmp_path_factory.mktemp("light")
    _run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", base / "wheels", REPO)
    (wheel,) = (base / "wheels").glob("outsourcing-*.whl")
    venv.create(base / "venv", with_pip=False)
    python = base / "venv" / "bin" / "python"
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet",
         "--disable-pip-version-check", wheel)
    return python


def test_the_core_wheel_brings_only_the_core_dependencies(core: Path) -> None:
    code = ("import importlib.metadata as m; "
            "print(' '.join(sorted(d.metadata['Name'].lower() for d in m.distributions())))")
    installed = set(_run(core, "-c", code).stdout.split())
    for extra in ("sqlalchemy", "alembic", "psycopg", "openpyxl", "rich", "matplotlib",
                  "jsonschema", "ocdsmerge"):
        assert extra not in installed
    assert {"outsourcing", "attrs", "cattrs", "pluggy", "chinesecalendar"} <= installed


def test_the_core_alone_settles_the_laws_worked_cases(core: Path) -> None:
    done = _run(core, "-m", "outsourcing", "test", CASES)
    assert " 0 failed" in done.stdout or "0 failed" in done.stdout.splitlines()[-1]
    assert "passed" in done.stdout.splitlines()[-1]


def test_a_missing_extra_is_named_when_the_store_is_imported(core: Path) -> None:
    code = ("import outsourcing\n"
            "try:\n    outsourcing.Store\n"
            "except outsourcing.MissingExtra as e:\n"
            "    print(e.code, e.value, isinstance(e, ImportError)); print(e.message_zh)\n")
    out = _run(core, "-c", code).stdout.splitlines()
    assert out[0] == "install.missing_extra store True"
    assert "outsourcing[store]" in out[1]


@pytest.mark.parametrize(("module", "extra"), [("outsourcing.registry", "store"),
                                               ("outsourcing.ocds", "ocds")])
def test_a_missing_extra_is_named_when_a_surface_is_imported(core: Path, module: str,
                                                             extra: str) -> None:
    done = _run(core, "-c", f"import {module}", ok=False)
    assert done.returncode == 1
    assert "MissingExtra" in done.stderr
    assert f"outsourcing[{extra}]" in done.stderr


def test_the_command_line_names_the_extra_a_command_needs(core: Path, tmp_path: Path) -> None:
    done = _run(core, "-m", "outsourcing", "init", "--db", tmp_path / "r.db", "--actor", "wang",
                ok=False)
    assert done.returncode == 2
    assert "outsourcing[store]" in done.stderr
    assert "Traceback" not in done.stderr
