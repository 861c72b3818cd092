"""What a bureau asks the registry, and properties of storing and settling (hypothesis)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from registry_cases import PURCHASER, appoint, assessment, contract, found, staffed

import outsourcing as o
from outsourcing.changes import ChangeStatus, Terminate
from outsourcing.dates import DateRange
from outsourcing.payment import default_payment_rule
from outsourcing.registry import Store
from outsourcing.settlement import prepare

RB = o.load().rulebook("CN")
SERVICES = ("property", "cleaning", "security", "greening")
_ids = itertools.count()


def test_contracts_by_supplier_service_site_jurisdiction_and_status(db_url: str) -> None:
    r = staffed(db_url)
    r.add_contract(contract("A", supplier="S-1", site="一号院"), by="zhao")
    r.add_contract(contract("B", supplier="S-2", site="二号院", start=date(2023, 1, 1),
                            end=date(2023, 12, 31)), by="zhao")
    r.add_contract(contract("C", supplier="S-1", site="二号院", jurisdiction="NX"),
                   by="zhao")
    on = date(2022, 6, 1)
    assert [c.id for c in r.contracts(supplier="S-1", on=on)] == ["A", "C"]
    assert [c.id for c in r.contracts(site="二号院", on=on)] == ["B", "C"]
    assert [c.id for c in r.contracts(service="cleaning", jurisdiction="NX", on=on)] == ["C"]
    assert [c.id for c in r.contracts(status="pending", on=on)] == ["B"]
    assert [c.id for c in r.contracts(status="in_force", on=on)] == ["A", "C"]
    # a signed termination ends the term: the contract is terminated from then on
    r.propose_change("A", o.Change("T-1", Terminate(), "service_stopped", "办公区搬迁",
                                   date(2022, 9, 1), "采购人"), by="zhao")
    r.sign_change("A", "T-1", by="wang", today=date(2022, 8, 20))
    (a,) = r.contracts(supplier="S-1", status="terminated", on=date(2022, 10, 1))
    assert a.id == "A" and a.term_end == date(2022, 8, 31)
    assert a.services == ("property", "cleaning") and a.sites == ("一号院",)
    records = r.changes("A")
    assert [(x.change.id, x.status, x.proposed_by, x.decided_by) for x in records] == [
        ("T-1", ChangeStatus.SIGNED, "zhao", "wang")]


def test_cap_headroom_of_every_contract_is_ten_percent_less_what_changes_added(db_url: str
                                                                              ) -> None:
    r = staffed(db_url)
    r.add_contract(contract("A", fee="80000.00"), by="zhao")
    r.add_contract(contract("B", fee="50000.00"), by="zhao")
    r.propose_change("A", o.Change(
        "P-1", o.AddLine(o.ServiceLine("greening", "greening", "自治区政府办公区",
                                       o.FixedMonthly("4000.00"))),
        "volume_change", "新增绿化面积", date(2022, 7, 1), "采购人"), by="zhao")
    r.sign_change("A", "P-1", by="li", today=date(2022, 6, 20))
    reports = {x.contract_id: x for x in r.headroom()}
    a, b = reports["A"], reports["B"]
    assert a.original_amount == o.Money("1200000.00")  # (80,000 + 20,000) × 12
    assert a.limit == o.Money("120000.00")
    assert a.used == o.Money("24000.00")  # 4,000 × 6 months
    assert a.left == o.Money("96000.00")
    assert b.used == o.Money.ZERO and b.left == o.Money("84000.00")
    assert [c.id for c in r.contracts(service="greening", on=date(2022, 8, 1))] == ["A"]
    # the signed change is settled from then on
    p = o.Period.month(2022, 7)
    for m in range(1, 8):
        q = o.Period.month(2022, m)
        for line in ("property", "cleaning"):
            r.record_assessment("A", assessment(line, q, score="100", repair="100"),
                                by="qian")
        r.settle("A", q, by="sun")
    assert r.statement("A", p).line("greening").fee == o.Money("4000.00")


@st.composite
def cases(draw: st.DrawFn) -> tuple[o.Contract, list[o.Change], list[o.Assessment]]:
    n = draw(st.integers(1, 3))
    services = draw(st.permutations(SERVICES))[:n]
    start = date(2022, draw(st.integers(1, 6)), 1)
    lines = [o.ServiceLine(f"L{k}", svc, draw(st.sampled_from(["一号院", "二号院"])),
                           o.FixedMonthly(f"{draw(st.integers(1000, 90000))}."
                                          f"{draw(st.integers(0, 99)):02d}"))
             for k, svc in enumerate(services)]
    c = o.Contract(id=f"H-{next(_ids)}", title="随机合同", jurisdiction="CN",
                   purchaser=PURCHASER, supplier=o.Supplier("S-9", "随机供应商", "micro"),
                   term=DateRange(start, date(2022, 12, 31)), lines=lines,
                   payment_days=draw(st.sampled_from([None, 20, 45])))
    changes = []
    if draw(st.booleans()):
        line = draw(st.sampled_from(lines))
        changes.append(o.Change(
            "C-1", o.Suspend(line.id), "force_majeure", "疫情防控暂停服务",
            start + timedelta(days=draw(st.integers(10, 50))), "采购人"))
    out = []
    periods = [o.Period.month(2022, m) for m in range(start.month, start.month + 2)]
    for p in periods:
        for x in lines:
            if draw(st.integers(0, 5)) == 0:
                continue
            out.append(o.Assessment(
                x.id, p, "考核小组", p.end + timedelta(days=draw(st.integers(1, 9))),
                sheets=[o.ScoreSheet("inspection", [o.ScoreItem(
                    "综合", 100, Decimal(draw(st.integers(5000, 10000))) / 100)])],
                surveys=[o.Survey("satisfaction", 50, draw(st.integers(30, 50)))],
                metrics=[o.Metric("repair_pass_rate", Decimal(draw(st.integers(80, 100))))]
                if x.service == "property" else [],
                incidents=[o.Incident("ordinary", p.start)] * draw(st.integers(0, 2))))
    return c, changes, out


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(cases())
def test_storing_and_loading_is_the_identity_and_settling_through_the_registry_equals_memory(
        db_url: str, case: tuple[o.Contract, list[o.Change], list[o.Assessment]]) -> None:
    c, changes, assessments = case
    r = Store.open(db_url)
    if not r.actors():
        found(r)
        appoint(r, "zhao", "赵经办", ["officer"])
        appoint(r, "qian", "钱考核", ["assessor"])
        appoint(r, "sun", "孙财务", ["finance"])
    r.add_contract(c, by="zhao")
    assert r.contract(c.id) == c
    timeline = o.Timeline(c)
    for ch in changes:
        r.propose_change(c.id, ch, by="zhao")
        day = ch.effective - timedelta(days=3)
        signed = r.sign_change(c.id, ch.id, by="wang", today=day)
        timeline = timeline.propose(ch).sign(ch.id, RB, today=day, signed_on=day,
                                             approved_by="wang")
        assert signed == timeline.change(ch.id)
    assert r.timeline(c.id) == timeline
    for a in assessments:
        r.record_assessment(c.id, a, by="qian")
    pc = prepare(timeline, RB)
    prev = None
    for p in pc.periods[:2]:
        got = [x for x in assessments if x.period == p]
        assert sorted(r.assessments(c.id, p), key=lambda x: x.line) == sorted(
            got, key=lambda x: x.line)
        prev = pc.settle(p, got, previous=prev)
        stored = r.settle(c.id, p, by="sun").statement
        assert stored == prev
        assert r.statement(c.id, p) == prev
    r.close()


def test_terms_are_the_contracts_own_rules_and_kpis_as_recorded(db_url: str) -> None:
    r = staffed(db_url)
    sheet = [o.KpiSpec("inspection", "综合检查得分", "inspection", "points", Decimal(100),
                       o.Direction.HIGHER, Decimal(100), "合同 附件三 考核评分表")]
    rule = default_payment_rule(RB, date(2022, 1, 1))
    r.add_contract(contract("T"), by="zhao", rules={"property": rule},
                   kpis={"property": sheet})
    r.add_contract(contract("U"), by="zhao")
    assert r.terms("T") == ({"property": rule}, {"property": sheet})
    assert r.terms("U") == ({}, {})   # the plugins and the rulebook decide
    with pytest.raises(o.RegistryError) as exc:
        r.terms("NO-SUCH")
    assert exc.value.code == "registry.unknown_contract"
    r.close()
