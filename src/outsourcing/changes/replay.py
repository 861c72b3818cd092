"""Replaying signed changes into the contract in force day by day (变更回放).

The state of a contract after some changes is a :class:`State`: its term, its lines in force
and its suspensions.  Signed changes are applied in order of effective date (ties in signing
order); each one sets the state from its effective date on.  :func:`replay` returns one
snapshot per effective date; the contract in force on a day is the last snapshot at or before
it.  Structural faults (an unknown line, overlapping suspensions, a resumption with nothing
suspended, a change that contradicts one effective later) raise :class:`Invalid` with a
:class:`~outsourcing.findings.Finding`.

A change that takes effect after the term has ended — because a termination or shortening
effective earlier has been signed since — is *superseded*: it has no effect.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from fractions import Fraction

import attrs

from ..dates import DateRange, DayCount
from ..findings import Finding
from ..model import (
    AnnualFee,
    AreaRate,
    FixedMonthly,
    LabourPlusMaterials,
    Pricing,
    ServiceLine,
    TermTotal,
    UnitRate,
)
from ..pricing import merge_run
from .kinds import (
    AddLine,
    Change,
    ChangeLinePrice,
    ChangeLineQuantity,
    ChangeTerm,
    RemoveLine,
    Resume,
    Suspend,
    Terminate,
)

__all__ = ["Invalid", "Snapshot", "State", "Suspension", "replay", "schedules_and_segments"]

ONE_DAY = timedelta(days=1)


class Invalid(Exception):
    """A change that cannot apply to the state in force on its effective date."""

    def __init__(self, finding: Finding, change_id: str) -> None:
        self.finding = finding
        self.change_id = change_id
        super().__init__(finding.message)


@attrs.frozen
class Suspension:
    """Days on which a line (or, with ``line_id`` None, the whole contract) is suspended."""

    line_id: str | None
    start: date
    end: date | None
    """Last suspended day; None while open (until resumed)."""
    change_id: str
    resumed_by: str | None = None

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def overlaps(self, start: date, end: date | None) -> bool:
        return (self.end is None or start <= self.end) and (end is None or self.start <= end)

    def __str__(self) -> str:
        return f"{self.start}..{self.end or '(open)'}"


@attrs.frozen
class State:
    """The contract's scope from some day on: term, lines in force, suspensions."""

    term: DateRange
    lines: tuple[ServiceLine, ...]
    suspensions: tuple[Suspension, ...] = ()
    terminated: bool = False

    def line(self, line_id: str) -> ServiceLine | None:
        for x in self.lines:
            if x.id == line_id:
                return x
        return None

    def suspended(self, line_id: str, day: date) -> bool:
        return any(s.covers(day) and s.line_id in (line_id, None) for s in self.suspensions)


@attrs.frozen
class Snapshot:
    """The state in force from ``start`` until the next snapshot."""

    start: date
    state: State
    change_id: str | None = None


def _fail(change: Change, code: str, message: str, field: str, *, term: str,
          rule_id: str | None = None, citation: str | None = None) -> Invalid:
    return Invalid(Finding(code, f"{change.id}: {message}", field=field, rule_id=rule_id,
                           citation=citation, term=term), change.id)


def _known_line(state: State, change: Change, line_id: str, ever: Iterable[str]) -> ServiceLine:
    line = state.line(line_id)
    if line is not None:
        return line
    ever = list(ever)
    why = (f"line {line_id!r} is no longer on the contract on {change.effective}"
           if line_id in ever else f"unknown line {line_id!r}")
    raise _fail(change, "change.unknown_line",
                f"{why}; lines in force: {', '.join(x.id for x in state.lines)}",
                "action.line_id", term="服务项目")


def _with_price(change: Change, line: ServiceLine, a: ChangeLinePrice) -> ServiceLine:
    p = line.pricing
    new: Pricing
    if isinstance(p, FixedMonthly):
        new = attrs.evolve(p, monthly_fee=a.price)
    elif isinstance(p, UnitRate):
        new = attrs.evolve(p, unit_price=a.price)
    elif isinstance(p, AnnualFee):
        new = attrs.evolve(p, annual_fee=a.price)
    elif isinstance(p, AreaRate):
        new = attrs.evolve(p, rate=a.price)
    elif isinstance(p, TermTotal):
        new = attrs.evolve(p, total=a.price)
    else:
        new = attrs.evolve(p, labour_monthly=a.price)
    if new == p:
        raise _fail(change, "change.no_effect", f"the price of {line.id} is already "
                    f"{a.price.format()}", "action.price", term="单价")
    return attrs.evolve(line, pricing=new)


def _with_quantity(change: Change, line: ServiceLine, a: ChangeLineQuantity) -> ServiceLine:
    p = line.pricing
    if isinstance(p, LabourPlusMaterials | TermTotal):
        raise _fail(change, "change.no_quantity", f"line {line.id} is priced as "
                    f"{p.KIND} and has no quantity; change its price instead",
                    "action.quantity", term="数量")
    if p.quantity == a.quantity:
        raise _fail(change, "change.no_effect", f"the quantity of {line.id} is already "
                    f"{a.quantity}", "action.quantity", term="数量")
    if isinstance(p, AreaRate):  # an area change (面积变更): the quantity is the area
        return attrs.evolve(line, pricing=attrs.evolve(p, area=a.quantity))
    return attrs.evolve(line, pricing=attrs.evolve(p, quantity=a.quantity))


def apply(state: State, change: Change, ever: set[str]) -> State | None:
    """The state from ``change.effective`` on; None when the change is superseded.

    ``ever`` is every line id seen so far (updated for an added line).
    """
    e, a = change.effective, change.action
    if e > state.term.end:
        return None
    if e < state.term.start:
        raise _fail(change, "change.effective_outside_term",
                    f"effective date {e} is before the term {state.term} starts",
                    "effective", term="生效日期")
    if isinstance(a, AddLine):
        if a.line.id in ever:
            raise _fail(change, "change.duplicate_line",
                        f"line id {a.line.id!r} is already used on this contract",
                        "action.line.id", term="服务项目编号")
        ever.add(a.line.id)
        return attrs.evolve(state, lines=(*state.lines, a.line))
    if isinstance(a, RemoveLine):
        _known_line(state, change, a.line_id, ever)
        if len(state.lines) == 1:
            raise _fail(change, "change.last_line",
                        f"{a.line_id} is the last line in force; terminate the contract instead",
                        "action.line_id", term="服务项目")
        return attrs.evolve(state, lines=tuple(x for x in state.lines if x.id != a.line_id))
    if isinstance(a, ChangeLinePrice | ChangeLineQuantity):
        line = _known_line(state, change, a.line_id, ever)
        new = (_with_price(change, line, a) if isinstance(a, ChangeLinePrice)
               else _with_quantity(change, line, a))
        return attrs.evolve(state, lines=tuple(new if x.id == line.id else x
                                               for x in state.lines))
    if isinstance(a, Suspend):
        return _suspend(state, change, a, ever)
    if isinstance(a, Resume):
        return _resume(state, change, a, ever)
    if isinstance(a, ChangeTerm):
        if a.end == state.term.end:
            raise _fail(change, "change.no_effect", f"the term already ends {a.end}",
                        "action.end", term="履行期限")
        if a.end < e - ONE_DAY:
            raise _fail(change, "change.term_before_effective",
                        f"a term ending {a.end} must still include the day before the change "
                        f"takes effect ({e - ONE_DAY}); use an earlier effective date",
                        "action.end", term="履行期限")
        return attrs.evolve(state, term=DateRange(state.term.start, a.end))
    if isinstance(a, Terminate):
        if e == state.term.start:
            raise _fail(change, "change.empty_term",
                        f"terminating on {e}, the first day of the term, leaves no term",
                        "effective", term="合同终止")
        return attrs.evolve(state, term=DateRange(state.term.start, e - ONE_DAY),
                            terminated=True)
    raise AssertionError(a)  # pragma: no cover - Change validates its action


def _suspend(state: State, change: Change, a: Suspend, ever: set[str]) -> State:
    """The state after a suspension (中止履行) of a line or of the whole contract."""
    e = change.effective
    if a.line_id is not None:
        _known_line(state, change, a.line_id, ever)
    if a.until is not None and not e <= a.until <= state.term.end:
        raise _fail(change, "change.suspension_outside_term",
                    f"suspension until {a.until} must lie between its start {e} and the "
                    f"end of the term {state.term.end}", "action.until", term="中止期间")
    for s in state.suspensions:
        if s.line_id == a.line_id and s.overlaps(e, a.until):
            what = f"line {a.line_id}" if a.line_id else "the whole contract"
            raise _fail(change, "change.overlapping_suspension",
                        f"suspension of {what} from {e} to {a.until or '(open)'} overlaps "
                        f"the suspension {s} made by {s.change_id}", "effective",
                        term="中止期间重叠")
    new_s = Suspension(a.line_id, e, a.until, change.id)
    return attrs.evolve(state, suspensions=(*state.suspensions, new_s))


def _resume(state: State, change: Change, a: Resume, ever: set[str]) -> State:
    """The state after resuming (恢复履行) what a suspension stopped."""
    e = change.effective
    if a.line_id is not None:
        _known_line(state, change, a.line_id, ever)
    what = f"line {a.line_id}" if a.line_id else "the whole contract"
    for s in state.suspensions:
        if s.line_id == a.line_id and s.covers(e):
            if s.start == e:
                raise _fail(change, "change.empty_suspension",
                            f"resuming {what} on {e}, the first day of its suspension "
                            f"by {s.change_id}, leaves no day suspended",
                            "effective", term="恢复履行")
            closed = attrs.evolve(s, end=e - ONE_DAY, resumed_by=change.id)
            return attrs.evolve(state, suspensions=tuple(
                closed if x is s else x for x in state.suspensions))
    whole = next((s for s in state.suspensions if s.line_id is None and s.covers(e)), None)
    hint = (f" (the whole contract is suspended by {whole.change_id}: resume the contract)"
            if whole is not None and a.line_id is not None else "")
    raise _fail(change, "change.resume_without_suspension",
                f"{what} is not suspended on {e}; nothing to resume{hint}",
                "action.line_id", term="恢复履行")


def replay(initial: State, changes: Sequence[Change]) -> tuple[list[Snapshot], list[str]]:
    """Snapshots from the signed ``changes`` (in signing order); and the superseded ids."""
    order = sorted(range(len(changes)), key=lambda i: (changes[i].effective, i))
    snaps = [Snapshot(initial.term.start, initial)]
    ever = {x.id for x in initial.lines}
    superseded: list[str] = []
    for i in order:
        c = changes[i]
        new = apply(snaps[-1].state, c, ever)
        if new is None:
            superseded.append(c.id)
            continue
        if snaps[-1].start == c.effective:
            snaps[-1] = Snapshot(c.effective, new, c.id)
        else:
            snaps.append(Snapshot(c.effective, new, c.id))
    return snaps, superseded


def state_on(snaps: Sequence[Snapshot], day: date) -> State:
    """The state in force on ``day`` (the first snapshot for days before the term)."""
    i = bisect.bisect_right([s.start for s in snaps], day) - 1
    return snaps[max(i, 0)].state


Piece = tuple[DateRange, tuple[tuple[str, Fraction], ...], tuple[str, ...]]
"""An elementary range, the lines running on it with their monthly amounts, and the lines
on the contract but suspended."""


def pieces(snaps: Sequence[Snapshot]) -> list[Piece]:
    """The days of the term cut where anything changes, each with its scope."""
    first = snaps[0].state.term.start
    points = {first}
    last = first
    for sn in snaps:
        points.add(sn.start)
        points.add(sn.state.term.end + ONE_DAY)
        last = max(last, sn.state.term.end)
        for s in sn.state.suspensions:
            points.add(s.start)
            if s.end is not None:
                points.add(s.end + ONE_DAY)
    cuts = sorted(p for p in points if first <= p <= last + ONE_DAY)
    if cuts[-1] != last + ONE_DAY:
        cuts.append(last + ONE_DAY)
    out: list[Piece] = []
    for a, b in itertools.pairwise(cuts):
        st = state_on(snaps, a)
        if a > st.term.end:
            continue
        running = tuple((x.id, x.monthly_amount()) for x in st.lines
                        if not st.suspended(x.id, a))
        suspended = tuple(x.id for x in st.lines if st.suspended(x.id, a))
        out.append((DateRange(a, b - ONE_DAY), running, suspended))
    return out


def schedules_and_segments(
    snaps: Sequence[Snapshot], line_ids: Sequence[str],
    convention: DayCount = DayCount.ACTUAL,
) -> tuple[dict[str, list[tuple[DateRange, Fraction]]], list[Piece]]:
    """Each line's merged schedule, and the merged segments of constant scope.

    A line's schedule on each range comes from its pricing
    (:meth:`~outsourcing.model.ServiceLine.schedule`), anchored on the term as signed, so a
    yearly price keeps its month split across changes.
    """
    sched: dict[str, list[tuple[DateRange, Fraction]]] = {x: [] for x in line_ids}
    segs: list[Piece] = []
    anchor = snaps[0].state.term
    for rng, running, suspended in pieces(snaps):
        by_id = {x.id: x for x in state_on(snaps, rng.start).lines} if running else {}
        for lid, _ in running:
            runs = sched.setdefault(lid, [])
            for part, monthly in by_id[lid].schedule(rng, anchor, convention):
                merge_run(runs, part, monthly)
        if segs and segs[-1][1:] == (running, suspended) and \
                segs[-1][0].end + ONE_DAY == rng.start:
            segs[-1] = (DateRange(segs[-1][0].start, rng.end), running, suspended)
        else:
            segs.append((rng, running, suspended))
    return sched, segs
