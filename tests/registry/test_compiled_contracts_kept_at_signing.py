"""A contract is compiled once, when it is recorded or a change of it is decided, and the
compiled form is kept beside its documents (``compiled_contracts``): a month settles from it
without parsing the contract's documents; a form of other rules is compiled again and kept;
a form changed in the database is not read (signed with the audit key) and the month
settles the same statement from the documents."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from registry_cases import assessment, contract, staffed

import outsourcing as o
from outsourcing.registry import Store
from outsourcing.registry import compiled as kept
from outsourcing.registry import contracts as stored_contracts
from outsourcing.registry.chain import KEY_ENV

JAN = o.Period.month(2022, 1)
CID = "NX-2022-001"


def _rows(r: Store) -> list[tuple[str, int]]:
    with r.engine.connect() as c:
        return [(x.contract_id, x.decisions) for x in c.execute(sa.text(
            "SELECT contract_id, decisions FROM compiled_contracts ORDER BY id"))]


def _month(r: Store) -> None:
    r.add_contract(contract(CID), by="zhao")
    r.record_assessments(CID, [assessment("property", JAN), assessment("cleaning", JAN)],
                         by="qian")


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    parsed: list[str] = []
    real = stored_contracts.terms_of

    def counting(doc: str) -> Any:
        parsed.append(doc)
        return real(doc)
    monkeypatch.setattr(stored_contracts, "terms_of", counting)
    return parsed


def test_a_month_in_a_fresh_process_settles_from_the_form_kept_at_signing(
        db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    r = staffed(db_url)
    _month(r)
    assert _rows(r) == [(CID, 0)]
    fresh = Store.open(db_url, migrate=False)  # a new process: nothing compiled in memory
    parsed = _no_parsing(monkeypatch)
    assert fresh.settle_all(JAN, by="sun", workers=1).written == (CID,)
    assert parsed == []  # the contract's document was never read into objects
    assert fresh.statement(CID, JAN).payable == r.statement(CID, JAN).payable


def test_a_decided_change_keeps_a_new_form_and_the_month_uses_it(db_url: str) -> None:
    r = staffed(db_url)
    _month(r)
    r.propose_change(CID, o.Change("CH-1", o.Suspend("cleaning"), "force_majeure", "疫情",
                                   date(2022, 9, 1), "采购人"), by="zhao")
    assert _rows(r) == [(CID, 0)]  # proposed, not decided: the same terms
    r.sign_change(CID, "CH-1", by="li", today=date(2022, 8, 30))
    assert _rows(r) == [(CID, 0), (CID, 1)]
    fresh = Store.open(db_url, migrate=False)
    assert fresh.settle_all(JAN, by="sun", workers=1).written == (CID,)
    assert len(_rows(r)) == 2  # the kept form was current: nothing compiled again


def test_a_form_of_other_rules_is_compiled_again_and_kept(
        db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    r = staffed(db_url)
    _month(r)
    real = kept.rules_key
    monkeypatch.setattr(kept, "rules_key", lambda p, j: "upgraded-" + real(p, j)[:55])
    fresh = Store.open(db_url, migrate=False)
    parsed = _no_parsing(monkeypatch)
    assert fresh.settle_all(JAN, by="sun", workers=1).written == (CID,)
    assert len(parsed) == 1  # compiled again from the documents …
    assert _rows(r) == [(CID, 0), (CID, 0)]  # … and kept under the new rules' key
    again = Store.open(db_url, migrate=False)
    parsed.clear()
    assert again.settle_all(JAN, by="sun", workers=1).unchanged == (CID,)
    assert parsed == []


def test_a_form_changed_in_the_database_is_not_read_and_the_month_is_the_same(
        db_url: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, "k1:" + secrets.token_hex(32))  # the audit key signs forms
    r = staffed(db_url)
    _month(r)
    r.add_contract(contract("NX-DEAR", fee="99000.00"), by="zhao")
    with r.engine.begin() as c:  # the database's owner swaps in a dearer contract's terms
        dear = c.execute(sa.text("SELECT body FROM compiled_contracts WHERE contract_id = "
                                 "'NX-DEAR'")).scalar_one()
        c.execute(sa.text("UPDATE compiled_contracts SET body = :b WHERE contract_id = :c"),
                  {"b": dear, "c": CID})
    fresh = Store.open(db_url, migrate=False)
    parsed = _no_parsing(monkeypatch)
    assert CID in fresh.settle_all(JAN, by="sun", workers=1).written
    assert len(parsed) == 1  # compiled from its documents, which the chain covers
    assert fresh.verify().ok
    alone = staffed(f"sqlite:///{tmp_path}/alone.db")
    _month(alone)
    assert alone.settle(CID, JAN, by="sun").statement.record == fresh.statement(
        CID, JAN).record


def test_an_unpickler_builds_nothing_but_the_librarys_classes() -> None:
    import os
    import pickle

    class Boom:
        def __reduce__(self) -> tuple[Any, ...]:
            return (os.system, ("true",))
    assert kept.decode(pickle.dumps(Boom())) is None
    assert kept.decode(pickle.dumps(getattr)) is None
    assert kept.decode(b"not a pickle") is None
