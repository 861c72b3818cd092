"""The engine and its URL (数据库连接): opening a store on SQLite or PostgreSQL, its read and
write transactions, the identity of the database login, and the bureau's policy."""

from __future__ import annotations

import os
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any, Self

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DatabaseError, DBAPIError, IntegrityError

from ..errors import RegistryError
from ..plugins import PluginHost as PluginRegistry
from ..plugins import load
from ..rules import RuleBook
from ..settlement import PreparedContract
from .chain import AuditKeys
from .migrate import current_revision, head
from .migrate import database_engine as _engine
from .migrate import database_url as _url
from .migrate import migrate as run_migrations
from .people import Actor
from .roles import service_role_name

__all__ = ["Connected", "driver_error"]

_ENGINES: weakref.WeakSet[Engine] = weakref.WeakSet()


def driver_error(exc: DBAPIError) -> RegistryError:
    orig = str(getattr(exc, "orig", exc)).strip().splitlines()
    return RegistryError(f"the database refused the operation: {orig[0] if orig else exc}",
                         field="database", value=type(exc).__name__, term="数据库",
                         code="registry.database")


def _forget_engines_in_child() -> None:
    """A forked worker must not use nor close its parent's connections (SQLAlchemy's rule
    for pools across fork): drop them without closing."""
    for eng in list(_ENGINES):
        eng.dispose(close=False)


os.register_at_fork(after_in_child=_forget_engines_in_child)


class Connected:
    """The store's connection to its database: what every part of the store builds on
    (see :class:`~outsourcing.registry.Store`)."""

    def __init__(self, engine: Engine, url: str, plugins: PluginRegistry | None = None,
                 *, keys: AuditKeys | None = None, policy: str | RuleBook = "CN") -> None:
        self.engine = engine
        self.url = url
        self.plugins = plugins if plugins is not None else load()
        self.keys = keys
        """The audit key ring (outside the database), or None: records are then unsigned."""
        self.policy = policy
        """The bureau's separation policy: the ``registry.*`` parameters of this rulebook,
        or of this jurisdiction's."""
        self._prepared: dict[tuple[str, str], PreparedContract] = {}
        self._actors: dict[str, Actor] = {}
        """A found actor is kept; a role granted in this process clears the cache (roles
        only grow, so a stale entry can only refuse, never allow)."""
        self.login, self._bound = self._identity()

    def _identity(self) -> tuple[str, bool]:
        """The authenticated database login and whether it is bound to one actor: on
        PostgreSQL a login that neither owns the registry's tables nor is a superuser nor a
        member of the service role (:func:`~outsourcing.registry.roles.service_role_name`:
        the login ``outsourcing serve`` connects with, which names the signed-in account's
        actor) acts only as the actor registered with that login; SQLite has no logins."""
        if self.engine.dialect.name != "postgresql":
            return "", False
        with self._read() as conn:
            login, admin = conn.execute(text(
                "SELECT session_user, (SELECT rolsuper FROM pg_roles WHERE rolname = "
                "session_user) OR EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = "
                "current_schema() AND tablename = 'audit' AND tableowner = session_user) "
                "OR EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles r ON r.oid = "
                "m.roleid JOIN pg_roles u ON u.oid = m.member WHERE r.rolname = :service "
                "AND u.rolname = session_user)"), {"service": service_role_name()}).one()
        return str(login), not admin

    # --- opening ---------------------------------------------------------------------------
    @classmethod
    def open(cls, url: str | os.PathLike[str] | None = None, *, migrate: bool = True,
             plugins: PluginRegistry | None = None, keys: AuditKeys | None = None,
             policy: str | RuleBook = "CN") -> Self:
        """Open a registry: ``url`` is any SQLAlchemy URL (``postgresql://…`` goes through
        psycopg 3) or a file path for SQLite; by default ``$OUTSOURCING_DB``, else
        ``outsourcing.db`` in the working folder.  The schema is migrated to the newest
        revision; with ``migrate=False`` the revision is read first and the migrations run
        only when it is behind.  A database of a newer schema is refused.  ``keys`` sign the
        audit records (default: :meth:`AuditKeys.from_env`); ``policy`` is the rulebook (or the
        jurisdiction of the rulebook) whose ``registry.*`` parameters are the bureau's
        separation policy — ``rulebook.override("registry.four_eyes_threshold", …)`` sets a
        bureau's own."""
        full = _url(url)
        if keys is None:
            keys = AuditKeys.from_env()
        try:
            engine = _engine(full)
        except Exception as exc:
            raise RegistryError(f"cannot open the database: {exc}", field="url",
                                value=full.split("@")[-1], term="数据库",
                                code="registry.url") from None
        try:
            if migrate:
                run_migrations(engine)
            else:
                with engine.connect() as conn:
                    rev = current_revision(conn)
                    conn.rollback()
                if rev != head():
                    run_migrations(engine)
            store = cls(engine, full, plugins, keys=keys, policy=policy)
        except DatabaseError as exc:  # unreachable, or a file that is not a database
            engine.dispose()
            raise RegistryError(f"cannot reach the database: {exc.orig}", field="url",
                                value=full.split("@")[-1], term="数据库",
                                code="registry.unreachable") from None
        except BaseException:
            engine.dispose()
            raise
        _ENGINES.add(engine)
        return store

    @property
    def location(self) -> str:
        """Where the store is: its database URL with the password hidden."""
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                conn.execution_options(registry_read=True)
                yield conn
                conn.rollback()
        except IntegrityError:
            raise
        except DBAPIError as exc:
            raise driver_error(exc) from None

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One write transaction.  A unique-constraint violation (``IntegrityError``) goes
        to the caller, which knows what it means; any other driver error becomes a
        :class:`RegistryError` (``registry.database``), never a traceback."""
        try:
            with self.engine.begin() as conn:
                yield conn
        except IntegrityError:
            raise
        except DBAPIError as exc:
            raise driver_error(exc) from None

    # --- the bureau's policy ---------------------------------------------------------------
    def _policy(self, pid: str, on: date | None = None) -> Any:
        book = (self.policy if isinstance(self.policy, RuleBook)
                else self.plugins.rulebook(self.policy))
        return book.value(f"registry.{pid}", on or date.today())

    def solo_office(self, on: date | None = None) -> bool:
        """Whether the bureau's policy lets one person act alone where four eyes are the
        rule (``registry.single_person_office``; every such act is marked 单人操作)."""
        return bool(self._policy("single_person_office", on))
