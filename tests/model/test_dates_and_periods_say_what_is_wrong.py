"""Dates and periods: a refusal says what is wrong and what is allowed, with a code that
tells the errors apart; digits are ASCII digits everywhere a date or period is read."""

from __future__ import annotations

from datetime import date

import pytest

import outsourcing as o
from outsourcing.dates import as_date


def test_period_month_13_is_month_out_of_range_saying_months_are_1_to_12() -> None:
    with pytest.raises(o.DateError) as e:
        o.Period.parse("2022-13")
    assert e.value.code == "period.month_out_of_range"
    assert e.value.field == "period" and e.value.value == "2022-13"
    assert e.value.message_zh.startswith("period='2022-13'：月份 13 不存在：月份须为 1 至 12")
    assert "index" not in e.value.message_zh


def test_period_quarter_5_is_quarter_out_of_range() -> None:
    with pytest.raises(o.DateError) as e:
        o.Period.parse("2022-Q5")
    assert e.value.code == "period.quarter_out_of_range"
    assert "季度须为 1 至 4" in e.value.message_zh


@pytest.mark.parametrize("text", ["٢٠٢٢-10", "２０２２-10", "2022-١٠", "۲۰۲۲"])
def test_period_in_other_digits_is_refused_ascii_only(text: str) -> None:
    with pytest.raises(o.DateError) as e:
        o.Period.parse(text)
    assert e.value.code == "period.not_ascii"
    assert "半角阿拉伯数字" in e.value.message_zh


@pytest.mark.parametrize("text", ["٢٠٢٢-١٠-٠١", "２０２２-１０-０１"])
def test_date_in_other_digits_is_refused_ascii_only(text: str) -> None:
    with pytest.raises(o.DateError) as e:
        as_date(text)
    assert e.value.code == "date.not_ascii"


def test_a_day_that_does_not_exist_is_told_so_not_format_wrong() -> None:
    with pytest.raises(o.DateError) as e:
        o.DateRange("2022-02-30", "2022-03-31")
    assert e.value.code == "date.day_out_of_range" and e.value.field == "start"
    assert "2022 年 2 月没有 30 日：该月只有 28 天" in e.value.message_zh
    with pytest.raises(o.DateError) as e:
        as_date("2024-13-01")
    assert e.value.code == "date.month_out_of_range"
    assert as_date("2024-02-29") == date(2024, 2, 29)


def test_a_date_that_is_not_written_as_one_says_the_form() -> None:
    with pytest.raises(o.DateError) as e:
        as_date("next tuesday")
    assert e.value.code == "date.invalid" and "YYYY-MM-DD" in e.value.message_zh


def test_valid_periods_read_as_before() -> None:
    assert [str(o.Period.parse(t)) for t in ("2022-10", "2022-q4", " 2022-Q1 ", "2022", "2022-1")
            ] == ["2022-10", "2022-Q4", "2022-Q1", "2022", "2022-01"]


def test_a_reversed_range_names_both_days() -> None:
    with pytest.raises(o.DateError) as e:
        o.DateRange(date(2022, 3, 1), date(2022, 2, 1))
    assert e.value.code == "date.range_reversed" and "2022-03-01" in e.value.message_zh
