"""The ``outsourcing`` command line (命令行).

``outsourcing rules JURISDICTION [--on DATE] [--levels]`` lists the rules in force with their
citations (``--levels``: every level's value, and which one applies).
``outsourcing test FILES…`` runs scenario files and ``outsourcing settle FILE --period P``
prints a statement (see ``docs/scenarios.md``).  ``python -m outsourcing`` is the same.

Exit status: :data:`EXIT_OK` (0) done, every case passed; :data:`EXIT_FAILED` (1) a check
failed; :data:`EXIT_INPUT` (2) a usage or input error — a bad argument, a file missing,
unreadable, not UTF-8 or not valid (the other files named still run and are reported);
:data:`EXIT_INTERNAL` (3) a bug in the library, reported in one line, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date

from ._extras import missing_extra
from .dates import as_date
from .errors import OutsourcingError
from .plugins import load

__all__ = ["EXIT_FAILED", "EXIT_INPUT", "EXIT_INTERNAL", "EXIT_OK", "main"]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_INPUT = 2
EXIT_INTERNAL = 3


def _cmd_rules(args: argparse.Namespace) -> int:
    registry = load()
    rb = registry.rulebook(args.jurisdiction)
    on: date = as_date(args.on, field="--on") if args.on else date.today()
    chain = " → ".join(f"{j.name_zh} ({j.code})" for j in rb.chain)
    print(f"# 规则 in force on {on.isoformat()} for {chain}")
    for r in rb.in_force(on):
        tag = "  [illustrative]" if r.parameter.illustrative else ""
        print(f"{r.rule_id} = {_show(r.value)}{tag}")
        print(f"    {r.parameter.description}")
        print(f"    {r.citation}  ({r.parameter.jurisdiction})")
        if args.levels:
            for p, v in rb.levels(r.rule_id, on):
                shown = "未生效" if v is None else f"{_show(v.value)}（{v.citation}）"
                wins = "  ← 适用" if p is r.parameter else ""
                print(f"    层级 {p.jurisdiction}: {shown}{wins}")
    return 0


def _cmd_test(args: argparse.Namespace) -> int:
    from .scenarios import render_results, run_files

    results = run_files(args.files)
    print(render_results(results))
    if any(r.case == "(file)" for r in results) or not results:
        return EXIT_INPUT  # a file could not be read; the others were run and reported
    return EXIT_OK if all(r.passed for r in results) else EXIT_FAILED


def _cmd_settle(args: argparse.Namespace) -> int:
    from .scenarios import find_case, load_file, settle_case

    case = find_case(load_file(args.file), args.case)
    statement = settle_case(case, args.period)
    print(statement.to_json(explanations=True) if args.json else statement.render(),
          end="\n" if args.json else "")
    return 0


def _show(value: object) -> str:
    if isinstance(value, tuple | list) and value and isinstance(value[0], dict):
        return "; ".join(", ".join(f"{k}={v}" for k, v in d.items()) for d in value)
    return str(value) if not isinstance(value, tuple | list) else ", ".join(map(str, value))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="outsourcing",
        description="Government logistics-service contracts: rules, scenarios, statements.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("rules", help="list the rules in force for a jurisdiction")
    p.add_argument("jurisdiction", help="a jurisdiction code, e.g. CN, NX, NX-SZS")
    p.add_argument("--on", help="the date (YYYY-MM-DD); default today")
    p.add_argument("--levels", action="store_true",
                   help="show every level's value (national, region, city) and which applies")
    p.set_defaults(func=_cmd_rules)
    t = sub.add_parser("test", help="run scenario files and report each case")
    t.add_argument("files", nargs="+", help="scenario TOML files")
    t.set_defaults(func=_cmd_test)
    s = sub.add_parser("settle", help="print the statement of one period of a scenario")
    s.add_argument("file", help="a scenario TOML file")
    s.add_argument("--period", required=True, help="the period, e.g. 2022-10 or 2022-Q4")
    s.add_argument("--case", help="the case's name (or number, from 1) when the file holds "
                   "several")
    s.add_argument("--json", action="store_true", help="print JSON instead of text")
    s.set_defaults(func=_cmd_settle)
    from .desk.cli import register as register_desk

    register_desk(sub, s)  # init, contract, change, assess, settle PERIOD, pay, due, …
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2), already printed
        return exc.code if isinstance(exc.code, int) else EXIT_INPUT
    try:
        result: int = args.func(args)
        return result
    except OutsourcingError as exc:
        print(f"outsourcing: error: {_short_text(str(exc))}", file=sys.stderr)
        return EXIT_INPUT
    except ModuleNotFoundError as exc:  # a package of an extra, imported by a command
        missing = missing_extra(exc)
        if missing is None:
            raise
        print(f"outsourcing: error: {missing}", file=sys.stderr)
        return EXIT_INPUT
    except BrokenPipeError:  # e.g. piped into head
        return EXIT_OK
    except Exception as exc:
        print(f"outsourcing: internal error: {type(exc).__name__}: {_short_text(str(exc))} "
              "(please report it)", file=sys.stderr)
        return EXIT_INTERNAL


def _short_text(text: str, limit: int = 2000) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


if __name__ == "__main__":
    sys.exit(main())
