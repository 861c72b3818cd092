"""The month as three people, in a real browser (Chromium driven by Playwright): the officer
proposes a change and enters the month's assessment; an approver signs the change; finance
settles, opens and prints the statement, and — four eyes — a second finance person records
the payment; the supplier sees its statement; a county officer cannot reach the region's
other contracts (404)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from web_desk_cases import DWK, MAIN, XQ, Desk

import outsourcing as o


def flash(page: Any) -> str:
    return str(page.inner_text(".flash"))


def fill_assessment(page: Any) -> int:
    """Fill every input of the assessment form with a good value; returns how many."""
    n = 0
    for box in page.query_selector_all("form input[name^='m:']"):
        box.fill("99")
        n += 1
    for box in page.query_selector_all("form input[name^='sr:']"):
        box.fill("50")
        n += 1
    for box in page.query_selector_all("form input[name^='ss:']"):
        box.fill("48")
        n += 1
    for box in page.query_selector_all("form input[name^='i:']"):
        box.fill("92")
        n += 1
    return n


def test_the_month_as_three_people(person: Callable[[str], Any], served: tuple[str, Desk],
                                   shots: Callable[[Any, str], Any]) -> None:
    _, desk = served
    month = str(desk.month)
    # the officer: proposes a change, then enters the month's assessment
    officer = person("zhao")
    shots(officer, "contracts")
    officer.click(f"text={MAIN}")
    officer.click("#propose summary")
    officer.fill("input[name=change_id]", "BG-001")
    officer.select_option("select[name=kind]", "add_line")
    officer.select_option("select[name=rationale]", "volume_change")
    officer.fill("input[name=effective]", desk.next_month.isoformat())
    officer.fill("textarea[name=reason]", "新增办公区绿化面积，追加绿化服务")
    officer.fill("input[name=new_line_id]", "greening")
    officer.select_option("select[name=service]", "greening")
    officer.fill("input[name=site]", "自治区政府办公区")
    officer.fill("input[name=monthly_fee]", "4000.00")
    officer.click("#propose button[type=submit]")
    assert "已提出变更 BG-001（待签）" in flash(officer)
    assert officer.inner_text("td:has-text('BG-001') ~ td .badge") == "待签"
    officer.click("text=录入考核")
    assert f"考核期间 {month}" in officer.inner_text(".head")
    assert fill_assessment(officer) >= 5
    shots(officer, "assessment")
    officer.click("text=保存考核")
    assert f"已录入 {month} 考核：新录入 property、cleaning" in flash(officer)
    assert sorted(a.line for a in desk.store.assessments(MAIN, month)) == ["cleaning",
                                                                          "property"]

    # the approver signs it: the headroom of 第四十九条 is used
    approver = person("li")
    approver.goto(f"/contracts/{MAIN}")
    approver.click("form[action$='/BG-001/sign'] button")
    assert "已签订变更 BG-001" in flash(approver)
    assert approver.inner_text("td:has-text('BG-001') ~ td .badge") == "已签订"
    (used,) = [x for x in desk.store.headroom() if x.contract_id == MAIN]
    assert used.used > o.Money.ZERO
    assert f"已用 {used.used.format()}" in approver.inner_text("main")
    shots(approver, "contract")

    # finance settles, opens and prints the statement
    finance = person("qian")
    finance.goto(f"/contracts/{MAIN}")
    finance.click("#settle summary")
    assert finance.input_value("#settle input[name=period]") == month
    finance.click("#settle button[type=submit]")
    payable = desk.store.statement(MAIN, month).payable
    assert f"已结算 {month}：应付 {payable.format()}（结算单 第1版）" in flash(finance)
    finance.click(f"tr:has-text('{month}') >> text=查看")
    assert payable.format() in finance.inner_text(".grid")
    shots(finance, "statement")
    with finance.expect_popup() as opened:
        finance.click("text=打印版")
    printable = opened.value
    printable.wait_for_load_state()
    assert "结 算 单" in printable.inner_text("body") or "结算单" in printable.title()
    pdf = printable.pdf(format="A4")
    assert pdf[:4] == b"%PDF" and len(pdf) > 10_000
    shots(printable, "print")
    # the person who settled does not pay it (four eyes): refused with the reason
    finance.goto(f"/contracts/{MAIN}")
    finance.click("#pay summary")
    finance.select_option("#pay select[name=period]", month)
    finance.fill("#pay input[name=amount]", str(payable))
    finance.click("#pay button[type=submit]")
    assert "registry.denied.same_person" in flash(finance)
    assert desk.store.payments(MAIN, month) == []
    payer = person("zhou")
    payer.goto(f"/contracts/{MAIN}")
    payer.click("#pay summary")
    payer.select_option("#pay select[name=period]", month)
    payer.fill("#pay input[name=amount]", str(payable))
    payer.fill("#pay input[name=reference]", "PZ-005")
    payer.click("#pay button[type=submit]")
    assert f"已登记 {month} 付款 {payable.format()}" in flash(payer)
    (paid,) = desk.store.payments(MAIN, month)
    assert paid.amount == payable and paid.recorded_by == "zhou"

    # the supplier sees its statement, and nothing to act on
    supplier = person("s1")
    listed = supplier.inner_text("table")
    assert MAIN in listed and DWK in listed and XQ not in listed
    supplier.goto(f"/contracts/{MAIN}/statements/{month}")
    assert payable.format() in supplier.inner_text(".grid")
    supplier.goto(f"/contracts/{MAIN}")
    assert supplier.query_selector("details.action") is None
    assert supplier.query_selector("form[action*='/changes']") is None
    assert "一张网" not in supplier.inner_text("header")


def test_a_county_officer_cannot_reach_the_regions_other_contracts(
        person: Callable[[str], Any], served: tuple[str, Desk],
        shots: Callable[[Any, str], Any]) -> None:
    county = person("sun")
    assert DWK in county.inner_text("table") and MAIN not in county.inner_text("table")
    for path in (f"/contracts/{MAIN}", f"/contracts/{XQ}", f"/contracts/{MAIN}/statements/"
                 f"{served[1].settled[0]}", "/region/NX", "/region/NX-YC-XQ"):
        answer = county.goto(path)
        assert answer is not None and answer.status == 404, path
        assert "合同编号" in county.inner_text("main") or "单位" in county.inner_text("main")
    answer = county.goto("/region")
    assert answer is not None and answer.status == 200
    assert "大武口区机关事务服务中心" in county.inner_text("h1")


def test_the_regions_view_drills_down_to_a_contract(
        person: Callable[[str], Any], served: tuple[str, Desk],
        shots: Callable[[Any, str], Any]) -> None:
    _, desk = served
    officer = person("zhao")
    officer.goto(f"/region/NX?year={desk.settled[0].start.year}")
    body = officer.inner_text("main")
    assert "固原市机关事务管理局" in body and "未外包任何服务" in body
    shots(officer, "region")
    officer.click("text=银川市机关事务管理局")
    officer.click("text=兴庆区机关事务服务中心")
    assert [x.strip() for x in officer.locator(".crumbs span").all_inner_texts()] == [
        "宁夏回族自治区机关事务管理局", "银川市机关事务管理局", "兴庆区机关事务服务中心"]
    officer.click(f"text={XQ}")
    assert officer.url.endswith(f"/contracts/{XQ}")
    officer.goto("/due")
    assert XQ in officer.inner_text("table")
    shots(officer, "due")
