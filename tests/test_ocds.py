"""OCDS 1.1.5 export, validated offline against the official schema shipped in the package."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import attrs
import pytest
from portfolio_cases import disinfection_contract, property_timeline
from procurement_cases import property_bids, property_tender
from stdnum.cn import uscc

import outsourcing as o
from outsourcing import ocds
from outsourcing.changes import AddLine, Change, ChangeStatus, Resume, Suspend, Timeline
from outsourcing.procurement import award, evaluate


@pytest.fixture(scope="module")
def rb(registry: o.Registry) -> o.RuleBook:
    return registry.rulebook("NX")


def _uscc(first17: str) -> str:
    """A valid 统一社会信用代码 from its first 17 characters."""
    return first17 + uscc.calc_check_digit(first17)


def _release(pkg: dict[str, object]) -> dict[str, object]:
    (rel,) = pkg["releases"]  # type: ignore[misc]
    return rel  # type: ignore[no-any-return]


def test_october_2022_contract_exports_a_valid_package_with_amendments_and_payments(
        rb: o.RuleBook) -> None:
    tl = property_timeline(rb, resume_gym=True)
    months = o.Period.of_year(2022).months()
    assessments = [o.Assessment(lid, m, "考核小组", m.end + timedelta(days=5),
                                metrics=[o.Metric("rounds_done_rate", "100")]
                                if lid == "disinfection" else [],
                                surveys=[] if lid == "disinfection" else
                                [o.Survey("satisfaction", 100, 97)])
                   for m in months for lid in ("property", "gym", "conference", "disinfection")
                   if any(r.overlap(m.range) for r, _ in tl.line_schedules()[lid])]
    statements = o.settle_term(tl, assessments, rb)
    pkg = ocds.release_package(tl, as_of=date(2023, 3, 31), prefix="ocds-nxjg01",
                               statements=statements)
    assert ocds.validation_errors(pkg) == []
    rel = _release(pkg)
    assert rel["ocid"] == "ocds-nxjg01-NXJG-2022-WY-001"
    (con,) = rel["contracts"]  # type: ignore[index]
    assert [a["id"] for a in con["amendments"]] == ["BC-2022-01", "BC-2022-02", "BC-2022-03",
                                                    "BC-2022-05"]
    assert con["amendments"][0]["rationale"].endswith("疫情防控：健身中心及运动场馆关闭")
    assert con["value"]["amount"] == tl.amount.yuan
    assert con["status"] == "terminated"  # the term ended on 2022-12-31
    txs = con["implementation"]["transactions"]
    assert len(txs) == 12
    assert sum(t["value"]["amount"] for t in txs) == o.Money.sum(
        s.payable for s in statements).yuan
    assert {m["type"] for m in con["implementation"]["milestones"]} == {"assessment"}
    assert rel["tag"] == ["award", "contract", "contractAmendment", "implementation"]
    text = ocds.dumps(pkg)
    assert "疫情防控" in text and "." in text
    assert ocds.validation_errors(ocds.loads(text)) == []
    assert ocds.loads(text) == pkg


def test_award_from_procurement_adds_planning_and_tender(rb: o.RuleBook) -> None:
    t = property_tender(date(2022, 8, 1))
    aw = award(evaluate(t, property_bids(), rb), rb, contract_id="NXJG-2022-WY-002",
               notified_on=date(2022, 8, 5), signed_on=date(2022, 8, 20))
    pkg = ocds.release_package(aw.contract, as_of=date(2022, 9, 1), award=aw)
    ocds.validate(pkg)
    rel = _release(pkg)
    assert rel["planning"]["budget"]["amount"]["amount"] == Decimal("3200000.00")  # type: ignore[index]
    tender = rel["tender"]  # type: ignore[index]
    assert (tender["procurementMethod"], tender["procurementMethodDetails"]) == ("open", "公开招标")
    assert tender["numberOfTenderers"] == 3
    assert rel["awards"][0]["id"] == rel["contracts"][0]["awardID"] == "NXZC-2022-WY-01-award"  # type: ignore[index]
    assert rel["contracts"][0]["status"] == "active"  # type: ignore[index]


def test_an_invalid_package_is_refused_naming_the_path() -> None:
    pkg = ocds.release_package(disinfection_contract(), as_of=date(2022, 10, 1))
    rel = _release(pkg)
    rel["contracts"][0]["status"] = "finished"  # type: ignore[index]
    with pytest.raises(o.SerializationError) as err:
        ocds.validate(pkg)
    assert err.value.code == "ocds.invalid"
    assert "releases/0/contracts/0/status" in str(err.value)


def test_exported_codes_are_in_the_shipped_codelists(rb: o.RuleBook) -> None:
    pkg = ocds.release_package(property_timeline(rb), as_of=date(2022, 11, 1))
    rel = _release(pkg)
    assert set(rel["tag"]) <= ocds.codelist("releaseTag")  # type: ignore[arg-type]
    assert rel["contracts"][0]["status"] in ocds.codelist("contractStatus")  # type: ignore[index]
    roles = {r for p in rel["parties"] for r in p["roles"]}  # type: ignore[attr-defined]
    assert roles <= ocds.codelist("partyRole")


def test_the_schema_and_its_licence_ship_inside_the_package() -> None:
    from importlib.resources import files

    root = files("outsourcing.ocds") / "schema"
    assert (root / "LICENSE").is_file()
    assert "1__1__5" in (root / "release-schema.json").read_text("utf-8")


# --- 200 random contracts ----------------------------------------------------------------

SERVICES = ["property", "cleaning", "security", "gym_management", "conference",
            "elevator_maintenance", "fire_maintenance", "canteen", "greening"]


def random_timeline(rng: random.Random, i: int) -> Timeline:
    start = date(2021, 1, 1) + timedelta(days=rng.randrange(0, 700))
    end = start + timedelta(days=rng.randrange(30, 1000))
    lines = []
    for k in range(rng.randrange(1, 5)):
        kind = rng.choice(["fixed", "unit", "lpm"])
        fee = f"{rng.randrange(100, 300000)}.{rng.randrange(100):02d}"
        pricing: o.FixedMonthly | o.UnitRate | o.LabourPlusMaterials
        if kind == "fixed":
            pricing = o.FixedMonthly(fee, str(rng.randrange(1, 9)))
        elif kind == "unit":
            pricing = o.UnitRate(fee, str(rng.randrange(1, 50)), "次")
        else:
            pricing = o.LabourPlusMaterials(fee, f"{rng.randrange(0, 50000)}")
        lines.append(o.ServiceLine(f"L{k}", rng.choice(SERVICES), rng.choice("ABC") + "办公区",
                                   pricing, rng.choice(["", "日常服务", "含夜间值守"])))
    c = o.Contract(
        f"R-{i:03d}", f"随机合同{i}", "NX", o.Purchaser(f"P{i % 7}", f"某机关事务管理局{i % 7}"),
        o.Supplier(f"S{i}", f"某服务公司{i}", rng.choice(list(o.EnterpriseSize)),
                   credit_code=rng.choice(["", _uscc(f"91640100MA7{i:06d}")])),
        o.DateRange(start, end), lines,
        signed_on=rng.choice([None, start - timedelta(days=rng.randrange(1, 30))]))
    changes: list[Change] = []
    if rng.random() < 0.6 and c.term.days > 10:
        eff = start + timedelta(days=rng.randrange(1, c.term.days - 5))
        lid = lines[0].id
        changes.append(Change("C1", Suspend(lid), "force_majeure", "暂停服务", eff, "局"))
        if rng.random() < 0.5:
            changes.append(Change("C2", Resume(lid), "force_majeure", "恢复服务",
                                  eff + timedelta(days=rng.randrange(1, 4)), "局"))
        if rng.random() < 0.5:
            changes.append(Change("C3", AddLine(o.ServiceLine(
                "X", "disinfection", "A办公区", o.FixedMonthly("1000.00"), "增加消杀")),
                "force_majeure", "增加消杀", eff, "局"))
    signed = [attrs.evolve(ch, status=ChangeStatus.SIGNED, signed_on=ch.effective,
                           approved_by="局务会议") for ch in changes]
    return Timeline(c, signed)


def random_statements(rng: random.Random, tl: Timeline, rb: o.RuleBook) -> list[o.Statement]:
    """Up to four months settled, each running line scored on the certified staff rate."""
    from outsourcing.portfolio import CERTIFIED_STAFF_KPI

    first = o.Period.containing(tl.contract.term.start, o.PeriodKind.MONTH)
    months = [first]
    while len(months) < 4 and months[-1].next().start <= tl.term.end:
        months.append(months[-1].next())
    sched = tl.line_schedules()
    assessments = [o.Assessment(lid, m, "考核小组", m.end + timedelta(days=3), metrics=[
        o.Metric("certified_staff_rate", str(rng.randrange(60, 101)))])
        for m in months for lid, pieces in sched.items()
        if any(r.overlap(m.range) for r, _ in pieces)]
    return o.settle_term(tl, assessments, rb, upto=months[-1],
                         kpis={lid: [CERTIFIED_STAFF_KPI] for lid in sched})


def test_200_random_contracts_export_valid_packages(rb: o.RuleBook) -> None:
    rng = random.Random(20221021)
    with_payments = 0
    for i in range(200):
        tl = random_timeline(rng, i)
        statements = random_statements(rng, tl, rb) if i % 10 == 0 else []
        as_of = tl.contract.term.start + timedelta(days=rng.randrange(0, 1200))
        pkg = ocds.release_package(tl, as_of=as_of, prefix="ocds-test01",
                                   statements=statements)
        assert ocds.validation_errors(pkg) == [], tl.contract.id
        assert ocds.loads(ocds.dumps(pkg)) == pkg
        impl = _release(pkg)["contracts"][0].get("implementation", {})  # type: ignore[index]
        with_payments += bool(impl.get("transactions"))
    assert with_payments >= 10
