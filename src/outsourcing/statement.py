"""The settlement statement and how it reads (结算单).

A :class:`Statement` says, per service line, the contractual fee for the period, the score and
its KPI breakdown, the pay rate, each deduction and the caps, the holdback and its release,
the amount payable; then the totals, the due date and any late interest, warning notices and
whether a replacement threshold is reached.  Every figure has an :class:`Explanation` (rule
id, citation, inputs).  ``render()`` gives readable text with Chinese labels, ``to_dict()`` /
``to_json()`` plain JSON (money as strings such as ``"1234.56"``), read back exactly by
``outsourcing.serialize.from_json(text, Statement)``.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

import attrs

from .dates import DateRange, Period
from .errors import SettlementError
from .findings import Finding
from .money import Money

__all__ = [
    "Carry",
    "Deduction",
    "Explanation",
    "KpiResult",
    "LineCarry",
    "LineStatus",
    "Statement",
    "StatementLine",
    "Trigger",
]


class LineStatus(StrEnum):
    """Whether a line was assessed in the period (考核状态)."""

    ASSESSED = "assessed"
    """Assessed: the score decides the pay (已考核)."""
    MISSING = "missing"
    """Running but not assessed: its fee is withheld and a finding says so (未考核)."""
    INCOMPLETE = "incomplete"
    """Assessed, but some KPIs were not measured: withheld, with a finding (考核不完整)."""
    NOT_RUNNING = "not_running"
    """Not in service on any day of the period (suspended, not yet added): nothing due."""

    @property
    def zh(self) -> str:
        return {"assessed": "已考核", "missing": "未考核（暂缓支付）",
                "incomplete": "考核不完整（暂缓支付）", "not_running": "本期未提供服务"}[self.value]


@attrs.frozen
class Explanation:
    """Why a figure is what it is: the rule, its citation and the inputs (计算依据)."""

    figure: str
    value: str
    rule_id: str
    citation: str
    inputs: tuple[tuple[str, str], ...] = ()
    line: str = ""

    def __str__(self) -> str:
        where = f"{self.line} " if self.line else ""
        ins = ", ".join(f"{k}={v}" for k, v in self.inputs)
        return (f"{where}{self.figure} = {self.value} ← {self.rule_id} [{self.citation}]"
                + (f" ({ins})" if ins else ""))

    def to_dict(self) -> dict[str, Any]:
        return {"figure": self.figure, "value": self.value, "rule_id": self.rule_id,
                "citation": self.citation, "inputs": dict(self.inputs),
                **({"line": self.line} if self.line else {})}


def find_explanation(explanations: Sequence[Explanation], figure: str) -> Explanation:
    """The explanation of ``figure``; a clear error listing the figures there are."""
    for e in explanations:
        if e.figure == figure:
            return e
    raise SettlementError(
        "no such figure; explained here: "
        + ", ".join(dict.fromkeys(e.figure for e in explanations)),
        field="figure", value=figure, term="计算依据")


@attrs.frozen
class KpiResult:
    """One KPI's measured value and the points it earned (指标得分)."""

    id: str
    name_zh: str
    unit: str
    target: Decimal
    weight: Decimal
    measured: Decimal | None
    source: str
    points: Decimal | None


@attrs.frozen
class Deduction:
    """One incident's deduction; ``factor`` above 1 when the repeat ratchet applies (扣款)."""

    kind: str
    label: str
    base: Money
    factor: Decimal
    amount: Money
    occurrence: int
    """This incident's place among incidents of its kind on the line in the window."""
    on: date | None = None


@attrs.frozen
class StatementLine:
    """One service line of a statement (结算明细)."""

    line_id: str
    service: str
    service_zh: str
    site: str
    status: LineStatus
    fee: Money
    score: Decimal | None
    kpis: tuple[KpiResult, ...]
    missing_kpis: tuple[str, ...]
    pay_rate: Decimal | None
    performance_amount: Money
    deductions: tuple[Deduction, ...]
    deductions_total: Money
    line_cap: Money | None
    deductions_capped: Money
    deductions_applied: Money
    holdback: Money
    released: Money
    withheld: Money
    payable: Money
    held_balance: Money
    warning_notice: bool
    failing_streak: int
    explanations: tuple[Explanation, ...]

    def explain(self, figure: str) -> Explanation:
        """The explanation of one figure, by its Chinese label (``"支付比例"``)."""
        return find_explanation(self.explanations, figure)


@attrs.frozen
class Trigger:
    """A replacement or termination threshold reached, and by which rule (更换/解约阈值)."""

    scope: str
    """``line`` (replace the supplier of a line) or ``contract`` (terminate the contract)."""
    line_id: str | None
    rule_id: str
    citation: str
    message: str


@attrs.frozen
class LineCarry:
    """What a line carries into the next period: holdback balance, failing streak and the
    recent incidents a repeat ratchet counts."""

    line_id: str
    held: Money
    streak: int
    incidents: tuple[tuple[str, str], ...] = ()
    """(month ``YYYY-MM``, incident kind), oldest first."""


@attrs.frozen
class Carry:
    """The state after a statement, read by the next period's settlement (结转)."""

    period: Period
    lines: tuple[LineCarry, ...]
    notice_months: tuple[str, ...] = ()
    """The month of each warning notice in the rolling window, oldest first."""


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _pad(s: str, width: int) -> str:
    return s + " " * max(1, width - _width(s))


_UNITS_ZH = {"points": "分", "days": "日", "minutes": "分钟", "count": "次", "percent": "%"}


def unit_zh(unit: str) -> str:
    """A KPI unit as a Chinese label (``points`` → 分)."""
    return _UNITS_ZH.get(unit, unit)


def _pct(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


@attrs.frozen
class Statement:
    """A settlement statement for one contract and one period (结算单)."""

    contract_id: str
    title: str
    purchaser: str
    supplier: str
    supplier_size: str
    period: Period
    span: DateRange
    """The days of the period inside the term."""
    lines: tuple[StatementLine, ...]
    fee: Money
    performance_amount: Money
    deductions: Money
    holdback: Money
    released: Money
    withheld: Money
    payable: Money
    total_cap: Money | None
    accepted_on: date | None
    clock_start: date | None
    payment_days: int | None
    due_on: date | None
    paid_on: date | None
    late_days: int
    late_interest: Money
    notices: tuple[str, ...]
    triggers: tuple[Trigger, ...]
    findings: tuple[Finding, ...]
    explanations: tuple[Explanation, ...]
    carry: Carry
    payment_working_days: bool = False
    """``payment_days`` counts working days (个工作日)."""

    @property
    def amount_due(self) -> Money:
        """Payable plus late interest."""
        return self.payable + self.late_interest

    def line(self, line_id: str) -> StatementLine:
        for x in self.lines:
            if x.line_id == line_id:
                return x
        raise KeyError(line_id)

    def explain(self, figure: str) -> Explanation:
        """The explanation of one figure, by its Chinese label (``"支付比例"``)."""
        return find_explanation(self.explanations, figure)

    def all_explanations(self) -> list[Explanation]:
        out = [e for x in self.lines for e in x.explanations]
        return out + list(self.explanations)

    # --- text ------------------------------------------------------------------------
    def render(self) -> str:
        """Readable text with Chinese labels."""
        w = 18

        def row(label: str, value: str) -> str:
            return f"  {_pad(label, w)}{value}"
        out = [
            "结算单",
            f"合同编号：{self.contract_id}    合同名称：{self.title}",
            f"采购人：{self.purchaser}",
            f"供应商：{self.supplier}（{self.supplier_size}）",
            f"结算期间：{self.period}（{self.span.start} 至 {self.span.end}）",
            "",
        ]
        for x in self.lines:
            out.append(f"【{x.line_id}】{x.service_zh} · {x.site}    {x.status.zh}")
            out.append(row("合同费用", x.fee.format()))
            if x.status is LineStatus.NOT_RUNNING:
                if x.released:
                    out.append(row("释放暂扣款", x.released.format()))
                    out.append(row("应付金额", x.payable.format()))
                out.append("")
                continue
            if x.kpis:
                out.append(row("考核得分", "—" if x.score is None else f"{x.score}"))
                for k in x.kpis:
                    u = unit_zh(k.unit)
                    measured = "未测" if k.measured is None else f"{k.measured}{u}"
                    pts = "—" if k.points is None else f"{k.points}"
                    out.append(f"    {_pad(k.name_zh, w - 2)}实测 {measured}  目标 {k.target}"
                               f"{u}  权重 {k.weight}%  得分 {pts}")
            if x.missing_kpis:
                out.append(row("未测指标", "、".join(x.missing_kpis)))
            if x.pay_rate is not None:
                out.append(row("支付比例", _pct(x.pay_rate)))
                out.append(row("考核后金额", x.performance_amount.format()))
            for d in x.deductions:
                extra = f" ×{d.factor}（第{d.occurrence}次）" if d.factor != 1 else ""
                when = f" {d.on}" if d.on else ""
                out.append(row(f"扣款 {d.label}", f"{d.amount.format()}{extra}{when}"))
            if x.deductions:
                out.append(row("扣款合计", x.deductions_total.format()))
                if x.line_cap is not None:
                    out.append(row("扣款上限（单项）", x.line_cap.format()))
                out.append(row("实际扣款", x.deductions_applied.format()))
            if x.withheld:
                out.append(row("暂缓支付", x.withheld.format()))
            out.append(row("暂扣款", x.holdback.format()))
            if x.released:
                out.append(row("释放暂扣款", x.released.format()))
            out.append(row("应付金额", x.payable.format()))
            out.append(row("暂扣款余额", x.held_balance.format()))
            if x.warning_notice:
                out.append(row("预警通知", f"是（连续 {x.failing_streak} 期未达标）"))
            out.append("")
        out += [
            "合计",
            f"  {_pad('合同费用', w)}{self.fee.format()}",
            f"  {_pad('考核后金额', w)}{self.performance_amount.format()}",
            f"  {_pad('扣款', w)}{self.deductions.format()}"
            + (f"（合计上限 {self.total_cap.format()}）" if self.total_cap is not None else ""),
            f"  {_pad('暂扣款', w)}{self.holdback.format()}",
            f"  {_pad('释放暂扣款', w)}{self.released.format()}",
        ]
        if self.withheld:
            out.append(f"  {_pad('暂缓支付', w)}{self.withheld.format()}")
        out.append(f"  {_pad('应付金额', w)}{self.payable.format()}")
        out += ["", "付款"]
        if self.due_on is None and self.accepted_on is not None:
            out.append(f"  {_pad('验收日期', w)}{self.accepted_on}")
            out.append(f"  {_pad('到期日', w)}未定（合同未约定付款期限；大型企业不适用条例）")
        elif self.due_on is None:
            out.append(f"  {_pad('到期日', w)}未定（无验收日期）")
        else:
            out.append(f"  {_pad('验收日期', w)}{self.accepted_on}")
            if self.clock_start != self.accepted_on:
                out.append(f"  {_pad('付款期限起算日', w)}{self.clock_start}")
            unit = "个工作日" if self.payment_working_days else "日"
            out.append(f"  {_pad('付款期限', w)}{self.payment_days} {unit}")
            out.append(f"  {_pad('到期日', w)}{self.due_on}")
        if self.paid_on is not None:
            out.append(f"  {_pad('实际支付日', w)}{self.paid_on}")
            out.append(f"  {_pad('逾期天数', w)}{self.late_days} 日")
            out.append(f"  {_pad('逾期利息', w)}{self.late_interest.format()}")
            out.append(f"  {_pad('应付合计', w)}{self.amount_due.format()}")
        if self.notices:
            out += ["", "预警通知：" + "、".join(self.notices)]
        if self.triggers:
            out += ["", "更换/解约阈值："]
            out += [f"  {t.message} [{t.rule_id}; {t.citation}]" for t in self.triggers]
        if self.findings:
            out += ["", "检查结果："]
            out += [f"  {f}" for f in self.findings]
        out += ["", "计算依据："]
        out += [f"  {e}" for e in self.all_explanations()]
        return "\n".join(out) + "\n"

    # --- JSON ------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data: money and decimals as strings, dates ISO."""
        def m(x: Money | None) -> str | None:
            return None if x is None else str(x)

        def d(x: date | None) -> str | None:
            return None if x is None else x.isoformat()

        def dec(x: Decimal | None) -> str | None:
            return None if x is None else str(x)

        return {
            "contract_id": self.contract_id,
            "title": self.title,
            "purchaser": self.purchaser,
            "supplier": self.supplier,
            "supplier_size": self.supplier_size,
            "period": str(self.period),
            "span": {"start": d(self.span.start), "end": d(self.span.end)},
            "lines": [{
                "line_id": x.line_id, "service": x.service, "service_zh": x.service_zh,
                "site": x.site,
                "status": x.status.value, "fee": m(x.fee), "score": dec(x.score),
                "kpis": [{"id": k.id, "name_zh": k.name_zh, "unit": k.unit,
                          "target": dec(k.target), "weight": dec(k.weight),
                          "measured": dec(k.measured), "source": k.source,
                          "points": dec(k.points)} for k in x.kpis],
                "missing_kpis": list(x.missing_kpis),
                "pay_rate": dec(x.pay_rate),
                "performance_amount": m(x.performance_amount),
                "deductions": [{"kind": e.kind, "label": e.label, "base": m(e.base),
                                "factor": dec(e.factor), "amount": m(e.amount),
                                "occurrence": e.occurrence, "on": d(e.on)}
                               for e in x.deductions],
                "deductions_total": m(x.deductions_total), "line_cap": m(x.line_cap),
                "deductions_capped": m(x.deductions_capped),
                "deductions_applied": m(x.deductions_applied),
                "holdback": m(x.holdback), "released": m(x.released),
                "withheld": m(x.withheld), "payable": m(x.payable),
                "held_balance": m(x.held_balance), "warning_notice": x.warning_notice,
                "failing_streak": x.failing_streak,
                "explanations": [e.to_dict() for e in x.explanations],
            } for x in self.lines],
            "totals": {"fee": m(self.fee), "performance_amount": m(self.performance_amount),
                       "deductions": m(self.deductions), "holdback": m(self.holdback),
                       "released": m(self.released), "withheld": m(self.withheld),
                       "payable": m(self.payable), "total_cap": m(self.total_cap)},
            "payment": {"accepted_on": d(self.accepted_on), "clock_start": d(self.clock_start),
                        "payment_days": self.payment_days,
                        "payment_working_days": self.payment_working_days,
                        "due_on": d(self.due_on),
                        "paid_on": d(self.paid_on), "late_days": self.late_days,
                        "late_interest": m(self.late_interest),
                        "amount_due": m(self.amount_due)},
            "notices": list(self.notices),
            "triggers": [attrs.asdict(t) for t in self.triggers],
            "findings": [{"code": f.code, "message": f.message, "severity": f.severity.value,
                          "field": f.field, "rule_id": f.rule_id, "citation": f.citation,
                          "term": f.term, "source": f.source} for f in self.findings],
            "explanations": [e.to_dict() for e in self.explanations],
            "carry": {"period": str(self.carry.period),
                      "lines": [{"line_id": c.line_id, "held": m(c.held), "streak": c.streak,
                                 "incidents": [list(i) for i in c.incidents]}
                                for c in self.carry.lines],
                      "notice_months": list(self.carry.notice_months)},
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)
