"""The month through the API: the assessor records January (JSON or the workbook), the
officer settles, the statement reads as JSON, printable page and workbook with its versions,
finance pays — another person than the one who settled —, and what is due, the findings and
a unit's batch settle follow. Each write is the caller's, once; each refusal a problem."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from api_cases import Client, assessments_json, problem, settled_january
from service_cases import Bureau


def test_january_assessed_settled_read_and_paid(signed_in: Callable[[str], Client],
                                                bureau: Bureau) -> None:
    kong, zhao, qian = signed_in("assessor"), signed_in("zhao"), signed_in("finance")
    s = settled_january(kong, zhao)
    assert (s["version"], s["written"], s["payable"]) == (1, True, s["payable"])
    st = bureau.store.statement("NX-001", "2022-01")
    assert s["payable"] == str(st.payable) and s["title"] == "结算单 第1版"
    body = zhao.get("/api/v1/contracts/NX-001/statements/2022-01").json()
    assert body["totals"]["payable"] == str(st.payable)
    assert body["registry_version"]["settled_by"] == "zhao"
    assert body["registry_version"]["audit_seq"] is not None
    again = zhao.post("/api/v1/contracts/NX-001/settle/2022-01").json()
    assert again["written"] is False and again["version"] == 1  # settled once
    paid = qian.post("/api/v1/contracts/NX-001/payments", json={
        "period": "2022-01", "amount": str(st.payable), "paid_on": "2022-02-20",
        "reference": "V-001"})
    assert paid.status_code == 201, paid.text
    assert paid.json()["amount"] == str(st.payable)
    assert [p.recorded_by for p in bureau.store.payments("NX-001")] == ["qian"]
    due = zhao.get("/api/v1/due?on=2022-12-31&every=true&contract=NX-001").json()
    assert [(d["period"], d["outstanding"], d["status"]) for d in due] == [
        ("2022-01", "0.00", due[0]["status"])]
    assert due[0]["status"] in ("已付清", "逾期已付")


def test_the_statement_prints_downloads_and_lists_its_versions(
        signed_in: Callable[[str], Client]) -> None:
    kong, zhao = signed_in("assessor"), signed_in("zhao")
    settled_january(kong, zhao)
    page = zhao.get("/api/v1/contracts/NX-001/statements/2022-01/print")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "结算单 第1版" in page.text and "自治区政府办公区" in page.text
    book = zhao.get("/api/v1/contracts/NX-001/statements/2022-01/xlsx")
    assert book.status_code == 200 and book.content[:2] == b"PK"
    first = zhao.get("/api/v1/contracts/NX-001/statements/2022-01").json()
    assert first["registry_version"]["version"] == 1
    # a corrected assessment, then settling again: version 2 with why
    r = kong.post("/api/v1/contracts/NX-001/assessments/2022-01",
                  json={**assessments_json(score="80"), "correction": "复核后扣分"})
    assert r.status_code == 200 and sorted(r.json()["corrected"]) == ["cleaning", "property"]
    v2 = zhao.post("/api/v1/contracts/NX-001/settle/2022-01").json()
    assert v2["version"] == 2 and v2["correction"] is True
    now = zhao.get("/api/v1/contracts/NX-001/statements/2022-01").json()  # not the kept v1
    assert now["registry_version"]["version"] == 2
    assert now["totals"]["payable"] == v2["payable"] != first["totals"]["payable"]
    history = zhao.get("/api/v1/contracts/NX-001/statements/2022-01/history").json()
    assert [h["version"] for h in history] == [1, 2]
    assert "复核后扣分" in history[1]["reason"]
    v1 = zhao.get("/api/v1/contracts/NX-001/statements/2022-01?version=1").json()
    assert v1["registry_version"]["version"] == 1
    problem(zhao.get("/api/v1/contracts/NX-001/statements/2022-01?version=7"), 404,
            "registry.no_statement")
    problem(zhao.get("/api/v1/contracts/NX-001/statements/2022-05"), 404,
            "registry.no_statement")
    listed = zhao.get("/api/v1/contracts/NX-001/statements?history=true").json()
    assert [(x["period"], x["version"]) for x in listed] == [("2022-01", 1), ("2022-01", 2)]


def test_assessments_are_recorded_once_and_a_change_needs_a_reason(
        signed_in: Callable[[str], Client]) -> None:
    kong = signed_in("assessor")
    url = "/api/v1/contracts/NX-001/assessments/2022-01"
    assert sorted(kong.post(url, json=assessments_json()).json()["new"]) == [
        "cleaning", "property"]
    assert sorted(kong.post(url, json=assessments_json()).json()["same"]) == [
        "cleaning", "property"]
    problem(kong.post(url, json=assessments_json(score="70")), 422,
            "registry.assessment_changed")
    read = kong.get(url).json()
    assert [a["sheets"][0]["items"][0]["points"] for a in read] == ["95", "95"]
    body = problem(kong.post("/api/v1/contracts/NX-001/assessments/2022-02",
                             json=assessments_json()), 422, "api.period_mismatch")
    assert body["field"] == "assessments[0].period"
    problem(signed_in("zhao").post(url, json=assessments_json()), 403, "service.denied.role")


def test_the_assessment_workbook_downloads_and_imports(
        signed_in: Callable[[str], Client]) -> None:
    kong = signed_in("assessor")
    r = kong.get("/api/v1/contracts/NX-001/assessments/2022-01/template.xlsx")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    empty = kong.post("/api/v1/contracts/NX-001/assessments/2022-01/workbook",
                      files={"file": ("考核表.xlsx", r.content)})
    assert empty.status_code == 200, empty.text
    assert empty.json() == {"new": [], "same": [], "corrected": []}  # nothing filled in


def test_acceptance_and_final_scores_are_recorded_by_their_roles(
        signed_in: Callable[[str], Client]) -> None:
    zhao, kong = signed_in("zhao"), signed_in("assessor")
    r = zhao.post("/api/v1/contracts/NX-001/acceptance/2022-01",
                  json={"accepted_on": "2022-02-03", "accepted_by": "验收小组"})
    assert r.status_code == 200 and r.json()["written"] is True
    assert zhao.get("/api/v1/contracts/NX-001/acceptance/2022-01").json()[0][
        "accepted_on"] == "2022-02-03"
    problem(zhao.post("/api/v1/contracts/NX-001/acceptance/2022-01",
                      json={"accepted_on": "2022-02-04"}), 422, "registry.acceptance_changed")
    r = kong.post("/api/v1/contracts/NX-001/final-scores",
                  json={"line": "property", "score": "92"})
    assert r.json() == {"line": "property", "version": 1, "written": True}
    assert kong.get("/api/v1/contracts/NX-001/final-scores").json() == {"property": "92"}


def test_payments_keep_four_eyes_and_the_money_rules(signed_in: Callable[[str], Client],
                                                     bureau: Bureau) -> None:
    kong, zhao, qian = signed_in("assessor"), signed_in("zhao"), signed_in("finance")
    settled_january(kong, zhao)
    url = "/api/v1/contracts/NX-001/payments"
    body = problem(qian.post(url, json={"period": "2022-01", "amount": 10.5,
                                        "paid_on": "2022-02-20"}), 422, "serialization.*")
    assert body["field"].startswith("$.amount")
    payable = bureau.store.statement("NX-001", "2022-01").payable
    problem(qian.post(url, json={"period": "2022-01", "amount": str(payable + payable),
                                 "paid_on": "2022-02-20"}), 422, "registry.overpayment")
    problem(zhao.post(url, json={"period": "2022-01", "amount": "1.00",
                                 "paid_on": "2022-02-20"}), 403, "service.denied.role")
    ok = qian.post(url, json={"period": "2022-01", "amount": "100.00",
                              "paid_on": "2022-02-20", "reference": "V-7"})
    assert ok.status_code == 201
    rev = qian.post(f"{url}/reversals", json={"period": "2022-01", "reverses": "V-7",
                                              "reason": "金额录入错误"})
    assert rev.status_code == 201 and rev.json()["amount"] == "-100.00"
    assert [p["amount"] for p in qian.get(url).json()] == ["100.00", "-100.00"]


def test_a_unit_is_settled_at_once_and_findings_follow(signed_in: Callable[[str], Client],
                                                       bureau: Bureau) -> None:
    kong, zhao = signed_in("assessor"), signed_in("zhao")
    for cid in ("DWK-001", "HN-001"):
        kong.post(f"/api/v1/contracts/{cid}/assessments/2022-01", json=assessments_json())
    r = zhao.post("/api/v1/settle", json={"period": "2022-01", "unit": "NX-SZS"})
    assert r.status_code == 200, r.text
    assert r.json()["written"] == ["DWK-001", "HN-001"] and r.json()["failed"] == []
    assert bureau.store.statements("NX-001") == []  # not in NX-SZS
    again = zhao.post("/api/v1/settle", json={"period": "2022-02", "unit": "NX-SZS"}).json()
    assert again["written"] == ["DWK-001", "HN-001"]  # February: nothing assessed, withheld
    found = zhao.get("/api/v1/findings?period=2022-02&unit=NX-SZS").json()
    assert {f["contract_id"] for f in found} == {"DWK-001", "HN-001"}
    assert all(f["message_zh"] for f in found)
    book = zhao.get("/api/v1/statements/2022-01/xlsx?unit=NX-SZS")
    assert book.status_code == 200 and book.content[:2] == b"PK"
    problem(zhao.get("/api/v1/statements/2022-09/xlsx"), 422, "api.no_statements")
    county = signed_in("county")
    problem(county.post("/api/v1/settle", json={"period": "2022-03", "unit": "NX-SZS"}), 404,
            "registry.unknown_unit")
    assert date.today().year >= 2026
