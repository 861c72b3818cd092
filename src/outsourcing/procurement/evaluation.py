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
from datetime import date
from decimal import Decimal
from fractions import Fraction

import attrs

from ..changes import Timeline
from ..checks import requirements
from ..errors import ProcurementError
from ..findings import Finding, Severity
from ..model import FixedMonthly, LabourPlusMaterials, Pricing, QualificationRequirement, UnitRate
from ..money import Money
from ..pricing import AnnualFee, AreaRate, TermTotal
from ..rules import Resolved, RuleBook
from .explain import Check, Figure, format_score, round_score
from .methods import (
    BID_BOND_RULE,
    CONSORTIUM_RULE,
    CONSORTIUM_SHARE_RULE,
    CONSULTATION,
    INQUIRY,
    PUBLICITY_RULE,
    SINGLE_SOURCE,
    check_cap,
    check_original,
    check_tender,
    enough,
    method_rules,
    min_rule,
    original_supplier,
    price_score_rule,
    publicity_findings,
    ranking_rule,
    takes_deduction,
)
from .tender import (
    Bid,
    EvaluationMethod,
    ProcurementMethod,
    Tender,
)

__all__ = ["TIE_BREAK", "TIE_BREAK_FINAL_QUOTE", "BidEvaluation", "EvaluationReport",
           "evaluate"]

TIE_BREAK = (
    "得分（或评标价）及投标报价均相同的，按非价格因素得分高者优先；仍相同的，按投标文件递交在先者优先"
)
"""The tie-break applied where the law leaves bids tied (并列), stated in the report."""

TIE_BREAK_FINAL_QUOTE = (
    "评审价及最后报价均相同的，按响应文件递交在先者优先"
)
"""The tie-break of 竞争性谈判, 询价 and 单一来源 (lowest final quote first), stated in the
report: the law ranks by final quote and says nothing of equal quotes."""

CONSULTATION_TIE_BREAK = (
    "综合得分及最后报价均相同的，按非价格因素得分高者优先；仍相同的，按响应文件递交在先者优先"
)



@attrs.frozen
class BidEvaluation:
    """One bid's evaluation: its checks, figures, rank and the reason for its place."""

    bid: Bid
    order: int
    """递交顺序, 1 for the bid received first."""
    checks: tuple[Check, ...]
    bid_price: Figure
    """投标报价 (a tender) or 最后报价 (the other methods)."""
    evaluated_price: Figure | None = None
    deduction: Figure | None = None
    price_score: Figure | None = None
    factor_scores: tuple[Figure, ...] = ()
    total: Figure | None = None
    rank: int | None = None
    rank_note: str = ""
    rounds: tuple[Figure, ...] = ()
    """The earlier quotes, in order (多轮报价): 第1轮报价, 第2轮报价 …"""

    @property
    def valid(self) -> bool:
        """True when every check passed (有效投标)."""
        return all(c.passed for c in self.checks)

    @property
    def reasons(self) -> tuple[Check, ...]:
        """The failed checks: why the bid is out."""
        return tuple(c for c in self.checks if not c.passed)

    @property
    def non_price_score(self) -> Decimal:
        return sum((f.value for f in self.factor_scores if isinstance(f.value, Decimal)),
                   Decimal(0))


@attrs.frozen
class EvaluationReport:
    """The evaluation report (评审报告): every bid, its checks, figures and rank.

    ``evaluations`` lists the ranked bids first (rank 1 first), then the bids put out in the
    order received.  ``rules`` are the parameters applied, each with its citation;
    ``findings`` note what the purchaser should know (e.g. a budget that should have been
    reserved for SMEs); ``failed`` is set when too few bids remain (废标).
    """

    tender: Tender
    evaluations: tuple[BidEvaluation, ...]
    rules: tuple[Resolved, ...]
    benchmark: Figure | None = None
    findings: tuple[Finding, ...] = ()
    failed: Finding | None = None
    original: Figure | None = None
    """单一来源添购: the cap on additions to the original contract, used and left."""

    @property
    def on(self) -> date:
        return self.tender.evaluated_on

    @property
    def method(self) -> ProcurementMethod:
        return self.tender.method

    @property
    def tie_break(self) -> str:
        """The stated tie-break of this method (平局规则)."""
        m = self.tender.method
        if m.is_tender:
            return TIE_BREAK
        if m is ProcurementMethod.COMPETITIVE_CONSULTATION:
            return CONSULTATION_TIE_BREAK
        return TIE_BREAK_FINAL_QUOTE

    @property
    def ranked(self) -> tuple[BidEvaluation, ...]:
        return tuple(e for e in self.evaluations if e.rank is not None)

    @property
    def excluded(self) -> tuple[BidEvaluation, ...]:
        return tuple(e for e in self.evaluations if not e.valid)

    @property
    def winner(self) -> BidEvaluation | None:
        """The first-ranked candidate (排名第一的中标候选人), None if the tender failed."""
        if self.failed is not None or not self.ranked:
            return None
        return self.ranked[0]

    def of(self, bid_id: str) -> BidEvaluation:
        for e in self.evaluations:
            if e.bid.id == bid_id:
                return e
        raise ProcurementError("no such bid in the report", field="bid", value=bid_id,
                               term="投标")

    @property
    def minimum(self) -> Resolved | None:
        """The rule on the fewest responsive suppliers for this method (None for 单一来源)."""
        pid = None if self.tender.method is SINGLE_SOURCE else min_rule(self.tender)
        return next((r for r in self.rules if r.rule_id == pid), None)

    def rule(self, pid: str) -> Resolved:
        for r in self.rules:
            if r.rule_id == pid:
                return r
        raise ProcurementError("rule not applied in this evaluation", field="rule", value=pid)

    def render(self) -> str:
        """The report as readable text with Chinese labels."""
        t = self.tender
        out = [
            ("评标报告" if t.method.is_tender else "评审报告") + f" {t.id} {t.title}",
            f"采购人: {t.purchaser.name}　辖区: {t.jurisdiction}　评审日期: {t.evaluated_on}",
            f"采购方式: {t.method.zh}　"
            + ("" if t.method is ProcurementMethod.SINGLE_SOURCE else
               f"{'评标' if t.method.is_tender else '评审'}方法: {t.evaluation.zh}　")
            + f"品目: {t.category.zh}　服务期: {t.term.start} 至 {t.term.end}",
            f"预算金额: {t.budget.format()}"
            + (f"　最高限价: {t.ceiling.format()}" if t.ceiling else ""),
        ]
        if t.scoring is not None:
            s = t.scoring
            parts = [f"价格 {s.price_weight}"] + [f"{f.name} {f.weight}" for f in s.factors]
            out.append("评审因素权值: " + "，".join(parts)
                       + f"（评分保留 {s.places} 位小数，逐项四舍五入）")
        if t.price_weight_approval:
            out.append(f"价格权值财政部门审核同意: {t.price_weight_approval}")
        if t.purchase_of_services:
            out.append("政府购买服务项目（财库〔2015〕124号）")
        if t.single_source_ground is not None:
            out.append(f"单一来源采购情形: 政府采购法 {t.single_source_ground.zh}")
        if t.publicity is not None:
            out.append(f"单一来源公示期: {t.publicity.start} 至 {t.publicity.end}")
        if t.bid_bond is not None:
            out.append(f"投标保证金: {t.bid_bond.format()}")
        if t.reserved_for_sme:
            out.append("小微企业价格扣除: 不适用（专门面向中小企业采购）")
        elif t.sme_deduction is not None:
            out.append(f"小微企业价格扣除比例: {t.sme_deduction}（须提供中小企业声明函）")
        if t.consortium_deduction is not None:
            out.append(f"联合体/分包价格扣除比例: {t.consortium_deduction}")
        out.append("")
        out.append("适用规则:")
        out.extend(f"  - {r.describe()}" for r in self.rules)
        if self.original is not None:
            out.append("")
            out.append(self.original.explain())
        if self.benchmark is not None:
            out.append("")
            out.append(self.benchmark.explain())
        for f in self.findings:
            out.append(f"提示: {f.message_zh}〔{f.code}〕")
        if self.failed is not None:
            out.append(f"废标: {self.failed.message_zh}")
        out.append("")
        out.append("评审结果（按排名）:")
        for e in self.ranked:
            out.extend(_render_bid(e))
        if self.excluded:
            out.append("")
            out.append("无效投标:")
            for e in self.excluded:
                out.extend(_render_bid(e))
        if t.method is not SINGLE_SOURCE:  # one supplier: nothing to tie
            out.append("")
            out.append(f"平局规则: {self.tie_break}")
        return "\n".join(out) + "\n"

    def __str__(self) -> str:
        return self.render()


def _render_bid(e: BidEvaluation) -> list[str]:
    s = e.bid.supplier
    head = f"第{e.rank}名" if e.rank is not None else "无效"
    out = [f"{head}　{e.bid.id} {s.name}（{s.size.zh}企业，递交顺序 {e.order}）"]
    out.extend(f"    {c.explain()}" for c in e.checks)
    figures = [*e.rounds, e.bid_price, e.deduction, e.evaluated_price, e.price_score,
               *e.factor_scores, e.total]
    out.extend(f"    {f.explain()}" for f in figures if f is not None)
    if e.rank_note:
        out.append(f"    排序说明: {e.rank_note}")
    return out


# --- the verb ---------------------------------------------------------------------------

def _check_bids(tender: Tender, bids: Sequence[Bid], rules: dict[str, Resolved]) -> int:
    """Structural checks across bids; returns the number of evaluators (0 for price only)."""
    if not bids:
        raise ProcurementError("no bids to evaluate", field="bids", value=[], term="投标")
    m = tender.method
    if m is SINGLE_SOURCE and len(bids) != 1:
        raise ProcurementError(
            f"单一来源 negotiates with one supplier; {len(bids)} responses given", field="bids",
            value=[b.id for b in bids], citation="政府采购法 第三十九条: 采用单一来源方式采购的，"
            "采购人与供应商应当遵循本法规定的原则，在保证采购项目质量和双方商定合理价格的基础上进行采购",
            term="单一来源采购", code="procurement.single_source_one_supplier",
            zh=f"单一来源采购只与一家供应商协商，收到 {len(bids)} 份响应文件")
    seen: set[str] = set()
    suppliers: set[str] = set()
    for i, b in enumerate(bids):
        if not isinstance(b, Bid):
            raise ProcurementError("not a Bid", field=f"bids[{i}]", value=b)
        if b.id in seen:
            raise ProcurementError("duplicate bid id", field=f"bids[{i}].id", value=b.id,
                                   term="投标编号")
        if b.supplier.id in suppliers:
            if m is INQUIRY:
                one = rules["procurement.nontender.inquiry_one_quote"]
                raise ProcurementError(
                    "询价 takes one quote per supplier: a second quote is refused",
                    field=f"bids[{i}]", value=b.supplier.id, rule_id=one.rule_id,
                    citation=one.citation, term=one.parameter.term,
                    code="procurement.inquiry_second_quote",
                    zh=f"询价中供应商 {b.supplier.name} 只能一次报出不得更改的价格，"
                       "不接受第二次报价")
            raise ProcurementError("a supplier bids once", field=f"bids[{i}].supplier",
                                   value=b.supplier.id, term="供应商")
        if b.rounds and not m.takes_rounds:
            if m is INQUIRY:
                one = rules["procurement.nontender.inquiry_one_quote"]
                raise ProcurementError(
                    f"询价 takes one quote per supplier: {b.quotes} quotes given",
                    field=f"bids[{i}].rounds", value=b.quotes, rule_id=one.rule_id,
                    citation=one.citation, term=one.parameter.term,
                    code="procurement.inquiry_second_quote",
                    zh=f"询价中供应商 {b.supplier.name} 只能一次报出不得更改的价格，"
                       f"不接受第二次报价（收到 {b.quotes} 次报价）")
            raise ProcurementError(
                f"{m.zh} takes one bid price; rounds of quotes belong to 磋商, 谈判 and 单一来源",
                field=f"bids[{i}].rounds", value=b.quotes, term="投标报价",
                code="procurement.tender_one_price",
                zh=f"{m.zh}的投标报价只有一次，多轮报价仅适用于竞争性磋商、竞争性谈判和单一来源采购")
        seen.add(b.id)
        suppliers.add(b.supplier.id)
    scheme = tender.scoring
    if scheme is None:
        for i, b in enumerate(bids):
            if b.points:
                raise ProcurementError(f"{tender.evaluation.zh} takes no evaluators' points",
                                       field=f"bids[{i}].points", value=[k for k, _ in b.points],
                                       term="评委打分")
        return 0
    wanted = {f.id for f in scheme.factors}
    panel: int | None = None
    for i, b in enumerate(bids):
        got = {k for k, _ in b.points}
        if got != wanted:
            raise ProcurementError(
                f"points must be given for exactly the factors {sorted(wanted)}",
                field=f"bids[{i}].points", value=sorted(got), term="评委打分")
        for fid, ps in b.points:
            factor = scheme.factor(fid)
            if panel is None:
                panel = len(ps)
            if len(ps) != panel:
                raise ProcurementError(
                    f"every factor of every bid is scored by the same {panel} evaluators",
                    field=f"bids[{i}].points[{fid}]", value=len(ps), term="评标委员会")
            for j, p in enumerate(ps):
                if p > factor.full_marks:
                    raise ProcurementError(
                        f"points exceed the factor's full marks {factor.full_marks}",
                        field=f"bids[{i}].points[{fid}][{j}]", value=str(p), term="评委打分")
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


def _combine(points: Sequence[Decimal], how: str) -> tuple[Fraction, str]:
    ps = [Fraction(p) for p in points]
    shown = ", ".join(str(p) for p in points)
    if how == "trimmed_mean" and len(ps) >= 3:
        kept = sorted(ps)[1:-1]
        return sum(kept, Fraction(0)) / len(kept), f"去掉最高、最低分后平均({shown})"
    return sum(ps, Fraction(0)) / len(ps), f"平均({shown})"


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
            field="rulebook", value=rulebook.code, term="辖区")
    rules = method_rules(tender, rulebook)
    notes = check_tender(tender, rules)
    _check_bids(tender, bids, rules)
    check_original(tender, original)
    scheme = tender.scoring
    places = scheme.places if scheme is not None else 2
    quote = tender.method.quote_zh

    # steps 1-2: checks and evaluated prices
    stage: list[BidEvaluation] = []
    for i, bid in enumerate(bids, start=1):
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
        stage.append(ev)

    valid = [e for e in stage if e.valid]
    failed, more = enough(tender, len(valid), rules)
    notes += more
    cap_figure = None
    if original is not None and valid:
        cap_figure = check_cap(tender, original, _money(valid[0].bid_price), rulebook)

    # step 3: benchmark and price scores
    benchmark: Figure | None = None
    if valid and tender.method is not SINGLE_SOURCE:
        best = min(valid, key=lambda e: (_money(e.evaluated_price), e.order))
        bench = _money(best.evaluated_price)
        method = rules.get(price_score_rule(tender), rules[ranking_rule(tender)])
        label = "磋商基准价" if tender.method is CONSULTATION else (
            "评标基准价" if tender.method.is_tender else "最低评审价")
        what = "招标文件" if tender.method.is_tender else "采购文件"
        benchmark = Figure.from_rule(
            label, bench,
            f"满足{what}要求且评审价最低的{'投标' if tender.method.is_tender else '响应'} "
            f"{best.bid.id}（{best.bid.supplier.name}）"
            + ("；不去掉最高报价和最低报价" if tender.method is CONSULTATION else ""),
            method, places=places)
        if scheme is not None:
            w = scheme.price_weight
            for k, e in enumerate(stage):
                if not e.valid:
                    continue
                ep = _money(e.evaluated_price)
                exact = bench.ratio(ep) * Fraction(w) * 100
                score = round_score(exact, places)
                stage[k] = attrs.evolve(e, price_score=Figure.from_rule(
                    "价格分", score,
                    f"({bench.format()} / {ep.format()}) × {w} × 100，保留{places}位小数",
                    method, [(label, str(bench)), ("评审价", str(ep)), ("价格权值", str(w))],
                    places=places))

    # step 4-5: factor scores and total
    if scheme is not None:
        comb = rules["procurement.evaluator_combination"]
        for k, e in enumerate(stage):
            if not e.valid:
                continue
            figs: list[Figure] = []
            for f in scheme.factors:
                pts = e.bid.points_for(f.id) or ()
                exact, how = _combine(pts, str(comb.value))
                figs.append(Figure.from_rule(
                    f.name, round_score(exact, places),
                    f"{how}，满分 {format_score(f.full_marks, places)}，保留{places}位小数",
                    comb, [(f"评委{j + 1}", str(p)) for j, p in enumerate(pts)], places=places))
            ps = e.price_score
            assert ps is not None and isinstance(ps.value, Decimal)
            total = ps.value + sum((x.value for x in figs if isinstance(x.value, Decimal)),
                                   Decimal(0))
            shown = " + ".join([ps.shown] + [x.shown for x in figs])
            cite = ("财政部令第87号 第五十五条: 评标总得分 = F1×A1 + F2×A2 + … + Fn×An"
                    if tender.method.is_tender else
                    "财库〔2014〕214号（条号未经核对）: 综合评分法，按评审因素的量化指标评审得分，"
                    "价格分与其他评审因素得分之和")
            stage[k] = attrs.evolve(e, factor_scores=tuple(figs), total=Figure(
                "综合得分", total, shown, citation=cite, places=places))

    # step 6: rank
    ranked = _rank(tender, [e for e in stage if e.valid], rules)
    out = tuple(ranked) + tuple(e for e in stage if not e.valid)
    findings = notes + _tender_findings(tender, rulebook, rules)
    return EvaluationReport(tender, out, tuple(rules.values()), benchmark, tuple(findings),
                            failed, cap_figure)


def _money(f: Figure | None) -> Money:
    assert f is not None and isinstance(f.value, Money)
    return f.value


def _score(f: Figure | None) -> Decimal:
    assert f is not None and isinstance(f.value, Decimal)
    return f.value


def _rank(tender: Tender, valid: list[BidEvaluation],
          rules: dict[str, Resolved]) -> list[BidEvaluation]:
    weighted = tender.evaluation is EvaluationMethod.WEIGHTED_SCORE
    rule = rules[ranking_rule(tender)]
    quote = tender.method.quote_zh

    def key(e: BidEvaluation) -> tuple[Decimal | int, ...]:
        price = Decimal(_money(e.bid_price).fen)
        if weighted:
            return (-_score(e.total), price, -e.non_price_score, e.order)
        return (Decimal(_money(e.evaluated_price).fen), price, e.order)

    names = (["综合得分高", f"{quote}低", "非价格因素得分高", "递交在先"] if weighted
             else ["评审价低" if not tender.method.is_tender else "评标价低", f"{quote}低",
                   "递交在先"])
    legal = 2  # the first two keys are the law's; the rest is the stated tie-break
    tie = (TIE_BREAK if tender.method.is_tender else
           CONSULTATION_TIE_BREAK if tender.method is CONSULTATION else TIE_BREAK_FINAL_QUOTE)
    first = ("排名第一的中标候选人" if tender.method.is_tender else
             "单一来源成交供应商" if tender.method is SINGLE_SOURCE else "排名第一的成交候选人")
    ordered = sorted(valid, key=key)
    out: list[BidEvaluation] = []
    for n, e in enumerate(ordered, start=1):
        if n == 1:
            note = f"{first} [{rule.rule_id}; {rule.citation}]"
        else:
            prev, mine = key(ordered[n - 2]), key(e)
            step = next(j for j in range(len(mine)) if mine[j] != prev[j])
            above = ordered[n - 2].bid.id
            if step < legal:
                note = f"低于 {above}: {above} {names[step]} [{rule.rule_id}]"
            else:
                note = (f"与 {above} 依法并列，按平局规则 {above} {names[step]} 在前"
                        f" [{tie}]")
        out.append(attrs.evolve(e, rank=n, rank_note=note))
    return out


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


