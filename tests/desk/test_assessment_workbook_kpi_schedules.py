"""The assessment workbook with KPI schedules and cells by how each KPI is measured: a KPI
not due is locked and says why, the import neither needs nor accepts a value for it; each KPI
offers only the cells it needs (实测值, or 调查人数 and 满意人数)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from desk_cases import contract
from kpi_schedule_cases import fire_contract, fire_kpis
from openpyxl import load_workbook

import outsourcing as o
from outsourcing.desk.cells import WorkbookError
from outsourcing.desk.xlsx_assess import (
    KPI_HEADERS,
    NOT_DUE,
    assessment_template,
    import_assessments,
)
from outsourcing.performance import NotApplicable

ITEMS = {"property": {"inspection": [("保洁", 50), ("秩序维护", 50)]}}
YELLOW = "00FFF7CC"


def _row(ws: Any, kpi: str) -> int:
    for r in range(10, ws.max_row + 1):
        if ws.cell(row=r, column=1).value == kpi:
            return r
    raise KeyError(kpi)


def _input(ws: Any, ref: str) -> bool:
    """A cell offered for input: yellow and not locked."""
    c = ws[ref]
    return c.fill.fgColor.rgb == YELLOW and not c.protection.locked


@pytest.fixture(scope="module")
def rb() -> o.RuleBook:
    return o.load().rulebook("CN")


def _template(rb: o.RuleBook, tmp: Path, period: str, **kw: Any) -> Path:
    return assessment_template(fire_contract(), period, rb, tmp / f"考核表{period}.xlsx",
                               kpis=fire_kpis(**kw))


def _fill(path: Path, **cells: Any) -> Path:
    wb = load_workbook(path)
    ws = wb["fire"]
    ws["B5"], ws["B6"] = "考核小组", o.Period.parse(
        str(wb["说明"]["B3"].value)).end
    for ref, v in cells.items():
        ws[ref] = v
    wb.save(path)
    return path


def _import(rb: o.RuleBook, path: Path, period: str, **kw: Any) -> list[o.Assessment]:
    return import_assessments(path, fire_contract(), period, rb, kpis=fire_kpis(**kw))


def test_a_kpi_not_due_is_locked_in_the_template_and_says_why(rb: o.RuleBook,
                                                              tmp_path: Path) -> None:
    ws = load_workbook(_template(rb, tmp_path, "2026-03"))["fire"]
    assert list(KPI_HEADERS[-2:]) == ["考核周期", "不适用理由"]
    r = _row(ws, "yearly_full_test")
    assert ws[f"H{r}"].value == NOT_DUE and ws[f"L{r}"].value == "每年10月；本期不考核"
    assert not any(_input(ws, f"{c}{r}") for c in "HIJM")
    assert ws.protection.sheet
    m = _row(ws, "monthly_check_done")
    assert _input(ws, f"H{m}") and not _input(ws, f"I{m}") and not _input(ws, f"J{m}")
    assert ws[f"L{m}"].value == "每期"
    october = load_workbook(_template(rb, tmp_path, "2026-10"))["fire"]
    assert _input(october, f"H{_row(october, 'yearly_full_test')}")


def test_the_import_needs_no_value_for_a_kpi_not_due_and_pays_in_full(
        rb: o.RuleBook, tmp_path: Path) -> None:
    path = _template(rb, tmp_path, "2026-03")
    ws = load_workbook(path)["fire"]
    [a] = _import(rb, _fill(path, **{f"H{_row(ws, 'monthly_check_done')}": 100}), "2026-03")
    assert [m.kpi for m in a.metrics] == ["monthly_check_done"]
    s = o.settle(fire_contract(), "2026-03", [a], rb, kpis=fire_kpis())
    assert s.line("fire").pay_rate == 1 and s.line("fire").withheld == o.Money.ZERO


def test_the_import_refuses_a_value_for_a_kpi_not_due_naming_sheet_and_cell(
        rb: o.RuleBook, tmp_path: Path) -> None:
    path = _template(rb, tmp_path, "2026-03")
    ws = load_workbook(path)["fire"]
    r = _row(ws, "yearly_full_test")
    _fill(path, **{f"H{_row(ws, 'monthly_check_done')}": 100, f"H{r}": 1})
    with pytest.raises(WorkbookError) as e:
        _import(rb, path, "2026-03")
    [p] = e.value.problems
    assert (p.sheet, p.cell, p.code) == ("fire", f"H{r}", "desk.workbook.kpi_not_due")
    assert (f"工作表「fire」H{r}：指标「年度全面检测」本期不考核（考核周期：每年10月）"
            in e.value.message_zh)


def test_the_import_refuses_not_applicable_where_the_contract_does_not_allow_it(
        rb: o.RuleBook, tmp_path: Path) -> None:
    path = _template(rb, tmp_path, "2026-03")
    ws = load_workbook(path)["fire"]
    r = _row(ws, "monthly_check_done")
    assert not _input(ws, f"M{r}")
    _fill(path, **{f"M{r}": "本月停电"})
    with pytest.raises(WorkbookError) as e:
        _import(rb, path, "2026-03")
    [p] = e.value.problems
    assert (p.sheet, p.cell, p.code) == ("fire", f"M{r}", "desk.workbook.not_applicable_refused")
    assert "合同未约定指标「月度检查完成率」可标记为不适用" in e.value.message_zh


def test_not_applicable_where_the_contract_allows_it_is_imported_with_its_reason(
        rb: o.RuleBook, tmp_path: Path) -> None:
    path = _template(rb, tmp_path, "2026-03", na=True)
    ws = load_workbook(path)["fire"]
    r = _row(ws, "monthly_check_done")
    assert _input(ws, f"M{r}")
    [a] = _import(rb, _fill(path, **{f"M{r}": "本月停电检修"}), "2026-03", na=True)
    assert a.not_applicable == (NotApplicable("monthly_check_done", "本月停电检修"),)
    assert not a.metrics
    s = o.settle(fire_contract(), "2026-03", [a], rb, kpis=fire_kpis(na=True))
    assert s.line("fire").score == 100 and "不适用：本月停电检修" in s.line("fire").not_scored


def test_each_kpi_offers_only_the_cells_it_needs(registry: o.PluginHost, tmp_path: Path) -> None:
    path = assessment_template(contract(), "2022-10", registry.rulebook("NX"),
                               tmp_path / "考核表.xlsx", score_items=ITEMS)
    p = load_workbook(path)["property"]
    metric, survey, sheet = (_row(p, k) for k in ("repair_pass_rate", "satisfaction",
                                                    "inspection"))
    assert [_input(p, f"{c}{metric}") for c in "HIJ"] == [True, False, False]
    assert [_input(p, f"{c}{survey}") for c in "HIJ"] == [False, True, True]
    assert [_input(p, f"{c}{sheet}") for c in "HIJ"] == [False, False, False]
    assert p[f"H{sheet}"].value == "见评分表"
    wb = load_workbook(path)
    ws = wb["property"]
    ws["B5"], ws["B6"] = "考核小组", ws["B6"].value or o.Period.parse("2022-10").end
    ws[f"H{survey}"] = 95            # a rate typed where the survey's counts go
    ws[f"I{metric}"] = 10            # survey counts on a measured KPI
    wb.save(path)
    with pytest.raises(WorkbookError) as e:
        import_assessments(path, contract(), "2022-10", registry.rulebook("NX"))
    where = {(x.cell, x.code) for x in e.value.problems}
    assert where == {(f"H{survey}", "desk.workbook.not_an_input"),
                     (f"I{metric}", "desk.workbook.not_an_input")}
    assert (f"指标「满意率」按满意度调查计分，填调查人数与满意人数（I{survey}、J{survey}）"
            in e.value.message_zh)
