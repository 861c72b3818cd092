"""The registry (登记库): month after month, corrections, the audit trail, roles and queries —
every test on SQLite and on PostgreSQL."""

from __future__ import annotations

import zlib
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from registry_cases import appoint, assessment, contract, staffed

import outsourcing as o
from outsourcing.changes import ChangeLinePrice, ChangeStatus
from outsourcing.money import div_half_up
from outsourcing.registry import HEAD, Store
from outsourcing.settlement import settle_term

RB = o.load().rulebook("CN")
YEAR = [o.Period.month(2022, m) for m in range(1, 13)]


def _engine(url: str) -> sa.Engine:
    return Store.open(url, migrate=False).engine


def _year_inputs() -> list[o.Assessment]:
    out = []
    for n, p in enumerate(YEAR):
        out.append(assessment("property", p, score=str(80 + n), repair=str(90 + n % 9),
                              incidents=("ordinary",) * (n % 3)))
        if n != 4:  # May's cleaning is never assessed: withheld, then a finding
            out.append(assessment("cleaning", p, score=str(99 - n)))
    return out


def test_a_year_settled_month_by_month_over_twelve_opens_equals_settle_term(db_url: str
                                                                           ) -> None:
    staffed(db_url).add_contract(contract(), by="zhao")
    inputs = _year_inputs()
    for p in YEAR:
        r = Store.open(db_url)
        for a in inputs:
            if a.period == p:
                r.record_assessment("NX-2022-001", a, by="qian")
        settled = r.settle("NX-2022-001", p, by="sun")
        assert settled.written and settled.version == 1
        r.close()
    expected = settle_term(contract(), inputs, RB)
    r = Store.open(db_url)
    stored = [r.statement("NX-2022-001", p) for p in YEAR]
    assert stored == expected
    assert o.Money.sum(s.payable for s in stored) == o.Money.sum(s.payable for s in expected)
    assert [x.payable for x in r.statements("NX-2022-001")] == [s.payable for s in expected]
    assert r.verify().ok


def test_settling_the_same_inputs_again_returns_the_stored_statement_and_writes_nothing(
        db_url: str) -> None:
    r = staffed(db_url)
    r.add_contract(contract(), by="zhao")
    for line in ("property", "cleaning"):
        r.record_assessment("NX-2022-001", assessment(line, YEAR[0]), by="qian")
    first = r.settle("NX-2022-001", "2022-01", by="sun")
    n = len(r.audit_trail())
    again = r.settle("NX-2022-001", "2022-01", by="sun")
    assert not again.written
    assert again.statement == first.statement
    assert len(r.audit_trail()) == n
    assert len(r.statements("NX-2022-001", history=True)) == 1


def test_a_corrected_assessment_stores_a_correction_with_the_difference_never_paid_twice(
        db_url: str) -> None:
    r = staffed(db_url)
    r.add_contract(contract(), by="zhao")
    r.record_assessment("NX-2022-001", assessment("property", YEAR[0], score="60"), by="qian")
    r.record_assessment("NX-2022-001", assessment("cleaning", YEAR[0]), by="qian")
    v1 = r.settle("NX-2022-001", "2022-01", by="sun")
    r.record_payment("NX-2022-001", "2022-01", v1.statement.payable, date(2022, 2, 20),
                     by="zhou")
    # the assessor corrects the score: a new version, the old one stays
    assert r.record_assessment("NX-2022-001", assessment("property", YEAR[0], score="96"),
                               by="qian", reason="复核更正") == 2
    assert len(r.assessments("NX-2022-001", "2022-01", history=True)) == 3
    v2 = r.settle("NX-2022-001", "2022-01", by="sun")
    assert v2.written and v2.correction and v2.version == 2
    assert v2.difference == v2.statement.payable - v1.statement.payable
    assert v2.difference > o.Money.ZERO
    hist = r.statements("NX-2022-001", history=True)
    assert [h.version for h in hist] == [1, 2] and hist[1].supersedes == hist[0].id
    assert r.statement("NX-2022-001", "2022-01", version=1) == v1.statement
    # only the difference is due; paying the whole period again is refused
    due = r.due(date(2022, 2, 21), contract_id="NX-2022-001")
    assert [d.outstanding for d in due] == [v2.difference]
    with pytest.raises(o.RegistryError) as e:
        r.record_payment("NX-2022-001", "2022-01", v2.statement.payable, date(2022, 2, 22),
                         by="zhou")
    assert e.value.code == "registry.overpayment"
    r.record_payment("NX-2022-001", "2022-01", v2.difference, date(2022, 2, 22), by="zhou")
    assert r.due(date(2022, 2, 23), contract_id="NX-2022-001") == []
    assert r.verify().ok


def test_a_correction_downwards_shows_the_amount_to_recover(db_url: str) -> None:
    r = staffed(db_url)
    r.add_contract(contract(), by="zhao")
    r.record_assessment("NX-2022-001", assessment("property", YEAR[0], score="96"), by="qian")
    r.record_assessment("NX-2022-001", assessment("cleaning", YEAR[0]), by="qian")
    v1 = r.settle("NX-2022-001", "2022-01", by="sun")
    r.record_payment("NX-2022-001", "2022-01", v1.statement.payable, date(2022, 2, 1),
                     by="zhou")
    r.record_assessment("NX-2022-001", assessment("property", YEAR[0], score="50"), by="qian")
    v2 = r.settle("NX-2022-001", "2022-01", by="sun")
    assert v2.difference < o.Money.ZERO
    (d,) = r.due(date(2022, 2, 2), contract_id="NX-2022-001")
    assert d.outstanding == v2.difference and not d.overdue
    r.record_payment("NX-2022-001", "2022-01", v2.difference, date(2022, 2, 3), by="zhou")
    assert r.due(date(2022, 2, 4)) == []


def test_overdue_on_a_date_carries_late_interest_at_0_05_percent_a_day(db_url: str) -> None:
    r = staffed(db_url)
    r.add_contract(contract(), by="zhao")
    for line in ("property", "cleaning"):
        r.record_assessment("NX-2022-001", assessment(line, YEAR[0]), by="qian")
    st = r.settle("NX-2022-001", "2022-01", by="sun").statement
    assert st.due_on is not None
    (d,) = r.due(st.due_on)
    assert not d.overdue and d.late_interest == o.Money.ZERO
    on = date.fromordinal(st.due_on.toordinal() + 10)
    (d,) = r.due(on)
    assert d.overdue and d.overdue_days == 10
    # 10 days × 0.05% of the payable, half-up to the fen
    assert d.late_interest.fen == div_half_up(st.payable.fen * 5, 1000)
    assert d.citation and "保障中小企业款项支付条例" in d.citation


def test_a_row_edited_with_plain_sql_is_found_by_verify(db_url: str) -> None:
    r = staffed(db_url)
    r.add_contract(contract(), by="zhao")
    for line in ("property", "cleaning"):
        r.record_assessment("NX-2022-001", assessment(line, YEAR[0]), by="qian")
    r.settle("NX-2022-001", "2022-01", by="sun")
    assert r.verify().ok
    (settled,) = r.audit_trail(object_prefix="statements:")
    with r.engine.begin() as c:
        c.execute(sa.text("UPDATE statements SET payable_fen = payable_fen + 100000"))
    v = r.verify()
    assert not v.ok
    assert v.first_bad == settled.seq  # the settle record
    assert "was edited" in v.reason and "statements:" in v.reason


def test_a_document_or_an_audit_record_edited_or_a_row_added_is_found(db_url: str) -> None:
    r = staffed(db_url)
    r.add_contract(contract(), by="zhao")
    assert r.verify().ok
    with r.engine.begin() as c:
        c.execute(sa.text("UPDATE audit SET actor = 'mallory' WHERE seq = 2"))
    v = r.verify()
    assert (v.ok, v.first_bad, v.reason) == (False, 2, "the record was altered")
    with r.engine.begin() as c:
        c.execute(sa.text("UPDATE audit SET actor = 'wang' WHERE seq = 2"))
        c.execute(sa.text("INSERT INTO actors (id, name, roles, supplier_id, recorded_by, "
                          "recorded_at) VALUES ('x', 'x', 'approver', NULL, 'x', 'now')"))
    v = r.verify()
    assert not v.ok and v.reason == "the row actors:x has no audit record"


def _refused(r: Store, code: str, fn: object, *args: object, **kw: object) -> None:
    before = len(r.audit_trail())
    with pytest.raises(o.AccessDenied) as e:
        fn(*args, **kw)  # type: ignore[operator]
    assert e.value.code == code
    assert e.value.zh
    trail = r.audit_trail()
    assert len(trail) == before + 1 and trail[-1].action.startswith("denied:")


def test_separation_of_duties_each_refusal_is_a_clear_error_and_is_audited(db_url: str
                                                                          ) -> None:
    r = staffed(db_url)
    r.add_contract(contract(), by="zhao")
    change = o.Change("CH-1", ChangeLinePrice("property", "82000.00"), "price_change",
                      "人工成本上涨", date(2022, 7, 1), "供应商")
    # a supplier's user may propose a change to its own contract …
    r.propose_change("NX-2022-001", change, by="s1")
    # … but neither sign nor reject it, nor assess its own work
    _refused(r, "registry.denied.role", r.sign_change, "NX-2022-001", "CH-1", by="s1")
    _refused(r, "registry.denied.role", r.reject_change, "NX-2022-001", "CH-1", "不同意",
             by="s1")
    _refused(r, "registry.denied.role", r.record_assessment, "NX-2022-001",
             assessment("property", YEAR[0]), by="s1")
    # nor propose to another supplier's contract
    r.add_contract(contract("NX-2022-002", supplier="S-2"), by="zhao")
    _refused(r, "registry.denied.other_supplier", r.propose_change, "NX-2022-002",
             change, by="s1")
    # the proposer cannot be the only approver
    appoint(r, "wu", "吴经办审批", ["officer", "approver"])
    r.propose_change("NX-2022-001", o.Change(
        "CH-3", o.Suspend("cleaning"), "force_majeure", "疫情", date(2022, 9, 1), "采购人"),
        by="wu")
    _refused(r, "registry.denied.proposer_only_approver", r.sign_change, "NX-2022-001",
             "CH-3", by="wu", today=date(2022, 8, 30))
    # an officer cannot add actors; an unknown actor is refused too
    _refused(r, "registry.denied.role", r.add_actor, "x", "x", ["finance"], by="zhao")
    _refused(r, "registry.denied.unknown_actor", r.settle, "NX-2022-001", "2022-01",
             by="nobody")
    # another approver signs: accepted
    signed = r.sign_change("NX-2022-001", "CH-3", by="li", today=date(2022, 8, 30))
    assert signed.status is ChangeStatus.SIGNED and signed.approved_by == "li"
    assert r.verify().ok


def test_a_supplier_user_holding_an_approver_role_is_refused_for_its_own_contract(
        db_url: str) -> None:
    r = staffed(db_url)
    r.add_contract(contract(), by="zhao")
    with pytest.raises(o.RegistryError) as e:
        r.add_actor("bad", "混岗", ["supplier", "approver"], supplier="S-1", by="wang")
    assert e.value.code == "registry.supplier_with_purchaser_role"
    # the registry refuses to give a supplier's user a purchaser role at all; an approver
    # recorded for the supplier with plain SQL is still refused at signing
    with r.engine.begin() as c:
        c.execute(sa.text("INSERT INTO actors (id, name, roles, supplier_id, recorded_by, "
                          "recorded_at) VALUES ('sx', 'sx', 'approver', 'S-1', 'x', 'x')"))
    r.propose_change("NX-2022-001", o.Change(
        "CH-9", o.Suspend("cleaning"), "force_majeure", "疫情", date(2022, 9, 1), "采购人"),
        by="zhao")
    _refused(r, "registry.denied.own_contract", r.sign_change, "NX-2022-001", "CH-9",
             by="sx", today=date(2022, 8, 30))
    assert not r.verify().ok  # and the row added behind the registry's back is named


def test_a_database_of_a_newer_schema_is_refused(db_url: str) -> None:
    Store.open(db_url).close()
    with _engine(db_url).begin() as c:
        c.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(o.RegistryError) as e:
        Store.open(db_url)
    assert e.value.code == "registry.schema_newer"
    assert "9999" in str(e.value) and e.value.zh


def test_the_store_keeps_documents_small_and_compressed(db_url: str) -> None:
    r = staffed(db_url)
    r.add_contract(contract(), by="zhao")
    for line in ("property", "cleaning"):
        r.record_assessment("NX-2022-001", assessment(line, YEAR[0]), by="qian")
    st = r.settle("NX-2022-001", "2022-01", by="sun").statement
    with r.engine.connect() as c:
        blob = c.execute(sa.text("SELECT document FROM statements")).scalar_one()
    # the compact statement: figures stored once, explanations derived (not stored)
    assert len(bytes(blob)) < len(st.to_json()) <= 4096
    assert len(st.to_json(explanations=True)) > 4096
    assert zlib.decompress(bytes(blob))


def test_open_without_a_url_reads_outsourcing_db_else_a_file_in_the_working_folder(
        db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OUTSOURCING_DB", db_url)
    r = Store.open()
    r.add_actor("wang", "王审批", ["approver"])
    assert [a.id for a in Store.open(db_url).actors()] == ["wang"]
    monkeypatch.delenv("OUTSOURCING_DB")
    here = tmp_path / "bureau"
    here.mkdir()
    monkeypatch.chdir(here)
    assert Store.open().actors() == []
    assert (here / "outsourcing.db").exists()


def test_an_unreachable_database_is_a_clear_error() -> None:
    with pytest.raises(o.RegistryError) as e:
        Store.open("postgresql://nobody@127.0.0.1:1/none")
    assert e.value.code == "registry.unreachable" and e.value.zh.startswith("无法连接数据库")


def test_the_migration_command_brings_a_database_to_the_newest_schema(
        db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    from outsourcing.registry.cli import main

    assert main([db_url]) == 0
    assert capsys.readouterr().out == f"schema revision {HEAD}\n"
    with _engine(db_url).begin() as c:
        c.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    assert main([db_url]) == 2
    assert "数据库结构版本 9999" in capsys.readouterr().err


def test_a_stored_statement_is_explained_by_the_terms_it_was_settled_on(db_url: str) -> None:
    r = staffed(db_url)
    r.add_contract(contract(), by="zhao")
    for line in ("property", "cleaning"):
        r.record_assessment("NX-2022-001", assessment(line, YEAR[0]), by="qian")
    first = r.settle("NX-2022-001", "2022-01", by="sun").statement
    # a suspension signed later reaches back into the settled month
    r.propose_change("NX-2022-001", o.Change(
        "CH-1", o.Suspend("cleaning"), "force_majeure", "疫情封控", date(2022, 1, 15),
        "采购人"), by="zhao")
    r.sign_change("NX-2022-001", "CH-1", by="li", today=date(2022, 2, 10))
    stored = r.statement("NX-2022-001", "2022-01", version=1)
    assert stored.render() == first.render()  # its figures and its reasons, as issued
    fee = stored.line("cleaning").explain("合同费用")
    assert fee.value == "¥20,000.00" and fee.inputs == (("2022-01-01..2022-01-31",
                                                         "¥20,000.00/月"),)
    corrected = r.settle("NX-2022-001", "2022-01", by="sun")
    assert corrected.version == 2
    assert corrected.statement.line("cleaning").explain("合同费用").value == "¥9,032.26"
    assert r.statement("NX-2022-001", "2022-01").render() == corrected.statement.render()
