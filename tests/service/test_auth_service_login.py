"""The service's database login (PostgreSQL): the process connects as one login, a member
of the service role, and the signed-in account is the actor of each write (``by=``); a
person's own login stays bound to its actor, whatever ``by=`` says; the audit records name
the service's login."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from litestar.testing import TestClient
from service_cases import SECRET, build_bureau, contract, registry_fixtures, sign_in

from outsourcing.errors import AccessDenied
from outsourcing.registry import Store
from outsourcing.registry.roles import app_role_name, service_role_name
from outsourcing.service import create_app


@pytest.fixture()
def logins(pg_database: str | None) -> Iterator[tuple[Store, Store]]:
    """The bureau's store opened as a service login and as a plain application login."""
    if pg_database is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is required when CI is set")
        pytest.skip("PostgreSQL unreachable")
    url = registry_fixtures.pg_schema_url(pg_database)
    owner = build_bureau(url).store
    token = secrets.token_hex(4)
    service, plain = f"o_service_{token}", f"o_plain_{token}"
    admin = sa.create_engine(pg_database.replace("postgresql://", "postgresql+psycopg://"),
                             isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE ROLE "{service}" LOGIN IN ROLE "{service_role_name()}"'))
        c.execute(sa.text(f'CREATE ROLE "{plain}" LOGIN IN ROLE "{app_role_name()}"'))
    user = pg_database.split("://", 1)[1].split("@", 1)[0]
    as_service = Store.open(url.replace(f"://{user}@", f"://{service}@", 1), migrate=False)
    as_plain = Store.open(url.replace(f"://{user}@", f"://{plain}@", 1), migrate=False)
    try:
        yield as_service, as_plain
    finally:
        for s in (as_service, as_plain, owner):
            s.close()
        with admin.connect() as c:
            for login in (service, plain):
                c.execute(sa.text(f'DROP OWNED BY "{login}"'))
                c.execute(sa.text(f'DROP ROLE IF EXISTS "{login}"'))
        admin.dispose()


def test_the_service_login_writes_as_the_signed_in_accounts_actor(
        logins: tuple[Store, Store]) -> None:
    service, plain = logins
    service.add_contract(contract("NX-900"), by="zhao", unit="NX-SZS")
    last = service.audit_trail()[-1]
    assert (last.actor, last.action) == ("zhao", "add_contract")
    with service.engine.connect() as c:
        login = c.execute(sa.text("SELECT login FROM audit ORDER BY seq DESC LIMIT 1")
                          ).scalar_one()
    assert login == service.login and login.startswith("o_service_")
    with pytest.raises(AccessDenied) as e:
        plain.add_contract(contract("NX-901"), by="zhao")
    assert e.value.code == "registry.denied.identity"
    # the service role has the application role's rights: no DELETE
    with service.engine.connect() as c, pytest.raises(sa.exc.ProgrammingError):
        c.execute(sa.text("DELETE FROM accounts"))
    client = TestClient(app=create_app(service, secret=SECRET, secure_cookies=False))
    assert sign_in(client, "county").status_code == 303
    assert client.get("/api/v1/me").json()["actor"] == "sun"
