"""Actual usage at the desk: ``usage template`` / ``usage import`` (one transaction) and
``usage record``; bad cells named by sheet and cell, nothing half-recorded."""

from __future__ import annotations

from pathlib import Path

import pytest
from desk_cases import usage_assessments, usage_contract
from openpyxl import load_workbook
from test_month_at_the_desk_end_to_end import Desk

import outsourcing as o
from outsourcing.serialize import unstructure

CID = "ZW-2022-GWYC"


@pytest.fixture
def desk(tmp_path: Path) -> Desk:
    import json

    d = Desk(tmp_path)
    assert d("init", "--actor", "wang", "--name", "王审批").code == 0
    # four eyes: zhao accepts the founding proposal, then confirms li
    assert d("actor", "add", "zhao", "赵审批", "--role", "approver", "--as", "wang").code == 0
    assert d("actor", "confirm", "zhao", "--as", "zhao").code == 0
    assert d("actor", "add", "li", "李经办", "--role", "officer", "--role", "assessor",
             "--role", "finance", "--as", "wang").code == 0
    assert d("actor", "confirm", "li", "--as", "zhao").code == 0
    (tmp_path / "c.json").write_text(json.dumps(unstructure(usage_contract()), ensure_ascii=False),
                                     encoding="utf-8")
    assert d("contract", "add", "c.json", "--as", "li").code == 0
    with o.Store.open(d.env["OUTSOURCING_DB"]) as store:
        store.record_assessments(CID, usage_assessments(), by="li")
    return d


def filled(d: Desk, trips: object, materials: object, name: str = "用量.xlsx") -> str:
    assert d("usage", "template", CID, "2022-10", "-o", "模板.xlsx").code == 0
    wb = load_workbook(d.folder / "模板.xlsx")
    ws = wb["实际用量"]
    rows = {ws.cell(row=r, column=1).value: r for r in range(7, ws.max_row + 1)}
    assert set(rows) == {"trips", "canteen"}   # only the lines settled on usage
    ws.cell(row=rows["trips"], column=9, value=trips)
    ws.cell(row=rows["canteen"], column=10, value=materials)
    wb.save(d.folder / name)
    return name


def test_usage_workbook_imports_in_one_go_and_settles_on_the_receipts(desk: Desk) -> None:
    r = desk("usage", "import", CID, "2022-10", filled(desk, 57, 41236.5), "--as", "li")
    assert r.code == 0 and "已录入 canteen 的 2022-10 实际用量" in r.out
    again = desk("usage", "import", CID, "2022-10", "用量.xlsx", "--as", "li")
    assert again.code == 0 and again.out.count("数值相同，未重复记录") == 2
    changed = desk("usage", "import", CID, "2022-10", filled(desk, 58, 41236.5, "改.xlsx"),
                   "--as", "li")
    assert changed.code == 2 and "更正须说明理由" in changed.err
    st = desk("settle", "2022-10", "--contract", CID, "--as", "li")
    assert st.code == 0 and "usage.missing" not in st.out
    with o.Store.open(desk.env["OUTSOURCING_DB"]) as store:
        s = store.statement(CID, "2022-10")
    assert s.line("canteen").fee == o.Money("71236.50")    # labour + the receipts
    assert s.line("trips").fee == o.Money("4560.00")       # 57 trips, not the plan of 60
    fixed = desk("usage", "import", CID, "2022-10", "改.xlsx", "--as", "li",
                 "--correction", "补录一趟")
    assert fixed.code == 0 and "已更正 trips 的 2022-10 实际用量（第2版）：补录一趟" in fixed.out
    # the template shows what is recorded
    desk("usage", "template", CID, "2022-10", "-o", "再.xlsx")
    ws = load_workbook(desk.folder / "再.xlsx")["实际用量"]
    assert ws["A7"].value == "trips" and ws["I7"].value == 58


@pytest.mark.parametrize(("trips", "materials", "cell", "says"), [
    (-3, 41236.5, "I7", "不能为负数"),
    ("五十七", 41236.5, "I7", "应填数字"),
    (57, -1, "J8", "不能为负数"),
    (57, "四万", "J8", "应填数字"),
])
def test_bad_usage_cells_are_named_by_sheet_and_cell_and_nothing_is_recorded(
        desk: Desk, trips: object, materials: object, cell: str, says: str) -> None:
    r = desk("usage", "import", CID, "2022-10", filled(desk, trips, materials), "--as", "li")
    assert r.code == 2
    assert f"工作表「实际用量」{cell}" in r.err and says in r.err
    shown = desk("usage", "show", CID, "2022-10")
    assert "尚未录入实际用量" in shown.out


@pytest.mark.parametrize(("args", "says"), [
    (("trips", "--quantity", "-2"), "--quantity 不能为负数"),
    (("trips", "--quantity", "abc"), "--quantity 应填数字"),
    (("canteen", "--materials", "12.345"), "分"),
    (("cleaning", "--quantity", "3"), "cleaning"),
])
def test_usage_record_refuses_bad_values_naming_the_field(
        desk: Desk, args: tuple[str, ...], says: str) -> None:
    r = desk("usage", "record", CID, "2022-10", *args, "--as", "li")
    assert r.code == 2 and says in r.err


def test_usage_record_records_one_line_and_settlement_withholds_the_other(desk: Desk) -> None:
    r = desk("usage", "record", CID, "2022-10", "trips", "--quantity", "57", "--note",
             "派车单 57 张", "--as", "li")
    assert r.code == 0
    st = desk("settle", "2022-10", "--contract", CID, "--as", "li")
    assert st.code == 1   # an error finding: canteen's materials are not recorded
    assert "canteen 的 2022-10 原材料实际金额未录入" in st.out
    shown = desk("usage", "show", CID, "2022-10", "--json")
    assert '"note": "派车单 57 张"' in shown.out
