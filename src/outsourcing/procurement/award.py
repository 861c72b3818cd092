"""Award: the first-ranked candidate's bid becomes a :class:`~outsourcing.Contract` (授予合同).

Every procurement method awards the same way: a tender's 中标 and the other methods' 成交.
The deadlines around the award are findings on the award, each with its rule: the contract
signed within 30 days of the notice (政府采购法 第四十六条); published within 2 working days
of signing (政府采购法实施条例 第五十条, counted on the State Council's working days with
their 调休); a performance bond of at most 10% of the contract amount (条例 第四十八条).

The purchaser awards in the order of the evaluation report (政府采购法实施条例 第四十三条); a
winner who refuses to sign is passed over for the next candidate (第四十九条) by naming it in
``declined``.  The contract takes its lines from the tender and its pricing from the bid
(the bid price, never the deducted evaluated price), its supplier from the bid and its term,
jurisdiction, budget and payment terms from the tender, ready for changes and settlement.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import attrs

from ..dates import add_working_days, working_days_between
from ..errors import DateError, OutsourcingError, ProcurementError
from ..findings import Finding
from ..model import Contract, ServiceLine
from ..money import Money
from ..rules import Resolved, RuleBook
from .bid import Bid
from .report import BidEvaluation, EvaluationReport
from .tender import Tender

__all__ = ["Award", "award"]


@attrs.frozen
class Award:
    """The award (中标): the contract, the bid it comes from and the signing deadline."""

    contract: Contract
    evaluation: BidEvaluation
    report: EvaluationReport
    notified_on: date
    """中标通知书发出日期."""
    sign_by: date
    """The last day to sign (中标通知书发出之日起三十日内)."""
    rules: tuple[Resolved, ...]
    findings: tuple[Finding, ...] = ()
    publish_by: date | None = None
    """The last day to publish the contract, once it is signed: the working days of
    ``procurement.publish_within_working_days`` after signing (条例 第五十条)."""
    published_on: date | None = None
    performance_bond: Money | None = None
    """履约保证金 asked of the supplier."""

    def explain(self) -> str:
        e = self.evaluation
        tender = self.report.tender.method.is_tender
        who, notice = ("中标", "中标通知书") if tender else ("成交", "成交通知书")
        lines = [
            f"{who}供应商: {e.bid.supplier.name}（{e.bid.id}，第{e.rank}名）",
            f"合同 {self.contract.id}: 原合同金额 {self.contract.original_amount.format()}"
            f"（= {e.bid_price.label} {e.bid_price.shown}，价格扣除仅用于评审）",
            f"{notice} {self.notified_on}，最迟于 {self.sign_by} 签订合同"
            + (f"（{self.contract.signed_on} 签订）" if self.contract.signed_on else ""),
        ]
        if self.publish_by is not None:
            window = next(r for r in self.rules
                          if r.rule_id == "procurement.publish_within_working_days")
            lines.append(f"合同最迟于 {self.publish_by} 公告（签订之日起{window.value}个工作日内）"
                         + (f"，{self.published_on} 公告" if self.published_on else ""))
        if self.performance_bond is not None:
            lines.append(f"履约保证金 {self.performance_bond.format()}")
        lines.extend(f"  - {r.describe()}" for r in self.rules)
        lines.extend(f"提示: {f.message_zh}〔{f.code}〕" for f in self.findings)
        return "\n".join(lines) + "\n"


def award(
    report: EvaluationReport,
    rulebook: RuleBook,
    *,
    contract_id: str,
    notified_on: date,
    signed_on: date | None = None,
    declined: Iterable[str] = (),
    published_on: date | None = None,
    performance_bond: Money | str | int | None = None,
) -> Award:
    """Award the tender to the best-ranked candidate not in ``declined``.

    Raises :class:`~outsourcing.ProcurementError` when the tender failed (废标, or a
    procedure ended for too few suppliers), when every candidate declined, or when the
    dates do not hold together.  The deadlines are findings on the award: a contract signed
    after the legal deadline (``award.signed_late``), published later than the working days
    allowed after signing (``award.published_late``), a performance bond above the cap
    (``award.performance_bond_over_limit``).
    """
    if report.failed is not None:
        f = report.failed
        raise ProcurementError(f"no award: {f.message}", field="report", value=report.tender.id,
                               code="procurement.no_award", params={"message": f.message},
                               rule_id=f.rule_id, citation=f.citation, term=f.term)
    tender = report.tender
    if rulebook.code != tender.jurisdiction:
        raise ProcurementError(
            f"the rulebook is for {rulebook.code}, the tender for {tender.jurisdiction}",
            field="rulebook", value=rulebook.code, term="辖区",
            code="procurement.award.rulebook_jurisdiction",
            params={"tender": tender.jurisdiction, "rulebook": rulebook.code})
    _check_dates(tender.evaluated_on, notified_on, signed_on, published_on)
    bond = _bond(performance_bond)
    order, chosen = _chosen(report, declined)
    contract = _contract(tender, chosen.bid, contract_id, signed_on)
    sign_by, publish_by, rules, findings = _deadlines(
        rulebook, contract, notified_on, signed_on, published_on, bond)
    return Award(contract, chosen, report, notified_on, sign_by, (order, *rules),
                 tuple(findings), publish_by, published_on, bond)


def _check_dates(evaluated_on: date, notified_on: date, signed_on: date | None,
                 published_on: date | None) -> None:
    """The award notice after the evaluation, the signing after the notice, the
    publication after the signing."""
    if notified_on < evaluated_on:
        raise ProcurementError(f"the award notice predates the evaluation {evaluated_on}",
                               field="notified_on", value=notified_on.isoformat(),
                               term="中标通知书",
            code="procurement.award.notice_before_evaluation",
                               params={"evaluated_on": evaluated_on.isoformat()})
    if signed_on is not None and signed_on < notified_on:
        raise ProcurementError(f"the contract is signed before the award notice {notified_on}",
                               field="signed_on", value=signed_on.isoformat(), term="合同签订",
            code="procurement.award.signed_before_notice",
                               params={"notified_on": notified_on.isoformat()})
    if published_on is not None and signed_on is None:
        raise ProcurementError("a contract is published after it is signed: give signed_on",
                               field="published_on", value=published_on.isoformat(),
                               term="合同公告", code="procurement.published_unsigned")
    if published_on is not None and signed_on is not None and published_on < signed_on:
        raise ProcurementError(f"the contract is published before it is signed on {signed_on}",
                               field="published_on", value=published_on.isoformat(),
                               term="合同公告", code="procurement.published_before_signed",
                               params={"signed_on": signed_on})


def _bond(performance_bond: Money | str | int | None) -> Money | None:
    """The performance bond (履约保证金) as an amount, not negative."""
    bond: Money | None = None
    if performance_bond is not None:
        try:
            bond = performance_bond if isinstance(performance_bond, Money) \
                else Money(performance_bond, field="performance_bond")
        except OutsourcingError as exc:
            raise ProcurementError(exc.reason, field="performance_bond",
                                   value=performance_bond, term="履约保证金",
                                   code="procurement.performance_bond_amount") from None
        if bond < Money.ZERO:
            raise ProcurementError("a bond is not negative", field="performance_bond",
                                   value=str(bond), term="履约保证金",
                                   code="procurement.performance_bond_negative")
    return bond


def _chosen(report: EvaluationReport, declined: Iterable[str]
            ) -> tuple[Resolved, BidEvaluation]:
    """The award-in-rank-order rule and the best-ranked candidate not declined."""
    skip = set(declined)
    unknown = skip - {e.bid.id for e in report.ranked}
    if unknown:
        raise ProcurementError("declined bids must be ranked candidates", field="declined",
                               value=sorted(unknown), term="中标候选人",
            code="procurement.award.declined_not_candidate",
                               params={"ids": ", ".join(sorted(unknown))})
    order = report.rule("procurement.award_in_rank_order")
    chosen = next((e for e in report.ranked if e.bid.id not in skip), None)
    if chosen is None:
        raise ProcurementError("every candidate declined: procure again", field="declined",
                               value=sorted(skip), rule_id=order.rule_id,
                               citation=order.citation, term="中标候选人",
            code="procurement.award.every_candidate_declined")
    return order, chosen


def _contract(tender: Tender, bid: Bid, contract_id: str, signed_on: date | None) -> Contract:
    """The contract the award makes: the tender's terms at the bid's line prices."""
    lines = []
    for tl in tender.lines:
        pricing = bid.price_of(tl.id)
        assert pricing is not None  # a ranked bid priced every line
        lines.append(ServiceLine(tl.id, tl.service, tl.site, pricing, tl.description))
    try:
        contract = Contract(
            id=contract_id, title=tender.title, jurisdiction=tender.jurisdiction,
            purchaser=tender.purchaser, supplier=bid.supplier, term=tender.term,
            lines=lines, schedule=tender.schedule, day_count=tender.day_count,
            budget=tender.budget, signed_on=signed_on,
            multi_year_conditions=tender.multi_year_conditions,
            payment_days=tender.payment_days,
        )
    except OutsourcingError as exc:
        raise ProcurementError(f"cannot build the contract: {exc}", field="contract",
                               value=contract_id, term="合同",
            code="procurement.award.contract_invalid", zh=exc.zh) from None
    return contract


def _deadlines(rulebook: RuleBook, contract: Contract, notified_on: date,
               signed_on: date | None, published_on: date | None, bond: Money | None
               ) -> tuple[date, date | None, list[Resolved], list[Finding]]:
    """The signing and publication deadlines and the bond cap, each a finding when missed:
    the day to sign by, the day to publish by, the rules applied (after the rank-order
    rule) and the findings."""
    window = rulebook.resolve("procurement.sign_within_days", notified_on)
    sign_by = notified_on + timedelta(days=int(window.value))
    findings: list[Finding] = []
    rules = [window]
    if signed_on is not None and signed_on > sign_by:
        findings.append(Finding(
            "award.signed_late",
            f"signed {signed_on}, after the deadline {sign_by} ({window.value} days from the "
            f"award notice {notified_on})", field="signed_on", rule_id=window.rule_id,
            citation=window.citation, term=window.parameter.term))
    publish_by = None
    if signed_on is not None:
        publish = rulebook.resolve("procurement.publish_within_working_days", signed_on)
        rules.append(publish)
        try:
            publish_by = add_working_days(signed_on, int(publish.value))
        except DateError:
            if published_on is not None:
                raise  # the publication cannot be checked: say which years are known
            # a signing beyond the holiday notices known: the deadline waits for the notice
        if publish_by is not None and published_on is not None and published_on > publish_by:
            n = working_days_between(signed_on, published_on)
            findings.append(Finding(
                "award.published_late",
                f"合同 {signed_on} 签订，{published_on} 公告，为签订后第 {n} 个工作日，"
                f"超过 {publish.value} 个工作日（最迟 {publish_by}）", field="published_on",
                rule_id=publish.rule_id, citation=publish.citation,
                term=publish.parameter.term))
    if bond is not None:
        cap = rulebook.resolve("contract.performance_bond_max", signed_on or notified_on)
        rules.append(cap)
        limit = contract.original_amount * cap.value
        if bond > limit:
            findings.append(Finding(
                "award.performance_bond_over_limit",
                f"履约保证金 {bond.format()} 超过合同金额 {contract.original_amount.format()} 的 "
                f"{cap.value:.0%}（{limit.format()}）", field="performance_bond",
                rule_id=cap.rule_id, citation=cap.citation, term=cap.parameter.term))
    return sign_by, publish_by, rules, findings
