"""The import layers (issue 24): the core imports no surface, and no optional package.

The core — everything but the surfaces below — is what ``pip install outsourcing`` gives an
agency system that settles contracts. It must import none of the surfaces (the store, the
desk, open data, the service) and none of the packages only an extra installs, at module
level, under ``TYPE_CHECKING`` or inside a function alike. The store does not import the
desk or the service; open data does not import the desk, the store or the service.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from test_import_cycles import import_graph  # type: ignore[import-not-found]

import outsourcing
from outsourcing._extras import EXTRA_OF

ROOT = Path(outsourcing.__file__).parent
SURFACES = ("outsourcing.registry", "outsourcing.desk", "outsourcing.ocds",
            "outsourcing.service", "outsourcing.cli", "outsourcing.__main__")

#: a surface → the surfaces it must not import
FORBIDDEN = {
    "outsourcing.registry": ("outsourcing.desk", "outsourcing.service", "outsourcing.cli"),
    "outsourcing.ocds": ("outsourcing.desk", "outsourcing.registry", "outsourcing.service",
                         "outsourcing.cli"),
    "outsourcing.desk": ("outsourcing.service", "outsourcing.cli"),
}


def _in(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def _layer(module: str) -> str:
    for s in SURFACES:
        if _in(module, (s,)):
            return s
    return "core"


def _third_party(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_the_core_imports_no_surface() -> None:
    # the package root names ``outsourcing.Store`` lazily (its ``__getattr__``); that import
    # happens on first use only, which the next test checks by importing the package
    wrong = {m: sorted(t for t in targets if _in(t, SURFACES))
             for m, targets in import_graph().items()
             if _layer(m) == "core" and m != "outsourcing"}
    assert {m: t for m, t in wrong.items() if t} == {}


def test_importing_the_package_loads_no_surface_and_no_extra() -> None:
    code = ("import sys, outsourcing; outsourcing.load().rulebook('CN'); "
            "print(' '.join(sorted(sys.modules)))")
    loaded = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                            text=True).stdout.split()
    assert [m for m in loaded if _in(m, SURFACES)] == []
    assert sorted({m.split(".")[0] for m in loaded} & set(EXTRA_OF)) == []


@pytest.mark.parametrize("surface", sorted(FORBIDDEN))
def test_a_surface_imports_only_what_lies_below_it(surface: str) -> None:
    wrong = {m: sorted(t for t in targets if _in(t, FORBIDDEN[surface]))
             for m, targets in import_graph().items() if _layer(m) == surface}
    assert {m: t for m, t in wrong.items() if t} == {}


def test_the_core_imports_no_package_an_extra_installs() -> None:
    wrong: dict[str, list[str]] = {}
    for path in ROOT.rglob("*.py"):
        module = ".".join(path.relative_to(ROOT.parent).with_suffix("").parts)
        module = module.removesuffix(".__init__")
        if _layer(module) != "core":
            continue
        extras = sorted(r for r in _third_party(path) if r in EXTRA_OF)
        if extras:
            wrong[module] = extras
    assert wrong == {}


def test_the_layer_rule_sees_a_surface_import() -> None:
    # the rule is not vacuous: the command line does import the desk
    assert any(_in(t, ("outsourcing.desk",)) for t in import_graph()["outsourcing.cli"])
