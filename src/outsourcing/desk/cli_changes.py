"""Desk commands for contract changes (合同变更): ``change propose``, ``sign``, ``reject`` and
``headroom`` (the supplementary-contract headroom under 政府采购法 第四十九条)."""

from __future__ import annotations

import argparse
from typing import Any

import attrs

from ..changes import ACTION_KINDS, Change
from ..errors import ChangeRejected
from ..money import pct
from ..serialize import structure
from .cli_common import (
    actor_of,
    add_common,
    console,
    date_of,
    emit_json,
    open_store,
    read_data_file,
)
from .cli_errors import EXIT_FAILED, EXIT_OK, DeskError, run

__all__ = ["read_change", "register"]


CHANGE_KEYS = {"id", "kind", "rationale", "reason", "effective", "signed_on", "requested_by",
               "approved_by"}


def read_change(path: str) -> Change:
    """A proposed change from TOML or JSON: either the library's JSON form (``action`` as a
    table tagged with ``kind``) or the flat form of the scenario files (``kind`` and the
    action's fields beside ``id``, ``rationale``, ``reason``, ``effective``…)."""
    raw = read_data_file(path)
    if not isinstance(raw, dict):
        raise DeskError("a change is a table", field="file", value=path, term="合同变更",
                        code="desk.change.not_a_table")
    if "action" not in raw:
        kind = raw.get("kind")
        if kind not in ACTION_KINDS:
            raise DeskError(f"kind must be one of {', '.join(ACTION_KINDS)}", field="kind",
                            value=kind, term="变更类型",
                            code="desk.change.kind", params={"kinds": "、".join(ACTION_KINDS)})
        fields = {f.name for f in attrs.fields(ACTION_KINDS[kind])}
        unknown = set(raw) - CHANGE_KEYS - fields
        if unknown:
            raise DeskError(f"unknown keys {sorted(unknown)}", field=sorted(unknown)[0],
                            term="合同变更", code="desk.change.unknown_keys",
                            params={"keys": "、".join(sorted(unknown))})
        action = {k: v for k, v in raw.items() if k in fields or k == "kind"}
        raw = {k: v for k, v in raw.items() if k in CHANGE_KEYS - {"kind"}}
        raw["action"] = action
    change = structure(raw, Change, source=path)
    return change



# --- changes -------------------------------------------------------------------------------

@run
def cmd_change_propose(args: argparse.Namespace) -> int:
    change = read_change(args.file)
    with open_store(args) as store:
        store.propose_change(args.contract, change, by=actor_of(args, store))
    print(f"已提出变更 {change.id}（待签）：{change.reason}")
    return EXIT_OK


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
            return EXIT_FAILED
    print(f"已签订变更 {change.id}，自 {change.effective} 起生效。")
    return EXIT_OK


@run
def cmd_change_reject(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        change = store.reject_change(args.contract, args.change, args.reason,
                                     by=actor_of(args, store))
    print(f"已驳回变更 {change.id}：{args.reason}")
    return EXIT_OK


@run
def cmd_change_headroom(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        reports = store.headroom(date_of(args.on, "--on"))
    if args.contract:
        reports = [r for r in reports if r.contract_id == args.contract]
        if not reports:
            raise DeskError("no such contract", field="contract", value=args.contract,
                            code="desk.contract.unknown", term="合同编号")
    if args.json:
        emit_json([{"contract_id": r.contract_id, "original_amount": r.original_amount,
                    "cap": r.cap, "limit": r.limit, "used": r.used, "left": r.left,
                    "rule_id": r.rule_id, "citation": r.citation} for r in reports])
        return EXIT_OK
    from rich.table import Table

    t = Table(title="补充合同额度（政府采购法 第四十九条）")
    for h in ("合同", "原合同金额", "上限", "已用", "剩余"):
        t.add_column(h, justify="right" if h != "合同" else "left")
    for r in reports:
        t.add_row(r.contract_id, r.original_amount.format(),
                  f"{r.limit.format()}（{pct(r.cap)}）", r.used.format(),
                  r.left.format())
    console().print(t)
    return EXIT_OK


def register(sub: Any) -> None:
    """Add ``change`` and its sub-commands."""
    change = sub.add_parser("change", help="合同变更：提出、签订、驳回、补充合同额度",
                            description="合同变更：提出、签订（经检查）、驳回，"
                                        "以及补充合同额度。"
                            ).add_subparsers(dest="change_command", required=True,
                                             metavar="子命令")
    p = change.add_parser("propose", help="从 TOML 或 JSON 文件提出变更",
                          description="从 TOML 或 JSON 文件提出合同变更（待签）。")
    add_common(p, actor=True)
    p.add_argument("contract", help="合同编号")
    p.add_argument("file", help="变更文件（.toml 或 .json）")
    p.set_defaults(func=cmd_change_propose)
    p = change.add_parser("sign", help="检查后签订待签的变更",
                          description="按规则检查待签的变更，通过后签订。")
    add_common(p, actor=True)
    p.add_argument("contract", help="合同编号")
    p.add_argument("change", help="变更编号")
    p.add_argument("--signed-on", help="签订日期（默认今天）")
    p.add_argument("--today", help="检查所依的“今天”（默认为实际今天）")
    p.set_defaults(func=cmd_change_sign)
    p = change.add_parser("reject", help="驳回待签的变更并写明理由",
                          description="驳回待签的变更并写明理由。")
    add_common(p, actor=True)
    p.add_argument("contract", help="合同编号")
    p.add_argument("change", help="变更编号")
    p.add_argument("reason", help="驳回理由")
    p.set_defaults(func=cmd_change_reject)
    p = change.add_parser("headroom", help="补充合同额度（上限为原合同金额的 10%%）",
                          description="补充合同额度：补充合同的采购金额不得超过原合同采购金额的"
                                      "百分之十（政府采购法 第四十九条）。")
    add_common(p, json_out=True)
    p.add_argument("contract", nargs="?", help="合同编号（默认全部合同）")
    p.add_argument("--on", help="查询日期（默认今天）")
    p.set_defaults(func=cmd_change_headroom)
