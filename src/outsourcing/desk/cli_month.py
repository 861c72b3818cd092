"""Desk commands for the month: ``assess`` (template, import, final), ``accept``, ``pay``
and ``due``.  Settling is :mod:`.cli_settle`; statements, reports and the audit trail are
:mod:`.cli_statements`."""

from __future__ import annotations

import argparse
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..money import Money
from .cli_common import (
    actor_of,
    add_common,
    amount_of,
    console,
    date_of,
    emit_json,
    open_store,
    period_of,
    read_data_file,
)
from .cli_errors import EXIT_OK, DeskError, run

__all__ = ["register"]


# --- assessments ---------------------------------------------------------------------------

def _items(path: str | None) -> dict[str, dict[str, list[tuple[str, Any]]]] | None:
    """Score-sheet items from TOML: ``[LINE] KPI = [["保洁", 50], ["秩序维护", 50]]``."""
    if path is None:
        return None
    raw: Any = read_data_file(path)
    if not isinstance(raw, dict):
        raise DeskError("the items file is a table of lines", field=path, term="评分表",
                        code="desk.items.not_a_table")
    out: dict[str, dict[str, list[tuple[str, Any]]]] = {}
    for lid, kpis in raw.items():
        if not isinstance(kpis, dict):
            raise DeskError("each line is a table of KPIs", field=lid, term="评分表",
                            code="desk.items.line_not_a_table")
        for kid, items in kpis.items():
            if not isinstance(items, list) or not all(
                    isinstance(i, list) and len(i) == 2
                    and isinstance(i[1], int | float | Decimal)
                    and not isinstance(i[1], bool) for i in items):
                raise DeskError("items are [name, max points] pairs", field=f"{lid}.{kid}",
                                value=items, term="评分项", code="desk.items.bad_pairs")
            out.setdefault(lid, {})[kid] = [(str(n), m) for n, m in items]
    return out


@run
def cmd_assess_template(args: argparse.Namespace) -> int:
    from .xlsx_assess import assessment_template

    period = period_of(args.period)
    with open_store(args) as store:
        tl = store.timeline(args.contract)
        rb = store.plugins.rulebook(tl.contract.jurisdiction)
        _, kpis = store.terms(args.contract)
    out = Path(args.output or f"考核表-{args.contract}-{period}.xlsx")
    assessment_template(tl, period, rb, out, kpis=kpis or None, score_items=_items(args.items))
    print(f"已生成考核表：{out}")
    return EXIT_OK


@run
def cmd_assess_import(args: argparse.Namespace) -> int:
    """Import a filled workbook, in one transaction (:meth:`Registry.import_assessments`).
    The rule for a second import of the same period: what is unchanged is not recorded
    again; what changed is refused unless ``--correction REASON`` says why, and is then
    recorded as a correction (更正) — a new version, the old one kept."""
    from ..errors import RegistryError
    from .xlsx_assess import import_assessments

    period = period_of(args.period)
    with open_store(args) as store:
        who = actor_of(args, store)
        tl = store.timeline(args.contract)
        rb = store.plugins.rulebook(tl.contract.jurisdiction)
        _, kpis = store.terms(args.contract)
        found = import_assessments(args.file, tl, period, rb, kpis=kpis or None)
        try:
            done = store.import_assessments(args.contract, found, by=who,
                                            correction=args.correction)
        except RegistryError as exc:
            if exc.code != "registry.assessment_changed":
                raise
            raise DeskError(
                "already imported with other values; give --correction REASON to record a "
                "correction", field="assessments", value=exc.value,
                code="desk.assessment.duplicate", term="考核记录",
                params={"line": exc.value, "period": period}) from None
    by_line = {a.line: a for a in found}
    for line in done.new:
        print(f"已导入 {line} 的 {period} 考核（考核人：{by_line[line].assessed_by}）")
    for line in done.corrected:
        print(f"已更正 {line} 的 {period} 考核：{args.correction}")
    for line in done.same:
        print(f"{line} 的 {period} 考核已导入，内容相同，未重复记录")
    if not found:
        print("工作簿中没有填写任何考核。")
    return EXIT_OK


@run
def cmd_accept(args: argparse.Namespace) -> int:
    """Record the acceptance of a period (验收): the input the payment clock starts from."""
    period = period_of(args.period)
    on = date_of(args.on, "--on")
    assert on is not None  # argparse requires it
    with open_store(args) as store:
        r = store.accept(args.contract, period, on, by=actor_of(args, store),
                         accepted_by=args.accepted_by,
                         acceptance_due=date_of(args.due, "--due"), reason=args.reason or "")
    a = r.acceptance
    if not r.written:
        print(f"{a.contract_id} {a.period} 的验收已记录（验收日期 {a.accepted_on}，验收人 "
              f"{a.accepted_by}），内容相同，未重复记录")
    elif r.correction:
        print(f"已更正 {a.contract_id} {a.period} 的验收记录（第{a.version}版）：验收日期 "
              f"{a.accepted_on}，验收人 {a.accepted_by}；更正理由：{a.reason}")
    else:
        print(f"已记录 {a.contract_id} {a.period} 的验收：验收日期 {a.accepted_on}，验收人 "
              f"{a.accepted_by}")
    return EXIT_OK


@run
def cmd_assess_final(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        version, written = store.record_final_score(args.contract, args.line, args.score,
                                                    by=actor_of(args, store),
                                                    reason=args.correction or "")
    if not written:
        print(f"{args.line} 的期满考核得分已录入，数值相同，未重复记录")
    elif version > 1:
        print(f"已更正 {args.line} 的期满考核得分：{args.score}（第{version}版）："
              f"{args.correction}")
    else:
        print(f"已录入 {args.line} 的期满考核得分：{args.score}")
    return EXIT_OK


# --- pay, due ----------------------------------------------------------------------------

@run
def cmd_pay(args: argparse.Namespace) -> int:
    """Record a payment, a recovery (a negative amount) or, with ``--reverses REF --reason``,
    the reversal of a payment recorded in error (冲正; the amount is optional: all of it)."""
    period = period_of(args.period)
    amount = None if args.amount is None else amount_of(args.amount)
    if args.reverses:
        if not args.reason:
            raise DeskError("a reversal says why: --reason", field="--reason",
                            code="desk.pay.reversal_needs_reason", term="冲正理由")
        if args.on:
            raise DeskError("a reversal is dated as the payment it reverses; leave out --on",
                            field="--on", code="desk.pay.reversal_dated", term="冲正")
        with open_store(args) as store:
            x = store.reverse_payment(args.contract, period, args.reverses,
                                      by=actor_of(args, store), reason=args.reason,
                                      amount=amount)
        print(f"已冲正付款 {args.reverses}：{args.contract} {period} {x.amount.format()}"
              f"（第 {x.id} 号，理由：{x.reason}）")
        return EXIT_OK
    if amount is None:
        raise DeskError("say the amount paid", field="AMOUNT", code="desk.pay.amount_missing",
                        term="付款金额")
    on = date_of(args.on, "--on") or date.today()
    with open_store(args) as store:
        x = store.record_payment(args.contract, period, amount, on, by=actor_of(args, store),
                                 reference=args.reference or "")
    print(f"已记录付款：{args.contract} {period} {amount.format()}（{on}，第 {x.id} 号"
          + (f"，凭证号 {x.reference}" if x.reference else "") + "）")
    return EXIT_OK


@run
def cmd_due(args: argparse.Namespace) -> int:
    on = date_of(args.on, "--on") or date.today()
    with open_store(args) as store:
        rows = store.due(on, contract_id=args.contract, every=args.every)
    if args.json:
        emit_json([{"contract_id": d.contract_id, "period": str(d.period), "version": d.version,
                    "due_on": d.due_on, "payable": d.payable, "paid": d.paid,
                    "outstanding": d.outstanding, "to_recover": d.to_recover,
                    "status": d.status, "overdue": d.overdue,
                    "overdue_days": d.overdue_days, "late_interest": d.late_interest,
                    "rule_id": d.rule_id, "citation": d.citation} for d in rows])
        return EXIT_OK
    from rich.table import Table

    t = Table(title=f"应付款项（截至 {on}）")
    for h in ("合同", "期间", "到期日", "应付", "已付", "未付", "逾期天数", "逾期利息", "状态"):
        t.add_column(h, justify="left" if h in ("合同", "期间", "状态") else "right")
    total = Money(0)
    interest = Money(0)
    for d in rows:
        total += d.outstanding
        interest += d.late_interest
        t.add_row(d.contract_id, str(d.period), str(d.due_on or "未定"), d.payable.format(),
                  d.paid.format(), d.outstanding.format(), str(d.overdue_days),
                  d.late_interest.format(),
                  f"待追回 {d.to_recover.format()}" if d.to_recover else d.status)
    out = console()
    out.print(t)
    out.print(f"未付合计 {total.format()}，逾期利息合计 {interest.format()}")
    from ..messages_zh import citation_for_people

    for cite in dict.fromkeys(d.citation for d in rows if d.citation):
        out.print(f"逾期利息依据：{citation_for_people(cite)}")
    return EXIT_OK


def _register_assess(sub: Any) -> None:
    assess = sub.add_parser("assess", help="每月考核表：生成、导入、期满考核得分",
                            description="每月考核表（考核表）：生成模板、导入填好的工作簿、"
                                        "录入年度或期满考核得分。"
                            ).add_subparsers(dest="assess_command", required=True,
                                             metavar="子命令")
    p = assess.add_parser("template", help="生成某一期间的考核表工作簿",
                          description="生成合同某一期间的考核表工作簿（Excel）。")
    add_common(p)
    p.add_argument("contract", help="合同编号")
    p.add_argument("period", help="考核期间，如 2022-10")
    p.add_argument("-o", "--output", help="写出的 .xlsx 文件（默认 考核表-合同编号-期间.xlsx）")
    p.add_argument("--items", help="各服务项目、各指标的评分项（TOML 或 JSON 文件）")
    p.set_defaults(func=cmd_assess_template)
    p = assess.add_parser("import", help="导入填好的考核表",
                          description="导入填好的考核表，整本一次记录；内容不同的再次导入须用 "
                                      "--correction 说明理由。")
    add_common(p, actor=True)
    p.add_argument("contract", help="合同编号")
    p.add_argument("period", help="考核期间，如 2022-10")
    p.add_argument("file", help="填好的考核表（.xlsx）")
    p.add_argument("--correction", help="更正已导入的考核时，写明更正理由")
    p.set_defaults(func=cmd_assess_import)
    p = assess.add_parser("final", help="录入服务项目的年度/期满考核得分（按结果释放暂扣款）",
                          description="录入服务项目的年度或期满考核得分，暂扣款按此释放。")
    add_common(p, actor=True)
    p.add_argument("contract", help="合同编号")
    p.add_argument("line", help="服务项目编号")
    p.add_argument("score", help="得分，0 至 100，最多两位小数")
    p.add_argument("--correction", help="更改已录入的得分时，写明理由")
    p.set_defaults(func=cmd_assess_final)


def register(sub: Any) -> None:
    """Add ``assess``, ``accept``, ``pay`` and ``due``."""
    _register_assess(sub)
    p = sub.add_parser("accept", help="记录某一期间的验收",
                       description="记录某一期间的验收（验收日期是付款期限的起算日）。")
    add_common(p, actor=True)
    p.add_argument("contract", help="合同编号")
    p.add_argument("period", help="验收的期间，如 2022-10")
    p.add_argument("--on", required=True, help="验收日期（YYYY-MM-DD）")
    p.add_argument("--accepted-by", help="验收人（默认为操作人员的姓名）")
    p.add_argument("--due", help="约定的验收期限（如有）")
    p.add_argument("--reason", help="更正已记录的验收时，写明理由")
    p.set_defaults(func=cmd_accept)

    p = sub.add_parser("pay", help="记录已结算期间的付款、追回或冲正",
                       description="记录付款（负数为追回）；--reverses 冲正一笔误记的付款。")
    add_common(p, actor=True)
    p.add_argument("contract", help="合同编号")
    p.add_argument("period", help="付款对应的期间，如 2022-10")
    p.add_argument("amount", nargs="?",
                   help="金额（元），如 83410.00（负数为追回）；冲正时为冲正金额（默认全额）")
    p.add_argument("--on", help="付款日期（默认今天）")
    p.add_argument("--reference", help="付款凭证号")
    p.add_argument("--reverses", metavar="REF", help="冲正凭证号为 REF（或 #序号）的付款")
    p.add_argument("--reason", help="冲正的理由")
    p.set_defaults(func=cmd_pay)

    p = sub.add_parser("due", help="应付、逾期款项及逾期利息",
                       description="列出截至某日的应付、已付、未付款项，逾期天数与逾期利息。")
    add_common(p, json_out=True)
    p.add_argument("--on", help="截至日期（默认今天）")
    p.add_argument("--contract", help="只列这份合同")
    p.add_argument("--every", action="store_true", help="也列出已付清的期间")
    p.set_defaults(func=cmd_due)
