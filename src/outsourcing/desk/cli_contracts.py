"""Desk commands: ``init``, ``actor`` and ``contract`` (over the registry); ``change`` is
:mod:`.cli_changes`."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from ..findings import Severity
from ..model import Contract
from ..serialize import structure, unstructure
from ..terms import ContractTerms
from .cli_common import (
    actor_of,
    add_common,
    console,
    date_of,
    emit_json,
    open_store,
    print_findings,
    read_data_file,
)
from .cli_errors import EXIT_FAILED, EXIT_OK, DeskError, run

__all__ = ["ACTION_ZH", "STATUS_ZH", "read_contract", "read_terms", "register"]

ROLES = ("officer", "approver", "assessor", "finance", "supplier")
PRICING_ZH = {"fixed_monthly": "固定月费", "unit_rate": "单价×数量",
              "labour_plus_materials": "人工加材料"}
STATUS_ZH = {"pending": "待签", "signed": "已签订", "rejected": "已驳回"}
ACTION_ZH = {"add_line": "增加服务项目", "remove_line": "减少服务项目", "change_price": "调整单价",
             "change_quantity": "调整数量", "suspend": "中止履行", "resume": "恢复履行",
             "change_term": "变更履行期限", "terminate": "解除合同"}


def read_contract(path: str) -> Contract:
    """A contract from a workbook (``.xlsx``), a JSON or a TOML file."""
    return read_terms(path).contract


def read_terms(path: str, services: Mapping[str, str] | None = None) -> ContractTerms:
    """A contract with the terms it states: from a workbook (``.xlsx``, every sheet of the
    layout; ``services`` maps Chinese service names to codes), or a JSON or TOML file (the
    contract alone)."""
    if Path(path).suffix.lower() in (".xlsx", ".xlsm"):
        from .xlsx_contract import read_contract_terms

        return read_contract_terms(path, services=services)
    data = read_data_file(path)
    if isinstance(data, dict) and "contract" in data and isinstance(data["contract"], dict):
        data = data["contract"]
    return ContractTerms(structure(data, Contract, source=path))


def _services(store: Any) -> list[tuple[str, str]]:
    return [(k.code, k.name_zh) for k in store.plugins.catalogue]


# --- init and actors -----------------------------------------------------------------------

@run
def cmd_init(args: argparse.Namespace) -> int:
    """Create (or migrate) the registry and its founder (an approver only); say plainly
    while one approver is alone (no four eyes yet)."""
    store = open_store(args, create=True)
    with store:
        actors = store.actors()
        if not actors:
            if not args.actor_id:
                raise DeskError("a new registry needs its first actor: --actor ID --name NAME",
                                field="--actor", term="操作人员",
                                code="desk.init.founder_missing")
            store.add_actor(args.actor_id, args.name or args.actor_id, ["approver"],
                            login=store.login or None)
            actors = store.actors()
        print(f"登记库已就绪：{store.location}")
        for a in actors:
            roles = "、".join(sorted(r.zh for r in a.roles))
            print(f"  操作人员 {a.id}（{a.name}）：{roles}")
        approvers = [a.id for a in actors if "approver" in a.roles]
        if len(approvers) == 1:
            print(f"注意：目前只有一位审批人 {approvers[0]}，尚无双人审核。请提名第二位审批人"
                  f"（actor add 编号 姓名 --role approver --as {approvers[0]}），"
                  "由其本人接受（actor confirm 编号 --as 编号），"
                  "此后每项提名须由另一位审批人确认。")
        if store.solo_office():
            print("注意：本单位政策允许单人操作（registry.single_person_office），"
                  "凡一人兼办的事项均记为“单人操作”。")
    return EXIT_OK


@run
def cmd_actor_add(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        a = store.add_actor(args.actor_id, args.name, args.role, supplier=args.supplier,
                            by=actor_of(args, store), login=args.login)
        print(f"已提名操作人员 {a.id}（{a.name}）：{'、'.join(sorted(r.zh for r in a.roles))}"
              "，待另一位审批人确认（actor confirm）")
    return EXIT_OK


@run
def cmd_actor_confirm(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        who = actor_of(args, store)
        if args.role:
            a = store.confirm_role(args.actor_id, args.role, by=who)
        else:
            a = store.confirm_actor(args.actor_id, by=who)
        print(f"已确认操作人员 {a.id}（{a.name}）：{'、'.join(sorted(r.zh for r in a.roles))}")
    return EXIT_OK


@run
def cmd_actor_grant(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        store.grant_role(args.actor_id, args.role, by=actor_of(args, store))
        print(f"已提名为 {args.actor_id} 增加角色 {args.role}，待另一位审批人确认"
              f"（actor confirm {args.actor_id} --role {args.role}）")
    return EXIT_OK


@run
def cmd_actor_list(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        actors = store.actors()
        pending = store.pending()
    if args.json:
        emit_json([{"id": a.id, "name": a.name, "roles": sorted(r.value for r in a.roles),
                    "supplier": a.supplier} for a in actors])
        return EXIT_OK
    from rich.table import Table

    t = Table(title="操作人员")
    for h in ("编号", "姓名", "角色", "供应商"):
        t.add_column(h)
    for a in actors:
        t.add_row(a.id, a.name, "、".join(sorted(r.zh for r in a.roles)), a.supplier or "")
    console().print(t)
    for x in pending:
        what = (f"操作人员 {x.subject}（{x.payload['name']}）" if x.kind == "actor"
                else f"{x.subject} 增加角色 {x.payload['role']}")
        print(f"待确认：{what}，由 {x.proposed_by} 提名")
    return EXIT_OK


# --- contracts -----------------------------------------------------------------------------

def _check(store: Any, contract: Contract, lang: str) -> bool:
    rb = store.plugins.rulebook(contract.jurisdiction)
    findings = contract.check(rb)
    if findings:
        print("检查结果：" if lang == "zh" else "findings:")
    return print_findings(findings, lang)


@run
def cmd_contract_add(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        terms = read_terms(args.file, {zh: code for code, zh in _services(store)})
        contract = terms.contract
        who = actor_of(args, store)
        if _check(store, contract, args.lang):
            print(f"合同 {contract.id} 违反规定，未登记。")
            return EXIT_FAILED
        store.add_contract(contract, by=who, rules=terms.rules, kpis=terms.kpis,
                           contract_rules=terms.contract_rules, adopt=terms.adopt,
                           plan=terms.plan)
    print(f"已登记合同 {contract.id}《{contract.title}》：{len(contract.lines)} 个服务项目，"
          f"原合同金额 {contract.original_amount.format()}"
          + (f"；约定支付规则 {len(terms.rules)} 项" if terms.rules else ""))
    return EXIT_OK


@run
def cmd_contract_template(args: argparse.Namespace) -> int:
    """The empty contract workbook: no registry needed, but the catalogue of the plugins
    (services for the drop-down list)."""
    from ..plugins import load
    from .xlsx_contract import write_contract_template

    out = write_contract_template(
        args.output, services=[(k.code, k.name_zh) for k in load().catalogue])
    print(f"已生成合同登记表模板：{out}")
    return EXIT_OK


@run
def cmd_contract_export(args: argparse.Namespace) -> int:
    from .xlsx_contract import write_contract_workbook

    with open_store(args) as store:
        terms = store.contract_terms(args.contract)
        services = _services(store)
    out = write_contract_workbook(terms, args.output or f"合同-{args.contract}.xlsx",
                                  services=services)
    print(f"已导出合同 {args.contract}：{out}")
    return EXIT_OK


@run
def cmd_contract_check(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        contract = (read_contract(args.target) if Path(args.target).suffix else
                    store.contract(args.target))
        rb = store.plugins.rulebook(contract.jurisdiction)
        findings = contract.check(rb)
    if args.json:
        emit_json([{"code": f.code, "severity": f.severity.value, "message_zh": f.message_zh,
                    "message": f.message, "rule_id": f.rule_id, "citation": f.citation}
                   for f in findings])
    elif findings:
        print_findings(findings, args.lang)
    else:
        print(f"合同 {contract.id}：检查通过，未发现问题。")
    return (EXIT_FAILED if any(f.severity is Severity.ERROR for f in findings)
            else EXIT_OK)


@run
def cmd_contract_show(args: argparse.Namespace) -> int:
    store = open_store(args)
    with store:
        tl = store.timeline(args.contract)
        records = store.changes(args.contract)
    c = tl.contract
    if args.json:
        emit_json({"contract": unstructure(c), "term_end": tl.term.end.isoformat(),
                   "changes": [{"change": unstructure(r.change), "status": r.status.value,
                                "proposed_by": r.proposed_by, "decided_by": r.decided_by}
                               for r in records]})
        return EXIT_OK
    from rich.table import Table

    out = console()
    out.print(f"[bold]{c.id}[/bold]《{c.title}》")
    out.print(f"采购人：{c.purchaser.name}（{c.purchaser.id}）    "
              f"供应商：{c.supplier.name}（{c.supplier.id}，{c.supplier.size.zh}企业）")
    out.print(f"履行期限：{c.term.start} 至 {tl.term.end}    "
              f"原合同金额：{c.original_amount.format()}")
    t = Table(title="服务项目")
    for h in ("编号", "服务类别", "办公区", "计价", "月金额"):
        t.add_column(h)
    catalogue = store.plugins.catalogue
    for lid, x in tl.all_lines().items():
        service = (f"{catalogue.get(x.service).name_zh}（{x.service}）"
                   if x.service in catalogue else x.service)
        t.add_row(lid, service, x.site, PRICING_ZH.get(x.pricing.KIND, x.pricing.KIND),
                  _money_of(x.monthly_amount()))
    out.print(t)
    if records:
        ct = Table(title="合同变更")
        for h in ("编号", "类型", "生效日期", "状态", "提出", "签批"):
            ct.add_column(h)
        for r in records:
            ct.add_row(r.change.id, ACTION_ZH.get(r.change.action.KIND, r.change.action.KIND),
                       r.change.effective.isoformat(),
                       STATUS_ZH.get(r.status.value, r.status.value), r.proposed_by,
                       r.decided_by or "")
        out.print(ct)
    return EXIT_OK


def _money_of(fr: Any) -> str:
    from ..money import Money

    return Money.round(fr).format()


def _supplier_names(store: Any, rows: Any) -> dict[str, str]:
    """Each supplier's name with its id beside (名称（编号）), one read per supplier."""
    first: dict[str, str] = {}
    for r in rows:
        first.setdefault(r.supplier_id, r.id)
    return {sid: f"{store.contract(cid).supplier.name}（{sid}）" for sid, cid in first.items()}


@run
def cmd_contract_list(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        rows = store.contracts(supplier=args.supplier, service=args.service, site=args.site,
                               status=args.status, on=date_of(args.on, "--on"))
        names = _supplier_names(store, rows) if not args.json else {}
    if args.json:
        emit_json([attrs.asdict(r) for r in rows])
        return EXIT_OK
    from rich.table import Table

    t = Table(title=f"合同（{len(rows)}）")
    for h in ("编号", "名称", "辖区", "供应商", "履行期限", "状态"):
        t.add_column(h, no_wrap=h in ("编号", "名称", "状态"))
    status_zh = {"pending": "未开始", "in_force": "履行中", "ended": "已到期",
                 "terminated": "已解除"}
    for r in rows:
        t.add_row(r.id, r.title, r.jurisdiction, names.get(r.supplier_id, r.supplier_id),
                  f"{r.term_start} 至 {r.term_end}", status_zh.get(r.status, r.status))
    console().print(t)
    return EXIT_OK


def _register_actor(sub: Any) -> None:
    actor = sub.add_parser("actor", help="操作登记库的人员：提名、确认、增加角色、列表",
                           description="操作登记库的人员（操作人员）与其角色；提名须由另一位"
                                       "审批人确认（双人审核）。"
                           ).add_subparsers(dest="actor_command", required=True,
                                            metavar="子命令")
    roles = "、".join(ROLES)
    p = actor.add_parser("add", help="提名操作人员及其角色（由另一位审批人确认）",
                         description="提名操作人员及其角色，待另一位审批人确认。")
    add_common(p, actor=True)
    p.add_argument("actor_id", help="操作人员编号")
    p.add_argument("name", help="姓名")
    p.add_argument("--role", action="append", required=True, choices=ROLES,
                   help=f"角色（可重复）：{roles}")
    p.add_argument("--supplier", help="供应商人员所属的供应商编号")
    p.add_argument("--login", help="本人的数据库登录名（PostgreSQL）")
    p.set_defaults(func=cmd_actor_add)
    p = actor.add_parser("confirm", help="确认提名的操作人员，或用 --role 确认提名的角色",
                         description="确认提名的操作人员，或用 --role 确认提名的角色。")
    add_common(p, actor=True)
    p.add_argument("actor_id", help="操作人员编号")
    p.add_argument("--role", choices=ROLES, help=f"确认这个提名的角色：{roles}")
    p.set_defaults(func=cmd_actor_confirm)
    p = actor.add_parser("grant", help="提名增加角色（由另一位审批人确认）",
                         description="为操作人员提名增加角色，待另一位审批人确认。")
    add_common(p, actor=True)
    p.add_argument("actor_id", help="操作人员编号")
    p.add_argument("role", choices=ROLES, help=f"角色：{roles}")
    p.set_defaults(func=cmd_actor_grant)
    p = actor.add_parser("list", help="列出操作人员", description="列出操作人员及待确认的提名。")
    add_common(p, json_out=True)
    p.set_defaults(func=cmd_actor_list)


def _register_contract(sub: Any) -> None:
    contract = sub.add_parser("contract", help="登记库中的合同：登记、检查、查看、列表",
                              description="登记库中的合同：登记、模板、导出、检查、查看、列表。"
                              ).add_subparsers(dest="contract_command", required=True,
                                               metavar="子命令")
    p = contract.add_parser("add", help="检查并登记合同（TOML、JSON 或 Excel）",
                            description="检查并登记一份合同（TOML、JSON 或合同登记表 Excel）；"
                                        "违反规定的合同不予登记。")
    add_common(p, actor=True)
    p.add_argument("file", help="合同文件（.toml、.json 或 .xlsx）")
    p.set_defaults(func=cmd_contract_add)
    p = contract.add_parser("template", help="生成空白的合同登记表",
                            description="生成空白的合同登记表（Excel），不需要登记库。")
    p.add_argument("-o", "--output", default="合同.xlsx", help="写出的 .xlsx 文件")
    p.add_argument("--lang", choices=("zh", "en"), default="zh",
                   help="提示语言：中文（默认），en 为开发人员用的英文")
    p.set_defaults(func=cmd_contract_template)
    p = contract.add_parser("export", help="把登记的合同写成合同登记表",
                            description="把登记的合同按合同登记表的格式写成 Excel。")
    add_common(p)
    p.add_argument("contract", help="合同编号")
    p.add_argument("-o", "--output", help="写出的 .xlsx 文件（默认 合同-合同编号.xlsx）")
    p.set_defaults(func=cmd_contract_export)
    p = contract.add_parser("check", help="检查合同文件或登记的合同",
                            description="按规则检查合同文件或登记的合同，列出发现的问题。")
    add_common(p, json_out=True)
    p.add_argument("target", help="合同文件（.toml、.json、.xlsx）或合同编号")
    p.set_defaults(func=cmd_contract_check)
    p = contract.add_parser("show", help="查看登记的合同及其变更",
                            description="查看登记的合同、服务项目及其变更。")
    add_common(p, json_out=True)
    p.add_argument("contract", help="合同编号")
    p.set_defaults(func=cmd_contract_show)
    p = contract.add_parser("list", help="列出登记的合同", description="按条件列出登记的合同。")
    add_common(p, json_out=True)
    for opt, what in (("--supplier", "供应商编号"), ("--service", "服务类别代码"),
                      ("--site", "办公区"), ("--status", "状态：pending、in_force、ended、"
                                                         "terminated"),
                      ("--on", "状态所依的日期（默认今天）")):
        p.add_argument(opt, help=what)
    p.set_defaults(func=cmd_contract_list)


def register(sub: Any) -> None:
    """Add ``init``, ``actor`` and ``contract`` to the command line."""
    p = sub.add_parser("init", help="建立登记库及其第一位操作人员",
                       description="建立登记库（或迁移已有登记库）及其第一位操作人员"
                                   "（审批人）。只有 init 会新建登记库。")
    add_common(p)
    p.add_argument("--actor", dest="actor_id", help="第一位操作人员的编号（审批人）")
    p.add_argument("--name", help="第一位操作人员的姓名")
    p.set_defaults(func=cmd_init)
    _register_actor(sub)
    _register_contract(sub)
