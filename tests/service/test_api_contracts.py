"""``/api/v1/contracts``: each caller lists and reads only the contracts of its units (a
county's officer, the region's, a supplier), the filters narrow the list, a contract is
recorded from the library's JSON or the desk's workbook by an officer — never by another
role, never with a body that breaks a rule — and every refusal is a problem with its code
and its field."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from api_cases import Client, contract_json, problem
from service_cases import Bureau, contract

from outsourcing.desk.xlsx_contract_write import write_contract_workbook
from outsourcing.terms import ContractTerms


def ids(r: object) -> list[str]:
    return sorted(c["id"] for c in r.json())  # type: ignore[attr-defined]


def test_each_caller_lists_the_contracts_of_its_units_only(
        signed_in: Callable[[str], Client]) -> None:
    assert ids(signed_in("zhao").get("/api/v1/contracts")) == ["DWK-001", "HN-001", "NX-001"]
    assert ids(signed_in("county").get("/api/v1/contracts")) == ["DWK-001"]
    assert ids(signed_in("supplier").get("/api/v1/contracts")) == ["DWK-001", "NX-001"]


def test_the_filters_narrow_the_list_unit_subtree_service_status_supplier(
        signed_in: Callable[[str], Client]) -> None:
    c = signed_in("zhao")
    assert ids(c.get("/api/v1/contracts?unit=NX-SZS")) == ["DWK-001", "HN-001"]
    assert ids(c.get("/api/v1/contracts?supplier=S-2")) == ["HN-001"]
    assert ids(c.get("/api/v1/contracts?service=cleaning&status=in_force&on=2022-06-30")) \
        == ["DWK-001", "HN-001", "NX-001"]
    assert ids(c.get("/api/v1/contracts?status=ended&on=2022-06-30")) == []
    assert ids(c.get("/api/v1/contracts?service=elevator")) == []
    info = c.get("/api/v1/contracts?unit=NX-SZS-DWK").json()[0]
    assert info["unit"] == "NX-SZS-DWK" and info["services"] == ["property", "cleaning"]


def test_a_unit_or_a_status_the_caller_cannot_ask_is_a_problem(
        signed_in: Callable[[str], Client]) -> None:
    county = signed_in("county")
    problem(county.get("/api/v1/contracts?unit=NX-SZS-HN"), 404, "registry.unknown_unit")
    body = problem(county.get("/api/v1/contracts?status=signed"), 422, "api.bad_status")
    assert body["field"] == "status" and "in_force" in body["detail"]
    body = problem(county.get("/api/v1/contracts?on=2022-02-30"), 422, "date.day_out_of_range")
    assert body["field"] == "on"


def test_a_contract_of_another_unit_is_not_found_and_the_attempt_audited(
        signed_in: Callable[[str], Client], bureau: Bureau) -> None:
    county = signed_in("county")
    assert county.get("/api/v1/contracts/DWK-001").json()["contract"]["id"] == "DWK-001"
    for path in ("", "/terms", "/check", "/changes", "/headroom", "/statements",
                 "/statements/2022-01"):
        problem(county.get(f"/api/v1/contracts/NX-001{path}"), 404,
                "registry.unknown_contract")
    trail = bureau.store.audit_trail(object_prefix="contracts:NX-001")
    assert sum(1 for x in trail if x.action == "denied:unit_scope" and x.actor == "sun") == 7


def test_show_gives_the_contract_its_lines_changes_headroom_and_links(
        signed_in: Callable[[str], Client]) -> None:
    body = signed_in("zhao").get("/api/v1/contracts/NX-001").json()
    assert body["term_end"] == "2022-12-31"
    assert [x["id"] for x in body["lines"]] == ["property", "cleaning"]
    assert body["lines"][0]["pricing"]["monthly_fee"] == "80000.00"
    assert body["changes"] == []
    assert body["headroom"]["original_amount"] == "1200000.00"
    assert body["headroom"]["limit"] == "120000.00"
    assert body["links"]["statements"] == "/api/v1/contracts/NX-001/statements"


def test_an_officer_records_a_contract_from_json_in_its_unit(
        signed_in: Callable[[str], Client], bureau: Bureau) -> None:
    county = signed_in("county")
    r = county.post("/api/v1/contracts", json=contract_json("DWK-002", supplier="S-3"))
    assert r.status_code == 201, r.text
    assert r.json()["unit"] == "NX-SZS-DWK" and r.json()["url"] == "/api/v1/contracts/DWK-002"
    assert bureau.store.contract_scope("DWK-002") == ("NX-SZS-DWK", "S-3")
    rec = [x for x in bureau.store.audit_trail(object_prefix="contracts:DWK-002")
           if x.action == "add_contract"]
    assert [x.actor for x in rec] == ["sun"]  # the account's actor, never a name in the body


def test_the_terms_document_round_trips_into_a_new_contract(
        signed_in: Callable[[str], Client]) -> None:
    c = signed_in("zhao")
    terms = c.get("/api/v1/contracts/NX-001/terms").json()
    terms["contract"]["id"] = "NX-002"
    r = c.post("/api/v1/contracts?unit=NX-YC", json=terms)
    assert r.status_code == 201, r.text
    title = c.get("/api/v1/contracts/NX-002").json()["contract"]["title"]
    assert title == "自治区政府办公区物业服务"
    assert ids(c.get("/api/v1/contracts?unit=NX-YC")) == ["NX-002"]


def test_only_an_officer_records_and_not_into_a_unit_it_does_not_see(
        signed_in: Callable[[str], Client]) -> None:
    problem(signed_in("assessor").post("/api/v1/contracts", json=contract_json("X-1")), 403,
            "service.denied.role")
    problem(signed_in("county").post("/api/v1/contracts?unit=NX", json=contract_json("X-2")),
            404, "registry.unknown_unit")


@pytest.mark.parametrize(("change", "field"), [
    (lambda d: d["lines"][0]["pricing"].__setitem__("monthly_fee", 80000.5),
     "$.lines[0].pricing.monthly_fee"),
    (lambda d: d.__setitem__("colour", "blue"), "$"),
    (lambda d: d["term"].__setitem__("end", "2022-02-30"), "$.term.end"),
    (lambda d: d.pop("supplier"), "$.supplier"),
])
def test_a_body_that_is_not_a_contract_is_422_naming_the_field(
        signed_in: Callable[[str], Client], change: Callable[[dict[str, object]], object],
        field: str) -> None:
    data = contract_json("BAD-1")
    change(data)
    body = problem(signed_in("zhao").post("/api/v1/contracts", json=data), 422,
                   "serialization.*")
    assert body["field"].startswith(field)


def test_a_contract_that_breaks_a_rule_is_refused_with_its_findings(
        signed_in: Callable[[str], Client]) -> None:
    from datetime import date

    data = contract_json("LONG-1", end=date(2026, 12, 31))  # five years: 政府采购法实施条例
    c = signed_in("zhao")
    findings = c.post("/api/v1/contracts/check", json=data).json()
    assert any(f["severity"] == "error" for f in findings)
    body = problem(c.post("/api/v1/contracts", json=data), 422, "api.contract_breaks_rules")
    assert "LONG-1" in body["detail"]
    problem(c.get("/api/v1/contracts/LONG-1"), 404, "registry.unknown_contract")


def test_the_same_id_twice_is_a_conflict(signed_in: Callable[[str], Client]) -> None:
    problem(signed_in("zhao").post("/api/v1/contracts", json=contract_json("NX-001")), 409,
            "registry.contract_exists")


def test_a_contract_is_recorded_from_the_desks_workbook(
        signed_in: Callable[[str], Client], tmp_path: Path) -> None:
    path = write_contract_workbook(ContractTerms(contract("WB-001", supplier="S-9")),
                                   tmp_path / "合同.xlsx")
    c = signed_in("zhao")
    with path.open("rb") as f:
        checked = c.post("/api/v1/contracts/check/workbook", files={"file": f})
    assert checked.status_code == 200 and all(x["severity"] != "error" for x in checked.json())
    with path.open("rb") as f:
        r = c.post("/api/v1/contracts/workbook", files={"file": f})
    assert r.status_code == 201, r.text
    assert c.get("/api/v1/contracts/WB-001").json()["contract"]["supplier"]["id"] == "S-9"
    bad = c.post("/api/v1/contracts/workbook", files={"file": ("合同.xlsx", b"not a zip")})
    body = problem(bad, 422, "desk.workbook.not_a_zip")
    assert body["field"] == "合同.xlsx" and "/tmp" not in bad.text  # the upload, not our file
    r = c.post("/api/v1/contracts/workbook")
    assert r.status_code == 422 and r.json()["code"] in ("service.bad_body", "api.upload_missing")


def test_the_empty_workbook_downloads(signed_in: Callable[[str], Client]) -> None:
    r = signed_in("county").get("/api/v1/contracts/template.xlsx")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert "filename*=UTF-8''" in r.headers["content-disposition"]
