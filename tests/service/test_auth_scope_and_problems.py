"""The unit scope (单位范围) and the problem details: a contract outside the principal's
units answers exactly as a contract that does not exist (404) and the attempt is audited;
a supplier sees only its own contracts; a token is scoped to its units and roles (403 for
a role it lacks, audited); the library's errors come as RFC 9457 problems with the code,
the field and the Chinese sentence; a body that does not fit is 422 naming the field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import pytest
from litestar import Litestar, get, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.testing import TestClient
from service_cases import SECRET, Bureau

from outsourcing.errors import RegistryError
from outsourcing.registry import Role
from outsourcing.service import (
    CurrentPrincipal,
    StoreDependency,
    contract_in_scope,
    create_app,
    require_role,
)

Client = TestClient[Litestar]


@get("/api/v1/_probe/contracts/{cid:str}", sync_to_thread=True)
def probe_contract(cid: FromPath[str], principal: CurrentPrincipal, store: StoreDependency
                   ) -> dict[str, Any]:
    return {"id": cid, "unit": contract_in_scope(store, principal, cid)}


@attrs.frozen
class Note:
    contract_id: str
    amount_fen: int


@post("/api/v1/_probe/notes", sync_to_thread=True)
def probe_note(data: JSONBody[Note], principal: CurrentPrincipal, store: StoreDependency
               ) -> dict[str, Any]:
    contract_in_scope(store, principal, data.contract_id)
    require_role(store, principal, Role.FINANCE, action="record_payment",
                 obj=f"contracts:{data.contract_id}")
    return {"by": principal.actor}


@get("/api/v1/_probe/unit", sync_to_thread=True)
def probe_unit(unit: FromQuery[str], store: StoreDependency) -> str:
    return store.unit(unit).name


@pytest.fixture()
def probe(bureau: Bureau) -> Litestar:
    return create_app(bureau.store, secret=SECRET, secure_cookies=False,
                      extra_handlers=[probe_contract, probe_note, probe_unit])


def _as(probe: Litestar, login: str) -> Client:
    from service_cases import csrf_of, sign_in

    c = TestClient(app=probe)
    assert sign_in(c, login).status_code == 303
    c.headers["x-csrftoken"] = csrf_of(c)
    return c


def test_a_county_officer_sees_its_county_and_not_the_next_one(probe: Litestar,
                                                                bureau: Bureau) -> None:
    c = _as(probe, "county")
    assert c.get("/api/v1/_probe/contracts/DWK-001").json() == {"id": "DWK-001",
                                                                "unit": "NX-SZS-DWK"}
    before = len(bureau.store.audit_trail())
    other = c.get("/api/v1/_probe/contracts/HN-001")
    missing = c.get("/api/v1/_probe/contracts/NOPE-404")
    assert other.status_code == missing.status_code == 404
    strip = {"detail", "message"}  # they name the id asked for; nothing else differs
    assert ({k: v for k, v in other.json().items() if k not in strip}
            == {k: v for k, v in missing.json().items() if k not in strip})
    assert other.json()["code"] == "registry.unknown_contract"
    trail = bureau.store.audit_trail()[before:]
    assert [(x.actor, x.action, x.object) for x in trail] == [
        ("sun", "denied:unit_scope", "contracts:HN-001")]  # the unknown one writes nothing
    assert bureau.store.verify().ok


def test_the_region_sees_every_unit_below_it(probe: Litestar) -> None:
    c = _as(probe, "zhao")
    for cid in ("NX-001", "DWK-001", "HN-001"):
        assert c.get(f"/api/v1/_probe/contracts/{cid}").status_code == 200


def test_a_supplier_sees_only_its_own_contracts(probe: Litestar) -> None:
    c = _as(probe, "supplier")
    assert c.get("/api/v1/_probe/contracts/DWK-001").status_code == 200
    assert c.get("/api/v1/_probe/contracts/NX-001").status_code == 200
    assert c.get("/api/v1/_probe/contracts/HN-001").status_code == 404  # supplier S-2's


def test_a_token_is_scoped_to_its_units_and_roles(probe: Litestar, bureau: Bureau) -> None:
    _, secret = bureau.store.issue_token("石嘴山财务系统", actor="oa", roles=["officer"],
                                         units=["NX-SZS"], by="wang")
    c = TestClient(app=probe)
    c.headers["Authorization"] = f"Bearer {secret}"
    assert c.get("/api/v1/_probe/contracts/HN-001").status_code == 200
    assert c.get("/api/v1/_probe/contracts/NX-001").status_code == 404
    before = len(bureau.store.audit_trail())
    r = c.post("/api/v1/_probe/notes", json={"contract_id": "HN-001", "amount_fen": 100})
    assert r.status_code == 403  # oa holds finance, the token does not
    body = r.json()
    assert body["code"] == "service.denied.role" and "财务" in body["detail"]
    assert [(x.actor, x.action) for x in bureau.store.audit_trail()[before:]] == [
        ("oa", "denied:record_payment")]


def test_a_problem_carries_the_code_the_field_and_the_chinese_sentence(probe: Litestar
                                                                        ) -> None:
    c = _as(probe, "zhao")
    r = c.get("/api/v1/_probe/unit", params={"unit": "NX-ZZ"})
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["type"] == "urn:outsourcing:problem:registry.unknown_unit"
    assert body["status"] == 404 and body["field"] == "unit" and body["title"] == "单位"
    assert "单位 NX-ZZ 不存在" in body["detail"]
    assert body["message"] == "no such unit"
    with pytest.raises(RegistryError) as e:
        probe.state.store.unit("NX-ZZ")
    assert body["detail"] == e.value.message_zh


def test_a_body_that_does_not_fit_is_422_naming_the_field(probe: Litestar) -> None:
    c = _as(probe, "finance")
    r = c.post("/api/v1/_probe/notes", json={"contract_id": "NX-001", "amount_fen": "many"})
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "service.bad_body" and body["field"] == "amount_fen"
    assert "amount_fen" in body["detail"]
    ok = c.post("/api/v1/_probe/notes", json={"contract_id": "NX-001", "amount_fen": 5})
    assert ok.status_code == 201 and ok.json() == {"by": "qian"}


def test_an_unknown_path_is_a_problem_too(client: Client) -> None:
    r = client.get("/api/v1/no-such-thing")
    assert r.status_code == 404 and r.json()["code"] == "service.not_found"


def test_the_openapi_document_names_me(client: Client) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/me" in doc["paths"]
    assert "Me" in doc["components"]["schemas"]


def test_a_sign_in_required_page_redirects_to_the_form(
        probe: Litestar, signed_in: Callable[[str], Client]) -> None:
    c = TestClient(app=probe)
    r = c.get("/api/v1/_probe/contracts/NX-001")
    assert r.status_code == 401
    page = TestClient(app=probe)
    r = page.post("/signout", headers={"accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 403 and "text/html" in r.headers["content-type"]
    assert "跨站请求伪造" in r.text
