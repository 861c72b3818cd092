"""Schema migrations of the registry, run with Alembic from inside the package (数据库迁移).

:func:`migrate` brings a database to the newest schema this library knows (``head``) or to
a named revision; :func:`current_revision` says where a database stands; :func:`downgrade`
takes it back.  A database whose revision this library does not know — written by a newer
version — is refused with :class:`~outsourcing.errors.RegistryError`
(``registry.schema_newer``), never touched.

The same migrations run from the shell: ``outsourcing db upgrade|downgrade|current`` or
Alembic's own command with the shipped ``alembic.ini`` (``alembic -x url=… upgrade head``).
Every path goes through :func:`run_guarded`: a downgrade that would drop a table or a column
holding data is refused (``registry.downgrade_loses_data``) unless forced, and a forced one
is written to the audit chain (action ``force_downgrade``) when the chain survives it.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import (
    Connection,
    Engine,
    String,
    create_engine,
    event,
    func,
    inspect,
    select,
    table,
    text,
)
from sqlalchemy.pool import StaticPool

from ..errors import RegistryError
from .chain import link_hash
from .roles import grant_application_role
from .schema import DERIVED, FILLED_BY_UPGRADE

__all__ = ["HEAD", "current_revision", "database_engine", "database_revision", "database_url",
           "downgrade", "downgrade_database", "head", "migrate", "run_guarded",
           "upgrade_database"]

MIGRATIONS = Path(__file__).with_name("migrations")
HEAD = "0009_compiled_contracts"
"""The newest schema revision of this library."""


def _config(connection: Connection | None = None, **attributes: Any) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    cfg.attributes.update(attributes)
    return cfg


def head() -> str:
    """The newest revision the library ships."""
    rev = ScriptDirectory.from_config(_config()).get_current_head()
    assert rev is not None
    return rev


def current_revision(connection: Connection) -> str | None:
    """The schema revision of the database behind ``connection`` (None: not a registry)."""
    return MigrationContext.configure(connection).get_current_revision()


def _known(rev: str | None) -> bool:
    if rev is None:
        return True
    try:
        return ScriptDirectory.from_config(_config()).get_revision(rev) is not None
    except CommandError:
        return False


def _refuse_newer(conn: Connection) -> None:
    rev = current_revision(conn)
    if not _known(rev):
        raise RegistryError(
            f"the database has schema revision {rev!r}, newer than this library's "
            f"({head()}); upgrade the outsourcing library to open it",
            field="schema", value=rev, term="数据库版本", code="registry.schema_newer",
            params={"head": head()})


def migrate(engine: Engine, revision: str = "head") -> str:
    """Upgrade the database to ``revision`` (default: the newest) in one transaction; return
    the revision it stands at.  On PostgreSQL an advisory lock lets many processes open the
    same fresh database at once."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(5120170012)"))
        _refuse_newer(conn)
        if current_revision(conn) != (head() if revision == "head" else revision):
            command.upgrade(_config(conn), revision)
        now = current_revision(conn)
    assert now is not None
    return now


def downgrade(engine: Engine, revision: str, *, force: bool = False,
              by: str = "owner") -> str:
    """Take the database back to an older ``revision`` (``"base"``: nothing) for a rollback
    of the library.  Refused (``registry.downgrade_loses_data``) when it would drop a table
    or a column that holds data, unless ``force``; a forced one is recorded in the audit
    chain by ``by`` when the chain survives it."""
    with engine.begin() as conn:
        _refuse_newer(conn)
        command.downgrade(_config(conn, force=force, by=by), revision)
        now = current_revision(conn)
    return now or "base"


def upgrade_database(url: str | os.PathLike[str] | None = None, revision: str = "head"
                     ) -> str:
    """:func:`migrate` the database at ``url`` (a URL or a SQLite file; default
    ``$OUTSOURCING_DB``, else ``outsourcing.db`` here); the revision it stands at."""
    engine = database_engine(database_url(url))
    try:
        return migrate(engine, revision)
    finally:
        engine.dispose()


def downgrade_database(url: str | os.PathLike[str] | None, revision: str, *,
                       force: bool = False, by: str = "owner") -> str:
    """:func:`downgrade` the database at ``url``; the revision it stands at (``base``)."""
    engine = database_engine(database_url(url))
    try:
        return downgrade(engine, revision, force=force, by=by)
    finally:
        engine.dispose()


def database_revision(url: str | os.PathLike[str] | None = None) -> str | None:
    """The schema revision of the database at ``url`` (None: not a registry yet)."""
    engine = database_engine(database_url(url))
    try:
        with engine.connect() as conn:
            return current_revision(conn)
    finally:
        engine.dispose()


def database_url(url: str | os.PathLike[str] | None) -> str:
    """A SQLAlchemy URL from a URL or a SQLite file path (default ``$OUTSOURCING_DB``, else
    ``outsourcing.db`` here); ``postgresql://`` goes through psycopg 3."""
    if url is None:
        url = os.environ.get("OUTSOURCING_DB") or "outsourcing.db"
    url = os.fspath(url)
    if "://" not in url:
        return f"sqlite:///{Path(url).resolve()}"
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def database_engine(url: str) -> Engine:
    """The engine for a URL: on SQLite every transaction is begun explicitly (so a
    migration's DDL is rolled back with it), WAL journal, foreign keys on."""
    if url.startswith("sqlite"):
        memory = url in ("sqlite://", "sqlite:///:memory:")
        eng = create_engine(url, poolclass=StaticPool if memory else None,
                            connect_args={"check_same_thread": False, "timeout": 60})

        @event.listens_for(eng, "connect")
        def _on_connect(dbapi: Any, _: Any) -> None:
            dbapi.isolation_level = None  # transactions are begun below
            cur = dbapi.cursor()
            if not memory:
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=60000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        @event.listens_for(eng, "begin")
        def _on_begin(conn: Connection) -> None:
            # a writer takes the lock at the start: two writers never deadlock on an upgrade
            read = conn.get_execution_options().get("registry_read", False)
            conn.exec_driver_sql("BEGIN" if read else "BEGIN IMMEDIATE")

        return eng
    return create_engine(url, pool_pre_ping=True)


# --- the guard every path runs through ------------------------------------------------------

def _holding(conn: Connection) -> dict[str, set[str]]:
    """The columns holding at least one value (not NULL, not empty text), by table (tables
    with rows only)."""
    out: dict[str, set[str]] = {}
    insp = inspect(conn)
    for name in insp.get_table_names():
        if name == "alembic_version":
            continue
        info = insp.get_columns(name)
        cols = [c["name"] for c in info]
        t = table(name)
        counts = conn.execute(select(func.count(), *[
            func.count(func.nullif(text(f'"{c["name"]}"'), "")
                       if isinstance(c["type"], String) else text(f'"{c["name"]}"'))
            for c in info]).select_from(t)).one()
        if counts[0]:
            out[name] = {c for c, n in zip(cols, counts[1:], strict=True) if n}
    return out


def _lost(before: dict[str, set[str]], conn: Connection) -> list[str]:
    """The tables and columns holding data before that are gone (a column an upgrade fills
    from the data kept, :data:`~outsourcing.registry.schema.FILLED_BY_UPGRADE`, is not
    lost)."""
    insp = inspect(conn)
    tables = set(insp.get_table_names())
    lost = []
    for name, cols in sorted(before.items()):
        if name in DERIVED:  # a cache of the documents kept
            continue
        if name not in tables:
            lost.append(name)
            continue
        left = {c["name"] for c in insp.get_columns(name)}
        refilled = set(FILLED_BY_UPGRADE.get(name, ()))
        lost += [f"{name}.{c}" for c in sorted(cols - left - refilled)]
    return lost


def _record_forcing(conn: Connection, by: str, revision: str, lost: list[str]) -> None:
    """Append the forcing to the chain (unsigned: the migrations hold no key)."""
    insp = inspect(conn)
    if not {"audit", "audit_head"} <= set(insp.get_table_names()):
        return
    seq, prev = conn.execute(text("SELECT seq, hash FROM audit_head WHERE id = 1")).one()
    seq += 1
    at = datetime.now(UTC).isoformat(timespec="microseconds")
    obj = f"schema:{revision}"
    content = hashlib.sha256(json.dumps(lost, ensure_ascii=False).encode()).hexdigest()
    h = link_hash(seq, at, by, "owner", "force_downgrade", obj, content, prev)
    conn.execute(text("INSERT INTO audit (seq, at, actor, role, action, object, content_hash,"
                      " prev_hash, hash) VALUES (:s, :at, :by, 'owner', 'force_downgrade', "
                      ":o, :c, :p, :h)"),
                 {"s": seq, "at": at, "by": by, "o": obj, "c": content, "p": prev, "h": h})
    conn.execute(text("UPDATE audit_head SET seq = :s, hash = :h WHERE id = 1"),
                 {"s": seq, "h": h})


def run_guarded(context: Any) -> None:
    """Run the migrations Alembic asked for (from ``env.py``), on the connection handed in
    by :func:`migrate` / :func:`downgrade` or on one opened from ``-x url=…``,
    ``sqlalchemy.url`` or ``$OUTSOURCING_DB``; refuse a downgrade that loses data unless
    forced (``-x force=yes``); re-apply the application role's grants after an upgrade."""
    cfg = context.config
    xargs = context.get_x_argument(as_dictionary=True)
    conn = cfg.attributes.get("connection")
    if conn is not None:
        _run(context, conn, cfg, bool(cfg.attributes.get("force")),
             str(cfg.attributes.get("by") or "owner"))
        return
    url = xargs.get("url") or cfg.get_main_option("sqlalchemy.url") or None
    engine = database_engine(database_url(url))
    try:
        with engine.begin() as c:
            _refuse_newer(c)
            _run(context, c, cfg, xargs.get("force", "").lower() in ("1", "yes", "true"),
                 xargs.get("by") or os.environ.get("USER") or "owner")
    finally:
        engine.dispose()


def _run(context: Any, conn: Connection, cfg: Config, force: bool, by: str) -> None:
    before = _holding(conn)
    start = current_revision(conn)
    context.configure(connection=conn, target_metadata=None, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
    now = current_revision(conn)
    lost = _lost(before, conn)
    if lost:
        if not force:
            raise RegistryError(
                f"going back from {start} to {now or 'base'} would drop data: "
                f"{', '.join(lost)}; back up the database and force it if you mean it",
                field="revision", value=now or "base", term="数据库降级",
                code="registry.downgrade_loses_data", params={"lost": "、".join(lost)})
        _record_forcing(conn, by, now or "base", lost)
    if now is not None:
        grant_application_role(conn, cfg)
