"""Contracts and framework price lists read from workbooks in the documented layout."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import attrs
import pytest
from desk_cases import contract
from openpyxl import Workbook, load_workbook

import outsourcing as o
from outsourcing.desk.cells import WorkbookError
from outsourcing.desk.xlsx_contract import (
    CONTRACT_SHEET,
    LINES_SHEET,
    PRICE_HEADERS,
    PRICE_SHEET,
    read_contract_workbook,
    read_price_list,
    write_contract_workbook,
)


def test_contract_workbook_round_trips_the_contract(tmp_path: Path) -> None:
    c = attrs.evolve(contract(), signed_on=date(2021, 12, 20), payment_days=30,
                     budget=o.Money("1200000.00"))
    got = read_contract_workbook(write_contract_workbook(c, tmp_path / "c.xlsx"))
    assert got == c
    assert got.original_amount == c.original_amount


def test_contract_workbook_refuses_bad_cells_naming_each(tmp_path: Path) -> None:
    path = write_contract_workbook(contract(), tmp_path / "c.xlsx")
    wb = load_workbook(path)
    ws = wb[LINES_SHEET]
    ws["E2"] = "八万"
    ws["D3"] = "包干"
    wb.save(path)
    with pytest.raises(WorkbookError) as exc:
        read_contract_workbook(path)
    assert [(p.sheet, p.cell, p.code) for p in exc.value.problems] == [
        ("服务项目", "E2", "desk.workbook.not_a_number"),
        ("服务项目", "D3", "desk.workbook.bad_cell")]
    assert "工作表「服务项目」E2：月费应填数字，却填了「八万」" in exc.value.message_zh


def test_contract_workbook_refuses_a_bad_credit_code_naming_its_cell(tmp_path: Path) -> None:
    path = write_contract_workbook(contract(), tmp_path / "c.xlsx")
    wb = load_workbook(path)
    ws = wb[CONTRACT_SHEET]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "统一社会信用代码")
    ws.cell(row, 2).value = "91640100MA76ABCD12"
    wb.save(path)
    with pytest.raises(WorkbookError) as exc:
        read_contract_workbook(path)
    assert [(p.sheet, p.cell, p.code) for p in exc.value.problems] == [
        (CONTRACT_SHEET, f"B{row}", "model.credit_code.checksum")]
    assert "统一社会信用代码" in exc.value.message_zh


def test_contract_workbook_keeps_the_purchasers_credit_code_and_names_a_bad_ones_cell(
        tmp_path: Path) -> None:
    c = contract()
    assert c.purchaser.credit_code
    path = write_contract_workbook(c, tmp_path / "c.xlsx")
    assert read_contract_workbook(path).purchaser == c.purchaser
    wb = load_workbook(path)
    ws = wb[CONTRACT_SHEET]
    row = next(r for r in range(1, ws.max_row + 1)
               if ws.cell(r, 1).value == "采购人统一社会信用代码")
    ws.cell(row, 2).value = "11640000MB1576321X"
    wb.save(path)
    with pytest.raises(WorkbookError) as exc:
        read_contract_workbook(path)
    assert [(p.sheet, p.cell, p.code) for p in exc.value.problems] == [
        (CONTRACT_SHEET, f"B{row}", "model.credit_code.checksum")]


def test_price_list_is_read_from_its_sheet(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = PRICE_SHEET
    ws.append(list(PRICE_HEADERS))
    ws.append(["car-5", "5座轿车（市内，每趟）", "official_transport", "趟", 120])
    ws.append(["bus-30", "30座客车（每日）", "official_transport", "日", "1500.00"])
    wb.save(tmp_path / "p.xlsx")
    items = read_price_list(tmp_path / "p.xlsx")
    assert [(i.code, i.max_price) for i in items] == [("car-5", o.Money("120.00")),
                                                      ("bus-30", o.Money("1500.00"))]


def test_contract_workbook_reads_a_unit_price_to_four_decimals_and_refuses_five(
    tmp_path: Path,
) -> None:
    base = contract()
    line = o.ServiceLine("greening", "greening", base.lines[0].site,
                         o.UnitRate("3.865", "42350.6", "m²"))
    c = attrs.evolve(base, lines=[*base.lines, line])
    path = write_contract_workbook(c, tmp_path / "c.xlsx")
    got = read_contract_workbook(path)
    assert got == c and str(got.line("greening").pricing.unit_price) == "3.865"  # type: ignore[union-attr]
    wb = load_workbook(path)
    ws = wb[LINES_SHEET]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "greening")
    assert ws.cell(row, 6).number_format == "¥#,##0.00##"
    ws.cell(row, 6).value = "3.86512"
    wb.save(path)
    with pytest.raises(WorkbookError) as exc:
        read_contract_workbook(path)
    assert [(p.sheet, p.cell) for p in exc.value.problems] == [(LINES_SHEET, f"F{row}")]
    assert "单价最多四位小数" in exc.value.message_zh
