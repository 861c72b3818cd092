"""The tampering suite: what a dishonest database owner can do with plain SQL, and what
``verify`` finds — without the key or an anchor, with the key, with an anchor, with both.

One populated registry per backend (a keyed chain, every money table holding rows, a denied
record, a role granted later, an anchor at the end); each kind of tampering runs in a
transaction that ``verify`` reads through and that is rolled back after.  With the key held
outside the database and an anchor, every kind is detected; the table of
``docs/registry.md`` ("What verify detects") is the measured result, checked row by row.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from conftest import pg_schema_url
from registry_cases import appoint, assessment, contract, found

import outsourcing as o
from outsourcing.registry import Anchor, AuditKeys, Store
from outsourcing.registry.chain import link_hash
from outsourcing.registry.store import row_hash

DOC = Path(__file__).resolve().parents[2] / "docs" / "registry.md"
CID = "NX-2022-001"
Tamper = Callable[[sa.Connection], None]


def _keys() -> AuditKeys:
    return AuditKeys({"k1": secrets.token_bytes(32)}, "k1")


def populate(url: str, keys: AuditKeys) -> Store:
    r = found(Store.open(url, keys=keys))
    appoint(r, "zhao", "赵经办", ["officer"])
    appoint(r, "qian", "钱考核", ["assessor"])
    appoint(r, "sun", "孙财务", ["finance"])
    appoint(r, "zhou", "周财务", ["finance"])
    r.grant_role("qian", "officer", by="zhang")
    r.confirm_role("qian", "officer", by="li")
    r.add_contract(contract(), by="zhao")
    r.propose_change(CID, o.Change(
        "CH-1", o.AddLine(o.ServiceLine("greening", "greening", "自治区政府办公区",
                                        o.FixedMonthly("4000.00"))),
        "volume_change", "新增绿化面积", date(2022, 3, 1), "采购人"), by="zhao")
    r.sign_change(CID, "CH-1", by="wang", today=date(2022, 2, 20))
    jan, feb = o.Period.month(2022, 1), o.Period.month(2022, 2)
    for line in ("property", "cleaning"):
        r.record_assessment(CID, assessment(line, jan), by="qian")
    r.record_assessment(CID, assessment("property", feb), by="qian")  # cleaning missing
    s1 = r.settle(CID, jan, by="sun")
    r.settle(CID, feb, by="sun")                                       # with a finding
    r.record_payment(CID, jan, s1.statement.payable, date(2022, 2, 20), by="zhou")
    with pytest.raises(o.AccessDenied):
        r.settle(CID, jan, by="mallory")                               # a denied record
    r.record_payment(CID, feb, o.Money("1000.00"), date(2022, 3, 20), by="zhou")
    return r


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def populated(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
              pg_database: str | None) -> Iterator[tuple[Store, Anchor]]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('tamper') / 'registry.db'}"
    elif pg_database is None:
        import os

        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is required when CI is set")
        pytest.skip("PostgreSQL unreachable")
    else:
        url = pg_schema_url(pg_database)
    r = populate(url, _keys())
    anchor = r.anchor()
    assert r.verify(anchors=[anchor]).ok
    yield r, anchor
    r.close()


# --- what the attacker can compute (everything but a MAC) ------------------------------------

def _records(c: sa.Connection, since: int = 1) -> list[Any]:
    return c.execute(sa.text("SELECT * FROM audit WHERE seq >= :s ORDER BY seq"),
                     {"s": since}).all()


def _relink(c: sa.Connection, since: int, *, rehash_rows: bool = True) -> None:
    """Recompute every record from ``since``: its content hash from the row as it now is,
    its link to the previous record, its own hash, and the head.  The MAC stays as it was:
    the attacker does not hold the key."""
    prev = c.execute(sa.text("SELECT hash FROM audit WHERE seq = :s"),
                     {"s": since - 1}).scalar() or "0" * 64
    seq = since - 1
    for r in _records(c, since):
        seq += 1
        content = r.content_hash
        table, _, key = r.object.partition(":")
        if rehash_rows and table in o.registry.schema.HASHED and not r.action.startswith(
                "denied:"):
            t = o.registry.schema.metadata.tables[table]
            row = c.execute(sa.select(t).where(sa.cast(t.c.id, sa.String) == key)).first()
            if row is not None:
                content = row_hash(table, dict(row._mapping))
        h = link_hash(seq, r.at, r.actor, r.role, r.action, r.object, content, prev,
                      r.key_id, r.login)
        c.execute(sa.text("UPDATE audit SET seq = :n, content_hash = :c, prev_hash = :p, "
                          "hash = :h WHERE seq = :s"),
                  {"n": seq, "c": content, "p": prev, "h": h, "s": r.seq})
        prev = h
    c.execute(sa.text("UPDATE audit_head SET seq = :s, hash = :h"), {"s": seq, "h": prev})


def _sql(*statements: str) -> Tamper:
    def run(c: sa.Connection) -> None:
        for s in statements:
            c.execute(sa.text(s))
    return run


def _then_relink(first: str, *statements: str) -> Tamper:
    """Tamper, then recompute the chain from the first record covering ``first``."""
    def run(c: sa.Connection) -> None:
        since = c.execute(sa.text("SELECT min(seq) FROM audit WHERE object = :o"),
                          {"o": first}).scalar_one()
        for s in statements:
            c.execute(sa.text(s))
        _relink(c, since)
    return run


def _drop_record(c: sa.Connection, seq: int) -> None:
    """Delete a record, renumber the ones after it, recompute the chain from there."""
    c.execute(sa.text("DELETE FROM audit WHERE seq = :s"), {"s": seq})
    for r in _records(c, seq + 1):
        c.execute(sa.text("UPDATE audit SET seq = seq - 1 WHERE seq = :s"), {"s": r.seq})
    _relink(c, seq)


def _delete_denied_and_relink(c: sa.Connection) -> None:
    _drop_record(c, c.execute(sa.text("SELECT max(seq) FROM audit WHERE action LIKE "
                                      "'denied:%'")).scalar_one())


def _delete_payment_and_its_record(c: sa.Connection) -> None:
    c.execute(sa.text("DELETE FROM payments WHERE id = 1"))
    _drop_record(c, c.execute(sa.text("SELECT seq FROM audit WHERE object = 'payments:1'"))
                 .scalar_one())


def _truncate(c: sa.Connection) -> None:
    last = c.execute(sa.text("SELECT max(seq) FROM audit")).scalar_one()
    c.execute(sa.text("DELETE FROM payments WHERE id = (SELECT max(id) FROM payments)"))
    c.execute(sa.text("DELETE FROM audit WHERE seq = :s"), {"s": last})
    h = c.execute(sa.text("SELECT hash FROM audit WHERE seq = :s"), {"s": last - 1}).scalar()
    c.execute(sa.text("UPDATE audit_head SET seq = :s, hash = :h"), {"s": last - 1, "h": h})


def _forge_payment(c: sa.Connection) -> None:
    """A payment row and a new audit record for it, as zhou, with every hash right."""
    c.execute(sa.text(
        "INSERT INTO payments (contract_id, period, amount_fen, paid_on, reference, "
        "recorded_by, recorded_at) VALUES ('NX-2022-001', '2022-02', 500000, '2022-03-25', "
        "'', 'zhou', '2022-03-25T00:00:00+00:00')"))
    t = o.registry.schema.payments
    row = c.execute(sa.select(t).order_by(t.c.id.desc()).limit(1)).one()
    head = c.execute(sa.text("SELECT seq, hash FROM audit_head")).one()
    last = _records(c, head.seq)[0]
    seq = head.seq + 1
    content = row_hash("payments", dict(row._mapping))
    h = link_hash(seq, last.at, "zhou", "finance", "record_payment", f"payments:{row.id}",
                  content, head.hash, last.key_id, last.login)
    c.execute(sa.text("INSERT INTO audit (seq, at, actor, role, action, object, content_hash, "
                      "prev_hash, hash, key_id, mac, login) VALUES (:s, :at, 'zhou', "
                      "'finance', 'record_payment', :o, :c, :p, :h, :k, :m, :l)"),
              {"s": seq, "at": last.at, "o": f"payments:{row.id}", "c": content,
               "p": head.hash, "h": h, "k": last.key_id, "m": last.mac, "l": last.login})
    c.execute(sa.text("UPDATE audit_head SET seq = :s, hash = :h"), {"s": seq, "h": h})


def _strip_signatures(c: sa.Connection) -> None:
    """Rewrite the whole chain unsigned, with one amount changed: a consistent chain with
    no key."""
    c.execute(sa.text("UPDATE payments SET amount_fen = amount_fen - 100 WHERE id = 1"))
    c.execute(sa.text("UPDATE audit SET key_id = '', mac = '', login = ''"))
    _relink(c, 1)


def _cover_row(c: sa.Connection) -> None:
    """Add a contract line and an audit record for it at the end, every hash right."""
    c.execute(sa.text("INSERT INTO contract_lines (contract_id, line_id, service, site) "
                      "VALUES ('NX-2022-001', 'x', 'greening', '别处')"))
    t = o.registry.schema.contract_lines
    row = c.execute(sa.select(t).order_by(t.c.id.desc()).limit(1)).one()
    head = c.execute(sa.text("SELECT seq, hash FROM audit_head")).one()
    seq = head.seq + 1
    content = row_hash("contract_lines", dict(row._mapping))
    h = link_hash(seq, "2022-03-25T00:00:00+00:00", "zhao", "officer", "add_contract",
                  f"contract_lines:{row.id}", content, head.hash)
    c.execute(sa.text("INSERT INTO audit (seq, at, actor, role, action, object, content_hash, "
                      "prev_hash, hash) VALUES (:s, '2022-03-25T00:00:00+00:00', 'zhao', "
                      "'officer', 'add_contract', :o, :c, :p, :h)"),
              {"s": seq, "o": f"contract_lines:{row.id}", "c": content, "p": head.hash,
               "h": h})
    c.execute(sa.text("UPDATE audit_head SET seq = :s, hash = :h"), {"s": seq, "h": h})


KINDS: dict[str, Tamper] = {
    "statement-edit": _sql("UPDATE statements SET payable_fen = payable_fen + 100000 "
                           "WHERE id = 1"),
    "statement-delete": _sql("DELETE FROM findings WHERE statement_id = 2",
                             "DELETE FROM statements WHERE id = 2"),
    "statement-derived-edit": _sql("UPDATE statements SET due_on = NULL WHERE id = 1"),
    "payment-edit": _sql("UPDATE payments SET amount_fen = amount_fen + 100 WHERE id = 1"),
    "payment-delete": _sql("DELETE FROM payments WHERE id = 1"),
    "payment-insert": _sql(
        "INSERT INTO payments (contract_id, period, amount_fen, paid_on, reference, "
        "recorded_by, recorded_at) VALUES ('NX-2022-001', '2022-02', 100, '2022-03-01', '', "
        "'zhou', 'x')"),
    "assessment-edit": _sql("UPDATE assessments SET document = replace(document, "
                            "'\"95\"', '\"99\"') WHERE id = 1"),
    "assessment-delete": _sql("DELETE FROM assessments WHERE id = 3"),
    "contract-edit": _sql("UPDATE contracts SET document = replace(document, '80000.00', "
                          "'90000.00')"),
    "contract-line-edit": _sql("UPDATE contract_lines SET site = '别处' WHERE id = 1"),
    "contract-line-delete": _sql("DELETE FROM contract_lines WHERE id = 2"),
    "contract-line-insert": _sql("INSERT INTO contract_lines (contract_id, line_id, service, "
                                 "site) VALUES ('NX-2022-001', 'x', 'greening', '别处')"),
    "finding-edit": _sql("UPDATE findings SET message = '无' WHERE id = 1"),
    "finding-delete": _sql("DELETE FROM findings WHERE id = 1"),
    "finding-insert": _sql("INSERT INTO findings (statement_id, contract_id, period, code, "
                           "severity, message) VALUES (1, 'NX-2022-001', '2022-01', 'x', "
                           "'info', 'x')"),
    "change-edit": _sql("UPDATE changes SET document = replace(document, '4000.00', "
                        "'9000.00')"),
    "decision-edit": _sql("UPDATE change_decisions SET decided_by = 'li'"),
    "actor-roles-edit": _sql("UPDATE actors SET roles = 'approver,finance' WHERE id = 'zhou'"),
    "actor-insert": _sql("INSERT INTO actors (id, name, roles, recorded_by, recorded_at) "
                         "VALUES ('wang2', '王二', 'approver', 'wang', 'x')"),
    "grant-insert": _sql("INSERT INTO actor_roles (actor_id, role, proposal_id, recorded_at) "
                         "VALUES ('zhou', 'approver', 1, 'x')"),
    "confirmation-edit": _sql("UPDATE confirmations SET confirmed_by = 'zhang' WHERE id = 3"),
    "record-edit": _sql("UPDATE audit SET actor = 'mallory' WHERE seq = 5"),
    "record-delete": _sql("DELETE FROM audit WHERE seq = 7"),
    "denied-delete-relink": _delete_denied_and_relink,
    "truncate-reset-head": _truncate,
    "amount-edit-relink": _then_relink("payments:1", "UPDATE payments SET amount_fen = "
                                       "amount_fen + 100 WHERE id = 1"),
    "row-and-record-delete-relink": _delete_payment_and_its_record,
    "forged-payment-as-another": _forge_payment,
    "forged-line-unsigned": _cover_row,
    "chain-rewritten-unsigned": _strip_signatures,
}


def _found(store: Store, anchor: Anchor, tamper: Tamper) -> tuple[bool, bool, bool, bool]:
    keyless = Store(store.engine, store.url, store.plugins, keys=None)
    with store.engine.connect() as c:
        tx = c.begin()
        try:
            tamper(c)

            @contextmanager
            def through() -> Iterator[sa.Connection]:
                yield c

            store._read = through  # type: ignore[method-assign]
            keyless._read = through  # type: ignore[method-assign]
            out = (not keyless.verify().ok, not store.verify().ok,
                   not keyless.verify(anchors=[anchor]).ok,
                   not store.verify(anchors=[anchor]).ok)
        finally:
            del store._read
            tx.rollback()
    return out


def documented() -> dict[str, tuple[bool, bool, bool, bool]]:
    """The detection table of docs/registry.md: kind → (neither, key, anchor, both)."""
    text = DOC.read_text(encoding="utf-8").split("### What verify detects", 1)[1]
    rows = re.findall(r"^\| `([a-z-]+)` \|[^|]*\|([^|]*)\|([^|]*)\|([^|]*)\|([^|]*)\|$", text,
                      re.M)
    return {k: tuple(x.strip() == "✓" for x in cells)  # type: ignore[misc]
            for k, *cells in rows}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_kind_of_tampering_is_detected_with_the_key_and_an_anchor_as_documented(
        populated: tuple[Store, Anchor], kind: str) -> None:
    store, anchor = populated
    measured = _found(store, anchor, KINDS[kind])
    assert measured[3], f"{kind} is not detected with the key and an anchor"
    assert documented().get(kind) == measured, (
        f"docs/registry.md's row for {kind} says {documented().get(kind)}, measured "
        f"{measured}")
    assert store.verify(anchors=[anchor]).ok  # rolled back: the chain is whole again


def test_the_detection_table_lists_exactly_the_kinds_tested() -> None:
    assert sorted(documented()) == sorted(KINDS)


def test_a_forged_anchor_is_refused_with_the_key(populated: tuple[Store, Anchor],
                                                 tmp_path: Path) -> None:
    store, anchor = populated
    path = anchor.write(tmp_path / "anchor.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    data["hash"] = "f" * 64
    path.write_text(json.dumps(data), encoding="utf-8")
    v = store.verify(anchors=[Anchor.read(path)])
    assert not v.ok and "not signed with the audit key" in v.reason
    assert store.verify(anchors=[Anchor.read(tmp_path / "anchor.json")]).ok is False
    assert store.verify(anchors=[anchor]).ok


def test_every_table_that_holds_data_is_covered_by_the_chain() -> None:
    from outsourcing.registry import schema

    assert set(schema.metadata.tables) - set(schema.HASHED) == set(schema.UNAUDITED)
