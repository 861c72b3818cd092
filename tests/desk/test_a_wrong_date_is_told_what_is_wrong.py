"""A wrong day or month at the desk is told what is wrong (the day does not exist, month 13),
in Chinese with its code — the library's date parser's sentence, shown by the desk."""

from __future__ import annotations

from pathlib import Path

import pytest
from desk_runner import founded, run


@pytest.mark.parametrize(("args", "code", "words"), [
    (["due", "--on", "2022-02-30"], "date.day_out_of_range",
     "2022 年 2 月没有 30 日：该月只有 28 天"),
    (["statement", "show", "C-1", "2022-13"], "period.month_out_of_range",
     "月份 13 不存在：月份须为 1 至 12"),
    (["due", "--on", "2022-13-01"], "date.month_out_of_range", "月份 13 不存在"),
    (["pay", "C-1", "2022-10", "1.00", "--on", "2023-02-29", "--as", "wang"],
     "date.day_out_of_range", "2023 年 2 月没有 29 日"),
])
def test_a_wrong_day_or_month_says_what_is_wrong(args: list[str], code: str, words: str,
                                                 tmp_path: Path) -> None:
    founded(tmp_path)
    got = run(tmp_path, *args)
    assert got.code == 2 and f"〔{code}〕" in got.err and words in got.err, got.err
    assert "YYYY-MM-DD" not in got.err and "index=" not in got.err
