"""What ``verify`` asks the database (private): the queries for one kind of database, and the
content hash of each row a chunk's records cover — written (and on PostgreSQL hashed) by the
database where it can, computed in Python where it cannot (:mod:`outsourcing.registry.verify`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any

import attrs
from sqlalchemy import Date, Integer, LargeBinary, String

from . import chain
from . import schema as S

Rows = Mapping[str, Mapping[str, str]]
"""The content hash of each row a chunk's records cover, by table and id."""



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
class Queries:
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
def queries(dialect: str) -> Queries:
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
    return Queries(chunk.format(link), rows, chunk.format("NULL"), not sqlite, sqlite)


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


def hashes_of(cur: Any, p: str, q: Queries, covered: Mapping[str, list[str]]
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
            python_hashes(cur, p, table, keys, found)
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
            python_hashes(cur, p, table, left, found)
        out[table] = found
    return out


def python_hashes(cur: Any, p: str, table: str, keys: Sequence[str], found: dict[str, str]
                   ) -> None:
    """Rows' hashes computed in Python from their values (:func:`chain.row_hash`)."""
    hasher = ROW_HASHERS[table]
    for sql, params in _batches(Q_ROWS[table], p, table, keys):
        cur.execute(sql, tuple(params))
        while rows := cur.fetchmany(10_000):
            for x in rows:
                found[str(x[0])] = hasher(x)


def python_hash(cur: Any, p: str, table: str, key: str) -> str | None:
    """One row's hash computed in Python (the check of a row whose database-written text
    did not match); None when there is no such row."""
    found: dict[str, str] = {}
    python_hashes(cur, p, table, [key], found)
    return found.get(key)
