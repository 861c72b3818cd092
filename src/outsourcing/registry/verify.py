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

import hmac
import json
import zlib
from collections.abc import Iterable, Mapping
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
from ._verify_parallel import walk_in_parallel
from ._verify_walk import Why, _why, walk_range
from .chain import Anchor, AuditKeys

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


def verify(conn: Connection, keys: AuditKeys | None, anchors: Iterable[Anchor] = (),
           chunk: int = 20_000, workers: int = 1) -> Verification:
    """Walk the audit chain of the database ``conn`` reads in chunks of ``chunk`` records
    (memory does not grow with the chain): each record's hash, its link to the previous one,
    its MAC under the audit key ``keys``, and the content of every row it covers; then the
    head, the rows no record covers, each anchor (the record at its sequence must exist and
    carry its hash; its own MAC must hold) and the derived columns.  Names the first record
    that does not match and why.  With ``workers`` > 1 the chain is cut into that many
    ranges walked at once by processes (:mod:`outsourcing.registry._verify_parallel`), with
    the same result."""
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
    walked = None
    if workers > 1:
        walked = walk_in_parallel(conn, keys, pending, chunk, workers, head.seq)
    walk, bad = walked or walk_range(conn, keys, pending, chunk)
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
