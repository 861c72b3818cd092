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

from datetime import date
from pathlib import Path
from typing import Any

from ..catalogue import KpiSpec, MeasuredBy
from ..dates import Period
from ..performance import (
    Assessment,
    Incident,
    Metric,
    NotApplicable,
    ScoreItem,
    ScoreSheet,
)
from ..performance import Survey as SurveyResult
from ..rules import RuleBook
from .cells import Problems, cell_text, open_workbook
from .xlsx_assess_template import (
    BY_SHEET,
    INCIDENTS_SHEET,
    INFO_SHEET,
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
from .xlsx_assess_write import assessment_template

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


class _Line:
    """What one line's sheet records, as it is read."""

    def __init__(self) -> None:
        self.metrics: list[Metric] = []
        self.surveys: list[SurveyResult] = []
        self.sheets: dict[str, list[ScoreItem]] = {}
        self.measured: dict[str, str] = {}
        """KPI id → the cell it was measured in."""
        self.not_applicable: list[NotApplicable] = []
        self.incidents: list[Incident] = []
        self.who = ""
        self.on: date | None = None

    @property
    def filled(self) -> bool:
        return bool(self.metrics or self.surveys or self.sheets or self.not_applicable)


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
            bad.add(INFO_SHEET, "B2", "desk.workbook.wrong_template", info["B2"].value,
                    says="desk.workbook.cell.other_contract", got_contract=got_id[:60],
                    got_period=got_period[:20], contract=t.contract_id, period=t.period)
            bad.raise_if_any()
    for need in (INFO_SHEET, *(x.line_id for x in t.lines), INCIDENTS_SHEET):
        if need not in names:
            bad.add(need, "", "desk.workbook.sheet_missing",
                    says="desk.workbook.cell.sheet_renamed", sheet=need,
                    sheets="、".join(names)[:300])
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
    _check_template(wb, t, bad)
    found: dict[str, _Line] = {}
    for x in t.lines:
        got = _read_line(wb[x.line_id], x, t, bad)
        if got is not None:
            found[x.line_id] = got
    _read_incidents(wb[INCIDENTS_SHEET], t, found, bad)
    bad.raise_if_any()
    out = []
    for lid, f in found.items():
        if not f.filled:
            continue
        assert isinstance(f.on, date)
        out.append(Assessment(
            lid, t.period, f.who, f.on,
            sheets=[ScoreSheet(k, items) for k, items in f.sheets.items()],
            metrics=f.metrics, surveys=f.surveys, incidents=f.incidents,
            not_applicable=f.not_applicable))
    return out


def _read_line(ws: Any, x: LineTemplate, t: Template, bad: Problems) -> _Line | None:
    """A line's sheet: its KPIs' values, its score items, who assessed it and when."""
    start = t.period.range.start
    known = {k.id: k for k in x.kpis}
    acc = _Line()
    top = _find(ws, KPI_MARK)
    if top is None:
        bad.add(ws.title, "A8", "desk.workbook.header", says="desk.workbook.cell.mark_missing",
                mark=KPI_MARK)
        return None
    r = top + 2
    while r <= ws.max_row and cell_text(ws.cell(row=r, column=1).value):
        kid = cell_text(ws.cell(row=r, column=1).value)
        spec = known.get(kid)
        if spec is None:
            bad.add(ws.title, f"A{r}", "desk.workbook.unknown_kpi", kid,
                    says="desk.workbook.cell.unknown_kpi", kpi=kid, known="、".join(known))
        else:
            _kpi_row(ws, r, spec, x, bad, acc)
        r += 1
    mark = _find(ws, ITEMS_MARK, r)
    if mark is not None:
        _read_items(ws, mark + 2, x, known, bad, acc)
    acc.who = bad.text(ws, "B5", label="考核人", required=acc.filled)
    acc.on = bad.date(ws, "B6", label="考核日期", required=acc.filled)
    if acc.on is not None and acc.on < start:
        bad.add(ws.title, "B6", "desk.workbook.date_outside_period", acc.on.isoformat(),
                says="desk.workbook.cell.assessed_before_period", on=acc.on, start=start)
    return acc


def _kpi_row(ws: Any, r: int, spec: KpiSpec, x: LineTemplate, bad: Problems,
             acc: _Line) -> None:
    """One KPI's row: a value only in the cells it takes, or a reason it does not apply."""
    kid = spec.id
    h = cell_text(ws.cell(row=r, column=8).value)
    given = [f"{col}{r}" for col, filled in (
        ("H", h not in ("", NOT_DUE, BY_SHEET)),
        ("I", cell_text(ws.cell(row=r, column=9).value) != ""),
        ("J", cell_text(ws.cell(row=r, column=10).value) != ""),
        ("M", cell_text(ws.cell(row=r, column=13).value) != "")) if filled]
    if not x.is_due(kid):
        for ref in given:
            bad.add(ws.title, ref, "desk.workbook.kpi_not_due", ws[ref].value,
                    says="desk.workbook.cell.kpi_not_due", kpi=spec.name_zh,
                    schedule=spec.schedule.describe())
        return
    reason = cell_text(ws.cell(row=r, column=13).value)
    if reason:
        if not spec.allows_not_applicable:
            bad.add(ws.title, f"M{r}", "desk.workbook.not_applicable_refused", reason,
                    kpi=spec.name_zh)
        elif len(given) > 1:
            bad.add(ws.title, given[0], "desk.workbook.bad_cell", ws[given[0]].value,
                    says="desk.workbook.cell.value_and_not_applicable", kpi=spec.name_zh,
                    cell=f"M{r}")
        else:
            acc.not_applicable.append(NotApplicable(kid, reason))
            acc.measured[kid] = f"M{r}"
        return
    how = spec.measurement
    cols = {MeasuredBy.METRIC: "H", MeasuredBy.SURVEY: "IJ", MeasuredBy.SHEET: ""}[how]
    wrong = [ref for ref in given if ref[0] not in cols]
    if wrong:
        says = {MeasuredBy.METRIC: "desk.workbook.cell.input_metric",
                MeasuredBy.SURVEY: "desk.workbook.cell.input_survey",
                MeasuredBy.SHEET: "desk.workbook.cell.input_sheet"}[how]
        for ref in wrong:
            bad.add(ws.title, ref, "desk.workbook.not_an_input", ws[ref].value, says=says,
                    kpi=spec.name_zh, row=r, cell=ref)
        return
    if how is MeasuredBy.METRIC:
        _metric(ws, r, spec, bad, acc)
    elif how is MeasuredBy.SURVEY:
        _survey(ws, r, spec, bad, acc)


def _metric(ws: Any, r: int, spec: KpiSpec, bad: Problems, acc: _Line) -> None:
    value = bad.number(ws, f"H{r}", label=f"{spec.name_zh}的实测值")
    if value is None:
        return
    if spec.unit in ("%", "percent") and value > 100:
        bad.add(ws.title, f"H{r}", "desk.workbook.bad_cell", ws.cell(row=r, column=8).value,
                says="desk.workbook.cell.percent_over_100", kpi=spec.name_zh, given=value)
    else:
        acc.metrics.append(Metric(spec.id, value))
        acc.measured[spec.id] = f"H{r}"


def _survey(ws: Any, r: int, spec: KpiSpec, bad: Problems, acc: _Line) -> None:
    n = bad.number(ws, f"I{r}", label=f"{spec.name_zh}的调查人数", whole=True)
    s = bad.number(ws, f"J{r}", label=f"{spec.name_zh}的满意人数", whole=True)
    if (n is None) != (s is None):
        bad.add(ws.title, f"I{r}" if n is None else f"J{r}",
                "desk.workbook.missing_value", says="desk.workbook.cell.survey_both")
    elif n is not None and s is not None:
        if n < 1 or s > n:
            bad.add(ws.title, f"J{r}", "desk.workbook.bad_cell", s,
                    says="desk.workbook.cell.satisfied_over_surveyed", satisfied=s,
                    surveyed=n)
        else:
            acc.surveys.append(SurveyResult(spec.id, int(n), int(s)))
            acc.measured[spec.id] = f"I{r}"


def _read_items(ws: Any, r: int, x: LineTemplate, known: dict[str, KpiSpec], bad: Problems,
                acc: _Line) -> None:
    """The score sheet's items from row ``r``: points within each item's maximum."""
    while r <= ws.max_row and cell_text(ws.cell(row=r, column=1).value):
        kid = cell_text(ws.cell(row=r, column=1).value)
        spec = known.get(kid)
        name = cell_text(ws.cell(row=r, column=2).value)
        top_points = bad.number(ws, f"C{r}", label=f"评分项「{name}」的分值", required=True)
        points = bad.number(ws, f"D{r}", label=f"评分项「{name}」的得分")
        if spec is None:
            bad.add(ws.title, f"A{r}", "desk.workbook.unknown_kpi", kid,
                    says="desk.workbook.cell.unknown_kpi_sheet", kpi=kid)
        elif not x.is_due(kid) and points is not None:
            bad.add(ws.title, f"D{r}", "desk.workbook.kpi_not_due", ws[f"D{r}"].value,
                    says="desk.workbook.cell.kpi_not_due_sheet", kpi=spec.name_zh,
                    schedule=spec.schedule.describe())
        elif spec.measurement is not MeasuredBy.SHEET and points is not None:
            bad.add(ws.title, f"D{r}", "desk.workbook.not_an_input", ws[f"D{r}"].value,
                    says="desk.workbook.cell.not_by_sheet", kpi=spec.name_zh, cell=f"D{r}")
        elif kid in acc.measured and points is not None:
            bad.add(ws.title, f"D{r}", "desk.workbook.bad_cell",
                    says="desk.workbook.cell.scored_twice", kpi=spec.name_zh,
                    cell=acc.measured[kid])
        elif top_points is not None and points is not None:
            if top_points <= 0:
                bad.add(ws.title, f"C{r}", "desk.workbook.bad_cell", top_points,
                        says="desk.workbook.cell.item_points_not_positive", item=name)
            elif points > top_points:
                bad.add(ws.title, f"D{r}", "desk.workbook.over_maximum", ws[f"D{r}"].value,
                        says="desk.workbook.cell.over_maximum", item=name, points=points,
                        top=top_points)
            else:
                acc.sheets.setdefault(kid, []).append(ScoreItem(name or kid, top_points,
                                                                points))
        r += 1


def _read_incidents(inc: Any, t: Template, found: dict[str, _Line], bad: Problems) -> None:
    """The 事件 sheet: each incident of a line assessed, of a kind its contract lists, dated
    in the period."""
    start, end = t.period.range.start, t.period.range.end
    labels = {}
    for x in t.lines:
        for k in x.incident_kinds:
            labels[label(k)] = k
            labels[k] = k
    for r in range(2, inc.max_row + 1):
        lid = cell_text(inc.cell(row=r, column=1).value)
        kind_text = cell_text(inc.cell(row=r, column=2).value)
        if not lid and not kind_text and inc.cell(row=r, column=3).value is None:
            continue
        if lid not in found:
            bad.add(INCIDENTS_SHEET, f"A{r}", "desk.workbook.bad_cell", lid,
                    says="desk.workbook.cell.incident_line_unknown", line=lid,
                    lines="、".join(found))
            continue
        allowed = t.line(lid).incident_kinds
        kind = labels.get(kind_text)
        if kind is None or kind not in allowed:
            bad.add(INCIDENTS_SHEET, f"B{r}", "desk.workbook.unknown_incident", kind_text,
                    says="desk.workbook.cell.unknown_incident", kind=kind_text,
                    allowed="、".join(label(k) for k in allowed))
            continue
        on = bad.date(inc, f"C{r}", label="事件日期", required=True)
        if on is None:
            continue
        if not start <= on <= end:
            bad.add(INCIDENTS_SHEET, f"C{r}", "desk.workbook.date_outside_period",
                    on.isoformat(), says="desk.workbook.cell.incident_outside_period", on=on,
                    start=start, end=end)
            continue
        found[lid].incidents.append(Incident(kind, on, cell_text(inc.cell(row=r, column=4).value)))
        if not found[lid].filled:
            bad.add(INCIDENTS_SHEET, f"A{r}", "desk.workbook.missing_value",
                    says="desk.workbook.cell.incident_line_unassessed", line=lid)
