from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from outsourcing import DateRange, Money
from outsourcing.accrual import accrue, period_amounts
from outsourcing.dates import DayCount, PeriodKind, month_end, periods_between


def test_a_whole_month_accrues_the_monthly_fee_whatever_its_length() -> None:
    for month in (1, 2, 4):
        span = DateRange(date(2022, month, 1), month_end(date(2022, month, 1)))
        assert accrue(Fraction(30000), span) == 30000
        assert accrue(Fraction(30000), span, DayCount.THIRTY) == 30000


def test_a_part_month_accrues_by_actual_days() -> None:
    # 17..31 October: 15 of 31 days of 18,000 = 8,709.677…
    assert Money.round(accrue(Fraction(18000), DateRange(date(2022, 10, 17),
                                                         date(2022, 10, 31)))) == Money("8709.68")


def test_a_part_month_accrues_by_thirty_day_months() -> None:
    span = DateRange(date(2022, 10, 17), date(2022, 10, 31))  # 14 days under 30/360
    assert accrue(Fraction(18000), span, DayCount.THIRTY) == 8400


@st.composite
def schedules(draw: st.DrawFn) -> tuple[list[tuple[DateRange, Fraction]], DateRange]:
    start = draw(st.dates(min_value=date(2020, 1, 1), max_value=date(2024, 1, 1)))
    end = start + timedelta(days=draw(st.integers(0, 800)))
    cuts = sorted(set(draw(st.lists(st.integers(1, (end - start).days or 1), max_size=5))))
    edges = [start] + [start + timedelta(days=c) for c in cuts if start + timedelta(days=c) <= end]
    edges = sorted(set(edges))
    parts = []
    for a, b in zip(edges, [*edges[1:], end + timedelta(days=1)], strict=True):
        fen = draw(st.integers(0, 10**8))
        parts.append((DateRange(a, b - timedelta(days=1)), Fraction(fen, 100)))
    return parts, DateRange(start, end)


@given(schedules(), st.sampled_from(list(DayCount)))
def test_months_quarters_or_one_period_give_the_same_total(
    sched: tuple[list[tuple[DateRange, Fraction]], DateRange], conv: DayCount
) -> None:
    parts, term = sched
    whole = Money.round(sum((accrue(m, r, conv) for r, m in parts), Fraction(0)))
    by = {}
    for kind in PeriodKind:
        cuts = [p.range.overlap(term) for p in periods_between(term, kind)]
        by[kind] = Money.sum(period_amounts(parts, [c for c in cuts if c], conv))
    assert by[PeriodKind.MONTH] == by[PeriodKind.QUARTER] == by[PeriodKind.YEAR] == whole
    assert Money.sum(period_amounts(parts, [term], conv)) == whole
