"""docs/tutorial.md's Python blocks run, in order, as one session."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TUTORIAL = Path(__file__).resolve().parents[2] / "docs" / "tutorial.md"


def test_tutorial_code_runs_as_written(capsys: pytest.CaptureFixture[str]) -> None:
    blocks = re.findall(r"```python\n(.*?)```", TUTORIAL.read_text(encoding="utf-8"), re.S)
    assert len(blocks) >= 7
    namespace: dict[str, object] = {"__name__": "tutorial"}
    for i, block in enumerate(blocks):
        try:
            exec(compile(block, f"tutorial block {i + 1}", "exec"), namespace)
        except Exception as exc:  # pragma: no cover - the message is the point
            raise AssertionError(f"docs/tutorial.md block {i + 1} failed: {exc!r}") from exc
    out = capsys.readouterr().out
    assert "政府采购法 第四十九条" in out
    assert "结算单" in out and "计算依据" in out
