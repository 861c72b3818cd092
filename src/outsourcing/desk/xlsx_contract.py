"""Contracts and framework price lists in Excel (合同登记表、统一报价清单).

The layout (documented in ``docs/desk.md``):

``合同`` — two columns, a label and its value, one row each: 合同编号, 合同名称, 辖区,
采购人编号, 采购人, 供应商编号, 供应商, 统一社会信用代码, 企业规模 (大型/中型/小型/微型),
起始日期, 终止日期, 签订日期, 结算周期 (按月/按季), 付款期限（日）, 预算.

``服务项目`` — a header row, then one row per line: 服务项目编号, 服务类别 (a catalogue code such
as ``property``), 办公区, 计价方式 (固定月费 / 单价 / 人工加材料), 月费, 单价, 数量, 计量单位,
人工费（月）, 材料费预算（月）, 说明.

``资质`` (optional) — 资质类别, 等级, 发证机关, 有效期起, 有效期至, 证书编号.

``报价清单`` (a framework agreement's price list) — 报价项目编号, 报价项目, 服务类别, 计量单位,
最高限价.

:func:`write_contract_workbook` writes a contract in that layout (a blank copy is the
template); :func:`read_contract_workbook` reads one back, refusing the workbook with every
bad cell named; :func:`read_price_list` reads a price list.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import OutsourcingError
from ..framework import PriceListItem
from ..model import (
    Contract,
    EnterpriseSize,
    FixedMonthly,
    LabourPlusMaterials,
    PaymentSchedule,
    Purchaser,
    Qualification,
    ServiceLine,
    Supplier,
    UnitRate,
)
from ..money import Money, UnitPrice, unit_price
from .cells import Problems, cell_text, open_workbook
from .files import writing

__all__ = [
    "CONTRACT_FIELDS",
    "CONTRACT_SHEET",
    "LINES_SHEET",
    "LINE_HEADERS",
    "PRICE_HEADERS",
    "PRICE_SHEET",
    "read_contract_workbook",
    "read_price_list",
    "write_contract_workbook",
]

CONTRACT_SHEET = "合同"
LINES_SHEET = "服务项目"
QUALIFICATIONS_SHEET = "资质"
PRICE_SHEET = "报价清单"
CONTRACT_FIELDS = ("合同编号", "合同名称", "辖区", "采购人编号", "采购人", "供应商编号", "供应商",
                   "统一社会信用代码", "企业规模", "起始日期", "终止日期", "签订日期", "结算周期",
                   "付款期限（日）", "预算", "采购人统一社会信用代码")
LINE_HEADERS = ("服务项目编号", "服务类别", "办公区", "计价方式", "月费", "单价", "数量",
                "计量单位", "人工费（月）", "材料费预算（月）", "说明")
QUALIFICATION_HEADERS = ("资质类别", "等级", "发证机关", "有效期起", "有效期至", "证书编号")
PRICE_HEADERS = ("报价项目编号", "报价项目", "服务类别", "计量单位", "最高限价")
PRICING_ZH = {"固定月费": FixedMonthly.KIND, "单价": UnitRate.KIND,
              "人工加材料": LabourPlusMaterials.KIND}
SIZES_ZH = {"大型": "large", "中型": "medium", "小型": "small", "微型": "micro"}
SCHEDULES_ZH = {"按月": "monthly", "按季": "quarterly"}
_MONEY_FORMAT = "¥#,##0.00"
_PRICE_FORMAT = "¥#,##0.00##"
"""A unit price shows up to four decimals (3.865 元)."""


def write_contract_workbook(contract: Contract, path: str | Path) -> Path:
    """Write ``contract`` in the documented layout."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    c = contract
    wb = Workbook()
    ws = wb.active
    ws.title = CONTRACT_SHEET
    values = (c.id, c.title, c.jurisdiction, c.purchaser.id, c.purchaser.name, c.supplier.id,
              c.supplier.name, c.supplier.credit_code, c.supplier.size.zh, c.term.start,
              c.term.end, c.signed_on,
              "按季" if c.schedule is PaymentSchedule.QUARTERLY else "按月", c.payment_days,
              None if c.budget is None else c.budget.yuan, c.purchaser.credit_code)
    for label, v in zip(CONTRACT_FIELDS, values, strict=True):
        ws.append([label, v])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 44
    for r in (10, 11, 12):
        ws.cell(row=r, column=2).number_format = "yyyy-mm-dd"
    ws.cell(row=15, column=2).number_format = _MONEY_FORMAT
    lines = wb.create_sheet(LINES_SHEET)
    lines.append(list(LINE_HEADERS))
    for x in c.lines:
        p = x.pricing
        kind = {v: k for k, v in PRICING_ZH.items()}[p.KIND]
        row: list[Any] = [x.id, x.service, x.site, kind, None, None, None, None, None, None,
                          x.description or None]
        if isinstance(p, FixedMonthly):
            row[4], row[6], row[7] = p.monthly_fee.yuan, p.quantity, p.unit
        elif isinstance(p, UnitRate):
            row[5], row[6], row[7] = p.unit_price.yuan, p.quantity, p.unit
        elif isinstance(p, LabourPlusMaterials):
            row[8], row[9] = p.labour_monthly.yuan, p.materials_budget.yuan
        lines.append(row)
        for col in (5, 9, 10):
            lines.cell(row=lines.max_row, column=col).number_format = _MONEY_FORMAT
        lines.cell(row=lines.max_row, column=6).number_format = _PRICE_FORMAT
    for i, w in enumerate((16, 22, 22, 12, 14, 12, 8, 10, 14, 16, 30)):
        lines.column_dimensions[chr(ord("A") + i)].width = w
    for cell in lines[1]:
        cell.font = Font(bold=True)
    if c.supplier.qualifications:
        q = wb.create_sheet(QUALIFICATIONS_SHEET)
        q.append(list(QUALIFICATION_HEADERS))
        for qual in c.supplier.qualifications:
            q.append([qual.kind, qual.level or None, qual.issuer or None, qual.valid_from,
                      qual.valid_until, qual.number or None])
    with writing(path, "Excel工作簿") as out:
        wb.save(out)
    return out


def _headers(ws: Any, expected: tuple[str, ...], bad: Problems) -> bool:
    got = tuple(cell_text(ws.cell(row=1, column=i + 1).value) for i in range(len(expected)))
    if got != expected:
        for i, (g, e) in enumerate(zip(got, expected, strict=True)):
            if g != e:
                bad.add(ws.title, f"{chr(ord('A') + i)}1", "desk.workbook.header",
                        f"表头应为「{e}」，却是「{g}」", g)
                return False
    return True


def _unit_price(bad: Problems, ws: Any, ref: str, label: str) -> Money | UnitPrice | None:
    """A unit price (单价): to at most four decimals (万分之一元)."""
    d = bad.number(ws, ref, label=label, required=True)
    if d is None:
        return None
    if d != d.quantize(Decimal("0.0001")):
        bad.add(ws.title, ref, "desk.workbook.bad_cell",
                f"{label}最多四位小数（万分之一元）：{d}", str(d))
        return None
    return unit_price(d, field=label)


def _money(bad: Problems, ws: Any, ref: str, label: str, required: bool = True) -> Money | None:
    d = bad.number(ws, ref, label=label, required=required)
    if d is None:
        return None
    if d != d.quantize(Decimal("0.01")):
        bad.add(ws.title, ref, "desk.workbook.bad_cell", f"{label}最多两位小数（分）：{d}", str(d))
        return None
    return Money(d)


def read_contract_workbook(path: str | Path) -> Contract:
    """Read a contract from a workbook in the documented layout."""
    wb = open_workbook(path)
    bad = Problems(path)
    for need in (CONTRACT_SHEET, LINES_SHEET):
        if need not in wb.sheetnames:
            bad.add(need, "", "desk.workbook.sheet_missing",
                    f"缺少工作表「{need}」（工作簿中有：{'、'.join(wb.sheetnames)}）")
    bad.raise_if_any()
    ws = wb[CONTRACT_SHEET]
    row_of: dict[str, int] = {}
    for r in range(1, ws.max_row + 1):
        label = cell_text(ws.cell(row=r, column=1).value)
        if label:
            row_of[label] = r
    for label in CONTRACT_FIELDS:
        if label not in row_of and label not in ("统一社会信用代码", "签订日期", "付款期限（日）",
                                                 "预算", "结算周期"):
            bad.add(CONTRACT_SHEET, "A", "desk.workbook.header", f"缺少「{label}」一行")
    bad.raise_if_any()

    def ref(label: str) -> str:
        return f"B{row_of[label]}" if label in row_of else "B999"

    def text(label: str, required: bool = True) -> str:
        return bad.text(ws, ref(label), label=label, required=required)

    size_text = text("企业规模")
    size = SIZES_ZH.get(size_text, size_text)
    if size_text and size not in {s.value for s in EnterpriseSize}:
        bad.add(CONTRACT_SHEET, ref("企业规模"), "desk.workbook.bad_cell",
                f"企业规模应为 大型/中型/小型/微型，却是「{size_text}」", size_text)
    sched_text = text("结算周期", required=False) or "按月"
    schedule = SCHEDULES_ZH.get(sched_text, sched_text)
    if schedule not in {s.value for s in PaymentSchedule}:
        bad.add(CONTRACT_SHEET, ref("结算周期"), "desk.workbook.bad_cell",
                f"结算周期应为 按月/按季，却是「{sched_text}」", sched_text)
    start = bad.date(ws, ref("起始日期"), label="起始日期", required=True)
    end = bad.date(ws, ref("终止日期"), label="终止日期", required=True)
    signed = bad.date(ws, ref("签订日期"), label="签订日期")
    days = bad.number(ws, ref("付款期限（日）"), label="付款期限（日）", whole=True)
    budget = _money(bad, ws, ref("预算"), "预算", required=False)

    quals: list[Qualification] = []
    if QUALIFICATIONS_SHEET in wb.sheetnames:
        q = wb[QUALIFICATIONS_SHEET]
        if _headers(q, QUALIFICATION_HEADERS, bad):
            for r in range(2, q.max_row + 1):
                kind = cell_text(q.cell(row=r, column=1).value)
                if not kind:
                    continue
                try:
                    quals.append(Qualification(
                        kind, cell_text(q.cell(row=r, column=2).value),
                        cell_text(q.cell(row=r, column=3).value),
                        valid_until=bad.date(q, f"E{r}", label="有效期至"),
                        valid_from=bad.date(q, f"D{r}", label="有效期起"),
                        number=cell_text(q.cell(row=r, column=6).value)))
                except OutsourcingError as exc:
                    bad.add(q.title, f"A{r}", exc.code, exc.message_zh, kind)

    lines: list[ServiceLine] = []
    lw = wb[LINES_SHEET]
    if _headers(lw, LINE_HEADERS, bad):
        for r in range(2, lw.max_row + 1):
            lid = cell_text(lw.cell(row=r, column=1).value)
            if not lid:
                continue
            service = bad.text(lw, f"B{r}", label="服务类别", required=True)
            site = bad.text(lw, f"C{r}", label="办公区", required=True)
            kind_text = cell_text(lw.cell(row=r, column=4).value)
            kind = PRICING_ZH.get(kind_text, kind_text)
            unit = cell_text(lw.cell(row=r, column=8).value)
            desc = cell_text(lw.cell(row=r, column=11).value)
            pricing: Any = None
            if kind == FixedMonthly.KIND:
                fee = _money(bad, lw, f"E{r}", "月费")
                qty = bad.number(lw, f"G{r}", label="数量")
                if fee is not None:
                    pricing = FixedMonthly(fee, qty if qty is not None else Decimal(1),
                                           unit or "月")
            elif kind == UnitRate.KIND:
                price = _unit_price(bad, lw, f"F{r}", "单价")
                qty = bad.number(lw, f"G{r}", label="数量", required=True)
                if not unit:
                    bad.add(lw.title, f"H{r}", "desk.workbook.missing_value", "计量单位未填写")
                elif price is not None and qty is not None:
                    pricing = UnitRate(price, qty, unit=unit)
            elif kind == LabourPlusMaterials.KIND:
                labour = _money(bad, lw, f"I{r}", "人工费（月）")
                materials = _money(bad, lw, f"J{r}", "材料费预算（月）")
                if labour is not None and materials is not None:
                    pricing = LabourPlusMaterials(labour, materials)
            else:
                bad.add(lw.title, f"D{r}", "desk.workbook.bad_cell",
                        f"计价方式应为 {'/'.join(PRICING_ZH)}，却是「{kind_text}」", kind_text)
            if pricing is not None and service and site:
                try:
                    lines.append(ServiceLine(lid, service, site, pricing, desc))
                except OutsourcingError as exc:
                    bad.add(lw.title, f"A{r}", exc.code, exc.message_zh, lid)
        if not lines and not bad:
            bad.add(LINES_SHEET, "A2", "desk.workbook.missing_value", "合同至少需要一个服务项目")
    bad.raise_if_any()
    assert start is not None and end is not None
    try:
        purchaser = Purchaser(text("采购人编号"), text("采购人"),
                              text("采购人统一社会信用代码", required=False))
    except OutsourcingError as exc:
        bad.add(CONTRACT_SHEET, ref("采购人统一社会信用代码") if exc.field == "credit_code"
                else ref("采购人编号"), exc.code, exc.message_zh, exc.value)
        bad.raise_if_any()
        raise  # pragma: no cover
    try:
        from ..dates import DateRange

        return Contract(
            id=text("合同编号"), title=text("合同名称"), jurisdiction=text("辖区"),
            purchaser=purchaser,
            supplier=Supplier(text("供应商编号"), text("供应商"), size, tuple(quals),
                              credit_code=text("统一社会信用代码", required=False)),
            term=DateRange(start, end), lines=lines, schedule=PaymentSchedule(schedule),
            budget=budget, signed_on=signed,
            payment_days=None if days is None else int(days))
    except OutsourcingError as exc:
        field = exc.field or ""
        cell = next((ref(lbl) for lbl, key in (("起始日期", "start"), ("终止日期", "end"),
                                               ("签订日期", "signed"), ("预算", "budget"),
                                               ("统一社会信用代码", "credit_code"))
                     if key in field), "")
        bad.add(CONTRACT_SHEET, cell, exc.code, exc.message_zh, exc.value)
        bad.raise_if_any()
        raise  # pragma: no cover


def read_price_list(path: str | Path) -> list[PriceListItem]:
    """Read a framework agreement's unified price list (统一报价清单) from ``报价清单``."""
    wb = open_workbook(path)
    bad = Problems(path)
    if PRICE_SHEET not in wb.sheetnames:
        bad.add(PRICE_SHEET, "", "desk.workbook.sheet_missing",
                f"缺少工作表「{PRICE_SHEET}」（工作簿中有：{'、'.join(wb.sheetnames)}）")
        bad.raise_if_any()
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
                    bad.add(ws.title, f"A{r}", exc.code, exc.message_zh, code)
    if not items and not bad:
        bad.add(PRICE_SHEET, "A2", "desk.workbook.missing_value", "报价清单为空")
    bad.raise_if_any()
    return items
