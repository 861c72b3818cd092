"""Scoring and rank (价格分、综合得分与排序): steps 3–6 of :func:`~.evaluation.evaluate` — the
benchmark and each compliant bid's price score, its factor scores and total, and the rank
with the reason for each place (see :mod:`.evaluation`)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

import attrs

from ..money import Money
from ..rules import Resolved
from .explain import Figure, format_score, round_score
from .methods import CONSULTATION, SINGLE_SOURCE, price_score_rule, ranking_rule
from .report import CONSULTATION_TIE_BREAK, TIE_BREAK, TIE_BREAK_FINAL_QUOTE, BidEvaluation
from .tender import EvaluationMethod, Tender

__all__ = ["factor_totals", "money_of", "price_scores", "rank"]


def price_scores(tender: Tender, stage: list[BidEvaluation], rules: dict[str, Resolved],
                 places: int) -> Figure | None:
    """Step 3: the benchmark (评标基准价, 磋商基准价, 最低评审价) and, under a scoring scheme,
    each compliant bid's price score, set in ``stage``; the benchmark, None without one."""
    scheme = tender.scoring
    valid = [e for e in stage if e.valid]
    benchmark: Figure | None = None
    if valid and tender.method is not SINGLE_SOURCE:
        best = min(valid, key=lambda e: (money_of(e.evaluated_price), e.order))
        bench = money_of(best.evaluated_price)
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
                ep = money_of(e.evaluated_price)
                exact = bench.ratio(ep) * Fraction(w) * 100
                score = round_score(exact, places)
                stage[k] = attrs.evolve(e, price_score=Figure.from_rule(
                    "价格分", score,
                    f"({bench.format()} / {ep.format()}) × {w} × 100，保留{places}位小数",
                    method, [(label, str(bench)), ("评审价", str(ep)), ("价格权值", str(w))],
                    places=places))
    return benchmark


def factor_totals(tender: Tender, stage: list[BidEvaluation], rules: dict[str, Resolved],
                  places: int) -> None:
    """Steps 4–5: under a scoring scheme, each compliant bid's factor scores and its total
    (综合得分), set in ``stage``."""
    scheme = tender.scoring
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


def _combine(points: Sequence[Decimal], how: str) -> tuple[Fraction, str]:
    ps = [Fraction(p) for p in points]
    shown = ", ".join(str(p) for p in points)
    if how == "trimmed_mean" and len(ps) >= 3:
        kept = sorted(ps)[1:-1]
        return sum(kept, Fraction(0)) / len(kept), f"去掉最高、最低分后平均({shown})"
    return sum(ps, Fraction(0)) / len(ps), f"平均({shown})"


def money_of(f: Figure | None) -> Money:
    assert f is not None and isinstance(f.value, Money)
    return f.value


def _score(f: Figure | None) -> Decimal:
    assert f is not None and isinstance(f.value, Decimal)
    return f.value


def rank(tender: Tender, valid: list[BidEvaluation],
          rules: dict[str, Resolved]) -> list[BidEvaluation]:
    weighted = tender.evaluation is EvaluationMethod.WEIGHTED_SCORE
    rule = rules[ranking_rule(tender)]
    quote = tender.method.quote_zh

    def key(e: BidEvaluation) -> tuple[Decimal | int, ...]:
        price = Decimal(money_of(e.bid_price).fen)
        if weighted:
            return (-_score(e.total), price, -e.non_price_score, e.order)
        return (Decimal(money_of(e.evaluated_price).fen), price, e.order)

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
