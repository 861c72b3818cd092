"""What every desk command shares: the store, the actor, files, output and findings.

Exit codes and the error printer are in :mod:`outsourcing.desk.cli_errors`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tomllib
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..dates import Period, as_date
from ..errors import OutsourcingError
from ..findings import Finding, Severity
from ..money import Money
from .cli_errors import DeskError

__all__ = [
    "actor_of",
    "add_common",
    "amount_of",
    "console",
    "date_of",
    "emit_json",
    "open_store",
    "period_of",
    "print_findings",
    "read_data_file",
]

DB_ENV = "OUTSOURCING_DB"
ACTOR_ENV = "OUTSOURCING_ACTOR"


def add_common(p: argparse.ArgumentParser, *, actor: bool = False, json_out: bool = False
               ) -> None:
    """The options every store command takes."""
    p.add_argument("--db", help=f"登记库：文件路径或数据库 URL（默认取环境变量 {DB_ENV}，"
                   "否则为当前文件夹的 outsourcing.db）；除 init 外，登记库须已存在")
    p.add_argument("--lang", choices=("zh", "en"), default="zh",
                   help="提示语言：中文（默认），en 为开发人员用的英文")
    if actor:
        p.add_argument("--as", dest="actor", help=f"操作人员编号（默认取环境变量 {ACTOR_ENV}）")
    if json_out:
        p.add_argument("--json", action="store_true", help="输出 JSON（供程序读取）")


def console() -> Any:
    """A rich console on the current stdout, wide enough for Chinese tables."""
    from rich.console import Console

    width = None if sys.stdout.isatty() else 120
    return Console(file=sys.stdout, width=width, highlight=False, soft_wrap=False)


def _plain(v: Any) -> Any:
    if isinstance(v, Money | Decimal | Period):
        return str(v)
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, frozenset | set | tuple):
        return sorted(v) if isinstance(v, frozenset | set) else list(v)
    raise TypeError(type(v).__name__)


def emit_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=_plain))


def registry_url(args: argparse.Namespace) -> str:
    """The registry's URL: ``--db``, else ``$OUTSOURCING_DB``, else ``outsourcing.db`` in
    the working folder; an empty ``--db`` is refused (it would name the default silently)."""
    from ..registry.migrate import database_url

    db: str | None = getattr(args, "db", None)
    if db is not None and not db.strip():
        raise DeskError("--db is empty: name the registry's file or URL", field="--db",
                        value=db, code="desk.db.empty")
    return database_url(db or os.environ.get(DB_ENV) or None)


def _shown(url: str) -> str:
    from sqlalchemy.engine import make_url

    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        return u.database or ":memory:"
    return u.render_as_string(hide_password=True)


def require_registry(url: str, *, schema: bool = True) -> None:
    """Refuse a registry that does not exist: a SQLite file that is not there (opening it
    would create an empty one) or a database without the registry's tables.  Only ``init``
    creates a registry.  A database that cannot be reached is left to :meth:`Store.open`,
    which says so.  ``schema=False`` checks only that a SQLite file is there."""
    from sqlalchemy.exc import DatabaseError

    from ..registry import current_revision
    from ..registry.migrate import database_engine

    shown = _shown(url)
    if url.startswith("sqlite") and (shown == ":memory:" or not Path(shown).is_file()):
        raise DeskError(f"no registry at {shown}: create one with `outsourcing init`",
                        field="--db", value=shown, code="desk.db.missing")
    if not schema:
        return
    engine = database_engine(url)
    try:
        with engine.connect() as conn:
            revision = current_revision(conn)
            conn.rollback()
    except DatabaseError:
        return
    finally:
        engine.dispose()
    if revision is None:
        raise DeskError(f"{shown} holds no registry: create one with `outsourcing init`",
                        field="--db", value=shown, code="desk.db.not_a_registry")


def open_store(args: argparse.Namespace, *, create: bool = False) -> Any:
    """The registry the command works on; it must exist unless ``create`` (``init``)."""
    from .. import Store

    url = registry_url(args)
    if not create:
        require_registry(url)
    return Store.open(url)


def actor_of(args: argparse.Namespace, store: Any = None) -> str:
    """Who does it: ``--as``, else ``$OUTSOURCING_ACTOR``, else (PostgreSQL, a person's own
    login) the actor the database login is — the store refuses any other name there."""
    who: str | None = getattr(args, "actor", None) or os.environ.get(ACTOR_ENV)
    if not who and store is not None:
        who = store.whoami()
    if not who:
        raise DeskError("say who does it: --as ACTOR or $OUTSOURCING_ACTOR", field="--as",
                        code="desk.actor_missing", term="操作人员")
    return who


def period_of(text: str, field: str = "PERIOD") -> Period:
    from ..dates import as_period

    return as_period(text, term="结算期间") if text else _missing(field)


def _missing(field: str) -> Period:
    raise DeskError("a period is needed", field=field, code="desk.period_missing", term="期间")


_AMOUNT = re.compile(r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?")


def amount_of(text: str, field: str = "AMOUNT") -> Money:
    """An amount of yuan typed at the desk, in money syntax only: digits, optionally grouped
    by thousands with commas, at most two decimals, a leading minus for a recovery
    (``83410.00``, ``83,410.5``, ``-500``).  Refused: exponents (``1e3``), spaces, more
    than two decimals, anything else."""
    if not _AMOUNT.fullmatch(text):
        raise DeskError("not an amount of yuan: digits, optional thousands commas and at most "
                        "two decimals (no exponent)", field=field, value=text,
                        code="desk.bad_amount", term="金额", params={"text": text[:40]})
    return Money(text.replace(",", ""), field=field)


def date_of(text: str | None, field: str) -> date | None:
    return None if text is None else as_date(text, field=field)


def read_data_file(path: str, kind: str | None = None) -> Any:
    """A TOML or JSON file as plain data, read as every file the library reads: UTF-8 (any
    other encoding refused, naming what it looks like), at most ``MAX_FILE_BYTES``, JSON
    nested at most ``MAX_DEPTH`` levels, numbers exact (never a binary float).  ``kind``
    (``JSON`` or ``TOML``) is the format; by default the suffix says (``.json``, else TOML)."""
    from .._limits import MAX_DEPTH, FileNumber, check_depth
    from ..textfiles import loads_toml, read_text

    p = Path(path)
    if not p.is_file():
        raise DeskError("file not found", field="file", value=path, code="desk.file_missing")
    text = read_text(p, error=DeskError, what="file", code="desk.file")
    kind = kind or ("JSON" if p.suffix.lower() == ".json" else "TOML")
    try:
        if kind == "JSON":
            check_depth(text)
            return json.loads(text, parse_float=FileNumber, parse_constant=_no_constant)
        return loads_toml(text)
    except OutsourcingError as exc:  # nested too deep (checked before parsing)
        raise DeskError(f"{kind} nested deeper than {MAX_DEPTH} levels", field="file",
                        value=path, code="desk.file_too_deep", params={"limit": MAX_DEPTH},
                        ) from exc
    except RecursionError:
        raise DeskError(f"{kind} nested too deep", field="file", value=path,
                        code="desk.file_too_deep", params={"limit": MAX_DEPTH}) from None
    except (json.JSONDecodeError, tomllib.TOMLDecodeError, ValueError) as exc:
        if "nested deeper than" in str(exc):  # the TOML reader's depth scan
            raise DeskError(f"{kind} nested deeper than {MAX_DEPTH} levels", field="file",
                            value=path, code="desk.file_too_deep",
                            params={"limit": MAX_DEPTH}) from None
        raise DeskError(f"not valid {kind}: {exc}", field="file", value=path,
                        code="desk.file_unreadable",
                        params={"kind": kind, "where": _where(exc)}) from None


_TOML_AT = re.compile(r"at line (\d+)(?:, column (\d+))?")


def _where(exc: Exception) -> str:
    """Where a JSON or TOML file is malformed, in Chinese (``第 3 行第 5 列``)."""
    if isinstance(exc, json.JSONDecodeError):
        return f"第 {exc.lineno} 行第 {exc.colno} 列"
    m = _TOML_AT.search(str(exc))
    if m is None:
        return "数值或结构"
    return f"第 {m.group(1)} 行" + (f"第 {m.group(2)} 列" if m.group(2) else "")


def _no_constant(text: str) -> Any:
    raise ValueError(f"{text} is not a JSON number")


def print_findings(findings: Sequence[Finding], lang: str) -> bool:
    """Print findings (Chinese for people); True when one of them breaks a rule."""
    for f in findings:
        print(f"  {f.render(lang)}")
    return any(f.severity is Severity.ERROR for f in findings)
