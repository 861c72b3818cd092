"""The walk along the audit chain (private; :mod:`outsourcing.registry.verify` uses it): the
records of a range of sequence numbers read in chunks with the driver's own cursor by a
reader thread, each record's hash, link, MAC and covered row checked, the state carried from
chunk to chunk (:class:`_Walk`).  ``verify`` walks the whole chain with it, in one process
or in ranges by several (:mod:`outsourcing.registry._verify_parallel`).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import queue
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs
from sqlalchemy import Connection

from . import schema as S
from ._verify_rows import Queries, Rows, hashes_of, python_hash, queries
from .chain import GENESIS, Anchor, AuditKeys, link_hash

__all__ = ["Why", "walk_range"]


@attrs.frozen
class Why:
    """Why a record or the chain fails: a code of the catalogue, the English reason, and the
    ids its sentence names."""

    code: str
    reason: str
    params: Mapping[str, Any]


def _why(code: str, reason: str, **params: Any) -> Why:
    return Why(code, reason, params)


class _Walk:
    """The state of a walk along the chain (:meth:`Store.verify`): the records seen, the
    previous hash, the key in force, and (with a key ring) the first unsigned record.
    ``rehash(table, id)`` computes a row's hash in Python (None: no such row)."""

    def __init__(self, keys: AuditKeys | None, rehash: Callable[[str, str], str | None],
                 db_hashes: bool) -> None:
        self.keys = keys
        self.rehash = rehash
        self.db_hashes = db_hashes
        self.n = 0
        self.prev = GENESIS
        self.key_id: str | None = None
        self.signed = 0
        self.unsigned: int | None = None
        self.signers: dict[str, Callable[[str], str]] = {}

    def run(self, records: Sequence[Sequence[Any]], rows: Rows) -> tuple[int, Why] | None:
        """Check a chunk's records in order: the common case (the next record, its text as
        the database wrote it hashing to its hash, signed with the key in force, the row it
        covers unchanged) here, anything else through :meth:`step`.  The index and reason
        of the first record that fails, or None."""
        sha, digest_eq, hashed = hashlib.sha256, hmac.compare_digest, S.HASHED
        keyed, db_hashes = self.keys is not None, self.db_hashes
        n, prev, key, signed = self.n, self.prev, self.key_id, self.signed
        sign = self._signer(key)
        for i, r in enumerate(records):
            seq, action, obj, content, prev_r, h, key_id, mac, link = (
                r[0], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[12])
            ok = seq == n + 1 and prev_r == prev and link is not None and (
                (link if db_hashes else sha(link.encode()).hexdigest()) == h)
            if ok:
                if key_id and key_id == key:  # with a key ring, never without its MAC
                    ok = digest_eq(sign(h), mac) if sign is not None else not keyed
                elif key_id or key is not None or keyed:
                    ok = False  # a first key, a rotation or an unsigned record: step
            if ok:
                table, _, k = obj.partition(":")
                ok = (table not in hashed or action.startswith("denied:")
                      or rows[table].get(k) == content)
            if ok:
                n, prev, signed = seq, h, signed + (sign is not None)
                continue
            self.n, self.prev, self.key_id, self.signed = n, prev, key, signed
            bad = self.step(r, rows)
            if bad is not None:
                return i, bad
            n, prev, key, signed = self.n, self.prev, self.key_id, self.signed
            sign = self._signer(key)
        self.n, self.prev, self.key_id, self.signed = n, prev, key, signed
        return None

    def _signer(self, key_id: str | None) -> Callable[[str], str] | None:
        """The MAC under the key ``key_id`` (prepared once per key); None without a key
        ring or a key id, or for a key the ring does not hold (:meth:`step` says so)."""
        if self.keys is None or not key_id:
            return None
        sign = self.signers.get(key_id)
        if sign is None and self.keys.knows(key_id):
            sign = self.signers[key_id] = self.keys.signer(key_id)
        return sign

    def step(self, r: Sequence[Any], rows: Rows) -> Why | None:
        """Check one record (the columns of :data:`AUDIT_COLUMNS`) against the content
        hashes of the rows it may cover (``rows``: by table, by id), everything computed in
        Python; the reason it fails, or None."""
        seq, at, actor, role, action, obj, content, prev, h, key_id, mac, login = r[:12]
        self.n += 1
        if seq != self.n:
            return _why("audit.record_missing", f"record {self.n} is missing", seq=self.n)
        if prev != self.prev:
            return _why("audit.link_broken", "the link to the previous record is broken")
        try:
            altered = link_hash(seq, at, actor, role, action, obj, content, prev, key_id,
                                login) != h
        except TypeError:  # a field that is not text (SQLite keeps a blob anywhere)
            altered = True
        if altered:
            return _why("audit.record_altered", "the record was altered")
        bad = self._key(seq, action, obj, h, key_id, mac)
        if bad is not None:
            return bad
        self.prev = h
        table, _, key = obj.partition(":")
        if table in S.HASHED and not action.startswith("denied:"):
            found = rows[table].get(key)
            if found is None:
                return _why("audit.row_gone", f"the row {obj} it records is gone", object=obj)
            if found != content and self.rehash(table, key) != content:
                return _why("audit.row_edited", f"the row {obj} was edited", object=obj)
        return None

    def _key(self, seq: int, action: str, obj: str, h: str, key_id: str, mac: str
             ) -> Why | None:
        """Check a record's key and MAC against the key in force (and follow a rotation)."""
        if key_id:
            rotation = action == "rotate_key" and obj == f"keys:{key_id}"
            if self.key_id not in (None, key_id) and not rotation:
                return _why("audit.other_key", "the record is signed with another key without a "
                           "rotation", key_id=key_id)
            if self.keys is not None:
                sign = self.signers.get(key_id)
                if sign is None:
                    if not self.keys.knows(key_id):
                        return _why("audit.unknown_key", f"the record names the key {key_id!r}, "
                                   "which is not in the ring", key_id=key_id)
                    sign = self.signers[key_id] = self.keys.signer(key_id)
                if not hmac.compare_digest(sign(h), mac):
                    return _why("audit.mac_mismatch",
                               "the record's MAC does not match (forged or rewritten)")
                if self.unsigned is not None:
                    if self.key_id is not None or not rotation:
                        return _why("audit.unsigned_before_signed", "unsigned records precede "
                                   "this signed one without a rotation")
                    self.unsigned = None  # a chain begun without a key, signed from here on
                self.signed += 1
            self.key_id = key_id
        elif self.keys is not None:
            if self.key_id is not None:
                return _why("audit.unsigned_after_signed", "an unsigned record follows signed ones")
            if self.unsigned is None:
                self.unsigned = seq
        return None


def walk_range(conn: Connection, keys: AuditKeys | None, pending: dict[int, Anchor],
               chunk: int, after: tuple[int, str, str | None] | None = None,
               upto: int | None = None) -> tuple[_Walk, tuple[int, Why] | None]:
    """Walk the records after ``after`` (the sequence, hash and key id of the record before
    the first one; None: from the start) up to ``upto`` (None: to the end), in chunks; the
    walk's state and the first failure (its sequence and reason), or None.  Anchors found
    are removed from ``pending``."""
    p = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    q = queries(conn.dialect.name)
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None
    cur, own = dbapi.cursor(), dbapi.cursor()  # the reader thread's, and this thread's
    walk = _Walk(keys, lambda table, key: python_hash(own, p, table, key), q.db_hashes)
    if after is not None:
        walk.n, walk.prev, walk.key_id = after
    try:
        return walk, _chunks(cur, p, q, walk, pending, chunk, upto)
    finally:
        cur.close()
        own.close()


def _chunks(cur: Any, p: str, q: Queries, walk: _Walk, pending: dict[int, Anchor],
            chunk: int, upto: int | None) -> tuple[int, Why] | None:
    """Walk the chain chunk by chunk; the sequence number and reason of the first record
    that fails (or of the first anchor the chain does not carry), or None.  Anchors found
    are removed from ``pending``.  A thread reads the next chunk (the database writes its
    texts meanwhile, without Python's lock) while this one checks the current one; at most
    three chunks are held at once."""
    ready: queue.Queue[tuple[list[Any], Rows] | BaseException | None] = queue.Queue(1)
    stop = threading.Event()
    reader = threading.Thread(target=_read, args=(cur, p, q, chunk, ready, stop, walk.n, upto),
                              name="verify-reader", daemon=True)
    reader.start()
    try:
        while (item := ready.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            records, rows = item
            first, start = walk.n + 1, 0
            # run up to each anchor in the chunk, then compare the anchor with its record
            for s in [*sorted(x for x in pending if first <= x < first + len(records)), None]:
                end = len(records) if s is None else s - first + 1
                bad = walk.run(records if (start, end) == (0, len(records))
                               else records[start:end], rows)
                if bad is not None:
                    return records[start + bad[0]][0], bad[1]
                if s is not None and pending.pop(s).hash != records[end - 1][8]:
                    return s, _why("audit.anchor_rewritten",
                                  f"the chain was rewritten before the anchor at record {s}", seq=s)
                start = end
        return None
    finally:
        stop.set()
        while reader.is_alive():  # let a reader blocked on a full queue see the stop
            with contextlib.suppress(queue.Empty):
                ready.get(timeout=0.05)
        reader.join()


def _read(cur: Any, p: str, q: Queries, chunk: int,
          ready: queue.Queue[tuple[list[Any], Rows] | BaseException | None],
          stop: threading.Event, last: int, upto: int | None) -> None:
    """The reader thread of :func:`_chunks`: each chunk of records after the sequence
    ``last`` (up to ``upto``, or to the end) with the hashes of the rows they cover, then
    None (or the exception that stopped it)."""
    try:
        q_chunk, q_plain, hashed = q.chunk.format(p=p), q.plain.format(p=p), S.HASHED
        while not stop.is_set():
            size = chunk if upto is None else min(chunk, upto - last)
            if size <= 0:
                break
            try:
                cur.execute(q_chunk, (last, size))
                records = cur.fetchall()
            except Exception:
                if not q.retry:
                    raise
                cur.execute(q_plain, (last, size))  # checked in Python, record by record
                records = cur.fetchall()
            if upto is not None and records and records[-1][0] > upto:
                records = [r for r in records if r[0] <= upto]  # beyond a gap: not this range
            if not records:
                break
            covered: dict[str, list[str]] = {}
            for r in records:
                if type(r[5]) is not str or type(r[4]) is not str:
                    continue  # not as written (SQLite keeps a blob anywhere): step finds it
                table, _, key = r[5].partition(":")
                if table in hashed and not r[4].startswith("denied:"):
                    covered.setdefault(table, []).append(key)
            ready.put((records, hashes_of(cur, p, q, covered)))
            last = records[-1][0]
        ready.put(None)
    except BaseException as exc:  # handed to the walking thread, which raises it
        ready.put(exc)
