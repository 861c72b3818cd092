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

from .cli_common import EXIT_DONE, DeskError, add_common, date_of, open_store, run

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
                        term="发布期间", zh="起始日期晚于截止日期")
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
                                zh="登记库中没有该采购单位的合同")
        hs = histories(store, ids, args.prefix)
    releases = [r for h in hs for r in h.releases(until=last)
                if start is None or r["date"][:10] >= start.isoformat()]
    publisher = args.publisher or (hs[0].contract.purchaser.name if hs else "")
    if not publisher:
        raise DeskError("no contract to publish: name the publisher with --publisher",
                        field="--publisher", term="发布机构",
                        zh="没有可发布的合同，请用 --publisher 指明发布机构")
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
    return EXIT_DONE


def register(sub: Any) -> None:
    p = sub.add_parser("ocds", help="publish contracts in OCDS (releases or records)")
    add_common(p)
    who = p.add_mutually_exclusive_group()
    who.add_argument("--contract", help="one contract (合同编号)")
    who.add_argument("--unit", help="every contract of a purchasing unit (采购人编号)")
    p.add_argument("--from", dest="since", help="releases dated on or after this day")
    p.add_argument("--to", dest="until", help="releases dated on or before this day "
                   "(default today)")
    p.add_argument("--records", action="store_true",
                   help="a record package: each contract's releases up to --to compiled")
    p.add_argument("--prefix",
                   help="the bureau's OCID prefix (registered with the Open Contracting "
                   "Partnership; default outsourcing.ocds.DEFAULT_PREFIX)")
    p.add_argument("--publisher", help="the publisher's name (default the purchaser)")
    p.add_argument("--uri", help="where the file will be published")
    p.add_argument("--license", help="the data's licence (a URL)")
    p.add_argument("--policy", help="the publication policy (a URL)")
    p.add_argument("-o", "--output", help="write to this file (default standard output)")
    p.set_defaults(func=cmd_ocds)
