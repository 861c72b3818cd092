"""A settlement statement as readable text (结算单文本): the lines with their KPI breakdown,
deductions and caps, the totals, the payment terms, warning notices, thresholds, findings
and every figure's explanation.  :meth:`outsourcing.statement.Statement.render` calls
:func:`render_text`.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from ..findings import Finding
from ..money import format_fen, pct
from .parts import Explanation, LineStatus, StatementLine, Trigger, unit_zh
from .record import StatementRecord

__all__ = ["render_text"]

_W = 18
"""The width of a label column (a Chinese character counts two)."""


@lru_cache(maxsize=8192)
def _width(s: str) -> int:
    """The width of ``s`` on screen: wide and full-width characters count two."""
    ea = unicodedata.east_asian_width
    return sum(2 if ea(c) in "WF" else 1 for c in s)


@lru_cache(maxsize=8192)
def _pad(s: str, width: int) -> str:
    return s + " " * max(1, width - _width(s))


def _mark(x: StatementLine, *rule_ids: str) -> str:
    if not x.defaults:
        return ""
    hit = [r for r in rule_ids if r in x.defaults]
    return f"  ※示例默认 {hit[0]}（合同未约定）" if hit else ""


def _line_text(x: StatementLine, out: list[str]) -> None:
    """One line of the statement, then a blank line."""
    pad = _pad
    w = _W
    out.append(f"【{x.line_id}】{x.service_zh} · {x.site}    {x.status.zh}")
    out.append(f"  {pad('合同费用', w)}{x.fee.format()}")
    if x.status is LineStatus.NOT_RUNNING:
        if x.released:
            out.append(f"  {pad('释放暂扣款', w)}{x.released.format()}")
            out.append(f"  {pad('应付金额', w)}{x.payable.format()}")
        out.append("")
        return
    for site, sc in x.site_scores:
        out.append(f"  {pad(f'点位得分 {site}', w)}{sc!s}")
    if x.kpis or x.site_scores:
        out.append(f"  {pad('考核得分', w)}{'—' if x.score is None else str(x.score)}")
    for k in x.kpis:
        u = unit_zh(k.unit)
        pts = "—" if k.points is None else str(k.points)
        weight = (f"{k.weight!s}%" if k.weight_applied is None
                  else f"{k.weight!s}%→{k.weight_applied!s}%")
        if k.measured is None and k.note:
            out.append(f"    {pad(k.name_zh, w - 2)}{k.note}  权重 {weight}  得分 {pts}")
            continue
        measured = "未测" if k.measured is None else str(k.measured) + u
        carried = f"（{k.note}）" if k.note else ""
        out.append(f"    {pad(k.name_zh, w - 2)}实测 {measured}{carried}  目标 {k.target!s}"
                   f"{u}  权重 {weight}  得分 {pts}")
    if x.not_scored:
        out.append(f"  {pad('本期不考核', w)}{x.not_scored}" + _mark(x, "payment.kpi_not_due"))
    if x.adjustment:
        out.append(f"  {pad('加减分', w)}{x.adjustment:+}（基础得分 {x.base_score}）")
    if x.missing_kpis:
        out.append(f"  {pad('未测指标', w)}{'、'.join(x.missing_kpis)}")
    if x.pay_rate is not None:
        out.append(f"  {pad('支付比例', w)}{pct(x.pay_rate)}"
                   + ("（降档）" if x.downgraded else "")
                   + _mark(x, "payment.tier_table", "payment.linear_formula"))
        out.append(f"  {pad('考核后金额', w)}{x.performance_amount.format()}")
    for d in x.deductions:
        extra = f" ×{d.factor}（第{d.occurrence}次）" if d.factor != 1 else ""
        when = f" {d.on}" if d.on else ""
        out.append(f"  {pad(f'扣款 {d.label}', w)}{d.amount.format()}{extra}{when}"
                   + _mark(x, "payment.incident_deductions"))
    if x.deductions:
        out.append(f"  {pad('扣款合计', w)}{x.deductions_total.format()}")
        if x.line_cap is not None:
            out.append(f"  {pad('扣款上限（单项）', w)}{x.line_cap.format()}"
                       + _mark(x, "payment.deduction_cap_line"))
        out.append(f"  {pad('实际扣款', w)}{x.deductions_applied.format()}")
    if x.withheld:
        out.append(f"  {pad('暂缓支付', w)}{x.withheld.format()}")
    out.append(f"  {pad('暂扣款', w)}{x.holdback.format()}" + _mark(x, "payment.holdback"))
    if x.released:
        out.append(f"  {pad('释放暂扣款', w)}{x.released.format()}")
    if x.forfeited:
        out.append(f"  {pad('暂扣款不予退还', w)}{x.forfeited.format()}")
    out.append(f"  {pad('应付金额', w)}{x.payable.format()}")
    out.append(f"  {pad('暂扣款余额', w)}{x.held_balance.format()}")
    if x.warning_notice:
        out.append(f"  {pad('预警通知', w)}是（连续 {x.failing_streak} 期未达标）"
                   + _mark(x, "payment.warning_score"))
    out.append("")


def render_text(record: StatementRecord,
                parts: tuple[tuple[StatementLine, ...], tuple[Explanation, ...],
                             tuple[Finding, ...], tuple[Trigger, ...]],
                lang: str = "zh") -> str:
    """The statement of ``record`` as text, from its derived ``parts`` (lines, the
    statement's own explanations, findings, thresholds); findings and citations in Chinese
    for people (``lang="en"`` keeps the findings' English for developers)."""
    r = record
    lines, explanations, findings, triggers = parts
    w = _W
    out = [
        "结算单",
        f"合同编号：{r.contract_id}    合同名称：{r.title}",
        f"采购人：{r.purchaser}",
        f"供应商：{r.supplier}（{r.supplier_size}）",
        f"结算期间：{r.period}（{r.span.start} 至 {r.span.end}）",
        "",
    ]
    for x in lines:
        _line_text(x, out)
    wide = {f.rule_id for f in findings if f.code == "payment.illustrative_default"}
    out += [
        "合计",
        f"  {_pad('合同费用', w)}{format_fen(r.fee)}",
        f"  {_pad('考核后金额', w)}{format_fen(r.performance)}",
        f"  {_pad('扣款', w)}{format_fen(r.deductions)}"
        + (f"（合计上限 {format_fen(r.total_cap)}）" if r.total_cap is not None else "")
        + ("  ※示例默认 payment.deduction_cap_total（合同未约定）"
           if r.total_cap is not None and "payment.deduction_cap_total" in wide else ""),
        f"  {_pad('暂扣款', w)}{format_fen(r.holdback)}",
        f"  {_pad('释放暂扣款', w)}{format_fen(r.released)}",
    ]
    if r.forfeited:
        out.append(f"  {_pad('暂扣款不予退还', w)}{format_fen(r.forfeited)}")
    if r.withheld:
        out.append(f"  {_pad('暂缓支付', w)}{format_fen(r.withheld)}")
    out.append(f"  {_pad('应付金额', w)}{format_fen(r.payable)}")
    out += ["", "付款"]
    if r.due_on is None and r.accepted_on is not None:
        out.append(f"  {_pad('验收日期', w)}{r.accepted_on}")
        out.append(f"  {_pad('到期日', w)}未定（合同未约定付款期限；大型企业不适用条例）")
    elif r.due_on is None:
        out.append(f"  {_pad('到期日', w)}未定（无验收日期）")
    else:
        out.append(f"  {_pad('验收日期', w)}{r.accepted_on}")
        if r.clock_start != r.accepted_on:
            out.append(f"  {_pad('付款期限起算日', w)}{r.clock_start}")
        unit = "个工作日" if r.working_days else "日"
        out.append(f"  {_pad('付款期限', w)}{r.payment_days} {unit}")
        out.append(f"  {_pad('到期日', w)}{r.due_on}")
    if r.paid_on is not None:
        out.append(f"  {_pad('实际支付日', w)}{r.paid_on}")
        out.append(f"  {_pad('逾期天数', w)}{r.late_days} 日")
        out.append(f"  {_pad('逾期利息', w)}{format_fen(r.late_interest)}")
        out.append(f"  {_pad('应付合计', w)}{format_fen(r.payable + r.late_interest)}")
    if r.notices:
        out += ["", "预警通知：" + "、".join(r.lines[j].line_id for j in r.notices)]
    if triggers:
        out += ["", "更换/解约阈值："]
        out += [f"  {t.message} [{t.rule_id}; {t.citation}]" for t in triggers]
    if findings:
        out += ["", "检查结果："]
        out += [f"  {f.render(lang)}" for f in findings]
    out += ["", "计算依据："]
    out += [f"  {e}" for x in lines for e in x.explanations]
    out += [f"  {e}" for e in explanations]
    return "\n".join(out) + "\n"
