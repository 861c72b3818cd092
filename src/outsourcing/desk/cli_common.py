"""What every desk command shares: the store, the actor, output, errors and exit codes.

Exit codes (documented in ``docs/desk.md``):

- ``0`` — done;
- ``1`` — checks failed: a contract or statement with findings that break a rule, a change
  refused by the checks, a batch with contracts that could not be settled, an audit trail
  that does not verify;
- ``2`` — bad usage or input: a missing or unreadable file, a workbook with bad cells, an
  unknown contract, change or actor, a date that does not exist.

Errors print in Chinese for people (``--lang en`` prints the developers' English) with the
stable code, e.g. ``outsourcing: 错误：工作表「property」D12：评分项「保洁」得分 55 超过分值 50
〔desk.workbook.over_maximum〕``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tomllib
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..dates import Period, as_date
from ..errors import OutsourcingError
from ..findings import Finding, Severity
from ..money import Money

__all__ = [
    "EXIT_CHECKS_FAILED",
    "EXIT_DONE",
    "EXIT_USAGE",
    "DeskError",
    "add_common",
    "console",
    "emit_json",
    "print_findings",
    "read_data_file",
    "run",
]

EXIT_DONE = 0
EXIT_CHECKS_FAILED = 1
EXIT_USAGE = 2

DB_ENV = "OUTSOURCING_DB"
ACTOR_ENV = "OUTSOURCING_ACTOR"


class DeskError(OutsourcingError, ValueError):
    """Bad usage of a desk command (命令用法)."""

    default_code = "desk.usage"


def add_common(p: argparse.ArgumentParser, *, actor: bool = False, json_out: bool = False
               ) -> None:
    """The options every store command takes."""
    p.add_argument("--db", help=f"the registry: a file path or database URL (default "
                   f"${DB_ENV}, else outsourcing.db here)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh",
                   help="messages in Chinese (default) or English for developers")
    if actor:
        p.add_argument("--as", dest="actor", help=f"who does it: an actor id (default "
                       f"${ACTOR_ENV})")
    if json_out:
        p.add_argument("--json", action="store_true", help="print JSON for scripts")


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


def open_store(args: argparse.Namespace) -> Any:
    from ..registry import Store

    url = args.db or os.environ.get(DB_ENV) or None
    return Store.open(url)


def actor_of(args: argparse.Namespace, store: Any = None) -> str:
    """Who does it: ``--as``, else ``$OUTSOURCING_ACTOR``, else (PostgreSQL, a person's own
    login) the actor the database login is — the store refuses any other name there."""
    who: str | None = getattr(args, "actor", None) or os.environ.get(ACTOR_ENV)
    if not who and store is not None:
        who = store.whoami()
    if not who:
        raise DeskError("say who does it: --as ACTOR or $OUTSOURCING_ACTOR", field="--as",
                        zh="请用 --as 指明操作人员（或设置环境变量 OUTSOURCING_ACTOR）",
                        term="操作人员")
    return who


def period_of(text: str, field: str = "PERIOD") -> Period:
    from ..dates import as_period

    return as_period(text, term="结算期间") if text else _missing(field)


def _missing(field: str) -> Period:
    raise DeskError("a period is needed", field=field, zh="缺少期间（如 2022-10 或 2022-Q4）",
                    term="期间")


_AMOUNT = re.compile(r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?")


def amount_of(text: str, field: str = "AMOUNT") -> Money:
    """An amount of yuan typed at the desk, in money syntax only: digits, optionally grouped
    by thousands with commas, at most two decimals, a leading minus for a recovery
    (``83410.00``, ``83,410.5``, ``-500``).  Refused: exponents (``1e3``), spaces, more
    than two decimals, anything else."""
    if not _AMOUNT.fullmatch(text):
        raise DeskError("not an amount of yuan: digits, optional thousands commas and at most "
                        "two decimals (no exponent)", field=field, value=text,
                        code="desk.bad_amount", term="金额",
                        zh=f"「{text[:40]}」不是金额：金额只能写数字（可用千分位逗号），最多两位小数，"
                           "不能用科学计数法")
    return Money(text.replace(",", ""), field=field)


def date_of(text: str | None, field: str) -> date | None:
    return None if text is None else as_date(text, field=field)


def read_data_file(path: str) -> Any:
    """A TOML or JSON file as plain data; a clear error when missing or malformed."""
    p = Path(path)
    if not p.is_file():
        raise DeskError("file not found", field="file", value=path, code="desk.file_missing",
                        zh="文件不存在", term="文件")
    try:
        if p.suffix.lower() == ".json":
            return json.loads(p.read_text(encoding="utf-8"))
        return tomllib.loads(p.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DeskError(f"not valid {p.suffix.lstrip('.').upper() or 'TOML'}: {exc}",
                        field="file", value=path, code="desk.file_unreadable",
                        zh=f"文件格式有误，无法读取：{exc}", term="文件") from None


def print_findings(findings: Sequence[Finding], lang: str) -> bool:
    """Print findings (Chinese for people); True when one of them breaks a rule."""
    for f in findings:
        print(f"  {f.render(lang)}")
    return any(f.severity is Severity.ERROR for f in findings)


def error_text(exc: OutsourcingError, lang: str) -> str:
    if lang == "en":
        return f"outsourcing: error: {exc}"
    return f"outsourcing: 错误：{exc.message_zh}〔{exc.code}〕"


def run(func: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Wrap a command: an OutsourcingError prints in Chinese and exits 2."""
    def wrapped(args: argparse.Namespace) -> int:
        try:
            return func(args)
        except OutsourcingError as exc:
            print(error_text(exc, getattr(args, "lang", "zh")), file=sys.stderr)
            return EXIT_USAGE
        except Exception as exc:
            # a database driver's error the store did not expect: a sentence, never a
            # traceback (the store turns the ones it knows into RegistryError already)
            from sqlalchemy.exc import DBAPIError

            if not isinstance(exc, DBAPIError):
                raise
            err = OutsourcingError(f"the database refused the operation: {type(exc).__name__}",
                                   field="database", term="数据库", code="registry.database",
                                   zh="数据库拒绝了该操作，未记录任何内容，请重试")
            print(error_text(err, getattr(args, "lang", "zh")), file=sys.stderr)
            return EXIT_USAGE
    wrapped.__doc__ = func.__doc__
    wrapped.__name__ = func.__name__
    return wrapped
