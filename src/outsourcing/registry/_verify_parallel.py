"""Walking the audit chain in ranges at once (private): :func:`walk_in_parallel` cuts the
chain into as many ranges of sequence numbers as there are workers; this process walks the
first range on its own connection while a forked process walks each other range, exactly as
:func:`~outsourcing.registry._verify_walk.walk_range` walks the whole chain, starting from the
hash and the key id of the record just before its range.

Why the ranges join into the walk of the whole chain: a range's walk assumes the state the
whole walk has after the record before the range — that record's sequence, its hash (the
link the range's first record must carry) and its key id (the key in force).  That holds
when that record exists, is signed (a signed record that passes leaves no earlier unsigned
record pending) and passes; if it does not pass, the range holding it fails first, and the
first failure in chain order is the one reported.  The parent reads each boundary record
before starting, and checks after that each range ended on exactly that record with that
hash; anything else (a boundary record missing or unsigned, a range ending elsewhere) and
the chain is walked in one process instead — the result is always the sequential one.

Consistency: on PostgreSQL each worker reads in the parent's snapshot
(``pg_export_snapshot``); on SQLite each worker begins its own read transaction, which sees
the same records up to the head the parent read (the chain is append-only; the last range
reads to the end, as the single walk does).  The processes are forked (the library is
already imported), only when this process runs no other thread; each opens its own
connection and never touches the parent's.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import threading
from collections.abc import Sequence
from typing import Any

import attrs
from sqlalchemy import Connection

from ._verify_walk import Why, _Walk, walk_range
from .chain import Anchor, AuditKeys

__all__ = ["MAX_WORKERS", "PARALLEL_FROM", "walk_in_parallel", "workers_for"]

PARALLEL_FROM = 100_000
"""A chain at least this long is walked by several processes when ``workers`` is not
given (a shorter one is walked faster than processes start)."""
MAX_WORKERS = 4
"""At most this many processes by default."""


def workers_for(conn: Connection, workers: int | None) -> int:
    """How many processes walk the chain: ``workers`` when given, else one per CPU (at most
    :data:`MAX_WORKERS`) for a chain of :data:`PARALLEL_FROM` records or more, else one."""
    if workers is not None:
        return max(1, workers)
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if (cpus or 1) < 2:
        return 1
    head = conn.exec_driver_sql("SELECT seq FROM audit_head").scalar()
    return min(cpus or 1, MAX_WORKERS) if (head or 0) >= PARALLEL_FROM else 1


@attrs.frozen
class _Ranged:
    """What a worker sends back: the walk's state at its end, its first failure, and the
    anchors of its range it did not find."""

    n: int
    prev: str
    key_id: str | None
    signed: int
    unsigned: int | None
    bad: tuple[int, Why] | None
    pending: tuple[int, ...]


def _can_fork(conn: Connection) -> bool:
    """Forking is safe and useful: no other thread runs here, this process may have
    children, and the database is one the workers can open (not SQLite in memory)."""
    memory = conn.dialect.name == "sqlite" and conn.engine.url.database in (None, "",
                                                                            ":memory:")
    return ("fork" in multiprocessing.get_all_start_methods() and not memory
            and threading.active_count() == 1 and not multiprocessing.current_process().daemon)


def walk_in_parallel(conn: Connection, keys: AuditKeys | None, pending: dict[int, Anchor],
                     chunk: int, workers: int, head: int
                     ) -> tuple[_Walk, tuple[int, Why] | None] | None:
    """The walk of the whole chain done by ``workers`` processes; None when it cannot be
    (too short a chain, a boundary record missing or unsigned, threads running, a
    database in memory, a range ending elsewhere than its boundary): the caller then walks
    it in one process.  Anchors found are removed from ``pending``."""
    if workers < 2 or head < 2 * workers or not _can_fork(conn):
        return None
    bounds = [head * i // workers for i in range(1, workers)]  # the last seq of each range
    found = {seq: (h, key_id) for seq, h, key_id in conn.exec_driver_sql(
        f"SELECT seq, hash, key_id FROM audit WHERE seq IN ({', '.join(map(str, bounds))})")}
    if any(b not in found or not found[b][1] for b in bounds):
        return None
    snapshot = None
    if conn.dialect.name == "postgresql":
        snapshot = conn.exec_driver_sql("SELECT pg_export_snapshot()").scalar()
    url = conn.engine.url.render_as_string(hide_password=False)
    starts: list[tuple[int, str, str | None] | None] = [None] + [
        (b, found[b][0], found[b][1]) for b in bounds]
    ends: list[int | None] = [*bounds, None]
    ctx = multiprocessing.get_context("fork")
    procs, pipes = [], []
    for start, end in zip(starts[1:], ends[1:], strict=True):  # the first range is ours
        assert start is not None
        mine = {s: a for s, a in pending.items() if s > start[0] and (end is None or s <= end)}
        recv, send = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_worker, args=(send, url, snapshot, keys, mine, chunk,
                                                 start, end), daemon=True)
        proc.start()
        send.close()
        procs.append(proc)
        pipes.append(recv)
    try:
        ours = {s: a for s, a in pending.items() if s <= bounds[0]}
        walk, bad = walk_range(conn, keys, ours, chunk, None, bounds[0])
        first = _Ranged(walk.n, walk.prev, walk.key_id, walk.signed, walk.unsigned, bad,
                        tuple(ours))
        if bad is not None:  # the first failure in chain order: the others need not finish
            for proc in procs:
                proc.terminate()
            return _joined(keys, pending, [first], starts)
        results = [first, *(_received(recv) for recv in pipes)]
    finally:
        for proc in procs:
            proc.join()
        for recv in pipes:
            recv.close()
    return _joined(keys, pending, results, starts)


def _received(recv: Any) -> _Ranged:
    try:
        got = recv.recv()
    except EOFError:
        raise RuntimeError("a verify worker ended without an answer") from None
    if isinstance(got, BaseException):
        raise got
    assert isinstance(got, _Ranged)
    return got


def _joined(keys: AuditKeys | None, pending: dict[int, Anchor], results: Sequence[_Ranged],
            starts: Sequence[tuple[int, str, str | None] | None]
            ) -> tuple[_Walk, tuple[int, Why] | None] | None:
    """The ranges' walks as one: the first failure in chain order, or the state at the end;
    None when a range did not end on the record the next one started from."""
    walk = _Walk(keys, lambda table, key: None, False)
    signed = 0
    for i, r in enumerate(results):
        signed += r.signed
        if r.bad is not None:
            walk.n, walk.prev, walk.signed = r.n, r.prev, signed
            return walk, r.bad
        following = starts[i + 1] if i + 1 < len(starts) else None
        if following is not None and (
                (r.n, r.prev, r.key_id) != following or r.unsigned is not None):
            return None
    last = results[-1]
    walk.n, walk.prev, walk.key_id, walk.signed = last.n, last.prev, last.key_id, signed
    walk.unsigned = last.unsigned
    found = {s for s in pending} - {s for r in results for s in r.pending}
    for s in found:
        del pending[s]
    return walk, None


def _worker(send: Any, url: str, snapshot: str | None, keys: AuditKeys | None,
            pending: dict[int, Anchor], chunk: int, start: tuple[int, str, str | None] | None,
            end: int | None) -> None:
    """One forked process: walk one range on a connection of its own, send the result."""
    from .migrate import database_engine

    try:
        engine = database_engine(url)
        try:
            with engine.connect() as conn:
                conn.execution_options(registry_read=True)
                if snapshot is not None:  # an id PostgreSQL wrote: hex digits and dashes
                    assert re.fullmatch(r"[0-9A-Fa-f-]+", snapshot), snapshot
                    conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                    conn.exec_driver_sql(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
                walk, bad = walk_range(conn, keys, pending, chunk, start, end)
                conn.rollback()
        finally:
            engine.dispose()
        result: Any = _Ranged(walk.n, walk.prev, walk.key_id, walk.signed, walk.unsigned, bad,
                              tuple(pending))
    except BaseException as exc:  # handed to the parent, which raises it
        result = exc
    try:
        send.send(result)
    except Exception as exc:  # an exception that cannot be pickled
        send.send(RuntimeError(f"verify worker: {exc!r}"))
    finally:
        send.close()
