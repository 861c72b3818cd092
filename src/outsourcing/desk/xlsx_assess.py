"""The month's assessment workbook (考核表): written for assessors, read back strictly.

:func:`assessment_template` writes, for a contract (or its timeline of changes) and a period:

- ``说明`` — the contract, the period and how to fill the workbook;
- one sheet per service line running in the period, named by the line's id: who assessed
  and when, the KPIs (考核指标) with their targets, directions, weights and citations, a cell
  for the measured value or the survey's responses, and the score-sheet items
  (检查评分表) with their maximum points;
- ``事件`` — the incidents (事件) of the period: line, kind, date, description;
- ``选项`` (hidden) — the lists the cells' data validation offers.

Every input cell carries data validation (numbers within their bounds, dates within the
period, kinds from the contract's list), so Excel refuses most mistakes as they are typed.
:func:`import_assessments` reads a filled workbook back and refuses it whole when any cell is
wrong, naming the sheet, the cell and the reason in Chinese: a renamed or missing sheet, text
in a number cell, points above an item's maximum, a date outside the period, an unknown
incident kind, a KPI measured twice.  A line whose sheet is left empty is simply not
assessed (the statement then withholds its fee and says so).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from ..catalogue import KpiSpec, MeasuredBy
from ..dates import Period, as_period
from ..errors import OutsourcingError
from ..messages_zh import VALUES_ZH, citation_for_people
from ..performance import (
    INCIDENT_LABELS,
    Assessment,
    Incident,
    Metric,
    NotApplicable,
    ScoreItem,
    ScoreSheet,
)
from ..performance import Survey as SurveyResult
from ..rules import RuleBook
from ..settlement import prepare
from ..statement import unit_zh
from .cells import Problems, cell_text, open_workbook
from .xlsx_cells import append, save, text

__all__ = [
    "INCIDENTS_SHEET",
    "INFO_SHEET",
    "KPI_HEADERS",
    "OPTIONS_SHEET",
    "LineTemplate",
    "Template",
    "assessment_template",
    "import_assessments",
    "template_for",
]

INFO_SHEET = "说明"
INCIDENTS_SHEET = "事件"
OPTIONS_SHEET = "选项"
KPI_MARK = "【考核指标】"
ITEMS_MARK = "【评分表】"
KPI_HEADERS = ("指标编号", "指标名称", "单位", "目标", "方向", "权重（%）", "计分方式", "实测值",
               "调查人数", "满意人数", "依据", "考核周期", "不适用理由")
NOT_DUE = "本期不考核"
"""What the 实测值 cell of a KPI not due in the period says (the row is locked)."""
BY_SHEET = "见评分表"
"""What the 实测值 cell of a KPI scored on the score sheet says."""
ITEM_HEADERS = ("指标编号", "评分项", "分值", "得分")
INCIDENT_HEADERS = ("服务项目编号", "事件类型", "日期", "说明")
INCIDENT_ROWS = 100
"""Rows offered (with validation) on the incidents sheet."""


@attrs.frozen
class LineTemplate:
    """What the workbook asks about one line: its KPIs, score items and incident kinds."""

    line_id: str
    service_zh: str
    site: str
    kpis: tuple[KpiSpec, ...]
    items: tuple[tuple[str, str, Decimal], ...]
    """(KPI id, item name, maximum points) for each KPI scored on a sheet (unit 分)."""
    incident_kinds: tuple[str, ...]
    due: tuple[bool, ...] = ()
    """Per KPI, whether it is due in the period (本期考核); all due when empty."""

    def is_due(self, kpi: str) -> bool:
        """Whether the KPI is due in the period (a KPI without a schedule always is)."""
        if not self.due:
            return True
        return self.due[[k.id for k in self.kpis].index(kpi)]


@attrs.frozen
class Template:
    """The assessment workbook of a contract and a period, before it is written."""

    contract_id: str
    title: str
    period: Period
    lines: tuple[LineTemplate, ...]

    def line(self, line_id: str) -> LineTemplate:
        for x in self.lines:
            if x.line_id == line_id:
                return x
        raise KeyError(line_id)


def template_for(source: Any, period: Period | str, rulebook: RuleBook, *,
                 kpis: Mapping[str, Sequence[KpiSpec]] | None = None,
                 score_items: Mapping[str, Mapping[str, Sequence[tuple[str, Any]]]] | None = None,
                 ) -> Template:
    """The template of ``source`` (a Contract or a Timeline) for ``period``.

    ``score_items`` gives, per line and KPI, the items of its inspection sheet with their
    maximum points (``{"property": {"inspection": [("保洁", 50), ("秩序维护", 50)]}}``);
    a KPI measured in points without items gets one item of 100 points.
    """
    p = as_period(period, term="考核期间")
    prepared = prepare(source, rulebook, kpis=kpis)
    i = prepared.period_index(p)
    catalogue = getattr(rulebook.host, "catalogue", None)
    items_of = score_items or {}
    lines = []
    for pl in prepared.lines:
        if not pl.running[i]:
            continue
        line = pl.line
        name = (catalogue.get(line.service).name_zh
                if catalogue is not None and line.service in catalogue else line.service)
        specs = tuple(pl.kpis.specs)
        due = pl.due[i] if pl.due is not None else ()
        items: list[tuple[str, str, Decimal]] = []
        for n, k in enumerate(specs):
            if k.measurement is not MeasuredBy.SHEET or (due and not due[n]):
                continue
            given = items_of.get(line.id, {}).get(k.id)
            if given:
                items += [(k.id, str(n), Decimal(str(m))) for n, m in given]
            else:
                items.append((k.id, k.name_zh, Decimal(100)))
        deductions = pl.rule.deductions
        kinds = (tuple(k for k, _ in deductions.amounts) if deductions is not None
                 else tuple(INCIDENT_LABELS))
        lines.append(LineTemplate(line.id, name, line.site, specs, tuple(items), kinds, due))
    if not lines:
        raise OutsourcingError("no line of the contract runs in this period", field="period",
                               value=str(p), code="desk.assess.no_line_running",
                               params={"period": str(p)}, term="考核期间")
    c = prepared.contract
    return Template(c.id, c.title, p, tuple(lines))


def _label(kind: str) -> str:
    return INCIDENT_LABELS.get(kind, kind)


def assessment_template(source: Any, period: Period | str, rulebook: RuleBook,
                        path: str | Path, **kw: Any) -> Path:
    """Write the assessment workbook to ``path``; see :func:`template_for` for ``kw``."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.protection import SheetProtection

    t = template_for(source, period, rulebook, **kw)
    start, end = t.period.range.start, t.period.range.end
    grey = PatternFill("solid", fgColor="DDDDDD")
    fill_me = PatternFill("solid", fgColor="FFF7CC")
    unlocked = Protection(locked=False)
    muted = Font(color="808080")
    bold = Font(bold=True)
    wb = Workbook()
    info = wb.active
    info.title = INFO_SHEET
    for row in (("考核表", t.title), ("合同编号", t.contract_id), ("考核期间", str(t.period)),
                ("期间起止", f"{start} 至 {end}"),
                ("填写说明", "每个服务项目一张工作表（以服务项目编号命名，请勿改名）：填写考核人、"
                 "考核日期，每项指标填实测值，或满意度调查的调查人数与满意人数；按评分表考核的指标"
                 "在评分表中逐项打分，得分不得超过分值。事件（扣款事项）填在「事件」表。黄色单元格"
                 "为填写处，其余单元格锁定：每项指标只开放它需要的单元格（实测值，或满意度调查的调查人数与"
                 "满意人数，或评分表）；本期不考核的指标（见「考核周期」列）整行锁定，不填也不收；合同允许"
                 "不适用的指标可在「不适用理由」填写理由，不再填考核值。未考核的服务项目留空，其费用暂缓"
                 "支付。")):
        append(info, list(row))
        info.cell(row=info.max_row, column=1).font = bold
    info.column_dimensions["A"].width = 12
    info.column_dimensions["B"].width = 90
    info["B5"].alignment = Alignment(wrap_text=True)

    opts = wb.create_sheet(OPTIONS_SHEET)
    append(opts, ["服务项目编号", "事件类型"])
    kinds = list(dict.fromkeys(k for x in t.lines for k in x.incident_kinds))
    for r in range(max(len(t.lines), len(kinds))):
        append(opts, [t.lines[r].line_id if r < len(t.lines) else None,
                     _label(kinds[r]) if r < len(kinds) else None])
    opts.sheet_state = "hidden"

    def validation(ws: Any, dv: DataValidation, refs: str) -> None:
        dv.showErrorMessage = True
        dv.errorTitle = "输入有误"
        ws.add_data_validation(dv)
        dv.add(refs)

    for x in t.lines:
        ws = wb.create_sheet(x.line_id)
        ws["A1"] = text(f"考核表：{x.service_zh}·{x.site}")
        ws["A1"].font = Font(bold=True, size=14)
        head = (("合同编号", t.contract_id), ("考核期间", str(t.period)),
                ("服务项目编号", x.line_id), ("考核人", None), ("考核日期", None))
        for r, (label, v) in enumerate(head, start=2):
            ws.cell(row=r, column=1, value=label).font = bold
            ws.cell(row=r, column=2, value=text(v))
        ws["B5"].fill = fill_me
        ws["B6"].fill = fill_me
        ws["B6"].number_format = "yyyy-mm-dd"
        validation(ws, DataValidation(type="date", operator="greaterThanOrEqual",
                                      formula1=f"DATE({start.year},{start.month},{start.day})",
                                      error=f"考核日期应为日期，且不早于 {start}"), "B6")
        ws["A8"] = KPI_MARK
        ws["A8"].font = bold
        append(ws, list(KPI_HEADERS))
        for c in range(1, len(KPI_HEADERS) + 1):
            ws.cell(row=9, column=c).font = bold
            ws.cell(row=9, column=c).fill = grey
        for n, k in enumerate(x.kpis):
            due = not x.due or x.due[n]
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
                validation(ws, DataValidation(
                    type="decimal", operator="between" if top else "greaterThanOrEqual",
                    formula1="0", formula2=top,
                    error=f"{k.name_zh}的实测值应为不小于0的数字"
                    + ("（不超过100）" if top else "")), f"H{r}")
            if due and how is MeasuredBy.SURVEY:
                inputs += [9, 10]
                validation(ws, DataValidation(type="whole", operator="greaterThanOrEqual",
                                              formula1="1", error="调查人数应为正整数"), f"I{r}")
                validation(ws, DataValidation(
                    type="custom", formula1=f"AND(ISNUMBER(J{r}),J{r}>=0,J{r}<=I{r},"
                    f"J{r}=INT(J{r}))", error="满意人数应为整数，且不超过调查人数"), f"J{r}")
            if due and k.allows_not_applicable:
                inputs.append(13)
            for c in (8, 9, 10, 13):
                cell = ws.cell(row=r, column=c)
                if c in inputs:
                    cell.fill = fill_me
                    cell.protection = unlocked
                else:
                    cell.fill = grey
            if not due:
                for c in range(1, len(KPI_HEADERS) + 1):
                    ws.cell(row=r, column=c).font = muted
        append(ws, [])
        append(ws, [ITEMS_MARK])
        ws.cell(row=ws.max_row, column=1).font = bold
        append(ws, list(ITEM_HEADERS))
        for c in range(1, len(ITEM_HEADERS) + 1):
            ws.cell(row=ws.max_row, column=c).font = bold
            ws.cell(row=ws.max_row, column=c).fill = grey
        for kid, name, top_points in x.items:
            append(ws, [kid, name, top_points, None])
            r = ws.max_row
            ws.cell(row=r, column=4).fill = fill_me
            ws.cell(row=r, column=4).protection = unlocked
            validation(ws, DataValidation(type="decimal", operator="between", formula1="0",
                                          formula2=str(top_points),
                                          error=f"得分应在 0 至 {top_points} 之间"), f"D{r}")
        for col, width in zip("ABCDEFGHIJKLM",
                              (22, 22, 8, 8, 10, 10, 12, 10, 10, 10, 50, 24, 24), strict=True):
            ws.column_dimensions[col].width = width
        ws["B5"].protection = unlocked
        ws["B6"].protection = unlocked
        # locked cells: only the yellow ones take input (no password: 审阅 → 撤销工作表保护)
        ws.protection = SheetProtection(sheet=True, formatColumns=False, formatRows=False,
                                        formatCells=False)

    inc = wb.create_sheet(INCIDENTS_SHEET)
    append(inc, list(INCIDENT_HEADERS))
    for c in range(1, len(INCIDENT_HEADERS) + 1):
        inc.cell(row=1, column=c).font = bold
        inc.cell(row=1, column=c).fill = grey
    last = INCIDENT_ROWS + 1
    validation(inc, DataValidation(type="list", allow_blank=True,
                                   formula1=f"'{OPTIONS_SHEET}'!$A$2:$A${len(t.lines) + 1}",
                                   error="请从列表中选择服务项目编号"), f"A2:A{last}")
    validation(inc, DataValidation(type="list", allow_blank=True,
                                   formula1=f"'{OPTIONS_SHEET}'!$B$2:$B${len(kinds) + 1}",
                                   error="请从列表中选择事件类型"), f"B2:B{last}")
    validation(inc, DataValidation(
        type="date", operator="between", allow_blank=True,
        formula1=f"DATE({start.year},{start.month},{start.day})",
        formula2=f"DATE({end.year},{end.month},{end.day})",
        error=f"日期应在考核期间 {start} 至 {end} 之内"), f"C2:C{last}")
    for r in range(2, last + 1):
        inc.cell(row=r, column=3).number_format = "yyyy-mm-dd"
    for col, width in zip("ABCD", (16, 22, 14, 50), strict=True):
        inc.column_dimensions[col].width = width
    return save(wb, path)


def _find(ws: Any, mark: str, start: int = 1) -> int | None:
    for r in range(start, ws.max_row + 1):
        if cell_text(ws.cell(row=r, column=1).value) == mark:
            return r
    return None


def _check_template(wb: Any, t: Template, bad: Problems) -> None:
    """The workbook is this contract's and this period's assessment workbook: another
    contract's (or period's) is ``desk.workbook.wrong_template`` — said before any sheet it
    lacks, since another contract's lines are other sheets."""
    names = list(wb.sheetnames)
    if INFO_SHEET in names:
        info = wb[INFO_SHEET]
        got_id, got_period = cell_text(info["B2"].value), cell_text(info["B3"].value)
        if (got_id, got_period) != (t.contract_id, str(t.period)):
            bad.add(INFO_SHEET, "B2", "desk.workbook.wrong_template",
                    f"这是合同 {got_id[:60]} {got_period[:20]} 的考核表，"
                    f"不是合同 {t.contract_id} {t.period} 的", info["B2"].value)
            bad.raise_if_any()
    for need in (INFO_SHEET, *(x.line_id for x in t.lines), INCIDENTS_SHEET):
        if need not in names:
            bad.add(need, "", "desk.workbook.sheet_missing",
                    f"缺少工作表「{need}」（工作表可能被改名或删除；工作簿中有："
                    f"{'、'.join(names)[:300]}）")
    bad.raise_if_any()


def import_assessments(path: str | Path, source: Any, period: Period | str, rulebook: RuleBook,
                       **kw: Any) -> list[Assessment]:
    """The assessments a filled workbook records, checked against the contract.

    Refuses the whole workbook (:class:`~outsourcing.desk.cells.WorkbookError`) when any cell
    is wrong; every problem names its sheet, cell and reason.
    """
    t = template_for(source, period, rulebook, **kw)
    wb = open_workbook(path)
    bad = Problems(path)
    start, end = t.period.range.start, t.period.range.end
    _check_template(wb, t, bad)
    found: dict[str, dict[str, Any]] = {}
    for x in t.lines:
        ws = wb[x.line_id]
        known = {k.id: k for k in x.kpis}
        metrics: list[Metric] = []
        surveys: list[SurveyResult] = []
        sheets: dict[str, list[ScoreItem]] = {}
        measured: dict[str, str] = {}
        not_applicable: list[NotApplicable] = []
        top = _find(ws, KPI_MARK)
        if top is None:
            bad.add(ws.title, "A8", "desk.workbook.header", f"找不到「{KPI_MARK}」标记行")
            continue
        r = top + 2
        while r <= ws.max_row and cell_text(ws.cell(row=r, column=1).value):
            kid = cell_text(ws.cell(row=r, column=1).value)
            spec = known.get(kid)
            if spec is None:
                bad.add(ws.title, f"A{r}", "desk.workbook.unknown_kpi",
                        f"指标「{kid}」不在本服务项目的指标清单中（{'、'.join(known)}）", kid)
                r += 1
                continue
            raw = ws.cell(row=r, column=8).value
            h = cell_text(raw)
            given = [f"{col}{r}" for col, filled in (
                ("H", h not in ("", NOT_DUE, BY_SHEET)),
                ("I", cell_text(ws.cell(row=r, column=9).value) != ""),
                ("J", cell_text(ws.cell(row=r, column=10).value) != ""),
                ("M", cell_text(ws.cell(row=r, column=13).value) != "")) if filled]
            if not x.is_due(kid):
                for ref in given:
                    bad.add(ws.title, ref, "desk.workbook.kpi_not_due",
                            f"指标「{spec.name_zh}」本期不考核（考核周期：{spec.schedule.describe()}），"
                            "不填也不收考核值或不适用理由", ws[ref].value)
                r += 1
                continue
            reason = cell_text(ws.cell(row=r, column=13).value)
            if reason:
                if not spec.allows_not_applicable:
                    bad.add(ws.title, f"M{r}", "desk.workbook.not_applicable_refused",
                            f"合同未约定指标「{spec.name_zh}」可标记为不适用，须填写考核值", reason)
                elif len(given) > 1:
                    bad.add(ws.title, given[0], "desk.workbook.bad_cell",
                            f"指标「{spec.name_zh}」已填不适用理由（M{r}），不能同时填考核值",
                            ws[given[0]].value)
                else:
                    not_applicable.append(NotApplicable(kid, reason))
                    measured[kid] = f"M{r}"
                r += 1
                continue
            how = spec.measurement
            cols = {MeasuredBy.METRIC: "H", MeasuredBy.SURVEY: "IJ", MeasuredBy.SHEET: ""}[how]
            wrong = [ref for ref in given if ref[0] not in cols]
            if wrong:
                need = {MeasuredBy.METRIC: f"填实测值（H{r}）",
                        MeasuredBy.SURVEY: f"按满意度调查计分，填调查人数与满意人数（I{r}、J{r}）",
                        MeasuredBy.SHEET: "按评分表计分，在下方评分表中逐项打分"}[how]
                for ref in wrong:
                    bad.add(ws.title, ref, "desk.workbook.not_an_input",
                            f"指标「{spec.name_zh}」{need}；{ref} 不是该指标的填写处",
                            ws[ref].value)
                r += 1
                continue
            if how is MeasuredBy.METRIC:
                value = bad.number(ws, f"H{r}", label=f"{spec.name_zh}的实测值")
                if value is not None:
                    if spec.unit in ("%", "percent") and value > 100:
                        bad.add(ws.title, f"H{r}", "desk.workbook.bad_cell",
                                f"{spec.name_zh}的实测值 {value}% 超过100%", raw)
                    else:
                        metrics.append(Metric(kid, value))
                        measured[kid] = f"H{r}"
            elif how is MeasuredBy.SURVEY:
                n = bad.number(ws, f"I{r}", label=f"{spec.name_zh}的调查人数", whole=True)
                s = bad.number(ws, f"J{r}", label=f"{spec.name_zh}的满意人数", whole=True)
                if (n is None) != (s is None):
                    bad.add(ws.title, f"I{r}" if n is None else f"J{r}",
                            "desk.workbook.missing_value", "调查人数与满意人数须同时填写")
                elif n is not None and s is not None:
                    if n < 1 or s > n:
                        bad.add(ws.title, f"J{r}", "desk.workbook.bad_cell",
                                f"满意人数 {s} 不能超过调查人数 {n}，调查人数至少为1", s)
                    else:
                        surveys.append(SurveyResult(kid, int(n), int(s)))
                        measured[kid] = f"I{r}"
            r += 1
        mark = _find(ws, ITEMS_MARK, r)
        if mark is not None:
            r = mark + 2
            while r <= ws.max_row and cell_text(ws.cell(row=r, column=1).value):
                kid = cell_text(ws.cell(row=r, column=1).value)
                spec = known.get(kid)
                name = cell_text(ws.cell(row=r, column=2).value)
                top_points = bad.number(ws, f"C{r}", label=f"评分项「{name}」的分值",
                                        required=True)
                points = bad.number(ws, f"D{r}", label=f"评分项「{name}」的得分")
                if spec is None:
                    bad.add(ws.title, f"A{r}", "desk.workbook.unknown_kpi",
                            f"评分表的指标「{kid}」不在本服务项目的指标清单中", kid)
                elif not x.is_due(kid) and points is not None:
                    bad.add(ws.title, f"D{r}", "desk.workbook.kpi_not_due",
                            f"指标「{spec.name_zh}」本期不考核（考核周期：{spec.schedule.describe()}），"
                            "不填也不收评分", ws[f"D{r}"].value)
                elif spec.measurement is not MeasuredBy.SHEET and points is not None:
                    bad.add(ws.title, f"D{r}", "desk.workbook.not_an_input",
                            f"指标「{spec.name_zh}」不按评分表计分；D{r} 不是该指标的填写处",
                            ws[f"D{r}"].value)
                elif kid in measured and points is not None:
                    bad.add(ws.title, f"D{r}", "desk.workbook.bad_cell",
                            f"{spec.name_zh}已按{measured[kid]}计分，不能再用评分表")
                elif top_points is not None and points is not None:
                    if top_points <= 0:
                        bad.add(ws.title, f"C{r}", "desk.workbook.bad_cell",
                                f"评分项「{name}」的分值应大于0", top_points)
                    elif points > top_points:
                        bad.add(ws.title, f"D{r}", "desk.workbook.over_maximum",
                                f"评分项「{name}」得分 {points} 超过分值 {top_points}",
                                ws[f"D{r}"].value)
                    else:
                        sheets.setdefault(kid, []).append(ScoreItem(name or kid, top_points,
                                                                    points))
                r += 1
        filled = bool(metrics or surveys or sheets or not_applicable)
        who = bad.text(ws, "B5", label="考核人", required=filled)
        on = bad.date(ws, "B6", label="考核日期", required=filled)
        if on is not None and on < start:
            bad.add(ws.title, "B6", "desk.workbook.date_outside_period",
                    f"考核日期 {on} 早于考核期间的开始 {start}", on.isoformat())
        found[x.line_id] = {"who": who, "on": on, "metrics": metrics, "surveys": surveys,
                            "sheets": sheets, "incidents": [], "filled": filled,
                            "not_applicable": not_applicable}

    inc = wb[INCIDENTS_SHEET]
    labels = {}
    for x in t.lines:
        for k in x.incident_kinds:
            labels[_label(k)] = k
            labels[k] = k
    for r in range(2, inc.max_row + 1):
        lid = cell_text(inc.cell(row=r, column=1).value)
        kind_text = cell_text(inc.cell(row=r, column=2).value)
        if not lid and not kind_text and inc.cell(row=r, column=3).value is None:
            continue
        if lid not in found:
            bad.add(INCIDENTS_SHEET, f"A{r}", "desk.workbook.bad_cell",
                    f"服务项目「{lid}」不在本期考核的服务项目中（{'、'.join(found)}）", lid)
            continue
        allowed = t.line(lid).incident_kinds
        kind = labels.get(kind_text)
        if kind is None or kind not in allowed:
            bad.add(INCIDENTS_SHEET, f"B{r}", "desk.workbook.unknown_incident",
                    f"事件类型「{kind_text}」不在合同约定的清单中（"
                    f"{'、'.join(_label(k) for k in allowed)}）", kind_text)
            continue
        on = bad.date(inc, f"C{r}", label="事件日期", required=True)
        if on is None:
            continue
        if not start <= on <= end:
            bad.add(INCIDENTS_SHEET, f"C{r}", "desk.workbook.date_outside_period",
                    f"事件日期 {on} 不在考核期间 {start} 至 {end} 之内", on.isoformat())
            continue
        found[lid]["incidents"].append(
            Incident(kind, on, cell_text(inc.cell(row=r, column=4).value)))
        if not found[lid]["filled"]:
            bad.add(INCIDENTS_SHEET, f"A{r}", "desk.workbook.missing_value",
                    f"服务项目「{lid}」有事件，但其考核表未填写")
    bad.raise_if_any()
    out = []
    for lid, f in found.items():
        if not f["filled"]:
            continue
        assert isinstance(f["on"], date)
        out.append(Assessment(
            lid, t.period, f["who"], f["on"],
            sheets=[ScoreSheet(k, items) for k, items in f["sheets"].items()],
            metrics=f["metrics"], surveys=f["surveys"], incidents=f["incidents"],
            not_applicable=f["not_applicable"]))
    return out
