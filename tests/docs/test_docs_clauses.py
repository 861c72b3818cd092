"""The worked examples of the contract clauses (issue 21) in docs/model.md, docs/payments.md
and docs/procurement.md: each page's ``<!-- clause -->`` Python blocks run, in order, as one
session, and assert the figures the page states."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
PAGES = ["model.md", "payments.md", "procurement.md"]


def _blocks(page: str) -> list[str]:
    text = (DOCS / page).read_text(encoding="utf-8")
    return re.findall(r"<!-- clause -->\n```python\n(.*?)```\n<!-- /clause -->", text, re.S)


@pytest.mark.parametrize("page", PAGES)
def test_the_clause_examples_on_the_page_run_and_give_the_stated_figures(page: str) -> None:
    blocks = _blocks(page)
    assert blocks
    namespace: dict[str, object] = {"__name__": page}
    for i, block in enumerate(blocks):
        exec(compile(block, f"{page} clause block {i + 1}", "exec"), namespace)
