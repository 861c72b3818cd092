"""Sign-in (登录): the right password gives a session in an encrypted, HttpOnly, SameSite
cookie; a wrong one is refused and audited; sign-out ends the session; without a session the
API answers 401 (a problem) and a page redirects to the sign-in page."""

from __future__ import annotations

import string
from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar import Litestar
from litestar.testing import TestClient
from service_cases import PASSWORD, Bureau, sign_in

Client = TestClient[Litestar]


def test_the_right_password_signs_in_and_me_names_the_account(client: Client) -> None:
    r = sign_in(client, "county")
    assert r.status_code == 303 and r.headers["location"] == "/"
    me = client.get("/api/v1/me").json()
    assert me["actor"] == "sun" and me["account"] == "county"
    assert me["unit"] == "NX-SZS-DWK" and me["roles"] == ["officer"]
    assert me["roles_zh"] == ["经办人"] and me["token"] is None


def test_the_session_cookie_is_httponly_samesite_and_encrypted(client: Client) -> None:
    r = sign_in(client, "zhao")
    cookie = next(v for k, v in r.headers.multi_items()
                  if k == "set-cookie" and v.startswith("outsourcing_session="))
    flags = {p.strip().split("=")[0].lower() for p in cookie.split(";")}
    assert {"httponly", "samesite"} <= flags and "samesite=lax" in cookie.lower()
    assert "zhao" not in cookie  # the login name is not readable in the cookie


def test_the_cookies_are_secure_unless_the_service_runs_in_dev(bureau: Bureau) -> None:
    from service_cases import SECRET

    from outsourcing.service import create_app

    c = TestClient(app=create_app(bureau.store, secret=SECRET))
    page = c.get("/signin")
    cookies = [v for k, v in page.headers.multi_items() if k == "set-cookie"]
    assert cookies and all("secure" in v.lower() for v in cookies)


def test_a_wrong_password_is_refused_and_audited(client: Client, bureau: Bureau) -> None:
    before = len(bureau.store.audit_trail())
    r = sign_in(client, "zhao", "not-the-password-1")
    assert r.status_code == 401 and "登录名或口令不正确" in r.text
    assert client.get("/api/v1/me").status_code == 401
    last = bureau.store.audit_trail()[before:]
    assert [(x.actor, x.role, x.action) for x in last] == [("zhao", "sign_in",
                                                            "denied:sign_in")]
    assert last[0].object == "clients:testclient"
    assert bureau.store.verify().ok


def test_an_unknown_login_is_refused_like_a_wrong_password(client: Client) -> None:
    r = sign_in(client, "nobody")
    assert r.status_code == 401 and "登录名或口令不正确" in r.text


def test_without_a_session_the_api_says_401_and_a_page_redirects(client: Client) -> None:
    r = client.get("/api/v1/me")
    assert r.status_code == 401
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["code"] == "service.sign_in_required" and body["status"] == 401
    assert "请先登录" in body["detail"]
    page = client.post("/signout", headers={"accept": "text/html"}, follow_redirects=False)
    assert page.status_code in (303, 403)


def test_sign_out_ends_the_session_and_a_copy_of_its_cookie(
        signed_in: Callable[[str], Client]) -> None:
    c = signed_in("finance")
    stolen = c.cookies["outsourcing_session"]
    assert c.get("/api/v1/me").status_code == 200
    r = c.post("/signout", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/signin"
    assert c.get("/api/v1/me").status_code == 401
    c.cookies.set("outsourcing_session", stolen)  # a copy kept from before the sign-out
    assert c.get("/api/v1/me").status_code == 401


def test_a_disabled_account_loses_its_session_at_once(
        signed_in: Callable[[str], Client], bureau: Bureau) -> None:
    c = signed_in("county")
    assert c.get("/api/v1/me").status_code == 200
    bureau.store.disable_account("county", by="wang")
    assert c.get("/api/v1/me").status_code == 401
    assert sign_in(c, "county", PASSWORD).status_code == 401


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.text(alphabet=string.ascii_letters + string.digits + "+/=", max_size=300))
def test_any_session_cookie_that_is_not_ours_is_no_session(client: Client, value: str
                                                           ) -> None:
    client.cookies.clear()
    client.cookies.set("outsourcing_session", value)
    r = client.get("/api/v1/me")
    assert r.status_code == 401 and r.json()["code"] == "service.sign_in_required"


def test_every_page_forbids_framing_and_sniffing(client: Client) -> None:
    from outsourcing.service.problems import SECURITY_HEADERS

    for r in (client.get("/signin"), client.get("/api/v1/me"), client.get("/nowhere")):
        for k, v in SECURITY_HEADERS.items():
            assert r.headers.get(k) == v, (r.url, k)
