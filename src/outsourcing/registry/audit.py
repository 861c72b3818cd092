"""The audit chain's append side (审计链写入): every row that decides money enters its table
with a record appended to the hash chain, signed with the audit key; versioned rows
(corrections) are written through one writer.  The walk that checks the chain is
:mod:`outsourcing.registry.verify`."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import attrs
from sqlalchemy import Connection, Row, Table, bindparam, select, update
from sqlalchemy.exc import IntegrityError

from ..errors import RegistryError
from . import chain
from . import schema as S
from .chain import Anchor, link_hash
from .common import now
from .engine import Connected

__all__ = ["AuditRecord", "Audited", "row_hash"]

T = TypeVar("T")
V = TypeVar("V")  # an item written as a versioned row (assessment, usage, acceptance)


@attrs.frozen
class AuditRecord:
    """One link of the audit chain (审计记录)."""

    seq: int
    at: str
    actor: str
    role: str
    action: str
    object: str
    content_hash: str
    prev_hash: str
    hash: str


def row_hash(table: str, row: Mapping[str, Any]) -> str:
    """The content hash of a stored row: its audited columns, in a canonical JSON form (a
    column a later revision added, :data:`~outsourcing.registry.schema.HASHED_LATER`, when
    it holds a value)."""
    return chain.row_hash(S.HASHED[table], S.HASHED_LATER.get(table, ()), row)


U_HEAD_TAKE = (update(S.audit_head).where(S.audit_head.c.id == 1)
               .values(seq=S.audit_head.c.seq + bindparam("n"))
               .returning(S.audit_head.c.seq, S.audit_head.c.hash))
U_HEAD_HASH = (update(S.audit_head).where(S.audit_head.c.id == 1)
               .values(hash=bindparam("new_hash")))
INSERTS = {name: t.insert() for name, t in S.metadata.tables.items()}


class Audited(Connected):
    """Writing through the audit chain: the chain's lock, its records, and the rows they
    cover."""

    def _lock(self, conn: Connection) -> None:
        """Take the audit chain's head (one row) for this transaction: writers append their
        records one after another."""
        conn.execute(update(S.audit_head).where(S.audit_head.c.id == 1)
                     .values(seq=S.audit_head.c.seq))

    def _audit(self, conn: Connection, entries: Sequence[tuple[str, str, str, str, str]]
               ) -> tuple[int, str]:
        """Append (actor, role, action, object, content hash) records to the chain, each
        signed with the current audit key; the last record's (seq, hash)."""
        seq, prev = conn.execute(U_HEAD_TAKE, {"n": len(entries)}).one()
        seq -= len(entries)  # the head is taken (row-locked) until this transaction ends
        rows = []
        at = now()
        key_id = "" if self.keys is None else self.keys.current
        for actor, role, action, obj, content in entries:
            seq += 1
            h = link_hash(seq, at, actor, role, action, obj, content, prev, key_id, self.login)
            mac = "" if self.keys is None else self.keys.mac(key_id, h)
            rows.append({"seq": seq, "at": at, "actor": actor, "role": role,
                         "action": action, "object": obj, "content_hash": content,
                         "prev_hash": prev, "hash": h, "key_id": key_id, "mac": mac,
                         "login": self.login})
            prev = h
        conn.execute(INSERTS["audit"], rows)
        conn.execute(U_HEAD_HASH, {"new_hash": prev})
        return seq, prev

    def _record(self, conn: Connection, table: Table, rows: Sequence[dict[str, Any]],
                by: str, role: str, action: str) -> list[int | str]:
        """The one way a row enters a table that decides money: insert ``rows`` and append
        one audit record for each (``table:key``, the row's content hash).  Returns their
        keys, in order."""
        if not rows:
            return []
        if "id" in rows[0]:
            conn.execute(INSERTS[table.name], list(rows))
            keys: list[int | str] = [r["id"] for r in rows]
        else:
            res = conn.execute(table.insert().returning(table.c.id,
                                                        sort_by_parameter_order=True),
                               list(rows))
            keys = [r[0] for r in res]
        self._audit(conn, [(by, role, action, f"{table.name}:{k}",
                            row_hash(table.name, {**r, "id": k}))
                           for k, r in zip(keys, rows, strict=True)])
        return keys

    def _versioned(self, conn: Connection, table: Table, items: Sequence[V], *,
                   key: Callable[[V], dict[str, Any]], content: Callable[[V], dict[str, Any]],
                   by: str, role: str, actions: tuple[str, str], reason: str,
                   same: Callable[[Row[Any], V], bool] | None = None,
                   refuse: Callable[[list[tuple[V, Row[Any]]]], RegistryError] | None = None,
                   reason_on_first: bool = False) -> list[tuple[V, int, bool]]:
        """Write items as versioned rows (one version per ``key``: contract, line, period),
        under the chain's lock: each is compared with its latest version — with ``same``,
        the same values write nothing; other values are a new version (更正), refused with
        ``refuse`` (given the items and their latest rows; nothing written) when ``reason``
        is blank; every new version (``key`` and ``content``) is inserted and audited
        (:meth:`_record`; ``actions`` = first version, correction).  ``reason`` is stored on
        corrections, and on first versions too with ``reason_on_first``.  Returns (item,
        version, written) per item, in order."""
        self._lock(conn)
        out: list[tuple[V, int, bool]] = []
        changed: list[tuple[V, Row[Any]]] = []
        for x in items:
            last = conn.execute(
                select(table).where(*(table.c[k] == v for k, v in key(x).items()))
                .order_by(table.c.version.desc()).limit(1)).first()
            if last is not None and same is not None and same(last, x):
                out.append((x, last.version, False))
            else:
                out.append((x, 1 if last is None else last.version + 1, True))
                if last is not None:
                    changed.append((x, last))
        if changed and refuse is not None and not reason.strip():
            raise refuse(changed)
        at = now()
        for x, version, written in out:
            if written:
                self._record(conn, table, [{
                    **key(x), **content(x), "version": version,
                    "reason": reason if version > 1 or reason_on_first else "",
                    "recorded_by": by, "recorded_at": at}], by, role,
                    actions[0] if version == 1 else actions[1])
        return out

    @staticmethod
    def _retrying(write: Callable[[], T], field: str, obj: str, term: str) -> T:
        """Run a write transaction again when a concurrent writer took the same version
        first (the unique constraint on the version); after five tries a clear conflict."""
        for _ in range(5):
            try:
                return write()
            except IntegrityError:
                continue
        raise RegistryError("too many writers at once; try again", field=field, value=obj,
                            term=term, code="registry.conflict")

    def anchor(self) -> Anchor:
        """The chain's head now, signed with the audit key: write it outside the database
        (``Anchor.write``; ``outsourcing audit anchor FILE``)."""
        with self._read() as conn:
            seq, h = conn.execute(select(S.audit_head.c.seq, S.audit_head.c.hash)).one()
        a = Anchor(int(seq), str(h), now())
        if self.keys is not None:
            a = attrs.evolve(a, key_id=self.keys.current,
                             mac=self.keys.mac(self.keys.current, a.message()))
        return a

    def audit_trail(self, *, object_prefix: str | None = None, limit: int | None = None
                    ) -> list[AuditRecord]:
        """The audit records, oldest first (optionally only those whose object starts with
        ``object_prefix``, such as ``"statements:"``)."""
        audit = S.audit
        q = select(audit).order_by(audit.c.seq)
        if object_prefix is not None:
            q = q.where(audit.c.object.startswith(object_prefix))
        if limit is not None:
            q = q.limit(limit)
        with self._read() as conn:
            return [AuditRecord(r.seq, r.at, r.actor, r.role, r.action, r.object,
                                r.content_hash, r.prev_hash, r.hash) for r in conn.execute(q)]
