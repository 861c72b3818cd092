"""The house's size rule (issue 24): no module of the library or the bundled plugin over 500
lines and no function over 80, except the first migration's ``upgrade`` — a frozen record of
the first schema, never edited."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([*(ROOT / "src").rglob("*.py"), *(ROOT / "plugins").rglob("*.py")])
EXCEPTIONS = {("v0001_first_schema.py", "upgrade")}


def test_no_module_is_over_500_lines() -> None:
    long = {str(p.relative_to(ROOT)): n for p in SOURCES
            if (n := len(p.read_text("utf-8").splitlines())) > 500}
    assert long == {}


def test_no_function_is_over_80_lines_but_the_first_migration() -> None:
    long = {}
    for p in SOURCES:
        for node in ast.walk(ast.parse(p.read_text("utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                n = (node.end_lineno or node.lineno) - node.lineno + 1
                if n > 80 and (p.name, node.name) not in EXCEPTIONS:
                    long[f"{p.relative_to(ROOT)}:{node.name}"] = n
    assert long == {}


def test_the_rule_sees_a_long_function() -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(81))
    tree = ast.parse(f"def f() -> None:\n{body}\n")
    (f,) = tree.body
    assert isinstance(f, ast.FunctionDef) and (f.end_lineno or 0) - f.lineno + 1 == 82
