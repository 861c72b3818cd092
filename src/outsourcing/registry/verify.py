"""Walking the audit chain (审计链核验): :meth:`Store.verify
<outsourcing.registry.Store.verify>` reads the chain in chunks with the driver's own
cursor, checks each record's hash, link and MAC and the content of every row it covers, then
the head, the anchors, the rows no record covers and the columns derived from a statement's
document.  Memory does not grow with the chain.

The database writes the canonical text of each record and of each row it covers
(:func:`~outsourcing.registry.chain.sql_link_text`, :func:`~.chain.sql_row_text`) and, on
PostgreSQL, hashes it too; Python hashes what remains and checks every MAC.  Only a *match*
is taken from the database's text (the text is JSON of the stored values, so it matches only
when they are the ones hashed); anything that does not match, or that the database could not
write, is computed again in Python (:func:`~.chain.link_hash`, :func:`~.chain.row_hash`)
before a record is called bad.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import queue
import threading
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs
from sqlalchemy import (
    Connection,
    String,
    cast,
    exists,
    func,
    literal,
    select,
)

from ..messages_zh import say
from . import schema as S
from ._verify_rows import Queries, Rows, hashes_of, python_hash, queries
from .chain import GENESIS, Anchor, AuditKeys, link_hash

__all__ = ["Verification", "Why", "verify"]


@attrs.frozen
class Verification:
    """The result of :meth:`Store.verify`: ``ok``, or the first record that does not
    match and why — ``reason`` in English for developers, ``code`` (``audit.…``) for
    programs, :attr:`reason_zh` for people."""

    ok: bool
    records: int
    first_bad: int | None = None
    reason: str = ""
    signed: int = 0
    """How many records' MACs were checked under the audit key (0 without a key)."""
    code: str = ""
    """The stable code of the failure (``audit.row_edited``…); empty when ``ok``."""
    params: Mapping[str, Any] = attrs.field(factory=dict)
    """The ids the sentence names (``object``, ``seq``, ``key_id``, ``column``)."""

    def __bool__(self) -> bool:
        return self.ok

    @property
    def reason_zh(self) -> str:
        """Why, in Chinese, from the message catalogue (the ids kept as stored)."""
        return say(self.code, **self.params) if self.code else ""


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
        sign = self.signers.get(key) if keyed and key else None
        for i, r in enumerate(records):
            seq, action, obj, content, prev_r, h, key_id, mac, link = (
                r[0], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[12])
            ok = seq == n + 1 and prev_r == prev and link is not None and (
                (link if db_hashes else sha(link.encode()).hexdigest()) == h)
            if ok:
                if key_id and key_id == key:
                    ok = sign is None or digest_eq(sign(h), mac)
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
            sign = self.signers.get(key) if keyed and key else None
        self.n, self.prev, self.key_id, self.signed = n, prev, key, signed
        return None

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


def verify(conn: Connection, keys: AuditKeys | None, anchors: Iterable[Anchor] = (),
           chunk: int = 20_000) -> Verification:
    """Walk the audit chain of the database ``conn`` reads in chunks of ``chunk`` records
    (memory does not grow with the chain): each record's hash, its link to the previous one,
    its MAC under the audit key ``keys``, and the content of every row it covers; then the
    head, the rows no record covers, each anchor (the record at its sequence must exist and
    carry its hash; its own MAC must hold) and the derived columns.  Names the first record
    that does not match and why."""
    marks = sorted(anchors, key=lambda x: x.seq)
    for m in marks:
        if keys is not None and (not keys.knows(m.key_id) or
                                 not hmac.compare_digest(keys.mac(m.key_id, m.message()),
                                                         m.mac)):
            return _failed(0, m.seq, _why("audit.anchor_forged", f"the anchor at record {m.seq} "
                                         "is not signed with the audit key (forged or altered)",
                                         seq=m.seq))
    pending = {m.seq: m for m in marks}
    # the head first: it begins the read transaction the driver's cursor reads in
    head = conn.execute(select(S.audit_head.c.seq, S.audit_head.c.hash)).one()
    p = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    q = queries(conn.dialect.name)
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None
    cur, own = dbapi.cursor(), dbapi.cursor()  # the reader thread's, and this thread's
    walk = _Walk(keys, lambda table, key: python_hash(own, p, table, key), q.db_hashes)
    try:
        bad = _chunks(cur, p, q, walk, pending, chunk)
    finally:
        cur.close()
        own.close()
    if bad is not None:
        return _failed(walk.n, bad[0], bad[1], walk.signed)
    if pending:
        first = min(pending)
        return _failed(walk.n, first, _why("audit.truncated", f"records up to the anchor at "
                                          f"{first} are gone (the chain was truncated)",
                                          seq=first), walk.signed)
    if head.seq != walk.n or head.hash != walk.prev:
        return _failed(walk.n, None, _why("audit.head_mismatch", "the chain's head does not "
                                         "match its last record (records removed from the "
                                         "end?)"), walk.signed)
    why = _uncovered(conn) or _derived(conn)
    if why is not None:
        return _failed(walk.n, None, why, walk.signed)
    if walk.unsigned is not None:
        return _failed(walk.n, walk.unsigned, _why("audit.unsigned_from", "the chain is not "
                                                  "signed with the audit key from this record "
                                                  "on"), walk.signed)
    return Verification(True, walk.n, signed=walk.signed)


def _failed(records: int, first_bad: int | None, why: Why, signed: int = 0) -> Verification:
    return Verification(False, records, first_bad, why.reason, signed, why.code,
                        dict(why.params))


def _chunks(cur: Any, p: str, q: Queries, walk: _Walk, pending: dict[int, Anchor],
            chunk: int) -> tuple[int, Why] | None:
    """Walk the chain chunk by chunk; the sequence number and reason of the first record
    that fails (or of the first anchor the chain does not carry), or None.  Anchors found
    are removed from ``pending``.  A thread reads the next chunk (the database writes its
    texts meanwhile, without Python's lock) while this one checks the current one; at most
    three chunks are held at once."""
    ready: queue.Queue[tuple[list[Any], Rows] | BaseException | None] = queue.Queue(1)
    stop = threading.Event()
    reader = threading.Thread(target=_read, args=(cur, p, q, chunk, ready, stop),
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
          stop: threading.Event) -> None:
    """The reader thread of :func:`_chunks`: each chunk of records with the hashes of the
    rows they cover, then None (or the exception that stopped it)."""
    try:
        q_chunk, q_plain, hashed, last = q.chunk.format(p=p), q.plain.format(p=p), S.HASHED, 0
        while not stop.is_set():
            try:
                cur.execute(q_chunk, (last, chunk))
                records = cur.fetchall()
            except Exception:
                if not q.retry:
                    raise
                cur.execute(q_plain, (last, chunk))  # checked in Python, record by record
                records = cur.fetchall()
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


def _uncovered(conn: Connection) -> Why | None:
    """A row of an audited table that no audit record covers (added with plain SQL)."""
    a = S.audit
    for name in S.HASHED:
        t = S.metadata.tables[name]
        obj = literal(f"{name}:").concat(cast(t.c.id, String))
        row = conn.execute(select(t.c.id).where(~exists().where(
            a.c.object == obj, ~a.c.action.startswith("denied:"))).limit(1)).first()
        if row is not None:
            return _why("audit.row_uncovered", f"the row {name}:{row.id} has no audit record",
                       object=f"{name}:{row.id}")
    dup = conn.execute(select(a.c.object).where(~a.c.action.startswith("denied:"),
                                                a.c.object.contains(":"))
                       .group_by(a.c.object).having(func.count() > 1).limit(1)).first()
    if dup is not None and dup.object.partition(":")[0] in S.HASHED:
        return _why("audit.row_twice", f"the row {dup.object} has two audit records",
                   object=dup.object)
    return None


def _derived(conn: Connection) -> Why | None:
    """Columns derived from a statement's or a decision's document that no longer match
    it."""
    s = S.statements
    for k, due, carry, doc in conn.execute(select(s.c.id, s.c.due_on, s.c.carry,
                                                  s.c.document)):
        data = json.loads(zlib.decompress(bytes(doc)))["statement"]
        if (None if due is None else due.isoformat()) != data["payment"]["due_on"]:
            return _why("audit.derived_mismatch", f"statements:{k}.due_on does not match its "
                       "document", object=f"statements:{k}", column="due_on")
        if carry is None or json.loads(carry) != data["carry"]:
            return _why("audit.derived_mismatch", f"statements:{k}.carry does not match its "
                       "document", object=f"statements:{k}", column="carry")
    decisions = S.change_decisions
    for k, decision, terminates, doc in conn.execute(select(
            decisions.c.id, decisions.c.decision, decisions.c.terminates, decisions.c.document)):
        ends = decision == "signed" and json.loads(doc)["action"]["kind"] == "terminate"
        if terminates != (1 if ends else None):
            return _why("audit.derived_mismatch", f"change_decisions:{k}.terminates does not "
                       "match its document", object=f"change_decisions:{k}",
                       column="terminates")
    return None
