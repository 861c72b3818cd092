"""Statements exported to Excel: numbers formatted ¥#,##0.00, totals to the fen."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from desk_cases import contract, october_statement
from openpyxl import load_workbook

import outsourcing as o
from outsourcing.desk.xlsx_statement import (
    MONEY_FORMAT,
    SUMMARY_HEADERS,
    SUMMARY_SHEET,
    export_statements,
)


def _money(v: Any) -> o.Money:
    """A cell read back by openpyxl (a float) as money; repr keeps every digit Excel has."""
    assert isinstance(v, int | float | Decimal) and not isinstance(v, bool), v
    return o.Money(Decimal(repr(v)).quantize(Decimal("0.01")))


@pytest.fixture(scope="module")
def statements(registry: o.PluginHost) -> list[o.Statement]:
    import attrs
    first = october_statement(registry)
    other_contract = attrs.evolve(contract(), id="NXJG-2022-WY-002",
                                  supplier=o.Supplier("S-2", "银川某物业公司", "medium"))
    from desk_cases import assessments
    second = o.settle(other_contract, o.Period.parse("2022-10"), assessments()[:1],
                      registry.rulebook("NX"))
    return [first, second]


def test_statement_workbook_totals_equal_the_statements_to_the_fen(
        statements: list[o.Statement], tmp_path: Path) -> None:
    path = export_statements(statements, tmp_path / "2022-10.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == [SUMMARY_SHEET, "NXJG-2022-WY-001", "NXJG-2022-WY-002"]
    ws = wb[SUMMARY_SHEET]
    assert tuple(c.value for c in ws[1]) == SUMMARY_HEADERS
    col = SUMMARY_HEADERS.index("应付金额") + 1
    rows = [_money(ws.cell(row=r, column=col).value) for r in (2, 3)]
    assert rows == [s.payable for s in statements]
    assert rows[0] == o.Money("83410.00")
    total = _money(ws.cell(row=4, column=col).value)
    assert ws.cell(row=4, column=1).value == "合计"
    assert total == statements[0].payable + statements[1].payable
    assert ws.cell(row=2, column=col).number_format == MONEY_FORMAT
    due = SUMMARY_HEADERS.index("应付合计") + 1
    assert _money(ws.cell(row=2, column=due).value) == o.Money("84035.58")


def test_statement_workbook_contract_sheet_has_lines_and_the_basis_of_each_figure(
        statements: list[o.Statement], tmp_path: Path) -> None:
    wb = load_workbook(export_statements(statements, tmp_path / "x.xlsx"))
    ws = wb["NXJG-2022-WY-001"]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    lines: dict[str, list[Any]] = {}
    for r in values:
        if r[0] in ("property", "elevator", "合计"):
            lines.setdefault(r[0], r)  # the line table comes before the basis
    assert _money(lines["property"][12]) == o.Money("73720.00")
    assert _money(lines["elevator"][12]) == o.Money("9690.00")
    assert _money(lines["合计"][12]) == o.Money("83410.00")
    texts = [str(v) for r in values for v in r if v is not None]
    assert "计算依据" in texts
    assert any("保障中小企业款项支付条例（国务院令第728号）第十五条" in t for t in texts)
    assert "人民币捌万叁仟肆佰壹拾元整" in texts
