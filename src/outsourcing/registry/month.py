"""The month (月度结算): settling a contract's period from what the store holds, a correction
when an input changed, and the batch that settles every contract in force."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import Any, Literal, TypeVar

import attrs
from sqlalchemy import Connection, Row, select
from sqlalchemy.exc import IntegrityError

from ..dates import Period
from ..errors import OutsourcingError, RegistryError
from ..money import Money
from ..settlement import PreparedContract
from ..statement import Statement
from . import schema as S
from .acceptance import acceptance_row
from .access import Role
from .assessments import assessments_in, finals_in
from .batch import CHUNK, PHASES, Inputs, inputs_of, previous_period, settle_chunk
from .common import as_id, now
from .contracts import Contracts, term_ends
from .documents import pack_statement, read_document, unpack_statement
from .queries import latest_of
from .usage import usage_in

__all__ = ["BatchResult", "Failure", "Month", "Outcome", "Settled", "settle_one"]

T = TypeVar("T")


@attrs.frozen
class Settled:
    """What :meth:`Store.settle` did: the statement in force and whether it was written."""

    statement: Statement
    version: int
    written: bool
    """False when the same inputs had been settled already (nothing written)."""
    correction: bool
    """True when this version supersedes an earlier one (更正结算单)."""
    difference: Money
    """The payable minus the superseded version's payable (the first: the payable)."""


@attrs.frozen
class Failure:
    """A contract the batch could not settle (未能结算): its id, the error's code and the
    error as ``str()`` gives it, with the sentence for people."""

    contract_id: str
    code: str
    message: str
    message_zh: str = ""
    """The error's Chinese sentence (:attr:`~outsourcing.errors.OutsourcingError.message_zh`)."""


@attrs.frozen
class Outcome:
    """What settling one contract's period did (:func:`settle_one`): ``written`` (the first
    version), ``corrected`` (a new version over the one in force), ``unchanged`` (nothing
    to write) or ``failed`` (with its :class:`Failure`)."""

    contract_id: str
    kind: Literal["written", "corrected", "unchanged", "failed"]
    version: int | None = None
    failure: Failure | None = None


@attrs.frozen
class BatchResult:
    """What :meth:`Store.settle_all` did, contract by contract."""

    period: Period
    written: tuple[str, ...]
    unchanged: tuple[str, ...]
    corrected: tuple[str, ...]
    failed: tuple[Failure, ...]
    """Each contract that could not be settled, with the error's code and message."""
    seconds: Mapping[str, float] = attrs.field(factory=dict, eq=False)
    """CPU seconds spent reading, computing, encoding and writing (``read``, ``compute``,
    ``encode``, ``write``), summed over the chunks and the processes that settled them."""


def settle_one(store: Month, contract_id: str, period: str, by: str) -> Outcome:
    """Settle one contract's period; an error of the library is the outcome ``failed``."""
    try:
        r = store.settle(contract_id, period, by=by)
    except OutsourcingError as exc:
        return Outcome(contract_id, "failed",
                       failure=Failure(contract_id, exc.code, str(exc), exc.message_zh))
    return Outcome(contract_id, "unchanged" if not r.written else
                   "corrected" if r.correction else "written", r.version)


_WORKERS: dict[tuple[int, str], Month] = {}


def _forget_workers_in_child() -> None:
    """A forked worker opens its own store: the parent's are not used in it."""
    _WORKERS.clear()


os.register_at_fork(after_in_child=_forget_workers_in_child)


def _chunk_task(cls: type[Month], url: str, ids: list[str], period: str, by: str, run: str
                ) -> tuple[list[Outcome], dict[str, float]]:
    """Settle a chunk of contracts' period in a worker (any executor), on a store of class
    ``cls`` opened once per process and kept (with its compiled contracts) between chunks
    and batches.  ``run`` is unique to the batch: a task that writes is never the same
    task as another run's, whatever the executor does with equal arguments."""
    del run
    key = (os.getpid(), url)
    store = _WORKERS.get(key)
    if store is None:
        store = _WORKERS[key] = cls.open(url, migrate=False)
    return store._settle_chunk(ids, period, by)


def _die_with_parent(parent: int) -> None:
    """A batch worker's initializer: the worker ends when the process that started the batch
    ends, even killed (``SIGKILL``) — no worker is left behind.  On Linux the kernel sends it
    ``SIGKILL`` (``prctl(PR_SET_PDEATHSIG)``); elsewhere, and for a parent gone before the
    call, a daemon thread watches the parent's id."""
    import contextlib
    import signal
    import sys
    import threading
    import time

    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):  # no prctl: the thread watches
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="outsourcing-parent-watch", daemon=True).start()


def _inline(fn: Callable[..., T], *args: Any) -> Future[T]:
    f: Future[T] = Future()
    try:
        f.set_result(fn(*args))
    except BaseException as exc:  # pragma: no cover - re-raised by .result()
        f.set_exception(exc)
    return f


class Month(Contracts):
    """Settling a period, one contract or all."""

    def settle(self, contract_id: str, period: Period | str, *, by: str) -> Settled:
        """Settle a contract's period from what the store holds and store the statement, in
        one transaction (see ``docs/registry.md``).

        Reads the contract, its signed changes, the period's assessments in force, the
        period's acceptance in force (:meth:`accept`; without one the clock starts on the
        last assessment's day) and the previous period's statement; settles with
        :meth:`PreparedContract.settle`.  The statement depends only on these recorded
        inputs: settling them again — by this call, :meth:`settle_all` or the desk — returns
        the stored statement and writes nothing; a changed input stores a correction that
        supersedes it, with the difference to pay or recover and the reason the input
        changed.
        """
        contract_id = as_id(contract_id, "contract_id", "合同编号")
        p = Period.parse(period) if isinstance(period, str) else period
        obj = f"statements:{contract_id}/{p}"
        actor = self._require(by, [Role.FINANCE, Role.OFFICER], "settle", obj)
        role = self._role(actor, [Role.FINANCE, Role.OFFICER])
        for _ in range(5):
            with self._read() as conn:
                x = self._inputs(conn, contract_id, p)
                current = x.current
                if current is not None and current.inputs_hash == x.digest:
                    return Settled(unpack_statement(current.document, x.prepared),
                                   current.version, False, current.version > 1,
                                   Money.from_fen(current.difference_fen))
                why = ("" if current is None else
                       self._why(conn, contract_id, str(p), current, x.versions, x.prepared,
                                 x.previous))
            done = self._store_statement(x, x.settle(p), why, actor.id, role)
            if done is not None:
                return done
        raise RegistryError("too many writers at once; try again", field="period",
                            value=obj, term="结算", code="registry.conflict")

    def _inputs(self, conn: Connection, contract_id: str, p: Period) -> Inputs:
        """What the period is settled from, as the store holds it now, and their digest."""
        pc, tl_hash = self._prepared_contract(conn, contract_id)
        prev = previous_period(pc, p)
        found = assessments_in(conn, contract_id, str(p))
        return inputs_of(contract_id, pc, tl_hash, p, [(d, v, x.line) for d, v, x in found],
                         [x for _, _, x in found], acceptance_row(conn, contract_id, str(p)),
                         usage_in(conn, contract_id, str(p)), finals_in(conn, contract_id),
                         latest_of(conn, contract_id,
                                   [str(p)] + ([str(prev)] if prev is not None else [])))

    def _store_statement(self, x: Inputs, st: Statement, why: str, by: str, role: str
                         ) -> Settled | None:
        """Store a settled statement (a new version over the one in force) with its findings;
        None when another writer stored this version first (read again)."""
        current = x.current
        version = 1 if current is None else current.version + 1
        diff = st.payable.fen - (0 if current is None else current.payable_fen)
        doc, carry = pack_statement(st, x.versions["decisions"], x.versions, why)
        values = {"contract_id": x.contract_id, "period": str(st.period), "version": version,
                  "supersedes": None if current is None else current.id,
                  "inputs_hash": x.digest, "payable_fen": st.payable.fen,
                  "difference_fen": diff, "document": doc, "carry": carry,
                  "settled_by": by, "settled_at": now(), "due_on": st.due_on}
        try:
            with self._write() as conn:
                action = "settle" if version == 1 else "correct"
                sid = self._record(conn, S.statements, [values], by, role, action)[0]
                self._record(conn, S.findings, [
                    {"statement_id": sid, "contract_id": x.contract_id,
                     "period": str(st.period), "code": f.code, "severity": f.severity.value,
                     "message": f.message} for f in st.findings], by, role, action)
        except IntegrityError:
            return None
        return Settled(st, version, True, version > 1, Money.from_fen(diff))

    def _why(self, conn: Connection, contract_id: str, period: str, current: Row[Any],
             versions: Mapping[str, Any], pc: PreparedContract, prev_row: Row[Any] | None
             ) -> str:
        """Why a correction is written: each recorded input that changed since the version
        in force was settled, with the reason recorded with it (更正原因)."""
        old = read_document(current.document).get("inputs") or {}
        if not old:  # settled by a release that did not record its inputs' versions
            return "结算所依据的登记内容已变化"
        parts: list[str] = []
        assessments = S.assessments
        reasons = {(r.line_id, r.version): r.reason for r in conn.execute(
            select(assessments.c.line_id, assessments.c.version, assessments.c.reason).where(
                assessments.c.contract_id == contract_id, assessments.c.period == period))}
        before = old.get("assessments", {})
        for line, v in versions["assessments"].items():
            if before.get(line) == v:
                continue
            if line not in before and v == 1:
                parts.append(f"补录考核（{line}）")
            else:
                why = reasons.get((line, v)) or "未说明理由"
                parts.append(f"考核更正（{line} 第{v}版）：{why}")
        usage = S.usage_records
        used_before = old.get("usage", {})
        for line, v in versions["usage"].items():
            if used_before.get(line) == v:
                continue
            why = conn.execute(select(usage.c.reason).where(
                usage.c.contract_id == contract_id, usage.c.period == period,
                usage.c.line_id == line, usage.c.version == v)).scalar_one_or_none()
            parts.append(f"实际用量已录入（{line}）" if v == 1 and line not in used_before
                         else f"实际用量更正（{line} 第{v}版）：{why or '未说明理由'}")
        final_scores = S.final_scores
        finals_before = old.get("final_scores", {})
        for line, v in versions.get("final_scores", {}).items():
            if finals_before.get(line) == v:
                continue
            why = conn.execute(select(final_scores.c.reason).where(
                final_scores.c.contract_id == contract_id, final_scores.c.line_id == line,
                final_scores.c.version == v)).scalar_one_or_none()
            parts.append(f"期满考核得分已录入（{line}）" if v == 1
                         else f"期满考核得分更正（{line} 第{v}版）：{why or '未说明理由'}")
        acc_v = versions["acceptance"]
        if acc_v != old.get("acceptance"):
            row = acceptance_row(conn, contract_id, period)
            if row is not None and row.version > 1:
                parts.append(f"验收记录更正（第{row.version}版）：{row.reason or '未说明理由'}")
            elif row is not None:
                parts.append(f"验收已记录：验收日期 {row.accepted_on}（{row.accepted_by}）")
        if versions["decisions"] != old.get("decisions", versions["decisions"]):
            ids = [c.id for c in getattr(pc.source, "changes", ())][old.get("decisions", 0):]
            parts.append(f"合同变更已签订：{'、'.join(ids) or '变更'}")
        if versions["previous"] != old.get("previous", versions["previous"]) and prev_row:
            parts.append(f"上期 {prev_row.period} 结算单已更正（第{prev_row.version}版）")
        return "；".join(parts) or "结算所依据的登记内容已变化"

    def settle_all(self, period: Period | str, *, by: str, executor: Executor | None = None,
                   workers: int | None = None, chunk: int = CHUNK) -> BatchResult:
        """Settle every contract in force in ``period`` in chunks of ``chunk`` contracts,
        each chunk read with a handful of queries and written in one transaction
        (:mod:`outsourcing.registry.batch`), on any :class:`concurrent.futures.Executor`.
        Without one: a pool of ``workers`` processes (default: one per core), started once
        for the batch and given whole chunks; ``workers=1`` (or a single core) settles in
        this process.  Every chunk is submitted with a token of its own run, so an executor
        that remembers results by their arguments (Dask's ``pure=True``) runs it again.  A
        contract that fails is reported, the others go on.  The pool's workers end with the
        batch — also when its process is killed — so none is left behind."""
        p = Period.parse(period) if isinstance(period, str) else period
        if type(chunk) is not int or chunk < 1:
            raise RegistryError("is a whole number of contracts, at least 1", field="chunk",
                                value=repr(chunk), term="批量结算分块",
                                code="registry.bad_chunk")
        by = self._require(by, [Role.FINANCE, Role.OFFICER], "settle", f"statements:*/{p}").id
        with self._read() as conn:
            contracts = S.contracts
            rows = conn.execute(select(contracts.c.id, contracts.c.term_end).where(
                contracts.c.term_start <= p.end).order_by(contracts.c.id)).all()
            ends = term_ends(conn)
        ids = [cid for cid, end in rows if ends.get(cid, (end, False))[0] >= p.start]
        own = None
        memory = self.url in ("sqlite://", "sqlite:///:memory:")
        n = workers if workers is not None else (os.cpu_count() or 1)
        if executor is None and not memory and n > 1 and len(ids) > 1:
            import multiprocessing as mp

            chunk = min(chunk, -(-len(ids) // n))  # every worker gets a share
            ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
            own = executor = ProcessPoolExecutor(max_workers=n, mp_context=ctx,
                                                 initializer=_die_with_parent,
                                                 initargs=(os.getpid(),))
        chunks = [ids[k:k + chunk] for k in range(0, len(ids), chunk)]
        run = secrets.token_hex(16)
        try:
            if executor is None:
                results = [_inline(self._settle_chunk, c, str(p), by) for c in chunks]
            else:
                results = [executor.submit(_chunk_task, type(self), self.url, c, str(p), by, run)
                           for c in chunks]
            done = [f.result() for f in results]
        finally:
            if own is not None:
                own.shutdown()
        outcomes = [x for o, _ in done for x in o]
        seconds = {k: sum(s[k] for _, s in done) for k in PHASES}

        def ids_of(kind: str) -> tuple[str, ...]:
            return tuple(x.contract_id for x in outcomes if x.kind == kind)

        return BatchResult(p, ids_of("written"), ids_of("unchanged"), ids_of("corrected"),
                           tuple(x.failure for x in outcomes if x.failure is not None),
                           seconds)

    def _settle_chunk(self, ids: list[str], period: str, by: str
                      ) -> tuple[list[Outcome], dict[str, float]]:
        """Settle a chunk of contracts' period (:func:`~.batch.settle_chunk`): an outcome
        per contract, and the CPU seconds of each phase."""
        p = Period.parse(period)
        actor = self._require(by, [Role.FINANCE, Role.OFFICER], "settle", f"statements:*/{p}")
        done = settle_chunk(self, ids, p, actor.id,
                            self._role(actor, [Role.FINANCE, Role.OFFICER]))
        out = []
        for cid, kind, version, exc in done.outcomes:
            if kind == "again":  # another writer stored a version first: settle it alone
                out.append(settle_one(self, cid, period, by))
            elif exc is not None:
                out.append(Outcome(cid, "failed", failure=Failure(
                    cid, exc.code, str(exc), exc.message_zh)))
            else:
                out.append(Outcome(cid, kind, version))  # type: ignore[arg-type]
        return out, done.seconds
