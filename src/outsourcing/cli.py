"""The ``outsourcing`` command line (命令行).

``outsourcing rules JURISDICTION [--on DATE] [--levels]`` lists the rules in force with their
citations (``--levels``: every level's value, and which one applies).
``outsourcing test FILES…`` runs scenario files and ``outsourcing settle-file FILE --period
P`` prints a statement (see ``docs/scenarios.md``); the registry's commands are in
``docs/desk.md``.  ``outsourcing serve``, ``account``, ``token`` and ``unit`` run and
administer the service (see ``docs/service.md``).  ``python -m outsourcing`` is the same.

Exit status (:mod:`outsourcing.desk.cli_errors`): :data:`EXIT_OK` (0) done, every case
passed; :data:`EXIT_FAILED` (1) a check failed; :data:`EXIT_INPUT` (2) a usage or input error
— a bad argument, a file missing, unreadable, not UTF-8 or not valid (the other files named
still run and are reported); :data:`EXIT_INTERNAL` (3) a bug in the library, reported in one
line, never a traceback.  What a person reads is Chinese; ``--lang en`` prints the
developers' English.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date

from . import __version__
from .dates import as_date
from .desk.cli_errors import (
    EXIT_FAILED,
    EXIT_INPUT,
    EXIT_INTERNAL,
    EXIT_OK,
    internal_text,
    run,
)
from .desk.cli_parser import ChineseParser
from .plugins import load

__all__ = ["EXIT_FAILED", "EXIT_INPUT", "EXIT_INTERNAL", "EXIT_OK", "build_parser", "main"]


@run
def _cmd_rules(args: argparse.Namespace) -> int:
    from .messages_zh import citation_for_people

    registry = load()
    rb = registry.rulebook(args.jurisdiction)
    on: date = as_date(args.on, field="--on") if args.on else date.today()
    if args.lang == "en":
        chain = " → ".join(f"{j.name_zh} ({j.code})" for j in rb.chain)
        print(f"# rules in force on {on.isoformat()} for {chain}")
    else:
        chain = " → ".join(f"{j.name_zh}（{j.code}）" for j in rb.chain)
        print(f"# {chain} 在 {on.isoformat()} 有效的规则")
    names = {j.code: f"{j.name_zh}（{j.code}）" for j in rb.chain}
    for r in rb.in_force(on):
        if args.lang == "en":
            tag = "  [illustrative]" if r.parameter.illustrative else ""
            print(f"{r.rule_id} = {_show(r.value)}{tag}")
            print(f"    {r.parameter.description_en or r.parameter.description}")
            print(f"    {r.citation}  ({r.parameter.jurisdiction})")
        else:
            tag = "  ※示例默认（非法定，可由合同约定替换）" if r.parameter.illustrative else ""
            print(f"{r.parameter.description}（{r.rule_id}）= {_show(r.value)}{tag}")
            print(f"    依据：{citation_for_people(r.citation)}"
                  f"（{names.get(r.parameter.jurisdiction, r.parameter.jurisdiction)}）")
        if args.levels:
            for p, v in rb.levels(r.rule_id, on):
                shown = "未生效" if v is None else f"{_show(v.value)}（{v.citation}）"
                wins = "  ← 适用" if p is r.parameter else ""
                print(f"    层级 {p.jurisdiction}: {shown}{wins}")
    return EXIT_OK


@run
def _cmd_test(args: argparse.Namespace) -> int:
    from .scenarios import render_results, run_files

    results = run_files(args.files)
    print(render_results(results))
    if any(r.case == "(file)" for r in results) or not results:
        return EXIT_INPUT  # a file could not be read; the others were run and reported
    return EXIT_OK if all(r.passed for r in results) else EXIT_FAILED


@run
def settle_file(args: argparse.Namespace) -> int:
    """``settle-file FILE --period P``: the statement of one period of a scenario."""
    from .scenarios import find_case, load_file, settle_case

    case = find_case(load_file(args.file), args.case)
    statement = settle_case(case, args.period)
    print(statement.to_json(explanations=True) if args.json else statement.render(),
          end="\n" if args.json else "")
    return EXIT_OK


def _show(value: object) -> str:
    if isinstance(value, tuple | list) and value and isinstance(value[0], dict):
        return "; ".join(", ".join(f"{k}={v}" for k, v in d.items()) for d in value)
    return str(value) if not isinstance(value, tuple | list) else ", ".join(map(str, value))


def _lang(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", choices=("zh", "en"), default="zh",
                   help="提示语言：中文（默认），en 为开发人员用的英文")


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseParser(
        prog="outsourcing",
        description="政府后勤服务合同：规则、场景、结算单与合同登记库（详见 docs/desk.md）。")
    parser.add_argument("--version", action="version", version=f"outsourcing {__version__}",
                        help="显示版本号并退出")
    sub = parser.add_subparsers(dest="command", required=True, metavar="命令")
    p = sub.add_parser("rules", help="列出某辖区现行有效的规则及其依据",
                       description="列出某辖区在某日有效的规则、取值及其法律依据。")
    p.add_argument("jurisdiction", help="辖区代码，如 CN、NX、NX-SZS")
    p.add_argument("--on", help="查询日期（YYYY-MM-DD，默认今天）")
    p.add_argument("--levels", action="store_true",
                   help="列出各层级（全国、自治区、市）的取值，并标明适用哪一级")
    _lang(p)
    p.set_defaults(func=_cmd_rules)
    t = sub.add_parser("test", help="运行场景文件并逐案报告结果",
                       description="运行场景文件（TOML），逐案核对预期数字。")
    t.add_argument("files", nargs="+", help="场景文件（TOML）")
    _lang(t)
    t.set_defaults(func=_cmd_test)
    s = sub.add_parser("settle-file", help="出具场景文件中某一期间的结算单",
                       description="按场景文件出具某一期间的结算单（不读写登记库）。")
    s.add_argument("file", help="场景文件（TOML）")
    s.add_argument("--period", required=True, help="结算期间，如 2022-10 或 2022-Q4")
    s.add_argument("--case", help="文件含多个案例时，指明案例名称（或从 1 起的序号）")
    s.add_argument("--json", action="store_true", help="输出 JSON 而非文本")
    _lang(s)
    s.set_defaults(func=settle_file)
    from .desk.cli import register as register_desk

    register_desk(sub, settle_file)  # init, contract, change, assess, settle PERIOD, pay, …
    from .service.accounts_cli import register as register_service

    register_service(sub)  # serve, account, token, unit
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
    except BrokenPipeError:  # e.g. piped into head
        return EXIT_OK
    except Exception as exc:
        print(internal_text(exc, getattr(args, "lang", "zh")), file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
