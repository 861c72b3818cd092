"""Settling depends only on what is recorded (issue 22), on SQLite and PostgreSQL: the
acceptance of a period is a recorded, versioned, audited input; settling the same recorded
inputs again writes nothing by any entry point; a changed input writes a correction whose
reason is the recorded change's; every version shows 更正结算单 第N版, the superseded payable,
the difference and why; a workbook's assessments are recorded all or nothing."""

from __future__ import annotations

from datetime import date

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from registry_cases import assessment, contract, staffed

import outsourcing as o
from outsourcing.registry import Store

JAN = o.Period.month(2022, 1)
CID = "NX-2022-001"


def _january(db_url: str) -> Store:
    r = staffed(db_url)
    r.add_contract(contract(), by="zhao")
    for line in ("property", "cleaning"):
        r.record_assessment(CID, assessment(line, JAN), by="qian")
    return r


def test_settling_the_recorded_acceptance_again_writes_nothing_by_any_entry_point(
        db_url: str) -> None:
    r = _january(db_url)
    assert r.accept(CID, JAN, date(2022, 2, 10), by="zhao").written
    first = r.settle(CID, JAN, by="sun")
    assert first.statement.accepted_on == date(2022, 2, 10)
    due = first.statement.due_on
    n = len(r.audit_trail())
    assert not r.settle(CID, JAN, by="sun").written
    batch = r.settle_all(JAN, by="sun", workers=1)
    assert batch.unchanged == (CID,) and batch.written == batch.corrected == ()
    assert r.settle_all(JAN, by="sun", workers=2).unchanged == (CID,)  # a process pool
    assert len(r.audit_trail()) == n
    assert [x.version for x in r.statements(CID, history=True)] == [1]
    assert r.statement(CID, JAN).due_on == due
    # the same acceptance recorded again writes nothing either
    again = r.accept(CID, JAN, date(2022, 2, 10), by="zhao")
    assert not again.written and again.acceptance.version == 1
    assert len(r.audit_trail()) == n


def test_a_corrected_acceptance_writes_a_correction_whose_reason_is_the_acceptances(
        db_url: str) -> None:
    r = _january(db_url)
    r.accept(CID, JAN, date(2022, 2, 10), by="zhao", accepted_by="验收小组")
    v1 = r.settle(CID, JAN, by="sun")
    with pytest.raises(o.RegistryError) as e:
        r.accept(CID, JAN, date(2022, 2, 20), by="zhao", accepted_by="验收小组")
    assert e.value.code == "registry.acceptance_changed"
    assert "须说明更正理由" in e.value.message_zh
    fixed = r.accept(CID, JAN, date(2022, 2, 20), by="zhao", accepted_by="验收小组",
                     reason="验收单日期录入有误")
    assert fixed.correction and fixed.acceptance.version == 2
    assert [a.version for a in r.acceptances(CID, JAN, history=True)] == [1, 2]
    v2 = r.settle(CID, JAN, by="sun")
    assert v2.written and v2.correction and v2.version == 2
    assert v2.statement.due_on is not None and v1.statement.due_on is not None
    assert v2.statement.due_on > v1.statement.due_on
    history = r.statement_history(CID, JAN)
    assert [h.title_zh for h in history] == ["结算单 第1版", "更正结算单 第2版"]
    assert history[1].superseded_payable == v1.statement.payable
    assert history[1].difference == o.Money.ZERO
    assert history[1].reason == "验收记录更正（第2版）：验收单日期录入有误"
    assert "更正原因：验收记录更正（第2版）：验收单日期录入有误" in history[1].lines_zh()
    actions = [a.action for a in r.audit_trail(object_prefix="acceptances:")]
    assert actions == ["accept", "correct_acceptance"]
    assert r.verify().ok


def test_an_acceptance_in_the_future_or_before_the_period_or_by_a_supplier_is_refused(
        db_url: str) -> None:
    r = _january(db_url)
    for day in (date(2021, 12, 31), date(2022, 3, 1)):
        with pytest.raises(o.RegistryError) as e:
            r.accept(CID, JAN, day, by="zhao", today=date(2022, 2, 28))
        assert e.value.code == "registry.bad_acceptance_date"
    with pytest.raises(o.AccessDenied):
        r.accept(CID, JAN, date(2022, 2, 1), by="s1")
    with pytest.raises(o.SettlementError):
        r.accept(CID, "2023-01", date(2023, 2, 1), by="zhao")
    assert r.acceptances(CID, JAN) == []


def test_a_corrected_assessment_shows_the_superseded_payable_the_difference_and_why(
        db_url: str) -> None:
    r = _january(db_url)
    v1 = r.settle(CID, JAN, by="sun")
    r.record_assessment(CID, assessment("property", JAN, score="60"), by="qian",
                        reason="复核后扣分")
    v2 = r.settle(CID, JAN, by="sun")
    v = r.statement_version(CID, JAN)
    assert v.version == 2 and v.superseded_payable == v1.statement.payable
    assert v.difference == v2.statement.payable - v1.statement.payable < o.Money.ZERO
    assert v.reason == "考核更正（property 第2版）：复核后扣分"
    lines = v.lines_zh()
    assert lines[0] == "更正结算单 第2版"
    recover = (-v.difference).format()
    assert lines[1] == (f"更正第1版：原应付金额 {v1.statement.payable.format()}，本版应付金额 "
                        f"{v2.statement.payable.format()}，应追回 {recover}")
    assert r.statement_version(CID, JAN, version=1).title_zh == "结算单 第1版"
    with pytest.raises(o.RegistryError):
        r.statement_version(CID, JAN, version=3)


def test_a_later_period_on_a_corrected_one_says_the_previous_statement_changed(
        db_url: str) -> None:
    r = _january(db_url)
    feb = o.Period.month(2022, 2)
    for line in ("property", "cleaning"):
        r.record_assessment(CID, assessment(line, feb, incidents=("ordinary",)), by="qian")
    r.settle(CID, JAN, by="sun")
    r.settle(CID, feb, by="sun")
    r.record_assessment(CID, assessment("property", JAN, incidents=("ordinary",) * 3),
                        by="qian", reason="补记事件")
    r.settle(CID, JAN, by="sun")
    again = r.settle(CID, feb, by="sun")
    assert again.correction
    assert r.statement_version(CID, feb).reason == "上期 2022-01 结算单已更正（第2版）"


def test_a_workbook_is_recorded_all_or_nothing_and_the_same_values_write_nothing(
        db_url: str) -> None:
    r = staffed(db_url)
    r.add_contract(contract(), by="zhao")
    sheet = [assessment("property", JAN), assessment("cleaning", JAN)]
    first = r.import_assessments(CID, sheet, by="qian")
    assert first.new == ("property", "cleaning") and first.same == first.corrected == ()
    n = len(r.audit_trail())
    again = r.import_assessments(CID, sheet, by="qian")
    assert again.same == ("property", "cleaning") and again.new == ()
    assert len(r.audit_trail()) == n
    # a workbook with one line changed and a new period's line: refused whole
    feb = o.Period.month(2022, 2)
    mixed = [assessment("property", feb), assessment("cleaning", JAN, score="70")]
    with pytest.raises(o.RegistryError) as e:
        r.import_assessments(CID, mixed, by="qian")
    assert e.value.code == "registry.assessment_changed"
    assert r.assessments(CID, feb) == [] and len(r.audit_trail()) == n
    done = r.import_assessments(CID, mixed, by="qian", correction="复核")
    assert done.new == ("property",) and done.corrected == ("cleaning",)
    assert [x.version for x in r.statements(CID, history=True)] == []
    hist = r.assessments(CID, JAN, history=True)
    assert len(hist) == 3
    assert r.verify().ok


def _cli_settle(url: str, *args: str) -> int:
    import contextlib
    import io

    from outsourcing.cli import main

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return main(["settle", "2022-01", *args, "--db", url, "--as", "sun"])


ENTRY_POINTS = ["settle", "settle_all", "settle_all_pool", "cli_contract", "cli_all"]


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(contracts=st.lists(st.tuples(st.sampled_from(["small", "large"]),
                                    st.sampled_from(["60", "85", "95"]), st.booleans(),
                                    st.integers(0, 20)), min_size=1, max_size=3),
       first=st.sampled_from(ENTRY_POINTS), second=st.sampled_from(ENTRY_POINTS))
def test_for_random_stores_settling_twice_by_any_entry_point_writes_one_statement(
        tmp_path_factory: pytest.TempPathFactory, contracts: list[tuple[str, str, bool, int]],
        first: str, second: str) -> None:
    url = f"sqlite:///{tmp_path_factory.mktemp('random') / 'r.db'}"
    r = staffed(url)
    try:
        ids = []
        for n, (size, score, accepted, day) in enumerate(contracts):
            c = attrs.evolve(contract(f"R-{n}"), supplier=o.Supplier(f"S-{n}", "供应商", size))
            r.add_contract(c, by="zhao")
            r.record_assessments(c.id, [assessment("property", JAN, score=score)], by="qian")
            if accepted:
                r.accept(c.id, JAN, date(2022, 2, 1 + day), by="zhao")
            ids.append(c.id)
        for how in (first, second):
            if how == "settle":
                for cid in ids:
                    r.settle(cid, JAN, by="sun")
            elif how.startswith("settle_all"):
                assert r.settle_all(JAN, by="sun", workers=2 if how.endswith("pool") else 1
                                    ).failed == ()
            elif how == "cli_contract":
                for cid in ids:
                    assert _cli_settle(url, "--contract", cid) in (0, 1)
            else:
                assert _cli_settle(url, "--all") in (0, 1)
        for cid in ids:
            assert [s.version for s in r.statements(cid, history=True)] == [1]
        assert r.verify().ok
    finally:
        r.close()
