"""The region's view (一张网): each unit with its subtree's figures, on SQLite and PostgreSQL.

A small region: the autonomous region's bureau (NX) contracts property and cleaning and
signs a change; a county of Yinchuan (NX-YC-XQ) contracts security ending soon; Dawukou
(NX-DWK, under Shizuishan) had a security contract that ended in March with no successor;
Guyuan (NX-GY) contracts out nothing.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import attrs
import pytest
from registry_cases import appoint, assessment, contract, staffed

import outsourcing as o
from outsourcing.dates import DateRange
from outsourcing.errors import RegistryError
from outsourcing.registry import Store
from outsourcing.registry.region import region_view


@attrs.frozen
class Unit:
    id: str
    name: str
    parent: str | None


UNITS = (Unit("NX", "宁夏回族自治区机关事务管理局", None),
         Unit("NX-YC", "银川市机关事务管理局", "NX"),
         Unit("NX-YC-XQ", "兴庆区机关事务服务中心", "NX-YC"),
         Unit("NX-SZS", "石嘴山市机关事务管理局", "NX"),
         Unit("NX-DWK", "大武口区机关事务服务中心", "NX-SZS"),
         Unit("NX-GY", "固原市机关事务管理局", "NX"))
ON = date(2022, 6, 30)


def security(cid: str, unit: str, site: str, start: date, end: date) -> o.Contract:
    return o.Contract(
        id=cid, title=f"{site}安保服务", jurisdiction="CN",
        purchaser=o.Purchaser(unit, dict((u.id, u.name) for u in UNITS)[unit]),
        supplier=o.Supplier("S-2", "供应商S-2", "small"), term=DateRange(start, end),
        lines=[o.ServiceLine("security", "security", site, o.FixedMonthly("30000.00"))])


def region(url: str) -> Store:
    r = staffed(url)
    appoint(r, "s2", "供应商乙", ["supplier"], supplier="S-2")
    a = attrs.evolve(contract("A"), purchaser=o.Purchaser("NX", UNITS[0].name))
    r.add_contract(a, by="zhao")
    r.add_contract(security("B", "NX-YC-XQ", "兴庆区政府", date(2022, 1, 1),
                            date(2022, 7, 31)), by="zhao")
    r.add_contract(security("C", "NX-DWK", "大武口区政府", date(2021, 4, 1),
                            date(2022, 3, 31)), by="zhao")
    r.propose_change("A", o.Change(
        "P-1", o.AddLine(o.ServiceLine("greening", "greening", "自治区政府办公区",
                                       o.FixedMonthly("4000.00"))),
        "volume_change", "新增绿化面积", date(2022, 7, 1), "采购人"), by="zhao")
    r.sign_change("A", "P-1", by="li", today=date(2022, 6, 20))
    for m, score in ((1, "95"), (2, "70"), (3, "88")):
        p = o.Period.month(2022, m)
        for line in ("property", "cleaning"):
            r.record_assessment("A", assessment(line, p, score=score), by="qian")
        r.accept("A", p, p.end, by="zhao", today=ON)
        r.settle("A", p, by="sun")
    r.record_payment("A", "2022-01", r.statement("A", "2022-01").payable, date(2022, 2, 10),
                     by="zhou", today=ON)
    return r


def test_each_unit_sums_its_subtree_and_a_unit_that_contracts_nothing_says_so(
        db_url: str) -> None:
    r = region(db_url)
    v = region_view(r, UNITS, root="NX", year=2022, on=ON)
    nx, gy, dwk, xq = (v.unit(c) for c in ("NX", "NX-GY", "NX-DWK", "NX-YC-XQ"))
    assert [u.id for u in v.children("NX")] == ["NX-YC", "NX-SZS", "NX-GY"]
    assert [u.id for u in v.path("NX-YC-XQ")] == ["NX", "NX-YC", "NX-YC-XQ"]
    assert nx.contracts == 3 and nx.own == ("A",)
    assert gy.nothing_contracted and gy.services == () and gy.paid == o.Money.ZERO
    assert not xq.nothing_contracted and xq.services == ("security",)
    # against the catalogue's families: 物业 only (greening signed to start in July)
    assert [(f.code, f.services) for f in nx.families if f.covered] == [
        ("property", ("property", "cleaning", "greening", "security"))]
    assert "maintenance" in [f.code for f in nx.uncovered]
    # spend: what was paid in the year; payable: the statements in force
    jan = r.statement("A", "2022-01").payable
    assert nx.paid == jan and v.unit("NX-YC").paid == o.Money.ZERO
    assert nx.payable == o.Money.sum(s.payable for s in r.statements("A"))
    assert v.contract("A").payable == nx.payable and dwk.payable == o.Money.ZERO


def test_average_score_is_the_mean_of_the_assessed_lines_half_up(db_url: str) -> None:
    r = region(db_url)
    v = region_view(r, UNITS, root="NX", year=2022, on=ON)
    scores = [x.score for p in ("2022-01", "2022-02", "2022-03")
              for x in r.statement("A", p).lines if x.score is not None]
    assert len(scores) == 6
    want = (sum(scores, Decimal(0)) / 6).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert v.unit("NX").score == want == v.contract("A").score
    assert v.unit("NX-GY").score is None
    # February's 70 points draws a warning notice (预警通知); the warnings count notices
    # and replacement thresholds
    months = [r.statement("A", p) for p in ("2022-01", "2022-02", "2022-03")]
    assert [len(s.notices) for s in months] == [0, 1, 0]
    assert v.contract("A").warnings == sum(len(s.notices) + len(s.triggers) for s in months)
    assert v.unit("NX").warnings == v.contract("A").warnings


def test_cap_headroom_renewals_gaps_and_overdue_by_unit(db_url: str) -> None:
    r = region(db_url)
    v = region_view(r, UNITS, root="NX", year=2022, on=ON, renewal_days=60)
    a = v.contract("A")
    assert (a.cap_used, a.cap_limit) == (o.Money("24000.00"), o.Money("120000.00"))
    assert a.cap_share == Decimal("20.0") and v.unit("NX").cap_used == o.Money("24000.00")
    # B ends on 31 July: 31 days left, within 60; A ends in December
    assert v.contract("B").days_left == 31 and not a.nearing_renewal
    assert v.unit("NX-YC").renewals == ("B",) and v.unit("NX").renewals == ("B",)
    # C ended on 31 March with no successor: 大武口区政府 has no security from 1 April
    (gap,) = v.unit("NX-DWK").gaps
    assert (gap.site, gap.service, gap.span) == ("大武口区政府", "security",
                                                 DateRange(date(2022, 4, 1), ON))
    assert v.unit("NX").gaps == (gap,) and v.unit("NX-YC").gaps == ()
    # February and March are settled and unpaid; overdue where the due date has passed
    due = [d for d in r.due(ON, contract_id="A") if d.overdue]
    assert v.contract("A").overdue == o.Money.sum(d.outstanding for d in due)
    assert v.unit("NX").overdue_periods == len(due) > 0


def test_a_county_sees_its_own_subtree_only(db_url: str) -> None:
    r = region(db_url)
    v = region_view(r, UNITS, root="NX-YC", year=2022, on=ON)
    assert [u.id for u in v.units] == ["NX-YC", "NX-YC-XQ"]
    assert [c.id for c in v.contracts] == ["B"]
    with pytest.raises(RegistryError) as e:
        v.unit("NX")
    assert e.value.code == "registry.region.unknown_unit"
    with pytest.raises(RegistryError) as e:
        v.contract("A")
    assert e.value.code == "registry.region.unknown_contract"


def test_a_bad_year_day_or_unit_tree_is_refused_naming_the_field() -> None:
    r = Store.open("sqlite://")
    try:
        with pytest.raises(RegistryError) as e:
            region_view(r, UNITS, root="NX", year=2022, on=date(2023, 1, 1))
        assert (e.value.code, e.value.field) == ("registry.region.day_outside_year", "on")
        with pytest.raises(RegistryError) as e:
            region_view(r, UNITS, root="NX", year=True)  # type: ignore[arg-type]
        assert e.value.field == "year"
        with pytest.raises(RegistryError) as e:
            region_view(r, UNITS, root="NX-ZZ", year=2022)
        assert e.value.code == "registry.region.unknown_unit"
        with pytest.raises(RegistryError) as e:
            region_view(r, [Unit("R", "根", "X"), Unit("X", "乙", "R")], root="R", year=2022)
        assert e.value.code == "registry.region.unit_loop"
        with pytest.raises(RegistryError) as e:
            region_view(r, [*UNITS, Unit("NX-GY", "固原", "NX")], root="NX", year=2022)
        assert e.value.code == "registry.region.duplicate_unit"
        v = region_view(r, UNITS, root="NX", year=2022, on=ON)
        assert all(u.nothing_contracted for u in v.units)
    finally:
        r.close()
