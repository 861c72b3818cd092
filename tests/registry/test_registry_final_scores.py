"""A line's final assessment score (年度/期满考核得分) is a recorded input: versioned, audited,
and read by the periods that release a holdback by the result."""

from __future__ import annotations

from datetime import date

import pytest
from registry_cases import assessment, staffed

import outsourcing as o
from outsourcing.payment import Band, ContractRules, Holdback, PaymentRule, TierTable

CID = "NX-2022-001"


def ready(url: str) -> o.Store:
    r = staffed(url)
    c = o.Contract(
        id=CID, title="物业服务", jurisdiction="CN", purchaser=o.Purchaser("P", "管理局"),
        supplier=o.Supplier("S-1", "供应商", "small"),
        term=o.DateRange(date(2022, 11, 1), date(2022, 12, 31)),
        lines=[o.ServiceLine("property", "property", "办公区", o.FixedMonthly("10000.00"))])
    rule = PaymentRule(TierTable([Band(0, 1)]),
                       holdback=Holdback("0.10", by_result="proportional"))
    r.add_contract(c, by="zhao", rules={"property": rule}, contract_rules=ContractRules())
    for m in (11, 12):
        r.record_assessment(CID, assessment("property", o.Period.month(2022, m)), by="qian")
    return r


def test_the_final_score_releases_the_holdback_and_a_correction_needs_a_reason(
        db_url: str) -> None:
    r = ready(db_url)
    r.settle(CID, "2022-11", by="sun")
    held = r.settle(CID, "2022-12", by="sun").statement
    assert held.line("property").released == o.Money("0.00")   # no final score: held
    assert "holdback.final_assessment_missing" in {f.code for f in held.findings}
    assert r.record_final_score(CID, "property", "85", by="qian") == (1, True)
    assert r.record_final_score(CID, "property", "85.00", by="qian") == (1, False)
    with pytest.raises(o.RegistryError) as e:
        r.record_final_score(CID, "property", "90", by="qian")
    assert e.value.code == "registry.final_score_changed"
    again = r.settle(CID, "2022-12", by="sun")
    assert again.correction and again.statement.line("property").released == o.Money(
        "1700.00")                                              # 85% of ¥2,000 held
    assert again.statement.line("property").forfeited == o.Money("300.00")
    assert not r.settle(CID, "2022-11", by="sun").written     # November does not read it
    assert r.record_final_score(CID, "property", "90", by="qian", reason="复核加分") == (2, True)
    fixed = r.settle(CID, "2022-12", by="sun")
    assert fixed.statement.line("property").released == o.Money("1800.00")
    assert r.final_scores(CID) == {"property": o.Money("90").yuan}
    assert [a.action for a in r.audit_trail(object_prefix="final_scores:")] == [
        "record_final_score", "correct_final_score"]
    assert r.verify().ok


@pytest.mark.parametrize(("line", "score", "says"), [
    ("property", "101", "0到100"), ("property", "九十", "0到100"), ("canteen", "90", "canteen")])
def test_a_bad_final_score_is_refused_naming_it(db_url: str, line: str, score: str,
                                                 says: str) -> None:
    r = ready(db_url)
    with pytest.raises(o.RegistryError) as e:
        r.record_final_score(CID, line, score, by="qian")
    assert e.value.code == "registry.final_score_invalid" and says in e.value.message_zh
    assert r.final_scores(CID) == {}
