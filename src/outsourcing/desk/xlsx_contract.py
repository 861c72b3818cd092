"""Contracts and framework price lists in Excel (合同登记表、统一报价清单).

The layout (documented in ``docs/desk.md``): a ``说明`` sheet first (how to fill each sheet)
and a hidden ``选项`` sheet feeding the drop-down lists, then:

``合同`` — two columns, a label and its value, one row each (:data:`CONTRACT_FIELDS`): the
parties, the term, 结算周期, the payment term (付款期限（日）, 付款期限计日 日历日/工作日), 预算,
合同金额, 计费天数, 约定逾期利息日利率, 价格调整条款, 跨年度条件, the contract-wide terms
(合同整体条款 合同约定/未约定 and its caps and thresholds) and 采纳示例默认条款.

``服务项目`` — a header row, then one row per line (:data:`LINE_HEADERS`): every pricing shape
(固定月费 / 单价 / 人工加材料 / 年服务费 / 面积单价 / 合同总价) with its figures.

``资质`` — 资质类别 (Chinese name or code), 等级, 发证机关, 有效期起, 有效期至, 证书编号.

The contract's own payment terms and KPIs — ``支付规则``, ``分档``, ``扣款``, ``加减分``,
``点位``, ``考核指标``, ``付款计划`` — are read and written by :mod:`.xlsx_terms`.

``报价清单`` (a framework agreement's price list) — 报价项目编号, 报价项目, 服务类别, 计量单位,
最高限价.

:func:`write_contract_template` writes the empty workbook; :func:`write_contract_workbook`
writes a contract with its terms (:class:`~outsourcing.terms.ContractTerms`);
:func:`read_contract_terms` reads one back (:func:`read_contract_workbook`: the contract
alone), refusing the workbook with every bad cell named; :func:`read_price_list` reads a
price list.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..accrual import Rounding
from ..dates import DateRange, DayCount
from ..errors import OutsourcingError
from ..framework import PriceListItem
from ..model import (
    MULTI_YEAR_CONDITIONS,
    QUALIFICATION_KINDS,
    AnnualFee,
    AreaRate,
    Contract,
    EnterpriseSize,
    FixedMonthly,
    LabourPlusMaterials,
    PaymentSchedule,
    Purchaser,
    Qualification,
    ServiceLine,
    Supplier,
    TermTotal,
    UnitRate,
    qualification_kind,
)
from ..money import Money, UnitPrice, unit_price
from ..payment import ConsecutiveFailures, ContractRules, NoticeWindow, TotalCap
from ..pricing import AreaUnit, MonthSplit
from ..terms import ContractTerms
from .cells import Problems, cell_text, open_workbook
from .xlsx_cells import money
from .xlsx_contract_layout import (
    _BASE_LINE_HEADERS,
    ALL_DEFAULTS,
    CONTRACT_FIELDS,
    CONTRACT_SHEET,
    DAY_COUNT_ZH,
    LINE_HEADERS,
    LINES_SHEET,
    OPTIONAL_FIELDS,
    PER_ZH,
    PRICE_HEADERS,
    PRICE_SHEET,
    PRICING_ZH,
    QUALIFICATION_HEADERS,
    QUALIFICATIONS_SHEET,
    ROUNDING_ZH,
    SCHEDULES_ZH,
    SIZES_ZH,
    SPLIT_ZH,
    WIDE_ZH,
    WORKING_ZH,
    YES_NO,
)
from .xlsx_contract_write import write_contract_template, write_contract_workbook
from .xlsx_kpis import read_kpis
from .xlsx_terms import read_plan, read_rules

__all__ = [
    "CONTRACT_FIELDS",
    "CONTRACT_SHEET",
    "LINES_SHEET",
    "LINE_HEADERS",
    "PRICE_HEADERS",
    "PRICE_SHEET",
    "read_contract_terms",
    "read_contract_workbook",
    "read_price_list",
    "write_contract_template",
    "write_contract_workbook",
]


def _headers(ws: Any, expected: tuple[str, ...], bad: Problems, required: int | None = None
             ) -> bool:
    """The header row matches ``expected``; past the first ``required`` headers a sheet may
    stop early (an older layout)."""
    need = len(expected) if required is None else required
    for i, e in enumerate(expected):
        g = cell_text(ws.cell(row=1, column=i + 1).value)
        if g != e and (i < need or g):
            bad.add(ws.title, f"{chr(ord('A') + i)}1", "desk.workbook.header", g,
                    says="desk.workbook.cell.header", want=e, got=g)
            return False
    return True


def _money(bad: Problems, ws: Any, ref: str, label: str, required: bool = True) -> Money | None:
    return money(bad, ws, ref, label, required)


def _price(bad: Problems, ws: Any, ref: str, label: str) -> Money | UnitPrice | None:
    """A unit price: up to four decimals of a yuan (单价，至多四位小数)."""
    d = bad.number(ws, ref, label=label, required=True)
    if d is None:
        return None
    try:
        return unit_price(d, field=label, term=label)
    except OutsourcingError as exc:
        bad.add_error(ws.title, ref, exc, str(d))
        return None


def read_contract_workbook(path: str | Path) -> Contract:
    """Read a contract from a workbook in the documented layout (its terms are read by
    :func:`read_contract_terms`)."""
    return read_contract_terms(path).contract


def _choice(bad: Problems, ws: Any, ref: str, label: str, table: dict[str, Any],
            default: Any) -> Any:
    t = bad.text(ws, ref, label=label)
    if not t:
        return default
    if t in table:
        return table[t]
    bad.add(ws.title, ref, "desk.workbook.bad_cell", t, says="desk.workbook.cell.not_a_choice",
            label=label, choices="/".join(table), given=t)
    return default


def _qualification(bad: Problems, q: Any, r: int) -> Qualification | None:
    text = cell_text(q.cell(row=r, column=1).value)
    kind = qualification_kind(text)
    if kind is None:
        known = "、".join(f"{v}（{k}）" for k, v in QUALIFICATION_KINDS.items())
        bad.add(q.title, f"A{r}", "desk.workbook.unknown_qualification", text, given=text,
                known=known)
        return None
    try:
        return Qualification(
            kind, cell_text(q.cell(row=r, column=2).value),
            cell_text(q.cell(row=r, column=3).value),
            valid_until=bad.date(q, f"E{r}", label="有效期至"),
            valid_from=bad.date(q, f"D{r}", label="有效期起"),
            number=cell_text(q.cell(row=r, column=6).value))
    except OutsourcingError as exc:
        bad.add_error(q.title, f"A{r}", exc, text)
        return None


def _pricing(bad: Problems, lw: Any, r: int) -> Any:
    kind_text = cell_text(lw.cell(row=r, column=4).value)
    kind = PRICING_ZH.get(kind_text, kind_text)
    unit = cell_text(lw.cell(row=r, column=8).value)

    def split() -> tuple[str, int | None, bool]:
        month = bad.number(lw, f"Q{r}", label="尾差月份", whole=True)
        return (_choice(bad, lw, f"P{r}", "分月规则", SPLIT_ZH, MonthSplit.ALLOCATE.value),
                None if month is None else int(month),
                _choice(bad, lw, f"R{r}", "闰日计费", YES_NO, False))

    if kind == FixedMonthly.KIND:
        fee = _money(bad, lw, f"E{r}", "月费")
        qty = bad.number(lw, f"G{r}", label="数量")
        if fee is not None:
            return FixedMonthly(fee, qty if qty is not None else Decimal(1), unit or "月")
    elif kind == UnitRate.KIND:
        price = _price(bad, lw, f"F{r}", "单价")
        qty = bad.number(lw, f"G{r}", label="数量", required=True)
        if not unit:
            bad.add(lw.title, f"H{r}", "desk.workbook.missing_value",
                    says="desk.workbook.cell.empty", label="计量单位")
        elif price is not None and qty is not None:
            return UnitRate(price, qty, unit=unit)
    elif kind == LabourPlusMaterials.KIND:
        labour = _money(bad, lw, f"I{r}", "人工费（月）")
        materials = _money(bad, lw, f"J{r}", "材料费预算（月）")
        if labour is not None and materials is not None:
            return LabourPlusMaterials(labour, materials)
    elif kind == AnnualFee.KIND:
        fee = _money(bad, lw, f"L{r}", "年服务费")
        qty = bad.number(lw, f"G{r}", label="数量")
        how, month, leap = split()
        if fee is not None:
            return AnnualFee(fee, qty if qty is not None else Decimal(1), how, month, leap,
                             unit or "年")
    elif kind == AreaRate.KIND:
        area = bad.number(lw, f"M{r}", label="面积（m²）", required=True)
        rate = _price(bad, lw, f"N{r}", "面积单价")
        per = _choice(bad, lw, f"O{r}", "面积单价按", PER_ZH, AreaUnit.MONTH.value)
        how, month, leap = split()
        if area is not None and rate is not None:
            return AreaRate(area, rate, per, how, month, leap, unit or "m²")
    elif kind == TermTotal.KIND:
        total = _money(bad, lw, f"S{r}", "合同总价")
        start = bad.date(lw, f"T{r}", label="总价期间起", required=True)
        end = bad.date(lw, f"U{r}", label="总价期间止", required=True)
        if total is not None and start is not None and end is not None:
            return TermTotal(total, DateRange(start, end), unit or "期")
    else:
        bad.add(lw.title, f"D{r}", "desk.workbook.bad_cell", kind_text,
                says="desk.workbook.cell.not_a_choice", label="计价方式",
                choices="/".join(PRICING_ZH), given=kind_text)
    return None


class _ContractSheet:
    """The ``合同`` sheet: a label in column A, its value in column B."""

    def __init__(self, ws: Any, bad: Problems) -> None:
        self.ws = ws
        self.bad = bad
        self.row_of: dict[str, int] = {}
        for r in range(1, ws.max_row + 1):
            label = cell_text(ws.cell(row=r, column=1).value)
            if label:
                self.row_of[label] = r
        for label in CONTRACT_FIELDS:
            if label not in self.row_of and label not in OPTIONAL_FIELDS:
                bad.add(CONTRACT_SHEET, "A", "desk.workbook.header",
                        says="desk.workbook.cell.row_missing", label=label)
        bad.raise_if_any()

    def ref(self, label: str) -> str:
        return f"B{self.row_of[label]}" if label in self.row_of else "B999"

    def text(self, label: str, required: bool = True) -> str:
        return self.bad.text(self.ws, self.ref(label), label=label, required=required)

    def number(self, label: str, whole: bool = False) -> Decimal | None:
        return self.bad.number(self.ws, self.ref(label), label=label, whole=whole)

    def choice(self, label: str, table: dict[str, Any], default: Any) -> Any:
        return _choice(self.bad, self.ws, self.ref(label), label, table, default)


def read_contract_terms(path: str | Path, *, services: Mapping[str, str] | None = None
                        ) -> ContractTerms:
    """Read a contract with the terms it states from a workbook in the documented layout;
    ``services`` maps a service's Chinese name to its code, so a 服务类别 cell may hold
    either.  The whole workbook is refused with every bad cell named."""
    wb = open_workbook(path)
    bad = Problems(path)
    bad.need_sheets(wb, CONTRACT_SHEET, LINES_SHEET)
    cs = _ContractSheet(wb[CONTRACT_SHEET], bad)
    named = {label: cs.text(label) for label in ("合同编号", "合同名称", "辖区", "采购人编号",
                                                   "采购人", "供应商编号", "供应商")}
    size_text = cs.text("企业规模")
    size = SIZES_ZH.get(size_text, size_text)
    if size_text and size not in {s.value for s in EnterpriseSize}:
        bad.add(CONTRACT_SHEET, cs.ref("企业规模"), "desk.workbook.bad_cell", size_text,
                says="desk.workbook.cell.not_a_choice", label="企业规模",
                choices="大型/中型/小型/微型", given=size_text)
    fields = _contract_fields(cs)
    contract_rules = _contract_rules(cs)
    adopt_text = cs.text("采纳示例默认条款", required=False)
    adopt = (("*",) if adopt_text == ALL_DEFAULTS else
             tuple(p.strip() for p in adopt_text.replace(",", "、").split("、") if p.strip()))
    quals = _qualifications(wb, bad)
    lines = _lines(wb, bad, services or {})
    rules = read_rules(wb, [x.id for x in lines], bad)
    kpis = read_kpis(wb, [x.id for x in lines], bad)
    plan = read_plan(wb, bad)
    bad.raise_if_any()
    purchaser, supplier = _parties(cs, named, size, quals)
    start, end = fields.pop("term")
    assert isinstance(start, date) and isinstance(end, date)
    try:
        contract = Contract(
            id=named["合同编号"], title=named["合同名称"], jurisdiction=named["辖区"],
            purchaser=purchaser, supplier=supplier, term=DateRange(start, end), lines=lines,
            **fields)
        return ContractTerms(contract, rules, kpis, contract_rules, adopt, plan)
    except OutsourcingError as exc:
        _blame(cs, wb[LINES_SHEET], lines, exc)
        raise  # pragma: no cover


def _contract_fields(cs: _ContractSheet) -> dict[str, Any]:
    """The contract's own terms on the ``合同`` sheet, as ``Contract``'s keywords."""
    fields: dict[str, Any] = {
        "schedule": PaymentSchedule(cs.choice("结算周期", SCHEDULES_ZH, "monthly")),
        "day_count": cs.choice("计费天数", DAY_COUNT_ZH, DayCount.ACTUAL.value),
        "payment_working_days": cs.choice("付款期限计日", WORKING_ZH, False),
        "rounding": cs.choice("计费取整", ROUNDING_ZH, Rounding.RUNNING.value)}
    start = cs.bad.date(cs.ws, cs.ref("起始日期"), label="起始日期", required=True)
    end = cs.bad.date(cs.ws, cs.ref("终止日期"), label="终止日期", required=True)
    fields["signed_on"] = cs.bad.date(cs.ws, cs.ref("签订日期"), label="签订日期")
    days = cs.number("付款期限（日）", whole=True)
    fields["budget"] = money(cs.bad, cs.ws, cs.ref("预算"), "预算", required=False)
    fields["stated_amount"] = money(cs.bad, cs.ws, cs.ref("合同金额"), "合同金额",
                                    required=False)
    fields["late_interest_daily"] = cs.number("约定逾期利息日利率")
    conditions_text = cs.text("跨年度条件", required=False)
    conditions = []
    by_name = {v: k for k, v in MULTI_YEAR_CONDITIONS.items()}
    for part in conditions_text.replace(";", "；").split("；") if conditions_text else ():
        name = part.strip()
        code = by_name.get(name, name if name in MULTI_YEAR_CONDITIONS else None)
        if code is None:
            cs.bad.add(CONTRACT_SHEET, cs.ref("跨年度条件"), "desk.workbook.bad_cell", name,
                       says="desk.workbook.cell.multi_year_unknown", given=name,
                       known="；".join(MULTI_YEAR_CONDITIONS.values()))
        else:
            conditions.append(code)
    fields["multi_year_conditions"] = conditions
    fields["price_adjustment_clause"] = cs.text("价格调整条款", required=False)
    fields["rounding_clause"] = cs.text("取整条款", required=False)
    fields["payment_days"] = None if days is None else int(days)
    fields["term"] = (start, end)  # a DateRange once the workbook's cells are all good
    return fields


def _contract_rules(cs: _ContractSheet) -> ContractRules | None:
    """合同整体条款: the caps and thresholds the contract states as a whole."""
    wide_text = cs.choice("合同整体条款", {k: k for k in WIDE_ZH}, WIDE_ZH[1])
    cap = cs.number("合同扣款总上限（比例）")
    streak = cs.number("连续未达标期数（可更换供应商）", whole=True)
    notices = cs.number("预警通知次数（可解除合同）", whole=True)
    window = cs.number("预警通知滚动期间（月）", whole=True)
    if wide_text == WIDE_ZH[0]:
        if (notices is None) != (window is None):
            cs.bad.add(CONTRACT_SHEET, cs.ref("预警通知滚动期间（月）"),
                       "desk.workbook.missing_value", says="desk.workbook.cell.notices_both")
            return None
        try:
            return ContractRules(
                None if cap is None else TotalCap(cap),
                None if streak is None else ConsecutiveFailures(int(streak)),
                None if notices is None or window is None
                else NoticeWindow(int(notices), int(window)))
        except OutsourcingError as exc:
            cs.bad.add_error(CONTRACT_SHEET, cs.ref("合同扣款总上限（比例）"), exc, exc.value)
    elif cap is not None or streak is not None or notices is not None or window is not None:
        cs.bad.add(CONTRACT_SHEET, cs.ref("合同整体条款"), "desk.workbook.bad_cell",
                   says="desk.workbook.cell.whole_terms_unstated")
    return None


def _qualifications(wb: Any, bad: Problems) -> list[Qualification]:
    quals: list[Qualification] = []
    if QUALIFICATIONS_SHEET in wb.sheetnames:
        q = wb[QUALIFICATIONS_SHEET]
        if _headers(q, QUALIFICATION_HEADERS, bad):
            for r in range(2, q.max_row + 1):
                if cell_text(q.cell(row=r, column=1).value):
                    found = _qualification(bad, q, r)
                    if found is not None:
                        quals.append(found)
    return quals


def _lines(wb: Any, bad: Problems, services: Mapping[str, str]) -> list[ServiceLine]:
    """The ``服务项目`` sheet's lines, each with its pricing."""
    lines: list[ServiceLine] = []
    lw = wb[LINES_SHEET]
    if not _headers(lw, LINE_HEADERS, bad, required=_BASE_LINE_HEADERS):
        return lines
    for r in range(2, lw.max_row + 1):
        lid = cell_text(lw.cell(row=r, column=1).value)
        if not lid:
            continue
        service = bad.text(lw, f"B{r}", label="服务类别", required=True)
        service = services.get(service, service)
        site = bad.text(lw, f"C{r}", label="办公区", required=True)
        desc = cell_text(lw.cell(row=r, column=11).value)
        try:
            pricing = _pricing(bad, lw, r)
            if pricing is not None and service and site:
                lines.append(ServiceLine(lid, service, site, pricing, desc))
        except OutsourcingError as exc:
            bad.add_error(lw.title, f"A{r}", exc, lid)
    if not lines and not bad:
        bad.add(LINES_SHEET, "A2", "desk.workbook.missing_value",
                says="desk.workbook.cell.no_lines")
    return lines


def _parties(cs: _ContractSheet, named: dict[str, str], size: str,
             quals: list[Qualification]) -> tuple[Purchaser, Supplier]:
    purchaser = supplier = None
    try:
        purchaser = Purchaser(named["采购人编号"], named["采购人"],
                              credit_code=cs.text("采购人统一社会信用代码", required=False))
    except OutsourcingError as exc:
        cs.bad.add_error(CONTRACT_SHEET, cs.ref("采购人统一社会信用代码"), exc, exc.value)
    try:
        supplier = Supplier(named["供应商编号"], named["供应商"], size, tuple(quals),
                            credit_code=cs.text("统一社会信用代码", required=False))
    except OutsourcingError as exc:
        cs.bad.add_error(CONTRACT_SHEET, cs.ref("统一社会信用代码" if "credit" in (exc.field or "")
                                                else "企业规模"), exc, exc.value)
    cs.bad.raise_if_any()
    assert purchaser is not None and supplier is not None
    return purchaser, supplier


def _blame(cs: _ContractSheet, lw: Any, lines: list[ServiceLine], exc: OutsourcingError
           ) -> None:
    """Raise the contract's refusal as the workbook's, at the cell it concerns."""
    field = exc.field or ""
    m = re.match(r"lines\[(\d+)\]\.pricing\.split", field)
    if m:  # a literal split over a term of part periods: the line's 分月规则
        row = _line_row(lw, lines[int(m.group(1))].id)
        cs.bad.add_error(LINES_SHEET, f"P{row}" if row else "", exc, exc.value)
        cs.bad.raise_if_any()
    cell = next((cs.ref(lbl) for lbl, key in (
        ("起始日期", "start"), ("终止日期", "end"), ("签订日期", "signed"), ("预算", "budget"),
        ("合同金额", "stated_amount"), ("约定逾期利息日利率", "late_interest_daily"),
        ("付款期限（日）", "payment_days"), ("履行期限", "term"))
        if key in field), "")
    cs.bad.add_error(CONTRACT_SHEET, cell, exc, exc.value)
    cs.bad.raise_if_any()


def _line_row(ws: Any, line_id: str) -> int | None:
    """The row of the 服务项目 sheet that holds ``line_id``."""
    return next((r for r in range(2, ws.max_row + 1)
                 if cell_text(ws.cell(row=r, column=1).value) == line_id), None)


def read_price_list(path: str | Path) -> list[PriceListItem]:
    """Read a framework agreement's unified price list (统一报价清单) from ``报价清单``."""
    wb = open_workbook(path)
    bad = Problems(path)
    bad.need_sheets(wb, PRICE_SHEET)
    ws = wb[PRICE_SHEET]
    items: list[PriceListItem] = []
    if _headers(ws, PRICE_HEADERS, bad):
        for r in range(2, ws.max_row + 1):
            code = cell_text(ws.cell(row=r, column=1).value)
            if not code:
                continue
            name = bad.text(ws, f"B{r}", label="报价项目", required=True)
            service = bad.text(ws, f"C{r}", label="服务类别", required=True)
            unit = bad.text(ws, f"D{r}", label="计量单位", required=True)
            price = _money(bad, ws, f"E{r}", "最高限价")
            if price is not None and name and service and unit:
                try:
                    items.append(PriceListItem(code, name, service, unit, price))
                except OutsourcingError as exc:
                    bad.add_error(ws.title, f"A{r}", exc, code)
    if not items and not bad:
        bad.add(PRICE_SHEET, "A2", "desk.workbook.missing_value",
                says="desk.workbook.cell.price_list_empty")
    bad.raise_if_any()
    return items
