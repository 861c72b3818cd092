"""A period's actual usage in Excel (实际用量登记表).

One sheet, ``实际用量``: the contract and the period at the top (``B2``, ``B3``), then a header
row and one row per line whose fee depends on usage in that period — a unit-rate line (按量:
its 实际数量) or a labour-plus-materials line (按实结算: its 原材料实际金额).  The plan or the
budget stands beside each, so the statement's budget-against-actual is visible as it is
filled.  Yellow cells are the ones to fill; a row left empty records nothing.

:func:`usage_template` writes it (with the values already recorded, if any);
:func:`read_usage_workbook` reads it back, refusing the whole workbook with every bad cell
named (a negative or non-numeric quantity, a cell the line does not take, a workbook of
another contract or period).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..dates import Period
from ..model import LabourPlusMaterials, ServiceLine, UnitRate
from ..usage import Usage
from .cells import Problems, cell_text, open_workbook
from .xlsx_cells import append, money, save, text

__all__ = ["USAGE_HEADERS", "USAGE_SHEET", "read_usage_workbook", "usage_template"]

USAGE_SHEET = "实际用量"
HEADER_ROW = 6
USAGE_HEADERS = ("服务项目编号", "服务类别", "办公区", "计价方式", "计量单位", "单价",
                 "计划数量（月）", "原材料预算（月）", "实际数量", "原材料实际金额", "说明")
_QTY, _MAT, _NOTE = 9, 10, 11
_MONEY_FORMAT = "¥#,##0.00"


def usage_template(contract_id: str, title: str, period: Period, lines: Sequence[ServiceLine],
                   path: str | Path, recorded: Mapping[str, Usage] | None = None) -> Path:
    """Write the usage workbook of ``period`` for ``lines`` (the lines needing usage, as
    :meth:`~outsourcing.settlement.PreparedContract.usage_lines` gives them); ``recorded``
    pre-fills the values in force."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    recorded = recorded or {}
    grey = PatternFill("solid", fgColor="DDDDDD")
    fill_me = PatternFill("solid", fgColor="FFF7CC")
    bold = Font(bold=True)
    wb = Workbook()
    ws = wb.active
    ws.title = USAGE_SHEET
    ws["A1"] = text(f"实际用量登记表：{title}")
    ws["A1"].font = Font(bold=True, size=14)
    how = ("按量计价的服务项目填实际数量，人工加材料的服务项目填当期原材料实际金额（按票据，"
           "元，至分）；黄色单元格为填写处，不得为负数。未填写的服务项目，其按实结算部分暂缓支付。")
    head = (("合同编号", contract_id), ("结算期间", str(period)),
            ("期间起止", f"{period.start} 至 {period.end}"), ("填写说明", how))
    for r, (label, v) in enumerate(head, start=2):
        ws.cell(row=r, column=1, value=label).font = bold
        ws.cell(row=r, column=2, value=text(v))
    ws["B5"].alignment = Alignment(wrap_text=True)
    for c, h in enumerate(USAGE_HEADERS, start=1):
        cell = ws.cell(row=HEADER_ROW, column=c, value=h)
        cell.font = bold
        cell.fill = grey
    for x in lines:
        p = x.pricing
        before = recorded.get(x.id)
        row: list[Any] = [x.id, x.service, x.site, None, None, None, None, None, None, None,
                          None if before is None else before.note or None]
        if isinstance(p, UnitRate):
            row[3:7] = ["单价", p.unit, p.unit_price.yuan, p.quantity]
            if before is not None and before.quantity is not None:
                row[_QTY - 1] = before.quantity
            col = _QTY
        elif isinstance(p, LabourPlusMaterials):
            row[3], row[7] = "人工加材料", p.materials_budget.yuan
            if before is not None and before.materials is not None:
                row[_MAT - 1] = before.materials.yuan
            col = _MAT
        else:  # pragma: no cover - usage_lines gives only these two shapes
            continue
        append(ws, row)
        r = ws.max_row
        ws.cell(row=r, column=col).fill = fill_me
        ws.cell(row=r, column=_NOTE).fill = fill_me
        for c in (6, 8, _MAT):
            ws.cell(row=r, column=c).number_format = _MONEY_FORMAT
        dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0",
                            error="应填不小于0的数字", errorTitle="输入有误",
                            showErrorMessage=True)
        ws.add_data_validation(dv)
        dv.add(ws.cell(row=r, column=col).coordinate)
    for letter, width in zip("ABCDEFGHIJK", (16, 22, 20, 12, 10, 12, 14, 16, 12, 16, 30),
                          strict=True):
        ws.column_dimensions[letter].width = width
    return save(wb, path)


def read_usage_workbook(path: str | Path, contract_id: str, period: Period,
                        lines: Sequence[ServiceLine]) -> list[Usage]:
    """The usage a filled workbook records for ``contract_id`` in ``period``; ``lines`` are
    the lines that take usage then.  Every bad cell is named (sheet and cell) and nothing is
    returned unless all are good."""
    wb = open_workbook(path)
    bad = Problems(path)
    bad.need_sheets(wb, USAGE_SHEET)
    ws = wb[USAGE_SHEET]
    for ref, want, label in (("B2", contract_id, "合同编号"), ("B3", str(period), "结算期间")):
        got = cell_text(ws[ref].value)
        if got != want:
            bad.add(USAGE_SHEET, ref, "desk.usage.other_workbook", got, label=label,
                    want=want, got=got)
    for c, h in enumerate(USAGE_HEADERS, start=1):
        got = cell_text(ws.cell(row=HEADER_ROW, column=c).value)
        if got != h:
            bad.add(USAGE_SHEET, f"{chr(ord('A') + c - 1)}{HEADER_ROW}",
                    "desk.workbook.header", got, says="desk.workbook.cell.header", want=h,
                    got=got)
    bad.raise_if_any()
    by_id = {x.id: x for x in lines}
    out: list[Usage] = []
    seen: set[str] = set()
    for r in range(HEADER_ROW + 1, ws.max_row + 1):
        lid = cell_text(ws.cell(row=r, column=1).value)
        if not lid:
            continue
        line = by_id.get(lid)
        if line is None:
            bad.add(USAGE_SHEET, f"A{r}", "desk.usage.unknown_line", lid, line=lid,
                    period=period, lines="、".join(by_id) or "—")
            continue
        if lid in seen:
            bad.add(USAGE_SHEET, f"A{r}", "desk.usage.twice", lid, line=lid)
            continue
        seen.add(lid)
        note = cell_text(ws.cell(row=r, column=_NOTE).value)
        qty_ref, mat_ref = f"I{r}", f"J{r}"
        unit_rate = isinstance(line.pricing, UnitRate)
        wrong = mat_ref if unit_rate else qty_ref
        if cell_text(ws[wrong].value):
            bad.add(USAGE_SHEET, wrong, "desk.usage.wrong_cell", ws[wrong].value,
                    says="desk.usage.wrong_cell_unit_rate" if unit_rate
                    else "desk.usage.wrong_cell_labour", line=lid)
            continue
        if unit_rate:
            q = bad.number(ws, qty_ref, label=f"{lid} 的实际数量")
            if q is not None:
                out.append(Usage(lid, period, quantity=q, note=note))
        else:
            m = money(bad, ws, mat_ref, f"{lid} 的原材料实际金额", required=False)
            if m is not None:
                out.append(Usage(lid, period, materials=m, note=note))
    bad.raise_if_any()
    return out
