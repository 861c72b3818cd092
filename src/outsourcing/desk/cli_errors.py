"""Exit codes and error printing for every ``outsourcing`` command (退出码与错误提示).

One set of exit codes (documented in ``docs/desk.md``):

- :data:`EXIT_OK` (``0``) — done, every case passed;
- :data:`EXIT_FAILED` (``1``) — checks failed: a scenario case that does not give its
  expected figures, a contract or statement with findings that break a rule, a change refused
  by the checks, a batch with contracts that could not be settled, an audit trail that does
  not verify;
- :data:`EXIT_INPUT` (``2``) — bad usage or input: a bad argument, a missing, unreadable or
  malformed file, an unknown contract, change or actor, a date that does not exist, a
  registry that does not exist;
- :data:`EXIT_INTERNAL` (``3``) — a bug in the library, reported in one line, never a
  traceback.

One printer: an error prints in Chinese for people (``--lang en`` prints the developers'
English) with its stable code, e.g. ``outsourcing: 错误：工作表「property」D12：评分项「保洁」得分
55 超过分值 50〔desk.workbook.over_maximum〕``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from .._extras import missing_extra
from ..errors import OutsourcingError
from ..messages_zh import mostly_chinese

__all__ = [
    "EXIT_FAILED",
    "EXIT_INPUT",
    "EXIT_INTERNAL",
    "EXIT_OK",
    "DeskError",
    "error_text",
    "internal_text",
    "print_error",
    "run",
]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_INPUT = 2
EXIT_INTERNAL = 3

_TEXT_LIMIT = 2000


class DeskError(OutsourcingError, ValueError):
    """Bad usage of a command (命令用法); its Chinese sentence is the catalogue's for its code
    (``outsourcing/_messages/desk.py``)."""

    default_code = "desk.usage"


def _short_text(text: str, limit: int = _TEXT_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def error_text(exc: OutsourcingError, lang: str) -> str:
    """The one line an error prints: Chinese with the code, or (``en``) the English."""
    if lang == "en":
        return f"outsourcing: error: {_short_text(str(exc))}"
    text = exc.message_zh
    if exc.zh is None and exc.code == type(exc).default_code and not mostly_chinese(exc.reason):
        text += f"（{exc.reason}）"  # no sentence catalogued for it yet: the details as given
    return f"outsourcing: 错误：{_short_text(text)}〔{exc.code}〕"


def internal_text(exc: BaseException, lang: str = "zh") -> str:
    """The one line a bug in the library prints (never a traceback)."""
    what = f"{type(exc).__name__}: {_short_text(str(exc))}"
    if lang == "en":
        return f"outsourcing: internal error: {what} (please report it)"
    return f"outsourcing: 内部错误（程序缺陷，请报告）：{what}"


def print_error(exc: OutsourcingError, lang: str) -> int:
    """Print an error on standard error; the exit code of bad input."""
    print(error_text(exc, lang), file=sys.stderr)
    return EXIT_INPUT


def _database_refused(exc: Exception) -> OutsourcingError | None:
    """A database driver's error the store did not expect, as the library's error."""
    if "sqlalchemy" not in sys.modules:
        return None
    from sqlalchemy.exc import DBAPIError

    if not isinstance(exc, DBAPIError):
        return None
    return OutsourcingError(f"the database refused the operation: {type(exc).__name__}",
                            field="database", term="数据库", code="registry.database")


def run(func: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Wrap a command: an :class:`OutsourcingError` (a missing extra's package, a database
    driver's error the store did not expect) prints one line in the command's language and
    exits :data:`EXIT_INPUT`; anything else is left to :func:`outsourcing.cli.main` (an
    internal error)."""
    def wrapped(args: argparse.Namespace) -> int:
        lang = getattr(args, "lang", "zh")
        try:
            return func(args)
        except OutsourcingError as exc:
            return print_error(exc, lang)
        except ModuleNotFoundError as exc:  # a package of an extra the command needs
            missing = missing_extra(exc)
            if missing is None:
                raise
            return print_error(missing, lang)
        except Exception as exc:
            refused = _database_refused(exc)
            if refused is None:
                raise
            return print_error(refused, lang)
    wrapped.__doc__ = func.__doc__
    wrapped.__name__ = func.__name__
    return wrapped
