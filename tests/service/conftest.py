"""Fixtures for the service tests (svc-auth, svc-api and svc-desk share them; the builders
and the table of accounts are in ``service_cases.py``): every test runs on SQLite and on
PostgreSQL (the registry tests' fixtures: a missing server skips, except under ``CI``, where
it fails).

- ``bureau`` — :class:`service_cases.Bureau`: a store with units, people, accounts and
  contracts (see ``service_cases``);
- ``app`` — :func:`outsourcing.service.create_app` over it (cookies not Secure: the test
  client speaks plain HTTP); ``client`` — a test client nobody signed in with;
- ``signed_in(login)`` — a test client signed in as ``login`` (its CSRF token sent in the
  ``x-csrftoken`` header, so its writes pass);
- ``token_client(roles=("officer",), units=("NX",))`` — a client sending a fresh token of
  the system actor ``oa``, and the token's id;
- ``desk`` — the web desk's scenario (``web_desk_cases.Desk``: a region, its people and
  months settled); ``person(login)`` — a test client of the desk signed in through the
  sign-in form as ``login`` (never entered: two entered clients of one app hang anyio).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from service_cases import SECRET, Bureau, build_bureau, csrf_of, registry_fixtures, sign_in
from web_desk_cases import SECRET as DESK_SECRET
from web_desk_cases import Desk, build_desk
from web_desk_cases import signed_in as desk_signed_in

pg_database = registry_fixtures.pg_database
db_url = registry_fixtures.db_url


@pytest.fixture(autouse=True)
def _cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2's cheapest profile: the tests hash many passwords on a small machine."""
    monkeypatch.setenv("OUTSOURCING_ARGON2_PROFILE", "CHEAPEST")


@pytest.fixture()
def bureau(db_url: str) -> Bureau:
    return build_bureau(db_url)


@pytest.fixture()
def app(bureau: Bureau) -> Litestar:
    from outsourcing.service import create_app

    return create_app(bureau.store, secret=SECRET, secure_cookies=False)


@pytest.fixture()
def client(app: Litestar) -> TestClient[Litestar]:
    """A client nobody signed in with.  The clients are not entered (``with``): the app's
    lifespan has nothing to do over a store given to it, and two entered clients of one app
    at once break anyio's portal."""
    return TestClient(app=app)


@pytest.fixture()
def signed_in(app: Litestar) -> Callable[[str], TestClient[Litestar]]:
    """``signed_in(login)``: a client signed in as ``login``, sending its CSRF token."""
    def make(login: str) -> TestClient[Litestar]:
        c = TestClient(app=app)
        r = sign_in(c, login)
        assert r.status_code == 303, r.text
        c.headers["x-csrftoken"] = csrf_of(c)
        return c

    return make


@pytest.fixture()
def token_client(app: Litestar, bureau: Bureau
                 ) -> Callable[..., tuple[TestClient[Litestar], str]]:
    """``token_client(roles=("officer",), units=("NX",))``: a client sending a fresh token of
    the system actor ``oa`` (issued by wang), and the token's id."""
    opened: list[TestClient[Litestar]] = []

    def make(roles: tuple[str, ...] = ("officer",), units: tuple[str, ...] = ("NX",)
             ) -> tuple[TestClient[Litestar], str]:
        token, secret = bureau.store.issue_token("自治区办公系统", actor="oa", roles=roles,
                                                 units=units, by="wang")
        c = TestClient(app=app)
        c.__enter__()
        c.headers["Authorization"] = f"Bearer {secret}"
        opened.append(c)
        return c, token.id

    yield make
    for c in opened:
        c.__exit__(None, None, None)


@pytest.fixture()
def desk(db_url: str) -> Desk:
    return build_desk(db_url)


@pytest.fixture()
def person(desk: Desk) -> Callable[[str], Any]:
    from outsourcing.service import create_app

    app = create_app(desk.store, secret=DESK_SECRET, secure_cookies=False)
    return lambda login: desk_signed_in(app, login)
