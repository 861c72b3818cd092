"""Walking the audit chain (审计链核验): :meth:`Registry.verify
<outsourcing.registry.Registry.verify>` reads the chain in chunks with the driver's own
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
from functools import cache
from typing import Any

import attrs
from sqlalchemy import (
    Connection,
    Date,
    Integer,
    LargeBinary,
    String,
    cast,
    exists,
    func,
    literal,
    select,
)

from . import chain
from . import schema as S
from .chain import GENESIS, Anchor, AuditKeys, link_hash

__all__ = ["Verification", "verify"]


@attrs.frozen
class Verification:
    """The result of :meth:`Registry.verify`: ``ok``, or the first record that does not
    match and why."""

    ok: bool
    records: int
    first_bad: int | None = None
    reason: str = ""
    signed: int = 0
    """How many records' MACs were checked under the audit key (0 without a key)."""

    def __bool__(self) -> bool:
        return self.ok


Rows = Mapping[str, Mapping[str, str]]
"""The content hash of each row a chunk's records cover, by table and id."""


class _Walk:
    """The state of a walk along the chain (:meth:`Registry.verify`): the records seen, the
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

    def run(self, records: Sequence[Sequence[Any]], rows: Rows) -> tuple[int, str] | None:
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

    def step(self, r: Sequence[Any], rows: Rows) -> str | None:
        """Check one record (the columns of :data:`AUDIT_COLUMNS`) against the content
        hashes of the rows it may cover (``rows``: by table, by id), everything computed in
        Python; the reason it fails, or None."""
        seq, at, actor, role, action, obj, content, prev, h, key_id, mac, login = r[:12]
        self.n += 1
        if seq != self.n:
            return f"record {self.n} is missing"
        if prev != self.prev:
            return "the link to the previous record is broken"
        try:
            altered = link_hash(seq, at, actor, role, action, obj, content, prev, key_id,
                                login) != h
        except TypeError:  # a field that is not text (SQLite keeps a blob anywhere)
            altered = True
        if altered:
            return "the record was altered"
        bad = self._key(seq, action, obj, h, key_id, mac)
        if bad is not None:
            return bad
        self.prev = h
        table, _, key = obj.partition(":")
        if table in S.HASHED and not action.startswith("denied:"):
            found = rows[table].get(key)
            if found is None:
                return f"the row {obj} it records is gone"
            if found != content and self.rehash(table, key) != content:
                return f"the row {obj} was edited"
        return None

    def _key(self, seq: int, action: str, obj: str, h: str, key_id: str, mac: str
             ) -> str | None:
        """Check a record's key and MAC against the key in force (and follow a rotation)."""
        if key_id:
            rotation = action == "rotate_key" and obj == f"keys:{key_id}"
            if self.key_id not in (None, key_id) and not rotation:
                return "the record is signed with another key without a rotation"
            if self.keys is not None:
                sign = self.signers.get(key_id)
                if sign is None:
                    if not self.keys.knows(key_id):
                        return f"the record names the key {key_id!r}, which is not in the ring"
                    sign = self.signers[key_id] = self.keys.signer(key_id)
                if not hmac.compare_digest(sign(h), mac):
                    return "the record's MAC does not match (forged or rewritten)"
                if self.unsigned is not None:
                    if self.key_id is not None or not rotation:
                        return "unsigned records precede this signed one without a rotation"
                    self.unsigned = None  # a chain begun without a key, signed from here on
                self.signed += 1
            self.key_id = key_id
        elif self.keys is not None:
            if self.key_id is not None:
                return "an unsigned record follows signed ones"
            if self.unsigned is None:
                self.unsigned = seq
        return None


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(f'"{n}"' for n in names)


def _kind(column: Any) -> str:
    """What a column holds when its row is as written (:func:`chain.row_hasher`)."""
    if column.nullable:
        return ""
    if isinstance(column.type, String):  # Text too
        return "text"
    return "int" if isinstance(column.type, Integer) else ""  # BigInteger too


def _sql_kind(column: Any) -> str:
    """How the database writes a column's value (:func:`chain.sql_row_text`)."""
    t = column.type
    if isinstance(t, Integer):  # BigInteger too
        return "int"
    if isinstance(t, LargeBinary):
        return "bytes"
    return "date" if isinstance(t, Date) else "text"


def _columns(t: str) -> tuple[str, ...]:
    return S.HASHED[t] + S.HASHED_LATER.get(t, ())


ROW_HASHERS = {t: chain.row_hasher(cols, S.HASHED_LATER.get(t, ()),
                                   [_kind(S.metadata.tables[t].c[c]) for c in cols])
               for t, cols in S.HASHED.items()}
"""Each audited table's :func:`row_hash`, for its rows read as tuples (:data:`Q_ROWS`)."""
Q_ROWS = {t: f'SELECT {_quoted(_columns(t))} FROM "{t}"' for t in S.HASHED}
"""Each audited table's hashed columns (``id`` first), in :data:`ROW_HASHERS`' order: read
with the driver's own cursor, so no SQLAlchemy row is built per record."""

AUDIT_COLUMNS = ("seq", "at", "actor", "role", "action", "object", "content_hash", "prev_hash",
                 "hash", "key_id", "mac", "login")


@attrs.frozen
class _Queries:
    """What ``verify`` asks one kind of database (``{p}``: the driver's placeholder)."""

    chunk: str
    """One chunk of the chain: :data:`AUDIT_COLUMNS`, then the record's text as the
    database writes it (SQLite) or its hash (PostgreSQL)."""
    rows: Mapping[str, str]
    """By table: each row's id and its text (SQLite) or hash (PostgreSQL); a table missing
    here is hashed in Python (:data:`Q_ROWS`)."""
    plain: str
    """The same chunk with NULL for the text: each record is then checked in Python."""
    db_hashes: bool
    """Whether the database hashes the texts too (PostgreSQL) or only writes them."""
    retry: bool
    """Whether a query the database could not answer (SQLite's ``json_quote`` on a blob)
    is asked again in the plain form (on PostgreSQL a failed query ends the transaction)."""


@cache
def _queries(dialect: str) -> _Queries:
    link = chain.sql_link_text(dialect)
    link = chain.sql_sha256(dialect, link) or link
    rows = {}
    for t, cols in S.HASHED.items():
        table = S.metadata.tables[t]
        text = chain.sql_row_text(dialect, cols, S.HASHED_LATER.get(t, ()),
                                  [_sql_kind(table.c[c]) for c in _columns(t)])
        if text is not None:
            rows[t] = f'SELECT id, {chain.sql_sha256(dialect, text) or text} FROM "{t}"'
    chunk = (f"SELECT {_quoted(AUDIT_COLUMNS)}, {{}} FROM audit WHERE seq > {{{{p}}}} "
             "ORDER BY seq LIMIT {{p}}")
    sqlite = dialect == "sqlite"
    return _Queries(chunk.format(link), rows, chunk.format("NULL"), not sqlite, sqlite)


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
            return Verification(False, 0, m.seq, f"the anchor at record {m.seq} is not "
                                "signed with the audit key (forged or altered)")
    pending = {m.seq: m for m in marks}
    # the head first: it begins the read transaction the driver's cursor reads in
    head = conn.execute(select(S.audit_head.c.seq, S.audit_head.c.hash)).one()
    p = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    q = _queries(conn.dialect.name)
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None
    cur, own = dbapi.cursor(), dbapi.cursor()  # the reader thread's, and this thread's
    walk = _Walk(keys, lambda table, key: _python_hash(own, p, table, key), q.db_hashes)
    try:
        bad = _chunks(cur, p, q, walk, pending, chunk)
    finally:
        cur.close()
        own.close()
    if bad is not None:
        return Verification(False, walk.n, bad[0], bad[1], walk.signed)
    if pending:
        first = min(pending)
        return Verification(False, walk.n, first, f"records up to the anchor at "
                            f"{first} are gone (the chain was truncated)", walk.signed)
    if head.seq != walk.n or head.hash != walk.prev:
        return Verification(False, walk.n, None, "the chain's head does not match its "
                            "last record (records removed from the end?)", walk.signed)
    why = _uncovered(conn) or _derived(conn)
    if why:
        return Verification(False, walk.n, None, why, walk.signed)
    if walk.unsigned is not None:
        return Verification(False, walk.n, walk.unsigned, "the chain is not signed "
                            "with the audit key from this record on", walk.signed)
    return Verification(True, walk.n, signed=walk.signed)


def _chunks(cur: Any, p: str, q: _Queries, walk: _Walk, pending: dict[int, Anchor],
            chunk: int) -> tuple[int, str] | None:
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
                    return s, f"the chain was rewritten before the anchor at record {s}"
                start = end
        return None
    finally:
        stop.set()
        while reader.is_alive():  # let a reader blocked on a full queue see the stop
            with contextlib.suppress(queue.Empty):
                ready.get(timeout=0.05)
        reader.join()


def _read(cur: Any, p: str, q: _Queries, chunk: int,
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
            ready.put((records, _hashes_of(cur, p, q, covered)))
            last = records[-1][0]
        ready.put(None)
    except BaseException as exc:  # handed to the walking thread, which raises it
        ready.put(exc)


def _batches(query: str, p: str, table: str, keys: Sequence[str]
             ) -> list[tuple[str, Sequence[Any]]]:
    """``query`` over the rows of ``table`` with these ids, in large batches."""
    if isinstance(S.metadata.tables[table].c.id.type, String):
        return [(f"{query} WHERE id IN ({', '.join([p] * len(part))})", part)
                for part in (keys[n:n + 5000] for n in range(0, len(keys), 5000))]
    ids = [int(k) for k in keys if k.isdigit()]
    lo, hi = (min(ids), max(ids)) if ids else (0, -1)
    if hi - lo < 2 * len(ids):  # mostly consecutive: one range
        return [(f"{query} WHERE id BETWEEN {p} AND {p}", (lo, hi))]
    return [(f"{query} WHERE id IN ({', '.join([p] * len(part))})", part)
            for part in (ids[n:n + 5000] for n in range(0, len(ids), 5000))]


def _hashes_of(cur: Any, p: str, q: _Queries, covered: Mapping[str, list[str]]
               ) -> dict[str, dict[str, str]]:
    """The content hash of each row the records of a chunk cover, by table and id, read
    in large batches with the driver's cursor ``cur`` (placeholder ``p``): the database
    writes the text (and on PostgreSQL hashes it); a row it could not write, or a table
    with a blob on SQLite, is hashed in Python."""
    out: dict[str, dict[str, str]] = {}
    sha = hashlib.sha256
    for table, keys in covered.items():
        found: dict[str, str] = {}
        query = q.rows.get(table)
        if query is None:
            _python_hashes(cur, p, table, keys, found)
            out[table] = found
            continue
        left: list[str] = []
        try:
            for sql, params in _batches(query, p, table, keys):
                cur.execute(sql, tuple(params))
                while rows := cur.fetchmany(10_000):
                    for k, v in rows:
                        if v is None:
                            left.append(str(k))
                        else:
                            found[str(k)] = v if q.db_hashes else sha(v.encode()).hexdigest()
        except Exception:
            if not q.retry:
                raise
            found.clear()  # a value the database cannot write (a blob in a text column)
            left = list(keys)
        if left:
            _python_hashes(cur, p, table, left, found)
        out[table] = found
    return out


def _python_hashes(cur: Any, p: str, table: str, keys: Sequence[str], found: dict[str, str]
                   ) -> None:
    """Rows' hashes computed in Python from their values (:func:`chain.row_hash`)."""
    hasher = ROW_HASHERS[table]
    for sql, params in _batches(Q_ROWS[table], p, table, keys):
        cur.execute(sql, tuple(params))
        while rows := cur.fetchmany(10_000):
            for x in rows:
                found[str(x[0])] = hasher(x)


def _python_hash(cur: Any, p: str, table: str, key: str) -> str | None:
    """One row's hash computed in Python (the check of a row whose database-written text
    did not match); None when there is no such row."""
    found: dict[str, str] = {}
    _python_hashes(cur, p, table, [key], found)
    return found.get(key)


def _uncovered(conn: Connection) -> str:
    """A row of an audited table that no audit record covers (added with plain SQL)."""
    a = S.audit
    for name in S.HASHED:
        t = S.metadata.tables[name]
        obj = literal(f"{name}:").concat(cast(t.c.id, String))
        row = conn.execute(select(t.c.id).where(~exists().where(
            a.c.object == obj, ~a.c.action.startswith("denied:"))).limit(1)).first()
        if row is not None:
            return f"the row {name}:{row.id} has no audit record"
    dup = conn.execute(select(a.c.object).where(~a.c.action.startswith("denied:"),
                                                a.c.object.contains(":"))
                       .group_by(a.c.object).having(func.count() > 1).limit(1)).first()
    if dup is not None and dup.object.partition(":")[0] in S.HASHED:
        return f"the row {dup.object} has two audit records"
    return ""


def _derived(conn: Connection) -> str:
    """Columns derived from a statement's document that no longer match it."""
    s = S.statements
    for k, due, carry, doc in conn.execute(select(s.c.id, s.c.due_on, s.c.carry,
                                                  s.c.document)):
        data = json.loads(zlib.decompress(bytes(doc)))["statement"]
        if (None if due is None else due.isoformat()) != data["payment"]["due_on"]:
            return f"statements:{k}.due_on does not match its document"
        if carry is None or json.loads(carry) != data["carry"]:
            return f"statements:{k}.carry does not match its document"
    return ""
