"""Bid evaluation: checks, evaluated price, price score, total and rank (评标、评审).

:func:`evaluate` reads every rule it needs from the rulebook once, on the tender's evaluation
date, refuses a tender that breaks one (a price weight below the legal minimum, a deduction
rate outside the range in force) and returns an :class:`EvaluationReport` in which every
figure carries its explanation.  Each procurement method has its own rules:

* 公开招标, 邀请招标 — 财政部令第87号 (the steps below);
* 竞争性磋商 — 财库〔2014〕214号: 综合评分法 with the lowest final quote as 磋商基准价, the
  price weight within the band in force (or approved by the finance department), at least
  3 responsive suppliers (2 for a 政府购买服务 project, 财库〔2015〕124号);
* 竞争性谈判, 询价 — 财政部令第74号: at least 3 responsive suppliers, the lowest final
  (evaluated) quote first; 询价 takes one quote per supplier;
* 单一来源 — one supplier, on a ground of 政府采购法 第三十一条; an additional purchase
  (添购) within the cumulative 10% of the original contract and its signed supplements;
  the publicity of at least 5 working days where the budget reaches the tendering
  threshold.

The steps, in order:

1. **Checks** (资格性、符合性审查): every tender line priced and no other; each required
   qualification (``qualification.<service>`` in the jurisdiction's rules) held and valid on
   the evaluation date; the bid price within the budget and the ceiling price.  A failed
   check puts the bid out, with its reason (投标无效, 财政部令第87号 第六十三条).
2. **Evaluated price** (评审价): the deduction *as claimed* — a small or micro enterprise
   whose bid carries the declaration (中小企业声明函) gets the tender's deduction rate; a
   consortium or a subcontracting bid giving small and micro firms at least the minimum
   share gets the tender's consortium rate (联合体/分包); the price less the rate is
   rounded half-up to the fen once (``Money × Decimal``); every other bid's evaluated price
   is its bid price.  The contract keeps the bid price.
3. **Price score** (价格分, 低价优先法, 87号令 第五十五条): the lowest evaluated price among
   the compliant bids is the benchmark (评标基准价); each bid scores
   (benchmark / evaluated price) × price weight × 100, computed exactly and rounded half-up to
   the scheme's ``places`` decimals once.
4. **Factor scores**: each factor's evaluators' points combined as the rule
   ``procurement.evaluator_combination`` says (the arithmetic mean by default), exactly, then
   rounded once to ``places`` decimals.
5. **Total** (综合得分): the exact sum of the rounded figures of steps 3–4.
6. **Rank** (排序): 综合评分法 — total high to low; equal totals by bid price low to high
   (87号令 第五十七条); what the law leaves tied (并列) is broken by the tie-break rule
   :data:`TIE_BREAK`: higher non-price score first, then the bid received first.
   最低评标价法 — evaluated price low to high, then bid price, then the bid received first.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import attrs

from ..changes import Timeline
from ..checks import requirements
from ..errors import ProcurementError
from ..findings import Finding, Severity
from ..model import FixedMonthly, LabourPlusMaterials, Pricing, QualificationRequirement, UnitRate
from ..money import Money
from ..pricing import AnnualFee, AreaRate, TermTotal
from ..rules import Resolved, RuleBook
from .bid import Bid
from .explain import Check, Figure
from .methods import (
    BID_BOND_RULE,
    CONSORTIUM_RULE,
    CONSORTIUM_SHARE_RULE,
    INQUIRY,
    PUBLICITY_RULE,
    SINGLE_SOURCE,
    check_cap,
    check_original,
    check_tender,
    enough,
    method_rules,
    original_supplier,
    publicity_findings,
    takes_deduction,
)
from .ranking import factor_totals, money_of, price_scores, rank
from .report import TIE_BREAK, TIE_BREAK_FINAL_QUOTE, BidEvaluation, EvaluationReport
from .tender import Tender

__all__ = ["TIE_BREAK", "TIE_BREAK_FINAL_QUOTE", "BidEvaluation", "EvaluationReport",
           "evaluate"]

# --- the verb ---------------------------------------------------------------------------

def _check_bids(tender: Tender, bids: Sequence[Bid], rules: dict[str, Resolved]) -> int:
    """Structural checks across bids; returns the number of evaluators (0 for price only)."""
    if not bids:
        raise ProcurementError("no bids to evaluate", field="bids", value=[], term="投标",
            code="procurement.evaluation.no_bids")
    m = tender.method
    if m is SINGLE_SOURCE and len(bids) != 1:
        raise ProcurementError(
            f"单一来源 negotiates with one supplier; {len(bids)} responses given", field="bids",
            value=[b.id for b in bids], citation="政府采购法 第三十九条: 采用单一来源方式采购的，"
            "采购人与供应商应当遵循本法规定的原则，在保证采购项目质量和双方商定合理价格的基础上进行采购",
            term="单一来源采购", code="procurement.single_source_one_supplier",
            params={"responses": len(bids)})
    seen: set[str] = set()
    suppliers: set[str] = set()
    for i, b in enumerate(bids):
        if not isinstance(b, Bid):
            raise ProcurementError("not a Bid", field=f"bids[{i}]", value=b,
                code="procurement.evaluation.not_a_bid", params={"kind": type(b).__name__})
        if b.id in seen:
            raise ProcurementError("duplicate bid id", field=f"bids[{i}].id", value=b.id,
                                   term="投标编号",
                code="procurement.evaluation.bid_id_twice")
        if b.supplier.id in suppliers:
            if m is INQUIRY:
                one = rules["procurement.nontender.inquiry_one_quote"]
                raise ProcurementError(
                    "询价 takes one quote per supplier: a second quote is refused",
                    field=f"bids[{i}]", value=b.supplier.id, rule_id=one.rule_id,
                    citation=one.citation, term=one.parameter.term,
                    code="procurement.inquiry_second_quote",
                    params={"supplier": b.supplier.name, "received": ""})
            raise ProcurementError("a supplier bids once", field=f"bids[{i}].supplier",
                                   value=b.supplier.id, term="供应商",
                code="procurement.evaluation.supplier_bids_twice")
        if b.rounds and not m.takes_rounds:
            if m is INQUIRY:
                one = rules["procurement.nontender.inquiry_one_quote"]
                raise ProcurementError(
                    f"询价 takes one quote per supplier: {b.quotes} quotes given",
                    field=f"bids[{i}].rounds", value=b.quotes, rule_id=one.rule_id,
                    citation=one.citation, term=one.parameter.term,
                    code="procurement.inquiry_second_quote",
                    params={"supplier": b.supplier.name,
                            "received": f"（收到 {b.quotes} 次报价）"})
            raise ProcurementError(
                f"{m.zh} takes one bid price; rounds of quotes belong to 磋商, 谈判 and 单一来源",
                field=f"bids[{i}].rounds", value=b.quotes, term="投标报价",
                code="procurement.tender_one_price",
                params={"method": m.zh})
        seen.add(b.id)
        suppliers.add(b.supplier.id)
    return _check_points(tender, bids)


def _check_points(tender: Tender, bids: Sequence[Bid]) -> int:
    """The evaluators' points of every bid against the scoring scheme; returns the panel's
    size (0 for price only)."""
    scheme = tender.scoring
    if scheme is None:
        for i, b in enumerate(bids):
            if b.points:
                raise ProcurementError(f"{tender.evaluation.zh} takes no evaluators' points",
                                       field=f"bids[{i}].points", value=[k for k, _ in b.points],
                                       term="评委打分",
                    code="procurement.evaluation.points_not_taken",
                                       params={"method": tender.evaluation.zh})
        return 0
    wanted = {f.id for f in scheme.factors}
    panel: int | None = None
    for i, b in enumerate(bids):
        got = {k for k, _ in b.points}
        if got != wanted:
            raise ProcurementError(
                f"points must be given for exactly the factors {sorted(wanted)}",
                field=f"bids[{i}].points", value=sorted(got), term="评委打分",
                code="procurement.evaluation.points_factors",
                params={"factors": ", ".join(sorted(wanted))})
        for fid, ps in b.points:
            factor = scheme.factor(fid)
            if panel is None:
                panel = len(ps)
            if len(ps) != panel:
                raise ProcurementError(
                    f"every factor of every bid is scored by the same {panel} evaluators",
                    field=f"bids[{i}].points[{fid}]", value=len(ps), term="评标委员会",
                    code="procurement.evaluation.panel_size", params={"panel": panel})
            for j, p in enumerate(ps):
                if p > factor.full_marks:
                    raise ProcurementError(
                        f"points exceed the factor's full marks {factor.full_marks}",
                        field=f"bids[{i}].points[{fid}][{j}]", value=str(p), term="评委打分",
                        code="procurement.evaluation.points_over_full_marks",
                        params={"full_marks": str(factor.full_marks)})
    return panel or 0


def _check_one(tender: Tender, bid: Bid, price: Money, rb: RuleBook,
               rules: dict[str, Resolved]) -> list[Check]:
    on = tender.evaluated_on
    out: list[Check] = []
    missing = [x for x in tender.line_ids if bid.price_of(x) is None]
    extra = [k for k, _ in bid.prices if k not in tender.line_ids]
    invalid = rules["procurement.bid_invalid_unqualified"]
    responsive = rules["procurement.bid_invalid_nonresponsive"]
    if missing or extra:
        detail = "; ".join(x for x in (
            f"未报价的服务项目: {', '.join(missing)}" if missing else "",
            f"招标文件外的服务项目: {', '.join(extra)}" if extra else "") if x)
        out.append(Check("lines", "实质性响应（服务项目）", False, detail,
                         responsive.rule_id, responsive.citation))
    else:
        out.append(Check("lines", "实质性响应（服务项目）", True,
                         f"全部 {len(tender.line_ids)} 个服务项目均已报价",
                         responsive.rule_id, responsive.citation))
    reqs: list[tuple[str, QualificationRequirement, Resolved]] = []
    for line in tender.lines:
        pid = f"qualification.{line.service}"
        if rb.get(pid, on) is None:
            continue
        entry = rb.resolve(pid, on)
        for req in requirements(rb, line.service, on):
            if all(r != req for _, r, _ in reqs):
                reqs.append((line.id, req, entry))
    for line_id, req, entry in reqs:
        label = req.name or f"{req.kind} {req.level}".strip()
        held = bid.supplier.holds(req, on)
        cite = f"{entry.citation}; {invalid.citation}"
        if held is not None:
            until = f"，有效期至 {held.valid_until}" if held.valid_until else ""
            out.append(Check("qualification", f"资格审查（{label}）", True,
                             f"{line_id}: 持有 {held.kind} {held.level}".rstrip()
                             + (f"（{held.issuer}）" if held.issuer else "") + until,
                             entry.rule_id, cite))
            continue
        matching = [q for q in bid.supplier.qualifications if q.satisfies(req)]
        expired = [q for q in matching if q.valid_until is not None and q.valid_until < on]
        if expired:
            why = f"所持资质已于 {expired[0].valid_until} 过期，评审日 {on} 无效"
        elif matching:
            why = f"所持资质评审日 {on} 尚未生效"
        else:
            why = "未持有该资质"
        out.append(Check("qualification", f"资格审查（{label}）", False,
                         f"{line_id}: {why}", entry.rule_id, cite))
    over = rules["procurement.bid_invalid_over_ceiling"]
    limits = [("预算金额", tender.budget)] + (
        [("最高限价", tender.ceiling)] if tender.ceiling is not None else [])
    for name, cap in limits:
        ok = price <= cap
        out.append(Check("price_ceiling", f"报价不超过{name}", ok,
                         f"{tender.method.quote_zh} {price.format()} {'≤' if ok else '>'} "
                         f"{name} {cap.format()}", over.rule_id, over.citation))
    return out




def _deduct(tender: Tender, ev: BidEvaluation, price: Money,
            rules: dict[str, Resolved]) -> BidEvaluation:
    """The evaluated price, with the deduction *as claimed* (评审价)."""
    bid = ev.bid
    size = bid.supplier.size
    rate = tender.sme_deduction if takes_deduction(tender) else None
    why = ""
    if tender.reserved_for_sme:
        why = "专门面向中小企业采购，不扣除"
    elif tender.method is SINGLE_SOURCE:
        why = "单一来源采购，不适用价格扣除"
    elif size.is_small_or_micro and bid.sme_declaration and rate:
        band = rules[tender.category.deduction_rule]
        return _deducted(ev, price, rate, tender.method.quote_zh, "小微企业价格扣除",
                         f"{size.zh}企业，提供中小企业声明函", band,
                         [("扣除比例", str(rate)), ("区间", str(band.value))])
    elif size.is_small_or_micro and not bid.sme_declaration:
        why = f"{size.zh}企业未提供中小企业声明函，按报价评审"
    elif size.is_small_or_micro:
        why = "采购文件未给予小微企业价格扣除"
    if not why and bid.sme_share is not None:
        if tender.consortium_deduction is None:
            why = "采购文件未给予联合体/分包价格扣除"
        else:
            share = rules[CONSORTIUM_SHARE_RULE]
            if bid.sme_share >= share.value:
                crate = tender.consortium_deduction
                band = rules[CONSORTIUM_RULE]
                return _deducted(
                    ev, price, crate, tender.method.quote_zh, "联合体/分包价格扣除",
                    f"小微企业合同份额 {bid.sme_share} ≥ {share.value}", band,
                    [("扣除比例", str(crate)), ("区间", str(band.value)),
                     ("小微企业合同份额", str(bid.sme_share)), ("份额下限", str(share.value))])
            why = (f"小微企业合同份额 {bid.sme_share} 低于 {share.value}，不扣除 "
                   f"[{share.rule_id}; {share.citation}]")
    if not why:
        why = f"{size.zh}企业，不适用小微企业价格扣除"
    return attrs.evolve(ev, evaluated_price=Figure(
        "评审价", price, f"{tender.method.quote_zh} {price.format()}", note=why))


def _deducted(ev: BidEvaluation, price: Money, rate: Decimal, quote: str, label: str,
              claim: str, band: Resolved, inputs: list[tuple[str, str]]) -> BidEvaluation:
    evaluated = price * (1 - rate)
    return attrs.evolve(
        ev,
        deduction=Figure.from_rule(label, price - evaluated,
                                   f"{price.format()} × {rate}（{claim}）", band, inputs),
        evaluated_price=Figure.from_rule(
            "评审价", evaluated, f"{price.format()} × (1 − {rate})，四舍五入到分", band,
            note=f"仅用于评审，合同价格仍为{quote}"))


_MONTHLY = (FixedMonthly, UnitRate, LabourPlusMaterials)


def _how_priced(prices: Sequence[tuple[str, Pricing]]) -> str:
    """What a quote's line prices are summed as: monthly fees, or each line's own shape."""
    if all(isinstance(p, _MONTHLY) for _, p in prices):
        return "各服务项目月报价之和"
    return "各服务项目按其计价方式（年服务费按年、按面积、合同总价）计入"


def _quoted(prices: Sequence[tuple[str, Pricing]]) -> list[tuple[str, str]]:
    """Each line's quote as written: a monthly amount, or the price in its own shape."""
    out = []
    for k, p in prices:
        if isinstance(p, _MONTHLY):
            out.append((k, str(p.monthly_amount())))
        elif isinstance(p, AnnualFee):
            qty = "" if p.quantity == 1 else f" × {p.quantity}"
            out.append((k, f"{p.annual_fee}/年{qty}"))
        elif isinstance(p, AreaRate):
            out.append((k, f"{p.area} m² × {p.rate}/m²·{'月' if p.per == 'month' else '年'}"))
        else:
            assert isinstance(p, TermTotal)
            out.append((k, f"{p.total}（合同总价 {p.over.start} 至 {p.over.end}）"))
    return out


def evaluate(tender: Tender, bids: Sequence[Bid], rulebook: RuleBook, *,
             original: Timeline | None = None) -> EvaluationReport:
    """Evaluate ``bids`` (in the order received) under the rules of the tender's method in
    force on its evaluation date in ``rulebook``'s jurisdiction; see the module docstring.

    ``original`` is, for a 单一来源 additional purchase (添购), the original contract with its
    signed supplements: the purchase must stay within the cumulative cap on them.

    Raises :class:`~outsourcing.ProcurementError` (naming the field, the rule and its
    citation) for a tender that breaks a rule in force or for malformed bids; a bid that
    fails a check is not an error but is put out in the report, with its reasons; too few
    responsive suppliers end the procedure with ``report.failed``, not an award.
    """
    if rulebook.code != tender.jurisdiction:
        raise ProcurementError(
            f"the rulebook is for {rulebook.code}, the tender for {tender.jurisdiction}",
            field="rulebook", value=rulebook.code, term="辖区",
            code="procurement.evaluation.rulebook_jurisdiction",
            params={"tender": tender.jurisdiction, "rulebook": rulebook.code})
    rules = method_rules(tender, rulebook)
    notes = check_tender(tender, rules)
    _check_bids(tender, bids, rules)
    check_original(tender, original)

    # steps 1-2: checks and evaluated prices
    stage = [_checked(tender, bid, i, rulebook, rules, original)
             for i, bid in enumerate(bids, start=1)]
    valid = [e for e in stage if e.valid]
    failed, more = enough(tender, len(valid), rules)
    notes += more
    cap_figure = None
    if original is not None and valid:
        cap_figure = check_cap(tender, original, money_of(valid[0].bid_price), rulebook)
    places = tender.scoring.places if tender.scoring is not None else 2
    benchmark = price_scores(tender, stage, rules, places)  # step 3
    factor_totals(tender, stage, rules, places)  # steps 4-5
    ranked = rank(tender, [e for e in stage if e.valid], rules)  # step 6
    out = tuple(ranked) + tuple(e for e in stage if not e.valid)
    findings = notes + _tender_findings(tender, rulebook, rules)
    return EvaluationReport(tender, out, tuple(rules.values()), benchmark, tuple(findings),
                            failed, cap_figure)


def _checked(tender: Tender, bid: Bid, i: int, rulebook: RuleBook, rules: dict[str, Resolved],
             original: Timeline | None) -> BidEvaluation:
    """Steps 1–2 for the ``i``-th bid received: its quotes, checks and evaluated price."""
    quote = tender.method.quote_zh
    price = bid.price_over(tender.term, tender.day_count)
    earlier = tuple(
        Figure(f"第{n + 1}轮报价", bid.round_price(n, tender.term, tender.day_count),
               f"{_how_priced(r)} × 服务期（按日折算，四舍五入到分）",
               inputs=_quoted(r))
        for n, r in enumerate(bid.rounds))
    bid_price = Figure(quote, price,
                       f"{_how_priced(bid.prices)} × 服务期 {tender.term.start} 至 "
                       f"{tender.term.end}（按日折算，四舍五入到分）"
                       + (f"，第{bid.quotes}轮即最后一轮报价" if bid.rounds else ""),
                       inputs=_quoted(bid.prices))
    checks = _check_one(tender, bid, price, rulebook, rules)
    if original is not None:
        checks.append(original_supplier(bid, original))
    ev = BidEvaluation(bid, i, tuple(checks), bid_price, rounds=earlier)
    if ev.valid:
        ev = _deduct(tender, ev, price, rules)
    return ev


def _tender_findings(tender: Tender, rb: RuleBook,
                     rules: dict[str, Resolved]) -> list[Finding]:
    on = tender.evaluated_on
    out: list[Finding] = []
    if tender.bid_bond is not None:
        cap = rules[BID_BOND_RULE]
        limit = tender.budget * cap.value
        if tender.bid_bond > limit:
            out.append(Finding(
                "tender.bid_bond_over_limit",
                f"投标保证金 {tender.bid_bond.format()} 超过预算金额 {tender.budget.format()} 的 "
                f"{cap.value:.0%}（{limit.format()}）", field="bid_bond", rule_id=cap.rule_id,
                citation=cap.citation, term=cap.parameter.term))
    if PUBLICITY_RULE in rules:
        out.extend(publicity_findings(tender, rules))
    if (not takes_deduction(tender)
            or rb.get("procurement.sme_reserved_threshold", on) is None):
        return out
    limit = rb.resolve("procurement.sme_reserved_threshold", on)
    if tender.budget <= limit.value:
        out.append(Finding(
            "tender.should_be_reserved_for_sme",
            f"budget {tender.budget.format()} is within {limit.value.format()}: such a "
            "project is in principle reserved for SMEs", severity=Severity.WARNING,
            field="reserved_for_sme", rule_id=limit.rule_id, citation=limit.citation,
            term=limit.parameter.term))
    return out


