"""Desk commands for actual usage (实际用量): ``usage template``, ``usage import``,
``usage record`` and ``usage show``, over the registry."""

from __future__ import annotations

import argparse
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ..money import Money
from ..usage import Usage
from .cli_common import actor_of, add_common, emit_json, open_store, period_of
from .cli_errors import EXIT_OK, DeskError, run

__all__ = ["register"]


def _report(results: Any, reason: str) -> None:
    for r in results:
        if not r.written:
            print(f"{r.line} 的 {r.period} 实际用量已录入，数值相同，未重复记录")
        elif r.correction:
            print(f"已更正 {r.line} 的 {r.period} 实际用量（第{r.version}版）：{reason}")
        else:
            print(f"已录入 {r.line} 的 {r.period} 实际用量")


@run
def cmd_usage_template(args: argparse.Namespace) -> int:
    from .xlsx_usage import usage_template

    period = period_of(args.period)
    with open_store(args) as store:
        pc = store.prepared(args.contract)
        lines = pc.usage_lines(period)
        recorded = {u.line: u for u in store.usage(args.contract, period)}
    out = Path(args.output or f"实际用量-{args.contract}-{period}.xlsx")
    usage_template(args.contract, pc.contract.title, period, lines, out, recorded)
    print(f"已生成实际用量登记表：{out}（{len(lines)} 个按实结算的服务项目）")
    return EXIT_OK


@run
def cmd_usage_import(args: argparse.Namespace) -> int:
    """One workbook is one transaction: all its rows are recorded, or none."""
    from .xlsx_usage import read_usage_workbook

    period = period_of(args.period)
    with open_store(args) as store:
        who = actor_of(args, store)
        lines = store.prepared(args.contract).usage_lines(period)
        found = read_usage_workbook(args.file, args.contract, period, lines)
        results = store.record_usage(args.contract, found, by=who,
                                     reason=args.correction or "")
    _report(results, args.correction or "")
    if not found:
        print("工作簿中没有填写任何实际用量。")
    return EXIT_OK


def _number(text: str, option: str, term: str) -> Decimal:
    try:
        d = Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        d = None
    if d is None or not d.is_finite():
        raise DeskError("not a number", field=option, value=text, term=term,
                        code="desk.usage.not_a_number", params={"option": option, "text": text})
    if d < 0:
        raise DeskError("must not be negative", field=option, value=text, term=term,
                        code="desk.usage.negative", params={"option": option, "text": text})
    return d


@run
def cmd_usage_record(args: argparse.Namespace) -> int:
    period = period_of(args.period)
    if (args.quantity is None) == (args.materials is None):
        raise DeskError("give --quantity (a unit-rate line) or --materials (labour plus "
                        "materials)", field="--quantity", term="实际用量",
                        code="desk.usage.quantity_or_materials")
    if args.quantity is not None:
        usage = Usage(args.line, period, quantity=_number(args.quantity, "--quantity",
                                                          "实际数量"), note=args.note or "")
    else:
        usage = Usage(args.line, period, materials=Money(
            _number(args.materials, "--materials", "原材料实际金额"), field="--materials"),
            note=args.note or "")
    with open_store(args) as store:
        results = store.record_usage(args.contract, [usage], by=actor_of(args, store),
                                     reason=args.correction or "")
    _report(results, args.correction or "")
    return EXIT_OK


@run
def cmd_usage_show(args: argparse.Namespace) -> int:
    period = period_of(args.period)
    with open_store(args) as store:
        items = store.usage(args.contract, period, history=args.history)
    rows = [{"line": u.line, "period": str(u.period),
             "quantity": None if u.quantity is None else str(u.quantity),
             "materials": None if u.materials is None else str(u.materials),
             "recorded_by": u.recorded_by, "note": u.note} for u in items]
    if args.json:
        emit_json(rows)
        return EXIT_OK
    if not rows:
        print(f"{args.contract} 的 {period} 尚未录入实际用量。")
    for r in rows:
        value = (f"实际数量 {r['quantity']}" if r["quantity"] is not None
                 else f"原材料实际金额 ¥{r['materials']}")
        print(f"{r['line']} {r['period']}：{value}（录入：{r['recorded_by']}）"
              + (f" {r['note']}" if r["note"] else ""))
    return EXIT_OK


def register(sub: Any) -> None:
    """Add ``usage`` and its subcommands."""
    usage = sub.add_parser("usage", help="实际用量：数量与材料费",
                           description="按实结算的服务项目的实际用量（数量、材料费）："
                                       "生成登记表、导入、逐项录入、查看。"
                           ).add_subparsers(dest="usage_command", required=True,
                                            metavar="子命令")
    p = usage.add_parser("template", help="生成某一期间的实际用量登记表",
                         description="生成某一期间的实际用量登记表（Excel）。")
    add_common(p)
    p.add_argument("contract", help="合同编号")
    p.add_argument("period", help="期间，如 2022-10")
    p.add_argument("-o", "--output", help="写出的 .xlsx 文件（默认 实际用量-合同编号-期间.xlsx）")
    p.set_defaults(func=cmd_usage_template)
    p = usage.add_parser("import", help="导入填好的实际用量登记表（整本一次记录）",
                         description="导入填好的实际用量登记表：全部行一次记录，或都不记录。")
    add_common(p, actor=True)
    p.add_argument("contract", help="合同编号")
    p.add_argument("period", help="期间，如 2022-10")
    p.add_argument("file", help="填好的登记表（.xlsx）")
    p.add_argument("--correction", help="导入更改已录入的数值时，写明理由")
    p.set_defaults(func=cmd_usage_import)
    p = usage.add_parser("record", help="录入一个服务项目某一期间的实际用量",
                         description="录入一个服务项目某一期间的实际用量。")
    add_common(p, actor=True)
    p.add_argument("contract", help="合同编号")
    p.add_argument("period", help="期间，如 2022-10")
    p.add_argument("line", help="服务项目编号")
    p.add_argument("--quantity", help="实际数量（按量计价的服务项目）")
    p.add_argument("--materials", help="材料费，元（人工加材料的服务项目）")
    p.add_argument("--note", help="备注（如票据号）")
    p.add_argument("--correction", help="更改已录入的数值时，写明理由")
    p.set_defaults(func=cmd_usage_record)
    p = usage.add_parser("show", help="查看某一期间录入的实际用量",
                         description="查看某一期间录入的实际用量。")
    add_common(p, json_out=True)
    p.add_argument("contract", help="合同编号")
    p.add_argument("period", help="期间，如 2022-10")
    p.add_argument("--history", action="store_true", help="列出全部版本（由旧到新）")
    p.set_defaults(func=cmd_usage_show)
