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

Across lines the same rule holds at the contract level (:func:`contract_period_fen`): the
contract's cumulative amount is rounded once, and the difference from the lines' own
roundings goes to the main line, so the lines together never pay more than the contract's
total.  :meth:`Contract.line_amount`,
:meth:`Timeline.line_amount` and settlement all use it: one accrual rule for every public amount.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from enum import StrEnum
from fractions import Fraction
from typing import Any, Protocol

from .dates import DateRange, DayCount
from .money import Money, div_half_up, round_half_up

__all__ = [
    "Bounds",
    "ContractAccrual",
    "HasSchedules",
    "Rounding",
    "Schedule",
    "accrue",
    "all_period_amounts",
    "all_period_fen",
    "contract_period_fen",
    "contract_span_amount",
    "cumulative",
    "line_span_amount",
    "main_line",
    "period_amounts",
    "period_bounds",
]


class Rounding(StrEnum):
    """How the contract rounds a period's fee (计费取整方式)."""

    RUNNING = "running"
    """累计取整 (the default): a period's fee is round(C(end)) − round(C(start − 1)), so any
    cut of the term adds back to the rounded term total."""
    PERIOD = "period"
    """每期单独取整: each settlement period's fee is its exact amount rounded on its own (a
    quarterly 确认单 of 面积 × 年单价 ÷ 365 × 天数); the term total is the sum of the
    periods."""


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


_DIM = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _dim(y: int, m: int) -> int:
    if m == 2 and y % 4 == 0 and (y % 100 != 0 or y % 400 == 0):
        return 29
    return _DIM[m]


class Bounds:
    """The boundaries of a run of periods, worked out once (see :func:`period_bounds`)."""

    __slots__ = ("pairs", "points")

    def __init__(self, periods: Sequence[DateRange]) -> None:
        one = timedelta(days=1)
        pts = sorted({p.start - one for p in periods} | {p.end for p in periods})
        at = {q: n for n, q in enumerate(pts)}
        self.points = [(q, q.year * 12 + q.month - 1, q.day, _dim(q.year, q.month))
                       for q in pts]
        """Each boundary day: (day, month index, day of month, days in its month)."""
        self.pairs = [(at[p.start - one], at[p.end]) for p in periods]
        """Each period's (day before it starts, last day) as indexes into ``points``."""

    def period(self, i: int) -> Bounds:
        """The boundaries of period ``i`` alone (its two boundary days)."""
        b, e = self.pairs[i]
        out = Bounds(())
        out.points = [self.points[b], self.points[e]]
        out.pairs = [(0, 1)]
        return out


def period_bounds(periods: Sequence[DateRange]) -> Bounds:
    """Precompute the boundaries of ``periods`` for :func:`all_period_fen` (every line of a
    contract shares its calendar, so settlement does this once per contract)."""
    return Bounds(periods)


def all_period_fen(
    schedule: Schedule, periods: Sequence[DateRange] | Bounds,
    convention: DayCount = DayCount.ACTUAL,
) -> list[int]:
    """:func:`period_amounts` for many periods in one pass, in whole fen.

    The same cumulative rounding, to the fen: each period's fee is
    round(C(end)) − round(C(start − 1)).  Instead of re-accruing the schedule with Fractions
    for every period, each piece of the schedule is summarised once (its first month, its
    whole months, its full value) and C is evaluated at the period boundaries in one sweep
    with integers over a common denominator (the monthly amounts' denominators ×
    :data:`_DAYS_LCM`); a boundary shared by two periods is evaluated once.  ``periods`` may
    be given as precomputed :class:`Bounds`.
    """
    bounds = periods if isinstance(periods, Bounds) else Bounds(periods)
    if not bounds.pairs:
        return []
    totals, denominator, _ = _exact_at_points(schedule, bounds, convention)
    rounded = [div_half_up(100 * t, denominator) for t in totals]
    return [rounded[e] - rounded[b] for b, e in bounds.pairs]


def _scale(schedule: Schedule, scale: int = 1) -> int:
    for _, monthly in schedule:
        d = monthly.as_integer_ratio()[1] if type(monthly) is Fraction else Fraction(
            monthly).denominator
        if d != 1:
            scale = math.lcm(scale, d)
    return scale


def _part(start_day: int, q_day: int, dim: int, a: int, thirty: bool) -> int:
    """Exact amount × denominator accrued at ``a`` (monthly × scale) from day ``start_day``
    to ``q_day`` of a month of ``dim`` days."""
    if start_day == 1 and q_day == dim:
        return a * _DAYS_LCM
    if not thirty:
        return a * (q_day - start_day + 1) * (_DAYS_LCM // dim)
    s = 31 if start_day == 31 else start_day
    e = 30 if q_day == dim else min(q_day, 30)
    return a * max(0, e - s + 1) * (_DAYS_LCM // 30)


Segment = tuple[date, date, int, int, int, int]
"""A piece of a schedule summarised: start, end, first month index, monthly × scale, the
first month's part and the piece's full value (over the common denominator)."""


def _segments(schedule: Schedule, scale: int, thirty: bool) -> tuple[list[Segment], int]:
    """Each piece of ``schedule`` summarised once (sorted), and the schedule's whole value,
    over the denominator ``scale`` × :data:`_DAYS_LCM`."""
    segs: list[Segment] = []
    for span, monthly in schedule:
        num, den = (monthly if type(monthly) is Fraction else Fraction(monthly)
                    ).as_integer_ratio()
        if num == 0:
            continue
        a = num * (scale // den)
        s, e = span.start, span.end
        ms, me = s.year * 12 + s.month - 1, e.year * 12 + e.month - 1
        if ms == me:
            head = full = _part(s.day, e.day, _dim(e.year, e.month), a, thirty)
        else:
            dim_s = _dim(s.year, s.month)
            head = _part(s.day, dim_s, dim_s, a, thirty)
            full = (head + (me - ms - 1) * a * _DAYS_LCM
                    + _part(1, e.day, _dim(e.year, e.month), a, thirty))
        segs.append((s, e, ms, a, head, full))
    segs.sort()
    return segs, sum(seg[5] for seg in segs)


def _at_points(segs: Sequence[Segment], points: Sequence[tuple[date, int, int, int]],
               thirty: bool) -> list[int]:
    """C at each boundary point (in order), from the summarised pieces."""
    totals: list[int] = []
    done = 0  # exact value of every piece ending on or before the boundary
    k, n = 0, len(segs)
    for q, mq, qday, dim in points:
        while k < n and segs[k][1] <= q:
            done += segs[k][5]
            k += 1
        total = done
        if k < n and segs[k][0] <= q:
            s, _, ms, a, head, _ = segs[k]
            if mq == ms:
                total += _part(s.day, qday, dim, a, thirty)
            elif qday == dim:  # a month end: every month since the first is whole
                total += head + (mq - ms) * a * _DAYS_LCM
            else:
                total += head + (mq - ms - 1) * a * _DAYS_LCM + _part(1, qday, dim, a, thirty)
        totals.append(total)
    return totals


def _exact_at_points(schedule: Schedule, bounds: Bounds, convention: DayCount,
                     scale: int | None = None) -> tuple[list[int], int, int]:
    """C at every boundary point of ``bounds``, as numerators over one common denominator,
    the denominator, and the whole schedule's value over the same denominator."""
    if scale is None:
        scale = _scale(schedule)
    thirty = convention is DayCount.THIRTY
    segs, full = _segments(schedule, scale, thirty)
    return _at_points(segs, bounds.points, thirty), scale * _DAYS_LCM, full


def all_period_amounts(
    schedule: Schedule, periods: Sequence[DateRange], convention: DayCount = DayCount.ACTUAL
) -> list[Money]:
    """The fee of each period, exactly as :func:`period_amounts` gives it, in one pass."""
    return [Money.from_fen(f) for f in all_period_fen(schedule, periods, convention)]


def main_line(schedules: Sequence[Schedule],
              convention: DayCount = DayCount.ACTUAL) -> int | None:
    """The index of the line that absorbs the contract's rounding difference: the line with
    the largest amount over its whole schedule (the first of equals); None without lines."""
    best: tuple[Fraction, int] | None = None
    for i, s in enumerate(schedules):
        total = sum((accrue(m, span, convention) for span, m in s), Fraction(0))
        if best is None or total > best[0]:
            best = (total, i)
    return None if best is None else best[1]



def contract_period_fen(
    schedules: Sequence[Schedule], periods: Sequence[DateRange] | Bounds,
    convention: DayCount = DayCount.ACTUAL, alone: Sequence[bool] = (),
) -> list[list[int]]:
    """Every line's fee in every period, in whole fen, reconciled at the contract level.

    The one accrual rule (统一计费规则): every line is rounded cumulatively on its own
    (a period's fee is round(C(end)) − round(C(start − 1)), as :func:`all_period_fen`), and
    the contract too: at every boundary day d the contract's cumulative amount
    R(d) = round(Σ C_line(d)) is rounded once.  Where the lines' own roundings do not add up
    to R(d) (at most half a fen per line), the difference goes to the **main line** — the
    line with the largest amount over its schedule (:func:`main_line`), 尾差计入主项目 — so
    its cumulative amount is R(d) less the other lines'.  Every line's amount is a function
    of the day alone, so any cut of the term adds back to the term total, line by line and
    for the contract, and the lines together never pay more than the contract's rounded
    total: two lines of ¥100.05 a month over half a month pay ¥50.02 + ¥50.03 = ¥100.05,
    not ¥100.06.  The other lines are exactly their own cumulative rounding, so they never
    show a fee in a period in which they do not run.  The main line's period fee is its own
    rounding plus the change in the difference (a few fen at most): where its own amount in
    a period is smaller than that — a main line of a few fen a month, or one suspended while
    the others run part of a month — it can show ¥0.01 or −¥0.01 in that period (a known
    limit of the rule; the contract's total stays exact).

    ``alone`` marks the lines rounded period by period on their own (:attr:`Rounding.PERIOD`,
    or a literal split): each of their periods is its exact amount rounded half-up once, and
    they take no part in the contract's reconciliation (the main line is chosen among the
    others).  Without ``alone`` every line is rounded cumulatively, as above.
    """
    bounds = periods if isinstance(periods, Bounds) else Bounds(periods)
    return ContractAccrual(schedules, convention, alone).period_fen(bounds)


class ContractAccrual:
    """:func:`contract_period_fen` prepared once for a contract: each line's schedule
    summarised (its pieces over one common denominator, the main line chosen), then
    evaluated at the boundary days of any periods — a period settled alone costs its two
    boundary days, not the whole term.  :func:`contract_period_fen` is this class used
    once: one rule, one code."""

    __slots__ = ("alone", "den", "main", "segs", "thirty", "together")

    def __init__(self, schedules: Sequence[Schedule], convention: DayCount = DayCount.ACTUAL,
                 alone: Sequence[bool] = ()) -> None:
        scale = 1
        for s in schedules:
            scale = _scale(s, scale)
        self.thirty = convention is DayCount.THIRTY
        self.den = scale * _DAYS_LCM
        summed = [_segments(s, scale, self.thirty) for s in schedules]
        self.segs = [segs for segs, _ in summed]
        self.alone = tuple(i < len(alone) and bool(alone[i]) for i in range(len(schedules)))
        self.together = [i for i in range(len(schedules)) if not self.alone[i]]
        # the main line: the largest whole-schedule value among the lines rounded together
        # (the first of equals); it takes the contract's rounding difference
        self.main = (max(self.together, key=lambda i: (summed[i][1], -i))
                     if len(self.together) > 1 else None)

    def __getstate__(self) -> tuple[Any, ...]:
        return tuple(getattr(self, k) for k in self.__slots__)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        for k, v in zip(self.__slots__, state, strict=True):
            setattr(self, k, v)

    def period_fen(self, bounds: Bounds) -> list[list[int]]:
        """Every line's fee in each period of ``bounds``, in whole fen."""
        if not bounds.pairs:
            return [[] for _ in self.segs]
        den, pairs = self.den, bounds.pairs
        totals = [_at_points(segs, bounds.points, self.thirty) for segs in self.segs]
        out: list[list[int]] = [[] for _ in self.segs]
        shares = {i: [div_half_up(100 * t, den) for t in totals[i]] for i in self.together}
        main = self.main
        if main is not None:
            own = shares[main]
            others = [shares[i] for i in self.together if i != main]
            columns = zip(*(totals[i] for i in self.together), strict=True)
            for k, col in enumerate(columns):
                own[k] = div_half_up(100 * sum(col), den) - sum(sh[k] for sh in others)
        for i, sh in shares.items():
            out[i] = [sh[e] - sh[b] for b, e in pairs]
        for i, alone in enumerate(self.alone):
            if alone:
                t = totals[i]
                out[i] = [div_half_up(100 * (t[e] - t[b]), den) for b, e in pairs]
        return out


def _pieces(span: DateRange, periods: Sequence[DateRange] | None) -> list[DateRange]:
    """``span`` cut at the settlement periods (a line rounded on its own is rounded per
    period, so an amount over a span is the sum of its periods' parts)."""
    if periods is None:
        return [span]
    out = [p for q in periods if (p := q.overlap(span)) is not None]
    return out or [span]


def line_span_amount(schedules: Mapping[str, Schedule], line_id: str, span: DateRange,
                     convention: DayCount = DayCount.ACTUAL, alone: Sequence[bool] = (),
                     periods: Sequence[DateRange] | None = None) -> Money:
    """One line's fee over ``span`` under :func:`contract_period_fen` (every line's schedule
    is needed: the reconciliation is contract-wide); lines rounded ``alone`` are rounded per
    settlement period (``periods``) and added."""
    ids = list(schedules)
    pieces = _pieces(span, periods) if any(alone) else [span]
    fen = contract_period_fen([schedules[x] for x in ids], pieces, convention, alone)
    return Money.from_fen(sum(fen[ids.index(line_id)]))


def contract_span_amount(schedules: Mapping[str, Schedule], span: DateRange,
                         convention: DayCount = DayCount.ACTUAL, alone: Sequence[bool] = (),
                         periods: Sequence[DateRange] | None = None) -> Money:
    """Every line's fee over ``span`` under :func:`contract_period_fen`, added."""
    pieces = _pieces(span, periods) if any(alone) else [span]
    fen = contract_period_fen(list(schedules.values()), pieces, convention, alone)
    return Money.from_fen(sum(sum(f) for f in fen))
