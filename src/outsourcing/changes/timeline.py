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
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import attrs

from ..accrual import accrue, contract_span_amount, line_span_amount
from ..dates import DateRange, DayCount, periods_between
from ..errors import ChangeRejected, DateError, JurisdictionError, ModelError
from ..findings import Finding, Severity
from ..model import AnnualFee, AreaRate, Contract, FixedMonthly, ServiceLine, TermTotal, UnitRate
from ..money import Money, UnitPrice
from .derived import Derived, build, extend
from .kinds import (
    PRICE_RATIONALES,
    AddLine,
    Change,
    ChangeLinePrice,
    ChangeStatus,
    ChangeTerm,
    Rationale,
    Resume,
)
from .replay import Invalid, State

if TYPE_CHECKING:
    from ..rules import RuleBook

__all__ = ["CAP_RULE", "SAME_SUBJECT_RULE", "Effect", "Segment", "Timeline"]

ONE_DAY = timedelta(days=1)
CAP_RULE = "changes.supplementary_cap"
BACKDATING_RULE = "changes.max_backdating_days"
PRICE_CAP_RULE = "changes.max_price_increase"
SAME_SUBJECT_RULE = "changes.same_subject_matter"
SAME_SUBJECT_CITATION = ("政府采购法 第四十九条: 需追加与合同标的相同的货物、工程或者服务的，"
                         "在不改变合同其他条款的前提下，可以签订补充合同")
PRICE_CITATION = ("政府采购法 第四十九条: 不改变合同其他条款; 民法典 第五百三十三条 (情势变更); "
                  "合同价格调整条款")
SIGNING_CITATION = "变更签订日期不得早于前一变更，也不得晚于当日 (Prozorro change rules)"


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


@attrs.frozen
class Effect:
    """What one signed change did to the contract amount (变更影响).

    ``delta`` is the change in the amount the timeline implies, over the whole term, as
    valued when the change was signed; ``addition`` is the part counted against the cap on
    supplementary contracts (positive deltas, except a resumption, which restores
    the original scope).
    """

    change_id: str
    kind: str
    line_id: str | None
    delta: Money
    addition: Money
    description: str
    resumes: str | None = None
    """For a resumption, the change whose suspension it ends."""


def _changes(v: Iterable[Change]) -> tuple[Change, ...]:
    return tuple(v)


def _contract(v: Any) -> Contract:
    if not isinstance(v, Contract):
        raise ModelError("not a Contract", field="contract", value=repr(v), term="合同")
    return v


def _check_changes(changes: tuple[Change, ...], pending: tuple[Change, ...]) -> None:
    """Every change a Change, ids unique, decided ones decided and pending ones pending."""
    seen: set[str] = set()
    for i, c in enumerate((*changes, *pending)):
        if not isinstance(c, Change):
            raise ModelError("not a Change", field=f"changes[{i}]", value=repr(c))
        if c.id in seen:
            raise ModelError("duplicate change id", field=f"changes[{i}].id", value=c.id,
                             term="变更编号")
        seen.add(c.id)
    for c in pending:
        if c.status is not ChangeStatus.PENDING:
            raise ModelError("a pending change must have status pending", field="pending",
                             value=c.id, term="变更状态")
    for c in changes:
        if c.status is ChangeStatus.PENDING:
            raise ModelError("a decided change must be signed or rejected",
                             field="changes", value=c.id, term="变更状态")


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
            raise ChangeRejected(exc.finding.message, change_id=exc.change_id,
                                 field=exc.finding.field, rule_id=exc.finding.rule_id,
                                 citation=exc.finding.citation, term=exc.finding.term) from None
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
                    zh=f"变更 {c.id}（{c.signed_on} 签订）排在 {last.id}（{last.signed_on} 签订）"
                       "之后：已决定的变更须按签订先后排列")
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
        raise ModelError("no such change", field="change", value=change_id, term="变更编号")

    def as_of(self, day: date) -> Contract:
        """The contract in force on ``day``: its lines (suspended ones included) and term."""
        if not (self.term.start <= day <= self.term.end):
            raise DateError(f"{day} is outside the term {self.term}", field="day",
                            value=day.isoformat(), term="履行期限")
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
                    raise ChangeRejected(exc.finding.message, change_id=exc.change_id,
                                         field=exc.finding.field, rule_id=exc.finding.rule_id,
                                         citation=exc.finding.citation,
                                         term=exc.finding.term) from None
                nxt = Timeline._made(self.contract, (*prev.changes, c), (), d)
                out.append(_effect(prev, nxt, c))
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
                             value=change.status.value, term="变更状态")
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
                             term="变更编号")
        if change.status is not ChangeStatus.PENDING:
            raise ModelError(f"change {change.id} is already {change.status.value}",
                             field="status", value=change.status.value, term="变更状态")
        if any(c.id == change.id for c in self.changes):
            raise ModelError("a change with this id has already been decided", field="id",
                             value=change.id, term="变更编号")
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
        zh = "；".join(dict.fromkeys(f.text_zh for f in errors))
        return ChangeRejected(
            f"change {cid} rejected: {bare(first)}{more}{room}",
            change_id=cid, headroom_used=used, headroom_left=left, field=first.field,
            rule_id=first.rule_id, citation=first.citation, term=first.term,
            zh=f"合同变更 {cid} 被驳回：{zh}" + ("" if first.rule_id == CAP_RULE else
                                              f"（补充合同额度已用 {used.format()}，剩余 "
                                              f"{left.format()}，上限 {limit.format()}）"))

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
            raise ModelError("this rulebook was not built by a plugin registry; use "
                             "outsourcing.load().rulebook(code)", field="rulebook",
                             value=repr(rulebook))
        if not rulebook.applies_to(self.contract.jurisdiction):
            raise JurisdictionError(
                f"contract {self.contract.id} is under {self.contract.jurisdiction}, rulebook "
                f"is for {rulebook.code}", field="jurisdiction",
                value=self.contract.jurisdiction, term="辖区")
        c = self._take(change)
        signed_on = c.signed_on or signed_on
        approved_by = c.approved_by or approved_by or ""
        today = today or date.today()
        findings = _signing_findings(self, c, signed_on, approved_by, today, rulebook)
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
        findings = _rule_findings(self, done, in_force, rulebook)
        effect = _effect(self, candidate, done)
        findings += _cap_findings(self, done, effect, rulebook)
        if any(f.severity is Severity.ERROR for f in findings):
            return findings, None, effect
        findings += host.check_change(in_force, done, rulebook)
        candidate._effects.append((*self.effects(), effect))
        return findings, candidate, effect


def _effect(before: Timeline, after: Timeline, c: Change) -> Effect:
    delta = after.amount - before.amount
    resumes = None
    if isinstance(c.action, Resume):
        # suspensions carry on into every later state: the last one holds them all
        for s in after._derived.state.suspensions:
            if s.resumed_by == c.id:
                resumes = s.change_id
    addition = delta if delta > Money.ZERO and resumes is None else Money.ZERO
    return Effect(c.id, c.action.KIND, c.line_id, delta, addition, c.action.describe(), resumes)


def _signing_findings(tl: Timeline, c: Change, signed_on: date | None, approved_by: str,
                      today: date, rb: RuleBook) -> list[Finding]:
    out: list[Finding] = []
    if signed_on is None:
        return [Finding("change.unsigned", f"{c.id}: a change needs the date it is signed",
                        field="signed_on", term="签订日期")]
    if not approved_by.strip():
        out.append(Finding("change.unapproved", f"{c.id}: a change needs who approved it",
                           field="approved_by", term="审批人"))
    if signed_on > today:
        out.append(Finding("change.signed_in_future",
                           f"{c.id}: signed on {signed_on}, after today {today}",
                           field="signed_on", citation=SIGNING_CITATION, term="签订日期"))
    prev = tl.signed[-1] if tl.signed else None
    if prev is not None and prev.signed_on is not None and signed_on < prev.signed_on:
        out.append(Finding("change.signed_out_of_order",
                           f"{c.id}: signed on {signed_on}, before the previous change "
                           f"{prev.id} signed on {prev.signed_on}",
                           field="signed_on", citation=SIGNING_CITATION, term="签订日期"))
    elif tl.contract.signed_on is not None and signed_on < tl.contract.signed_on:
        out.append(Finding("change.signed_out_of_order",
                           f"{c.id}: signed on {signed_on}, before the contract itself "
                           f"({tl.contract.signed_on})", field="signed_on",
                           citation=SIGNING_CITATION, term="签订日期"))
    st = tl._derived.state_on(c.effective)
    if not (tl.contract.term.start <= c.effective <= st.term.end):
        out.append(Finding("change.effective_outside_term",
                           f"{c.id}: effective date {c.effective} is outside the term "
                           f"{DateRange(tl.contract.term.start, st.term.end)}",
                           field="effective", term="生效日期"))
    if rb.get(BACKDATING_RULE, signed_on) is not None:
        back = rb.resolve(BACKDATING_RULE, signed_on)
        if c.effective < signed_on - timedelta(days=back.value):
            out.append(Finding("change.backdated_too_far",
                               f"{c.id}: effective {c.effective} is "
                               f"{(signed_on - c.effective).days} days before it was signed "
                               f"({signed_on}); at most {back.value} days",
                               field="effective", rule_id=back.rule_id,
                               citation=back.citation, term=back.parameter.term or "追溯"))
    return out


def _rule_findings(tl: Timeline, c: Change, in_force: Contract, rb: RuleBook) -> list[Finding]:
    a = c.action
    out: list[Finding] = []
    if isinstance(a, AddLine):
        cat = rb.host.catalogue
        if a.line.service not in cat:
            try:
                cat.get(a.line.service)
            except ModelError as exc:
                return [Finding("change.unknown_service", f"{c.id}: {exc.reason}",
                                field="action.line.service", term="服务类别")]
        roots = {cat.root(x.service) for x in tl.contract.lines if x.service in cat}
        if not any(cat.same_subject_matter(a.line.service, x.service)
                   for x in tl.contract.lines if x.service in cat):
            out.append(Finding(
                "change.different_subject_matter",
                f"{c.id}: {a.line.service} ({cat.get(a.line.service).name_zh}, family "
                f"{cat.root(a.line.service)}) is not the subject matter of contract "
                f"{tl.contract.id} (families: {', '.join(sorted(roots))}); buy it by a new "
                "procurement", field="action.line.service", rule_id=SAME_SUBJECT_RULE,
                citation=SAME_SUBJECT_CITATION, term="合同标的相同"))
    if isinstance(a, ChangeLinePrice):
        allowed = c.rationale in PRICE_RATIONALES and (
            c.rationale is not Rationale.PRICE_CHANGE or bool(tl.contract.price_adjustment_clause))
        if not allowed:
            why = ("the contract has no price-adjustment clause"
                   if c.rationale is Rationale.PRICE_CHANGE else
                   f"rationale {c.rationale.value} ({c.rationale.zh}) does not allow it")
            out.append(Finding(
                "change.price_change_not_allowed",
                f"{c.id}: a price change needs a tax change, changed circumstances or the "
                f"contract's price-adjustment clause; {why}", field="rationale",
                rule_id="changes.price_change_grounds", citation=PRICE_CITATION,
                term="价格变更"))
        if rb.get(PRICE_CAP_RULE, c.signed_on or c.effective) is not None:
            cap = rb.resolve(PRICE_CAP_RULE, c.signed_on or c.effective)
            base = _price_of(tl._derived.first_lines[a.line_id])
            top = base * (Decimal(1) + cap.value)
            if a.price.exact() > top.exact():
                out.append(Finding(
                    "change.price_increase_over_cap",
                    f"{c.id}: price {a.price.format()} is more than {cap.value:.0%} above "
                    f"the price first agreed for {a.line_id}, {base.format()} (at most "
                    f"{top.format()})", field="action.price", rule_id=cap.rule_id,
                    citation=cap.citation, term=cap.parameter.term or "调价上限"))
    if isinstance(a, ChangeTerm) and a.end > in_force.term.end:
        from ..checks import check_term

        trial = attrs.evolve(in_force, term=DateRange(in_force.term.start, a.end),
                             signed_on=c.signed_on)
        for f in check_term(trial, rb):
            out.append(attrs.evolve(f, message=f"{c.id}: extension: {f.message}",
                                    field="action.end"))
    return out


def _price_of(line: ServiceLine) -> Money | UnitPrice:
    p = line.pricing
    if isinstance(p, FixedMonthly):
        return p.monthly_fee
    if isinstance(p, UnitRate):
        return p.unit_price
    if isinstance(p, AnnualFee):
        return p.annual_fee
    if isinstance(p, AreaRate):
        return p.rate
    if isinstance(p, TermTotal):
        return p.total
    return p.labour_monthly


def _cap_findings(tl: Timeline, c: Change, effect: Effect, rb: RuleBook) -> list[Finding]:
    if effect.addition <= Money.ZERO:
        return []
    on = c.signed_on or c.effective
    limit, cap = tl._limit(rb, on)
    used = tl.headroom_used
    total = used + effect.addition
    if total <= limit:
        return []
    return [Finding(
        "changes.supplementary_cap_exceeded",
        f"{c.id}: supplementary additions {total.format()} would exceed {cap.value:.0%} of the "
        f"original amount {tl._original_amount().format()} (cap {limit.format()}): "
        f"this change adds {effect.addition.format()}, {used.format()} already used, "
        f"{(limit - used).format()} left",
        field="action", rule_id=cap.rule_id, citation=cap.citation,
        term=cap.parameter.term or "补充合同",
        zh=f"补充合同累计金额 {total.format()} 将超过原合同采购金额 "
           f"{tl.contract.original_amount.format()} 的{cap.value:.0%}（上限 {limit.format()}）："
           f"本次增加 {effect.addition.format()}，已用 {used.format()}，剩余 "
           f"{(limit - used).format()}")]
