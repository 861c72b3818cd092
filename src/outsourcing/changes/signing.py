"""What a change is checked against when it is signed (变更签订检查), and what it did.

:meth:`outsourcing.changes.Timeline.sign` asks, in order: the signing itself
(:func:`signing_findings`: signed, approved, in order, effective within the term and not
backdated too far), the rules of its kind (:func:`rule_findings`: the same subject matter
for an added line, the grounds and the cap for a price change, the term limits for an
extension), and the cap on supplementary contracts (:func:`cap_findings`, 政府采购法
第四十九条) against the change's :class:`Effect`.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

import attrs

from ..dates import DateRange
from ..errors import ModelError
from ..findings import Finding
from ..messages_zh import say
from ..model import AnnualFee, AreaRate, Contract, FixedMonthly, ServiceLine, TermTotal, UnitRate
from ..money import Money, UnitPrice
from .derived import Derived
from .kinds import PRICE_RATIONALES, AddLine, Change, ChangeLinePrice, ChangeTerm, Rationale, Resume

if TYPE_CHECKING:
    from ..rules import RuleBook


class Timeline(Protocol):
    """What the signing checks read of a :class:`~outsourcing.changes.Timeline` (a protocol,
    so that this module does not import the timeline that calls it)."""

    @property
    def contract(self) -> Contract: ...

    @property
    def _derived(self) -> Derived: ...

    @property
    def signed(self) -> tuple[Change, ...]: ...

    @property
    def amount(self) -> Money: ...

    @property
    def headroom_used(self) -> Money: ...

    def _limit(self, rulebook: RuleBook, on: date) -> tuple[Money, Any]: ...

    def _original_amount(self) -> Money: ...

__all__ = [
    "BACKDATING_RULE",
    "CAP_RULE",
    "PRICE_CAP_RULE",
    "SAME_SUBJECT_RULE",
    "Effect",
    "cap_findings",
    "effect_of",
    "rule_findings",
    "signing_findings",
]

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


def effect_of(before: Timeline, after: Timeline, c: Change) -> Effect:
    delta = after.amount - before.amount
    resumes = None
    if isinstance(c.action, Resume):
        # suspensions carry on into every later state: the last one holds them all
        for s in after._derived.state.suspensions:
            if s.resumed_by == c.id:
                resumes = s.change_id
    addition = delta if delta > Money.ZERO and resumes is None else Money.ZERO
    return Effect(c.id, c.action.KIND, c.line_id, delta, addition, c.action.describe(), resumes)


def signing_findings(tl: Timeline, c: Change, signed_on: date | None, approved_by: str,
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


def rule_findings(tl: Timeline, c: Change, in_force: Contract, rb: RuleBook) -> list[Finding]:
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


def cap_findings(tl: Timeline, c: Change, effect: Effect, rb: RuleBook) -> list[Finding]:
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
        zh=say("changes.supplementary_cap_exceeded.detail", total=total.format(),
               original=tl.contract.original_amount.format(), cap=f"{cap.value:.0%}",
               limit=limit.format(), added=effect.addition.format(), used=used.format(),
               left=(limit - used).format()))]
