"""The assessment workbook: template out, filled by an assessor, imported back strictly."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from desk_cases import assessments, contract
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

import outsourcing as o
from outsourcing.desk.cells import WorkbookError
from outsourcing.desk.xlsx_assess import (
    INCIDENTS_SHEET,
    INFO_SHEET,
    OPTIONS_SHEET,
    assessment_template,
    import_assessments,
)

ITEMS = {"property": {"inspection": [("保洁", 50), ("秩序维护", 50)]}}


def _row(ws: Any, kpi: str, column: int = 1, start: int = 10) -> int:
    for r in range(start, ws.max_row + 1):
        if ws.cell(row=r, column=column).value == kpi:
            return r
    raise KeyError(kpi)


def add_incident(ws: Any, values: list[Any]) -> int:
    """Type an incident on the first empty row, as a person would."""
    r = 2
    while ws.cell(row=r, column=1).value is not None:
        r += 1
    for c, v in enumerate(values, start=1):
        ws.cell(row=r, column=c, value=v)
    return r


def fill(path: Path) -> Path:
    """Fill the template as the assessor of the October example would."""
    wb = load_workbook(path)
    p = wb["property"]
    p["B5"], p["B6"] = "机关事务管理局考核小组", date(2022, 11, 3)
    p.cell(row=_row(p, "repair_pass_rate"), column=8, value=88)
    r = _row(p, "satisfaction")
    p.cell(row=r, column=9, value=180)
    p.cell(row=r, column=10, value=170)
    items = _row(p, "【评分表】") + 2
    p.cell(row=items, column=4, value=44)
    p.cell(row=items + 1, column=4, value=43)
    e = wb["elevator"]
    e["B5"], e["B6"] = "机关事务管理局考核小组", date(2022, 11, 3)
    e.cell(row=_row(e, "max_maintenance_interval"), column=8, value=14)
    e.cell(row=_row(e, "trapped_arrival"), column=8, value=25)
    r = _row(e, "satisfaction")
    e.cell(row=r, column=9, value=40)
    e.cell(row=r, column=10, value=39)
    inc = wb[INCIDENTS_SHEET]
    add_incident(inc, ["property", "县级领导批评", date(2022, 10, 12), "会议室空调报修两日未处理"])
    wb.save(path)
    return path


@pytest.fixture()
def template(registry: o.PluginHost, tmp_path: Path) -> Path:
    return assessment_template(contract(), "2022-10", registry.rulebook("NX"),
                               tmp_path / "考核表.xlsx", score_items=ITEMS)


def test_assessment_template_has_a_sheet_per_line_with_kpis_items_and_validation(
        template: Path) -> None:
    wb = load_workbook(template)
    assert wb.sheetnames == [INFO_SHEET, OPTIONS_SHEET, "property", "elevator", INCIDENTS_SHEET]
    p = wb["property"]
    r = _row(p, "repair_pass_rate")
    assert [p.cell(row=r, column=c).value for c in (2, 3, 4, 6)] == ["维修合格率", "%", 100, 40]
    items = _row(p, "【评分表】") + 2
    assert [p.cell(row=items + i, column=c).value for i in (0, 1) for c in (2, 3)] == [
        "保洁", 50, "秩序维护", 50]
    kinds = [v for (v,) in wb[OPTIONS_SHEET].iter_rows(min_row=2, min_col=2, max_col=2,
                                                       values_only=True) if v]
    assert "县级领导批评" in kinds
    refs = {str(r) for dv in p.data_validations.dataValidation for r in dv.sqref.ranges}
    assert f"D{items}" in refs and f"H{r}" in refs
    dates = [dv for dv in wb[INCIDENTS_SHEET].data_validations.dataValidation
             if dv.type == "date"]
    assert dates[0].formula1 == "DATE(2022,10,1)" and dates[0].formula2 == "DATE(2022,10,31)"


def test_assessment_import_reads_back_what_the_assessor_filled(
        registry: o.PluginHost, template: Path) -> None:
    rb = registry.rulebook("NX")
    got = import_assessments(fill(template), contract(), "2022-10", rb)
    assert got == assessments()
    st = o.settle(contract(), o.Period.parse("2022-10"), got, rb)
    assert st.payable == o.Money("83410.00")


def _refused(registry: o.PluginHost, path: Path) -> WorkbookError:
    with pytest.raises(WorkbookError) as exc:
        import_assessments(path, contract(), "2022-10", registry.rulebook("NX"))
    return exc.value


def test_assessment_import_refuses_a_renamed_sheet(registry: o.PluginHost, template: Path) -> None:
    wb = load_workbook(fill(template))
    wb["elevator"].title = "电梯"
    wb.save(template)
    err = _refused(registry, template)
    assert err.code == "desk.workbook.sheet_missing"
    assert "缺少工作表「elevator」" in err.message_zh and "电梯" in err.message_zh


def test_assessment_import_refuses_text_in_a_number_cell_and_points_over_the_maximum(
        registry: o.PluginHost, template: Path) -> None:
    wb = load_workbook(fill(template))
    p = wb["property"]
    r = _row(p, "repair_pass_rate")
    p.cell(row=r, column=8, value="八十八")
    items = _row(p, "【评分表】") + 2
    p.cell(row=items, column=4, value=55)
    wb.save(template)
    err = _refused(registry, template)
    where = {(x.sheet, x.cell): x.code for x in err.problems}
    assert where == {("property", f"H{r}"): "desk.workbook.not_a_number",
                     ("property", f"D{items}"): "desk.workbook.over_maximum"}
    assert f"工作表「property」H{r}：维修合格率的实测值应填数字，却填了「八十八」" in err.message_zh
    assert f"工作表「property」D{items}：评分项「保洁」得分 55 超过分值 50" in err.message_zh


def test_assessment_import_refuses_an_unknown_incident_kind_and_a_date_outside_the_period(
        registry: o.PluginHost, template: Path) -> None:
    wb = load_workbook(fill(template))
    inc = wb[INCIDENTS_SHEET]
    add_incident(inc, ["property", "被投诉", date(2022, 10, 20), ""])
    add_incident(inc, ["elevator", "一般问题", date(2022, 11, 2), ""])
    wb.save(template)
    err = _refused(registry, template)
    codes = [(x.cell, x.code) for x in err.problems]
    assert codes == [("B3", "desk.workbook.unknown_incident"),
                     ("C4", "desk.workbook.date_outside_period")]
    assert "事件日期 2022-11-02 不在考核期间 2022-10-01 至 2022-10-31 之内" in err.message_zh


def test_assessment_import_refuses_another_contracts_workbook(
        registry: o.PluginHost, template: Path) -> None:
    wb = load_workbook(fill(template))
    wb[INFO_SHEET]["B3"] = "2022-09"
    wb.save(template)
    assert _refused(registry, template).code == "desk.workbook.wrong_template"


def test_assessment_import_leaves_an_empty_line_unassessed(
        registry: o.PluginHost, template: Path) -> None:
    got = import_assessments(template, contract(), "2022-10", registry.rulebook("NX"))
    assert got == []


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 50), st.integers(0, 50), st.integers(0, 10000), st.integers(1, 500),
       st.data())
def test_assessment_workbook_reads_back_any_valid_filling(
        a: int, b: int, rate_centi: int, responses: int, data: st.DataObject) -> None:
    import tempfile

    satisfied = data.draw(st.integers(0, responses))
    rate = Decimal(rate_centi).scaleb(-2)
    rb = o.load().rulebook("NX")
    with tempfile.TemporaryDirectory() as tmp:
        path = assessment_template(contract(), "2022-10", rb, Path(tmp) / "t.xlsx",
                                   score_items=ITEMS)
        wb = load_workbook(path)
        p = wb["property"]
        p["B5"], p["B6"] = "考核小组", date(2022, 11, 1)
        p.cell(row=_row(p, "repair_pass_rate"), column=8, value=float(rate))
        r = _row(p, "satisfaction")
        p.cell(row=r, column=9, value=responses)
        p.cell(row=r, column=10, value=satisfied)
        items = _row(p, "【评分表】") + 2
        p.cell(row=items, column=4, value=a)
        p.cell(row=items + 1, column=4, value=b)
        wb.save(path)
        got = import_assessments(path, contract(), "2022-10", rb)
    assert got == [o.Assessment(
        "property", o.Period.parse("2022-10"), "考核小组", date(2022, 11, 1),
        sheets=[o.ScoreSheet("inspection", [o.ScoreItem("保洁", 50, a),
                                            o.ScoreItem("秩序维护", 50, b)])],
        metrics=[o.Metric("repair_pass_rate", rate)],
        surveys=[o.Survey("satisfaction", responses, satisfied)])]
