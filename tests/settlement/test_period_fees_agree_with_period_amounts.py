"""The one-pass period fees agree, to the fen, with ``period_amounts`` (按日折算, 一次计算)."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from outsourcing import DateRange, Money
from outsourcing.accrual import all_period_amounts, all_period_fen, period_amounts
from outsourcing.dates import DayCount, PeriodKind, periods_between


@st.composite
def gappy_schedules(draw: st.DrawFn) -> list[tuple[DateRange, Fraction]]:
    """Disjoint pieces with gaps (suspensions), mid-month edges and odd monthly amounts."""
    day = draw(st.dates(min_value=date(2019, 1, 1), max_value=date(2024, 6, 1)))
    parts = []
    for _ in range(draw(st.integers(0, 5))):
        day += timedelta(days=draw(st.integers(0, 40)))
        end = day + timedelta(days=draw(st.integers(0, 200)))
        amount = Fraction(draw(st.integers(0, 10**8)), 100) * Fraction(
            draw(st.integers(1, 7)), draw(st.integers(1, 3)))
        parts.append((DateRange(day, end), amount))
        day = end + timedelta(days=1)
    return parts


@st.composite
def period_lists(draw: st.DrawFn) -> list[DateRange]:
    start = draw(st.dates(min_value=date(2018, 12, 1), max_value=date(2025, 1, 1)))
    out = []
    for _ in range(draw(st.integers(1, 6))):
        s = start + timedelta(days=draw(st.integers(0, 400)))
        out.append(DateRange(s, s + timedelta(days=draw(st.integers(0, 120)))))
    return out


@given(gappy_schedules(), period_lists(), st.sampled_from(list(DayCount)))
def test_one_pass_fees_equal_period_amounts_for_any_periods(
    sched: list[tuple[DateRange, Fraction]], periods: list[DateRange], conv: DayCount
) -> None:
    assert all_period_amounts(sched, periods, conv) == period_amounts(sched, periods, conv)


@given(gappy_schedules(), st.sampled_from(list(PeriodKind)), st.sampled_from(list(DayCount)))
def test_one_pass_fees_equal_period_amounts_for_calendar_periods(
    sched: list[tuple[DateRange, Fraction]], kind: PeriodKind, conv: DayCount
) -> None:
    span = DateRange(date(2018, 12, 1), date(2026, 1, 31))
    periods = [p.range for p in periods_between(span, kind)]
    assert all_period_amounts(sched, periods, conv) == period_amounts(sched, periods, conv)


def test_one_pass_fees_of_a_suspended_month() -> None:
    # 18,000 a month; suspended 15..28 February 2022 (14 of 28 days): 9,000.00 in February
    sched = [(DateRange(date(2022, 1, 1), date(2022, 2, 14)), Fraction(18000)),
             (DateRange(date(2022, 3, 1), date(2022, 12, 31)), Fraction(18000))]
    months = [p.range for p in periods_between(DateRange(date(2022, 1, 1), date(2022, 3, 31)),
                                               PeriodKind.MONTH)]
    assert all_period_fen(sched, months) == [1_800_000, 900_000, 1_800_000]
    assert all_period_amounts(sched, months) == [Money("18000"), Money("9000"), Money("18000")]
    assert all_period_fen(sched, []) == []
