"""Fixtures for the registry tests: every test runs on SQLite and on PostgreSQL.

PostgreSQL: one uniquely named database per test session (dropped at the end), one schema
per test, and one uniquely named application role and service role per session
(``$OUTSOURCING_DB_APP_ROLE``, ``$OUTSOURCING_DB_SERVICE_ROLE``, dropped at the end: roles
are cluster-global).  When PostgreSQL cannot be reached the
PostgreSQL cases skip — except when the environment variable ``CI`` is set: then they fail.
Every registry a test opens is closed when it ends.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from outsourcing.registry import Store
from outsourcing.registry.roles import APP_ROLE_ENV, SERVICE_ROLE_ENV

PG_HOST = os.environ.get("OUTSOURCING_TEST_PG", "127.0.0.1:5432")


def _admin_engine() -> tuple[sa.Engine, str] | None:
    for user in ("postgres", "root"):
        url = f"postgresql+psycopg://{user}@{PG_HOST}/postgres"
        eng = sa.create_engine(url, isolation_level="AUTOCOMMIT",
                               connect_args={"connect_timeout": 5})
        try:
            with eng.connect() as c:
                c.execute(sa.text("SELECT 1"))
            return eng, user
        except sa.exc.OperationalError:
            eng.dispose()
    return None


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str | None]:
    """The base URL of this session's own PostgreSQL database, or None if unreachable."""
    found = _admin_engine()
    if found is None:
        yield None
        return
    eng, user = found
    token = secrets.token_hex(6)
    name = f"outsourcing_test_{token}"
    # roles are cluster-global: this session's application role has a name of its own
    app_role, service_role = f"outsourcing_app_{token}", f"outsourcing_service_{token}"
    before = {k: os.environ.get(k) for k in (APP_ROLE_ENV, SERVICE_ROLE_ENV)}
    os.environ[APP_ROLE_ENV] = app_role
    os.environ[SERVICE_ROLE_ENV] = service_role
    with eng.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"postgresql://{user}@{PG_HOST}/{name}"
    finally:
        with eng.connect() as c:
            c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            c.execute(sa.text(f'DROP ROLE IF EXISTS "{service_role}"'))
            c.execute(sa.text(f'DROP ROLE IF EXISTS "{app_role}"'))
        eng.dispose()
        for k, v in before.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def pg_schema_url(base: str) -> str:
    """A fresh schema in the session database, as a URL whose search_path points to it."""
    schema = f"t_{secrets.token_hex(5)}"
    eng = sa.create_engine(base.replace("postgresql://", "postgresql+psycopg://"),
                           isolation_level="AUTOCOMMIT")
    with eng.connect() as c:
        c.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    eng.dispose()
    return f"{base}?options=-csearch_path%3D{schema}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, pg_database: str | None,
           monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh, empty database on each backend."""
    opened: list[Store] = []
    real = Store.open.__func__  # type: ignore[attr-defined]

    def tracked(cls: type[Store], *a: Any, **kw: Any) -> Store:
        r: Store = real(cls, *a, **kw)
        opened.append(r)
        return r

    monkeypatch.setattr(Store, "open", classmethod(tracked))
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'registry.db'}"
    elif pg_database is None:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required when CI is set and {PG_HOST} is unreachable")
        pytest.skip(f"PostgreSQL unreachable at {PG_HOST}")
    else:
        url = pg_schema_url(pg_database)
    yield url
    for r in opened:
        r.close()


