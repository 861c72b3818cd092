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
import math
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from fractions import Fraction
from typing import Protocol

from .dates import DateRange, DayCount
from .money import Money, round_half_up

__all__ = [
    "HasSchedules",
    "Schedule",
    "accrue",
    "all_period_amounts",
    "all_period_fen",
    "cumulative",
    "period_amounts",
]

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


_DAYS_LCM = 377_580
"""lcm(28, 29, 30, 31): every month's length, and the 30-day month, divide it."""


def _rhu(num: int, den: int) -> int:
    """round_half_up(num / den) on integers, ``den > 0``."""
    if num >= 0:
        return (2 * num + den) // (2 * den)
    return -((-2 * num + den) // (2 * den))


def all_period_fen(
    schedule: Schedule, periods: Sequence[DateRange], convention: DayCount = DayCount.ACTUAL
) -> list[int]:
    """:func:`period_amounts` for many periods in one pass, in whole fen.

    The same cumulative rounding, to the fen: each period's fee is
    round(C(end)) − round(C(start − 1)).  Instead of re-accruing the schedule for every
    period with Fractions, the schedule is cut into month pieces once and C is evaluated at
    every boundary in one sweep with integers over a common denominator (the monthly
    amounts' denominators × :data:`_DAYS_LCM`), so a contract's 36 months cost a few
    microseconds per month.
    """
    if not periods:
        return []
    scale = 1
    for _, monthly in schedule:
        scale = math.lcm(scale, Fraction(monthly).denominator)
    denominator = scale * _DAYS_LCM
    thirty = convention is DayCount.THIRTY
    # month pieces of the schedule: (start, end, days in month, monthly × scale)
    pieces: list[tuple[date, date, int, int]] = []
    for span, monthly in schedule:
        m = Fraction(monthly)
        if m == 0:
            continue
        a = m.numerator * (scale // m.denominator)
        s = span.start
        while s <= span.end:
            dim = calendar.monthrange(s.year, s.month)[1]
            e = min(s.replace(day=dim), span.end)
            pieces.append((s, e, dim, a))
            s = e + timedelta(days=1)
    pieces.sort()

    def upto(start: date, q: date, dim: int, a: int) -> int:
        """Exact amount × denominator accrued by one month piece from ``start`` to ``q``."""
        if start.day == 1 and q.day == dim:
            return a * _DAYS_LCM
        if not thirty:
            return a * ((q - start).days + 1) * (_DAYS_LCM // dim)
        s = 31 if start.day == 31 else start.day
        e = 30 if q.day == dim else min(q.day, 30)
        return a * max(0, e - s + 1) * (_DAYS_LCM // 30)

    queries = sorted({d for p in periods for d in (p.start - timedelta(days=1), p.end)})
    rounded: dict[date, int] = {}
    done = 0  # exact amount of every piece ending on or before the query
    i, n = 0, len(pieces)
    for q in queries:
        while i < n and pieces[i][1] <= q:
            s, e, dim, a = pieces[i]
            done += upto(s, e, dim, a)
            i += 1
        total = done
        if i < n and pieces[i][0] <= q:
            s, _, dim, a = pieces[i]
            total += upto(s, q, dim, a)
        rounded[q] = _rhu(total * 100, denominator)
    return [rounded[p.end] - rounded[p.start - timedelta(days=1)] for p in periods]


def all_period_amounts(
    schedule: Schedule, periods: Sequence[DateRange], convention: DayCount = DayCount.ACTUAL
) -> list[Money]:
    """The fee of each period, exactly as :func:`period_amounts` gives it, in one pass."""
    return [Money.from_fen(f) for f in all_period_fen(schedule, periods, convention)]
