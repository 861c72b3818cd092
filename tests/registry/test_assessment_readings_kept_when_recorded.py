"""An assessment is checked against the contract's compiled terms once, when recorded, and
kept as its compact reading (``assessment_readings``): a month settles from the readings
without reading the assessments' documents into objects, and stores the statement settling
the contract alone stores; a reading changed in the database is not read (signed with the
audit key); readings of other terms are made again from the documents and kept."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from registry_cases import assessment, contract, staffed

import outsourcing as o
from outsourcing.registry import Store, batch
from outsourcing.registry import compiled as kept
from outsourcing.registry.chain import KEY_ENV

JAN = o.Period.month(2022, 1)
CID = "NX-2022-001"


def _recorded(r: Store) -> Store:
    r.add_contract(contract(CID), by="zhao")
    r.record_assessments(CID, [assessment("property", JAN, score="83",
                                          incidents=("ordinary",)),
                               assessment("cleaning", JAN, score="91")], by="qian")
    return r


def _documents_read(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    read: list[Any] = []
    real = batch.structure

    def counting(data: Any, cls: Any, *a: Any, **kw: Any) -> Any:
        read.append(cls)
        return real(data, cls, *a, **kw)
    monkeypatch.setattr(batch, "structure", counting)
    return read


def _count(r: Store) -> int:
    with r.engine.connect() as c:
        return int(c.execute(sa.text("SELECT count(*) FROM assessment_readings")).scalar_one())


def _alone(tmp_path: Path) -> o.Statement:
    return _recorded(staffed(f"sqlite:///{tmp_path}/alone.db")).settle(
        CID, JAN, by="sun").statement


def test_a_month_settles_from_the_readings_kept_when_recorded(
        db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    r = _recorded(staffed(db_url))
    assert _count(r) == 2  # one per line, checked once
    read = _documents_read(monkeypatch)
    fresh = Store.open(db_url, migrate=False)
    assert fresh.settle_all(JAN, by="sun", workers=1).written == (CID,)
    assert o.Assessment not in read
    assert fresh.statement(CID, JAN).record == _alone(tmp_path).record


def test_a_reading_changed_in_the_database_is_not_read(
        db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, "k1:" + secrets.token_hex(32))
    r = _recorded(staffed(db_url))
    with r.engine.begin() as c:  # the database's owner raises every KPI value it holds
        c.execute(sa.text("UPDATE assessment_readings SET reading = "
                          "replace(reading, '9600', '9900')"))
    read = _documents_read(monkeypatch)
    fresh = Store.open(db_url, migrate=False)
    assert fresh.settle_all(JAN, by="sun", workers=1).written == (CID,)
    assert read.count(o.Assessment) == 2  # read from the documents the chain covers
    assert fresh.statement(CID, JAN).record == _alone(tmp_path).record
    assert fresh.verify().ok


def test_readings_of_other_terms_are_made_again_from_the_documents_and_kept(
        db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    r = _recorded(staffed(db_url))
    real = kept.rules_key
    monkeypatch.setattr(kept, "rules_key", lambda p, j: "upgraded-" + real(p, j)[:55])
    read = _documents_read(monkeypatch)
    fresh = Store.open(db_url, migrate=False)
    assert fresh.settle_all(JAN, by="sun", workers=1).written == (CID,)
    assert read.count(o.Assessment) == 2 and _count(r) == 4
    read.clear()
    again = Store.open(db_url, migrate=False)
    assert again.settle_all(JAN, by="sun", workers=1).unchanged == (CID,)
    assert o.Assessment not in read
