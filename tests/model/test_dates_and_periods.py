from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from outsourcing import DateError, DateRange, Period
from outsourcing.dates import DayCount, PeriodKind, periods_between


def test_end_before_start_is_refused_naming_both_dates() -> None:
    with pytest.raises(DateError) as exc:
        DateRange(date(2022, 12, 31), date(2022, 1, 1))
    assert "2022-01-01" in str(exc.value) and "终止日期早于起始日期" in str(exc.value)


def test_a_date_that_does_not_exist_is_refused() -> None:
    with pytest.raises(DateError, match="exists"):
        DateRange("2022-02-30", "2022-03-31")


def test_inclusive_range_counts_both_ends() -> None:
    assert DateRange(date(2022, 10, 1), date(2022, 10, 31)).days == 31
    assert DateRange(date(2022, 1, 1), date(2022, 12, 31)).days == 365


def test_periods_parse_and_bound() -> None:
    q4 = Period.parse("2022-Q4")
    assert (q4.start, q4.end, q4.days) == (date(2022, 10, 1), date(2022, 12, 31), 92)
    feb = Period.parse("2024-02")
    assert feb.end == date(2024, 2, 29) and str(feb) == "2024-02"
    assert Period.parse("2022").days == 365
    assert [str(m) for m in q4.months()] == ["2022-10", "2022-11", "2022-12"]
    with pytest.raises(DateError):
        Period.parse("2022-13")


def test_overlap_of_range_and_period() -> None:
    span = DateRange(date(2022, 10, 17), date(2022, 12, 4))
    assert span.overlap(Period.month(2022, 11).range) == Period.month(2022, 11).range
    assert span.overlap(Period.month(2022, 10).range) == DateRange(date(2022, 10, 17),
                                                                   date(2022, 10, 31))
    assert span.overlap(Period.month(2023, 1).range) is None


def test_thirty_day_months_count_thirty_in_february_and_nothing_on_the_31st() -> None:
    assert Period.month(2022, 2).range.day_count(DayCount.THIRTY) == 30
    assert Period.month(2022, 1).range.day_count(DayCount.THIRTY) == 30
    assert DateRange(date(2022, 1, 31), date(2022, 1, 31)).day_count(DayCount.THIRTY) == 0
    assert DateRange(date(2022, 1, 16), date(2022, 1, 31)).day_count(DayCount.THIRTY) == 15


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)),
       st.integers(min_value=0, max_value=800), st.integers(min_value=0, max_value=800))
def test_day_counts_add_up_over_any_cut(start: date, n: int, cut: int) -> None:
    span = DateRange(start, start + timedelta(days=n))
    mid = start + timedelta(days=min(cut, n))
    if mid == span.end:
        return
    left, right = DateRange(start, mid), DateRange(mid + timedelta(days=1), span.end)
    for conv in DayCount:
        assert left.day_count(conv) + right.day_count(conv) == span.day_count(conv)


def test_periods_between_covers_the_span() -> None:
    span = DateRange(date(2022, 2, 15), date(2022, 8, 1))
    assert [str(p) for p in periods_between(span, PeriodKind.QUARTER)] == [
        "2022-Q1", "2022-Q2", "2022-Q3"]
