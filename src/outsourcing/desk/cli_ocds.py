"""``outsourcing ocds``: publish the registry's contracts in OCDS (开放合同数据发布).

A contract (``--contract``), a purchasing unit (``--unit``, the purchaser's id) or every
contract; the releases dated in a period (``--from`` / ``--to``, both days included), or the
records compiled from every release up to ``--to`` (``--records``); written to a file
(``-o``) or standard output.  The history of each contract is read from the registry: its
signed changes, the statements in force (milestones) and the payments recorded
(transactions).
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cli_common import add_common, date_of, open_store
from .cli_errors import EXIT_OK, DeskError, run

if TYPE_CHECKING:  # imported by the command itself: the ocds extra is optional
    from .. import ocds

__all__ = ["histories", "register"]


def histories(store: Any, contract_ids: list[str], prefix: str) -> list[ocds.History]:
    """Each contract's history as the registry holds it.  A reversed payment and its
    reversal (冲正) cancel out: the payment was never made, so neither is a transaction."""
    from .. import ocds

    out = []
    for cid in contract_ids:
        statements = [store.statement(cid, s.period) for s in store.statements(cid)]
        rows = store.payments(cid)
        reversed_ = {p.reverses for p in rows if p.reverses is not None}
        payments = [ocds.Payment(f"ZF-{p.id}", str(p.period), p.amount, p.paid_on,
                                 p.reference) for p in rows
                    if p.reverses is None and p.id not in reversed_]
        out.append(ocds.history(store.timeline(cid), prefix=prefix, statements=statements,
                                payments=payments, catalogue=store.plugins.catalogue))
    return out


@run
def cmd_ocds(args: argparse.Namespace) -> int:
    from .. import ocds

    args.prefix = args.prefix or ocds.DEFAULT_PREFIX
    start, end = date_of(args.since, "--from"), date_of(args.until, "--to")
    last = end or datetime.now(ocds.CHINA).date()
    if start is not None and start > last:
        raise DeskError("--from is after --to", field="--from", value=args.since,
                        term="发布期间", code="desk.ocds.from_after_to")
    with open_store(args) as store:
        infos = store.contracts(on=last)
        if args.contract:
            ids = [args.contract]
            store.contract(args.contract)  # an unknown contract is refused here
        else:
            ids = [c.id for c in infos if args.unit is None or c.purchaser_id == args.unit]
            if args.unit is not None and not ids:
                raise DeskError("no contract of this unit in the registry", field="--unit",
                                value=args.unit, term="采购单位",
                                code="desk.ocds.unknown_unit")
        hs = histories(store, ids, args.prefix)
    releases = [r for h in hs for r in h.releases(until=last)
                if start is None or r["date"][:10] >= start.isoformat()]
    publisher = args.publisher or (hs[0].contract.purchaser.name if hs else "")
    if not publisher:
        raise DeskError("no contract to publish: name the publisher with --publisher",
                        field="--publisher", term="发布机构", code="desk.ocds.no_publisher")
    kw: dict[str, Any] = {"publisher": publisher,
                          "uri": args.uri or f"urn:outsourcing:{args.prefix}:{last.isoformat()}",
                          "license": args.license, "publication_policy": args.policy}
    if args.records:
        touched = {r["ocid"] for r in releases}
        every = [r for h in hs if h.ocid in touched for r in h.releases(until=last)]
        pkg = ocds.record_package(every, **kw)
    else:
        pkg = ocds.package(releases, **kw)
    ocds.validate(pkg)
    text = ocds.dumps(pkg)
    if args.output:
        Path(args.output).write_text(text + "\n", encoding="utf-8")
        what = f"{len(pkg['records'])} 条记录" if args.records else f"{len(releases)} 条发布"
        print(f"已写出 OCDS {'记录包' if args.records else '发布包'}（{what}）：{args.output}",
              file=sys.stderr)
    else:
        sys.stdout.write(text + "\n")
    return EXIT_OK


def register(sub: Any) -> None:
    """Add ``ocds``."""
    p = sub.add_parser("ocds", help="按开放合同数据标准（OCDS）发布合同",
                       description="按开放合同数据标准（OCDS）发布登记的合同：某一期间的发布"
                                   "（release），或 --records 汇编的记录（record）。")
    add_common(p)
    who = p.add_mutually_exclusive_group()
    who.add_argument("--contract", help="一份合同（合同编号）")
    who.add_argument("--unit", help="某采购单位的全部合同（采购人编号）")
    p.add_argument("--from", dest="since", help="发布日期不早于此日")
    p.add_argument("--to", dest="until", help="发布日期不晚于此日（默认今天）")
    p.add_argument("--records", action="store_true",
                   help="输出记录包：每份合同截至 --to 的全部发布汇编为一条记录")
    p.add_argument("--prefix",
                   help="本单位的 OCID 前缀（向开放合同伙伴组织登记；默认为库内置的示例前缀）")
    p.add_argument("--publisher", help="发布机构名称（默认为采购人）")
    p.add_argument("--uri", help="文件的发布网址")
    p.add_argument("--license", help="数据的许可协议（网址）")
    p.add_argument("--policy", help="发布政策（网址）")
    p.add_argument("-o", "--output", help="写入此文件（默认输出到屏幕）")
    p.set_defaults(func=cmd_ocds)
