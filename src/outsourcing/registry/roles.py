"""The database roles of a PostgreSQL registry (数据库角色).

Two roles, documented in ``docs/registry.md`` ("The trust model"):

- the **owner** — the role that runs the migrations and owns the tables (a bureau's
  administrator; it can do anything, which is why the audit chain is keyed outside the
  database);
- the **application role** (``$OUTSOURCING_DB_APP_ROLE``, default ``outsourcing_app``,
  no login) — granted to each person's own login role.  It may SELECT and INSERT every
  table, UPDATE only the chain's head (``audit_head``), and never UPDATE, DELETE or TRUNCATE
  anything else: the database itself refuses;
- the **service role** (``$OUTSOURCING_DB_SERVICE_ROLE``, default ``outsourcing_service``,
  no login, a member of the application role) — granted by the DBA to the one login the
  service (``outsourcing serve``) connects with.  A member of it has the application role's
  rights only, but is trusted to name the actor of a write (``by=``, the signed-in account),
  as the owner is: the registry does not map it to one actor (:mod:`outsourcing.registry.engine`).

The grants are applied by revision ``0006_trust`` and again after every upgrade, so a table
that a later revision adds is covered the same way.  SQLite has no roles: the file's owner
is everyone.
"""

from __future__ import annotations

import os
import re
from typing import Any

from sqlalchemy import Connection, inspect, text

from ..errors import RegistryError

__all__ = ["APP_ROLE_ENV", "SERVICE_ROLE_ENV", "app_role_name", "grant_application_role",
           "service_role_name"]

APP_ROLE_ENV = "OUTSOURCING_DB_APP_ROLE"
DEFAULT_APP_ROLE = "outsourcing_app"
SERVICE_ROLE_ENV = "OUTSOURCING_DB_SERVICE_ROLE"
DEFAULT_SERVICE_ROLE = "outsourcing_service"
_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
MUTABLE = frozenset({"audit_head"})


def app_role_name(config: Any = None) -> str:
    """The application role's name: the Alembic config's ``app_role`` attribute, else
    ``$OUTSOURCING_DB_APP_ROLE``, else ``outsourcing_app``."""
    name = None
    if config is not None:
        name = config.attributes.get("app_role")
    name = name or os.environ.get(APP_ROLE_ENV) or DEFAULT_APP_ROLE
    if not _NAME.match(name):
        raise RegistryError("a role name is lower-case letters, digits and '_'",
                            field=APP_ROLE_ENV, value=name, term="数据库角色",
                            code="registry.role_name")
    return str(name)


def service_role_name() -> str:
    """The service role's name: ``$OUTSOURCING_DB_SERVICE_ROLE``, else
    ``outsourcing_service``."""
    name = os.environ.get(SERVICE_ROLE_ENV) or DEFAULT_SERVICE_ROLE
    if not _NAME.match(name):
        raise RegistryError("a role name is lower-case letters, digits and '_'",
                            field=SERVICE_ROLE_ENV, value=name, term="数据库角色",
                            code="registry.role_name")
    return name


def grant_application_role(conn: Connection, config: Any = None) -> None:
    """Create the application role if the cluster has none of that name, and grant it
    SELECT and INSERT on every table of the registry's schema (UPDATE on the head only).
    Nothing on SQLite."""
    if conn.dialect.name != "postgresql":
        return
    role = app_role_name(config)
    exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
    if exists is None:
        conn.execute(text(f'CREATE ROLE "{role}" NOLOGIN'))
    schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    conn.execute(text(f'GRANT USAGE ON SCHEMA "{schema}" TO "{role}"'))
    for table in inspect(conn).get_table_names(schema=schema):
        rights = ("SELECT" if table == "alembic_version" else
                  "SELECT, UPDATE" if table in MUTABLE else "SELECT, INSERT")
        conn.execute(text(f'REVOKE ALL ON "{schema}"."{table}" FROM "{role}"'))
        conn.execute(text(f'GRANT {rights} ON "{schema}"."{table}" TO "{role}"'))
    conn.execute(text(f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA "{schema}" TO "{role}"'))
    service = service_role_name()
    if conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": service}
                    ).first() is None:
        conn.execute(text(f'CREATE ROLE "{service}" NOLOGIN'))
    conn.execute(text(f'GRANT "{role}" TO "{service}"'))
