"""The web desk's pages (网上办公) with a test client, on SQLite and PostgreSQL: each page
renders for the roles allowed; another unit's contract or region is 404 (and audited); a
role sees the forms it may use and no other; without a session a page sends the browser to
sign in; HTML and SQL typed into any text field come back escaped."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from web_desk_cases import (
    DWK,
    HTML,
    MAIN,
    SECRET,
    XQ,
    Desk,
    flashes,
    post_form,
)


def status(client: Any, path: str) -> int:
    return int(client.get(path, headers=HTML, follow_redirects=False).status_code)


def test_each_page_renders_for_the_roles_allowed_and_is_404_outside_the_unit(
        desk: Desk, person: Callable[[str], Any]) -> None:
    p = desk.settled[0]
    officer, finance, supplier, county = (person(x) for x in ("zhao", "qian", "s1", "sun"))
    every = [f"/contracts/{MAIN}", f"/contracts/{MAIN}/statements/{p}",
             f"/contracts/{MAIN}/statements/{p}/print", f"/contracts/{MAIN}/statements/{p}/xlsx",
             "/contracts", "/due", "/region/NX", "/region/NX-YC-XQ", f"/contracts/{XQ}"]
    assert {u: status(officer, u) for u in every} == dict.fromkeys(every, 200)
    assert {u: status(finance, u) for u in every} == dict.fromkeys(every, 200)
    assert status(officer, f"/contracts/{MAIN}/assessments/{desk.month}") == 200
    assert status(finance, f"/contracts/{MAIN}/assessments/{desk.month}") == 403
    # the supplier reads its own contracts; not another supplier's, nor the region
    assert status(supplier, f"/contracts/{MAIN}/statements/{p}") == 200
    assert [status(supplier, u) for u in (f"/contracts/{XQ}", "/region/NX", "/region")] == [
        404, 404, 404]
    listed = supplier.get("/contracts", headers=HTML).text
    assert MAIN in listed and DWK in listed and XQ not in listed
    # the county officer: its own county only; another's contract is the same 404 as none
    assert status(county, f"/contracts/{DWK}") == 200
    assert [status(county, u) for u in (f"/contracts/{MAIN}", f"/contracts/{XQ}",
                                        f"/contracts/{MAIN}/statements/{p}/print",
                                        "/region/NX", "/region/NX-SZS", "/contracts/NOPE")] \
        == [404] * 6
    assert status(county, "/region/NX-SZS-DWK") == 200
    trail = desk.store.audit_trail(object_prefix=f"contracts:{MAIN}")
    assert any(r.actor == "sun" and r.action.startswith("denied:") for r in trail)


def test_the_printed_statement_and_the_workbook_are_the_desks(
        desk: Desk, person: Callable[[str], Any]) -> None:
    p = desk.settled[1]
    officer = person("zhao")
    s = desk.store.statement(MAIN, p)
    page = officer.get(f"/contracts/{MAIN}/statements/{p}/print").text
    assert "@font-face" in page, page[:200]
    assert s.payable.format() in page, s.payable.format()
    assert "结算单" in page
    book = officer.get(f"/contracts/{MAIN}/statements/{p}/xlsx")
    assert book.content[:2] == b"PK" and "spreadsheetml" in book.headers["content-type"]
    assert "attachment" in book.headers["content-disposition"]
    view = officer.get(f"/contracts/{MAIN}/statements/{p}", headers=HTML).text
    assert s.payable.format() in view and "人民币" in view
    contract = officer.get(f"/contracts/{MAIN}", headers=HTML).text
    for shown in (view, contract):  # citations as a person reads them (示例, not English)
        assert "示例（地方惯例" in shown and "illustrative:" not in shown


def test_without_a_session_a_page_sends_the_browser_to_sign_in(desk: Desk) -> None:
    from litestar.testing import TestClient

    from outsourcing.service import create_app

    with TestClient(app=create_app(desk.store, secret=SECRET, secure_cookies=False)) as c:
        r = c.get(f"/contracts/{MAIN}", headers=HTML, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/signin")
        page = c.get("/signin").text
        assert 'href="/static/desk.css"' in page and 'name="_csrf_token"' in page
        css = c.get("/static/desk.css")
        assert css.status_code == 200 and "Desk Sans" in css.text
        assert "http://" not in css.text and "https://" not in css.text


FORMS = {"propose": '/changes"', "accept": '/acceptances"', "settle": '/settle"',
         "pay": '/payments"', "sign": '/sign"', "assess": "录入考核"}


def forms_on(client: Any) -> set[str]:
    page = client.get(f"/contracts/{MAIN}", headers=HTML).text
    return {k for k, mark in FORMS.items() if mark in page}


def test_each_role_sees_only_the_actions_it_may_take(desk: Desk,
                                                      person: Callable[[str], Any]) -> None:
    officer = person("zhao")
    end = desk.next_month.replace(year=desk.next_month.year + 1)
    r = post_form(officer, f"/contracts/{MAIN}/changes", {
        "change_id": "BG-T", "kind": "change_term", "rationale": "term_extension",
        "effective": desk.next_month.isoformat(), "reason": "延长期限", "end": end.isoformat()})
    assert r.status_code == 303
    assert forms_on(officer) == {"propose", "accept", "settle", "assess"}
    assert forms_on(person("li")) == {"sign"}
    assert forms_on(person("qian")) == {"settle", "pay"}
    assert forms_on(person("s1")) == set()


PAYLOAD = "<script>alert('x')</script><img src=x onerror=alert(1)>'; DROP TABLE contracts; --"


def test_html_and_sql_in_every_text_field_come_back_escaped(
        desk: Desk, person: Callable[[str], Any]) -> None:
    officer, approver, payer = person("zhao"), person("li"), person("zhou")
    month = desk.settled[3]
    post_form(officer, f"/contracts/{MAIN}/changes", {
        "change_id": "BG-X", "kind": "suspend", "rationale": "force_majeure",
        "effective": desk.next_month.isoformat(), "reason": PAYLOAD, "line_id": "cleaning",
        "requested_by": PAYLOAD})
    post_form(approver, f"/contracts/{MAIN}/changes/BG-X/reject", {"reason": PAYLOAD})
    post_form(payer, f"/contracts/{MAIN}/payments", {
        "period": str(month), "amount": "1.00", "paid_on": month.end.isoformat(),
        "reference": PAYLOAD})
    post_form(payer, f"/contracts/{MAIN}/payments", {"period": str(month), "amount": PAYLOAD,
                                                      "paid_on": month.end.isoformat()})
    shown = [flashes(payer, f"/contracts/{MAIN}"),
             officer.get(f"/contracts/{MAIN}", headers=HTML).text,
             officer.get("/contracts", params={"q": PAYLOAD}, headers=HTML).text,
             officer.get("/due", params={"on": PAYLOAD}, headers=HTML).text]
    assert "金额" in shown[0]  # the bad amount is refused, naming the field
    for page in shown:
        assert "<script>" not in page and "<img src=x" not in page
    contract_page = shown[1]
    # the reason, the rejection and the voucher number, each shown escaped
    assert len(re.findall(r"&lt;script&gt;alert\(&#39;x&#39;\)", contract_page)) >= 3
    (record,) = [c for c in desk.store.changes(MAIN) if c.change.id == "BG-X"]
    assert record.change.reason == PAYLOAD and record.change.rejection == PAYLOAD
    assert [x.reference for x in desk.store.payments(MAIN, month)] == [PAYLOAD]
    assert {c.id for c in desk.store.contracts()} == {MAIN, XQ, DWK}
