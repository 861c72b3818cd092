"""Desk commands: ``init``, ``actor``, ``contract`` and ``change`` (over the registry)."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from ..changes import ACTION_KINDS, Change
from ..errors import ChangeRejected
from ..findings import Severity
from ..model import Contract
from ..money import pct
from ..serialize import structure, unstructure
from ..terms import ContractTerms
from .cli_common import (
    EXIT_CHECKS_FAILED,
    EXIT_DONE,
    DeskError,
    actor_of,
    add_common,
    console,
    date_of,
    emit_json,
    open_store,
    print_findings,
    read_data_file,
    run,
)

__all__ = ["read_change", "read_contract", "read_terms", "register"]

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


CHANGE_KEYS = {"id", "kind", "rationale", "reason", "effective", "signed_on", "requested_by",
               "approved_by"}


def read_change(path: str) -> Change:
    """A proposed change from TOML or JSON: either the library's JSON form (``action`` as a
    table tagged with ``kind``) or the flat form of the scenario files (``kind`` and the
    action's fields beside ``id``, ``rationale``, ``reason``, ``effective``…)."""
    raw = read_data_file(path)
    if not isinstance(raw, dict):
        raise DeskError("a change is a table", field="file", value=path, term="合同变更",
                        zh="变更文件应为一个表（键值对）")
    if "action" not in raw:
        kind = raw.get("kind")
        if kind not in ACTION_KINDS:
            raise DeskError(f"kind must be one of {', '.join(ACTION_KINDS)}", field="kind",
                            value=kind, term="变更类型",
                            zh=f"变更类型应为 {'、'.join(ACTION_KINDS)} 之一")
        fields = {f.name for f in attrs.fields(ACTION_KINDS[kind])}
        unknown = set(raw) - CHANGE_KEYS - fields
        if unknown:
            raise DeskError(f"unknown keys {sorted(unknown)}", field=sorted(unknown)[0],
                            term="合同变更", zh=f"变更文件有未知的键：{'、'.join(sorted(unknown))}")
        action = {k: v for k, v in raw.items() if k in fields or k == "kind"}
        raw = {k: v for k, v in raw.items() if k in CHANGE_KEYS - {"kind"}}
        raw["action"] = action
    change = structure(raw, Change, source=path)
    return change


# --- init and actors -----------------------------------------------------------------------

@run
def cmd_init(args: argparse.Namespace) -> int:
    """Create (or migrate) the registry and its founder (an approver only); say plainly
    while one approver is alone (no four eyes yet)."""
    store = open_store(args)
    with store:
        actors = store.actors()
        if not actors:
            if not args.actor_id:
                raise DeskError("a new registry needs its first actor: --actor ID --name NAME",
                                field="--actor", term="操作人员",
                                zh="新登记库需要第一位操作人员：--actor 编号 --name 姓名")
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
    return EXIT_DONE


@run
def cmd_actor_add(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        a = store.add_actor(args.actor_id, args.name, args.role, supplier=args.supplier,
                            by=actor_of(args, store), login=args.login)
        print(f"已提名操作人员 {a.id}（{a.name}）：{'、'.join(sorted(r.zh for r in a.roles))}"
              "，待另一位审批人确认（actor confirm）")
    return EXIT_DONE


@run
def cmd_actor_confirm(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        who = actor_of(args, store)
        if args.role:
            a = store.confirm_role(args.actor_id, args.role, by=who)
        else:
            a = store.confirm_actor(args.actor_id, by=who)
        print(f"已确认操作人员 {a.id}（{a.name}）：{'、'.join(sorted(r.zh for r in a.roles))}")
    return EXIT_DONE


@run
def cmd_actor_grant(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        store.grant_role(args.actor_id, args.role, by=actor_of(args, store))
        print(f"已提名为 {args.actor_id} 增加角色 {args.role}，待另一位审批人确认"
              f"（actor confirm {args.actor_id} --role {args.role}）")
    return EXIT_DONE


@run
def cmd_actor_list(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        actors = store.actors()
        pending = store.pending()
    if args.json:
        emit_json([{"id": a.id, "name": a.name, "roles": sorted(r.value for r in a.roles),
                    "supplier": a.supplier} for a in actors])
        return EXIT_DONE
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
    return EXIT_DONE


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
            return EXIT_CHECKS_FAILED
        store.add_contract(contract, by=who, rules=terms.rules, kpis=terms.kpis,
                           contract_rules=terms.contract_rules, adopt=terms.adopt,
                           plan=terms.plan)
    print(f"已登记合同 {contract.id}《{contract.title}》：{len(contract.lines)} 个服务项目，"
          f"原合同金额 {contract.original_amount.format()}"
          + (f"；约定支付规则 {len(terms.rules)} 项" if terms.rules else ""))
    return EXIT_DONE


@run
def cmd_contract_template(args: argparse.Namespace) -> int:
    """The empty contract workbook: no registry needed, but the catalogue of the plugins
    (services for the drop-down list)."""
    from ..plugins import load
    from .xlsx_contract import write_contract_template

    out = write_contract_template(
        args.output, services=[(k.code, k.name_zh) for k in load().catalogue])
    print(f"已生成合同登记表模板：{out}")
    return EXIT_DONE


@run
def cmd_contract_export(args: argparse.Namespace) -> int:
    from .xlsx_contract import write_contract_workbook

    with open_store(args) as store:
        terms = store.contract_terms(args.contract)
        services = _services(store)
    out = write_contract_workbook(terms, args.output or f"合同-{args.contract}.xlsx",
                                  services=services)
    print(f"已导出合同 {args.contract}：{out}")
    return EXIT_DONE


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
    return (EXIT_CHECKS_FAILED if any(f.severity is Severity.ERROR for f in findings)
            else EXIT_DONE)


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
        return EXIT_DONE
    from rich.table import Table

    out = console()
    out.print(f"[bold]{c.id}[/bold]《{c.title}》")
    out.print(f"采购人：{c.purchaser.name}    "
              f"供应商：{c.supplier.name}（{c.supplier.size.zh}企业）")
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
    return EXIT_DONE


def _money_of(fr: Any) -> str:
    from ..money import Money

    return Money.round(fr).format()


@run
def cmd_contract_list(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        rows = store.contracts(supplier=args.supplier, service=args.service, site=args.site,
                               status=args.status, on=date_of(args.on, "--on"))
    if args.json:
        emit_json([attrs.asdict(r) for r in rows])
        return EXIT_DONE
    from rich.table import Table

    t = Table(title=f"合同（{len(rows)}）")
    for h in ("编号", "名称", "辖区", "供应商", "履行期限", "状态"):
        t.add_column(h)
    status_zh = {"pending": "未开始", "in_force": "履行中", "ended": "已到期",
                 "terminated": "已解除"}
    for r in rows:
        t.add_row(r.id, r.title, r.jurisdiction, r.supplier_id,
                  f"{r.term_start} 至 {r.term_end}", status_zh.get(r.status, r.status))
    console().print(t)
    return EXIT_DONE


# --- changes -------------------------------------------------------------------------------

@run
def cmd_change_propose(args: argparse.Namespace) -> int:
    change = read_change(args.file)
    with open_store(args) as store:
        store.propose_change(args.contract, change, by=actor_of(args, store))
    print(f"已提出变更 {change.id}（待签）：{change.reason}")
    return EXIT_DONE


@run
def cmd_change_sign(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        who = actor_of(args, store)
        signed_on = date_of(args.signed_on, "--signed-on")
        today = date_of(args.today, "--today")
        try:
            change = store.sign_change(args.contract, args.change, by=who, signed_on=signed_on,
                                       today=today)
        except ChangeRejected as exc:
            if args.lang == "en":
                print(f"rejected: {exc}")
            else:
                print(f"驳回：{exc.message_zh}")
                print(f"变更 {args.change} 仍为待签，合同保持原状。")
            return EXIT_CHECKS_FAILED
    print(f"已签订变更 {change.id}，自 {change.effective} 起生效。")
    return EXIT_DONE


@run
def cmd_change_reject(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        change = store.reject_change(args.contract, args.change, args.reason,
                                     by=actor_of(args, store))
    print(f"已驳回变更 {change.id}：{args.reason}")
    return EXIT_DONE


@run
def cmd_change_headroom(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        reports = store.headroom(date_of(args.on, "--on"))
    if args.contract:
        reports = [r for r in reports if r.contract_id == args.contract]
        if not reports:
            raise DeskError("no such contract", field="contract", value=args.contract,
                            code="registry.unknown_contract", zh="合同不存在", term="合同编号")
    if args.json:
        emit_json([{"contract_id": r.contract_id, "original_amount": r.original_amount,
                    "cap": r.cap, "limit": r.limit, "used": r.used, "left": r.left,
                    "rule_id": r.rule_id, "citation": r.citation} for r in reports])
        return EXIT_DONE
    from rich.table import Table

    t = Table(title="补充合同额度（政府采购法 第四十九条）")
    for h in ("合同", "原合同金额", "上限", "已用", "剩余"):
        t.add_column(h, justify="right" if h != "合同" else "left")
    for r in reports:
        t.add_row(r.contract_id, r.original_amount.format(),
                  f"{r.limit.format()}（{pct(r.cap)}）", r.used.format(),
                  r.left.format())
    console().print(t)
    return EXIT_DONE


def register(sub: Any) -> None:
    """Add ``init``, ``actor``, ``contract`` and ``change`` to the command line."""
    p = sub.add_parser("init", help="create the registry and its first actor")
    add_common(p)
    p.add_argument("--actor", dest="actor_id", help="the first actor's id (an approver)")
    p.add_argument("--name", help="the first actor's name")
    p.set_defaults(func=cmd_init)

    actor = sub.add_parser("actor", help="people who write to the registry").add_subparsers(
        dest="actor_command", required=True)
    p = actor.add_parser("add", help="propose an actor with roles (another approver confirms)")
    add_common(p, actor=True)
    p.add_argument("actor_id")
    p.add_argument("name")
    p.add_argument("--role", action="append", required=True, choices=ROLES)
    p.add_argument("--supplier", help="the supplier a supplier's user works for")
    p.add_argument("--login", help="the person's own database login (PostgreSQL)")
    p.set_defaults(func=cmd_actor_add)
    p = actor.add_parser("confirm", help="confirm a proposed actor, or with --role a role")
    add_common(p, actor=True)
    p.add_argument("actor_id")
    p.add_argument("--role", choices=ROLES, help="confirm this proposed role")
    p.set_defaults(func=cmd_actor_confirm)
    p = actor.add_parser("grant", help="propose a further role (another approver confirms)")
    add_common(p, actor=True)
    p.add_argument("actor_id")
    p.add_argument("role", choices=ROLES)
    p.set_defaults(func=cmd_actor_grant)
    p = actor.add_parser("list", help="list the actors")
    add_common(p, json_out=True)
    p.set_defaults(func=cmd_actor_list)

    contract = sub.add_parser("contract", help="contracts in the registry").add_subparsers(
        dest="contract_command", required=True)
    p = contract.add_parser("add", help="check and record a contract (TOML, JSON or Excel)")
    add_common(p, actor=True)
    p.add_argument("file")
    p.set_defaults(func=cmd_contract_add)
    p = contract.add_parser("template", help="write the empty contract workbook (合同登记表)")
    p.add_argument("-o", "--output", default="合同.xlsx", help="the .xlsx to write")
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p.set_defaults(func=cmd_contract_template)
    p = contract.add_parser("export", help="write a recorded contract in the workbook layout")
    add_common(p)
    p.add_argument("contract")
    p.add_argument("-o", "--output", help="the .xlsx to write (default 合同-ID.xlsx)")
    p.set_defaults(func=cmd_contract_export)
    p = contract.add_parser("check", help="check a contract file or a recorded contract")
    add_common(p, json_out=True)
    p.add_argument("target", help="a file (.toml, .json, .xlsx) or a contract id")
    p.set_defaults(func=cmd_contract_check)
    p = contract.add_parser("show", help="show a recorded contract with its changes")
    add_common(p, json_out=True)
    p.add_argument("contract")
    p.set_defaults(func=cmd_contract_show)
    p = contract.add_parser("list", help="list recorded contracts")
    add_common(p, json_out=True)
    for opt in ("--supplier", "--service", "--site", "--status", "--on"):
        p.add_argument(opt)
    p.set_defaults(func=cmd_contract_list)

    change = sub.add_parser("change", help="contract changes (合同变更)").add_subparsers(
        dest="change_command", required=True)
    p = change.add_parser("propose", help="propose a change from a TOML or JSON file")
    add_common(p, actor=True)
    p.add_argument("contract")
    p.add_argument("file")
    p.set_defaults(func=cmd_change_propose)
    p = change.add_parser("sign", help="sign a pending change after the checks")
    add_common(p, actor=True)
    p.add_argument("contract")
    p.add_argument("change")
    p.add_argument("--signed-on", help="the day it is signed (default today)")
    p.add_argument("--today", help="today, for the checks (default the real today)")
    p.set_defaults(func=cmd_change_sign)
    p = change.add_parser("reject", help="reject a pending change with the reason")
    add_common(p, actor=True)
    p.add_argument("contract")
    p.add_argument("change")
    p.add_argument("reason")
    p.set_defaults(func=cmd_change_reject)
    p = change.add_parser("headroom", help="the supplementary-contract headroom (10% cap)")
    add_common(p, json_out=True)
    p.add_argument("contract", nargs="?")
    p.add_argument("--on", help="the date (default today)")
    p.set_defaults(func=cmd_change_headroom)
