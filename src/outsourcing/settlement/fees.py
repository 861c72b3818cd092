"""A compiled contract's fees, accrued lazily (按日折算, 按需计算), and its calendar.

:class:`FeeTable` holds every line's schedule (the monthly amounts in force over each span
of days) and works out a period's fees the first time that period is settled: one period
costs the cumulative amounts at its two boundary days, for every line at once (the
contract's rounding difference goes to its main line, :func:`~outsourcing.accrual.
contract_period_fen`; each schedule summarised once, :class:`~outsourcing.accrual.
ContractAccrual`), not the whole term's.  A line's fee in a period is a function of the
period's boundary days alone (the running total rounded at each), so a period computed on
its own equals the same period computed with the whole term: ``tests/settlement`` checks it
for generated contracts, period by period.  What needs more than one period (a deduction of
a share of the quarter's, year's or term's fees; :attr:`PreparedLine.fees`) fills every
period once.

A fee table is plain data (dates, Fractions, ints, lists), so it pickles with its contract.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import cast

from ..accrual import Bounds, ContractAccrual, Schedule, period_bounds
from ..dates import DateRange, DayCount, Period, PeriodKind, periods_between
from ..statement.record import month_of

__all__ = ["FeeTable", "calendar", "same_periods", "term_bounds"]


class FeeTable:
    """Every line's fee in every period of a term, each period computed when first read.

    ``per_line[j][i]`` is line ``j``'s fee in period ``i`` in fen once ``filled[i]``; until
    then it is None.  Read a period with :meth:`fill` (or through :meth:`line`, which fills
    every period).  The monthly loop checks ``filled[i]`` once per contract and period.
    """

    __slots__ = ("accrual", "alone", "convention", "filled", "kind", "per_line", "ranges",
                 "schedules", "term")

    def __init__(self, schedules: Sequence[Schedule], term: DateRange, kind: PeriodKind,
                 convention: DayCount, alone: Sequence[bool]) -> None:
        self.schedules = tuple(tuple(s) for s in schedules)
        self.term = term
        self.kind = kind
        self.convention = convention
        self.alone = tuple(alone)
        self.ranges = calendar(term, kind)[2]
        n = len(self.ranges)
        self.per_line: list[list[int | None]] = [[None] * n for _ in self.schedules]
        self.filled = bytearray(n)
        self.accrual: ContractAccrual | None = None
        """The schedules summarised for the one accrual rule, when a period is first read."""

    def __getstate__(self) -> dict[str, object]:
        return {k: getattr(self, k) for k in self.__slots__ if k != "ranges"}

    def __setstate__(self, state: dict[str, object]) -> None:
        for k, v in state.items():
            object.__setattr__(self, k, v)
        self.ranges = calendar(self.term, self.kind)[2]

    def fill(self, i: int) -> None:
        """Work out period ``i``'s fee of every line (once)."""
        if self.filled[i]:
            return
        if self.accrual is not None:  # a second period read: the contract is settled period
            self.fill_all()  # after period here, so every period in one pass
            return
        got = self._accrual().period_fen(term_bounds(self.term, self.kind).period(i))
        for own, fee in zip(self.per_line, got, strict=True):
            own[i] = fee[0]
        self.filled[i] = 1

    def fill_all(self) -> None:
        """Work out every period's fee of every line, in one pass over the term."""
        if all(self.filled):
            return
        got = self._accrual().period_fen(term_bounds(self.term, self.kind))
        for own, fees in zip(self.per_line, got, strict=True):
            own[:] = fees
        self.filled = bytearray(b"\x01" * len(self.filled))

    def _accrual(self) -> ContractAccrual:
        if self.accrual is None:
            self.accrual = ContractAccrual(self.schedules, self.convention, self.alone)
        return self.accrual

    def fee(self, j: int, i: int) -> int:
        """Line ``j``'s fee in period ``i``, in fen."""
        if not self.filled[i]:
            self.fill(i)
        fee = self.per_line[j][i]
        assert fee is not None
        return fee

    def line(self, j: int) -> list[int]:
        """Line ``j``'s fee in every period, in fen."""
        self.fill_all()
        return cast(list[int], self.per_line[j])


@lru_cache(maxsize=256)
def same_periods(term: DateRange, kind: PeriodKind) -> dict[str, list[tuple[int, ...]]]:
    """Per period of a term, the periods in the same calendar year and quarter (shared by
    every contract with that term; one tuple per year or quarter)."""
    periods, *_ = calendar(term, kind)
    groups: dict[tuple[str, int, int], list[int]] = {}
    keys = [(("year", q.start.year, 0), ("quarter", q.start.year, (q.start.month - 1) // 3))
            for q in periods]
    for k, pair in enumerate(keys):
        for key in pair:
            groups.setdefault(key, []).append(k)
    shared = {key: tuple(v) for key, v in groups.items()}
    return {"year": [shared[y] for y, _ in keys], "quarter": [shared[q] for _, q in keys]}


@lru_cache(maxsize=256)
def term_bounds(term: DateRange, kind: PeriodKind) -> Bounds:
    """The period boundaries of a term, shared by every line and contract with that term."""
    _, _, ranges, *_ = calendar(term, kind)
    return period_bounds(ranges)


@lru_cache(maxsize=256)
def calendar(term: DateRange, kind: PeriodKind) -> tuple[
        list[Period], dict[Period, int], list[DateRange], list[DateRange], list[int],
        frozenset[int]]:
    """The settlement periods of a term, built once per distinct term: the periods, their
    indexes, their calendar ranges, the ranges cut to the term, each period's month number
    and the periods that end a calendar year."""
    periods = periods_between(term, kind)
    ranges = [p.range for p in periods]
    return (periods, {p: i for i, p in enumerate(periods)}, ranges,
            [r.overlap(term) or r for r in ranges], [month_of(p.start) for p in periods],
            frozenset(i for i, p in enumerate(periods) if p.end.month == 12))
