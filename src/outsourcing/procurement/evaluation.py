"""Bid evaluation: checks, evaluated price, price score, total and rank (评标).

:func:`evaluate` reads every rule it needs from the rulebook once, on the tender's evaluation
date, refuses a tender that breaks one (a price weight below the legal minimum, a deduction
rate outside the range in force) and returns an :class:`EvaluationReport` in which every
figure carries its explanation.  The steps, in order:

1. **Checks** (资格性、符合性审查): every tender line priced and no other; each required
   qualification (``qualification.<service>`` in the jurisdiction's rules) held and valid on
   the evaluation date; the bid price within the budget and the ceiling price.  A failed
   check puts the bid out, with its reason (投标无效, 财政部令第87号 第六十三条).
2. **Evaluated price** (评审价): a small or micro enterprise's bid price less the tender's
   deduction rate, rounded half-up to the fen once (``Money × Decimal``); every other bid's
   evaluated price is its bid price.  The contract keeps the bid price.
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

from ..builtin import requirements
from ..errors import ProcurementError
from ..findings import Finding, Severity
from ..model import QualificationRequirement
from ..money import Money
from ..rules import Range, Resolved, RuleBook
from .explain import Check, Figure, format_score, round_score
from .tender import Bid, EvaluationMethod, Tender

__all__ = ["TIE_BREAK", "BidEvaluation", "EvaluationReport", "evaluate"]

TIE_BREAK = (
    "得分（或评标价）及投标报价均相同的，按非价格因素得分高者优先；仍相同的，按投标文件递交在先者优先"
)
"""The tie-break applied where the law leaves bids tied (并列), stated in the report."""

COMBINATIONS = ("mean", "trimmed_mean")


@attrs.frozen
class BidEvaluation:
    """One bid's evaluation: its checks, figures, rank and the reason for its place."""

    bid: Bid
    order: int
    """递交顺序, 1 for the bid received first."""
    checks: tuple[Check, ...]
    bid_price: Figure
    evaluated_price: Figure | None = None
    deduction: Figure | None = None
    price_score: Figure | None = None
    factor_scores: tuple[Figure, ...] = ()
    total: Figure | None = None
    rank: int | None = None
    rank_note: str = ""

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

    @property
    def on(self) -> date:
        return self.tender.evaluated_on

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

    def rule(self, pid: str) -> Resolved:
        for r in self.rules:
            if r.rule_id == pid:
                return r
        raise ProcurementError("rule not applied in this evaluation", field="rule", value=pid)

    def render(self) -> str:
        """The report as readable text with Chinese labels."""
        t = self.tender
        out = [
            f"评审报告 {t.id} {t.title}",
            f"采购人: {t.purchaser.name}　辖区: {t.jurisdiction}　评审日期: {t.evaluated_on}",
            f"采购方式: {t.method.zh}　评标方法: {t.evaluation.zh}　品目: {t.category.zh}　"
            f"服务期: {t.term.start} 至 {t.term.end}",
            f"预算金额: {t.budget.format()}"
            + (f"　最高限价: {t.ceiling.format()}" if t.ceiling else ""),
        ]
        if t.scoring is not None:
            s = t.scoring
            parts = [f"价格 {s.price_weight}"] + [f"{f.name} {f.weight}" for f in s.factors]
            out.append("评审因素权值: " + "，".join(parts)
                       + f"（评分保留 {s.places} 位小数，逐项四舍五入）")
        if t.reserved_for_sme:
            out.append("小微企业价格扣除: 不适用（专门面向中小企业采购）")
        elif t.sme_deduction is not None:
            out.append(f"小微企业价格扣除比例: {t.sme_deduction}")
        out.append("")
        out.append("适用规则:")
        out.extend(f"  - {r.describe()}" for r in self.rules)
        if self.benchmark is not None:
            out.append("")
            out.append(self.benchmark.explain())
        for f in self.findings:
            out.append(f"提示: {f.message_zh}")
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
        out.append("")
        out.append(f"平局规则: {TIE_BREAK}")
        return "\n".join(out) + "\n"

    def __str__(self) -> str:
        return self.render()


def _render_bid(e: BidEvaluation) -> list[str]:
    s = e.bid.supplier
    head = f"第{e.rank}名" if e.rank is not None else "无效"
    out = [f"{head}　{e.bid.id} {s.name}（{s.size.zh}企业，递交顺序 {e.order}）"]
    out.extend(f"    {c.explain()}" for c in e.checks)
    figures = [e.bid_price, e.deduction, e.evaluated_price, e.price_score, *e.factor_scores,
               e.total]
    out.extend(f"    {f.explain()}" for f in figures if f is not None)
    if e.rank_note:
        out.append(f"    排序说明: {e.rank_note}")
    return out


# --- the verb ---------------------------------------------------------------------------


def _rules(tender: Tender, rb: RuleBook) -> dict[str, Resolved]:
    on = tender.evaluated_on
    pids = ["procurement.bid_invalid_nonresponsive", "procurement.bid_invalid_unqualified",
            "procurement.bid_invalid_over_ceiling",
            "procurement.min_valid_bids", "procurement.award_in_rank_order"]
    if tender.evaluation is EvaluationMethod.WEIGHTED_SCORE:
        pids += ["procurement.price_score_method", tender.category.min_price_weight_rule,
                 "procurement.evaluator_combination", "procurement.score_ranking"]
    else:
        pids.append("procurement.lowest_price_ranking")
    if not tender.reserved_for_sme:
        pids.append(tender.category.deduction_rule)
    return {pid: rb.resolve(pid, on) for pid in pids}


def _check_tender(tender: Tender, rules: dict[str, Resolved]) -> None:
    """Refuse a tender that breaks a dated rule, before any bid is looked at."""
    on = tender.evaluated_on
    if not tender.method.is_tender:
        raise ProcurementError(
            f"{tender.method.zh} is evaluated under its own rules, not encoded here; "
            "evaluate() covers 公开招标 and 邀请招标 (财政部令第87号)",
            field="method", value=tender.method.value, term="采购方式")
    if tender.scoring is not None:
        floor = rules[tender.category.min_price_weight_rule]
        if tender.scoring.price_weight < floor.value:
            raise ProcurementError(
                f"the price weight {tender.scoring.price_weight} is below the legal minimum "
                f"{floor.value} for {tender.category.zh} on {on}",
                field="scoring.price_weight", value=str(tender.scoring.price_weight),
                rule_id=floor.rule_id, citation=floor.citation, term=floor.parameter.term)
        comb = rules["procurement.evaluator_combination"]
        if comb.value not in COMBINATIONS:
            raise ProcurementError(f"unknown combination; known: {', '.join(COMBINATIONS)}",
                                   field="procurement.evaluator_combination", value=comb.value,
                                   rule_id=comb.rule_id, citation=comb.citation)
    if tender.reserved_for_sme:
        return
    band = rules[tender.category.deduction_rule]
    rng: Range = band.value
    if tender.sme_deduction is None:
        raise ProcurementError(
            f"the tender must state the small-and-micro-enterprise deduction rate, within "
            f"{rng} on {on} (or be reserved for SMEs)", field="sme_deduction", value=None,
            rule_id=band.rule_id, citation=band.citation, term=band.parameter.term)
    if tender.sme_deduction not in rng:
        raise ProcurementError(
            f"the deduction rate {tender.sme_deduction} lies outside the range {rng} in force "
            f"on {on} in {band.parameter.jurisdiction}",
            field="sme_deduction", value=str(tender.sme_deduction), rule_id=band.rule_id,
            citation=band.citation, term=band.parameter.term)


def _check_bids(tender: Tender, bids: Sequence[Bid]) -> int:
    """Structural checks across bids; returns the number of evaluators (0 for price only)."""
    if not bids:
        raise ProcurementError("no bids to evaluate", field="bids", value=[], term="投标")
    seen: set[str] = set()
    suppliers: set[str] = set()
    for i, b in enumerate(bids):
        if not isinstance(b, Bid):
            raise ProcurementError("not a Bid", field=f"bids[{i}]", value=b)
        if b.id in seen:
            raise ProcurementError("duplicate bid id", field=f"bids[{i}].id", value=b.id,
                                   term="投标编号")
        if b.supplier.id in suppliers:
            raise ProcurementError("a supplier bids once", field=f"bids[{i}].supplier",
                                   value=b.supplier.id, term="供应商")
        seen.add(b.id)
        suppliers.add(b.supplier.id)
    scheme = tender.scoring
    if scheme is None:
        for i, b in enumerate(bids):
            if b.points:
                raise ProcurementError("最低评标价法 takes no evaluators' points",
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
                         f"投标报价 {price.format()} {'≤' if ok else '>'} {name} {cap.format()}",
                         over.rule_id, over.citation))
    return out


def _combine(points: Sequence[Decimal], how: str) -> tuple[Fraction, str]:
    ps = [Fraction(p) for p in points]
    shown = ", ".join(str(p) for p in points)
    if how == "trimmed_mean" and len(ps) >= 3:
        kept = sorted(ps)[1:-1]
        return sum(kept, Fraction(0)) / len(kept), f"去掉最高、最低分后平均({shown})"
    return sum(ps, Fraction(0)) / len(ps), f"平均({shown})"


def evaluate(tender: Tender, bids: Sequence[Bid], rulebook: RuleBook) -> EvaluationReport:
    """Evaluate ``bids`` (in the order received) under the rules in force on the tender's
    evaluation date in ``rulebook``'s jurisdiction; see the module docstring for the steps.

    Raises :class:`~outsourcing.ProcurementError` (naming the field, the rule and its
    citation) for a tender that breaks a rule in force or for malformed bids; a bid that
    fails a check is not an error but is put out in the report, with its reasons.
    """
    if rulebook.code != tender.jurisdiction:
        raise ProcurementError(
            f"the rulebook is for {rulebook.code}, the tender for {tender.jurisdiction}",
            field="rulebook", value=rulebook.code, term="辖区")
    rules = _rules(tender, rulebook)
    _check_tender(tender, rules)
    _check_bids(tender, bids)
    scheme = tender.scoring
    places = scheme.places if scheme is not None else 2
    rate = None if tender.reserved_for_sme else tender.sme_deduction
    band = None if tender.reserved_for_sme else rules[tender.category.deduction_rule]

    # steps 1-2: checks and evaluated prices
    stage: list[BidEvaluation] = []
    for i, bid in enumerate(bids, start=1):
        price = bid.price_over(tender.term, tender.day_count)
        bid_price = Figure("投标报价", price,
                           f"各服务项目月报价之和 × 服务期 {tender.term.start} 至 {tender.term.end}"
                           "（按日折算，四舍五入到分）",
                           inputs=[(k, str(p.monthly_amount())) for k, p in bid.prices])
        checks = _check_one(tender, bid, price, rulebook, rules)
        ev = BidEvaluation(bid, i, tuple(checks), bid_price)
        if ev.valid:
            if rate and bid.supplier.size.is_small_or_micro:
                evaluated = price * (1 - rate)
                ev = attrs.evolve(
                    ev,
                    deduction=Figure.from_rule(
                        "小微企业价格扣除", price - evaluated,
                        f"{price.format()} × {rate}（{bid.supplier.size.zh}企业）", band,
                        [("扣除比例", str(rate)), ("区间", str(band.value if band else ""))]),
                    evaluated_price=Figure.from_rule(
                        "评审价", evaluated, f"{price.format()} × (1 − {rate})，四舍五入到分",
                        band, note="仅用于评审，合同价格仍为投标报价"))
            else:
                why = "专门面向中小企业采购，不扣除" if tender.reserved_for_sme else (
                    f"{bid.supplier.size.zh}企业，不适用小微企业价格扣除")
                ev = attrs.evolve(ev, evaluated_price=Figure(
                    "评审价", price, f"投标报价 {price.format()}", note=why))
        stage.append(ev)

    valid = [e for e in stage if e.valid]
    minimum = rules["procurement.min_valid_bids"]
    failed = None
    if len(valid) < minimum.value:
        failed = Finding(
            "tender.too_few_valid_bids",
            f"only {len(valid)} compliant bid(s), fewer than {minimum.value}: the tender fails "
            "(废标) and must be procured again", field="bids", rule_id=minimum.rule_id,
            citation=minimum.citation, term=minimum.parameter.term)

    # step 3: benchmark and price scores
    benchmark: Figure | None = None
    if valid:
        best = min(valid, key=lambda e: (_money(e.evaluated_price), e.order))
        bench = _money(best.evaluated_price)
        method = rules.get("procurement.price_score_method",
                           rules.get("procurement.lowest_price_ranking"))
        benchmark = Figure.from_rule(
            "评标基准价", bench,
            f"满足招标文件要求且评审价最低的投标 {best.bid.id}（{best.bid.supplier.name}）",
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
                    method, [("评标基准价", str(bench)), ("评审价", str(ep)), ("价格权值", str(w))],
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
            stage[k] = attrs.evolve(e, factor_scores=tuple(figs), total=Figure(
                "综合得分", total, shown,
                citation="财政部令第87号 第五十五条: 评标总得分 = F1×A1 + F2×A2 + … + Fn×An",
                places=places))

    # step 6: rank
    ranked = _rank(tender, [e for e in stage if e.valid], rules)
    out = tuple(ranked) + tuple(e for e in stage if not e.valid)
    findings = _tender_findings(tender, rulebook)
    return EvaluationReport(tender, out, tuple(rules.values()), benchmark, tuple(findings),
                            failed)


def _money(f: Figure | None) -> Money:
    assert f is not None and isinstance(f.value, Money)
    return f.value


def _score(f: Figure | None) -> Decimal:
    assert f is not None and isinstance(f.value, Decimal)
    return f.value


def _rank(tender: Tender, valid: list[BidEvaluation],
          rules: dict[str, Resolved]) -> list[BidEvaluation]:
    weighted = tender.evaluation is EvaluationMethod.WEIGHTED_SCORE
    rule = rules["procurement.score_ranking" if weighted else "procurement.lowest_price_ranking"]

    def key(e: BidEvaluation) -> tuple[Decimal | int, ...]:
        price = Decimal(_money(e.bid_price).fen)
        if weighted:
            return (-_score(e.total), price, -e.non_price_score, e.order)
        return (Decimal(_money(e.evaluated_price).fen), price, e.order)

    names = (["综合得分高", "投标报价低", "非价格因素得分高", "递交在先"] if weighted
             else ["评标价低", "投标报价低", "递交在先"])
    legal = 2  # the first two keys are the law's; the rest is TIE_BREAK
    ordered = sorted(valid, key=key)
    out: list[BidEvaluation] = []
    for n, e in enumerate(ordered, start=1):
        if n == 1:
            note = f"排名第一的中标候选人 [{rule.rule_id}; {rule.citation}]"
        else:
            prev, mine = key(ordered[n - 2]), key(e)
            step = next(j for j in range(len(mine)) if mine[j] != prev[j])
            above = ordered[n - 2].bid.id
            if step < legal:
                note = f"低于 {above}: {above} {names[step]} [{rule.rule_id}]"
            else:
                note = (f"与 {above} 依法并列，按平局规则 {above} {names[step]} 在前"
                        f" [{TIE_BREAK}]")
        out.append(attrs.evolve(e, rank=n, rank_note=note))
    return out


def _tender_findings(tender: Tender, rb: RuleBook) -> list[Finding]:
    on = tender.evaluated_on
    out: list[Finding] = []
    if tender.reserved_for_sme or rb.get("procurement.sme_reserved_threshold", on) is None:
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

