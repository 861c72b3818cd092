"""The timeline of a contract's changes (合同变更时间线).

A :class:`Timeline` is a contract as signed plus its changes, immutable: signing, rejecting or
proposing a change returns a new timeline.  It answers which contract is in force on a day
(:meth:`Timeline.as_of`), the segments of constant scope in a span (:meth:`Timeline.segments`)
and, for settlement, each line's accrual schedule (:meth:`Timeline.line_schedules`, the
:class:`outsourcing.accrual.HasSchedules` protocol).

Before a change is signed it is checked (:meth:`Timeline.check`): the signing order, the
effective date against the term and the backdating rule, the structure (known line, no
overlapping suspension…), the subject matter and rationale rules, the cap on supplementary
contracts (政府采购法 第四十九条), the term limits, and every plugin's
``outsourcing_check_change`` hook, called once.  :meth:`Timeline.sign` raises
:class:`~outsourcing.errors.ChangeRejected` on any error finding and leaves the timeline as
it was.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from datetime import date, timedelta
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import attrs

from ..accrual import accrue, contract_span_amount, line_span_amount
from ..dates import DateRange, DayCount, periods_between
from ..errors import ChangeRejected, DateError, JurisdictionError, ModelError
from ..findings import Finding, Severity
from ..messages_zh import say
from ..model import Contract, ServiceLine
from ..money import Money
from .derived import Derived, build, extend
from .kinds import (
    Change,
    ChangeStatus,
)
from .replay import Invalid, State
from .signing import (
    CAP_RULE,
    SAME_SUBJECT_RULE,
    Effect,
    cap_findings,
    effect_of,
    rule_findings,
    signing_findings,
)

if TYPE_CHECKING:
    from ..rules import RuleBook

__all__ = ["CAP_RULE", "SAME_SUBJECT_RULE", "Effect", "Segment", "Timeline"]

ONE_DAY = timedelta(days=1)


@attrs.frozen
class Segment:
    """Days of constant scope: which lines run, at which monthly amount (不变范围的期间).

    ``running`` pairs each running line with its monthly amount (exact yuan);
    ``suspended`` names the lines on the contract but suspended on these days.
    """

    span: DateRange
    running: tuple[tuple[str, Fraction], ...]
    suspended: tuple[str, ...] = ()

    @property
    def monthly(self) -> Fraction:
        """The monthly amount of every running line together."""
        return sum((m for _, m in self.running), Fraction(0))

    def amount(self, line_id: str, convention: DayCount = DayCount.ACTUAL) -> Fraction:
        """Exact yuan a line accrues over this segment (0 where it does not run)."""
        for lid, m in self.running:
            if lid == line_id:
                return accrue(m, self.span, convention)
        return Fraction(0)


def _changes(v: Iterable[Change]) -> tuple[Change, ...]:
    return tuple(v)


def _contract(v: Any) -> Contract:
    if not isinstance(v, Contract):
        raise ModelError("not a Contract", field="contract", value=repr(v), term="合同",
                         code="change.timeline.not_a_contract")
    return v


def _check_changes(changes: tuple[Change, ...], pending: tuple[Change, ...]) -> None:
    """Every change a Change, ids unique, decided ones decided and pending ones pending."""
    seen: set[str] = set()
    for i, c in enumerate((*changes, *pending)):
        if not isinstance(c, Change):
            raise ModelError("not a Change", field=f"changes[{i}]", value=repr(c),
                             code="change.timeline.not_a_change")
        if c.id in seen:
            raise ModelError("duplicate change id", field=f"changes[{i}].id", value=c.id,
                             term="变更编号", code="change.timeline.duplicate_id")
        seen.add(c.id)
    for c in pending:
        if c.status is not ChangeStatus.PENDING:
            raise ModelError("a pending change must have status pending", field="pending",
                             value=c.id, term="变更状态", code="change.timeline.pending_status")
    for c in changes:
        if c.status is ChangeStatus.PENDING:
            raise ModelError("a decided change must be signed or rejected",
                             field="changes", value=c.id, term="变更状态",
                             code="change.timeline.decided_status")


@attrs.frozen
class Timeline:
    """A contract and its changes (合同及其变更).

    ``contract`` is the contract as originally signed; ``changes`` the decided changes
    (signed and rejected) in the order they were decided — the full history; ``pending``
    the proposed changes not yet decided.  Only signed changes shape the contract.
    Build one with ``Timeline(contract)``; a timeline read from JSON is replayed and checked
    for structure (not re-checked against the rules).
    """

    contract: Contract = attrs.field(converter=_contract)
    changes: tuple[Change, ...] = attrs.field(default=(), converter=_changes)
    pending: tuple[Change, ...] = attrs.field(default=(), converter=_changes)
    _derived: Derived = attrs.field(init=False, repr=False, eq=False)
    _effects: list[tuple[Effect, ...]] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        _check_changes(self.changes, self.pending)
        try:
            derived = build(self.contract, self.signed)
        except Invalid as exc:
            raise _invalid(exc) from None
        object.__setattr__(self, "_derived", derived)
        object.__setattr__(self, "_effects", [])

    def check_read(self) -> None:
        """The checks a timeline read from a document passes beyond the constructor's
        (:func:`outsourcing.serialize.structure` calls it): its signed changes are listed in
        the order they were signed, as :meth:`sign` keeps them — otherwise
        ``change.signed_out_of_order``, at reading rather than in a later computation."""
        last: Change | None = None
        for i, c in enumerate(self.changes):
            if c.status is not ChangeStatus.SIGNED or c.signed_on is None:
                continue
            if last is not None and last.signed_on is not None and c.signed_on < last.signed_on:
                raise ModelError(
                    f"{c.id} signed on {c.signed_on} is listed after {last.id} signed on "
                    f"{last.signed_on}: decided changes are listed in the order they were signed",
                    field=f"changes[{i}].signed_on", value=c.signed_on.isoformat(),
                    term="签订日期", code="change.signed_out_of_order",
                    zh=say("change.timeline.listed_out_of_order", change=c.id,
                           signed_on=c.signed_on, last=last.id, last_signed_on=last.signed_on))
            last = c

    # the contract in force -------------------------------------------------------------
    @property
    def signed(self) -> tuple[Change, ...]:
        """The signed changes, in signing order."""
        return tuple(c for c in self.changes if c.status is ChangeStatus.SIGNED)

    @property
    def rejected(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.status is ChangeStatus.REJECTED)

    @property
    def superseded(self) -> tuple[str, ...]:
        """Signed changes with no effect: they take effect after the term has ended."""
        return self._derived.superseded

    @property
    def term(self) -> DateRange:
        """The current term, as extended, shortened or ended by the signed changes."""
        return self._derived.snapshots[-1].state.term

    @property
    def terminated(self) -> bool:
        return self._derived.snapshots[-1].state.terminated

    def change(self, change_id: str) -> Change:
        for c in (*self.changes, *self.pending):
            if c.id == change_id:
                return c
        raise ModelError("no such change", field="change", value=change_id, term="变更编号",
                         code="change.timeline.no_such_change")

    def as_of(self, day: date) -> Contract:
        """The contract in force on ``day``: its lines (suspended ones included) and term."""
        if not (self.term.start <= day <= self.term.end):
            raise DateError(f"{day} is outside the term {self.term}", field="day",
                            value=day.isoformat(), term="履行期限",
                            code="change.timeline.day_outside_term")
        return self._contract_for(self._derived.state_on(day))

    def _contract_for(self, st: State) -> Contract:
        if st.term == self.contract.term and st.lines == self.contract.lines:
            return self.contract
        return attrs.evolve(self.contract, term=st.term, lines=st.lines)

    def suspended_on(self, day: date) -> tuple[str, ...]:
        """The lines on the contract but suspended on ``day``."""
        st = self._derived.state_on(day)
        return tuple(x.id for x in st.lines if st.suspended(x.id, day))

    def all_lines(self) -> dict[str, ServiceLine]:
        """Every line ever on the contract, by id, in its latest version."""
        return dict(self._derived.all_lines)

    def line_schedules(self) -> dict[str, list[tuple[DateRange, Fraction]]]:
        """For every line ever on the contract, the days it runs with its monthly amount.

        Disjoint, sorted ranges; suspended days, days after removal or termination and days
        outside the term are absent (a line that never ran has an empty list).
        """
        return {k: list(v) for k, v in self._derived.schedules.items()}

    def segments(self, span: DateRange | None = None) -> list[Segment]:
        """The segments of constant scope within ``span`` (the whole term by default); a
        binary search finds the first (the segments are computed once, on first use)."""
        segs = self._derived.segments()
        if span is None:
            return [Segment(r, run, sus) for r, run, sus in segs]
        out: list[Segment] = []
        k = bisect.bisect_left(segs, span.start, key=lambda p: p[0].end)
        for r, run, sus in segs[k:]:
            if r.start > span.end:
                break
            part = r.overlap(span)
            if part is not None:
                out.append(Segment(part, run, sus))
        return out

    def line_amount(self, line_id: str, span: DateRange | None = None) -> Money:
        """A line's fee over ``span`` (the whole term by default) by the one accrual rule
        (:func:`~outsourcing.accrual.contract_period_fen`), as settlement pays it."""
        if line_id not in self._derived.schedules:
            self.contract.line(line_id)  # raises, naming the lines
        sched = self._derived.schedules.get(line_id, [])
        part = self.term if span is None else self.term.overlap(span)
        if part is None or not sched:
            return Money.ZERO
        alone = self._alone()
        return line_span_amount(self._derived.schedules, line_id, part,
                                self.contract.day_count, alone, self._ranges(alone))

    def period_amount(self, span: DateRange) -> Money:
        """Every line's fee over ``span`` by the one accrual rule, added."""
        part = self.term.overlap(span)
        if part is None:
            return Money.ZERO
        alone = self._alone()
        return contract_span_amount(self._derived.schedules, part, self.contract.day_count,
                                    alone, self._ranges(alone))

    def _alone(self) -> list[bool]:
        """Per line of the schedules, whether it is rounded period by period on its own."""
        lines = self.all_lines()
        return self.contract.rounded_alone(lines[x] for x in self._derived.schedules)

    def _ranges(self, alone: list[bool]) -> list[DateRange] | None:
        if not any(alone):
            return None
        return [r for p in periods_between(self.term, self.contract.period_kind)
                if (r := p.range.overlap(self.term)) is not None]

    @property
    def amount(self) -> Money:
        """The contract amount the timeline implies: every line over every day it runs, by
        the one accrual rule (what settlement pays over the whole term when nothing is
        deducted)."""
        # = contract_span_amount over the whole schedules: every line's exact amount, added,
        # rounded once (kept up to date change by change)
        if any(alone := self._alone()):  # lines rounded per period: the sum of the periods
            return contract_span_amount(self._derived.schedules, self.term,
                                        self.contract.day_count, alone, self._ranges(alone))
        return Money.round(self._derived.total)

    # the history's money ----------------------------------------------------------------
    def effects(self) -> tuple[Effect, ...]:
        """Each signed change's effect on the contract amount, in signing order."""
        if not self._effects and not self.signed:
            self._effects.append(())
        if not self._effects:
            out: list[Effect] = []
            prev = Timeline(self.contract)
            for c in self.signed:
                try:
                    d = extend(prev._derived, c) or build(self.contract, (*prev.signed, c))
                except Invalid as exc:  # a change that did not apply when it was signed
                    raise _invalid(exc) from None
                nxt = Timeline._made(self.contract, (*prev.changes, c), (), d)
                out.append(effect_of(prev, nxt, c))
                prev = nxt
            self._effects.append(tuple(out))
        return self._effects[0]

    @property
    def headroom_used(self) -> Money:
        """Additions counted against the cap so far; reductions never give room back."""
        return Money.sum(e.addition for e in self.effects())

    # changes ------------------------------------------------------------------------------
    def propose(self, change: Change) -> Timeline:
        """Record a change as pending (待签), unchecked."""
        if change.status is not ChangeStatus.PENDING:
            raise ModelError("only a pending change can be proposed", field="status",
                             value=change.status.value, term="变更状态",
                             code="change.timeline.propose_not_pending")
        return self._new(pending=(*self.pending, change))

    def reject(self, change: Change | str, reason: str) -> Timeline:
        """Record a change as rejected (已驳回) with the reason; nothing else changes."""
        c = self._take(change)
        done = attrs.evolve(c, status=ChangeStatus.REJECTED, rejection=reason)
        return self._new(changes=(*self.changes, done),
                         pending=tuple(p for p in self.pending if p.id != c.id))

    def check(
        self,
        change: Change | str,
        rulebook: RuleBook,
        *,
        today: date | None = None,
        signed_on: date | None = None,
        approved_by: str | None = None,
    ) -> list[Finding]:
        """Every finding about signing ``change`` now; an ERROR finding would reject it."""
        return self._evaluate(change, rulebook, today, signed_on, approved_by)[0]

    def sign(
        self,
        change: Change | str,
        rulebook: RuleBook,
        *,
        today: date | None = None,
        signed_on: date | None = None,
        approved_by: str | None = None,
    ) -> Timeline:
        """The timeline with ``change`` signed (已签订), after checking it.

        ``change`` is a :class:`Change` or the id of a pending one; ``signed_on`` and
        ``approved_by`` fill in the signature where the change has none.  ``today`` (default:
        the system date) bounds the signing date.  Any ERROR finding raises
        :class:`~outsourcing.errors.ChangeRejected` naming the rule, its citation and the
        headroom used and left; this timeline is unchanged.
        """
        findings, candidate, _ = self._evaluate(change, rulebook, today, signed_on, approved_by)
        errors = [f for f in findings if f.severity is Severity.ERROR]
        if errors or candidate is None:
            on = (change.signed_on if isinstance(change, Change) else None) or signed_on
            raise self._rejection(change, errors, rulebook, on or today or date.today())
        return candidate

    # internals ----------------------------------------------------------------------------
    def _new(self, *, changes: tuple[Change, ...] | None = None,
             pending: tuple[Change, ...] | None = None) -> Timeline:
        """This timeline with other rejected or pending changes: the signed ones are the
        same, so is everything derived from them."""
        changes = self.changes if changes is None else changes
        pending = self.pending if pending is None else pending
        _check_changes(changes, pending)
        t = Timeline._made(self.contract, changes, pending, self._derived)
        if self._effects:
            t._effects.append(self._effects[0])
        return t

    @classmethod
    def _made(cls, contract: Contract, changes: tuple[Change, ...],
              pending: tuple[Change, ...], derived: Derived) -> Timeline:
        """A timeline from parts already checked, with what it derives already computed."""
        t = object.__new__(cls)
        object.__setattr__(t, "contract", contract)
        object.__setattr__(t, "changes", changes)
        object.__setattr__(t, "pending", pending)
        object.__setattr__(t, "_derived", derived)
        object.__setattr__(t, "_effects", [])
        return t

    def _take(self, change: Change | str) -> Change:
        if isinstance(change, str):
            for p in self.pending:
                if p.id == change:
                    return p
            raise ModelError("no pending change with this id", field="change", value=change,
                             term="变更编号", code="change.timeline.no_such_pending")
        if change.status is not ChangeStatus.PENDING:
            raise ModelError(f"change {change.id} is already {change.status.value}",
                             field="status", value=change.status.value, term="变更状态",
                             code="change.timeline.already_decided")
        if any(c.id == change.id for c in self.changes):
            raise ModelError("a change with this id has already been decided", field="id",
                             value=change.id, term="变更编号",
                             code="change.timeline.id_already_decided")
        return change

    def _limit(self, rulebook: RuleBook, on: date) -> tuple[Money, Any]:
        cap = rulebook.resolve(CAP_RULE, on)
        return self._original_amount() * cap.value, cap

    def _original_amount(self) -> Money:
        """The contract's original amount (原合同金额), computed once per contract."""
        memo = self._derived.memo
        if "original" not in memo:
            memo["original"] = self.contract.original_amount
        amount: Money = memo["original"]
        return amount

    def _rejection(self, change: Change | str, errors: list[Finding], rulebook: RuleBook,
                   on: date) -> ChangeRejected:
        cid = change if isinstance(change, str) else change.id
        first = errors[0]
        used = self.headroom_used
        limit, _ = self._limit(rulebook, on)
        left = limit - used
        def bare(f: Finding) -> str:
            return f.message.removeprefix(f"{cid}: ")

        more = "".join(f"; also {f.code}: {bare(f)}" for f in errors[1:])
        # the cap's own message already states the headroom; others add it for the record
        room = "" if first.rule_id == CAP_RULE else (
            f"; supplementary headroom used {used.format()}, left {left.format()} of "
            f"{limit.format()}")
        return ChangeRejected(
            f"change {cid} rejected: {bare(first)}{more}{room}",
            change_id=cid, headroom_used=used, headroom_left=left, field=first.field,
            rule_id=first.rule_id, citation=first.citation, term=first.term,
            code=("change.rejected.over_cap" if first.rule_id == CAP_RULE
                  else "change.rejected.findings"),
            params={"change": cid, "reasons": "；".join(dict.fromkeys(f.text_zh for f in errors)),
                    "used": used.format(), "left": left.format(), "limit": limit.format()})

    def _evaluate(
        self,
        change: Change | str,
        rulebook: RuleBook,
        today: date | None,
        signed_on: date | None,
        approved_by: str | None,
    ) -> tuple[list[Finding], Timeline | None, Effect | None]:
        host = rulebook.host
        if host is None:
            raise ModelError("this rulebook was not built by a plugin host; use "
                             "outsourcing.load().rulebook(code)", field="rulebook",
                             value=repr(rulebook), code="change.timeline.rulebook_without_host")
        if not rulebook.applies_to(self.contract.jurisdiction):
            raise JurisdictionError(
                f"contract {self.contract.id} is under {self.contract.jurisdiction}, rulebook "
                f"is for {rulebook.code}", field="jurisdiction",
                value=self.contract.jurisdiction, term="辖区",
                code="jurisdiction.wrong_rulebook", params={"rulebook": rulebook.code})
        c = self._take(change)
        signed_on = c.signed_on or signed_on
        approved_by = c.approved_by or approved_by or ""
        today = today or date.today()
        findings = signing_findings(self, c, signed_on, approved_by, today, rulebook)
        if findings:
            return findings, None, None
        assert signed_on is not None
        done = attrs.evolve(c, status=ChangeStatus.SIGNED, signed_on=signed_on,
                            approved_by=approved_by)
        try:
            derived = extend(self._derived, done) or build(self.contract, (*self.signed, done))
        except Invalid as exc:
            f = exc.finding
            if exc.change_id != c.id:
                f = attrs.evolve(f, code="change.conflict", message=(
                    f"{c.id}: conflicts with signed change {exc.change_id} effective later: "
                    f"{f.message}"))
            return [f], None, None
        candidate = Timeline._made(self.contract, (*self.changes, done),
                                   tuple(p for p in self.pending if p.id != c.id), derived)
        in_force = self.as_of(c.effective)
        findings = rule_findings(self, done, in_force, rulebook)
        effect = effect_of(self, candidate, done)
        findings += cap_findings(self, done, effect, rulebook)
        if any(f.severity is Severity.ERROR for f in findings):
            return findings, None, effect
        findings += host.check_change(in_force, done, rulebook)
        candidate._effects.append((*self.effects(), effect))
        return findings, candidate, effect


def _invalid(exc: Invalid) -> ChangeRejected:
    """A decided change that no longer applies, refused as the finding says."""
    f = exc.finding
    return ChangeRejected(f.message, change_id=exc.change_id, field=f.field, rule_id=f.rule_id,
                          citation=f.citation, term=f.term, code="change.rejected.invalid",
                          params={"change": exc.change_id, "reason": f.text_zh})
