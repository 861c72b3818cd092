"""A month in bulk (批量结算): what a contract's period is settled from, and a chunk of
contracts read with a handful of queries, settled, and written in one transaction.

:func:`inputs_of` is the one place the inputs of a period and their digest are put
together, for :meth:`Store.settle` (one contract, its own queries) and for
:func:`settle_chunk` (many contracts, one query per table): both settle the same statement
from the same inputs, and a rerun of either writes nothing.

A chunk is read in one read transaction (the compiled contracts, the period's assessments,
usage, acceptances, final scores, and the statements of the period and of each previous
one), settled in memory, and written in **one** write transaction: the statements with
``executemany``, their findings, and one append to the audit chain for all of them (a
record per row, as :meth:`~outsourcing.registry.audit.Audited._record` writes them).  A
killed batch leaves each chunk whole or untouched.  When another writer stored a version of
the same period first (the unique constraint), the chunk is written again contract by
contract, each in a savepoint; a contract that still collides is settled again alone.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

import attrs
from sqlalchemy import Connection, Row, Table, func, select, text
from sqlalchemy.exc import IntegrityError

from ..dates import Period
from ..errors import OutsourcingError, RegistryError
from ..performance import Assessment
from ..serialize import structure
from ..settlement import PeriodInput, PreparedContract, settle_compiled
from ..statement import Statement
from ..usage import Usage
from . import chain, compiled, readings
from . import schema as S
from .audit import row_hash
from .common import dumps, now, sha
from .compiled import Compiled
from .documents import FORMAT, carry_of, pack_statement

__all__ = ["CHUNK", "ChunkDone", "Inputs", "inputs_of", "settle_chunk"]

CHUNK = 500
"""Contracts per chunk of a batch: read, settled and written in one transaction each."""

PHASES = ("read", "compute", "encode", "write")


@attrs.frozen
class Inputs:
    """What a contract's period is settled from, as the store holds it when read: the
    prepared terms, the inputs in force, the previous period's statement (its carry) and
    the statement in force; ``digest`` hashes them (equal digests: nothing to write) and
    ``versions`` names the version of each (stored with the statement, read by
    :meth:`Month._why`)."""

    contract_id: str
    prepared: PreparedContract
    assessments: list[Assessment] | PeriodInput
    """The period's assessments in force, or their compact readings
    (:mod:`~outsourcing.registry.readings`)."""
    accepted_on: date | None
    acceptance_due: date | None
    usage: list[Usage]
    final_scores: dict[str, str]
    previous: Any
    current: Any
    digest: str
    versions: dict[str, Any]

    def settle(self, p: Period) -> Statement:
        """The period's statement from these inputs."""
        previous = None if self.previous is None else carry_of(self.previous.carry)
        return settle_compiled(self.prepared, p, self.assessments, previous=previous,
                                    accepted_on=self.accepted_on,
                                    acceptance_due=self.acceptance_due, usage=self.usage,
                                    usage_required=True,
                                    final_scores=self.final_scores or None)


def previous_period(pc: PreparedContract, p: Period) -> Period | None:
    """The period before ``p`` in the contract's term (None for its first)."""
    i = pc.period_index(p)
    return pc.periods[i - 1] if i else None


def inputs_of(contract_id: str, pc: PreparedContract, tl_hash: str, p: Period,
              found: Sequence[tuple[str, int, str]],
              given: list[Assessment] | PeriodInput, acc: Any,
              used: Sequence[tuple[str, int, Usage]], finals: Mapping[str, tuple[int, str]],
              statements: Mapping[str, Any]) -> Inputs:
    """The inputs of ``contract_id``'s period ``p`` and their digest, from what was read:
    the assessments in force (document, version, line) and the assessments themselves or
    their compact readings (``given``), the usage in force (document, version, object), the
    acceptance row in force (or None), every final score in force and the statements in
    force of ``p`` and of the period before it (by period)."""
    i = pc.period_index(p)
    # a final score is an input of the periods that release a holdback by it
    finals = {lid: vs for lid, vs in finals.items()
              if lid in pc.line_index
              and i in pc.lines[pc.line_index[lid]].release_at
              and (hb := pc.lines[pc.line_index[lid]].rule.holdback) is not None
              and hb.needs_result}
    prev_row = None
    if i > 0:
        prev_row = statements.get(str(pc.periods[i - 1]))
        if prev_row is None:
            raise RegistryError(
                f"settle {pc.periods[i - 1]} first: a period carries the previous "
                "one's holdback and history", field="period", value=str(p),
                term="上期结算单", code="registry.previous_missing",
                params={"previous": pc.periods[i - 1]})
    accepted_on = None if acc is None else acc.accepted_on
    acceptance_due = None if acc is None else acc.acceptance_due
    digest = sha(dumps([FORMAT, tl_hash, [d for d, _, _ in found],
                        None if prev_row is None else prev_row.id,
                        None if accepted_on is None else accepted_on.isoformat(),
                        None if acceptance_due is None else acceptance_due.isoformat()]
                       + ([[d for d, _, _ in used]] if used else [])
                       + ([sorted((k, v) for k, (_, v) in finals.items())]
                          if finals else [])))
    versions = {"assessments": {line: v for _, v, line in found},
                "usage": {x.line: v for _, v, x in used},
                "acceptance": None if acc is None else acc.version,
                "final_scores": {k: v for k, (v, _) in finals.items()},
                "decisions": len(getattr(pc.source, "changes", ())),
                "previous": None if prev_row is None else prev_row.id}
    return Inputs(contract_id, pc, given, accepted_on, acceptance_due,
                  [x for _, _, x in used], {k: v for k, (_, v) in finals.items()},
                  prev_row, statements.get(str(p)), digest, versions)


@attrs.frozen
class ChunkDone:
    """What :func:`settle_chunk` did: an outcome per contract — ``(id, kind, version,
    error)`` with ``kind`` one of ``written``, ``corrected``, ``unchanged``, ``failed``
    (with the error) or ``again`` (another writer stored a version first: settle it
    again alone) — and the CPU seconds spent reading, computing, encoding and writing."""

    outcomes: list[tuple[str, str, int | None, OutsourcingError | None]]
    seconds: dict[str, float]


def _latest(rows: Iterable[Row[Any]], key: Any) -> dict[Any, Row[Any]]:
    """The last row of each key (rows ordered by version)."""
    out: dict[Any, Row[Any]] = {}
    for r in rows:
        out[key(r)] = r
    return out


def _by_contract(rows: Iterable[Row[Any]], kind: type[Any]
                 ) -> dict[str, list[tuple[str, int, Any]]]:
    """Assessments or usage in force by contract: (document, version, object) of each line's
    latest version, in line order."""
    latest = _latest(rows, lambda r: (r.contract_id, r.line_id))
    out: dict[str, list[tuple[str, int, Any]]] = {}
    for (cid, _), r in latest.items():
        out.setdefault(cid, []).append((r.document, r.version, structure(
            json.loads(r.document), kind)))
    return out


class _Chunk:
    """The inputs of a chunk of contracts for one period, read with one query per table."""

    def __init__(self, store: Any, conn: Connection, ids: Sequence[str], p: Period) -> None:
        self.p = p
        self.prepared: dict[str, tuple[PreparedContract, str]] = {}
        self.failed: dict[str, OutsourcingError] = {}
        prepared, self.fresh = store._prepared_many(conn, ids)
        for cid, pc_key in prepared.items():
            if isinstance(pc_key, OutsourcingError):
                self.failed[cid] = pc_key
            else:
                self.prepared[cid] = pc_key
        ids = list(self.prepared)
        ps = str(p)
        line_cols = ("contract_id", "line_id", "version", "document")
        u = S.usage_records
        self.used = _by_contract(conn.execute(
            select(*(u.c[k] for k in line_cols)).where(u.c.contract_id.in_(ids), u.c.period == ps)
            .order_by(u.c.contract_id, u.c.line_id, u.c.version)), Usage)
        self._assessments(store, conn, ids, ps)
        acc = S.acceptances
        self.acc = _latest(conn.execute(
            select(acc).where(acc.c.contract_id.in_(ids), acc.c.period == ps)
            .order_by(acc.c.version)), lambda r: r.contract_id)
        fs = S.final_scores
        self.finals: dict[str, dict[str, tuple[int, str]]] = {}
        for r in conn.execute(select(fs.c.contract_id, fs.c.line_id, fs.c.version, fs.c.score)
                              .where(fs.c.contract_id.in_(ids))
                              .order_by(fs.c.contract_id, fs.c.line_id, fs.c.version)):
            self.finals.setdefault(r.contract_id, {})[r.line_id] = (r.version, r.score)
        periods = {ps}
        for cid, (pc, _) in list(self.prepared.items()):
            try:
                prev = previous_period(pc, p)
            except OutsourcingError as exc:
                self.failed[cid] = exc
                del self.prepared[cid]
                continue
            if prev is not None:
                periods.add(str(prev))
        st = S.statements
        cols = [c for c in st.c if c.name != "document"]
        self.statements: dict[str, dict[str, Any]] = {}
        rows = conn.execute(select(*cols).where(st.c.contract_id.in_(list(self.prepared)),
                                                st.c.period.in_(sorted(periods)))
                            .order_by(st.c.version)).all()
        for (cid, period), row in _latest(rows, lambda r: (r.contract_id, r.period)).items():
            self.statements.setdefault(cid, {})[period] = row

    def _assessments(self, store: Any, conn: Connection, ids: Sequence[str], ps: str
                     ) -> None:
        """The period's assessments in force: their compact readings of each contract's
        compiled terms where all are kept, else the assessments themselves (whose readings
        are then made, to be kept)."""
        a = S.assessments
        latest = _latest(conn.execute(
            select(a.c.id, a.c.contract_id, a.c.line_id, a.c.version, a.c.document)
            .where(a.c.contract_id.in_(ids), a.c.period == ps)
            .order_by(a.c.contract_id, a.c.line_id, a.c.version)),
            lambda r: (r.contract_id, r.line_id))
        kept = readings.stored(conn, [r.id for r in latest.values()])
        rows: dict[str, list[Row[Any]]] = {}
        for (cid, _), r in latest.items():
            rows.setdefault(cid, []).append(r)
        self.found: dict[str, list[tuple[str, int, str]]] = {}
        self.given: dict[str, list[Assessment] | PeriodInput] = {}
        self.readings: list[readings.Reading] = []
        for cid, (pc, key) in self.prepared.items():
            mine = rows.get(cid, [])
            self.found[cid] = [(r.document, r.version, r.line_id) for r in mine]
            rk = compiled.rules_key(store.plugins, pc.contract.jurisdiction)
            texts = [next((x.reading for x in kept.get(r.id, ())
                           if x.terms_hash == key and x.rules_key == rk
                           and readings.trusted(store.keys, x, sha(r.document))), None)
                     for r in mine]
            given = (None if not mine or None in texts else
                     readings.input_of(pc, [(r.line_id, str(t)) for r, t in zip(mine, texts,
                                                                          strict=True)]))
            if given is not None:
                self.given[cid] = given
                continue
            objs = [structure(json.loads(r.document), Assessment) for r in mine]
            self.given[cid] = objs
            for r, x, t in zip(mine, objs, texts, strict=True):
                if t is None and (made := readings.reading_of(pc, x)) is not None:
                    self.readings.append((r.id, sha(r.document), key, rk, made))

    def inputs(self, cid: str) -> Inputs:
        pc, key = self.prepared[cid]
        return inputs_of(cid, pc, key, self.p, self.found.get(cid, []), self.given[cid],
                         self.acc.get(cid),
                         self.used.get(cid, []), self.finals.get(cid, {}),
                         self.statements.get(cid, {}))


def _clock() -> float:
    return time.process_time()


def settle_chunk(store: Any, ids: Sequence[str], p: Period, by: str, role: str
                 ) -> ChunkDone:
    """Settle ``ids``' period ``p`` (see the module's docstring) as ``by`` acting as
    ``role``; a contract that cannot be settled is the outcome ``failed``."""
    seconds = dict.fromkeys(PHASES, 0.0)
    t = _clock()
    outcomes: dict[str, tuple[str, str, int | None, OutsourcingError | None]] = {}
    todo: list[tuple[Inputs, str]] = []
    with store._read() as conn:
        chunk = _Chunk(store, conn, ids, p)
        for cid, exc in chunk.failed.items():
            outcomes[cid] = (cid, "failed", None, exc)
        for cid in chunk.prepared:
            try:
                x = chunk.inputs(cid)
            except OutsourcingError as exc:
                outcomes[cid] = (cid, "failed", None, exc)
                continue
            cur = x.current
            if cur is not None and cur.inputs_hash == x.digest:
                outcomes[cid] = (cid, "unchanged", cur.version, None)
                continue
            why = ""
            if cur is not None:
                full = conn.execute(select(S.statements).where(
                    S.statements.c.id == cur.id)).one()
                why = store._why(conn, cid, str(p), full, x.versions, x.prepared, x.previous)
            todo.append((x, why))
    seconds["read"] += _clock() - t
    t = _clock()
    settled: list[tuple[Inputs, Statement, str]] = []
    for x, why in todo:
        try:
            settled.append((x, x.settle(p), why))
        except OutsourcingError as exc:
            outcomes[x.contract_id] = (x.contract_id, "failed", None, exc)
    seconds["compute"] += _clock() - t
    t = _clock()
    at = now()
    rows = [_statement_row(x, st, why, by, at) for x, st, why in settled]
    seconds["encode"] += _clock() - t
    t = _clock()
    for (x, _, _), (values, _), kind in zip(
            settled, rows, _write_chunk(store, rows, by, role, chunk.fresh, chunk.readings),
            strict=True):
        outcomes[x.contract_id] = (x.contract_id, kind, values["version"], None)
    seconds["write"] += _clock() - t
    return ChunkDone([outcomes[cid] for cid in ids], seconds)


def _statement_row(x: Inputs, st: Statement, why: str, by: str, at: str
                   ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The statement's row and its findings' rows (without the statement's id)."""
    current = x.current
    version = 1 if current is None else current.version + 1
    doc, carry = pack_statement(st, x.versions["decisions"], x.versions, why)
    period = str(st.period)
    values = {"contract_id": x.contract_id, "period": period, "version": version,
              "supersedes": None if current is None else current.id,
              "inputs_hash": x.digest, "payable_fen": st.payable.fen,
              "difference_fen": st.payable.fen - (0 if current is None else
                                                   current.payable_fen),
              "document": doc, "carry": carry, "settled_by": by, "settled_at": at,
              "due_on": st.due_on}
    found = [{"contract_id": x.contract_id, "period": period, "code": f.code,
              "severity": f.severity.value, "message": f.message} for f in st.findings]
    return values, found


_FINDING_COLUMNS = S.HASHED["findings"] + S.HASHED_LATER.get("findings", ())
_FINDING_HASH = chain.row_hasher(S.HASHED["findings"], S.HASHED_LATER.get("findings", ()),
                                 ["int", "int", "text", "text", "text", "text", "text"])
""":func:`row_hash` of a finding's row (every column a whole number or text), its format
built once."""


def _next_ids(conn: Connection, table: Table, n: int) -> list[int]:
    """``n`` new ids of ``table``, so that its rows are inserted with one ``executemany``
    (no ``RETURNING``, which SQLite answers row by row when the order is asked): on
    PostgreSQL from the table's sequence; on SQLite after the largest id, under the write
    lock every write transaction takes first (``BEGIN IMMEDIATE``)."""
    if conn.dialect.name == "postgresql":
        return list(conn.execute(text(
            f"SELECT nextval(pg_get_serial_sequence('{table.name}', 'id')) "
            "FROM generate_series(1, :n)"), {"n": n}).scalars())
    top = conn.execute(select(func.max(table.c.id))).scalar_one() or 0
    return list(range(top + 1, top + 1 + n))


def _insert(store: Any, conn: Connection,
            rows: Sequence[tuple[dict[str, Any], list[dict[str, Any]]]], by: str,
            role: str) -> None:
    """Insert statements and their findings (``executemany``) and append one audit record
    for each row, all in one append to the chain."""
    st, fi = S.statements, S.findings
    statements = [{**v, "id": sid}
                  for sid, (v, _) in zip(_next_ids(conn, st, len(rows)), rows, strict=True)]
    findings: list[dict[str, Any]] = []
    entries = []
    for values, (_, found) in zip(statements, rows, strict=True):
        action = "settle" if values["version"] == 1 else "correct"
        entries.append((by, role, action, f"statements:{values['id']}",
                        row_hash("statements", values)))
        findings += [{"statement_id": values["id"], **f, "action": action} for f in found]
    for fid, f in zip(_next_ids(conn, fi, len(findings)) if findings else [], findings,
                      strict=True):
        f["id"] = fid
        entries.append((by, role, f.pop("action"), f"findings:{fid}",
                        _FINDING_HASH(tuple(f.get(c) for c in _FINDING_COLUMNS))))
    conn.execute(st.insert(), statements)
    if findings:
        conn.execute(fi.insert(), findings)
    store._audit(conn, entries)


def _write_chunk(store: Any, rows: Sequence[tuple[dict[str, Any], list[dict[str, Any]]]],
                 by: str, role: str, fresh: Sequence[Compiled] = (),
                 made: Sequence[readings.Reading] = ()) -> list[str]:
    """Write a chunk's statements in one transaction: all at once, or — when another writer
    stored a version of one of them first — one savepoint per contract; and keep the
    contracts compiled for it (``fresh``).  Each contract's outcome: ``written``,
    ``corrected`` or ``again`` (settle it again alone)."""
    kinds = ["written" if v["version"] == 1 else "corrected" for v, _ in rows]
    if not rows and not made and not any(compiled.encode(pc) is not None
                                         for *_, pc in fresh[:1]):
        return kinds
    with store._write() as conn:
        compiled.keep(conn, store.keys, fresh)
        readings.keep(conn, store.keys, made)
        if not rows:
            return kinds
        try:
            with conn.begin_nested():
                _insert(store, conn, rows, by, role)
            return kinds
        except IntegrityError:
            pass
        for n, row in enumerate(rows):
            try:
                with conn.begin_nested():
                    _insert(store, conn, [row], by, role)
            except IntegrityError:
                kinds[n] = "again"
    return kinds

