"""Walking the audit chain (审计链核验): :meth:`Registry.verify
<outsourcing.registry.Registry.verify>` reads the chain in chunks with the driver's own
cursor, checks each record's hash, link and MAC and the content of every row it covers, then
the head, the anchors, the rows no record covers and the columns derived from a statement's
document.  Memory does not grow with the chain.
"""

from __future__ import annotations

import hmac
import json
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs
from sqlalchemy import Connection, Integer, String, cast, exists, func, literal, select

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

class _Walk:
    """The state of a walk along the chain (:meth:`Registry.verify`): the records seen, the
    previous hash, the key in force, and (with a key ring) the first unsigned record."""

    def __init__(self, keys: AuditKeys | None) -> None:
        self.keys = keys
        self.n = 0
        self.prev = GENESIS
        self.key_id: str | None = None
        self.signed = 0
        self.unsigned: int | None = None
        self.signers: dict[str, Callable[[str], str]] = {}

    def step(self, r: Sequence[Any], rows: Mapping[str, Mapping[str, str]]) -> str | None:
        """Check one record (the columns of :data:`AUDIT_COLUMNS`) against the content
        hashes of the rows it may cover (``rows``: by table, by id); the reason it fails, or
        None."""
        seq, at, actor, role, action, obj, content, prev, h, key_id, mac, login = r
        self.n += 1
        if seq != self.n:
            return f"record {self.n} is missing"
        if prev != self.prev:
            return "the link to the previous record is broken"
        if link_hash(seq, at, actor, role, action, obj, content, prev, key_id, login) != h:
            return "the record was altered"
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
        self.prev = h
        table, _, key = obj.partition(":")
        if table in S.HASHED and not action.startswith("denied:"):
            found = rows[table].get(key)
            if found is None:
                return f"the row {obj} it records is gone"
            if found != content:
                return f"the row {obj} was edited"
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


ROW_HASHERS = {t: chain.row_hasher(cols, S.HASHED_LATER.get(t, ()),
                                   [_kind(S.metadata.tables[t].c[c]) for c in cols])
               for t, cols in S.HASHED.items()}
"""Each audited table's :func:`row_hash`, for its rows read as tuples (:data:`Q_ROWS`)."""
Q_ROWS = {t: f'SELECT {_quoted(cols + S.HASHED_LATER.get(t, ()))} FROM "{t}"'
          for t, cols in S.HASHED.items()}
"""Each audited table's hashed columns (``id`` first), in :data:`ROW_HASHERS`' order: read
with the driver's own cursor, so no SQLAlchemy row is built per record."""

AUDIT_COLUMNS = ("seq", "at", "actor", "role", "action", "object", "content_hash", "prev_hash",
                 "hash", "key_id", "mac", "login")
Q_AUDIT_CHUNK = (f'SELECT {_quoted(AUDIT_COLUMNS)} FROM audit WHERE seq > {{p}} '
                 'ORDER BY seq LIMIT {p}')
"""One chunk of the chain, read with the driver's cursor (``{p}``: its placeholder)."""


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
    walk = _Walk(keys)
    # the head first: it begins the read transaction the driver's cursor reads in
    head = conn.execute(select(S.audit_head.c.seq, S.audit_head.c.hash)).one()
    p = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    cur = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    q_chunk = Q_AUDIT_CHUNK.format(p=p)
    hashed = S.HASHED
    try:
        last = 0
        while True:
            cur.execute(q_chunk, (last, chunk))
            records = cur.fetchall()
            if not records:
                break
            covered: dict[str, list[str]] = {}
            for r in records:
                table, _, key = r[5].partition(":")
                if table in hashed and not r[4].startswith("denied:"):
                    covered.setdefault(table, []).append(key)
            rows = _hashes_of(cur, p, covered)
            for r in records:
                bad = walk.step(r, rows)
                if bad is not None:
                    return Verification(False, walk.n, r[0], bad, walk.signed)
                if pending:
                    mark = pending.pop(r[0], None)
                    if mark is not None and mark.hash != r[8]:
                        return Verification(False, walk.n, r[0], "the chain was "
                                            "rewritten before the anchor at record "
                                            f"{mark.seq}", walk.signed)
            last = records[-1][0]
            del records, rows
    finally:
        cur.close()
    if pending:
        first = min(pending)
        return Verification(False, walk.n, first, f"records up to the anchor at "
                            f"{first} are gone (the chain was truncated)", walk.signed)
    if head.seq != walk.n or head.hash != walk.prev:
        return Verification(False, walk.n, None, "the chain's head does not match its "
                            "last record (records removed from the end?)", walk.signed)
    bad = _uncovered(conn) or _derived(conn)
    if bad:
        return Verification(False, walk.n, None, bad, walk.signed)
    if walk.unsigned is not None:
        return Verification(False, walk.n, walk.unsigned, "the chain is not signed "
                            "with the audit key from this record on", walk.signed)
    return Verification(True, walk.n, signed=walk.signed)


def _hashes_of(cur: Any, p: str, covered: Mapping[str, list[str]]
               ) -> dict[str, dict[str, str]]:
    """The content hash of each row the records of a chunk cover, by table and id, read
    in large batches with the driver's cursor ``cur`` (placeholder ``p``)."""
    out: dict[str, dict[str, str]] = {}
    for table, keys in covered.items():
        query, hasher = Q_ROWS[table], ROW_HASHERS[table]
        found: dict[str, str] = {}
        batches: list[tuple[str, Sequence[Any]]] = []
        if isinstance(S.metadata.tables[table].c.id.type, String):
            batches = [(f"{query} WHERE id IN ({', '.join([p] * len(part))})", part)
                       for part in (keys[n:n + 5000] for n in range(0, len(keys), 5000))]
        else:
            ids = [int(k) for k in keys if k.isdigit()]
            lo, hi = (min(ids), max(ids)) if ids else (0, -1)
            if hi - lo < 2 * len(ids):  # mostly consecutive: one range
                batches = [(f"{query} WHERE id BETWEEN {p} AND {p}", (lo, hi))]
            else:
                batches = [(f"{query} WHERE id IN ({', '.join([p] * len(part))})", part)
                           for part in (ids[n:n + 5000] for n in range(0, len(ids), 5000))]
        for sql, params in batches:
            cur.execute(sql, tuple(params))
            while rows := cur.fetchmany(10_000):
                for x in rows:
                    found[str(x[0])] = hasher(x)
        out[table] = found
    return out

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
    """Columns derived from a statement's or a decision's document that no longer match
    it."""
    s = S.statements
    for k, due, carry, doc in conn.execute(select(s.c.id, s.c.due_on, s.c.carry,
                                                  s.c.document)):
        data = json.loads(zlib.decompress(bytes(doc)))["statement"]
        if (None if due is None else due.isoformat()) != data["payment"]["due_on"]:
            return f"statements:{k}.due_on does not match its document"
        if carry is None or json.loads(carry) != data["carry"]:
            return f"statements:{k}.carry does not match its document"
    decisions = S.change_decisions
    for k, decision, terminates, doc in conn.execute(select(
            decisions.c.id, decisions.c.decision, decisions.c.terminates, decisions.c.document)):
        ends = decision == "signed" and json.loads(doc)["action"]["kind"] == "terminate"
        if terminates != (1 if ends else None):
            return f"change_decisions:{k}.terminates does not match its document"
    return ""
