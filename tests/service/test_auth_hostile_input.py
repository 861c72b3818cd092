"""Hostile input at the sign-in form: HTML comes back escaped, SQL is a string like any
other (the accounts are intact), over-long and invisible-character logins are refused like
a wrong password, and ``next`` never leads off the site."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from service_cases import Bureau, sign_in

HOSTILE = ["<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>",
           "zhao' OR '1'='1", "zhao'; DROP TABLE accounts;--", "x" * 5000, "zh\u200bao",
           "\x00zhao", "{{ 7*7 }}"]


@pytest.mark.parametrize("login", HOSTILE, ids=range(len(HOSTILE)))
def test_a_hostile_login_is_refused_and_shown_escaped(client: TestClient[Litestar],
                                                      bureau: Bureau, login: str) -> None:
    r = sign_in(client, login)
    assert r.status_code == 401
    assert "<script>" not in r.text and "<img" not in r.text
    if login.startswith("<script>"):
        assert "&lt;script&gt;" in r.text
    if login.startswith("{{"):
        assert "{{ 7*7 }}" in r.text  # shown as typed, never evaluated
    assert client.get("/api/v1/me").status_code == 401
    assert sign_in(client, "zhao").status_code == 303  # the accounts are intact
    assert bureau.store.verify().ok


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/",
                                    "/\\evil.example", "javascript:alert(1)"])
def test_next_never_leads_off_the_site(client: TestClient[Litestar], target: str) -> None:
    r = sign_in(client, "zhao", next=target)
    assert r.status_code == 303 and r.headers["location"] == "/"
    page = client.get("/signin", params={"next": target})
    assert f'value="{target}"' not in page.text


def test_next_keeps_a_path_of_the_site(client: TestClient[Litestar]) -> None:
    r = sign_in(client, "zhao", next="/contracts/NX-001?tab=changes")
    assert r.headers["location"] == "/contracts/NX-001?tab=changes"
