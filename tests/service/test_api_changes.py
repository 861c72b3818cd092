"""``/api/v1/contracts/{id}/changes`` and the headroom: an officer proposes, another person
— an approver — signs after the library's checks (政府采购法 第四十九条: a supplementary
contract over 10% of the original amount is refused, the change stays pending) or rejects
with a reason; nobody decides a change they proposed; the headroom shows what is used."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from api_cases import Client, contract_json, problem

import outsourcing as o
from outsourcing.serialize import unstructure

CID = "NX-2027"


def add_line(cid: str, fee: str) -> dict[str, Any]:
    """A supplementary contract (补充合同): greening for the last six months of the term."""
    data: dict[str, Any] = unstructure(o.Change(
        cid, o.AddLine(o.ServiceLine("greening", "greening", "自治区政府办公区",
                                     o.FixedMonthly(fee))),
        "volume_change", "新增绿化面积", date(2027, 1, 1), "采购人"))
    return data


@pytest.fixture()
def running(signed_in: Callable[[str], Client]) -> Client:
    """A contract running now (July 2026 to June 2027): 100,000.00 a month, 1,200,000.00."""
    zhao = signed_in("zhao")
    r = zhao.post("/api/v1/contracts", json=contract_json(
        CID, start=date(2026, 7, 1), end=date(2027, 6, 30)))
    assert r.status_code == 201, r.text
    return zhao


def test_an_officer_proposes_and_another_approver_signs(
        running: Client, signed_in: Callable[[str], Client]) -> None:
    r = running.post(f"/api/v1/contracts/{CID}/changes", json=add_line("CH-1", "15000.00"))
    assert r.status_code == 201 and r.json()["status"] == "pending"
    li = signed_in("li")
    signed = li.post(f"/api/v1/contracts/{CID}/changes/CH-1/sign", json={})
    assert signed.status_code == 200, signed.text
    assert signed.json()["status"] == "signed" and signed.json()["approved_by"] == "li"
    records = running.get(f"/api/v1/contracts/{CID}/changes").json()
    assert [(x["change"]["id"], x["status"], x["proposed_by"], x["decided_by"])
            for x in records] == [("CH-1", "signed", "zhao", "li")]
    room = running.get(f"/api/v1/contracts/{CID}/headroom").json()
    assert room["used"] == "90000.00" and room["left"] == "30000.00"  # 6 × 15,000 of 120,000
    lines = running.get(f"/api/v1/contracts/{CID}").json()["lines"]
    assert [x["id"] for x in lines] == ["property", "cleaning", "greening"]


def test_a_change_over_the_ten_percent_cap_is_refused_and_stays_pending(
        running: Client, signed_in: Callable[[str], Client]) -> None:
    running.post(f"/api/v1/contracts/{CID}/changes", json=add_line("CH-2", "30000.00"))
    r = signed_in("li").post(f"/api/v1/contracts/{CID}/changes/CH-2/sign", json={})
    body = problem(r, 422, "change.rejected.over_cap")
    assert "第四十九条" in body["detail"] or "第四十九条" in (body["citation"] or "")
    records = running.get(f"/api/v1/contracts/{CID}/changes").json()
    assert [x["status"] for x in records] == ["pending"]


def test_an_approver_rejects_with_a_reason_but_not_their_own_proposal(
        running: Client, signed_in: Callable[[str], Client]) -> None:
    li = signed_in("li")
    problem(li.post(f"/api/v1/contracts/{CID}/changes", json=add_line("CH-3", "1000.00")),
            403, "service.denied.role")  # an approver does not propose
    running.post(f"/api/v1/contracts/{CID}/changes", json=add_line("CH-3", "1000.00"))
    problem(running.post(f"/api/v1/contracts/{CID}/changes/CH-3/reject",
                         json={"reason": "x"}), 403, "service.denied.role")
    body = problem(li.post(f"/api/v1/contracts/{CID}/changes/CH-3/reject", json={}), 422,
                   "serialization.*")
    assert body["field"].startswith("$.reason")
    r = li.post(f"/api/v1/contracts/{CID}/changes/CH-3/reject", json={"reason": "预算不足"})
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    problem(li.post(f"/api/v1/contracts/{CID}/changes/CH-3/sign", json={}), 409,
            "registry.change_decided")
    problem(li.post(f"/api/v1/contracts/{CID}/changes/CH-9/sign", json={}), 404,
            "registry.unknown_change")


def test_the_store_keeps_four_eyes_behind_the_api(running: Client, bureau: Any,
                                                  signed_in: Callable[[str], Client]) -> None:
    # wang holds the approver role only: he may not propose (403 from the API's role check)
    wang = signed_in("wang")
    problem(wang.post(f"/api/v1/contracts/{CID}/changes", json=add_line("CH-4", "1000.00")),
            403, "service.denied.role")
    # the supplier proposes on its own contract; its user can never sign it
    s1 = signed_in("supplier")
    r = s1.post("/api/v1/contracts/NX-001/changes", json=unstructure(o.Change(
        "S-CH", o.Suspend("cleaning"), "force_majeure", "疫情", date(2022, 9, 1), "供应商")))
    assert r.status_code == 201, r.text
    problem(s1.post("/api/v1/contracts/NX-001/changes/S-CH/sign", json={}), 403,
            "service.denied.role")


def test_a_body_that_is_not_a_change_names_the_field(running: Client) -> None:
    data = add_line("CH-5", "1000.00")
    data["action"]["kind"] = "demolish"
    body = problem(running.post(f"/api/v1/contracts/{CID}/changes", json=data), 422,
                   "serialization.*")
    assert body["field"].startswith("$.action")


def test_a_county_cannot_touch_the_regions_changes(signed_in: Callable[[str], Client],
                                                   running: Client) -> None:
    county = signed_in("county")
    problem(county.post(f"/api/v1/contracts/{CID}/changes", json=add_line("CH-6", "1.00")),
            404, "registry.unknown_contract")
    room = county.get("/api/v1/headroom").json()
    assert [x["contract_id"] for x in room] == ["DWK-001"]
