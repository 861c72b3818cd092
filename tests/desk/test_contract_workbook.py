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


# --- the whole contract in the workbook ----------------------------------------------------

from contract_strategies import contract_terms  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402

from outsourcing.desk.xlsx_contract import read_contract_terms  # noqa: E402
from outsourcing.terms import ContractTerms  # noqa: E402


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(terms=contract_terms())
def test_workbook_export_then_read_is_the_identity_for_any_contract(
        tmp_path: Path, terms: ContractTerms) -> None:
    got = read_contract_terms(write_contract_workbook(terms, tmp_path / "c.xlsx"))
    assert got.contract == terms.contract
    assert got.rules == terms.rules
    assert got.contract_rules == terms.contract_rules
    assert got.adopt == terms.adopt
    assert got.plan == terms.plan
    assert got.kpis == terms.kpis
    assert got == terms


def test_template_has_a_guide_every_sheet_and_drop_down_lists(tmp_path: Path) -> None:
    from outsourcing.desk.xlsx_contract import write_contract_template

    path = write_contract_template(tmp_path / "合同.xlsx",
                                   services=[(k.code, k.name_zh) for k in o.load().catalogue])
    wb = load_workbook(path)
    assert wb.sheetnames[0] == "说明"
    assert {"合同", "服务项目", "资质", "支付规则", "分档", "扣款", "加减分", "点位",
            "付款计划"} <= set(wb.sheetnames)
    assert wb["选项"].sheet_state == "hidden"
    options = {wb["选项"].cell(1, c).value: [wb["选项"].cell(r, c).value
                                             for r in range(2, wb["选项"].max_row + 1)
                                             if wb["选项"].cell(r, c).value]
               for c in range(1, wb["选项"].max_column + 1)}
    assert "elevator_maintenance" in options["服务类别"]
    assert "特种设备安装改造修理许可（电梯）" in options["资质类别"]
    assert options["计价方式"] == ["固定月费", "单价", "人工加材料", "年服务费", "面积单价",
                                   "合同总价"]
    assert {"按月", "按季"} == set(options["结算周期"])
    assert "台" in options["计量单位"]
    lists = {str(dv.sqref): dv.formula1 for dv in wb["服务项目"].data_validations.dataValidation}
    assert any(ref.startswith("B2") and "选项" in f for ref, f in lists.items())
    quals = [dv.formula1 for dv in wb["资质"].data_validations.dataValidation]
    assert quals and "选项" in quals[0]
    # the empty template is refused with the missing cells named, not a traceback
    with pytest.raises(WorkbookError) as exc:
        read_contract_workbook(path)
    assert ("合同", "B1", "desk.workbook.missing_value") in [
        (p.sheet, p.cell, p.code) for p in exc.value.problems]


def _with_qualification(tmp_path: Path, kind: str) -> Path:
    path = write_contract_workbook(contract(), tmp_path / "c.xlsx")
    wb = load_workbook(path)
    wb["资质"]["A2"] = kind
    wb.save(path)
    return path


@pytest.mark.parametrize("kind", ["特种设备安装改造修理许可（电梯）",
                                  "special_equipment_installation_repair"])
def test_a_qualification_is_named_in_chinese_or_by_its_code(tmp_path: Path, kind: str) -> None:
    got = read_contract_workbook(_with_qualification(tmp_path, kind))
    assert got.supplier.qualifications[0].kind == "special_equipment_installation_repair"
    wb = load_workbook(write_contract_workbook(got, tmp_path / "again.xlsx"))
    assert wb["资质"]["A2"].value == "特种设备安装改造修理许可（电梯）"   # written in Chinese


def test_an_unknown_qualification_is_refused_with_the_known_names(tmp_path: Path) -> None:
    with pytest.raises(WorkbookError) as exc:
        read_contract_workbook(_with_qualification(tmp_path, "电梯维修资质"))
    [p] = exc.value.problems
    assert (p.sheet, p.cell, p.code) == ("资质", "A2", "desk.workbook.unknown_qualification")
    assert "资质类别「电梯维修资质」未知" in p.zh
    assert "特种设备安装改造修理许可（电梯）（special_equipment_installation_repair）" in p.zh


def test_a_missing_licence_is_named_in_chinese_in_the_finding() -> None:
    c = attrs.evolve(contract(), supplier=attrs.evolve(contract().supplier, qualifications=()),
                     signed_on=date(2021, 12, 20))
    c = attrs.evolve(c, jurisdiction="CN")
    [f] = [f for f in c.check(o.load().rulebook("CN")) if f.code == "qualification.missing"]
    assert f.text_zh == ("服务项目 elevator 需要「特种设备安装改造修理许可（电梯）」："
                         "供应商未持有（2021-12-20）")


def test_payment_terms_in_the_workbook_are_named_cell_by_cell_when_wrong(
        tmp_path: Path) -> None:
    path = write_contract_workbook(contract(), tmp_path / "c.xlsx")
    wb = load_workbook(path)
    rules, tiers, ded = wb["支付规则"], wb["分档"], wb["扣款"]
    rules.append(["property", "分档支付", None, None, None, None, "0.05", "期满释放"])
    rules.append(["elevator", "包干"])
    tiers.append(["property", "优秀", 90, 1])
    tiers.append(["property", "合格", 60, "九成"])
    ded.append(["property", "投诉", 200, "0.01"])
    ded.append(["nobody", "投诉", 200])
    wb.save(path)
    with pytest.raises(WorkbookError) as exc:
        read_contract_workbook(path)
    got = sorted((p.sheet, p.cell, p.code) for p in exc.value.problems)
    assert got == sorted([
        ("扣款", "A3", "desk.terms.unknown_line"),
        ("支付规则", "B3", "desk.workbook.bad_cell"),
        ("分档", "D3", "desk.workbook.not_a_number"),
        ("扣款", "C2", "desk.terms.deduction_shape")])
    assert "工作表「分档」D3：支付比例应填数字，却填了「九成」" in exc.value.message_zh


def test_the_workbook_carries_the_rounding_a_literal_split_and_a_holdback_on_the_fee(
        tmp_path: Path) -> None:
    from decimal import Decimal

    from outsourcing.payment import FullPay, Holdback, PaymentRule

    base = contract()
    c = attrs.evolve(base, term=o.DateRange(date(2025, 1, 1), date(2025, 12, 31)),
                     schedule="quarterly", rounding="period", rounding_clause="合同 第六条",
                     lines=[o.ServiceLine("property", "property", base.lines[0].site,
                                          o.AnnualFee("1000000.01", split="literal"))])
    rule = PaymentRule(FullPay(), holdback=Holdback(Decimal("0.05"), base="fee"))
    terms = ContractTerms(c, {"property": rule}, {}, None, (), None)
    path = write_contract_workbook(terms, tmp_path / "c.xlsx")
    assert read_contract_terms(path) == terms
    wb = load_workbook(path)
    fields = {wb[CONTRACT_SHEET].cell(r, 1).value: wb[CONTRACT_SHEET].cell(r, 2).value
              for r in range(1, wb[CONTRACT_SHEET].max_row + 1)}
    assert (fields["计费取整"], fields["取整条款"]) == ("每期单独取整", "合同 第六条")
    assert wb[LINES_SHEET]["P2"].value == "按期直接折算"
    assert wb["支付规则"]["T2"].value == "合同费用"
    # a literal split over a term of part quarters: refused at the line's 分月规则
    row = next(r for r in range(1, wb[CONTRACT_SHEET].max_row + 1)
               if wb[CONTRACT_SHEET].cell(r, 1).value == "终止日期")
    wb[CONTRACT_SHEET].cell(row, 2).value = date(2025, 12, 15)
    wb.save(path)
    with pytest.raises(WorkbookError) as exc:
        read_contract_terms(path)
    assert [(p.sheet, p.cell, p.code) for p in exc.value.problems] == [
        (LINES_SHEET, "P2", "model.literal_split_periods")]


def test_a_payment_rule_sheet_written_before_the_holdback_base_column_still_reads(
        tmp_path: Path) -> None:
    from decimal import Decimal

    from outsourcing.payment import FullPay, Holdback, PaymentRule

    rule = PaymentRule(FullPay(), holdback=Holdback(Decimal("0.05")))
    terms = ContractTerms(contract(), {"property": rule}, {}, None, (), None)
    path = write_contract_workbook(terms, tmp_path / "c.xlsx")
    wb = load_workbook(path)
    wb["支付规则"].delete_cols(20)  # no 暂扣基数 column: the default, the earned amount
    wb.save(path)
    got = read_contract_terms(path)
    assert got.rules["property"].holdback.base == "earned"  # type: ignore[union-attr]


def _kpi_row(tmp_path: Path, months: object, dates: object = None) -> Path:
    path = write_contract_workbook(contract(), tmp_path / "c.xlsx")
    wb = load_workbook(path)
    wb["考核指标"].append(["elevator", "yearly_check", "年度检测", None, "count", 1, "不低于",
                          100, "达标得分", None, None, None, "每年", months, dates,
                          "按权重折算"])
    wb.save(path)
    return path


def test_a_kpi_schedule_is_read_with_its_months(tmp_path: Path) -> None:
    from outsourcing.desk.xlsx_contract import read_contract_terms
    from outsourcing.kpi_schedule import KpiSchedule, NotDueRule

    got = read_contract_terms(_kpi_row(tmp_path, "4、10"))
    [k] = got.kpis["elevator"]
    assert k.schedule == KpiSchedule("yearly", (4, 10))
    assert k.when_not_due is NotDueRule.RESCALE
    assert "property" not in got.kpis          # a line without rows keeps the catalogue's


@pytest.mark.parametrize(("months", "dates", "cell", "says"), [
    (13, None, "N2", "考核月份须为1到12之间的整数，不能为 13"),
    ("10、十一", None, "N2", "考核月份应填1到12月的整数"),
    (None, None, "N2", "每年考核的指标须写明考核月份"),
])
def test_a_bad_kpi_schedule_is_refused_naming_its_cell(
        tmp_path: Path, months: object, dates: object, cell: str, says: str) -> None:
    with pytest.raises(WorkbookError) as exc:
        read_contract_workbook(_kpi_row(tmp_path, months, dates))
    [p] = exc.value.problems
    assert (p.sheet, p.cell) == ("考核指标", cell)
    assert says in p.zh
