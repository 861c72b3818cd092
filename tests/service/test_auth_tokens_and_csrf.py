"""API tokens (接口令牌) and CSRF: a token acts as its actor within its roles and units; a
revoked token is refused at the very next request; only the SHA-256 of the secret is kept;
a form without its CSRF token is refused (403), a Bearer call needs none; a session cannot
act as another account."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from litestar import Litestar
from litestar.testing import TestClient
from service_cases import Bureau, csrf_of

from outsourcing.errors import AccessDenied, RegistryError

Client = TestClient[Litestar]


def test_a_token_acts_as_its_actor_within_its_roles_and_units(
        token_client: Callable[..., tuple[Client, str]]) -> None:
    c, token_id = token_client(roles=("finance",), units=("NX-SZS",))
    me = c.get("/api/v1/me").json()
    assert me["actor"] == "oa" and me["token"] == token_id and me["account"] is None
    assert me["roles"] == ["finance"] and me["units"] == ["NX-SZS"]


def test_a_revoked_token_is_refused_at_the_next_request(
        token_client: Callable[..., tuple[Client, str]], bureau: Bureau) -> None:
    c, token_id = token_client()
    assert c.get("/api/v1/me").status_code == 200
    bureau.store.revoke_token(token_id, reason="接入系统下线", by="li")
    r = c.get("/api/v1/me")
    assert r.status_code == 401 and r.json()["code"] == "service.sign_in_required"
    assert bureau.store.token(token_id).revoked


def test_only_the_hash_of_the_secret_is_stored(bureau: Bureau) -> None:
    token, secret = bureau.store.issue_token("财务系统", actor="oa", roles=["finance"],
                                             units=["NX"], by="wang")
    with bureau.store.engine.connect() as conn:
        row = conn.execute(sa.text("SELECT * FROM api_tokens WHERE id = :i"),
                           {"i": token.id}).mappings().one()
    plain = secret.partition(".")[2]
    assert plain not in str(dict(row))
    assert row["secret_hash"] == hashlib.sha256(plain.encode()).hexdigest()
    assert bureau.store.token_for(secret) == token
    assert bureau.store.token_for(token.id + ".wrong") is None


def test_a_wrong_or_malformed_token_is_401(client: Client) -> None:
    for header in ("Bearer tok-000000000000.nope", "Bearer nonsense", "Basic abc"):
        r = client.get("/api/v1/me", headers={"Authorization": header})
        assert r.status_code == 401, header


def test_a_token_cannot_hold_a_role_its_actor_lacks_nor_be_self_issued(bureau: Bureau
                                                                       ) -> None:
    with pytest.raises(RegistryError) as e:
        bureau.store.issue_token("x", actor="oa", roles=["approver"], units=["NX"], by="wang")
    assert e.value.code == "registry.token_roles"
    with pytest.raises(AccessDenied) as d:
        bureau.store.issue_token("x", actor="wang", roles=["approver"], units=["NX"],
                                 by="wang")
    assert d.value.code == "registry.denied.own_token"
    with pytest.raises(RegistryError) as u:
        bureau.store.issue_token("x", actor="oa", roles=["officer"], units=["NX-ZZ"],
                                 by="wang")
    assert u.value.code == "registry.unknown_unit"


def test_a_form_without_its_csrf_token_is_refused(signed_in: Callable[[str], Client]
                                                  ) -> None:
    c = signed_in("zhao")
    del c.headers["x-csrftoken"]
    r = c.post("/signout", follow_redirects=False)
    assert r.status_code == 403 and r.json()["code"] == "service.csrf"
    assert c.get("/api/v1/me").status_code == 200  # still signed in: nothing happened
    r = c.post("/signout", headers={"x-csrftoken": "forged" * 10}, follow_redirects=False)
    assert r.status_code == 403


def test_the_sign_in_form_itself_needs_its_csrf_token(client: Client) -> None:
    r = client.post("/signin", data={"login": "zhao", "password": "x" * 12})
    assert r.status_code == 403 and r.json()["code"] == "service.csrf"


def test_a_bearer_call_needs_no_csrf_token_and_ignores_a_session_cookie(
        token_client: Callable[..., tuple[Client, str]],
        signed_in: Callable[[str], Client]) -> None:
    c, _ = token_client()
    assert c.post("/signout", follow_redirects=False).status_code == 303  # no CSRF token
    c.cookies.set("outsourcing_session", signed_in("wang").cookies["outsourcing_session"])
    assert c.get("/api/v1/me").json()["actor"] == "oa"


def test_a_session_cookie_of_one_account_cannot_act_as_another(
        signed_in: Callable[[str], Client]) -> None:
    a = signed_in("county")
    cookie = a.cookies["outsourcing_session"]
    for at in (20, len(cookie) // 2, len(cookie) - 30):  # nonce, ciphertext, expiry
        flipped = "B" if cookie[at] != "B" else "C"
        a.cookies.clear()
        a.cookies.set("outsourcing_session", cookie[:at] + flipped + cookie[at + 1:])
        assert a.get("/api/v1/me").status_code == 401, at
    b = signed_in("finance")
    assert b.get("/api/v1/me").json()["actor"] == "qian"
    b.cookies.clear()
    b.cookies.set("outsourcing_session", cookie)
    assert b.get("/api/v1/me").json()["actor"] == "sun"  # the cookie is its own account only
    me = b.get("/api/v1/me", params={"actor": "wang", "by": "wang"},
               headers={"X-Actor": "wang"}).json()
    assert me["actor"] == "sun"  # a name in the request changes nothing


def test_the_form_page_carries_a_csrf_token(client: Client) -> None:
    assert len(csrf_of(client)) > 32
