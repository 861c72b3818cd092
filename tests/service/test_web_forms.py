"""The web desk's forms (网上办公表单) with a test client, on SQLite and PostgreSQL: the month
through the forms (propose, sign, assess, settle, pay) with the signed-in person as the
actor of every write; a role that may not act is refused 403 and audited; a form without
its CSRF token is refused 403; a refusal of the library comes back to the page as its
Chinese sentence and code, nothing written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from web_desk_cases import HTML, MAIN, Desk, flashes, post_form

import outsourcing as o


def assessment_form(client: Any, desk: Desk) -> dict[str, str]:
    """Every input of the month's assessment form, filled with a good value."""
    page = client.get(f"/contracts/{MAIN}/assessments/{desk.month}", headers=HTML).text
    import re

    names = re.findall(r'name="((?:m|sr|ss|i):[^"]+)"', page)
    value = {"m": "99", "sr": "40", "ss": "39", "i": "91"}
    return {n: value[n.split(":")[0]] for n in names}


def test_the_month_through_the_forms_each_write_by_the_signed_in_person(
        desk: Desk, person: Callable[[str], Any]) -> None:
    month, back = str(desk.month), f"/contracts/{MAIN}"
    officer, approver, finance, payer = (person(x) for x in ("zhao", "li", "qian", "zhou"))
    r = post_form(officer, f"{back}/changes", {
        "change_id": "BG-1", "kind": "add_line", "rationale": "volume_change",
        "effective": desk.next_month.isoformat(), "reason": "追加绿化", "requested_by": "采购人",
        "new_line_id": "greening", "service": "greening", "site": "自治区政府办公区",
        "monthly_fee": "4000.00", "by": "wang"})
    assert (r.status_code, r.headers["location"]) == (303, back)
    assert "已提出变更 BG-1" in flashes(officer, back)
    fields = assessment_form(officer, desk)
    assert len(fields) >= 5
    r = post_form(officer, f"{back}/assessments/{month}/record",
                  {"assessed_by": "考核小组", "assessed_on": desk.month.end.isoformat(),
                   **fields})
    assert "新录入 property、cleaning" in flashes(officer, back)
    assert post_form(approver, f"{back}/changes/BG-1/sign", {}).status_code == 303
    assert post_form(finance, f"{back}/settle", {"period": month}).status_code == 303
    payable = desk.store.statement(MAIN, month).payable
    assert f"应付 {payable.format()}" in flashes(finance, back)
    post_form(payer, f"{back}/payments", {"period": month, "amount": str(payable),
                                          "paid_on": desk.month.end.isoformat(),
                                          "reference": "PZ-100"})
    assert "已登记" in flashes(payer, back)
    (change,) = desk.store.changes(MAIN)
    assert (change.proposed_by, change.decided_by) == ("zhao", "li")  # never "wang"
    recorded = [r for r in desk.store.audit_trail(object_prefix="assessment")
                if not r.action.startswith("denied:")]
    assert recorded[-1].actor == "zhao"  # the signed-in officer, whatever the form says
    assert desk.store.statements(MAIN)[-1].settled_by == "qian"
    (paid,) = desk.store.payments(MAIN, month)
    assert (paid.amount, paid.recorded_by) == (payable, "zhou")


def test_a_form_needs_its_role_403_and_the_refusal_is_audited(
        desk: Desk, person: Callable[[str], Any]) -> None:
    back = f"/contracts/{MAIN}"
    supplier, officer, finance = person("s1"), person("zhao"), person("qian")
    change = {"change_id": "BG-9", "kind": "terminate", "rationale": "service_stopped",
              "effective": desk.next_month.isoformat(), "reason": "停止服务"}
    assert post_form(supplier, f"{back}/changes", change).status_code == 403
    assert post_form(finance, f"{back}/changes", change).status_code == 403
    post_form(officer, f"{back}/changes", change)
    assert post_form(officer, f"{back}/changes/BG-9/sign", {}).status_code == 403
    assert post_form(officer, f"{back}/payments", {"period": str(desk.settled[3]),
                                                   "amount": "1.00"}).status_code == 403
    assert post_form(finance, f"{back}/assessments/{desk.month}/record", {}).status_code == 403
    assert [c.change.status.value for c in desk.store.changes(MAIN)] == ["pending"]
    assert desk.store.payments(MAIN, desk.settled[3]) == []
    denied = {(r.actor, r.action) for r in desk.store.audit_trail()
              if r.action.startswith("denied:")}
    assert {("s1", "denied:propose_change"), ("qian", "denied:propose_change"),
            ("zhao", "denied:sign_change"), ("zhao", "denied:record_payment"),
            ("qian", "denied:record_assessment")} <= denied


def test_a_form_without_its_csrf_token_is_refused_403(desk: Desk,
                                                      person: Callable[[str], Any]) -> None:
    finance = person("qian")
    r = finance.post(f"/contracts/{MAIN}/settle", data={"period": str(desk.month)},
                     headers=HTML, follow_redirects=False)
    assert r.status_code == 403
    r = finance.post(f"/contracts/{MAIN}/settle", data={"period": str(desk.month),
                                                        "_csrf_token": "forged"},
                     headers=HTML, follow_redirects=False)
    assert r.status_code == 403
    assert [str(s.period) for s in desk.store.statements(MAIN)] == [
        str(p) for p in desk.settled]


def test_a_refusal_of_the_library_comes_back_as_its_sentence_nothing_written(
        desk: Desk, person: Callable[[str], Any]) -> None:
    back, month = f"/contracts/{MAIN}", desk.settled[3]
    finance, officer = person("qian"), person("zhao")
    payable = desk.store.statement(MAIN, month).payable
    # qian settled it: four eyes refuse qian paying it
    r = post_form(finance, f"{back}/payments", {"period": str(month), "amount": str(payable),
                                                 "paid_on": month.end.isoformat()})
    assert (r.status_code, r.headers["location"]) == (303, f"{back}#pay")
    said = flashes(finance, back)
    assert "registry.denied.same_person" in said and "双人审核" in said
    # a bad amount names its field; a change outside the term names the rule
    post_form(person("zhou"), f"{back}/payments", {"period": str(month), "amount": "12.345",
                                                   "paid_on": month.end.isoformat()})
    post_form(officer, f"{back}/changes", {
        "change_id": "BG-2", "kind": "add_line", "rationale": "volume_change",
        "effective": "1999-01-01", "reason": "x", "new_line_id": "g", "service": "greening",
        "site": "s", "monthly_fee": "1.00"})
    assert desk.store.payments(MAIN, month) == []
    assert officer.get(back, headers=HTML).status_code == 200
    assert [c.change.id for c in desk.store.changes(MAIN)] in ([], ["BG-2"])
    assert o.Money.sum(x.amount for x in desk.store.payments(MAIN, month)) == o.Money.ZERO
