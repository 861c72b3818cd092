"""Desk commands for the month: ``assess``, ``settle`` (over the registry), ``pay``, ``due``,
``statement``, ``report`` and ``audit``."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import OutsourcingError
from ..findings import Severity
from ..money import Money
from ..statement import Statement
from .cli_common import (
    EXIT_CHECKS_FAILED,
    EXIT_DONE,
    EXIT_USAGE,
    DeskError,
    actor_of,
    add_common,
    amount_of,
    console,
    date_of,
    emit_json,
    error_text,
    open_store,
    period_of,
    print_findings,
    read_data_file,
    run,
)
from .files import writing

if TYPE_CHECKING:
    from ..registry import StatementVersion

__all__ = ["register", "settle_hook"]


# --- assessments ---------------------------------------------------------------------------

def _items(path: str | None) -> dict[str, dict[str, list[tuple[str, Any]]]] | None:
    """Score-sheet items from TOML: ``[LINE] KPI = [["保洁", 50], ["秩序维护", 50]]``."""
    if path is None:
        return None
    raw: Any = read_data_file(path)
    if not isinstance(raw, dict):
        raise DeskError("the items file is a table of lines", field=path, term="评分表",
                        zh="评分项文件应为以服务项目为键的表")
    out: dict[str, dict[str, list[tuple[str, Any]]]] = {}
    for lid, kpis in raw.items():
        if not isinstance(kpis, dict):
            raise DeskError("each line is a table of KPIs", field=lid, term="评分表",
                            zh="评分项文件中每个服务项目应为一个表")
        for kid, items in kpis.items():
            if not isinstance(items, list) or not all(
                    isinstance(i, list) and len(i) == 2 and isinstance(i[1], int | float)
                    and not isinstance(i[1], bool) for i in items):
                raise DeskError("items are [name, max points] pairs", field=f"{lid}.{kid}",
                                value=items, term="评分项",
                                zh="评分项应写作 [名称, 分值] 的列表")
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
    return EXIT_DONE


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
                zh=f"服务项目 {exc.value} 的 {period} 考核已导入且内容不同；如需更正，请加 "
                   "--correction 说明更正理由（将记为更正版本，原记录保留）") from None
    by_line = {a.line: a for a in found}
    for line in done.new:
        print(f"已导入 {line} 的 {period} 考核（考核人：{by_line[line].assessed_by}）")
    for line in done.corrected:
        print(f"已更正 {line} 的 {period} 考核：{args.correction}")
    for line in done.same:
        print(f"{line} 的 {period} 考核已导入，内容相同，未重复记录")
    if not found:
        print("工作簿中没有填写任何考核。")
    return EXIT_DONE


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
    return EXIT_DONE


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
    return EXIT_DONE


# --- settle, pay, due ----------------------------------------------------------------------

def _print_statement_summary(st: Statement, version: StatementVersion, written: bool,
                             lang: str) -> bool:
    state = version.title_zh if written else f"{version.title_zh}（登记内容未变，未重复记录）"
    print(f"{st.contract_id} {st.period} {state}：应付金额 {st.payable.format()}"
          + (f"，到期日 {st.due_on}" if st.due_on else ""))
    if written:
        for line in version.lines_zh()[1:]:
            print(f"  {line}")
    return print_findings(st.findings, lang)


@run
def cmd_settle(args: argparse.Namespace) -> int:
    period = period_of(args.file, "PERIOD")
    with open_store(args) as store:
        who = actor_of(args, store)
        if args.contract:
            r = store.settle(args.contract, period, by=who)
            v = store.statement_version(args.contract, period, version=r.version)
            bad = _print_statement_summary(r.statement, v, r.written, args.lang)
            return EXIT_CHECKS_FAILED if bad else EXIT_DONE
        infos = [c for c in store.contracts(on=period.range.end)
                 if c.term_start <= period.range.end and c.term_end >= period.range.start]
        from rich.progress import Progress

        failed: list[tuple[str, OutsourcingError]] = []
        bad = False
        summaries: list[str] = []
        with Progress(console=console(), transient=False) as progress:
            task = progress.add_task(f"结算 {period}", total=len(infos))
            for info in infos:
                try:
                    r = store.settle(info.id, period, by=who)
                    summaries.append(f"{info.id}：应付金额 {r.statement.payable.format()}"
                                     + ("（未变）" if not r.written else ""))
                    bad = bad or any(f.severity is Severity.ERROR for f in r.statement.findings)
                except OutsourcingError as exc:
                    failed.append((info.id, exc))
                progress.advance(task)
    for s in summaries:
        print(s)
    for cid, err in failed:
        print(f"{cid}：未能结算 — {error_text(err, args.lang)}")
    print(f"共 {len(infos)} 份合同：结算 {len(summaries)} 份，失败 {len(failed)} 份。")
    return EXIT_CHECKS_FAILED if failed or bad else EXIT_DONE


def settle_hook(original: Callable[[argparse.Namespace], int]
                ) -> Callable[[argparse.Namespace], int]:
    """``settle FILE --period P`` stays the scenario command; ``settle PERIOD --contract ID``
    or ``--all`` settles from the registry."""
    def dispatch(args: argparse.Namespace) -> int:
        if getattr(args, "contract", None) or getattr(args, "all", False):
            return cmd_settle(args)
        if getattr(args, "period", None) is None:
            print("outsourcing: 错误：settle FILE 需要 --period；从登记库结算请用 "
                  "settle PERIOD --contract ID 或 --all〔desk.usage〕", file=sys.stderr)
            return EXIT_USAGE
        return original(args)
    return dispatch


@run
def cmd_pay(args: argparse.Namespace) -> int:
    """Record a payment, a recovery (a negative amount) or, with ``--reverses REF --reason``,
    the reversal of a payment recorded in error (冲正; the amount is optional: all of it)."""
    period = period_of(args.period)
    amount = None if args.amount is None else amount_of(args.amount)
    if args.reverses:
        if not args.reason:
            raise DeskError("a reversal says why: --reason", field="--reason",
                            code="desk.usage", term="冲正理由", zh="冲正须用 --reason 说明理由")
        if args.on:
            raise DeskError("a reversal is dated as the payment it reverses; leave out --on",
                            field="--on", code="desk.usage", term="冲正",
                            zh="冲正按原付款日期记录，不用 --on")
        with open_store(args) as store:
            x = store.reverse_payment(args.contract, period, args.reverses,
                                      by=actor_of(args, store), reason=args.reason,
                                      amount=amount)
        print(f"已冲正付款 {args.reverses}：{args.contract} {period} {x.amount.format()}"
              f"（第 {x.id} 号，理由：{x.reason}）")
        return EXIT_DONE
    if amount is None:
        raise DeskError("say the amount paid", field="AMOUNT", code="desk.usage",
                        term="付款金额", zh="请填写付款金额")
    on = date_of(args.on, "--on") or date.today()
    with open_store(args) as store:
        x = store.record_payment(args.contract, period, amount, on, by=actor_of(args, store),
                                 reference=args.reference or "")
    print(f"已记录付款：{args.contract} {period} {amount.format()}（{on}，第 {x.id} 号"
          + (f"，凭证号 {x.reference}" if x.reference else "") + "）")
    return EXIT_DONE


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
        return EXIT_DONE
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
    return EXIT_DONE


# --- statements, report, audit -------------------------------------------------------------

@run
def cmd_statement_show(args: argparse.Namespace) -> int:
    period = period_of(args.period)
    with open_store(args) as store:
        st = store.statement(args.contract, period, version=args.version)
        v = store.statement_version(args.contract, period, version=args.version)
    if args.json:
        # with every finding's Chinese text, and the stored version (更正结算单 第N版 …)
        emit_json({**st.to_dict(explanations=True), "registry_version": v.to_dict()})
    else:
        from .printable import statement_text

        print(statement_text(st, args.lang, version=v), end="")
    return EXIT_DONE


@run
def cmd_statement_history(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        versions = store.statement_history(args.contract, period_of(args.period))
    if not versions:
        raise DeskError("no statement stored for this period", field="period",
                        value=f"{args.contract} {args.period}", code="registry.no_statement",
                        zh="该期间尚无结算单", term="结算单")
    if args.json:
        emit_json([v.to_dict() for v in versions])
        return EXIT_DONE
    from rich.table import Table

    t = Table(title=f"结算单版本：{args.contract} {args.period}")
    for h in ("版本", "应付金额", "原应付金额", "差额", "到期日", "结算人", "结算时间", "更正原因"):
        t.add_column(h, justify="right" if h in ("应付金额", "原应付金额", "差额") else "left")
    for v in versions:
        t.add_row(v.title_zh, v.payable.format(),
                  "" if v.superseded_payable is None else v.superseded_payable.format(),
                  v.difference.format() if v.correction else "", str(v.due_on or "未定"),
                  v.settled_by, v.settled_at[:19], v.reason)
    console().print(t)
    return EXIT_DONE


@run
def cmd_statement_export(args: argparse.Namespace) -> int:
    period = period_of(args.period)
    if not args.xlsx and not args.html:
        raise DeskError("say what to write: --xlsx FILE and/or --html FOLDER",
                        field="--xlsx", zh="请指明导出格式：--xlsx 文件 和/或 --html 文件夹",
                        term="导出")
    with open_store(args) as store:
        ids = args.contract or [c.id for c in store.contracts(on=period.range.end)]
        statements = []
        versions: list[StatementVersion | None] = []
        for cid in ids:
            if any(str(x.period) == str(period) for x in store.statements(cid)):
                statements.append(store.statement(cid, period))
                versions.append(store.statement_version(cid, period))
            elif args.contract:
                raise DeskError("no statement stored for this period", field="period",
                                value=f"{cid} {period}", code="registry.no_statement",
                                zh=f"合同 {cid} 尚无 {period} 的结算单，请先结算", term="结算单")
    if not statements:
        raise DeskError("no statements for this period", field="period", value=str(period),
                        code="registry.no_statement", zh=f"{period} 尚无结算单，请先结算",
                        term="结算单")
    if args.xlsx:
        from .xlsx_statement import export_statements

        path = export_statements(statements, args.xlsx, versions)
        print(f"已导出 {len(statements)} 份结算单到 {path}")
    if args.html:
        from .printable import statement_html

        with writing(args.html, "打印页文件夹") as folder:
            folder.mkdir(parents=True, exist_ok=True)
        for st, v in zip(statements, versions, strict=True):
            with writing(Path(folder, f"结算单-{st.contract_id}-{st.period}.html"),
                         "打印页") as page:
                page.write_text(statement_html(st, version=v), encoding="utf-8")
            print(f"已生成打印页 {page}")
    return EXIT_DONE


@run
def cmd_report(args: argparse.Namespace) -> int:
    from .charts import FeePoint, fee_chart, fee_series, score_chart, score_series, tiers_of

    with open_store(args) as store:
        if args.contract:
            ids = [args.contract]
            store.contract(args.contract)
        else:
            ids = [c.id for c in store.contracts(supplier=args.supplier)]
            if not ids:
                raise DeskError("no contracts for this supplier", field="--supplier",
                                value=args.supplier, code="registry.unknown_supplier",
                                zh="该供应商没有登记的合同", term="供应商")
        statements: list[Statement] = []
        for cid in ids:
            statements += [store.statement(cid, x.period) for x in store.statements(cid)]
        if not statements:
            raise DeskError("no statements yet", field="contract", value=ids,
                            code="registry.no_statement", zh="尚无结算单，无法出图",
                            term="结算单")
        paid_by = {cid: store.paid(cid) for cid in ids}  # every payment, whatever its date
        first = store.timeline(ids[0])
        rb = store.plugins.rulebook(first.contract.jurisdiction)
        rules, _ = store.terms(ids[0])
    from ..payment import WarningRule, default_payment_rule

    rule = (next(iter(rules.values())) if rules else
            default_payment_rule(rb, first.contract.signed_on or first.contract.term.start))
    warning = rule.warning.min_score if isinstance(rule.warning, WarningRule) else None
    paid: dict[str, Money] = {}
    for s in statements:
        got = paid_by[s.contract_id].get(s.period, Money(0))
        paid[str(s.period)] = paid.get(str(s.period), Money(0)) + got
    with writing(args.output, "图表文件夹") as folder:
        folder.mkdir(parents=True, exist_ok=True)
    who = args.contract or f"供应商 {args.supplier}"
    score = score_chart(score_series(statements), folder / "score.png",
                        title=f"考核得分：{who}", warning=warning, tiers=tiers_of(rule))
    points: list[FeePoint] = fee_series(statements, paid)
    fees = fee_chart(points, folder / "fee.png", title=f"合同费用与实付：{who}")
    if args.json:
        emit_json({"score_chart": str(score), "fee_chart": str(fees),
                   "periods": [{"period": p.period, "fee": p.fee, "payable": p.payable,
                                "paid": p.paid} for p in points]})
    else:
        print(f"已生成图表：{score}、{fees}")
    return EXIT_DONE


@run
def cmd_audit_verify(args: argparse.Namespace) -> int:
    from ..registry import Anchor

    anchors = [Anchor.read(f) for f in args.anchor or ()]
    with open_store(args) as store:
        v = store.verify(anchors=anchors)
        keyed = store.keys is not None
    if args.json:
        emit_json({"ok": v.ok, "records": v.records, "first_bad": v.first_bad,
                   "reason": v.reason, "signed": v.signed, "anchors": len(anchors)})
    elif v.ok:
        print(f"审计记录完整：共 {v.records} 条，逐条核验无误。")
        print(f"  密钥核验 {v.signed} 条" if keyed else
              "  未提供审计密钥：无法排除数据库所有者重算整条链（见 docs/registry.md）")
        print(f"  对照锚点 {len(anchors)} 个" if anchors else
              "  未提供锚点：无法发现截断或整体改写（audit verify --anchor 文件）")
    else:
        print(f"审计记录不符：第 {v.first_bad} 条 — {v.reason}")
    return EXIT_DONE if v.ok else EXIT_CHECKS_FAILED


@run
def cmd_audit_anchor(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        a = store.anchor()
    path = a.write(args.file)
    print(f"已写出审计锚点 {path}：第 {a.seq} 条，哈希 {a.hash}"
          + ("" if a.mac else "（未签名：未提供审计密钥）"))
    return EXIT_DONE


@run
def cmd_audit_timestamp(args: argparse.Namespace) -> int:
    from ..registry.timestamp import timestamp

    reply = timestamp(args.file, args.tsa)
    print(f"已取得可信时间戳 {reply}（用 openssl ts -verify 核验）")
    return EXIT_DONE


@run
def cmd_audit_key(args: argparse.Namespace) -> int:
    from ..registry import AuditKeys

    keep = AuditKeys.from_file(args.file) if args.rotate else None
    AuditKeys.new_file(args.file, args.key_id, keep=keep)
    print(f"已写出审计密钥文件 {args.file}（当前密钥 {args.key_id}）；请存放在数据库之外，"
          "并设置 OUTSOURCING_AUDIT_KEY_FILE")
    return EXIT_DONE


@run
def cmd_audit_rotate(args: argparse.Namespace) -> int:
    from ..registry import AuditKeys

    keys = AuditKeys.from_file(args.file)
    with open_store(args) as store:
        store.rotate_key(keys, by=actor_of(args, store))
    print(f"审计密钥已轮换为 {keys.current}，轮换已记入审计链")
    return EXIT_DONE


@run
def cmd_db(args: argparse.Namespace) -> int:
    from ..registry import database_revision, downgrade_database, upgrade_database

    url = args.db or None
    if args.db_command == "upgrade":
        print(f"数据库结构版本：{upgrade_database(url, args.revision)}")
    elif args.db_command == "downgrade":
        now = downgrade_database(url, args.revision, force=args.force,
                                 by=args.actor or os.environ.get("USER") or "owner")
        print(f"数据库结构版本：{now}")
    else:
        print(f"数据库结构版本：{database_revision(url) or '（空库）'}")
    return EXIT_DONE


def register(sub: Any, settle_parser: argparse.ArgumentParser) -> None:
    """Add the month's commands; extend the existing ``settle`` with the registry's form."""
    assess = sub.add_parser("assess", help="the month's assessment workbook (考核表)"
                            ).add_subparsers(dest="assess_command", required=True)
    p = assess.add_parser("template", help="write the assessment workbook of a period")
    add_common(p)
    p.add_argument("contract")
    p.add_argument("period")
    p.add_argument("-o", "--output", help="the .xlsx to write (default 考核表-ID-PERIOD.xlsx)")
    p.add_argument("--items", help="score-sheet items per line and KPI (TOML)")
    p.set_defaults(func=cmd_assess_template)
    p = assess.add_parser("import", help="import a filled assessment workbook")
    add_common(p, actor=True)
    p.add_argument("contract")
    p.add_argument("period")
    p.add_argument("file")
    p.add_argument("--correction", help="the reason, when the import corrects an earlier one")
    p.set_defaults(func=cmd_assess_import)
    p = assess.add_parser("final", help="record a line's final assessment score "
                          "(年度/期满考核得分), which releases a holdback by the result")
    add_common(p, actor=True)
    p.add_argument("contract")
    p.add_argument("line")
    p.add_argument("score", help="0–100, at most two decimals")
    p.add_argument("--correction", help="the reason, when it changes a recorded score")
    p.set_defaults(func=cmd_assess_final)

    add_common(settle_parser, actor=True)
    settle_parser.add_argument("--contract", help="settle this recorded contract's PERIOD")
    settle_parser.add_argument("--all", action="store_true",
                               help="settle every recorded contract running in PERIOD")
    for action in settle_parser._actions:
        if action.dest == "period":
            action.required = False
    settle_parser.set_defaults(func=settle_hook(settle_parser.get_default("func")))

    p = sub.add_parser("accept", help="record the acceptance of a period (验收)")
    add_common(p, actor=True)
    p.add_argument("contract")
    p.add_argument("period")
    p.add_argument("--on", required=True, help="the acceptance day (验收日期)")
    p.add_argument("--accepted-by", help="who accepted (验收人; default the actor's name)")
    p.add_argument("--due", help="the agreed acceptance deadline (约定验收期限), if any")
    p.add_argument("--reason", help="why, when this corrects a recorded acceptance")
    p.set_defaults(func=cmd_accept)

    p = sub.add_parser("pay", help="record a payment against a settled period")
    add_common(p, actor=True)
    p.add_argument("contract")
    p.add_argument("period")
    p.add_argument("amount", nargs="?",
                   help="yuan, e.g. 83410.00 (negative: a recovery); with --reverses, how "
                        "much to reverse (default all of it)")
    p.add_argument("--on", help="the day paid (default today)")
    p.add_argument("--reference", help="the payment's reference (付款凭证号)")
    p.add_argument("--reverses", metavar="REF",
                   help="reverse the payment with this reference (or #number) (冲正)")
    p.add_argument("--reason", help="why the payment is reversed")
    p.set_defaults(func=cmd_pay)

    p = sub.add_parser("due", help="what is due and overdue, with late interest")
    add_common(p, json_out=True)
    p.add_argument("--on", help="the date (default today)")
    p.add_argument("--contract")
    p.add_argument("--every", action="store_true",
                   help="list the periods with nothing due too (已付清)")
    p.set_defaults(func=cmd_due)

    st = sub.add_parser("statement", help="stored statements (结算单)").add_subparsers(
        dest="statement_command", required=True)
    p = st.add_parser("show", help="show a stored statement")
    add_common(p, json_out=True)
    p.add_argument("contract")
    p.add_argument("period")
    p.add_argument("--version", type=int)
    p.set_defaults(func=cmd_statement_show)
    p = st.add_parser("history", help="every version of a period's statement")
    add_common(p, json_out=True)
    p.add_argument("contract")
    p.add_argument("period")
    p.set_defaults(func=cmd_statement_history)
    p = st.add_parser("export", help="export a period's statements (Excel, printable HTML)")
    add_common(p)
    p.add_argument("period")
    p.add_argument("--contract", action="append", help="only these contracts (repeatable)")
    p.add_argument("--xlsx", help="the workbook to write")
    p.add_argument("--html", help="a folder for the printable pages")
    p.set_defaults(func=cmd_statement_export)

    p = sub.add_parser("report", help="charts: score per period, fee against paid")
    add_common(p, json_out=True)
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--contract")
    who.add_argument("--supplier")
    p.add_argument("-o", "--output", default=".", help="the folder for the PNG files")
    p.set_defaults(func=cmd_report)

    audit = sub.add_parser("audit", help="the audit trail").add_subparsers(
        dest="audit_command", required=True)
    p = audit.add_parser("verify", help="verify the audit trail's hash chain")
    add_common(p, json_out=True)
    p.add_argument("--anchor", action="append", metavar="FILE",
                   help="an anchor file written by `audit anchor` (repeatable)")
    p.set_defaults(func=cmd_audit_verify)
    p = audit.add_parser("anchor", help="write the chain's head to a file outside the database")
    add_common(p)
    p.add_argument("file")
    p.set_defaults(func=cmd_audit_anchor)
    p = audit.add_parser("timestamp", help="time-stamp an anchor file at a TSA (RFC 3161)")
    p.add_argument("file")
    p.add_argument("--tsa", required=True, help="the time-stamping authority's URL")
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p.set_defaults(func=cmd_audit_timestamp)
    p = audit.add_parser("key", help="write a new audit key file (keep it outside the database)")
    p.add_argument("file")
    p.add_argument("--id", dest="key_id", required=True, help="the key id, e.g. 2026-12")
    p.add_argument("--rotate", action="store_true",
                   help="add the key to an existing file, keeping the old keys")
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p.set_defaults(func=cmd_audit_key)
    p = audit.add_parser("rotate", help="start signing with the key file's current key")
    add_common(p, actor=True)
    p.add_argument("file")
    p.set_defaults(func=cmd_audit_rotate)

    db = sub.add_parser("db", help="schema migrations (数据库迁移)").add_subparsers(
        dest="db_command", required=True)
    for name, what in (("upgrade", "to a newer revision (default: the newest)"),
                       ("downgrade", "to an older revision; refused if it drops data"),
                       ("current", "show the schema revision")):
        p = db.add_parser(name, help=what)
        add_common(p, actor=name == "downgrade")
        if name != "current":
            p.add_argument("revision", nargs="?" if name == "upgrade" else None,
                           default="head")
        if name == "downgrade":
            p.add_argument("--force", action="store_true",
                           help="drop the data anyway (the forcing is audited)")
        p.set_defaults(func=cmd_db)

