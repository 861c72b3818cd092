"""The rules of each procurement method (采购方式): which parameters apply, the checks of the
tender that refuse it, when too few suppliers end the procedure, and the single-source
checks (the ground, the additional purchase within the cap, the publicity).

Used by :func:`outsourcing.procurement.evaluate`; see its module for the steps.
"""

from __future__ import annotations

from datetime import timedelta

from ..changes import Timeline, cap_report
from ..dates import working_days_between
from ..errors import ProcurementError
from ..findings import Finding, Severity
from ..money import Money
from ..rules import Range, Resolved, RuleBook
from .bid import Bid
from .explain import Check, Figure
from .tender import (
    EvaluationMethod,
    ProcurementMethod,
    SingleSourceGround,
    Tender,
)

COMBINATIONS = ("mean", "trimmed_mean")
"""How evaluators' points may be combined (``procurement.evaluator_combination``)."""

CONSULTATION = ProcurementMethod.COMPETITIVE_CONSULTATION
SINGLE_SOURCE = ProcurementMethod.SINGLE_SOURCE
INQUIRY = ProcurementMethod.INQUIRY
CONSORTIUM_RULE = "procurement.sme_deduction_consortium"
CONSORTIUM_SHARE_RULE = "procurement.sme_consortium_min_share"
BID_BOND_RULE = "procurement.bid_bond_max"
GROUNDS_RULE = "procurement.single_source.grounds"
PUBLICITY_RULE = "procurement.single_source.publicity_working_days"
"""单一来源公示期 in working days (shared with the renewal planner, ``outsourcing.portfolio``)."""
THRESHOLD_RULE = "procurement.public_tender_threshold"
"""公开招标数额标准 (shared with the renewal planner); a region sets its own."""
CAP_RULE = "changes.supplementary_cap"


def min_rule(tender: Tender) -> str:
    m = tender.method
    if m.is_tender:
        return "procurement.min_valid_bids"
    if m is CONSULTATION:
        return "procurement.consultation.min_suppliers"
    return "procurement.nontender.min_suppliers"


def price_weight_rule(tender: Tender) -> str:
    if tender.method is CONSULTATION:
        return f"procurement.consultation.price_weight_{tender.category.value}"
    return tender.category.min_price_weight_rule


def price_score_rule(tender: Tender) -> str:
    if tender.method is CONSULTATION:
        return "procurement.consultation.price_score_method"
    return "procurement.price_score_method"


def ranking_rule(tender: Tender) -> str:
    m = tender.method
    if m is CONSULTATION:
        return "procurement.consultation.score_ranking"
    if m.is_tender:
        return ("procurement.score_ranking" if tender.evaluation is
                EvaluationMethod.WEIGHTED_SCORE else "procurement.lowest_price_ranking")
    if m is SINGLE_SOURCE:
        return GROUNDS_RULE
    return "procurement.nontender.lowest_final_quote"


def takes_deduction(tender: Tender) -> bool:
    """Every competitive method applies the SME deduction (财库〔2020〕46号 第九条); a project
    reserved for SMEs, and a single source, have nobody to compare with."""
    return not tender.reserved_for_sme and tender.method is not SINGLE_SOURCE


def method_rules(tender: Tender, rb: RuleBook) -> dict[str, Resolved]:
    on = tender.evaluated_on
    m = tender.method
    pids = ["procurement.bid_invalid_nonresponsive", "procurement.bid_invalid_unqualified",
            "procurement.bid_invalid_over_ceiling", "procurement.award_in_rank_order",
            ranking_rule(tender)]
    if m is not SINGLE_SOURCE:
        pids.append(min_rule(tender))
    if m is CONSULTATION and tender.purchase_of_services:
        pids.append("procurement.consultation.min_suppliers_purchase_of_services")
    if tender.evaluation is EvaluationMethod.WEIGHTED_SCORE:
        pids += [price_score_rule(tender), price_weight_rule(tender),
                 "procurement.evaluator_combination"]
    if m is INQUIRY:
        pids.append("procurement.nontender.inquiry_one_quote")
    if takes_deduction(tender):
        pids.append(tender.category.deduction_rule)
    if tender.consortium_deduction is not None:
        pids += [CONSORTIUM_RULE, CONSORTIUM_SHARE_RULE]
    if tender.bid_bond is not None:
        pids.append(BID_BOND_RULE)
    if m is SINGLE_SOURCE:
        pids.append(GROUNDS_RULE)
        if tender.single_source_ground is SingleSourceGround.ADDITIONAL_PURCHASE:
            pids.append(CAP_RULE)
        if (tender.single_source_ground is SingleSourceGround.ONLY_SOURCE
                and rb.get(THRESHOLD_RULE, on) is not None):
            pids += [THRESHOLD_RULE, PUBLICITY_RULE]
    out: dict[str, Resolved] = {}
    for pid in dict.fromkeys(pids):
        if pid == CONSORTIUM_RULE and rb.get(pid, on) is None:
            raise ProcurementError(
                f"no consortium or subcontracting deduction is in force on {on}",
                field="consortium_deduction", value=str(tender.consortium_deduction),
                rule_id=pid, citation="财库〔2020〕46号 第九条 (from 2021-01-01)",
                term="联合体/分包价格扣除", code="procurement.consortium_deduction_not_in_force",
                params={"on": on})
        out[pid] = rb.resolve(pid, on)
    return out


def _check_weights(tender: Tender, rules: dict[str, Resolved]) -> list[Finding]:
    """The scoring scheme's price weight against the minimum (or, under 竞争性磋商, the band
    and its approval) and the evaluators' combination; the notes for an approved weight."""
    on = tender.evaluated_on
    notes: list[Finding] = []
    if tender.scoring is None:
        return notes
    w = tender.scoring.price_weight
    pw = rules[price_weight_rule(tender)]
    if tender.method is CONSULTATION:
        band: Range = pw.value
        if w not in band:
            if not tender.price_weight_approval:
                raise ProcurementError(
                    f"the price weight {w} lies outside the band {band} for "
                    f"{tender.category.zh} under 竞争性磋商 on {on}, and the tender records "
                    "no approval by the finance department (price_weight_approval)",
                    field="scoring.price_weight", value=str(w), rule_id=pw.rule_id,
                    citation=pw.citation, term=pw.parameter.term,
                    code="procurement.consultation_price_weight",
                    params={"category": tender.category.zh, "weight": w, "band": band})
            notes.append(Finding(
                "consultation.price_weight_approved",
                f"价格权值 {w} 在 {band} 之外，已经财政部门审核同意"
                f"（{tender.price_weight_approval}）", severity=Severity.INFO,
                field="scoring.price_weight", rule_id=pw.rule_id, citation=pw.citation,
                term=pw.parameter.term))
    elif w < pw.value:
        raise ProcurementError(
            f"the price weight {w} is below the legal minimum "
            f"{pw.value} for {tender.category.zh} on {on}",
            field="scoring.price_weight", value=str(w),
            rule_id=pw.rule_id, citation=pw.citation, term=pw.parameter.term,
            code="procurement.price_weight_below_minimum",
            params={"category": tender.category.zh, "weight": w, "minimum": pw.value})
    comb = rules["procurement.evaluator_combination"]
    if comb.value not in COMBINATIONS:
        raise ProcurementError(f"unknown combination; known: {', '.join(COMBINATIONS)}",
                               field="procurement.evaluator_combination", value=comb.value,
                               rule_id=comb.rule_id, citation=comb.citation,
            code="procurement.evaluator_combination_unknown",
                               params={"known": ", ".join(COMBINATIONS)})
    return notes


def check_tender(tender: Tender, rules: dict[str, Resolved]) -> list[Finding]:
    """Refuse a tender that breaks a dated rule, before any bid is looked at; return the
    findings the checks note without refusing (an approved price weight)."""
    on = tender.evaluated_on
    notes = _check_weights(tender, rules)
    if tender.consortium_deduction is not None:
        cband = rules[CONSORTIUM_RULE]
        if tender.consortium_deduction not in cband.value:
            raise ProcurementError(
                f"the consortium deduction {tender.consortium_deduction} lies outside the "
                f"range {cband.value} in force on {on}", field="consortium_deduction",
                value=str(tender.consortium_deduction), rule_id=cband.rule_id,
                citation=cband.citation, term=cband.parameter.term,
                code="procurement.consortium_deduction_range",
                params={"rate": tender.consortium_deduction, "on": on, "range": cband.value})
    if tender.method is SINGLE_SOURCE:
        grounds = rules[GROUNDS_RULE]
        ground = tender.single_source_ground
        if ground is None or ground.value not in grounds.value:
            raise ProcurementError(
                f"not a ground of the closed list in force: {', '.join(grounds.value)}",
                field="single_source_ground", value=ground.value if ground else None,
                rule_id=grounds.rule_id, citation=grounds.citation, term="单一来源采购情形",
                code="procurement.single_source_ground_not_in_force")
    if not takes_deduction(tender):
        return notes
    dband = rules[tender.category.deduction_rule]
    rng: Range = dband.value
    if tender.sme_deduction is None:
        raise ProcurementError(
            f"the tender must state the small-and-micro-enterprise deduction rate, within "
            f"{rng} on {on} (or be reserved for SMEs)", field="sme_deduction", value=None,
            rule_id=dband.rule_id, citation=dband.citation, term=dband.parameter.term,
            code="procurement.sme_deduction_missing",
            params={"on": on, "range": rng})
    if tender.sme_deduction not in rng:
        raise ProcurementError(
            f"the deduction rate {tender.sme_deduction} lies outside the range {rng} in force "
            f"on {on} in {dband.parameter.jurisdiction}",
            field="sme_deduction", value=str(tender.sme_deduction), rule_id=dband.rule_id,
            citation=dband.citation, term=dband.parameter.term,
            code="procurement.sme_deduction_range",
            params={"rate": tender.sme_deduction, "on": on, "range": rng})
    return notes


def enough(tender: Tender, n: int,
           rules: dict[str, Resolved]) -> tuple[Finding | None, list[Finding]]:
    """Whether ``n`` responsive suppliers let the procedure go on: too few end it (废标 /
    终止) with the returned failure; a 磋商 going on with 2 under 财库〔2015〕124号 returns
    its finding."""
    m = tender.method
    if m is SINGLE_SOURCE:
        if n:
            return None, []
        g = rules[GROUNDS_RULE]
        return Finding("single_source.no_valid_response",
                       "单一来源供应商的响应文件未通过审查，采购活动终止", field="bids",
                       rule_id=g.rule_id, citation=g.citation, term="单一来源采购"), []
    minimum = rules[min_rule(tender)]
    if n >= minimum.value:
        return None, []
    if m is CONSULTATION and tender.purchase_of_services:
        pos = rules["procurement.consultation.min_suppliers_purchase_of_services"]
        if n >= pos.value:
            return None, [Finding(
                "consultation.two_suppliers_purchase_of_services",
                f"符合要求的供应商只有 {n} 家（少于 {minimum.value} 家），"
                "本项目为政府购买服务项目，竞争性磋商采购活动继续进行",
                severity=Severity.INFO, field="bids",
                rule_id=pos.rule_id, citation=pos.citation, term=pos.parameter.term)]
    if m.is_tender:
        return Finding(
            "tender.too_few_valid_bids",
            f"only {n} compliant bid(s), fewer than {minimum.value}: the tender fails "
            "(废标) and must be procured again", field="bids", rule_id=minimum.rule_id,
            citation=minimum.citation, term=minimum.parameter.term), []
    code = {CONSULTATION: "consultation", INQUIRY: "inquiry"}.get(m, "negotiation")
    extra = ("；非政府购买服务项目不适用财库〔2015〕124号"
             if m is CONSULTATION and not tender.purchase_of_services else "")
    return Finding(
        f"{code}.too_few_suppliers",
        f"实质性响应的供应商只有 {n} 家，少于 {minimum.value} 家：{m.zh}采购活动终止，"
        f"不得成交{extra}", field="bids", rule_id=minimum.rule_id,
        citation=minimum.citation, term=minimum.parameter.term), []


def check_original(tender: Tender, original: Timeline | None) -> None:
    adding = tender.single_source_ground is SingleSourceGround.ADDITIONAL_PURCHASE
    if adding and original is None:
        raise ProcurementError(
            "an additional purchase (添购) is checked against the original contract and its "
            "signed supplements: pass original=Timeline(...)", field="original", value=None,
            term="原合同", code="procurement.single_source_original_missing")
    if original is not None:
        if not adding:
            raise ProcurementError(
                "an original contract belongs to a 单一来源 additional purchase (添购)",
                field="original", value=original.contract.id, term="原合同",
                code="procurement.original_not_additional_purchase")
        if not isinstance(original, Timeline):
            raise ProcurementError("not a Timeline", field="original", value=repr(original),
                                   term="原合同", code="procurement.original_not_timeline")
        if original.contract.jurisdiction != tender.jurisdiction:
            raise ProcurementError(
                f"the original contract is in {original.contract.jurisdiction}, the purchase in "
                f"{tender.jurisdiction}", field="original", value=original.contract.id,
                term="原合同", code="procurement.original_jurisdiction")


def original_supplier(bid: Bid, original: Timeline) -> Check:
    ok = bid.supplier.id == original.contract.supplier.id
    sup = original.contract.supplier
    return Check("original_supplier", "从原供应商处添购", ok,
                 f"{bid.supplier.name} {'为' if ok else '不是'}原合同 {original.contract.id} 的"
                 f"供应商{'' if ok else f' {sup.name}'}",
                 GROUNDS_RULE, "政府采购法 第三十一条(三): 需要继续从原供应商处添购")


def check_cap(tender: Tender, original: Timeline, amount: Money, rb: RuleBook) -> Figure:
    """The additional purchase within the cumulative cap on the original contract's
    supplements (the same cap as :func:`outsourcing.changes.cap_report`); over it, refused."""
    cap = cap_report(original, rb, on=tender.evaluated_on)
    after = cap.used + amount
    inputs = [("原合同金额", str(cap.original_amount)), ("上限比例", str(cap.cap)),
              ("已签补充合同", str(cap.used)), ("本次添购", str(amount))]
    citation = (f"{cap.citation}; 政府采购法 第三十一条(三): "
                "添购资金总额不超过原合同采购金额百分之十")
    if after > cap.limit:
        raise ProcurementError(
            f"the additional purchase {amount.format()} with the supplements signed "
            f"{cap.used.format()} makes {after.format()}, over {cap.cap:.0%} of the original "
            f"amount {cap.original_amount.format()} = {cap.limit.format()} "
            f"(left {cap.left.format()})", field="additional_purchase", value=str(amount),
            rule_id=cap.rule_id, citation=citation, term="添购资金总额",
            code="procurement.single_source_over_cap",
            params={"added": amount.format(), "signed": cap.used.format(),
                    "total": after.format(), "original": cap.original_amount.format(),
                    "cap": cap.cap, "limit": cap.limit.format(), "left": cap.left.format()})
    return Figure("添购上限", cap.limit,
                  f"原合同 {original.contract.id} 金额 {cap.original_amount.format()} × {cap.cap}；"
                  f"已签补充合同 {cap.used.format()} + 本次添购 {amount.format()} = "
                  f"{after.format()} ≤ 上限，余 {(cap.limit - after).format()}",
                  cap.rule_id, citation, inputs)


def publicity_findings(tender: Tender, rules: dict[str, Resolved]) -> list[Finding]:
    """单一来源 (唯一供应商) at or above the tendering threshold: publicised for at least the
    minimum working days, before approval (the evaluation date)."""
    threshold = rules[THRESHOLD_RULE]
    need = rules[PUBLICITY_RULE]
    if tender.budget < threshold.value:
        return []
    p = tender.publicity
    if p is None:
        return [Finding(
            "single_source.publicity_missing",
            f"预算金额 {tender.budget.format()} 达到公开招标数额标准 {threshold.value.format()}，"
            f"须在报批前公示不少于 {need.value} 个工作日，未记录公示期",
            field="publicity", rule_id=need.rule_id, citation=need.citation,
            term=need.parameter.term)]
    out: list[Finding] = []
    days = working_days_between(p.start - timedelta(days=1), p.end)
    if days < need.value:
        out.append(Finding(
            "single_source.publicity_too_short",
            f"公示期 {p.start} 至 {p.end} 只有 {days} 个工作日，少于 {need.value} 个工作日",
            field="publicity", rule_id=need.rule_id, citation=need.citation,
            term=need.parameter.term))
    if tender.evaluated_on <= p.end:
        out.append(Finding(
            "single_source.approved_during_publicity",
            f"评审（报批）日 {tender.evaluated_on} 不在公示期 {p.end} 结束之后",
            field="evaluated_on", rule_id=need.rule_id, citation=need.citation,
            term=need.parameter.term))
    return out
