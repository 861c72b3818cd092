"""The statement is one package (``outsourcing.statement``); the old top-level modules the
docs of the previous release named still import for one release, with a warning, and give
the very same objects (旧模块名保留一个版本并提示弃用)."""

from __future__ import annotations

import importlib
import sys

import pytest

OLD = {"statement_record": "record", "statement_parts": "parts", "statement_json": "json",
       "statement_legacy": "legacy", "statement_text": "text"}


@pytest.mark.parametrize("old", sorted(OLD))
def test_an_old_statement_module_warns_and_gives_the_package_module_names(old: str) -> None:
    new = importlib.import_module(f"outsourcing.statement.{OLD[old]}")
    sys.modules.pop(f"outsourcing.{old}", None)
    with pytest.warns(DeprecationWarning, match=f"outsourcing.statement.{OLD[old]}"):
        shim = importlib.import_module(f"outsourcing.{old}")
    assert shim.__all__ == new.__all__
    assert all(getattr(shim, n) is getattr(new, n) for n in new.__all__)
