"""The service's commands (服务命令): ``outsourcing serve``, ``account``, ``token`` and
``unit`` (see ``docs/service.md``).

- ``serve --db URL [--host 127.0.0.1] [--port 8000] [--workers N] [--dev]`` runs the
  service with uvicorn; the secret comes from ``$OUTSOURCING_SECRET``, ``--secret-file`` or
  ``$OUTSOURCING_SECRET_FILE`` — without one it refuses to start, unless ``--dev`` (a random
  secret for this run, cookies over plain HTTP, 127.0.0.1 only).
- ``account add LOGIN --actor A [--unit U] --as APPROVER`` (the password read from standard
  input, or asked twice at a terminal), ``account list``, ``account disable|enable LOGIN``,
  ``account password LOGIN``.
- ``token issue NAME --actor A --role R… --unit U… --as APPROVER`` prints the token once;
  ``token list``, ``token revoke ID --reason …``.
- ``unit load ROOT`` records the tree a plugin ships (``unit load NX``) or ``--file`` a TOML
  file of ``[[unit]]`` tables; ``unit add``, ``unit list``.

This module imports only the standard library at import time: the command line works
without the ``serve`` extra, and ``serve`` without it names the extra to install.
"""

from __future__ import annotations

import argparse
import getpass
import ipaddress
import os
import secrets
import sys
from pathlib import Path
from typing import Any

from ..desk.cli_common import (
    actor_of,
    add_common,
    emit_json,
    open_store,
    read_data_file,
    registry_url,
    require_registry,
)
from ..desk.cli_errors import EXIT_OK, DeskError, run

__all__ = ["register"]


# --- serve ---------------------------------------------------------------------------------
def _secret(args: argparse.Namespace) -> str | None:
    from .app import SECRET_ENV, SECRET_FILE_ENV

    path = args.secret_file or os.environ.get(SECRET_FILE_ENV)
    if path:
        p = Path(path)
        if not p.is_file():
            raise DeskError("the secret file is missing", field="--secret-file", value=path,
                            code="desk.file_missing")
        return p.read_text(encoding="utf-8").strip()
    return os.environ.get(SECRET_ENV) or None


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@run
def cmd_serve(args: argparse.Namespace) -> int:
    from .._extras import require

    require("serve", "litestar", "uvicorn", "jinja2", "argon2", "cryptography", "multipart")
    import uvicorn

    from ..registry import Store
    from .app import DEV_ENV, SECRET_ENV, check_secret

    url = registry_url(args)
    require_registry(url)
    secret = _secret(args)
    if args.dev:
        if not _loopback(args.host):
            raise DeskError("--dev serves plain HTTP cookies: only on 127.0.0.1",
                            field="--host", value=args.host, code="service.dev_not_local")
        secret = secret or secrets.token_urlsafe(48)
    secret = check_secret(secret)
    Store.open(url).close()  # migrated once here, not by each worker at once
    os.environ.update({"OUTSOURCING_DB": url, SECRET_ENV: secret, DEV_ENV: "1" if args.dev
                       else "0"})
    print(f"outsourcing serve：http{'' if args.dev else 's（经反向代理）'}://{args.host}:"
          f"{args.port}，{args.workers} 个工作进程，登记库 {url.split('@')[-1]}",
          file=sys.stderr)
    uvicorn.run("outsourcing.service.app:app_from_env", factory=True, host=args.host,
                port=args.port, workers=args.workers, proxy_headers=args.proxy_headers,
                forwarded_allow_ips=args.forwarded_allow_ips, log_level=args.log_level)
    return EXIT_OK


# --- accounts ------------------------------------------------------------------------------
def _password(args: argparse.Namespace) -> str:
    """The password: a line of standard input when it is not a terminal, else asked twice."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("口令：")
    if getpass.getpass("再输入一次：") != first:
        raise DeskError("the two passwords differ", field="password", value="***",
                        code="desk.password_mismatch")
    return first


def _account_row(a: Any) -> dict[str, Any]:
    return {"login": a.id, "actor": a.actor, "unit": a.unit, "disabled": a.disabled,
            "valid_since": a.valid_since}


@run
def cmd_account_add(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        who = actor_of(args, store)
        acc = store.add_account(args.login, actor=args.for_actor, password=_password(args),
                                unit=args.unit, by=who)
    print(f"已开设账户 {acc.id}（操作人员 {acc.actor}，单位 {acc.unit or '—（供应商）'}）")
    return EXIT_OK


@run
def cmd_account_list(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        rows = [_account_row(a) for a in store.accounts()]
    if args.json:
        emit_json(rows)
        return EXIT_OK
    for r in rows:
        state = "已停用" if r["disabled"] else "有效"
        print(f"{r['login']}\t{r['actor']}\t{r['unit'] or '—'}\t{state}")
    return EXIT_OK


@run
def cmd_account_change(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        who = actor_of(args, store)
        if args.account_command == "disable":
            store.disable_account(args.login, by=who)
            print(f"已停用账户 {args.login}：其会话即时失效")
        elif args.account_command == "enable":
            store.enable_account(args.login, by=who)
            print(f"已启用账户 {args.login}")
        else:
            store.set_password(args.login, _password(args), by=who)
            print(f"已设置账户 {args.login} 的新口令：此前的会话均已失效")
    return EXIT_OK


# --- tokens --------------------------------------------------------------------------------
@run
def cmd_token_issue(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        who = actor_of(args, store)
        token, secret = store.issue_token(args.name, actor=args.for_actor, roles=args.role,
                                          units=args.unit or (), by=who)
    print(f"已签发接口令牌 {token.id}（{token.name}，操作人员 {token.actor}）。"
          "令牌只显示这一次，请妥善交给接入系统：", file=sys.stderr)
    print(secret)
    return EXIT_OK


@run
def cmd_token_list(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        rows = [{"id": t.id, "name": t.name, "actor": t.actor, "units": sorted(t.units),
                 "roles": sorted(r.value for r in t.roles), "revoked": t.revoked,
                 "recorded_by": t.recorded_by, "recorded_at": t.recorded_at}
                for t in store.tokens()]
    if args.json:
        emit_json(rows)
        return EXIT_OK
    for r in rows:
        state = "已吊销" if r["revoked"] else "有效"
        print(f"{r['id']}\t{r['name']}\t{r['actor']}\t{','.join(r['roles'])}\t"
              f"{','.join(r['units']) or '—'}\t{state}")
    return EXIT_OK


@run
def cmd_token_revoke(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        t = store.revoke_token(args.token, reason=args.reason, by=actor_of(args, store))
    print(f"已吊销接口令牌 {t.id}（{t.name}）：自下一次请求起拒绝")
    return EXIT_OK


# --- units ---------------------------------------------------------------------------------
def _units_from_file(path: str) -> list[Any]:
    from ..unit_tree import Unit

    raw = read_data_file(path)
    rows = raw.get("unit") if isinstance(raw, dict) else None
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise DeskError("a units file holds [[unit]] tables", field="file", value=path,
                        code="desk.units_file")
    return [Unit(r.get("id"), r.get("name"), r.get("parent"), r.get("level", "department"),
                 r.get("jurisdiction")) for r in rows]


@run
def cmd_unit_load(args: argparse.Namespace) -> int:
    if args.file:
        units = _units_from_file(args.file)
    else:
        if not args.root:
            raise DeskError("name the tree's root (e.g. NX) or a --file", field="ROOT",
                            code="desk.units_root_missing")
        from ..plugins import load

        units = list(load().units(args.root))
    with open_store(args) as store:
        added = store.add_units(units, by=actor_of(args, store))
    print(f"已登记 {len(added)} 个单位（共 {len(units)} 个，其余此前已登记）")
    return EXIT_OK


@run
def cmd_unit_add(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        u = store.add_unit(args.id, args.name, parent=args.parent, level=args.level,
                           jurisdiction=args.jurisdiction, by=actor_of(args, store))
    print(f"已登记单位 {u.id}（{u.name}）")
    return EXIT_OK


@run
def cmd_unit_list(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        units = store.units()
    if args.json:
        emit_json([{"id": u.id, "name": u.name, "parent": u.parent, "level": u.level.value,
                    "jurisdiction": u.jurisdiction} for u in units])
        return EXIT_OK
    depth: dict[str, int] = {}
    for u in units:
        depth[u.id] = 0 if u.parent is None else depth.get(u.parent, 0) + 1
        print(f"{'  ' * depth[u.id]}{u.id}\t{u.name}（{u.level.zh}）")
    return EXIT_OK


# --- the parsers ---------------------------------------------------------------------------
def _register_serve(sub: Any) -> None:
    p = sub.add_parser("serve", help="运行服务：接口与网页（一张网）",
                       description="在登记库之上运行服务（接口与网页）。服务密钥取自环境变量 "
                                   "OUTSOURCING_SECRET 或密钥文件；没有密钥时拒绝启动"
                                   "（--dev 仅供本机试用）。详见 docs/service.md。")
    add_common(p)
    p.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")
    p.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    p.add_argument("--workers", type=int, default=1, help="工作进程数（默认 1）")
    p.add_argument("--secret-file", help="服务密钥文件（默认取环境变量 OUTSOURCING_SECRET）")
    p.add_argument("--dev", action="store_true",
                   help="本机试用：无密钥时临时生成，允许明文连接的会话，只能监听本机")
    p.add_argument("--proxy-headers", action="store_true",
                   help="信任反向代理转发的客户端地址与协议（部署在反向代理之后时使用）")
    p.add_argument("--forwarded-allow-ips", default="127.0.0.1",
                   help="可信的反向代理地址（默认 127.0.0.1）")
    p.add_argument("--log-level", default="info",
                   choices=("critical", "error", "warning", "info", "debug"),
                   help="日志级别")
    p.set_defaults(func=cmd_serve)


def _register_accounts(sub: Any) -> None:
    acc = sub.add_parser("account", help="服务账户：开设、列出、停用、启用、设置口令",
                         description="服务的账户：每个账户对应一名操作人员，在一个单位内操作。"
                         ).add_subparsers(dest="account_command", required=True,
                                          metavar="子命令")
    p = acc.add_parser("add", help="开设账户（审批人办理；口令从标准输入读取）",
                       description="为操作人员开设账户：由该人员以外的审批人办理；"
                                   "口令从标准输入读取一行，在终端上则输入两次。")
    add_common(p, actor=True)
    p.add_argument("login", help="登录名")
    p.add_argument("--actor", dest="for_actor", required=True, help="账户对应的操作人员编号")
    p.add_argument("--unit", help="账户所在单位（供应商的账户不填）")
    p.set_defaults(func=cmd_account_add)
    p = acc.add_parser("list", help="列出账户", description="列出账户及其状态。")
    add_common(p, json_out=True)
    p.set_defaults(func=cmd_account_list)
    for name, text in (("disable", "停用账户（其会话即时失效）"), ("enable", "重新启用账户"),
                       ("password", "设置新口令（从标准输入读取）")):
        p = acc.add_parser(name, help=text, description=text + "。")
        add_common(p, actor=True)
        p.add_argument("login", help="登录名")
        p.set_defaults(func=cmd_account_change)


def _register_tokens(sub: Any) -> None:
    tok = sub.add_parser("token", help="接口令牌：签发、列出、吊销",
                         description="接入系统的接口令牌：限定单位与角色，只保存其散列值。"
                         ).add_subparsers(dest="token_command", required=True,
                                          metavar="子命令")
    p = tok.add_parser("issue", help="签发令牌（只显示一次）",
                       description="为接入系统签发接口令牌：由令牌操作人员以外的审批人办理；"
                                   "令牌只显示这一次。")
    add_common(p, actor=True)
    p.add_argument("name", help="接入系统名称")
    p.add_argument("--actor", dest="for_actor", required=True, help="令牌代表的操作人员编号")
    p.add_argument("--role", action="append", required=True,
                   help="令牌可用的角色（可重复），须为该操作人员已有的角色")
    p.add_argument("--unit", action="append", help="令牌限定的单位（可重复；供应商不填）")
    p.set_defaults(func=cmd_token_issue)
    p = tok.add_parser("list", help="列出令牌", description="列出令牌（不含令牌本身）。")
    add_common(p, json_out=True)
    p.set_defaults(func=cmd_token_list)
    p = tok.add_parser("revoke", help="吊销令牌（自下一次请求起拒绝）",
                       description="吊销接口令牌：自下一次请求起拒绝。")
    add_common(p, actor=True)
    p.add_argument("token", help="令牌编号（签发时显示，也见于令牌列表）")
    p.add_argument("--reason", required=True, help="吊销理由")
    p.set_defaults(func=cmd_token_revoke)


def _register_units(sub: Any) -> None:
    unit = sub.add_parser("unit", help="单位（自治区、市、县区、部门）：载入、登记、列出",
                          description="单位树：自治区 → 市 → 县（区），以及各级部门。"
                          ).add_subparsers(dest="unit_command", required=True,
                                           metavar="子命令")
    p = unit.add_parser("load", help="载入插件提供的单位树（如 NX）或文件",
                        description="载入插件提供的单位树（如 NX：宁夏回族自治区及其市、县区），"
                                    "或 --file 指定的 TOML 文件；已登记的单位不重复登记。")
    add_common(p, actor=True)
    p.add_argument("root", nargs="?", help="单位树的根（如 NX）")
    p.add_argument("--file", help="单位文件（TOML，[[unit]] 表）")
    p.set_defaults(func=cmd_unit_load)
    p = unit.add_parser("add", help="登记一个单位", description="登记一个单位。")
    add_common(p, actor=True)
    p.add_argument("id", help="单位编号")
    p.add_argument("name", help="单位名称")
    p.add_argument("--parent", help="上级单位编号（根单位不填）")
    p.add_argument("--level", default="department",
                   choices=("region", "city", "county", "department"),
                   help="层级：自治区、市、县（区）、部门（默认部门）")
    p.add_argument("--jurisdiction", help="其合同适用的辖区代码，如 NX-SZS")
    p.set_defaults(func=cmd_unit_add)
    p = unit.add_parser("list", help="列出单位树", description="列出单位树。")
    add_common(p, json_out=True)
    p.set_defaults(func=cmd_unit_list)


def register(sub: Any) -> None:
    """Add ``serve``, ``account``, ``token`` and ``unit`` to the command line."""
    _register_serve(sub)
    _register_accounts(sub)
    _register_tokens(sub)
    _register_units(sub)
