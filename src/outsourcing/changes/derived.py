"""What a timeline derives from its signed changes, one change at a time (变更推导).

A :class:`Derived` holds, for the signed changes of a timeline: the snapshots of the contract
in force (with their first days, for a binary search), each line's accrual schedule and its
exact total over the term, the amount of the whole contract, the lines ever on it and the
changes superseded.  :func:`extend` adds one change that takes effect on or after every
change already applied: it applies the change to the last snapshot and recomputes only what
the change touches — the line it names, or every line for a change of the whole contract (a
suspension or resumption of the contract, a new term, a termination) — so signing a change
costs the same whatever the number of changes before it.  :func:`build` is the same fold
over every signed change in order of effective date (ties in signing order), so a timeline
built at once and one signed change by change derive the same figures.

A line's schedule from a change's effective date on comes from the state in force: the line's
pricing (:meth:`~outsourcing.model.ServiceLine.schedule`, anchored on the term as signed) over
the days of the term the line is not suspended; the days before are kept as they were.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Sequence
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

import attrs

from ..accrual import accrue
from ..dates import DateRange, DayCount
from ..model import Contract, ServiceLine
from ..pricing import merge_run
from .kinds import AddLine, Change, ChangeTerm, Resume, Suspend, Terminate
from .replay import Piece, Snapshot, State, apply, schedules_and_segments

__all__ = ["Derived", "build", "extend"]

ONE_DAY = timedelta(days=1)
Schedule = list[tuple[DateRange, Fraction]]


@attrs.frozen(eq=False)
class Derived:
    """The figures a timeline derives from its signed changes (see the module)."""

    convention: DayCount
    snapshots: tuple[Snapshot, ...]
    starts: tuple[date, ...]
    """Each snapshot's first day, for :func:`bisect.bisect_right`."""
    superseded: tuple[str, ...]
    schedules: dict[str, Schedule]
    """Every line ever on the contract, in the order it came, with its schedule."""
    all_lines: dict[str, ServiceLine]
    """Each line in its latest version."""
    first_lines: dict[str, ServiceLine]
    """Each line as first agreed (the contract's, or the one the change added)."""
    ever: frozenset[str]
    """Every line id used, a line added and removed on the same day included."""
    latest: date | None
    """The latest effective date of a change applied (superseded ones included)."""
    exact: dict[str, Fraction]
    """Each line's exact yuan over its whole schedule."""
    total: Fraction
    """Every line's exact yuan, added."""
    _segments: list[tuple[Piece, ...]] = attrs.field(factory=list)
    memo: dict[str, Any] = attrs.field(factory=dict)
    """Figures of the contract as signed, computed once and shared by every extension."""

    @property
    def state(self) -> State:
        """The last snapshot's state: the term and lines from the latest change on."""
        return self.snapshots[-1].state

    def state_on(self, day: date) -> State:
        """The state in force on ``day`` (the first one for days before the term): a
        binary search over the snapshots."""
        i = bisect.bisect_right(self.starts, day) - 1
        return self.snapshots[max(i, 0)].state

    def segments(self) -> tuple[Piece, ...]:
        """The merged segments of constant scope, computed on first use."""
        if not self._segments:
            ids = list(self.schedules)
            self._segments.append(tuple(schedules_and_segments(
                self.snapshots, ids, self.convention)[1]))
        return self._segments[0]


@functools.lru_cache(maxsize=8192)
def _weight(start: date, end: date, convention: DayCount) -> Fraction:
    """The months' worth of the days from ``start`` to ``end``: what a monthly amount of 1
    accrues over them (:func:`~outsourcing.accrual.accrue` is linear in the amount, so a
    run's exact value is its monthly amount times this, to the last fraction)."""
    return accrue(Fraction(1), DateRange(start, end), convention)


def _value(runs: Schedule, convention: DayCount) -> Fraction:
    """Exact yuan accrued over ``runs`` (= :func:`~outsourcing.accrual.cumulative` through
    their last day)."""
    total = Fraction(0)
    for span, monthly in runs:
        if monthly:
            total += monthly * _weight(span.start, span.end, convention)
    return total


def initial(contract: Contract) -> Derived:
    """The contract as signed: no change applied."""
    st = State(contract.term, contract.lines)
    conv = contract.day_count
    schedules: dict[str, Schedule] = {}
    exact: dict[str, Fraction] = {}
    for x in contract.lines:
        schedules[x.id], exact[x.id] = _runs([], x, st, contract.term.start, contract.term,
                                             conv)
    lines = dict(contract.all_lines())
    return Derived(conv, (Snapshot(contract.term.start, st),), (contract.term.start,), (),
                   schedules, lines, dict(lines), frozenset(lines), None, exact,
                   sum(exact.values(), Fraction(0)))


def build(contract: Contract, signed: Sequence[Change]) -> Derived:
    """Every signed change (in signing order) applied in order of effective date.

    Raises :class:`~outsourcing.changes.replay.Invalid` naming the first change that cannot
    apply."""
    d = initial(contract)
    for i in sorted(range(len(signed)), key=lambda i: (signed[i].effective, i)):
        nxt = extend(d, signed[i])
        assert nxt is not None  # in order of effective date every change extends
        d = nxt
    return d


def extend(d: Derived, c: Change) -> Derived | None:
    """``d`` with ``c`` applied, when ``c`` takes effect on or after every change applied
    so far; None otherwise (the caller builds in full).  Raises
    :class:`~outsourcing.changes.replay.Invalid` when ``c`` cannot apply."""
    if d.latest is not None and c.effective < d.latest:
        return None
    last = d.snapshots[-1]
    ever = set(d.ever)
    new = apply(last.state, c, ever)
    if new is None:
        return attrs.evolve(d, superseded=(*d.superseded, c.id), latest=c.effective,
                            segments=[])
    snap = Snapshot(c.effective, new, c.id)
    if last.start == c.effective:
        snaps, starts = (*d.snapshots[:-1], snap), d.starts
    else:
        snaps, starts = (*d.snapshots, snap), (*d.starts, c.effective)
    a = c.action
    whole = isinstance(a, ChangeTerm | Terminate) or (
        isinstance(a, Suspend | Resume) and a.line_id is None)
    schedules = dict(d.schedules)
    exact = dict(d.exact)
    all_lines, first = d.all_lines, d.first_lines
    if isinstance(a, AddLine):
        schedules[a.line.id] = []
        exact[a.line.id] = Fraction(0)
        all_lines = {**all_lines, a.line.id: a.line}
        first = {**first, a.line.id: a.line}
    touched = list(schedules) if whole else [c.line_id or ""]
    in_force = {x.id: x for x in new.lines} if whole else {}
    anchor = d.snapshots[0].state.term
    total = d.total
    for lid in touched:
        line = in_force.get(lid) if whole else new.line(lid)
        runs, cut = _truncate(schedules[lid], c.effective)
        value = exact[lid] - _value(cut, d.convention)
        if line is not None:
            runs, added = _runs(runs, line, new, c.effective, anchor, d.convention)
            value += added
            if all_lines[lid] is not line:
                if all_lines is d.all_lines:
                    all_lines = dict(all_lines)
                all_lines[lid] = line
        schedules[lid] = runs
        total += value - exact[lid]
        exact[lid] = value
    return Derived(d.convention, snaps, starts, d.superseded, schedules, all_lines, first,
                   frozenset(ever), c.effective, exact, total, memo=d.memo)


def _truncate(schedule: Schedule, day: date) -> tuple[Schedule, Schedule]:
    """The runs of ``schedule`` before ``day``, and those from ``day`` on (a run across
    ``day`` cut in two)."""
    k = bisect.bisect_left(schedule, day, key=lambda run: run[0].end)
    before, after = schedule[:k], schedule[k:]
    if after and after[0][0].start < day:
        span, monthly = after[0]
        before.append((DateRange(span.start, day - ONE_DAY), monthly))
        after[0] = (DateRange(day, span.end), monthly)
    return before, after


def _runs(runs: Schedule, line: ServiceLine, st: State, start: date, anchor: DateRange,
          convention: DayCount) -> tuple[Schedule, Fraction]:
    """``runs`` continued with the days from ``start`` to the end of ``st``'s term on which
    ``line`` is not suspended, at its pricing's monthly amounts (adjacent equal runs merged);
    and the exact yuan the days added accrue."""
    end = st.term.end
    added = Fraction(0)
    if start > end:
        return runs, added
    gaps = sorted(((s.start, s.end) for s in st.suspensions if s.line_id in (line.id, None)
                   and s.overlaps(start, end)),
                  key=lambda g: (g[0], date.max if g[1] is None else g[1]))
    free: list[DateRange] = []
    day = start
    for g_start, g_end in gaps:
        if g_start > day:
            free.append(DateRange(day, min(g_start - ONE_DAY, end)))
        if g_end is None or g_end >= end:
            day = end + ONE_DAY
            break
        day = max(day, g_end + ONE_DAY)
    if day <= end:
        free.append(DateRange(day, end))
    for rng in free:
        for part, monthly in line.schedule(rng, anchor, convention):
            if monthly:
                added += monthly * _weight(part.start, part.end, convention)
            merge_run(runs, part, monthly)
    return runs, added
