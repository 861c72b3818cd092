"""The contract's own payment terms in the contract workbook (合同约定的支付条款).

Sheets, each a header row then one row per item, keyed by 服务项目编号 where it belongs to a
line (see ``docs/desk.md``):

``支付规则`` — one row per line that states its own payment rule (a line without a row takes
the rulebook's defaults, marked on every statement): 支付方式 (分档支付 / 公式 / 全额支付),
the formula's 全额支付分数线 and 公式常数, 预警分数线, 单项扣款上限（比例）, the holdback
(暂扣比例, 暂扣释放 期满释放/年末释放, 暂扣按考核结果 全额/按得分比例, 低于该分不予退还), the
caps of bonus and penalty points (加分上限, 减分上限), the downgrade (降档事件, 降档至), the
repeat ratchet (重复扣款加重倍数, 加重起算次数, 加重滚动期间（月）), the site aggregate
(多点位汇总方式 最低/平均/按费用加权) and 规则名称.

``分档`` — the pay tiers: 档位名称, 最低得分, 支付比例.  ``扣款`` — the deductions per
incident kind: a fixed amount (固定扣款金额) or a share (扣款比例, 比例上限 for a range, of
扣款基数 当期/当季度/当年度/合同期, of 基数服务项目's fee).  ``加减分`` — bonus and penalty points
per event kind.  ``点位`` — the sites scored as one, with 费用权重 for a fee-weighted mean.
``付款计划`` — 分期付款 rows (付款节点, 比例), or one 定期结算 row, and a 预付款 row (比例,
抵扣方式 按比例/依次).  ``考核指标`` — a line's own KPIs, each with its schedule (考核周期,
考核月份 or 考核日期), what a period without it scores (本期不考核时), whether 不适用 is
allowed, and how it is measured (计量方式).

:func:`write_rules`, :func:`write_kpis` and :func:`write_plan` write them; :func:`read_rules`,
:func:`read_kpis` and :func:`read_plan` read them back, every bad cell named.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from ..errors import OutsourcingError
from ..money import Money
from ..payment import (
    Band,
    Downgrade,
    FeeShare,
    FullPay,
    Holdback,
    IncidentDeductions,
    LinearFormula,
    LineCap,
    PaymentRule,
    RepeatRatchet,
    ScoreAdjustments,
    SiteScore,
    TierTable,
    WarningRule,
)
from ..performance import EVENT_LABELS, INCIDENT_LABELS
from ..plan import MILESTONE_LABELS, Instalment, InstalmentPlan, PeriodicPlan, Prepayment, Recovery
from .cells import Problems, cell_text
from .xlsx_cells import append, money

T = TypeVar("T")

__all__ = ["TERM_SHEETS", "read_plan", "read_rules", "write_plan", "write_rules"]

RULES_SHEET = "支付规则"
TIERS_SHEET = "分档"
DEDUCTIONS_SHEET = "扣款"
POINTS_SHEET = "加减分"
SITES_SHEET = "点位"
PLAN_SHEET = "付款计划"

RULE_HEADERS = ("服务项目编号", "支付方式", "全额支付分数线", "公式常数", "预警分数线",
                "单项扣款上限（比例）", "暂扣比例", "暂扣释放", "暂扣按考核结果",
                "低于该分不予退还",
                "加分上限", "减分上限", "降档事件", "降档至", "重复扣款加重倍数", "加重起算次数",
                "加重滚动期间（月）", "多点位汇总方式", "规则名称", "暂扣基数")
TIER_HEADERS = ("服务项目编号", "档位名称", "最低得分", "支付比例")
DEDUCTION_HEADERS = ("服务项目编号", "事件类别", "固定扣款金额", "扣款比例", "比例上限", "扣款基数",
                     "基数服务项目")
POINT_HEADERS = ("服务项目编号", "事件类别", "分值")
SITE_HEADERS = ("服务项目编号", "点位", "费用权重")
PLAN_HEADERS = ("类型", "付款节点", "比例", "说明", "抵扣方式")
TERM_SHEETS = {RULES_SHEET: RULE_HEADERS, TIERS_SHEET: TIER_HEADERS,
               DEDUCTIONS_SHEET: DEDUCTION_HEADERS, POINTS_SHEET: POINT_HEADERS,
               SITES_SHEET: SITE_HEADERS, PLAN_SHEET: PLAN_HEADERS}
"""Every payment-term sheet with its header row."""

RATE_ZH = {"分档支付": "tier_table", "公式": "linear_formula", "全额支付": "full_pay"}
RELEASE_ZH = {"期满释放": "term_end", "年末释放": "year_end"}
HOLDBACK_BASE_ZH = {"考核后金额": "earned", "合同费用": "fee"}
"""暂扣基数: the earned amount (考核后金额减扣款, the default) or the period's contract fee
(考核费用)."""
OPTIONAL_HEADERS = frozenset({"暂扣基数"})
"""Headers added later: a sheet written before them still reads (the cell empty)."""
BY_RESULT_ZH = {"全额": "full", "按得分比例": "proportional"}
AGGREGATE_ZH = {"最低": "min", "平均": "mean", "按费用加权": "fee_weighted"}
BASE_ZH = {"当期": "period", "当季度": "quarter", "当年度": "year", "合同期": "term"}
PLAN_ZH = {"分期付款": "instalment", "定期结算": "periodic", "预付款": "prepayment"}
RECOVERY_ZH = {"按比例": Recovery.PRO_RATA.value, "依次": Recovery.IN_ORDER.value}
KIND_LABELS = {**INCIDENT_LABELS, **EVENT_LABELS}
"""Incident and event kinds by code → Chinese label (a workbook may name either)."""
_KIND_OF = {v: k for k, v in KIND_LABELS.items()}
_MILESTONE_OF = {v: k for k, v in MILESTONE_LABELS.items()}


def _zh(table: Mapping[str, str], value: str) -> str:
    return next(k for k, v in table.items() if v == value)


def kind_label(kind: str) -> str:
    """An incident kind as the workbook writes it: its Chinese label when it has one."""
    return KIND_LABELS.get(kind, kind)


def _num(d: Decimal | None) -> Any:
    return None if d is None else d


# --- writing -------------------------------------------------------------------------------

def write_rules(wb: Any, rules: Mapping[str, PaymentRule]) -> None:
    """Add the payment-rule sheets for ``rules`` (by line id) to an openpyxl workbook."""
    rows: dict[str, list[list[Any]]] = {name: [] for name in (
        RULES_SHEET, TIERS_SHEET, DEDUCTIONS_SHEET, POINTS_SHEET, SITES_SHEET)}
    for lid, r in rules.items():
        rate = r.rate
        hb, adj, dg, rat, ss = r.holdback, r.adjustments, r.downgrade, r.ratchet, r.sites
        rows[RULES_SHEET].append([
            lid, _zh(RATE_ZH, {TierTable: "tier_table", LinearFormula: "linear_formula",
                               FullPay: "full_pay"}[type(rate)]),
            rate.threshold if isinstance(rate, LinearFormula) else None,
            rate.offset if isinstance(rate, LinearFormula) else None,
            None if r.warning is None else r.warning.min_score,
            None if r.cap is None else r.cap.share,
            None if hb is None else hb.share,
            None if hb is None else _zh(RELEASE_ZH, hb.release),
            None if hb is None else _zh(BY_RESULT_ZH, hb.by_result),
            None if hb is None else _num(hb.forfeit_below),
            None if adj is None else _num(adj.bonus_cap),
            None if adj is None else _num(adj.penalty_cap),
            None if dg is None else "、".join(kind_label(k) for k in dg.kinds),
            None if dg is None else dg.to or None,
            None if rat is None else rat.factor, None if rat is None else rat.after,
            None if rat is None else rat.window_months,
            None if ss is None else _zh(AGGREGATE_ZH, ss.aggregate), r.name or None,
            None if hb is None or hb.base == "earned" else _zh(HOLDBACK_BASE_ZH, hb.base)])
        if isinstance(rate, TierTable):
            for b in rate.bands:
                rows[TIERS_SHEET].append([lid, b.name or None, b.min_score, b.rate])
        if r.deductions is not None:
            for kind, m in r.deductions.amounts:
                rows[DEDUCTIONS_SHEET].append([lid, kind_label(kind), m.yuan, None, None, None,
                                               None])
            for kind, f in r.deductions.shares:
                rows[DEDUCTIONS_SHEET].append([lid, kind_label(kind), None, f.share,
                                               _num(f.up_to), _zh(BASE_ZH, f.of),
                                               f.line or None])
        if adj is not None:
            for kind, pts in adj.points:
                rows[POINTS_SHEET].append([lid, kind_label(kind), pts])
        if ss is not None:
            weights = dict(ss.weights)
            for site in ss.sites:
                w = weights.get(site)
                rows[SITES_SHEET].append([lid, site, None if w is None else w.yuan])
    for name, body in rows.items():
        _sheet(wb, name, TERM_SHEETS[name], body)


def write_plan(wb: Any, plan: InstalmentPlan | PeriodicPlan | None) -> None:
    """Add the ``付款计划`` sheet (empty when the contract states no plan)."""
    body: list[list[Any]] = []
    if isinstance(plan, InstalmentPlan):
        for x in plan.instalments:
            body.append(["分期付款", MILESTONE_LABELS.get(x.milestone, x.milestone), x.share,
                         x.label or None, None])
    elif isinstance(plan, PeriodicPlan):
        body.append(["定期结算", None, None, None, None])
    if plan is not None and plan.prepayment is not None:
        p = plan.prepayment
        body.append(["预付款", None, p.share, None, _zh(RECOVERY_ZH, p.recovery.value)])
    _sheet(wb, PLAN_SHEET, PLAN_HEADERS, body)


def _sheet(wb: Any, name: str, headers: Sequence[str], body: list[list[Any]]) -> None:
    from openpyxl.styles import Font, PatternFill

    ws = wb.create_sheet(name)
    append(ws, list(headers))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDDDDD")
    for row in body:
        append(ws, row)
    for i, h in enumerate(headers):
        ws.column_dimensions[chr(ord("A") + i)].width = max(10, 2 * len(h) + 4)


# --- reading -------------------------------------------------------------------------------

def _rows(wb: Any, name: str, bad: Problems) -> list[tuple[int, dict[str, Any]]]:
    """The filled rows of a term sheet as (row number, header → value); [] when absent."""
    if name not in wb.sheetnames:
        return []
    ws = wb[name]
    headers = TERM_SHEETS[name]
    for i, h in enumerate(headers):
        got = cell_text(ws.cell(row=1, column=i + 1).value)
        if got != h and not (got == "" and h in OPTIONAL_HEADERS):
            bad.add(name, f"{chr(ord('A') + i)}1", "desk.workbook.header", got,
                    says="desk.workbook.cell.header", want=h, got=got)
            return []
    out = []
    for r in range(2, ws.max_row + 1):
        values = {h: ws.cell(row=r, column=i + 1).value for i, h in enumerate(headers)}
        if any(cell_text(v) for v in values.values()):
            out.append((r, values))
    return out


def _col(name: str, header: str) -> str:
    return chr(ord("A") + TERM_SHEETS[name].index(header))


class _Reader:
    """Cells of one term sheet, each bad one named."""

    def __init__(self, wb: Any, name: str, bad: Problems) -> None:
        self.ws = wb[name] if name in wb.sheetnames else None
        self.name = name
        self.bad = bad

    def ref(self, header: str, r: int) -> str:
        return f"{_col(self.name, header)}{r}"

    def number(self, header: str, r: int, *, whole: bool = False,
               required: bool = False) -> Decimal | None:
        return self.bad.number(self.ws, self.ref(header, r), label=header, whole=whole,
                               required=required)

    def text(self, header: str, r: int, required: bool = False) -> str:
        return self.bad.text(self.ws, self.ref(header, r), label=header, required=required)

    def choice(self, header: str, r: int, table: Mapping[str, str], default: str = "") -> str:
        t = self.text(header, r)
        if not t:
            return default
        if t in table:
            return table[t]
        if t in table.values():
            return t
        self.bad.add(self.name, self.ref(header, r), "desk.workbook.bad_cell", t,
                     says="desk.workbook.cell.not_a_choice", label=header,
                     choices="/".join(table), given=t)
        return default

    def kind(self, header: str, r: int) -> str:
        t = self.text(header, r, required=True)
        return _KIND_OF.get(t, t)

    def build(self, r: int, header: str, make: Callable[..., T], *args: Any, **kw: Any
              ) -> T | None:
        """Build a term; its error is this row's, at ``header``'s cell."""
        try:
            return make(*args, **kw)
        except OutsourcingError as exc:
            self.bad.add_error(self.name, self.ref(header, r), exc, exc.value)
            return None


def _by_line(wb: Any, name: str, line_ids: Sequence[str], bad: Problems
             ) -> dict[str, list[tuple[int, dict[str, Any]]]]:
    """A term sheet's rows by line; a row naming a line the contract does not have is
    named."""
    out: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for r, v in _rows(wb, name, bad):
        lid = cell_text(v["服务项目编号"])
        if lid not in line_ids:
            bad.add(name, f"A{r}", "desk.terms.unknown_line", lid, line=lid,
                    lines="、".join(line_ids))
            continue
        out.setdefault(lid, []).append((r, v))
    return out


def read_rules(wb: Any, line_ids: Sequence[str], bad: Problems) -> dict[str, PaymentRule]:
    """Each line's own payment rule from the term sheets (see the module)."""

    def by_line(name: str) -> dict[str, list[tuple[int, dict[str, Any]]]]:
        return _by_line(wb, name, line_ids, bad)

    heads = by_line(RULES_SHEET)
    parts = {name: by_line(name) for name in (TIERS_SHEET, DEDUCTIONS_SHEET, POINTS_SHEET,
                                              SITES_SHEET)}
    for name, found in parts.items():
        for lid, rows in found.items():
            if lid not in heads:
                bad.add(name, f"A{rows[0][0]}", "desk.terms.no_rule", lid, line=lid,
                        sheet=RULES_SHEET)
    out: dict[str, PaymentRule] = {}
    m = _Reader(wb, RULES_SHEET, bad)
    for lid, rows in heads.items():
        if len(rows) > 1:
            bad.add(RULES_SHEET, f"A{rows[1][0]}", "desk.terms.twice", lid, line=lid)
            continue
        rule = _line_rule(wb, m, lid, rows[0][0], {k: v.get(lid, []) for k, v in parts.items()},
                          bad)
        if rule is not None:
            out[lid] = rule
    return out


def _line_rule(wb: Any, m: _Reader, lid: str, r: int,
               parts: dict[str, list[tuple[int, dict[str, Any]]]], bad: Problems
               ) -> PaymentRule | None:
    """One line's payment rule: its row of ``支付规则`` and its rows of the other sheets."""
    before = len(bad.items)
    rate = _rate(wb, m, r, lid, parts[TIERS_SHEET], bad)
    warn = m.number("预警分数线", r)
    cap = m.number("单项扣款上限（比例）", r)
    hb = _holdback(m, r)
    bonus_cap, penalty_cap = m.number("加分上限", r), m.number("减分上限", r)
    dg_text = m.text("降档事件", r)
    dg_to = m.text("降档至", r)
    factor, after = m.number("重复扣款加重倍数", r), m.number("加重起算次数", r, whole=True)
    window = m.number("加重滚动期间（月）", r, whole=True)
    aggregate = m.choice("多点位汇总方式", r, AGGREGATE_ZH)
    name = m.text("规则名称", r)
    deductions = _deductions(wb, parts[DEDUCTIONS_SHEET], bad)
    points = _points(wb, parts[POINTS_SHEET], bad)
    sites = parts[SITES_SHEET]
    if len(bad.items) > before:
        return None
    holdback = None if hb is None else m.build(r, "暂扣比例", Holdback, *hb[0], **hb[1])
    if hb is None and m.number("低于该分不予退还", r) is not None:
        bad.add(RULES_SHEET, m.ref("低于该分不予退还", r), "desk.terms.holdback_missing")
    adjustments = None
    if points:
        adjustments = m.build(r, "加分上限", ScoreAdjustments, points, bonus_cap, penalty_cap)
    elif bonus_cap is not None or penalty_cap is not None:
        bad.add(RULES_SHEET, m.ref("加分上限", r), "desk.terms.points_missing",
                sheet=POINTS_SHEET)
    dg_kinds = tuple(_KIND_OF.get(k.strip(), k.strip())
                     for k in dg_text.replace(",", "、").split("、") if k.strip())
    downgrade = None if not dg_text else m.build(r, "降档事件", Downgrade, dg_kinds, dg_to)
    ratchet = None
    if factor is not None or after is not None or window is not None:
        ratchet = m.build(r, "重复扣款加重倍数", RepeatRatchet,
                          factor if factor is not None else Decimal(-1),
                          -1 if after is None else int(after), 0 if window is None else int(window))
    site_score = _site_score(wb, m, r, sites, aggregate, bad)
    if len(bad.items) > before or rate is None:
        return None
    line_cap = None if cap is None else m.build(r, "单项扣款上限（比例）", LineCap, cap)
    warning = None if warn is None else m.build(r, "预警分数线", WarningRule, warn)
    if len(bad.items) > before:
        return None
    return m.build(r, "支付方式", PaymentRule, rate, deductions, ratchet, line_cap, holdback,
                   warning, name, adjustments, downgrade, site_score)


def _holdback(m: _Reader, r: int) -> tuple[tuple[Any, ...], dict[str, Any]] | None:
    """The holdback's arguments from the row (None when 暂扣比例 is empty)."""
    share = m.number("暂扣比例", r)
    release = m.choice("暂扣释放", r, RELEASE_ZH, "term_end")
    by_result = m.choice("暂扣按考核结果", r, BY_RESULT_ZH, "full")
    base = m.choice("暂扣基数", r, HOLDBACK_BASE_ZH, "earned")
    forfeit = m.number("低于该分不予退还", r)
    if share is None:
        return None
    return (share, release), {"by_result": by_result, "forfeit_below": forfeit, "base": base}


def _site_score(wb: Any, m: _Reader, r: int, sites: list[tuple[int, dict[str, Any]]],
                aggregate: str, bad: Problems) -> SiteScore | None:
    if sites:
        s = _Reader(wb, SITES_SHEET, bad)
        weights = [(cell_text(v["点位"]), money(bad, s.ws, s.ref("费用权重", sr), "费用权重",
                                             required=False)) for sr, v in sites]
        return m.build(r, "多点位汇总方式", SiteScore, tuple(w for w, _ in weights), aggregate,
                       [(w, x) for w, x in weights if x is not None])
    if aggregate:
        bad.add(RULES_SHEET, m.ref("多点位汇总方式", r), "desk.terms.sites_missing",
                sheet=SITES_SHEET)
    return None


def _rate(wb: Any, m: _Reader, r: int, lid: str, tiers: list[tuple[int, dict[str, Any]]],
          bad: Problems) -> Any:
    shape = m.choice("支付方式", r, RATE_ZH)
    if not shape:
        if m.text("支付方式", r):
            return None  # named already: not one of the shapes
        bad.add(RULES_SHEET, m.ref("支付方式", r), "desk.workbook.missing_value",
                says="desk.workbook.cell.empty_choice", label="支付方式",
                choices="/".join(RATE_ZH))
        return None
    if shape != "tier_table" and tiers:
        bad.add(TIERS_SHEET, f"A{tiers[0][0]}", "desk.terms.tiers_unused", line=lid)
        return None
    if shape == "tier_table":
        t = _Reader(wb, TIERS_SHEET, bad)
        bands = []
        for tr, v in tiers:
            lo = t.number("最低得分", tr, required=True)
            rate = t.number("支付比例", tr, required=True)
            if lo is not None and rate is not None:
                bands.append(t.build(tr, "最低得分", Band, lo, rate, cell_text(v["档位名称"])))
        if not tiers:
            bad.add(RULES_SHEET, m.ref("支付方式", r), "desk.terms.tiers_missing", line=lid,
                    sheet=TIERS_SHEET)
            return None
        if None in bands or len(bands) != len(tiers):
            return None
        return m.build(r, "支付方式", TierTable, bands)
    if shape == "linear_formula":
        th, off = m.number("全额支付分数线", r), m.number("公式常数", r)
        return m.build(r, "全额支付分数线", LinearFormula,
                       th if th is not None else Decimal(85),
                       off if off is not None else Decimal(15))
    return FullPay()


def _deductions(wb: Any, rows: list[tuple[int, dict[str, Any]]], bad: Problems
                ) -> IncidentDeductions | None:
    if not rows:
        return None
    d = _Reader(wb, DEDUCTIONS_SHEET, bad)
    amounts: list[tuple[str, Money]] = []
    shares: list[tuple[str, FeeShare]] = []
    for r, v in rows:
        kind = d.kind("事件类别", r)
        fixed_money = money(bad, d.ws, d.ref("固定扣款金额", r), "固定扣款金额", required=False)
        fixed = None if fixed_money is None else fixed_money.yuan
        share = d.number("扣款比例", r)
        up_to = d.number("比例上限", r)
        base = d.choice("扣款基数", r, BASE_ZH, "period")
        of_line = cell_text(v["基数服务项目"])
        if (fixed is None) == (share is None):
            bad.add(DEDUCTIONS_SHEET, d.ref("固定扣款金额", r), "desk.terms.deduction_shape")
            continue
        if fixed_money is not None:
            amounts.append((kind, fixed_money))
        else:
            f = d.build(r, "扣款比例", FeeShare, share, base, of_line, up_to)
            if f is not None:
                shares.append((kind, f))
    return d.build(rows[0][0], "事件类别", IncidentDeductions, amounts, shares=shares)


def _points(wb: Any, rows: list[tuple[int, dict[str, Any]]], bad: Problems
            ) -> list[tuple[str, Any]]:
    p = _Reader(wb, POINTS_SHEET, bad)
    out = []
    for r, v in rows:
        kind = p.kind("事件类别", r)
        raw = v["分值"]
        if raw is None or isinstance(raw, bool) or not cell_text(raw):
            bad.add(POINTS_SHEET, p.ref("分值", r), "desk.workbook.missing_value",
                    says="desk.workbook.cell.empty", label="分值")
            continue
        out.append((kind, Decimal(repr(raw)) if isinstance(raw, float) else cell_text(raw)))
    return out


def read_plan(wb: Any, bad: Problems) -> InstalmentPlan | PeriodicPlan | None:
    """The payment plan from ``付款计划`` (None when the sheet is absent or empty)."""
    rows = _rows(wb, PLAN_SHEET, bad)
    if not rows:
        return None
    p = _Reader(wb, PLAN_SHEET, bad)
    instalments: list[Instalment] = []
    periodic = False
    prepayment: Prepayment | None = None
    for r, v in rows:
        kind = p.choice("类型", r, PLAN_ZH)
        if kind == "periodic":
            periodic = True
        elif kind == "prepayment":
            share = p.number("比例", r, required=True)
            recovery = p.choice("抵扣方式", r, RECOVERY_ZH, Recovery.PRO_RATA.value)
            if share is not None:
                prepayment = p.build(r, "比例", Prepayment, share, recovery)
        elif kind == "instalment":
            name = p.text("付款节点", r, required=True)
            share = p.number("比例", r, required=True)
            if name and share is not None:
                x = p.build(r, "比例", Instalment, _MILESTONE_OF.get(name, name), share,
                            cell_text(v["说明"]))
                if x is not None:
                    instalments.append(x)
        elif not kind:
            bad.add(PLAN_SHEET, p.ref("类型", r), "desk.workbook.missing_value",
                    says="desk.workbook.cell.empty_choice", label="类型",
                    choices="/".join(PLAN_ZH))
    if bad:
        return None
    if periodic and instalments:
        bad.add(PLAN_SHEET, "A2", "desk.terms.plan_shape")
        return None
    if instalments:
        return p.build(rows[0][0], "比例", InstalmentPlan, instalments, prepayment)
    return PeriodicPlan(prepayment)
