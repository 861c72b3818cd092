"""Award: the first-ranked candidate's bid becomes a :class:`~outsourcing.Contract` (授予合同).

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

from ..errors import OutsourcingError, ProcurementError
from ..findings import Finding
from ..model import Contract, ServiceLine
from ..rules import Resolved, RuleBook
from .evaluation import BidEvaluation, EvaluationReport

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

    def explain(self) -> str:
        e = self.evaluation
        lines = [
            f"中标供应商: {e.bid.supplier.name}（{e.bid.id}，第{e.rank}名）",
            f"合同 {self.contract.id}: 原合同金额 {self.contract.original_amount.format()}"
            f"（= 投标报价 {e.bid_price.shown}，小微企业价格扣除仅用于评审）",
            f"中标通知书 {self.notified_on}，最迟于 {self.sign_by} 签订合同",
        ]
        lines.extend(f"  - {r.describe()}" for r in self.rules)
        lines.extend(f"提示: {f.message_zh}" for f in self.findings)
        return "\n".join(lines) + "\n"


def award(
    report: EvaluationReport,
    rulebook: RuleBook,
    *,
    contract_id: str,
    notified_on: date,
    signed_on: date | None = None,
    declined: Iterable[str] = (),
) -> Award:
    """Award the tender to the best-ranked candidate not in ``declined``.

    Raises :class:`~outsourcing.ProcurementError` when the tender failed (废标), when every
    candidate declined, or when the dates do not hold together; a contract signed after the
    legal deadline is built but carries an error finding (``award.signed_late``).
    """
    if report.failed is not None:
        f = report.failed
        raise ProcurementError(f"no award: {f.message}", field="report", value=report.tender.id,
                               rule_id=f.rule_id, citation=f.citation, term=f.term)
    tender = report.tender
    if rulebook.code != tender.jurisdiction:
        raise ProcurementError(
            f"the rulebook is for {rulebook.code}, the tender for {tender.jurisdiction}",
            field="rulebook", value=rulebook.code, term="辖区")
    if notified_on < tender.evaluated_on:
        raise ProcurementError(f"the award notice predates the evaluation {tender.evaluated_on}",
                               field="notified_on", value=notified_on.isoformat(),
                               term="中标通知书")
    if signed_on is not None and signed_on < notified_on:
        raise ProcurementError(f"the contract is signed before the award notice {notified_on}",
                               field="signed_on", value=signed_on.isoformat(), term="合同签订")
    skip = set(declined)
    unknown = skip - {e.bid.id for e in report.ranked}
    if unknown:
        raise ProcurementError("declined bids must be ranked candidates", field="declined",
                               value=sorted(unknown), term="中标候选人")
    order = report.rule("procurement.award_in_rank_order")
    chosen = next((e for e in report.ranked if e.bid.id not in skip), None)
    if chosen is None:
        raise ProcurementError("every candidate declined: procure again", field="declined",
                               value=sorted(skip), rule_id=order.rule_id,
                               citation=order.citation, term="中标候选人")
    bid = chosen.bid
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
                               value=contract_id, term="合同") from None
    window = rulebook.resolve("procurement.sign_within_days", notified_on)
    sign_by = notified_on + timedelta(days=int(window.value))
    findings: list[Finding] = []
    if signed_on is not None and signed_on > sign_by:
        findings.append(Finding(
            "award.signed_late",
            f"signed {signed_on}, after the deadline {sign_by} ({window.value} days from the "
            f"award notice {notified_on})", field="signed_on", rule_id=window.rule_id,
            citation=window.citation, term=window.parameter.term))
    return Award(contract, chosen, report, notified_on, sign_by, (order, window),
                 tuple(findings))
