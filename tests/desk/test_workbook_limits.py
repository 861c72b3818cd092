"""Workbooks are read within limits checked before the work (issue 25's reproductions).

Each hostile workbook is refused (or, for an empty stray cell, read) in well under the half
second the issue asks for; the bounds asserted here are generous, because the machine that
runs the suite is shared — ``benchmarks/workbooks.py`` reports the real figures.
"""

from __future__ import annotations

import re
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from desk_cases import contract
from openpyxl import load_workbook

import outsourcing as o
from outsourcing.desk.cells import WorkbookError
from outsourcing.desk.xlsx_assess import assessment_template, import_assessments
from outsourcing.desk.xlsx_contract import (
    CONTRACT_SHEET,
    LINES_SHEET,
    read_contract_terms,
    write_contract_workbook,
)
from outsourcing.desk.xlsx_open import MAX_ROWS, open_workbook
from outsourcing.errors import OutsourcingError

REFUSED_WITHIN = 2.0
"""Seconds a refusal may take here (the issue's bound is 0.5 s on a quiet machine)."""


def _rewrite(path: Path, out: Path, edit: Callable[[str, bytes], bytes | None],
             extra: dict[str, bytes] | None = None) -> Path:
    """A copy of the workbook with each part passed through ``edit`` (None drops it)."""
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zo:
        for info in zin.infolist():
            data = edit(info.filename, zin.read(info.filename))
            if data is not None:
                zo.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            zo.writestr(name, data)
    return out


def _sheet_part(path: Path, name: str) -> str:
    """The part (``xl/worksheets/sheet3.xml``) holding the sheet called ``name``."""
    with zipfile.ZipFile(path) as z:
        book = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(rf'<sheet [^>]*name="{name}"[^>]*r:id="(\w+)"', book)
    assert rid is not None
    target = re.search(rf'<Relationship [^>]*Id="{rid.group(1)}"[^>]*/>', rels)
    assert target is not None
    got = re.search(r'Target="([^"]+)"', target.group(0))
    assert got is not None
    return "xl/" + got.group(1).lstrip("/").removeprefix("xl/")


def _add_cells(path: Path, out: Path, sheet: str, xml: str) -> Path:
    """``xml`` (rows) added at the end of the sheet's data."""
    part = _sheet_part(path, sheet)

    def edit(name: str, data: bytes) -> bytes:
        if name != part:
            return data
        return data.replace(b"</sheetData>", xml.encode() + b"</sheetData>")

    return _rewrite(path, out, edit)


def _refused(read: Callable[[], object]) -> tuple[OutsourcingError, float]:
    t0 = time.perf_counter()
    with pytest.raises(OutsourcingError) as exc:
        read()
    return exc.value, time.perf_counter() - t0


@pytest.fixture()
def workbook(tmp_path: Path) -> Path:
    return write_contract_workbook(contract(), tmp_path / "c.xlsx")


# --- numbers through the exact reader -------------------------------------------------------
@pytest.mark.parametrize("value", [1e30, "1e30", "1e999999", 10**40])
@pytest.mark.parametrize(("pricing", "column", "label"), [
    (o.FixedMonthly("80000.00"), "E", "月费"),
    (o.UnitRate("80.0000", "10", unit="次"), "F", "单价"),
    (o.LabourPlusMaterials("5000.00", "2000.00"), "I", "人工费（月）"),
    (o.LabourPlusMaterials("5000.00", "2000.00"), "J", "材料费预算（月）"),
])
def test_a_huge_money_cell_is_a_named_bad_cell_not_an_arithmetic_error(
        tmp_path: Path, value: object, pricing: object, column: str, label: str) -> None:
    import attrs

    c = contract()
    c = attrs.evolve(c, lines=[attrs.evolve(c.lines[0], pricing=pricing)])
    path = write_contract_workbook(c, tmp_path / "c.xlsx")
    wb = load_workbook(path)
    wb[LINES_SHEET][f"{column}2"] = value
    wb.save(path)
    with pytest.raises(WorkbookError) as exc:
        read_contract_terms(path)
    (problem,) = exc.value.problems
    assert (problem.sheet, problem.cell) == (LINES_SHEET, f"{column}2")
    assert problem.code in ("money.out_of_range", "desk.workbook.number_out_of_range",
                            "unit_price.out_of_range", "money.unit_price_out_of_range"
                            ) or problem.code.endswith("out_of_range")
    assert label.split("（")[0] in exc.value.message_zh


@pytest.mark.parametrize("value", [1e30, "1e999999"])
def test_a_huge_budget_is_a_named_bad_cell(workbook: Path, value: object) -> None:
    wb = load_workbook(workbook)
    ws = wb[CONTRACT_SHEET]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "预算")
    ws.cell(row, 2).value = value
    wb.save(workbook)
    with pytest.raises(WorkbookError) as exc:
        read_contract_terms(workbook)
    assert [(p.sheet, p.cell) for p in exc.value.problems] == [(CONTRACT_SHEET, f"B{row}")]
    assert exc.value.problems[0].code.endswith("out_of_range")


# --- the used range ---------------------------------------------------------------------------
def test_a_cell_reference_past_excels_last_row_is_refused_in_milliseconds(
        workbook: Path, tmp_path: Path) -> None:
    bad = _add_cells(workbook, tmp_path / "far.xlsx", LINES_SHEET,
                     '<row r="999999991"><c r="A999999991" t="inlineStr"><is><t>x</t></is></c>'
                     "</row>")
    err, took = _refused(lambda: read_contract_terms(bad))
    assert err.code == "desk.workbook.bad_reference"
    assert "服务项目" in err.message_zh and str(bad) in err.message_zh
    assert took < REFUSED_WITHIN


def test_a_stray_empty_cell_at_the_last_row_is_ignored(workbook: Path, tmp_path: Path) -> None:
    stray = _add_cells(workbook, tmp_path / "stray.xlsx", LINES_SHEET,
                       '<row r="1048576"><c r="A1048576" s="1"/></row>')
    t0 = time.perf_counter()
    got = read_contract_terms(stray)
    assert time.perf_counter() - t0 < REFUSED_WITHIN
    assert got.contract == contract()
    assert open_workbook(stray)[LINES_SHEET].max_row == 3


def test_a_value_past_the_read_range_is_refused_naming_its_cell(
        workbook: Path, tmp_path: Path) -> None:
    far = _add_cells(workbook, tmp_path / "far.xlsx", LINES_SHEET,
                     '<row r="1048576"><c r="A1048576"><v>1</v></c></row>')
    err, took = _refused(lambda: read_contract_terms(far))
    assert err.code == "desk.workbook.cell_out_of_range"
    assert "工作表「服务项目」A1048576 有内容" in err.message_zh
    assert f"第 {MAX_ROWS} 行" in err.message_zh
    assert took < REFUSED_WITHIN


def test_a_stray_cell_on_the_assessment_workbook_is_ignored_too(
        registry: o.PluginHost, tmp_path: Path) -> None:
    path = assessment_template(contract(), "2022-10", registry.rulebook("NX"),
                               tmp_path / "a.xlsx")
    stray = _add_cells(path, tmp_path / "stray.xlsx", "事件",
                       '<row r="1048576"><c r="D1048576" s="1"/></row>')
    t0 = time.perf_counter()
    assert import_assessments(stray, contract(), "2022-10", registry.rulebook("NX")) == []
    assert time.perf_counter() - t0 < REFUSED_WITHIN


def test_a_hundred_thousand_line_rows_are_refused_in_milliseconds(
        workbook: Path, tmp_path: Path) -> None:
    rows = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>L{r}</t></is></c>'
                   f'<c r="E{r}"><v>100</v></c></row>' for r in range(4, 100_004))
    big = _add_cells(workbook, tmp_path / "big.xlsx", LINES_SHEET, rows)
    err, took = _refused(lambda: read_contract_terms(big))
    assert err.code in ("desk.workbook.cell_out_of_range", "desk.workbook.too_many_cells")
    assert took < REFUSED_WITHIN


# --- sizes, bombs, entities, damage ---------------------------------------------------------
def test_a_zip_bomb_of_a_million_rows_is_refused_in_milliseconds(
        workbook: Path, tmp_path: Path) -> None:
    part = _sheet_part(workbook, LINES_SHEET)
    rows = b"<row><c><v>1</v></c></row>" * (1_048_576 - 3)  # rows 4 to 1,048,576

    def edit(name: str, data: bytes) -> bytes:
        return data.replace(b"</sheetData>", rows + b"</sheetData>") if name == part else data

    bomb = _rewrite(workbook, tmp_path / "bomb.xlsx", edit)
    assert bomb.stat().st_size < 256 * 1024
    err, took = _refused(lambda: read_contract_terms(bomb))
    assert err.code in ("desk.workbook.too_many_cells", "desk.workbook.cell_out_of_range",
                        "desk.workbook.too_large_inflated")
    assert took < REFUSED_WITHIN


def test_a_huge_title_inflating_past_the_limit_is_refused(
        workbook: Path, tmp_path: Path) -> None:
    part = _sheet_part(workbook, CONTRACT_SHEET)
    title = b"\xe5\x9b\xbd" * (30 * 1024 * 1024)  # 90 MB of text, about 90 KB zipped

    def edit(name: str, data: bytes) -> bytes:
        if name != part:
            return data
        return re.sub(rb"(<t>)[^<]*(</t></is></c></row>)", lambda m: m.group(1) + title +
                      m.group(2), data, count=2)

    bomb = _rewrite(workbook, tmp_path / "title.xlsx", edit)
    assert bomb.stat().st_size < 1024 * 1024
    err, took = _refused(lambda: read_contract_terms(bomb))
    assert err.code == "desk.workbook.too_large_inflated"
    assert "压缩炸弹" in err.message_zh
    assert took < REFUSED_WITHIN


def test_a_cell_longer_than_excel_allows_is_refused(workbook: Path, tmp_path: Path) -> None:
    long = _add_cells(workbook, tmp_path / "long.xlsx", LINES_SHEET,
                      '<row r="5"><c r="K5" t="inlineStr"><is><t>' + "说" * 40_000
                      + "</t></is></c></row>")
    err, _ = _refused(lambda: read_contract_terms(long))
    assert err.code == "desk.workbook.text_too_long"
    assert "工作表「服务项目」K5" in err.message_zh


def test_xml_entities_are_refused(workbook: Path, tmp_path: Path) -> None:
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              + "".join(f'<!ENTITY lol{i} "{"&lol%s;" % (i - 1 if i else "") * 10}">'
                        for i in range(1, 10)).replace("&lol0;", "&lol;")
              + "]>")
    part = _sheet_part(workbook, CONTRACT_SHEET)

    def edit(name: str, data: bytes) -> bytes:
        if name != part:
            return data
        return laughs.encode() + re.sub(rb"^<\?xml[^>]*\?>", b"", data).replace(
            b"<t>", b"<t>&lol9;", 1)

    bad = _rewrite(workbook, tmp_path / "laughs.xlsx", edit)
    err, took = _refused(lambda: read_contract_terms(bad))
    assert err.code == "desk.workbook.xml_entities"
    assert took < REFUSED_WITHIN


def _needs_zip_version(b: bytes, version: int) -> bytes:
    """The workbook with its first central-directory entry asking for zip ``version`` (x10)
    to extract it."""
    at = b.index(b"PK\x01\x02") + 6
    return b[:at] + version.to_bytes(2, "little") + b[at + 2:]


@pytest.mark.parametrize(("damage", "code"), [
    (lambda b: b"not a zip at all", "desk.workbook.not_a_zip"),
    (lambda b: b[: len(b) // 2], "desk.workbook.not_a_zip"),
    (lambda b: b[:200] + bytes(x ^ 0x5A for x in b[200:400]) + b[400:], "desk.workbook.damaged"),
    # a zip needing a newer format to extract (found by the workbook_files fuzz target)
    (lambda b: _needs_zip_version(b, 218), "desk.workbook.not_a_zip"),
])
def test_a_damaged_file_is_a_chinese_error_naming_it(
        workbook: Path, damage: Callable[[bytes], bytes], code: str) -> None:
    workbook.write_bytes(damage(workbook.read_bytes()))
    err, _ = _refused(lambda: read_contract_terms(workbook))
    assert err.code == code
    assert err.message_zh.startswith(f"{workbook}：")
    assert "Error" not in err.message_zh


def test_a_workbook_missing_its_parts_is_damaged(workbook: Path, tmp_path: Path) -> None:
    bad = _rewrite(workbook, tmp_path / "nobook.xlsx",
                   lambda name, data: None if name == "xl/workbook.xml" else data)
    err, _ = _refused(lambda: read_contract_terms(bad))
    assert err.code == "desk.workbook.damaged"


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    from outsourcing.desk import xlsx_open

    big = tmp_path / "big.xlsx"
    with big.open("wb") as f:
        f.truncate(xlsx_open.MAX_FILE_BYTES + 1)
    err, took = _refused(lambda: open_workbook(big))
    assert err.code == "desk.workbook.too_large"
    assert took < REFUSED_WITHIN


def test_too_many_sheets_are_refused(workbook: Path, tmp_path: Path) -> None:
    from outsourcing.desk.xlsx_open import MAX_SHEETS

    def edit(name: str, data: bytes) -> bytes:
        if name != "xl/workbook.xml":
            return data
        more = b"".join(b'<sheet name="x%d" sheetId="%d" r:id="rId1"/>' % (i, 100 + i)
                        for i in range(MAX_SHEETS))
        return data.replace(b"</sheets>", more + b"</sheets>")

    bad = _rewrite(workbook, tmp_path / "sheets.xlsx", edit)
    assert _refused(lambda: read_contract_terms(bad))[0].code == "desk.workbook.too_many_sheets"


# --- the wrong template -----------------------------------------------------------------------
def test_another_contracts_assessment_workbook_is_the_wrong_template(
        registry: o.PluginHost, tmp_path: Path) -> None:
    import attrs

    other = attrs.evolve(contract(), id="NXJG-2022-BJ-009", lines=[
        o.ServiceLine("cleaning", "cleaning", "自治区政府办公区", o.FixedMonthly("20000.00"))])
    path = assessment_template(other, "2022-10", registry.rulebook("NX"), tmp_path / "a.xlsx")
    err, _ = _refused(lambda: import_assessments(path, contract(), "2022-10",
                                                 registry.rulebook("NX")))
    assert err.code == "desk.workbook.wrong_template"
    assert "NXJG-2022-BJ-009" in err.message_zh
