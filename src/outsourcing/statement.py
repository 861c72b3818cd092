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
from typing import Any, Protocol

import attrs

from .dates import DateRange, Period
from .errors import SettlementError
from .findings import Finding
from .messages_zh import VALUES_ZH, citation_for_people
from .money import Money
from .statement_json import record_from_dict, record_to_dict
from .statement_record import StatementRecord

__all__ = [
    "Carry",
    "Deduction",
    "Explanation",
    "KpiResult",
    "LineCarry",
    "LineStatus",
    "Statement",
    "StatementLine",
    "Terms",
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


class Terms(Protocol):
    """What explains a record: the contract's prepared terms
    (:class:`~outsourcing.settlement.PreparedContract`)."""

    @property
    def contract(self) -> Any: ...

    def fits(self, record: StatementRecord) -> None: ...

    def statement_parts(self, record: StatementRecord) -> tuple[
            tuple[StatementLine, ...], tuple[Explanation, ...], tuple[Finding, ...],
            tuple[Trigger, ...]]: ...


def _m(fen: int | None) -> Money | None:
    return None if fen is None else Money.from_fen(fen)


def _month_str(m: int) -> str:
    return f"{m // 12:04d}-{m % 12 + 1:02d}"


@attrs.frozen
class Statement:
    """A settlement statement for one contract and one period (结算单).

    A view over its compact :class:`~outsourcing.statement_record.StatementRecord` (the
    inputs and figures, held once).  The lines with their KPI breakdown, the findings, the
    thresholds and every :class:`Explanation` are derived from the record and the contract's
    prepared ``terms`` the first time they are read; a statement read from JSON alone has its
    figures, and its explanations once bound to the terms (:meth:`with_terms`).
    """

    record: StatementRecord
    terms: Terms | None = attrs.field(default=None, eq=False, repr=False)

    @classmethod
    def from_dict(cls, data: Any, terms: Terms | None = None) -> Statement:
        """Read the JSON form (:meth:`to_dict`) back; ``terms`` explain it."""
        st = cls(record_from_dict(data))
        return st if terms is None else st.with_terms(terms)

    def with_terms(self, terms: Terms) -> Statement:
        """This statement bound to the prepared terms of its contract, which explain it."""
        cid = terms.contract.id
        if cid != self.record.contract_id:
            raise SettlementError(f"the terms are contract {cid}'s",
                                  field="terms", value=cid, term="合同条款",
                                  code="statement.terms_mismatch",
                                  zh="用于解释结算单的合同条款不属于该合同")
        terms.fits(self.record)
        return attrs.evolve(self, terms=terms)

    _cache: list[Any] = attrs.field(factory=list, init=False, eq=False, repr=False)

    @property
    def _parts(self) -> tuple[tuple[StatementLine, ...], tuple[Explanation, ...],
                              tuple[Finding, ...], tuple[Trigger, ...]]:
        """The derived parts, kept once read (see :meth:`render` for a one-off read)."""
        if not self._cache:
            self._cache.append(self._derive())
        parts: Any = self._cache[0]
        return parts  # type: ignore[no-any-return]

    def _derive(self) -> tuple[tuple[StatementLine, ...], tuple[Explanation, ...],
                               tuple[Finding, ...], tuple[Trigger, ...]]:
        if self.terms is None:
            raise SettlementError(
                "a statement read without its contract's terms has its figures only; its "
                "lines, findings and explanations are derived from the terms: "
                "Statement.with_terms(prepare(contract, rulebook, …))", field="terms",
                value=self.record.contract_id, term="合同条款", code="statement.terms_needed",
                zh="结算单的明细与计算依据由合同条款推导，请先绑定该合同的条款（with_terms）")
        return self.terms.statement_parts(self.record)

    # --- the figures (from the record) ---------------------------------------------------
    contract_id = property(lambda self: self.record.contract_id)
    title = property(lambda self: self.record.title)
    purchaser = property(lambda self: self.record.purchaser)
    supplier = property(lambda self: self.record.supplier)
    supplier_size = property(lambda self: self.record.supplier_size)

    @property
    def period(self) -> Period:
        return self.record.period

    @property
    def span(self) -> DateRange:
        """The days of the period inside the term."""
        return self.record.span

    @property
    def fee(self) -> Money:
        return Money.from_fen(self.record.fee)

    @property
    def performance_amount(self) -> Money:
        return Money.from_fen(self.record.performance)

    @property
    def deductions(self) -> Money:
        return Money.from_fen(self.record.deductions)

    @property
    def holdback(self) -> Money:
        return Money.from_fen(self.record.holdback)

    @property
    def released(self) -> Money:
        return Money.from_fen(self.record.released)

    @property
    def withheld(self) -> Money:
        return Money.from_fen(self.record.withheld)

    @property
    def payable(self) -> Money:
        return Money.from_fen(self.record.payable)

    @property
    def forfeited(self) -> Money:
        """Held balances forfeited this period by the final assessment (暂扣款不予退还)."""
        return Money.from_fen(self.record.forfeited)

    @property
    def total_cap(self) -> Money | None:
        return _m(self.record.total_cap)

    @property
    def accepted_on(self) -> date | None:
        return self.record.accepted_on

    @property
    def clock_start(self) -> date | None:
        return self.record.clock_start

    @property
    def payment_days(self) -> int | None:
        return self.record.payment_days

    @property
    def payment_working_days(self) -> bool:
        """``payment_days`` counts working days (个工作日)."""
        return self.record.working_days

    @property
    def due_on(self) -> date | None:
        return self.record.due_on

    @property
    def paid_on(self) -> date | None:
        return self.record.paid_on

    @property
    def late_days(self) -> int:
        return self.record.late_days

    @property
    def late_interest(self) -> Money:
        return Money.from_fen(self.record.late_interest)

    @property
    def notices(self) -> tuple[str, ...]:
        """The lines with a warning notice this period."""
        return tuple(self.record.lines[j].line_id for j in self.record.notices)

    @property
    def carry(self) -> Carry:
        """The state read by the next period's settlement (结转)."""
        r = self.record
        lines, window = r.state
        return Carry(r.period, tuple(
            LineCarry(x.line_id, Money.from_fen(held), streak,
                      tuple((_month_str(m), k) for m, k in hist))
            for x, (streak, held, hist) in zip(r.lines, lines, strict=True)),
            tuple(_month_str(m) for m in window))

    # --- derived from the record and the terms -------------------------------------------
    @property
    def lines(self) -> tuple[StatementLine, ...]:
        return self._parts[0]

    @property
    def explanations(self) -> tuple[Explanation, ...]:
        return self._parts[1]

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self._parts[2]

    @property
    def triggers(self) -> tuple[Trigger, ...]:
        return self._parts[3]

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
    def render(self, lang: str = "zh") -> str:
        """Readable text with Chinese labels; findings and citations in Chinese for people
        (``lang="en"`` keeps the findings' English for developers)."""
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
        # read once: kept if already read, else derived for this text alone (a long
        # statement's explanations are not held after rendering it)
        lines, explanations, findings, triggers = (
            self._cache[0] if self._cache else self._derive())
        wide = {f.rule_id for f in findings if f.code == "payment.illustrative_default"}

        def mark(x: StatementLine, *rule_ids: str) -> str:
            hit = [r for r in rule_ids if r in x.defaults]
            return f"  ※示例默认 {hit[0]}（合同未约定）" if hit else ""

        for x in lines:
            out.append(f"【{x.line_id}】{x.service_zh} · {x.site}    {x.status.zh}")
            out.append(row("合同费用", x.fee.format()))
            if x.status is LineStatus.NOT_RUNNING:
                if x.released:
                    out.append(row("释放暂扣款", x.released.format()))
                    out.append(row("应付金额", x.payable.format()))
                out.append("")
                continue
            for site, sc in x.site_scores:
                out.append(row(f"点位得分 {site}", f"{sc}"))
            if x.kpis or x.site_scores:
                out.append(row("考核得分", "—" if x.score is None else f"{x.score}"))
            for k in x.kpis:
                u = unit_zh(k.unit)
                measured = "未测" if k.measured is None else f"{k.measured}{u}"
                pts = "—" if k.points is None else f"{k.points}"
                out.append(f"    {_pad(k.name_zh, w - 2)}实测 {measured}  目标 {k.target}"
                           f"{u}  权重 {k.weight}%  得分 {pts}")
            if x.adjustment:
                out.append(row("加减分", f"{x.adjustment:+}（基础得分 {x.base_score}）"))
            if x.missing_kpis:
                out.append(row("未测指标", "、".join(x.missing_kpis)))
            if x.pay_rate is not None:
                out.append(row("支付比例", _pct(x.pay_rate)
                               + ("（降档）" if x.downgraded else "")
                               + mark(x, "payment.tier_table", "payment.linear_formula")))
                out.append(row("考核后金额", x.performance_amount.format()))
            for d in x.deductions:
                extra = f" ×{d.factor}（第{d.occurrence}次）" if d.factor != 1 else ""
                when = f" {d.on}" if d.on else ""
                out.append(row(f"扣款 {d.label}", f"{d.amount.format()}{extra}{when}"
                               + mark(x, "payment.incident_deductions")))
            if x.deductions:
                out.append(row("扣款合计", x.deductions_total.format()))
                if x.line_cap is not None:
                    out.append(row("扣款上限（单项）", x.line_cap.format()
                                   + mark(x, "payment.deduction_cap_line")))
                out.append(row("实际扣款", x.deductions_applied.format()))
            if x.withheld:
                out.append(row("暂缓支付", x.withheld.format()))
            out.append(row("暂扣款", x.holdback.format() + mark(x, "payment.holdback")))
            if x.released:
                out.append(row("释放暂扣款", x.released.format()))
            if x.forfeited:
                out.append(row("暂扣款不予退还", x.forfeited.format()))
            out.append(row("应付金额", x.payable.format()))
            out.append(row("暂扣款余额", x.held_balance.format()))
            if x.warning_notice:
                out.append(row("预警通知", f"是（连续 {x.failing_streak} 期未达标）"
                               + mark(x, "payment.warning_score")))
            out.append("")
        out += [
            "合计",
            f"  {_pad('合同费用', w)}{self.fee.format()}",
            f"  {_pad('考核后金额', w)}{self.performance_amount.format()}",
            f"  {_pad('扣款', w)}{self.deductions.format()}"
            + (f"（合计上限 {self.total_cap.format()}）" if self.total_cap is not None else "")
            + ("  ※示例默认 payment.deduction_cap_total（合同未约定）"
               if self.total_cap is not None and "payment.deduction_cap_total" in wide else ""),
            f"  {_pad('暂扣款', w)}{self.holdback.format()}",
            f"  {_pad('释放暂扣款', w)}{self.released.format()}",
        ]
        if self.forfeited:
            out.append(f"  {_pad('暂扣款不予退还', w)}{self.forfeited.format()}")
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

    # --- JSON ------------------------------------------------------------------------
    def to_dict(self, *, explanations: bool = False) -> dict[str, Any]:
        """The compact JSON form: the record's inputs and figures, each once (money and
        decimals as strings, dates ISO); no explanation text, which is derived.  With
        ``explanations=True`` each line and the statement also carry their derived
        explanations, and ``all_findings`` every finding with its Chinese text, for a reader
        without the library (read back, they are ignored and derived again)."""
        data = record_to_dict(self.record)
        if explanations:
            for d, x in zip(data["lines"], self.lines, strict=True):
                d["explanations"] = [e.to_dict() for e in x.explanations]
            data["explanations"] = [e.to_dict() for e in self.explanations]
            data["all_findings"] = [{"code": f.code, "severity": f.severity.value,
                                 "message": f.message, "message_zh": f.message_zh,
                                 "field": f.field, "rule_id": f.rule_id,
                                 "citation": f.citation, "term": f.term}
                                for f in self.findings]
        return data

    def to_json(self, *, indent: int | None = 2, explanations: bool = False) -> str:
        return json.dumps(self.to_dict(explanations=explanations), ensure_ascii=False,
                          indent=indent)
