"""The core plugin (``outsourcing.builtin``) is loaded by the plugin host like any
jurisdiction's plugin: no other module of the library imports it."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "outsourcing"


def _imports_builtin(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            name = node.module or ""
            if name.split(".")[-1] == "builtin" or (
                    name in ("", "outsourcing") and any(a.name == "builtin" for a in node.names)):
                return True
        if isinstance(node, ast.Import) and any(a.name == "outsourcing.builtin"
                                                for a in node.names):
            return True
    return False


def test_no_module_but_the_plugin_host_imports_the_core_plugin() -> None:
    importers = sorted(str(p.relative_to(SRC)) for p in SRC.rglob("*.py")
                       if _imports_builtin(p))
    assert importers == ["plugins.py"]
