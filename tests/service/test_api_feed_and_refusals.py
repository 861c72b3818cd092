"""The change feed (``GET /api/v1/changes?since=``) and the refusals every endpoint shares:
the feed lists each recorded change once, in the order of the audit chain, with its URL,
only for the caller's units, and its cursor moves past what the caller may not see; every
endpoint refuses a request without a session or a token (401); text fields carrying HTML or
SQL are kept as data and come back escaped on the printable page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from api_cases import Client, assessments_json, contract_json, problem, settled_january
from litestar import Litestar
from service_cases import Bureau

from outsourcing.service.api import CONTROLLERS


def read_feed(c: Client, since: int = 0, limit: int = 100) -> tuple[list[dict[str, Any]], int]:
    items: list[dict[str, Any]] = []
    while True:
        page = c.get(f"/api/v1/changes?since={since}&limit={limit}").json()
        items += page["items"]
        if page["next"] == since and not page["more"]:
            return items, since
        since = page["next"]
        if not page["more"]:
            return items, since


def test_the_feed_lists_each_change_once_in_chain_order_with_its_url(
        signed_in: Callable[[str], Client], bureau: Bureau) -> None:
    zhao = signed_in("zhao")
    items, cursor = read_feed(zhao, limit=3)
    positions = [x["position"] for x in items]
    assert positions == sorted(set(positions))  # increasing, none twice
    assert {x["contract_id"] for x in items} == {"NX-001", "DWK-001", "HN-001"}
    assert {x["kind"] for x in items} == {"contracts", "contract_lines"}
    settled_january(signed_in("assessor"), zhao)
    new, _ = read_feed(zhao, since=cursor)
    assert [(x["kind"], x["action"]) for x in new][-1][0] in ("findings", "statements")
    kinds = {x["kind"] for x in new}
    assert {"assessments", "statements"} <= kinds
    st = next(x for x in new if x["kind"] == "statements")
    assert st["url"] == "/api/v1/contracts/NX-001/statements/2022-01" and st["period"] == "2022-01"
    assert zhao.get(st["url"]).status_code == 200
    assert all(x["position"] > cursor for x in new)
    audit = {r.seq: r for r in bureau.store.audit_trail()}
    assert all(audit[x["position"]].object.startswith(x["kind"] + ":") for x in new)


def test_the_feed_shows_a_county_only_its_own_and_moves_past_the_rest(
        signed_in: Callable[[str], Client]) -> None:
    zhao = signed_in("zhao")
    zhao.post("/api/v1/contracts?unit=NX-SZS-HN", json=contract_json("HN-002", supplier="S-2"))
    county = signed_in("county")
    items, cursor = read_feed(county, limit=2)
    assert {x["contract_id"] for x in items} == {"DWK-001"}
    everything, end = read_feed(zhao)
    assert cursor == end  # the county's cursor passed the other units' records too
    assert "HN-002" in {x["contract_id"] for x in everything}


def test_a_bad_cursor_or_limit_is_422_naming_it(signed_in: Callable[[str], Client]) -> None:
    c = signed_in("zhao")
    assert problem(c.get("/api/v1/changes?since=-1"), 422, "api.bad_cursor")["field"] == "since"
    assert problem(c.get("/api/v1/changes?since=abc"), 422, "api.bad_cursor")["field"] == "since"
    assert problem(c.get("/api/v1/changes?limit=0"), 422, "api.bad_limit")["field"] == "limit"


def test_the_audit_chain_is_checked_by_an_approver_or_finance(
        signed_in: Callable[[str], Client]) -> None:
    r = signed_in("finance").get("/api/v1/audit/verify")
    assert r.status_code == 200 and r.json()["ok"] is True and r.json()["records"] > 0
    problem(signed_in("county").get("/api/v1/audit/verify"), 403, "service.denied.role")


def _routes(app: Litestar) -> list[tuple[str, str]]:
    out = []
    for route in app.routes:
        if not route.path.startswith("/api/v1/") or route.path.startswith("/api/v1/openapi"):
            continue
        for method in sorted(route.methods):
            if method in ("HEAD", "OPTIONS") or route.path == "/api/v1/me":
                continue
            path = (route.path_format.replace("{contract_id}", "NX-001")
                    .replace("{period}", "2022-01").replace("{change_id}", "CH-1"))
            out.append((method, path))
    return out


def test_every_endpoint_refuses_a_request_without_a_session_or_token(
        app: Litestar, client: Client) -> None:
    routes = _routes(app)
    assert len(routes) >= 40 and len(CONTROLLERS) == 9
    for method, path in routes:
        r = client.request(method, path, json={})
        if method == "GET":
            assert r.status_code == 401, (method, path, r.text)
            assert r.json()["code"] == "service.sign_in_required"
        else:  # a write without a cookie's CSRF token stops there (403) before sign-in
            assert (r.status_code, r.json()["code"]) in (
                (401, "service.sign_in_required"), (403, "service.csrf")), (method, path)
        r = client.request(method, path, json={}, headers={"Authorization": "Bearer tok-x.y"})
        assert r.status_code == 401, (method, path, r.text)  # a token that is none


def test_a_revoked_token_is_refused_by_the_api_at_once(
        token_client: Callable[..., tuple[Client, str]], bureau: Bureau) -> None:
    c, token_id = token_client(roles=("officer",), units=("NX-SZS",))
    assert [x["id"] for x in c.get("/api/v1/contracts").json()] == ["DWK-001", "HN-001"]
    problem(c.get("/api/v1/contracts/NX-001"), 404, "registry.unknown_contract")
    problem(c.post("/api/v1/contracts/DWK-001/payments", json={
        "period": "2022-01", "amount": "1.00", "paid_on": "2022-02-20"}), 403,
        "service.denied.role")  # the token holds officer only
    bureau.store.revoke_token(token_id, reason="接入系统下线", by="li")
    problem(c.get("/api/v1/contracts"), 401, "service.sign_in_required")


INJECTIONS = ["<script>alert('x')</script>", "'; DROP TABLE contracts; --",
              "\" onmouseover=\"alert(1)", "<img src=x onerror=alert(1)>"]


@pytest.mark.parametrize("text", INJECTIONS)
def test_html_and_sql_in_text_fields_are_data_and_print_escaped(
        signed_in: Callable[[str], Client], bureau: Bureau, text: str) -> None:
    zhao = signed_in("zhao")
    data = contract_json("INJ-1")
    data["title"] = f"物业服务{text}"
    data["lines"][0]["site"] = text
    data["lines"][1]["site"] = text
    assert zhao.post("/api/v1/contracts", json=data).status_code == 201
    assert zhao.get("/api/v1/contracts/INJ-1").json()["contract"]["title"] == f"物业服务{text}"
    kong = signed_in("assessor")
    r = kong.post("/api/v1/contracts/INJ-1/assessments/2022-01", json=assessments_json())
    assert r.status_code == 200, r.text
    zhao.post("/api/v1/contracts/INJ-1/settle/2022-01")
    page = zhao.get("/api/v1/contracts/INJ-1/statements/2022-01/print").text
    assert text not in page and "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;" in page or "&#x27;" in page or "&quot;" in page
    assert len(bureau.store.contracts()) == 4  # the table is still there
    reject = zhao.post("/api/v1/contracts/NX-001/changes", json={
        "id": "CH-\u200b1", "action": {"kind": "suspend", "line": "cleaning"},
        "rationale": "force_majeure", "reason": text, "effective": "2022-09-01",
        "requested_by": "采购人"})
    assert reject.status_code == 422  # an invisible character in an id is refused
