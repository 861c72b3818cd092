"""Writing the month's assessment workbook (考核表) for the assessors.

:func:`assessment_template` writes ``说明``, one sheet per line running in the period (who
assessed and when, the KPIs with a cell for each value the KPI takes, the score items), the
``事件`` sheet and the hidden ``选项`` sheet; every input cell carries data validation and
only the yellow cells are unlocked (see :mod:`.xlsx_assess`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from ..catalogue import KpiSpec, MeasuredBy
from ..dates import Period
from ..messages_zh import VALUES_ZH, citation_for_people
from ..rules import RuleBook
from ..statement import unit_zh
from .xlsx_assess_template import (
    BY_SHEET,
    INCIDENT_HEADERS,
    INCIDENT_ROWS,
    INCIDENTS_SHEET,
    INFO_SHEET,
    ITEM_HEADERS,
    ITEMS_MARK,
    KPI_HEADERS,
    KPI_MARK,
    NOT_DUE,
    OPTIONS_SHEET,
    LineTemplate,
    Template,
    label,
    template_for,
)
from .xlsx_cells import append, save, text

__all__ = ["assessment_template"]

GUIDE = ("每个服务项目一张工作表（以服务项目编号命名，请勿改名）：填写考核人、"
         "考核日期，每项指标填实测值，或满意度调查的调查人数与满意人数；按评分表考核的指标"
         "在评分表中逐项打分，得分不得超过分值。事件（扣款事项）填在「事件」表。黄色单元格"
         "为填写处，其余单元格锁定：每项指标只开放它需要的单元格（实测值，或满意度调查的调查人数与"
         "满意人数，或评分表）；本期不考核的指标（见「考核周期」列）整行锁定，不填也不收；合同允许"
         "不适用的指标可在「不适用理由」填写理由，不再填考核值。未考核的服务项目留空，其费用暂缓"
         "支付。")


class _Look:
    """The fills, fonts and protection the workbook uses."""

    def __init__(self) -> None:
        from openpyxl.styles import Font, PatternFill, Protection

        self.grey = PatternFill("solid", fgColor="DDDDDD")
        self.fill_me = PatternFill("solid", fgColor="FFF7CC")
        self.unlocked = Protection(locked=False)
        self.muted = Font(color="808080")
        self.bold = Font(bold=True)
        self.title = Font(bold=True, size=14)


def _validation(ws: Any, refs: str, **kw: Any) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    dv = DataValidation(**kw)
    dv.showErrorMessage = True
    dv.errorTitle = "输入有误"
    ws.add_data_validation(dv)
    dv.add(refs)


def _excel_date(d: date) -> str:
    return f"DATE({d.year},{d.month},{d.day})"


def assessment_template(source: Any, period: Period | str, rulebook: RuleBook,
                        path: str | Path, **kw: Any) -> Path:
    """Write the assessment workbook to ``path``; see :func:`template_for` for ``kw``."""
    from openpyxl import Workbook

    t = template_for(source, period, rulebook, **kw)
    look = _Look()
    wb = Workbook()
    _info_sheet(wb.active, t, look)
    kinds = list(dict.fromkeys(k for x in t.lines for k in x.incident_kinds))
    opts = wb.create_sheet(OPTIONS_SHEET)
    append(opts, ["服务项目编号", "事件类型"])
    for r in range(max(len(t.lines), len(kinds))):
        append(opts, [t.lines[r].line_id if r < len(t.lines) else None,
                      label(kinds[r]) if r < len(kinds) else None])
    opts.sheet_state = "hidden"
    for x in t.lines:
        _line_sheet(wb.create_sheet(x.line_id), t, x, look)
    _incidents_sheet(wb.create_sheet(INCIDENTS_SHEET), t, len(kinds), look)
    return save(wb, path)


def _info_sheet(info: Any, t: Template, look: _Look) -> None:
    from openpyxl.styles import Alignment

    start, end = t.period.range.start, t.period.range.end
    info.title = INFO_SHEET
    for row in (("考核表", t.title), ("合同编号", t.contract_id), ("考核期间", str(t.period)),
                ("期间起止", f"{start} 至 {end}"), ("填写说明", GUIDE)):
        append(info, list(row))
        info.cell(row=info.max_row, column=1).font = look.bold
    info.column_dimensions["A"].width = 12
    info.column_dimensions["B"].width = 90
    info["B5"].alignment = Alignment(wrap_text=True)


def _line_sheet(ws: Any, t: Template, x: LineTemplate, look: _Look) -> None:
    from openpyxl.worksheet.protection import SheetProtection

    start = t.period.range.start
    ws["A1"] = text(f"考核表：{x.service_zh}·{x.site}")
    ws["A1"].font = look.title
    head = (("合同编号", t.contract_id), ("考核期间", str(t.period)),
            ("服务项目编号", x.line_id), ("考核人", None), ("考核日期", None))
    for r, (name, v) in enumerate(head, start=2):
        ws.cell(row=r, column=1, value=name).font = look.bold
        ws.cell(row=r, column=2, value=text(v))
    ws["B5"].fill = look.fill_me
    ws["B6"].fill = look.fill_me
    ws["B6"].number_format = "yyyy-mm-dd"
    _validation(ws, "B6", type="date", operator="greaterThanOrEqual",
                formula1=_excel_date(start), error=f"考核日期应为日期，且不早于 {start}")
    ws["A8"] = KPI_MARK
    ws["A8"].font = look.bold
    append(ws, list(KPI_HEADERS))
    for c in range(1, len(KPI_HEADERS) + 1):
        ws.cell(row=9, column=c).font = look.bold
        ws.cell(row=9, column=c).fill = look.grey
    for n, k in enumerate(x.kpis):
        _kpi_row(ws, k, not x.due or x.due[n], look)
    _items(ws, x, look)
    for col, width in zip("ABCDEFGHIJKLM",
                          (22, 22, 8, 8, 10, 10, 12, 10, 10, 10, 50, 24, 24), strict=True):
        ws.column_dimensions[col].width = width
    ws["B5"].protection = look.unlocked
    ws["B6"].protection = look.unlocked
    # locked cells: only the yellow ones take input (no password: 审阅 → 撤销工作表保护)
    ws.protection = SheetProtection(sheet=True, formatColumns=False, formatRows=False,
                                    formatCells=False)


def _kpi_row(ws: Any, k: KpiSpec, due: bool, look: _Look) -> None:
    """One KPI's row: its terms, and a yellow cell for each value it takes."""
    how = k.measurement
    schedule = k.schedule.describe() + ("" if due else f"；{NOT_DUE}")
    append(ws, [k.id, k.name_zh, unit_zh(k.unit), k.target,
                VALUES_ZH.get(k.direction.value, k.direction.value), k.weight,
                VALUES_ZH.get(k.scoring.value, k.scoring.value),
                NOT_DUE if not due else BY_SHEET if how is MeasuredBy.SHEET else None,
                None, None, citation_for_people(k.citation), schedule, None])
    r = ws.max_row
    inputs: list[int] = []
    if due and how is MeasuredBy.METRIC:
        inputs.append(8)
        top = "100" if k.unit in ("%", "percent") else None
        _validation(ws, f"H{r}", type="decimal",
                    operator="between" if top else "greaterThanOrEqual", formula1="0",
                    formula2=top, error=f"{k.name_zh}的实测值应为不小于0的数字"
                    + ("（不超过100）" if top else ""))
    if due and how is MeasuredBy.SURVEY:
        inputs += [9, 10]
        _validation(ws, f"I{r}", type="whole", operator="greaterThanOrEqual", formula1="1",
                    error="调查人数应为正整数")
        _validation(ws, f"J{r}", type="custom",
                    formula1=f"AND(ISNUMBER(J{r}),J{r}>=0,J{r}<=I{r},J{r}=INT(J{r}))",
                    error="满意人数应为整数，且不超过调查人数")
    if due and k.allows_not_applicable:
        inputs.append(13)
    for c in (8, 9, 10, 13):
        cell = ws.cell(row=r, column=c)
        if c in inputs:
            cell.fill = look.fill_me
            cell.protection = look.unlocked
        else:
            cell.fill = look.grey
    if not due:
        for c in range(1, len(KPI_HEADERS) + 1):
            ws.cell(row=r, column=c).font = look.muted


def _items(ws: Any, x: LineTemplate, look: _Look) -> None:
    """The score sheet's items (评分表), each with a yellow cell for its points."""
    append(ws, [])
    append(ws, [ITEMS_MARK])
    ws.cell(row=ws.max_row, column=1).font = look.bold
    append(ws, list(ITEM_HEADERS))
    for c in range(1, len(ITEM_HEADERS) + 1):
        ws.cell(row=ws.max_row, column=c).font = look.bold
        ws.cell(row=ws.max_row, column=c).fill = look.grey
    for kid, name, top_points in x.items:
        append(ws, [kid, name, top_points, None])
        r = ws.max_row
        ws.cell(row=r, column=4).fill = look.fill_me
        ws.cell(row=r, column=4).protection = look.unlocked
        _validation(ws, f"D{r}", type="decimal", operator="between", formula1="0",
                    formula2=str(top_points), error=f"得分应在 0 至 {top_points} 之间")


def _incidents_sheet(inc: Any, t: Template, kinds: int, look: _Look) -> None:
    start, end = t.period.range.start, t.period.range.end
    append(inc, list(INCIDENT_HEADERS))
    for c in range(1, len(INCIDENT_HEADERS) + 1):
        inc.cell(row=1, column=c).font = look.bold
        inc.cell(row=1, column=c).fill = look.grey
    last = INCIDENT_ROWS + 1
    _validation(inc, f"A2:A{last}", type="list", allow_blank=True,
                formula1=f"'{OPTIONS_SHEET}'!$A$2:$A${len(t.lines) + 1}",
                error="请从列表中选择服务项目编号")
    _validation(inc, f"B2:B{last}", type="list", allow_blank=True,
                formula1=f"'{OPTIONS_SHEET}'!$B$2:$B${kinds + 1}",
                error="请从列表中选择事件类型")
    _validation(inc, f"C2:C{last}", type="date", operator="between", allow_blank=True,
                formula1=_excel_date(start), formula2=_excel_date(end),
                error=f"日期应在考核期间 {start} 至 {end} 之内")
    for r in range(2, last + 1):
        inc.cell(row=r, column=3).number_format = "yyyy-mm-dd"
    for col, width in zip("ABCD", (16, 22, 14, 50), strict=True):
        inc.column_dimensions[col].width = width
