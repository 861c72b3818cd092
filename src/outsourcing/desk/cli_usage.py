"""Desk commands for actual usage (实际用量): ``usage template``, ``usage import``,
``usage record`` and ``usage show``, over the registry."""

from __future__ import annotations

import argparse
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ..money import Money
from ..usage import Usage
from .cli_common import (
    EXIT_DONE,
    DeskError,
    actor_of,
    add_common,
    emit_json,
    open_store,
    period_of,
    run,
)

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
    return EXIT_DONE


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
    return EXIT_DONE


def _number(text: str, option: str, term: str) -> Decimal:
    try:
        d = Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        d = None
    if d is None or not d.is_finite():
        raise DeskError("not a number", field=option, value=text, term=term,
                        code="desk.usage.not_a_number", zh=f"{option} 应填数字，却是「{text}」")
    if d < 0:
        raise DeskError("must not be negative", field=option, value=text, term=term,
                        code="desk.usage.negative", zh=f"{option} 不能为负数：{text}")
    return d


@run
def cmd_usage_record(args: argparse.Namespace) -> int:
    period = period_of(args.period)
    if (args.quantity is None) == (args.materials is None):
        raise DeskError("give --quantity (a unit-rate line) or --materials (labour plus "
                        "materials)", field="--quantity", term="实际用量",
                        zh="请填写 --quantity（按量计价的服务项目）或 --materials"
                           "（人工加材料的原材料实际金额），二者选一")
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
    return EXIT_DONE


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
        return EXIT_DONE
    if not rows:
        print(f"{args.contract} 的 {period} 尚未录入实际用量。")
    for r in rows:
        value = (f"实际数量 {r['quantity']}" if r["quantity"] is not None
                 else f"原材料实际金额 ¥{r['materials']}")
        print(f"{r['line']} {r['period']}：{value}（录入：{r['recorded_by']}）"
              + (f" {r['note']}" if r["note"] else ""))
    return EXIT_DONE


def register(sub: Any) -> None:
    """Add ``usage`` and its subcommands."""
    usage = sub.add_parser("usage", help="actual usage (实际用量): quantities and materials"
                           ).add_subparsers(dest="usage_command", required=True)
    p = usage.add_parser("template", help="write the usage workbook of a period")
    add_common(p)
    p.add_argument("contract")
    p.add_argument("period")
    p.add_argument("-o", "--output", help="the .xlsx to write (default 实际用量-ID-PERIOD.xlsx)")
    p.set_defaults(func=cmd_usage_template)
    p = usage.add_parser("import", help="import a filled usage workbook (one transaction)")
    add_common(p, actor=True)
    p.add_argument("contract")
    p.add_argument("period")
    p.add_argument("file")
    p.add_argument("--correction", help="the reason, when the import changes recorded values")
    p.set_defaults(func=cmd_usage_import)
    p = usage.add_parser("record", help="record one line's usage of a period")
    add_common(p, actor=True)
    p.add_argument("contract")
    p.add_argument("period")
    p.add_argument("line")
    p.add_argument("--quantity", help="the quantity delivered (a unit-rate line)")
    p.add_argument("--materials", help="the materials bought, yuan (labour plus materials)")
    p.add_argument("--note", help="a note (e.g. the receipts' numbers)")
    p.add_argument("--correction", help="the reason, when it changes a recorded value")
    p.set_defaults(func=cmd_usage_record)
    p = usage.add_parser("show", help="the usage recorded for a period")
    add_common(p, json_out=True)
    p.add_argument("contract")
    p.add_argument("period")
    p.add_argument("--history", action="store_true", help="every version, oldest first")
    p.set_defaults(func=cmd_usage_show)
