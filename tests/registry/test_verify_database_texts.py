"""``verify`` lets the database write the canonical text of each audit record and of each
row it covers (and PostgreSQL hash it): the text must be, character for character, the one
:func:`~outsourcing.registry.chain.link_hash` and :func:`~.chain.row_hash` hash, and a value
the database writes otherwise (SQLite's blobs and floats) must still be found, in Python."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import date
from json.encoder import encode_basestring
from typing import Any

import pytest
import sqlalchemy as sa
from test_tampering import _keys, populate

from outsourcing.registry import Store, row_hash
from outsourcing.registry import schema as S
from outsourcing.registry._verify_rows import AUDIT_COLUMNS, Q_ROWS, ROW_HASHERS, queries
from outsourcing.registry.chain import link_hash

CHARS = [chr(i) for i in [*range(0x11000), 0x1F600, 0xFFFFF, 0x10FFFF] if not
         0xD800 <= i < 0xE000]
"""Every character of the first planes (all the escapes JSON has), and a few beyond."""


def test_sqlite_quotes_every_character_as_the_canonical_form() -> None:
    c = sqlite3.connect(":memory:")
    texts = [f"a{ch}b" for ch in CHARS]
    quoted = [c.execute("SELECT json_quote(?), json_array(?, 7)", (t, t)).fetchone()
              for t in texts]
    assert [q for q, _ in quoted] == [encode_basestring(t) for t in texts]
    assert [a for _, a in quoted] == [f"[{encode_basestring(t)},7]" for t in texts]


def test_sqlite_writes_a_float_with_a_decimal_point_never_as_a_whole_number() -> None:
    c = sqlite3.connect(":memory:")
    for x in (1.0, 100.0, 1e20, -0.0, 1e300 * 10):
        assert any(ch in c.execute("SELECT json_quote(?)", (x,)).fetchone()[0] for ch in ".e")


def test_postgresql_quotes_every_character_as_the_canonical_form(db_url: str) -> None:
    if not db_url.startswith("postgresql"):
        return  # the SQLite case is the test above
    engine = sa.create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
    texts = [f"a{ch}b" for ch in CHARS if ch != "\0"]  # PostgreSQL text holds no NUL
    with engine.connect() as c:
        got = c.execute(sa.text("SELECT to_json(x)::text FROM unnest(CAST(:t AS text[])) "
                                "WITH ORDINALITY u(x, i) ORDER BY i"), {"t": texts}).scalars()
        assert list(got) == [encode_basestring(t) for t in texts]
    engine.dispose()


HOSTILE = "a\"\\\n\t\x01\x1f\x7f\u2028%s%%'é中😀"


def _value(column: sa.Column[Any], inserted: dict[str, dict[str, Any]], nul: bool) -> Any:
    for fk in column.foreign_keys:
        return inserted[fk.column.table.name][fk.column.name]
    t = column.type
    if isinstance(t, sa.Integer):
        if column.primary_key:
            return 1
        return -(2 ** 40) if isinstance(t, sa.BigInteger) else -7
    if isinstance(t, sa.Date):
        return date(2024, 2, 29)
    if isinstance(t, sa.LargeBinary):
        return b"\x00\xff{}"
    text = HOSTILE + ("\0" if nul else "")
    return text[: t.length] if getattr(t, "length", None) else text


def test_the_database_writes_each_row_and_record_as_python_hashes_it(db_url: str) -> None:
    """One row in every audited table (every later column holding a value) and one record,
    each holding quotes, backslashes, control characters, %, a quote mark, Chinese and an
    emoji (and NUL on SQLite): the database's text (or hash) is Python's."""
    r = Store.open(db_url)
    dialect = r.engine.dialect.name
    q, inserted = queries(dialect), {}
    with r.engine.begin() as c:
        for table in S.metadata.sorted_tables:
            if table.name not in S.HASHED:
                continue
            row = {col.name: _value(col, inserted, dialect == "sqlite")
                   for col in table.columns}
            c.execute(table.delete())
            c.execute(table.insert().values(**row))
            inserted[table.name] = row
        for name in inserted:
            expected = row_hash(name, dict(c.execute(
                sa.select(S.metadata.tables[name])).one()._mapping))
            raw = c.exec_driver_sql(Q_ROWS[name]).one()
            assert ROW_HASHERS[name](tuple(raw)) == expected, name
            if name in q.rows:
                _, text = c.exec_driver_sql(q.rows[name]).one()
                got = text if q.db_hashes else hashlib.sha256(text.encode()).hexdigest()
                assert got == expected, name
        fields = {"seq": 10 ** 12, "at": HOSTILE, "actor": HOSTILE, "role": HOSTILE[:40],
                  "action": HOSTILE, "object": HOSTILE, "content_hash": HOSTILE,
                  "prev_hash": HOSTILE, "hash": "", "key_id": HOSTILE, "mac": "",
                  "login": ""}
        for key_id in (HOSTILE, ""):
            c.execute(S.audit.delete())
            c.execute(S.audit.insert().values(**{**fields, "key_id": key_id}))
            p = "?" if dialect == "sqlite" else "%s"
            *_, text = c.exec_driver_sql(q.chunk.format(p=p), (0, 10)).one()
            got = text if q.db_hashes else hashlib.sha256(text.encode()).hexdigest()
            assert got == link_hash(*(fields[k] if k != "key_id" else key_id
                                      for k in AUDIT_COLUMNS if k not in ("hash", "mac")))
    r.close()


@pytest.mark.parametrize(("sql", "reason"), [
    ("UPDATE payments SET reference = X'00ff' WHERE id = 1", "the row payments:1 was edited"),
    ("UPDATE payments SET amount_fen = amount_fen + 0.5 WHERE id = 1",
     "the row payments:1 was edited"),
    ("UPDATE audit SET actor = CAST(actor AS BLOB) WHERE seq = 5", "the record was altered"),
    ("UPDATE audit SET at = 1.5 WHERE seq = 5", "the record was altered"),
    ("UPDATE audit SET object = CAST(object AS BLOB) WHERE seq = 5", "the record was altered"),
    ("UPDATE audit SET action = CAST(action AS BLOB) WHERE seq = 5", "the record was altered"),
])
def test_a_value_of_another_storage_class_in_sqlite_is_found_in_python(
        tmp_path: Any, sql: str, reason: str) -> None:
    """SQLite keeps any value in any column: a blob where text was (the database cannot
    write it as JSON) or a float where a whole number was (it writes it otherwise) is
    checked in Python and reported, never a crash nor a match."""
    r = populate(f"sqlite:///{tmp_path / 'registry.db'}", _keys())
    assert r.verify().ok
    with r.engine.begin() as c:
        c.execute(sa.text(sql))
    v = r.verify()
    assert (v.ok, v.reason) == (False, reason)
    r.close()
