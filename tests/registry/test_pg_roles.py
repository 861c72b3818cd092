"""PostgreSQL with two database roles: the application role cannot UPDATE or DELETE any
append-only table (the database refuses, not Python), and a write made through a person's
own login is that person's, whatever ``by=`` or ``--as`` says."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from datetime import date

import pytest
import sqlalchemy as sa
from conftest import PG_HOST, pg_schema_url
from registry_cases import appoint, assessment, contract, found

import outsourcing as o
from outsourcing.registry import Store
from outsourcing.registry import schema as S
from outsourcing.registry.roles import APP_ROLE_ENV

CID = "NX-2022-001"
JAN = o.Period.month(2022, 1)


@pytest.fixture()
def two_logins(pg_database: str | None) -> Iterator[tuple[Store, Store, str, str]]:
    """The owner's registry (migrated, staffed) and alice's, connected as her own login;
    both logins are dropped at the end (roles are cluster-global)."""
    if pg_database is None:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required when CI is set and {PG_HOST} is unreachable")
        pytest.skip(f"PostgreSQL unreachable at {PG_HOST}")
    url = pg_schema_url(pg_database)
    token = secrets.token_hex(4)
    alice, bob = f"o_alice_{token}", f"o_bob_{token}"
    admin = sa.create_engine(pg_database.replace("postgresql://", "postgresql+psycopg://"),
                             isolation_level="AUTOCOMMIT")
    owner = found(Store.open(url))
    appoint(owner, "zhao", "赵经办", ["officer"])
    appoint(owner, "qian", "钱考核", ["assessor"])
    owner.add_actor("alice", "艾财务", ["finance"], by="zhang", login=alice)
    owner.confirm_actor("alice", by="li")
    owner.add_actor("bob", "鲍财务", ["finance"], by="zhang", login=bob)
    owner.confirm_actor("bob", by="li")
    app = os.environ[APP_ROLE_ENV]
    with admin.connect() as c:
        for login in (alice, bob):
            c.execute(sa.text(f'CREATE ROLE "{login}" LOGIN IN ROLE "{app}"'))
    user = pg_database.split("://", 1)[1].split("@", 1)[0]
    mine = Store.open(url.replace(f"://{user}@", f"://{alice}@", 1), migrate=False)
    try:
        yield owner, mine, alice, bob
    finally:
        mine.close()
        owner.close()
        with admin.connect() as c:
            for login in (alice, bob):
                c.execute(sa.text(f'DROP ROLE IF EXISTS "{login}"'))
        admin.dispose()


@pytest.mark.parametrize("table", sorted([*S.HASHED, "audit"]))
def test_the_application_role_cannot_update_or_delete_an_append_only_table(
        two_logins: tuple[Store, Store, str, str], table: str) -> None:
    _, mine, _, _ = two_logins
    for statement in (f"UPDATE {table} SET id = id" if table != "audit" else
                      "UPDATE audit SET actor = actor",
                      f"DELETE FROM {table}", f"TRUNCATE {table} CASCADE"):
        with mine.engine.connect() as c, pytest.raises(sa.exc.ProgrammingError) as e:
            c.execute(sa.text(statement))
        assert "permission denied" in str(e.value.orig)


def test_a_write_through_a_login_is_that_persons_whatever_by_says(
        two_logins: tuple[Store, Store, str, str]) -> None:
    owner, mine, alice, _ = two_logins
    assert mine.whoami() == "alice" and owner.whoami() is None
    owner.add_contract(contract(), by="zhao")
    for line in ("property", "cleaning"):
        owner.record_assessment(CID, assessment(line, JAN), by="qian")
    with pytest.raises(o.AccessDenied) as e:
        mine.settle(CID, JAN, by="bob")
    assert e.value.code == "registry.denied.identity" and "不能以 bob 的名义操作" in e.value.zh
    denied = owner.audit_trail()[-1]
    assert (denied.actor, denied.action) == (alice, "denied:settle")
    mine.settle(CID, JAN, by="alice")
    (record,) = [x for x in owner.audit_trail(object_prefix="statements:")
                 if x.action == "settle"]
    assert record.actor == "alice"
    with owner.engine.connect() as c:
        login = c.execute(sa.text("SELECT login FROM audit WHERE seq = :s"),
                          {"s": record.seq}).scalar_one()
        settled_by = c.execute(sa.text("SELECT settled_by FROM statements")).scalar_one()
    assert (login, settled_by) == (alice, "alice")
    # alice cannot pay what she settled (four eyes), and cannot pay as bob either
    payable = owner.statement(CID, JAN).payable
    with pytest.raises(o.AccessDenied) as e:
        mine.record_payment(CID, JAN, payable, date(2022, 2, 20), by="bob")
    assert e.value.code == "registry.denied.identity"
    assert owner.verify().ok


def test_the_desk_takes_the_login_as_the_actor_and_refuses_another_as(
        two_logins: tuple[Store, Store, str, str], capsys: pytest.CaptureFixture[str]
        ) -> None:
    from outsourcing.cli import main

    owner, mine, _, _ = two_logins
    owner.add_contract(contract(), by="zhao")
    for line in ("property", "cleaning"):
        owner.record_assessment(CID, assessment(line, JAN), by="qian")
    url = mine.url.replace("postgresql+psycopg://", "postgresql://")
    assert main(["settle", "2022-01", "--contract", CID, "--db", url, "--as", "bob"]) == 2
    assert "registry.denied.identity" in capsys.readouterr().err
    assert main(["settle", "2022-01", "--contract", CID, "--db", url]) == 0
    assert owner.statements(CID)[0].settled_by == "alice"
