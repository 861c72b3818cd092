"""``docs/architecture.md`` stays true: every module, package or name it cites exists.

The page names modules as ``outsourcing.settlement.compute`` (or a name inside one, such as
``outsourcing.settlement.compute.settle_readings``) and paths as ``src/outsourcing/…``; each
must resolve in this tree, so a module moved or renamed fails here until the page follows.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PAGE = REPO / "docs" / "architecture.md"
DOTTED = re.compile(r"`(outsourcing(?:_ningxia)?(?:\.[A-Za-z_][A-Za-z0-9_]*)*)`")
PATHS = re.compile(r"`((?:src|plugins|tests|benchmarks|fuzz|examples|docs)/[^`\s]*)`")


def _resolves(dotted: str) -> bool:
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        module = ".".join(parts[:cut])
        try:
            found = importlib.util.find_spec(module)
        except ModuleNotFoundError:  # a name inside a module, not a module
            continue
        if found is None:
            continue
        obj: object = importlib.import_module(module)
        for name in parts[cut:]:
            if not hasattr(obj, name):
                return False
            obj = getattr(obj, name)
        return True
    return False


def test_every_module_the_architecture_page_names_exists() -> None:
    text = PAGE.read_text(encoding="utf-8")
    named = sorted(set(DOTTED.findall(text)))
    assert len(named) >= 20  # the page names the packages and the modules of each layer
    assert [d for d in named if not _resolves(d)] == []


def test_every_path_the_architecture_page_names_exists() -> None:
    text = PAGE.read_text(encoding="utf-8")
    paths = sorted(set(PATHS.findall(text)))
    assert paths
    assert [p for p in paths if not (REPO / p.rstrip("/")).exists()] == []


def test_the_check_fails_on_a_module_that_does_not_exist() -> None:
    assert not _resolves("outsourcing.settlement.no_such_module")
    assert not _resolves("outsourcing.settlement.compute.no_such_name")
    assert _resolves("outsourcing.settlement")
