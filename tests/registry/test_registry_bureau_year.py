"""A bureau's year at the desk, on SQLite and on PostgreSQL: contracts written by
``contract template`` and filled with openpyxl as a bureau would (the contract's own payment
terms in the workbook), a canteen's receipts imported each month, January–December settled.

物业 (two lines: tiers, a fixed and a share deduction, a holdback released by the final
result), 电梯维保 by units (1–3% of the month's fee per late arrival) and 餐饮 (labour plus
materials at cost).  Checked: no ``payment.illustrative_default`` on any statement, the
materials paid equal the receipts, the figures of the deductions and of the holdback, and
the printable 结算单 of the two-line contract fits on one A4 page.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from test_month_at_the_desk_end_to_end import Desk

import outsourcing as o

YEAR = 2023
WY, DT, CY, XF = "NX-WY-2023", "NX-DT-2023", "NX-CY-2023", "NX-XF-2023"
RECEIPTS = ["41236.50", "38890.00", "44210.35", "40000.00", "39875.20", "42560.80",
            "36980.00", "37750.45", "43999.99", "44800.00", "41105.60", "45000.00"]
"""The canteen's materials bought each month, by the receipts (at most the ¥45,000 budget)."""


def fill(template: Path, out: Path, head: dict[str, Any], lines: list[list[Any]], *,
         quals: list[list[Any]] = (), rules: list[list[Any]] = (),  # type: ignore[assignment]
         tiers: list[list[Any]] = (), deductions: list[list[Any]] = (),  # type: ignore[assignment]
         kpis: list[list[Any]] = (), plan: list[list[Any]] = ()  # type: ignore[assignment]
         ) -> Path:
    """Type a contract into the template, as a bureau's officer would."""
    wb = load_workbook(template)
    ws = wb["合同"]
    rows = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
    for label, value in head.items():
        ws.cell(rows[label], 2).value = value
    for sheet, body in (("服务项目", lines), ("资质", quals), ("支付规则", rules),
                        ("分档", tiers), ("扣款", deductions), ("考核指标", kpis),
                        ("付款计划", plan)):
        for row in body:
            wb[sheet].append(row)
    wb.save(out)
    return out


def head(cid: str, title: str, supplier: str, **more: Any) -> dict[str, Any]:
    return {"合同编号": cid, "合同名称": title, "辖区": "NX", "采购人编号": "P-NX",
            "采购人": "宁夏回族自治区机关事务管理局", "供应商编号": supplier,
            "供应商": f"宁夏{supplier}服务有限公司", "企业规模": "小型",
            "起始日期": date(YEAR, 1, 1), "终止日期": date(YEAR, 12, 31),
            "签订日期": date(YEAR - 1, 12, 20), "结算周期": "按月", "付款期限（日）": 15,
            "付款期限计日": "工作日", "合同整体条款": "合同约定", **more}


def assessments(month: int) -> dict[str, list[o.Assessment]]:
    p = o.Period.month(YEAR, month)
    on = p.end + timedelta(days=3)
    sat = o.Survey("satisfaction", 100, 96)
    wy = [o.Assessment("property", p, "考核小组", on,
                       sheets=[o.ScoreSheet("inspection", [o.ScoreItem("综合", 100, 92)])],
                       metrics=[o.Metric("repair_pass_rate", "98")], surveys=[sat],
                       incidents=[o.Incident("complaint", p.start + timedelta(days=9))]
                       if month == 3 else
                       [o.Incident("department_notice", p.start + timedelta(days=4))]
                       if month == 6 else []),
          o.Assessment("cleaning", p, "考核小组", on,
                       sheets=[o.ScoreSheet("inspection", [o.ScoreItem("保洁", 100, 88)])],
                       surveys=[sat])]
    late = {5: "0.02", 8: "0.03"}
    dt = [o.Assessment("elevator", p, "考核小组", on,
                       metrics=[o.Metric("max_maintenance_interval", 14),
                                o.Metric("trapped_arrival", 20)], surveys=[sat],
                       incidents=[o.Incident("late_response", p.start + timedelta(days=6),
                                             share=late[month])] if month in late else [])]
    cy = [o.Assessment("canteen", p, "考核小组", on,
                       sheets=[o.ScoreSheet("food_safety_inspection",
                                            [o.ScoreItem("食品安全", 100, 95)])], surveys=[sat])]
    xf = [o.Assessment("fire", p, "考核小组", on,
                       metrics=[o.Metric("monthly_check_done", "100")]
                       + ([o.Metric("yearly_full_test", 1)] if month == 10 else []))]
    return {WY: wy, DT: dt, CY: cy, XF: xf}


@pytest.fixture
def year(db_url: str, tmp_path: Path) -> Iterator[tuple[Desk, o.Store]]:
    d = Desk(tmp_path)
    d.env["OUTSOURCING_DB"] = db_url
    assert d("init", "--actor", "wang", "--name", "王审批").code == 0
    # four eyes: zhao accepts the founding proposal, then confirms li
    assert d("actor", "add", "zhao", "赵审批", "--role", "approver", "--as", "wang").code == 0
    assert d("actor", "confirm", "zhao", "--as", "zhao").code == 0
    assert d("actor", "add", "li", "李经办", "--role", "officer", "--role", "assessor",
             "--role", "finance", "--as", "wang").code == 0
    assert d("actor", "confirm", "li", "--as", "zhao").code == 0
    assert d("contract", "template", "-o", "模板.xlsx").code == 0
    t = tmp_path / "模板.xlsx"
    fill(t, tmp_path / "物业.xlsx", head(WY, "自治区政府办公区物业服务", "物业", **{
        "合同扣款总上限（比例）": "0.1"}),
        [["property", "物业服务", "自治区政府办公区", "固定月费", 80000],
         ["cleaning", "cleaning", "自治区政府办公区", "固定月费", 20000]],
        quals=[["物业服务企业资质", "一级"]],
        rules=[["property", "分档支付", None, None, 70, None, 0.05, "期满释放", "按得分比例"],
               ["cleaning", "公式", 85, 15]],
        tiers=[["property", "优秀", 90, 1], ["property", "良好", 80, 0.95],
               ["property", "合格", 60, 0.9], ["property", "不合格", 0, 0.8]],
        deductions=[["property", "投诉", 500], ["property", "部门通报批评", None, 0.01, None,
                                                 "当期"]],
        plan=[["定期结算"]])
    fill(t, tmp_path / "电梯.xlsx", head(DT, "自治区政府办公区电梯维保", "电梯"),
         [["elevator", "elevator_maintenance", "自治区政府办公区", "固定月费", 850, None, 12,
           "台"]],
         quals=[["特种设备安装改造修理许可（电梯）", "B级", "自治区市场监管厅", None,
                 date(YEAR + 2, 12, 31)]],
         rules=[["elevator", "全额支付"]],
         deductions=[["elevator", "响应超时", None, 0.01, 0.03, "当期"]])
    fill(t, tmp_path / "餐饮.xlsx", head(CY, "自治区政府机关食堂劳务", "餐饮"),
         [["canteen", "canteen", "自治区政府机关食堂", "人工加材料", None, None, None, None,
           30000, 45000]],
         rules=[["canteen", "分档支付"]],
         tiers=[["canteen", "达标", 90, 1], ["canteen", "不达标", 0, 0.95]])
    fill(t, tmp_path / "消防.xlsx", head(XF, "自治区政府办公区消防设施维保", "消防"),
         [["fire", "fire_maintenance", "自治区政府办公区", "固定月费", 8600.06]],
         quals=[["消防设施维护保养检测机构资质", "二级"]],
         rules=[["fire", "分档支付"]],
         tiers=[["fire", "合格", 90, 1], ["fire", "基本合格", 60, 0.9], ["fire", "不合格", 0, 0.8]],
         kpis=[["fire", "monthly_check_done", "月度检查完成率", None, "%", 100, "不低于", 60,
                "按比例计分", "消防法 第十六条", None, None, "每期", None, None, "按权重折算"],
               ["fire", "yearly_full_test", "年度全面检测", None, "count", 1, "不低于", 40,
                "达标得分", "消防法 第十六条", None, None, "每年", 10, None, "按权重折算"]])
    for name in ("物业", "电梯", "餐饮", "消防"):
        r = d("contract", "add", f"{name}.xlsx", "--as", "li")
        assert r.code == 0, r.err + r.out
    store = o.Store.open(db_url)
    yield d, store
    store.close()


def test_a_bureau_year_entered_at_the_desk_settles_on_the_contracts_own_terms(
        year: tuple[Desk, o.Store], tmp_path: Path) -> None:
    d, store = year
    for m in range(1, 13):
        p = f"{YEAR}-{m:02d}"
        for cid, items in assessments(m).items():
            store.record_assessments(cid, items, by="li")
        assert d("usage", "template", CY, p, "-o", f"用量{m}.xlsx").code == 0
        wb = load_workbook(tmp_path / f"用量{m}.xlsx")
        wb["实际用量"]["J7"] = Decimal(RECEIPTS[m - 1])
        wb.save(tmp_path / f"用量{m}.xlsx")
        assert d("usage", "import", CY, p, f"用量{m}.xlsx", "--as", "li").code == 0
        if m == 12:  # the year's assessment of the property line releases its holdback
            r = d("assess", "final", WY, "property", "92", "--as", "li")
            assert r.code == 0 and "已录入 property 的期满考核得分：92" in r.out
        r = d("settle", p, "--all", "--as", "li")
        assert r.code == 0, r.out
    found = {f.code for cid in (WY, DT, CY, XF) for f in store.findings(cid)}
    assert "payment.illustrative_default" not in found
    assert "usage.missing" not in found
    year_of = {cid: [store.statement(cid, f"{YEAR}-{m:02d}") for m in range(1, 13)]
               for cid in (WY, DT, CY, XF)}
    # 餐饮: labour every month, the materials exactly as the receipts say
    materials = sum((s.line("canteen").fee - o.Money("30000.00") for s in year_of[CY]),
                    o.Money("0"))
    assert materials == sum((o.Money(x) for x in RECEIPTS), o.Money("0"))
    # 电梯: 12 台 × ¥850; 2% of May's fee and 3% of August's for the late arrivals
    assert [s.payable for s in year_of[DT]][4] == o.Money("9996.00")
    assert [s.payable for s in year_of[DT]][7] == o.Money("9894.00")
    assert sum((s.payable for s in year_of[DT]), o.Money("0")) == o.Money("121890.00")
    # 物业: ¥500 for March's complaint, 1% of June's fee for the notice; 5% held all year
    # and 92% of it released in December by the final score, the rest forfeited
    march, june, dec = year_of[WY][2], year_of[WY][5], year_of[WY][11]
    assert march.line("property").deductions_applied == o.Money("500.00")
    assert june.line("property").deductions_applied == o.Money("800.00")
    held = sum((s.line("property").holdback for s in year_of[WY]), o.Money("0"))
    assert dec.line("property").released == o.Money.round(held.exact() * Fraction(92, 100))
    assert dec.line("property").forfeited == held - dec.line("property").released
    # 消防: the yearly test is due in October only; every other month scores the monthly
    # KPI alone (its weight rescaled to 100) and pays in full
    fire = [s.line("fire") for s in year_of[XF]]
    assert [x.pay_rate for x in fire] == [Decimal(1)] * 12
    assert all(x.payable == o.Money("8600.06") for x in fire)
    assert [x.score for x in fire] == [Decimal(100)] * 12
    yearly = [next(k for k in x.kpis if k.id == "yearly_full_test") for x in fire]
    assert [k.measured is None for k in yearly] == [m != 10 for m in range(1, 13)]
    assert all(k.note.startswith("本期不考核") for m, k in enumerate(yearly, 1) if m != 10)
    monthly = [next(k for k in x.kpis if k.id == "monthly_check_done") for x in fire]
    assert [k.weight_applied for m, k in enumerate(monthly, 1) if m != 10] == [100] * 11
    assert "payment.kpi_not_due" not in {f.rule_id for s in year_of[XF] for f in s.findings}
    # the statement names the contract's own terms, not the illustrative ones
    text = dec.render()
    assert "示例默认" not in text and "合同未约定该付款条款" not in text
    # add(export(c)) is c: each recorded contract exports to the workbook it was read from
    from outsourcing.desk.xlsx_contract import read_contract_terms

    for cid, name in ((WY, "物业"), (DT, "电梯"), (CY, "餐饮"), (XF, "消防")):
        assert d("contract", "export", cid, "-o", f"导出-{name}.xlsx").code == 0
        recorded = store.contract_terms(cid)
        assert read_contract_terms(tmp_path / f"导出-{name}.xlsx") == recorded
        assert read_contract_terms(tmp_path / f"{name}.xlsx", services={
            k.name_zh: k.code for k in store.plugins.catalogue}) == recorded
    # the printable 结算单 of the two-line contract: one A4 page
    r = d("statement", "export", f"{YEAR}-10", "--contract", WY, "--html", "打印")
    assert r.code == 0, r.err
    page = tmp_path / "打印" / f"结算单-{WY}-{YEAR}-10.html"
    assert pdf_pages(page, tmp_path) == 1


def pdf_pages(page: Path, where: Path) -> int:
    """The pages of the printed page, printed by headless Chromium to PDF."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is required when CI is set (.ci/run installs it)")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    pdf = where / "page.pdf"
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                    "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()],
                   check=True, capture_output=True, timeout=120)
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf.read_bytes()))
