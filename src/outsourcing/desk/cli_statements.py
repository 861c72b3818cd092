"""Desk commands over what is stored: ``statement`` (show, history, export), ``report``
(charts), ``audit`` (verify, anchor, timestamp, key, rotate) and ``db`` (migrations)."""

from __future__ import annotations

import argparse
import os
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..dates import Period
from ..money import Money
from .cli_common import (
    actor_of,
    add_common,
    console,
    emit_json,
    open_store,
    period_of,
    read_data_file,
    registry_url,
    require_registry,
)
from .cli_errors import EXIT_FAILED, EXIT_OK, DeskError, run
from .files import writing

if TYPE_CHECKING:
    from ..registry import StatementVersion
    from ..statement import Statement

__all__ = ["register"]


# --- statements ----------------------------------------------------------------------------

def _version_of(store: Any, contract_id: str, period: Period, version: int | None
                ) -> StatementVersion:
    """The stored version asked for: none stored for the period, or no such version (the
    versions there are named), each its own error."""
    versions = store.statement_history(contract_id, period)
    if not versions:
        raise DeskError("no statement stored for this period", field="period",
                        value=f"{contract_id} {period}", code="desk.statement.none",
                        term="结算单")
    for v in versions:
        if v.version == version or (version is None and v is versions[-1]):
            found: StatementVersion = v
            return found
    have = "、".join(f"第{v.version}版" for v in versions)
    raise DeskError(f"version {version} does not exist; stored: "
                    f"{', '.join(str(v.version) for v in versions)}", field="--version",
                    value=version, code="desk.statement.no_version", term="结算单版本",
                    params={"version": version, "have": have})


@run
def cmd_statement_show(args: argparse.Namespace) -> int:
    period = period_of(args.period)
    with open_store(args) as store:
        v = _version_of(store, args.contract, period, args.version)
        st = store.statement(args.contract, period, version=v.version)
    if args.json:
        # with every finding's Chinese text, and the stored version (更正结算单 第N版 …)
        emit_json({**st.to_dict(explanations=True), "registry_version": v.to_dict()})
    else:
        from .printable import statement_text

        print(statement_text(st, args.lang, version=v), end="")
    return EXIT_OK


@run
def cmd_statement_history(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        versions = store.statement_history(args.contract, period_of(args.period))
    if not versions:
        raise DeskError("no statement stored for this period", field="period",
                        value=f"{args.contract} {args.period}", code="desk.statement.none",
                        term="结算单")
    if args.json:
        emit_json([v.to_dict() for v in versions])
        return EXIT_OK
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
    return EXIT_OK


@run
def cmd_statement_export(args: argparse.Namespace) -> int:
    period = period_of(args.period)
    if not args.xlsx and not args.html:
        raise DeskError("say what to write: --xlsx FILE and/or --html FOLDER",
                        field="--xlsx", code="desk.export.what", term="导出")
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
                                value=f"{cid} {period}", code="desk.statement.settle_first",
                                term="结算单")
    if not statements:
        raise DeskError("no statements for this period", field="period", value=str(period),
                        code="desk.statement.settle_first", term="结算单")
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
    return EXIT_OK


def _warnings(pc: Any, contract_id: str, several: bool) -> dict[str, Decimal]:
    """Each line's warning line (预警分数线) as the library settles it: the line's own payment
    rule (agreed, a plugin's or the default), keyed by the chart's label for the line."""
    from ..payment import WarningRule

    out: dict[str, Decimal] = {}
    for x in pc.lines:
        if isinstance(x.rule.warning, WarningRule):
            label = f"{contract_id} {x.line.id}" if several else x.line.id
            out[label] = x.rule.warning.min_score
    return out


def _report_inputs(store: Any, args: argparse.Namespace) -> tuple[list[str], str]:
    """The contracts the report covers and whose they are (供应商 名称（编号） or the id)."""
    if args.contract:
        c = store.contract(args.contract)
        return [args.contract], f"{c.id}《{c.title}》"
    ids = [c.id for c in store.contracts(supplier=args.supplier)]
    if not ids:
        raise DeskError("no contracts for this supplier", field="--supplier",
                        value=args.supplier, code="desk.report.unknown_supplier",
                        term="供应商")
    name = store.contract(ids[0]).supplier.name
    return ids, f"供应商 {name}（{args.supplier}）"


@run
def cmd_report(args: argparse.Namespace) -> int:
    from .charts import FeePoint, fee_chart, fee_series, score_chart, score_series, tiers_of

    with open_store(args) as store:
        ids, who = _report_inputs(store, args)
        statements: list[Statement] = []
        for cid in ids:
            statements += [store.statement(cid, x.period) for x in store.statements(cid)]
        if not statements:
            raise DeskError("no statements yet", field="contract", value=ids,
                            code="desk.report.no_statements", term="结算单")
        paid_by = {cid: store.paid(cid) for cid in ids}  # every payment, whatever its date
        prepared = [store.prepared(cid) for cid in ids]
    warnings: dict[str, Decimal] = {}
    for cid, pc in zip(ids, prepared, strict=True):
        warnings.update(_warnings(pc, cid, len(ids) > 1))
    tiers = {tuple(tiers_of(x.rule)) for pc in prepared for x in pc.lines}
    paid: dict[str, Money] = {}
    for s in statements:
        got = paid_by[s.contract_id].get(s.period, Money(0))
        paid[str(s.period)] = paid.get(str(s.period), Money(0)) + got
    with writing(args.output, "图表文件夹") as folder:
        folder.mkdir(parents=True, exist_ok=True)
    score = score_chart(score_series(statements), folder / "score.png",
                        title=f"考核得分：{who}", warning=warnings,
                        tiers=list(next(iter(tiers))) if len(tiers) == 1 else [])
    points: list[FeePoint] = fee_series(statements, paid)
    fees = fee_chart(points, folder / "fee.png", title=f"合同费用与实付：{who}")
    if args.json:
        emit_json({"score_chart": str(score), "fee_chart": str(fees),
                   "warning_lines": warnings,
                   "periods": [{"period": p.period, "fee": p.fee, "payable": p.payable,
                                "paid": p.paid} for p in points]})
    else:
        print(f"已生成图表：{score}、{fees}")
    return EXIT_OK


@run
def cmd_audit_verify(args: argparse.Namespace) -> int:
    from ..registry import Anchor

    for f in args.anchor or ():
        read_data_file(f, "JSON")  # the command line's limits first (encoding, size, depth)
    anchors = [Anchor.read(f) for f in args.anchor or ()]
    with open_store(args) as store:
        v = store.verify(anchors=anchors)
        keyed = store.keys is not None
    if args.json:
        emit_json({"ok": v.ok, "records": v.records, "first_bad": v.first_bad,
                   "code": v.code, "reason": v.reason, "reason_zh": v.reason_zh,
                   "signed": v.signed, "anchors": len(anchors)})
    elif v.ok:
        print(f"审计记录完整：共 {v.records} 条，逐条核验无误。")
        print(f"  密钥核验 {v.signed} 条" if keyed else
              "  未提供审计密钥：无法排除数据库所有者重算整条链（见 docs/registry.md）")
        print(f"  对照锚点 {len(anchors)} 个" if anchors else
              "  未提供锚点：无法发现截断或整体改写（audit verify --anchor 文件）")
    else:
        where = f"第 {v.first_bad} 条" if v.first_bad is not None else "整条链"
        print(f"审计记录不符：{where} — {v.reason_zh}（{v.code}）")
    return EXIT_OK if v.ok else EXIT_FAILED


@run
def cmd_audit_anchor(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        a = store.anchor()
    path = a.write(args.file)
    print(f"已写出审计锚点 {path}：第 {a.seq} 条，哈希 {a.hash}"
          + ("" if a.mac else "（未签名：未提供审计密钥）"))
    return EXIT_OK


@run
def cmd_audit_timestamp(args: argparse.Namespace) -> int:
    from ..registry.timestamp import timestamp

    reply = timestamp(args.file, args.tsa)
    print(f"已取得可信时间戳 {reply}（用 openssl ts -verify 核验）")
    return EXIT_OK


@run
def cmd_audit_key(args: argparse.Namespace) -> int:
    from ..registry import AuditKeys

    if args.rotate:
        read_data_file(args.file, "TOML")  # the command line's limits first
    keep = AuditKeys.from_file(args.file) if args.rotate else None
    AuditKeys.new_file(args.file, args.key_id, keep=keep)
    print(f"已写出审计密钥文件 {args.file}（当前密钥 {args.key_id}）；请存放在数据库之外，"
          "并设置 OUTSOURCING_AUDIT_KEY_FILE")
    return EXIT_OK


@run
def cmd_audit_rotate(args: argparse.Namespace) -> int:
    from ..registry import AuditKeys

    read_data_file(args.file, "TOML")  # the command line's limits first
    keys = AuditKeys.from_file(args.file)
    with open_store(args) as store:
        store.rotate_key(keys, by=actor_of(args, store))
    print(f"审计密钥已轮换为 {keys.current}，轮换已记入审计链")
    return EXIT_OK


@run
def cmd_db(args: argparse.Namespace) -> int:
    from ..registry import database_revision, downgrade_database, upgrade_database

    url = registry_url(args)
    require_registry(url, schema=False)  # a registry migrated down to nothing is still one
    if args.db_command == "upgrade":
        print(f"数据库结构版本：{upgrade_database(url, args.revision)}")
    elif args.db_command == "downgrade":
        now = downgrade_database(url, args.revision, force=args.force,
                                 by=args.actor or os.environ.get("USER") or "owner")
        print(f"数据库结构版本：{now}")
    else:
        print(f"数据库结构版本：{database_revision(url) or '（空库）'}")
    return EXIT_OK


def _register_statement(sub: Any) -> None:
    st = sub.add_parser("statement", help="登记库中的结算单：查看、版本、导出",
                        description="登记库中的结算单：查看某一期间的结算单及其各版本，"
                                    "导出为 Excel 或可打印的网页。"
                        ).add_subparsers(dest="statement_command", required=True,
                                         metavar="子命令")
    p = st.add_parser("show", help="查看一份结算单", description="查看一份登记的结算单。")
    add_common(p, json_out=True)
    p.add_argument("contract", help="合同编号")
    p.add_argument("period", help="期间，如 2022-10")
    p.add_argument("--version", type=int, help="版本号（默认为现行版本）")
    p.set_defaults(func=cmd_statement_show)
    p = st.add_parser("history", help="某一期间结算单的全部版本",
                      description="列出某一期间结算单的全部版本（含更正）。")
    add_common(p, json_out=True)
    p.add_argument("contract", help="合同编号")
    p.add_argument("period", help="期间，如 2022-10")
    p.set_defaults(func=cmd_statement_history)
    p = st.add_parser("export", help="导出某一期间的结算单（Excel、打印页）",
                      description="导出某一期间的结算单：--xlsx 写 Excel 汇总，"
                                  "--html 写可打印的网页。")
    add_common(p)
    p.add_argument("period", help="期间，如 2022-10")
    p.add_argument("--contract", action="append", help="只导出这些合同（可重复）")
    p.add_argument("--xlsx", help="写出的 Excel 文件")
    p.add_argument("--html", help="存放打印页的文件夹")
    p.set_defaults(func=cmd_statement_export)


def _register_audit(sub: Any) -> None:
    audit = sub.add_parser("audit", help="审计记录：核验、锚点、时间戳、密钥",
                           description="审计记录（哈希链）：核验、写出锚点、取得可信时间戳、"
                                       "生成与轮换审计密钥。"
                           ).add_subparsers(dest="audit_command", required=True,
                                            metavar="子命令")
    p = audit.add_parser("verify", help="核验审计记录的哈希链",
                         description="逐条核验审计记录的哈希链，可对照锚点文件。")
    add_common(p, json_out=True)
    p.add_argument("--anchor", action="append", metavar="FILE",
                   help="audit anchor 写出的锚点文件（可重复）")
    p.set_defaults(func=cmd_audit_verify)
    p = audit.add_parser("anchor", help="把哈希链的链头写到数据库之外的文件",
                         description="把审计哈希链的链头写到数据库之外的文件（锚点）。")
    add_common(p)
    p.add_argument("file", help="写出的锚点文件")
    p.set_defaults(func=cmd_audit_anchor)
    p = audit.add_parser("timestamp", help="向时间戳服务机构为锚点文件取得可信时间戳",
                         description="向时间戳服务机构（RFC 3161）为锚点文件取得可信时间戳。")
    p.add_argument("file", help="锚点文件")
    p.add_argument("--tsa", required=True, help="时间戳服务机构的网址")
    p.add_argument("--lang", choices=("zh", "en"), default="zh",
                   help="提示语言：中文（默认），en 为开发人员用的英文")
    p.set_defaults(func=cmd_audit_timestamp)
    p = audit.add_parser("key", help="生成新的审计密钥文件（存放在数据库之外）",
                         description="生成新的审计密钥文件；请存放在数据库之外。")
    p.add_argument("file", help="写出的密钥文件")
    p.add_argument("--id", dest="key_id", required=True, help="密钥编号，如 2026-12")
    p.add_argument("--rotate", action="store_true", help="在已有文件中增加新密钥，保留旧密钥")
    p.add_argument("--lang", choices=("zh", "en"), default="zh",
                   help="提示语言：中文（默认），en 为开发人员用的英文")
    p.set_defaults(func=cmd_audit_key)
    p = audit.add_parser("rotate", help="改用密钥文件的当前密钥签名",
                         description="改用密钥文件的当前密钥为审计记录签名（轮换记入审计链）。")
    add_common(p, actor=True)
    p.add_argument("file", help="密钥文件")
    p.set_defaults(func=cmd_audit_rotate)


def _register_db(sub: Any) -> None:
    db = sub.add_parser("db", help="数据库结构迁移", description="登记库的数据库结构迁移。"
                        ).add_subparsers(dest="db_command", required=True, metavar="子命令")
    for name, what in (("upgrade", "升级到较新的结构版本（默认最新）"),
                       ("downgrade", "降级到较旧的结构版本；会删除数据时拒绝"),
                       ("current", "显示当前结构版本")):
        p = db.add_parser(name, help=what, description=what + "。")
        add_common(p, actor=name == "downgrade")
        if name != "current":
            p.add_argument("revision", nargs="?" if name == "upgrade" else None,
                           default="head", help="结构版本号（如 0006_trust）")
        if name == "downgrade":
            p.add_argument("--force", action="store_true",
                           help="即使删除数据也降级（强制操作记入审计）")
        p.set_defaults(func=cmd_db)


def register(sub: Any) -> None:
    """Add ``statement``, ``report``, ``audit`` and ``db``."""
    _register_statement(sub)
    p = sub.add_parser("report", help="图表：各期考核得分，合同费用与实付",
                       description="生成图表：各期考核得分（含预警线与分档），合同费用与实付。")
    add_common(p, json_out=True)
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--contract", help="一份合同的编号")
    who.add_argument("--supplier", help="供应商编号：其全部合同")
    p.add_argument("-o", "--output", default=".", help="存放 PNG 图片的文件夹")
    p.set_defaults(func=cmd_report)
    _register_audit(sub)
    _register_db(sub)
