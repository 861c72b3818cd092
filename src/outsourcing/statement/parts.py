"""The parts of a settlement statement (结算单的组成): each line with its KPI breakdown and
deductions, the thresholds reached, what carries into the next period, and the
:class:`Explanation` of every figure (rule id, citation, inputs).

The :class:`~outsourcing.statement.Statement` derives these from its compact record and the
contract's terms (:mod:`outsourcing.settlement.explain`); ``outsourcing.statement`` exports
them too.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

import attrs

from ..dates import Period
from ..errors import SettlementError
from ..messages_zh import VALUES_ZH, citation_for_people
from ..money import Money

__all__ = [
    "LINE_STATUSES",
    "Carry",
    "Deduction",
    "Explanation",
    "KpiResult",
    "LineCarry",
    "LineStatus",
    "StatementLine",
    "Trigger",
    "find_explanation",
    "unit_zh",
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


LINE_STATUSES = (LineStatus.ASSESSED, LineStatus.MISSING, LineStatus.INCOMPLETE,
                 LineStatus.NOT_RUNNING)
"""The statuses in the order a statement record numbers them (0 assessed … 3 not running)."""


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
        text = f"{self.figure} = {self.value} ← {self.rule_id} [{self.citation}]"
        if self.line:
            text = f"{self.line} {text}"
        if self.inputs:
            try:
                ins = ", ".join(map("=".join, self.inputs))  # (name, value) pairs of text
            except TypeError:
                ins = ", ".join(f"{k}={v}" for k, v in self.inputs)
            text = f"{text} ({ins})"
        return text

    def render(self, lang: str = "zh", *, line_label: str | None = None) -> str:
        """One line; for people (``zh``) the citation names the law or publication only,
        and ``line_label`` (e.g. 物业服务·自治区政府办公区) replaces the line's id."""
        if lang != "zh":
            return str(self)
        where = f"{line_label or self.line} " if self.line else ""
        ins = "，".join(f"{k}={VALUES_ZH.get(v, v)}" for k, v in self.inputs)
        return (f"{where}{self.figure} = {self.value}（依据：{citation_for_people(self.citation)}"
                f"；规则 {self.rule_id}）" + (f"（{ins}）" if ins else ""))

    def to_dict(self) -> dict[str, Any]:
        return {"figure": self.figure, "value": self.value, "rule_id": self.rule_id,
                "citation": self.citation, "inputs": dict(self.inputs),
                **({"line": self.line} if self.line else {})}


def find_explanation(explanations: Sequence[Explanation], figure: str) -> Explanation:
    """The explanation of ``figure``; a clear error listing the figures there are."""
    for e in explanations:
        if e.figure == figure:
            return e
    known = list(dict.fromkeys(e.figure for e in explanations))
    raise SettlementError("no such figure; explained here: " + ", ".join(known),
                          field="figure", value=figure, term="计算依据",
                          code="statement.no_such_figure", params={"known": "、".join(known)})


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
    note: str = ""
    """Why the KPI was not scored this period (本期不考核（每年10月）, 不适用：理由) or whose
    result it carries (沿用 2025-10 考核结果); empty for a KPI scored as measured."""
    weight_applied: Decimal | None = None
    """The weight it counted with this period, where KPIs left out rescaled the others."""


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
    base_score: Decimal | None = None
    """The score before bonus and penalty points (and the site aggregate's result)."""
    adjustment: Decimal = Decimal(0)
    """The bonus (+) and penalty (−) points applied, after their caps (加减分)."""
    site_scores: tuple[tuple[str, Decimal], ...] = ()
    """Each site's score when the line is scored at several sites (点位得分)."""
    downgraded: bool = False
    """True when a serious incident lowered the tier (降档)."""
    forfeited: Money = Money.ZERO
    """Held balance not returned by the final assessment (暂扣款不予退还)."""
    defaults: tuple[str, ...] = ()
    """Rule ids of the illustrative defaults the line's figures use (未经合同约定的示例默认值)."""
    not_scored: str = ""
    """The KPIs left out of this period's score and the rule applied, in Chinese (本期不考核
    …; 按本期考核指标权重折算为100分); empty when every KPI was scored as measured."""

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
    results: tuple[tuple[str, str, int], ...] = ()
    """The last measured value of each KPI carried forward into periods without it: (KPI
    id — ``site/KPI id`` at a site —, month ``YYYY-MM`` measured, value in hundredths)."""


@attrs.frozen
class Carry:
    """The state after a statement, read by the next period's settlement (结转)."""

    period: Period
    lines: tuple[LineCarry, ...]
    notice_months: tuple[str, ...] = ()
    """The month of each warning notice in the rolling window, oldest first."""


_UNITS_ZH = {"points": "分", "days": "日", "minutes": "分钟", "count": "次", "percent": "%"}


def unit_zh(unit: str) -> str:
    """A KPI unit as a Chinese label (``points`` → 分)."""
    return _UNITS_ZH.get(unit, unit)
