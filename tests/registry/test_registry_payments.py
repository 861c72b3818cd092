"""Payments that make sense and one rule for due dates and interest (issue 22), on SQLite and
PostgreSQL: a payment reversed by reference within what it paid; no payment dated in the
future or before its period ends; the Chinese refusal carries the figures; ``due()`` uses
the settlement's due date and interest term (no statutory interest for a large supplier, the
agreed rate when there is one) and says 未到期, 已逾期, 逾期已付, 已付清 or 待追回; the charts count
every payment of a period whatever its date."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from registry_cases import assessment, contract, staffed

import outsourcing as o
from outsourcing.registry import Store

JAN = o.Period.month(2022, 1)
CID = "NX-2022-001"
RB = o.load().rulebook("CN")


def _settled(db_url: str, c: o.Contract | None = None, accepted: date = date(2022, 2, 5)
             ) -> tuple[Store, o.Statement]:
    r = staffed(db_url)
    c = c or contract()
    r.add_contract(c, by="zhao")
    for line in ("property", "cleaning"):
        r.record_assessment(c.id, assessment(line, JAN), by="qian")
    r.accept(c.id, JAN, accepted, by="zhao")
    return r, r.settle(c.id, JAN, by="zhao").statement


def test_a_mistyped_payment_is_reversed_by_reference_within_what_it_paid(db_url: str
                                                                          ) -> None:
    r, st_ = _settled(db_url)
    assert st_.payable > o.Money("3000.00")
    r.record_payment(CID, JAN, o.Money("3000.00"), date(2022, 2, 20), by="sun",
                     reference="V-001")
    # a negative payment is a recovery of an overpayment, not a reversal: refused, with
    # the same figures in Chinese as in English
    with pytest.raises(o.RegistryError) as e:
        r.record_payment(CID, JAN, o.Money("-500.00"), date(2022, 2, 21), by="sun")
    assert e.value.code == "registry.overpayment"
    for figure in ("¥3,000.00", st_.payable.format(), "-¥500.00"):
        assert figure in str(e.value) and figure in e.value.message_zh
    with pytest.raises(o.RegistryError) as e:
        r.reverse_payment(CID, JAN, "V-001", by="sun", reason="")
    assert e.value.code == "registry.bad_note"
    x = r.reverse_payment(CID, JAN, "V-001", by="sun", reason="金额录入错误，应为2,500.00",
                          amount=o.Money("500.00"))
    assert x.amount == o.Money("-500.00") and x.paid_on == date(2022, 2, 20)
    assert x.reason == "金额录入错误，应为2,500.00"
    assert r.paid(CID)[JAN] == o.Money("2500.00")
    with pytest.raises(o.RegistryError) as e:
        r.reverse_payment(CID, JAN, "V-001", by="sun", reason="再冲", amount=o.Money("2500.01"))
    assert e.value.code == "registry.reversal_exceeds_payment"
    assert "¥2,500.00" in e.value.message_zh and "¥2,500.01" in e.value.message_zh
    with pytest.raises(o.RegistryError) as e:
        r.reverse_payment(CID, JAN, "V-404", by="sun", reason="无")
    assert e.value.code == "registry.unknown_payment"
    assert r.reverse_payment(CID, JAN, f"#{x.reverses}", by="sun", reason="全部冲正"
                             ).amount == o.Money("-2500.00")
    assert r.paid(CID)[JAN] == o.Money.ZERO
    assert [a.action for a in r.audit_trail(object_prefix="payments:")] == [
        "record_payment", "reverse_payment", "reverse_payment"]
    assert r.verify().ok


@pytest.mark.parametrize("day", [date(2022, 1, 1), date(2022, 1, 30), date(1, 1, 1),
                                 date(9999, 12, 31), date(2022, 3, 2)])
def test_a_payment_dated_in_the_future_or_before_its_period_ends_is_refused(
        db_url: str, day: date) -> None:
    r, st_ = _settled(db_url)
    with pytest.raises(o.RegistryError) as e:
        r.record_payment(CID, JAN, st_.payable, day, by="sun", today=date(2022, 3, 1))
    assert e.value.code in ("registry.payment_in_future", "registry.payment_before_period_end")
    assert str(day) in e.value.message_zh
    assert r.payments(CID) == []
    r.record_payment(CID, JAN, st_.payable, date(2022, 1, 31), by="sun", today=date(2022, 3, 1))


def test_the_same_reference_twice_in_a_period_is_a_double_payment(db_url: str) -> None:
    r, _ = _settled(db_url)
    r.record_payment(CID, JAN, o.Money("100.00"), date(2022, 2, 10), by="sun", reference="V-1")
    with pytest.raises(o.RegistryError) as e:
        r.record_payment(CID, JAN, o.Money("100.00"), date(2022, 2, 11), by="sun",
                         reference="V-1")
    assert e.value.code == "registry.duplicate_reference"


def _in_memory(c: o.Contract, accepted: date, paid: date) -> o.Statement:
    return o.settle(c, JAN, [assessment("property", JAN), assessment("cleaning", JAN)], RB,
                    accepted_on=accepted, paid_on=paid)


@pytest.mark.parametrize(("size", "rate"), [("large", None), ("small", Decimal("0.0002")),
                                            ("small", None), ("large", Decimal("0.0003"))])
def test_due_interest_is_the_statements_for_the_supplier_and_the_agreed_rate(
        db_url: str, size: str, rate: Decimal | None) -> None:
    c = attrs.evolve(contract(), supplier=o.Supplier("S-1", "供应商S-1", size),
                     late_interest_daily=rate, payment_days=30)
    r, st_ = _settled(db_url, c)
    assert st_.due_on == date(2022, 3, 7)
    paid = st_.due_on + timedelta(days=30)
    memory = _in_memory(c, date(2022, 2, 5), paid)
    assert memory.due_on == st_.due_on and memory.payable == st_.payable
    # thirty days late and still unpaid: the same interest as the statement's
    (d,) = r.due(paid, contract_id=CID)
    assert d.late_interest == memory.late_interest and d.overdue_days == 30
    assert d.status == "已逾期"
    if size == "large" and rate is None:
        assert memory.late_interest == o.Money.ZERO
        assert d.rule_id == "payment.no_agreed_interest"
    else:
        assert memory.late_interest > o.Money.ZERO
    r.record_payment(CID, JAN, st_.payable, paid, by="sun")
    later = r.due(paid + timedelta(days=40), contract_id=CID, every=True)
    assert [x.late_interest for x in later] == [memory.late_interest]
    # paid thirty days late: 逾期已付, with the statement's interest (none for a large
    # supplier that agreed none)
    assert (later[0].status, later[0].overdue_days) == ("逾期已付", 30)


def test_due_statuses_not_yet_due_overdue_paid_late_paid_and_to_recover(db_url: str) -> None:
    r, st_ = _settled(db_url)
    assert st_.due_on is not None
    (d,) = r.due(st_.due_on, contract_id=CID)
    assert (d.status, d.overdue_days, d.late_interest) == ("未到期", 0, o.Money.ZERO)
    (d,) = r.due(st_.due_on + timedelta(days=6), contract_id=CID)
    assert d.status == "已逾期" and d.overdue_days == 6 and d.late_interest > o.Money.ZERO
    r.record_payment(CID, JAN, st_.payable, st_.due_on + timedelta(days=6), by="sun")
    (d,) = r.due(st_.due_on + timedelta(days=60), contract_id=CID)
    assert d.status == "逾期已付" and d.overdue_days == 6
    assert d.late_interest == _in_memory(contract(), date(2022, 2, 5),
                                         st_.due_on + timedelta(days=6)).late_interest
    assert d.outstanding == o.Money.ZERO
    # a correction downwards: the difference is to recover from the supplier
    r.record_assessment(CID, assessment("property", JAN, score="50"), by="qian", reason="复核")
    v2 = r.settle(CID, JAN, by="zhao")
    (d,) = r.due(st_.due_on + timedelta(days=61), contract_id=CID)
    assert d.status == "待追回" and d.to_recover == -v2.difference > o.Money.ZERO
    r.record_payment(CID, JAN, v2.difference, st_.due_on + timedelta(days=61), by="sun")
    (d,) = r.due(st_.due_on + timedelta(days=62), contract_id=CID)
    assert d.status == "逾期已付" and d.to_recover == o.Money.ZERO


def test_the_paid_total_counts_every_payment_whatever_its_date(db_url: str) -> None:
    r, st_ = _settled(db_url)
    assert st_.due_on is not None
    late = st_.due_on + timedelta(days=400)
    r.record_payment(CID, JAN, st_.payable, late, by="sun")
    assert r.paid(CID) == {JAN: st_.payable}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(size=st.sampled_from(["micro", "small", "medium", "large"]),
       rate=st.sampled_from([None, Decimal("0.0002"), Decimal("0.0005"), Decimal("0.001")]),
       days=st.sampled_from([None, 10, 30, 45]),
       accepted=st.integers(0, 40), paid=st.integers(-5, 200))
def test_due_equals_the_statements_interest_for_random_contracts_suppliers_and_dates(
        size: str, rate: Decimal | None, days: int | None, accepted: int, paid: int) -> None:
    c = attrs.evolve(contract(), supplier=o.Supplier("S-1", "供应商S-1", size),
                     late_interest_daily=rate, payment_days=days)
    accepted_on = JAN.end + timedelta(days=accepted)
    r, st_ = _settled("sqlite://", c, accepted_on)
    try:
        base = st_.due_on or accepted_on
        paid_on = max(JAN.end, base + timedelta(days=paid))
        memory = _in_memory(c, accepted_on, paid_on)
        assert (memory.due_on, memory.payable) == (st_.due_on, st_.payable)
        r.record_payment(CID, JAN, st_.payable, paid_on, by="sun")
        found = r.due(paid_on + timedelta(days=365), contract_id=CID, every=True)
        assert [d.late_interest for d in found] == [memory.late_interest]
    finally:
        r.close()
