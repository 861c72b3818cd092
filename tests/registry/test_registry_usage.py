"""Actual usage in the store (实际用量): versioned like assessments, audited, read by
settlement — a usage-priced line without its usage is withheld, never paid its plan."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa
from desk_cases import usage_assessments as assessments
from desk_cases import usage_contract as contract
from registry_cases import staffed

import outsourcing as o
from outsourcing.registry import Store

OCT = o.Period.parse("2022-10")


def ready(url: str) -> Store:
    r = staffed(url)
    r.add_contract(contract(), by="zhao")
    r.record_assessments("ZW-2022-GWYC", assessments(), by="qian")
    return r


def line(st: o.Statement, lid: str) -> o.StatementLine:
    return next(x for x in st.lines if x.line_id == lid)


def test_usage_is_recorded_once_corrected_with_a_reason_and_audited(db_url: str) -> None:
    r = ready(db_url)
    cid = "ZW-2022-GWYC"
    first = r.record_usage(cid, [o.Usage("trips", OCT, quantity="57"),
                                 o.Usage("canteen", OCT, materials="41236.50")], by="zhao")
    assert [(x.line, x.version, x.written) for x in first] == [
        ("trips", 1, True), ("canteen", 1, True)]
    again = r.record_usage(cid, [o.Usage("trips", OCT, quantity="57.0"),
                                 o.Usage("canteen", OCT, materials="41236.50")], by="zhao")
    assert [x.written for x in again] == [False, False]
    with pytest.raises(o.RegistryError) as e:  # one changed value, no reason: nothing written
        r.record_usage(cid, [o.Usage("canteen", OCT, materials="41000.00"),
                             o.Usage("trips", OCT, quantity="58")], by="zhao")
    assert e.value.code == "registry.usage_correction_needs_reason"
    assert "更正须说明理由" in e.value.message_zh
    assert {u.line: u.quantity or u.materials for u in r.usage(cid, OCT)} == {
        "trips": Decimal("57"), "canteen": o.Money("41236.50")}
    fixed = r.record_usage(cid, [o.Usage("canteen", OCT, materials="41000.00")], by="zhao",
                           reason="发票复核：一张重复报销")
    assert (fixed[0].version, fixed[0].correction) == (2, True)
    assert [u.materials for u in r.usage(cid, OCT, history=True) if u.line == "canteen"] == [
        o.Money("41236.50"), o.Money("41000.00")]
    actions = [a.action for a in r.audit_trail(object_prefix="usage_records:")]
    assert actions == ["record_usage", "record_usage", "correct_usage"]
    assert r.verify().ok
    with r.engine.begin() as c:  # an edited usage row is caught by the audit chain
        c.execute(sa.text("UPDATE usage_records SET document = replace(document, '41000', "
                          "'44000') WHERE version = 2"))
    bad = r.verify()
    assert not bad.ok and "usage_records" in bad.reason and "was edited" in bad.reason


def test_settling_without_usage_withholds_the_usage_part_and_never_pays_the_budget(
        db_url: str) -> None:
    r = ready(db_url)
    cid = "ZW-2022-GWYC"
    st = r.settle(cid, OCT, by="sun").statement
    missing = [f for f in st.findings if f.code == "usage.missing"]
    assert sorted(f.field for f in missing) == ["usage[canteen]", "usage[trips]"]
    assert all(f.severity is o.Severity.ERROR for f in missing)
    assert "¥45,000.00" in next(f.message_zh for f in missing if "canteen" in f.field)
    assert line(st, "trips").fee == o.Money("0.00")
    assert line(st, "canteen").fee == o.Money("30000.00")  # labour only, no budget
    held = st.line("canteen").explain("合同费用")
    assert held.rule_id == "usage.missing"
    assert ("原材料实际", "未录入") in held.inputs
    assert ("原材料预算（未支付）", "¥45,000.00") in held.inputs
    # the usage recorded, settling again is a correction paying the receipts, not the budget
    r.record_usage(cid, [o.Usage("trips", OCT, quantity="57"),
                         o.Usage("canteen", OCT, materials="41236.50")], by="zhao")
    again = r.settle(cid, OCT, by="sun")
    assert again.correction and again.version == 2
    st2 = again.statement
    assert not [f for f in st2.findings if f.code == "usage.missing"]
    assert line(st2, "trips").fee == o.Money("4560.00")
    assert line(st2, "canteen").fee == o.Money("71236.50")
    why = st2.line("canteen").explain("合同费用")
    assert dict(why.inputs)["原材料实际"] == "¥41,236.50"
    assert dict(why.inputs)["原材料预算"] == "¥45,000.00"
    assert not r.settle(cid, OCT, by="sun").written  # same inputs: nothing written


@pytest.mark.parametrize(("usage", "says"), [
    (o.Usage("cleaning", OCT, quantity="3"), "fixed monthly fee"),
    (o.Usage("canteen", OCT, quantity="3"), "record the materials bought"),
    (o.Usage("trips", OCT, materials="3"), "record its quantity"),
    (o.Usage("taxi", OCT, quantity="3"), "no such line"),
    (o.Usage("trips", "2023-01", quantity="3"), "outside the term"),
])
def test_usage_that_does_not_fit_the_contract_is_refused_and_nothing_is_written(
        db_url: str, usage: o.Usage, says: str) -> None:
    r = ready(db_url)
    with pytest.raises(o.RegistryError) as e:
        good = o.Usage("trips" if usage.line == "canteen" else "canteen", OCT,
                       **({"quantity": "1"} if usage.line == "canteen" else
                          {"materials": "1.00"}))
        r.record_usage("ZW-2022-GWYC", [good, usage], by="zhao")
    assert e.value.code == "registry.usage_invalid" and says in str(e.value)
    assert r.usage("ZW-2022-GWYC", OCT) == []


def test_only_officers_and_assessors_record_usage_never_finance_or_the_supplier(
        db_url: str) -> None:
    r = ready(db_url)
    for who in ("sun", "s1"):
        with pytest.raises(o.AccessDenied) as e:
            r.record_usage("ZW-2022-GWYC", [o.Usage("trips", OCT, quantity="1")], by=who)
        assert e.value.code == "registry.denied.role"
    assert r.record_usage("ZW-2022-GWYC", [o.Usage("trips", OCT, quantity="1")],
                          by="qian")[0].written
