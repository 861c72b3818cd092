"""The evaluation report (评审报告): each bid's evaluation and the report as text, with the
tie-break each procurement method states (平局规则).  :func:`~.evaluation.evaluate` builds
it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs

from ..errors import ProcurementError
from ..findings import Finding
from ..rules import Resolved
from .bid import Bid
from .explain import Check, Figure
from .methods import SINGLE_SOURCE, min_rule
from .tender import ProcurementMethod, Tender

__all__ = ["CONSULTATION_TIE_BREAK", "TIE_BREAK", "TIE_BREAK_FINAL_QUOTE", "BidEvaluation",
           "EvaluationReport"]

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
                               term="投标",
            code="procurement.report.no_such_bid")

    @property
    def minimum(self) -> Resolved | None:
        """The rule on the fewest responsive suppliers for this method (None for 单一来源)."""
        pid = None if self.tender.method is SINGLE_SOURCE else min_rule(self.tender)
        return next((r for r in self.rules if r.rule_id == pid), None)

    def rule(self, pid: str) -> Resolved:
        for r in self.rules:
            if r.rule_id == pid:
                return r
        raise ProcurementError("rule not applied in this evaluation", field="rule", value=pid,
            code="procurement.report.rule_not_applied")

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
