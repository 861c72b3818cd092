"""``outsourcing settle PERIOD --contract ID | --all``: settle from the registry (结算).

``settle PERIOD --contract ID`` settles one recorded contract (:meth:`Store.settle`);
``settle PERIOD --all`` settles every recorded contract running in the period through the
store's batch (:meth:`Store.settle_all`, each contract in its own transaction).

The scenario command is ``settle-file FILE --period P``.  Its old spelling ``settle FILE
--period P`` still works for one release, with a deprecation note on standard error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..findings import Severity
from .cli_common import actor_of, add_common, open_store, period_of, print_findings
from .cli_errors import EXIT_FAILED, EXIT_OK, DeskError, run

if TYPE_CHECKING:
    from ..registry import StatementVersion
    from ..statement import Statement

__all__ = ["cmd_settle", "register"]

DEPRECATED_FILE_FORM = (
    "提示：「settle 场景文件 --period 期间」的写法已改为「settle-file 场景文件 --period 期间」，"
    "旧写法将在下一版本移除。")


def _print_statement_summary(st: Statement, version: StatementVersion, written: bool,
                             lang: str) -> bool:
    state = version.title_zh if written else f"{version.title_zh}（登记内容未变，未重复记录）"
    print(f"{st.contract_id} {st.period} {state}：应付金额 {st.payable.format()}"
          + (f"，到期日 {st.due_on}" if st.due_on else ""))
    if written:
        for line in version.lines_zh()[1:]:
            print(f"  {line}")
    return print_findings(st.findings, lang)


def _settle_one(store: Any, args: argparse.Namespace, who: str) -> int:
    period = period_of(args.target, "PERIOD")
    r = store.settle(args.contract, period, by=who)
    v = store.statement_version(args.contract, period, version=r.version)
    bad = _print_statement_summary(r.statement, v, r.written, args.lang)
    return EXIT_FAILED if bad else EXIT_OK


def _settle_all(store: Any, args: argparse.Namespace, who: str) -> int:
    period = period_of(args.target, "PERIOD")
    batch = store.settle_all(period, by=who)
    unchanged = set(batch.unchanged)
    settled = sorted((*batch.written, *batch.unchanged, *batch.corrected))
    bad = False
    for cid in settled:
        st = store.statement(cid, period)
        print(f"{cid}：应付金额 {st.payable.format()}" + ("（未变）" if cid in unchanged else ""))
        bad = bad or any(f.severity is Severity.ERROR for f in st.findings)
    for failure in batch.failed:
        print(f"{failure.contract_id}：未能结算 — {failure.message_zh or failure.message}"
              f"〔{failure.code}〕")
    total = len(settled) + len(batch.failed)
    print(f"共 {total} 份合同：结算 {len(settled)} 份，失败 {len(batch.failed)} 份。")
    return EXIT_FAILED if batch.failed or bad else EXIT_OK


@run
def cmd_settle(args: argparse.Namespace) -> int:
    """Settle a period from the registry: one contract or all of them."""
    if args.contract and args.all:
        raise DeskError("--contract and --all exclude each other", field="--all",
                        code="desk.settle.contract_and_all")
    if not args.contract and not args.all:
        raise DeskError("say which: --contract ID or --all", field="--contract",
                        code="desk.settle.which")
    with open_store(args) as store:
        who = actor_of(args, store)
        return (_settle_one if args.contract else _settle_all)(store, args, who)


def _dispatch(settle_file: Callable[[argparse.Namespace], int]
              ) -> Callable[[argparse.Namespace], int]:
    """``settle PERIOD`` settles from the registry; ``settle FILE --period P`` (the old
    spelling of ``settle-file``) runs the scenario command with a deprecation note."""
    def dispatch(args: argparse.Namespace) -> int:
        if args.period is None and not args.target.lower().endswith(".toml"):
            return cmd_settle(args)
        print(DEPRECATED_FILE_FORM if args.lang == "zh" else
              "note: `settle FILE --period P` is now `settle-file FILE --period P`; the old "
              "form will be removed in the next release", file=sys.stderr)
        if args.period is None:
            return _needs_period(args)
        args.file = args.target
        return settle_file(args)
    return dispatch


@run
def _needs_period(args: argparse.Namespace) -> int:
    raise DeskError("settle-file FILE needs --period", field="--period",
                    code="desk.settle.file_needs_period")


def register(sub: Any, settle_file: Callable[[argparse.Namespace], int]) -> None:
    """Add ``settle PERIOD``; ``settle_file`` is the scenario command its old form runs."""
    p = sub.add_parser(
        "settle", help="从登记库结算某一期间（一份合同或全部合同）",
        description="从登记库结算某一期间：--contract 指定一份合同，--all 结算该期间履行中的"
                    "全部合同。场景文件请用 settle-file。")
    add_common(p, actor=True)
    p.add_argument("target", metavar="PERIOD", help="结算期间，如 2022-10 或 2022-Q4")
    p.add_argument("--contract", help="只结算这份登记的合同")
    p.add_argument("--all", action="store_true", help="结算该期间履行中的全部登记合同")
    p.add_argument("--period", help=argparse.SUPPRESS)  # the old settle FILE --period P
    p.add_argument("--case", help=argparse.SUPPRESS)
    p.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    p.set_defaults(func=_dispatch(settle_file))
