"""Pro-rata accrual of monthly fees over days (按日折算).

A service line's fee is stated per month.  For a span of days its fee accrues month by month:
a whole calendar month accrues the monthly amount; a part month accrues the monthly amount ×
(days in the part ÷ days in the month), counting days by the contract's convention
(:class:`~outsourcing.dates.DayCount`).  Everything stays an exact Fraction of yuan until the
one rounding step.

Periods are rounded *cumulatively*: the fee of a period is round(C(end)) − round(C(start−1)),
where C(d) is the exact amount accrued from the start of the schedule to the end of day d.
Hence the fees of any set of consecutive periods add up, to the fen, to the rounded total of
their union, however the term is cut (months, quarters, one period).
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from fractions import Fraction
from typing import Protocol

from .dates import DateRange, DayCount
from .money import Money, round_half_up

__all__ = ["HasSchedules", "Schedule", "accrue", "cumulative", "period_amounts"]

Schedule = Sequence[tuple[DateRange, Fraction]]
"""Disjoint date ranges, each with the monthly amount (Fraction of yuan) in force over it."""


class HasSchedules(Protocol):
    """Anything that can say, per line, which days it runs at which monthly amount.

    A :class:`~outsourcing.model.Contract` (every line over the whole term) and a timeline of
    changes both answer; settlement reads fees through this protocol only.
    """

    def line_schedules(self) -> Mapping[str, Schedule]: ...


def accrue(monthly: Fraction, span: DateRange, convention: DayCount = DayCount.ACTUAL) -> Fraction:
    """Exact yuan accrued by ``monthly`` over ``span`` (both ends included)."""
    if monthly == 0:
        return Fraction(0)
    total = Fraction(0)
    for piece in span.months():
        in_month = calendar.monthrange(piece.start.year, piece.start.month)[1]
        if piece.start.day == 1 and piece.end.day == in_month:
            total += monthly
        elif convention is DayCount.ACTUAL:
            total += monthly * piece.days / in_month
        else:
            total += monthly * piece.day_count(convention) / 30
    return total


def cumulative(schedule: Schedule, upto: date, convention: DayCount = DayCount.ACTUAL) -> Fraction:
    """C(upto): the exact amount accrued by the schedule through the end of ``upto``."""
    total = Fraction(0)
    for span, monthly in schedule:
        if span.start > upto:
            continue
        part = span if span.end <= upto else DateRange(span.start, upto)
        total += accrue(monthly, part, convention)
    return total


def period_amounts(
    schedule: Schedule, periods: Sequence[DateRange], convention: DayCount = DayCount.ACTUAL
) -> list[Money]:
    """The fee of each period, rounded cumulatively so that the parts always add up."""
    out: list[Money] = []
    for p in periods:
        before = cumulative(schedule, p.start - timedelta(days=1), convention)
        through = cumulative(schedule, p.end, convention)
        out.append(Money.from_fen(round_half_up(through * 100) - round_half_up(before * 100)))
    return out
