"""Schema migrations of the registry, run with Alembic from inside the package (数据库迁移).

:func:`migrate` brings a database to the newest schema this library knows (``head``) or to
a named revision; :func:`current_revision` says where a database stands.  A database whose
revision this library does not know — written by a newer version — is refused with
:class:`~outsourcing.errors.RegistryError` (``registry.schema_newer``), never touched.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine, text

from ..errors import RegistryError

__all__ = ["HEAD", "current_revision", "downgrade", "head", "migrate"]

MIGRATIONS = Path(__file__).with_name("migrations")
HEAD = "0005_final_scores"
"""The newest schema revision of this library."""


def _config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
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


def migrate(engine: Engine, revision: str = "head") -> str:
    """Upgrade the database to ``revision`` (default: the newest) in one transaction; return
    the revision it stands at.  On PostgreSQL an advisory lock lets many processes open the
    same fresh database at once."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(5120170012)"))
        rev = current_revision(conn)
        if not _known(rev):
            raise RegistryError(
                f"the database has schema revision {rev!r}, newer than this library's "
                f"({head()}); upgrade the outsourcing library to open it",
                field="schema", value=rev, term="数据库版本", code="registry.schema_newer",
                zh=f"数据库结构版本 {rev} 新于本程序库支持的版本 {head()}，请先升级程序库")
        if rev != revision:
            command.upgrade(_config(conn), revision)
        now = current_revision(conn)
    assert now is not None
    return now


def downgrade(engine: Engine, revision: str) -> str:
    """Take the database back to an older ``revision`` (for a rollback of the library; the
    second revision's derived columns and tables are dropped, nothing recorded is lost)."""
    with engine.begin() as conn:
        command.downgrade(_config(conn), revision)
        now = current_revision(conn)
    return now or "base"
