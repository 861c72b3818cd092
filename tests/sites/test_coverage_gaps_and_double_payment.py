"""Coverage across contracts: gaps (服务空档) and double coverage (重复付费)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from portfolio_cases import (
    Q4,
    SITE,
    disinfection_contract,
    office_area,
    property_timeline,
)

import outsourcing as o
from outsourcing.changes import Change, Resume, Suspend, Timeline
from outsourcing.portfolio import coverage, in_force_count
from outsourcing.sites import RequiredService, Site, load_sites


@pytest.fixture(scope="module")
def rb(registry: o.PluginHost) -> o.RuleBook:
    return registry.rulebook("NX")


def test_gym_suspended_without_resume_is_no_gap_when_the_site_no_longer_requires_it(
        rb: o.RuleBook) -> None:
    rep = coverage([property_timeline(rb), disinfection_contract()],
                   [office_area(gym_still_required=False)], Q4)
    assert rep.gap_days(SITE, "gym_management") == 0
    assert rep.gap_days(SITE, "conference") == 0
    assert [f.code for f in rep.findings()] == ["coverage.double"]


def test_gym_suspended_without_resume_is_a_gap_of_85_days_when_still_required(
        rb: o.RuleBook) -> None:
    rep = coverage([property_timeline(rb), disinfection_contract()],
                   [office_area(gym_still_required=True)], Q4)
    (gap,) = rep.gaps
    assert (gap.service, gap.span, gap.days) == (
        "gym_management", o.DateRange(date(2022, 10, 8), date(2022, 12, 31)), 85)
    assert gap.contracts == (("NXJG-2022-WY-001", "suspended"),)
    # 18,000 a month over 24 + 30 + 31 days
    assert gap.at_stake == o.Money("49935.48")


def test_gym_resumed_leaves_a_gap_only_until_the_resumption(rb: o.RuleBook) -> None:
    rep = coverage([property_timeline(rb, resume_gym=True)],
                   [office_area(gym_still_required=True)], Q4)
    gym = [g for g in rep.gaps if g.service == "gym_management"]
    assert [g.span for g in gym] == [o.DateRange(date(2022, 10, 8), date(2022, 12, 11))]


def test_disinfection_added_by_a_change_beside_a_separate_contract_is_double_coverage(
        rb: o.RuleBook) -> None:
    rep = coverage([property_timeline(rb), disinfection_contract()],
                   [office_area(gym_still_required=False)], Q4)
    (d,) = rep.doubles
    assert d.span == o.DateRange(date(2022, 10, 10), date(2022, 12, 31))
    assert d.days == 83
    assert d.amounts == (("NXJG-2022-WY-001", o.Money("75870.97")),
                         ("NXJG-2022-XS-001", o.Money("54193.55")))
    assert d.at_stake == o.Money("54193.55")
    assert "paid twice at least ¥54,193.55" in d.finding().message


def test_successor_starting_late_leaves_a_gap_between_the_terms() -> None:
    p = o.Purchaser("P", "局")

    def c(cid: str, start: date, end: date) -> o.Contract:
        return o.Contract(cid, "电梯维保", "NX", p, o.Supplier(cid, "某公司", "small"),
                          o.DateRange(start, end), [o.ServiceLine(
                              "e", "elevator_maintenance", "A", o.FixedMonthly("3100.00"))])

    site = Site("A", "某办公区", "NX", services=[RequiredService("elevator_maintenance")])
    rep = coverage([c("E1", date(2022, 1, 1), date(2022, 12, 31)),
                    c("E2", date(2023, 1, 11), date(2023, 12, 31))], [site],
                   o.DateRange(date(2022, 12, 1), date(2023, 1, 31)))
    (gap,) = rep.gaps
    assert gap.span == o.DateRange(date(2023, 1, 1), date(2023, 1, 10))
    assert dict(gap.contracts) == {"E1": "ended", "E2": "not started"}
    assert gap.at_stake == o.Money("1000.00")  # 3,100 a month, 10 of January's 31 days


def test_in_house_service_is_never_a_gap(registry: o.PluginHost) -> None:
    party = next(s for s in registry.sites("NX") if s.id == "自治区党委办公区")
    rep = coverage([], [party], Q4)
    assert "facilities_repair" not in {g.service for g in rep.gaps}
    assert {g.service for g in rep.gaps} == {"property", "greening", "conference", "canteen"}
    assert all(g.days == 92 for g in rep.gaps)


def test_ningxia_plugin_ships_the_four_region_office_areas_and_guyuans_six(
        registry: o.PluginHost) -> None:
    region = [s for s in registry.sites("NX") if s.jurisdiction == "NX"]
    assert len(region) == 4
    assert len(registry.sites("NX-GY")) == 6
    assert all(len(s.services) == 8 for s in registry.sites("NX-GY"))
    gov = next(s for s in region if s.id == SITE)
    assert gov.requires("gym_management", date(2022, 10, 1))


def test_a_bureau_adds_its_own_sites_from_a_file(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "sites.toml"
    path.write_text('''
jurisdiction = "NX-YC"
[[sites]]
id = "银川市民大厦"
address = "银川市金凤区"
opened = 2020-06-01
buildings = [{ name = "A座", floor_area = "32000.5" }, { name = "B座", floor_area = "18000" }]
services = ["property", { service = "canteen", from = 2021-01-01, until = 2022-10-07 }]
''', encoding="utf-8")
    (s,) = load_sites(path)
    assert str(s.floor_area) == "50000.5"
    assert s.requires("canteen", date(2022, 10, 7)) and not s.requires("canteen",
                                                                        date(2022, 10, 8))
    assert not s.requires("property", date(2020, 5, 31))


def test_a_bad_sites_file_names_the_field(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "sites.toml"
    path.write_text('[[sites]]\nid = "X"\njurisdiction = "NX"\nbuildings = [{ name = "A", '
                    'floor_area = 1.5 }]\n', encoding="utf-8")
    with pytest.raises(o.ModelError) as err:
        load_sites(path)
    assert err.value.code == "site.float_area"
    assert "sites[0].floor_area" in str(err.value)


# --- the general rule ------------------------------------------------------------------

BASE = date(2022, 1, 1)
SPAN = o.DateRange(BASE, BASE + timedelta(days=119))
P = o.Purchaser("P", "局")


@st.composite
def portfolios(draw: st.DrawFn) -> tuple[list[Timeline], Site]:
    n = draw(st.integers(0, 4))
    tls: list[Timeline] = []
    for i in range(n):
        a = draw(st.integers(-20, 110))
        b = draw(st.integers(a, 140))
        term = o.DateRange(BASE + timedelta(days=a), BASE + timedelta(days=b))
        site = draw(st.sampled_from(["A", "A", "B"]))
        fee = draw(st.sampled_from(["3000.00", "1234.57", "88888.88"]))
        c = o.Contract(f"C{i}", "物业", "NX", P, o.Supplier(f"S{i}", "某公司", "small"), term,
                       [o.ServiceLine("x", "property", site, o.FixedMonthly(fee))],
                       day_count=draw(st.sampled_from(["actual", "30/360"])))
        tl = Timeline(c)
        if draw(st.booleans()) and term.days > 2:
            s = draw(st.integers(1, term.days - 1))
            sus = term.start + timedelta(days=s)
            changes = [Change("S", Suspend("x"), "force_majeure", "停", sus, "局")]
            if draw(st.booleans()) and sus < term.end:
                r = draw(st.integers(1, (term.end - sus).days))
                changes.append(Change("R", Resume("x"), "force_majeure", "复", sus +
                                      timedelta(days=r), "局"))
            tl = Timeline(c, [attrs_signed(ch) for ch in changes])
        tls.append(tl)
    lo = draw(st.integers(0, 119))
    hi = draw(st.integers(lo, 130))
    site = Site("A", "甲", "NX", services=[RequiredService(
        "property", BASE + timedelta(days=lo), BASE + timedelta(days=hi))])
    return tls, site


def attrs_signed(ch: Change) -> Change:
    import attrs

    from outsourcing.changes import ChangeStatus

    return attrs.evolve(ch, status=ChangeStatus.SIGNED, signed_on=ch.effective,
                        approved_by="局")


@given(portfolios())
def test_gaps_and_double_coverage_are_exactly_the_days_with_zero_or_two_contracts(
        case: tuple[list[Timeline], Site]) -> None:
    tls, site = case
    rep = coverage(tls, [site], SPAN)
    gap_days = {g.span.start + timedelta(days=k) for g in rep.gaps if g.site == "A"
                for k in range(g.days)}
    double_days = {d.span.start + timedelta(days=k) for d in rep.doubles if d.site == "A"
                   for k in range(d.days)}
    days = [SPAN.start + timedelta(days=k) for k in range(SPAN.days)]
    count = {d: in_force_count(tls, "A", "property", d) for d in days}
    assert gap_days == {d for d in days if count[d] == 0 and site.requires("property", d)}
    assert double_days == {d for d in days if count[d] >= 2}
    # each contract's share is what its lines accrue those days, as the timeline says
    by_id = {tl.contract.id: tl for tl in tls}
    for dc in rep.doubles:
        for cid, amount in dc.amounts:
            tl = by_id[cid]
            assert amount == o.Money.sum(
                tl.line_amount(lid, dc.span) for lid, x in tl.all_lines().items()
                if (x.site, x.service) == (dc.site, dc.service))
        assert dc.total >= dc.at_stake >= o.Money.ZERO


def test_a_site_declared_by_two_plugins_is_a_plugin_error() -> None:
    from outsourcing import hookimpl

    class Twice:
        @hookimpl
        def outsourcing_sites(self) -> list[Site]:
            return [Site(SITE, "重复", "NX")]

    reg = o.load(extra=[("twice", Twice())])
    with pytest.raises(o.PluginError) as err:
        reg.sites("NX")
    assert err.value.hook == "outsourcing_sites" and "already declared by" in str(err.value)


def test_a_site_in_an_unknown_jurisdiction_is_a_plugin_error() -> None:
    from outsourcing import hookimpl

    class Elsewhere:
        @hookimpl
        def outsourcing_sites(self) -> list[Site]:
            return [Site("某办公区", "某办公区", "XX")]

    with pytest.raises(o.PluginError, match="unknown jurisdiction 'XX'"):
        o.load(extra=[("elsewhere", Elsewhere())]).sites()


def test_double_coverage_fees_are_what_settlement_pays_with_the_rounding_fen_on_the_main_line(
) -> None:
    # Three lines of ¥100.05 a month on each contract: the contract's rounding fen goes to
    # its main line (尾差计入主项目), so the doubled property fee is Timeline.line_amount.
    p = o.Purchaser("P", "局")

    def c(cid: str, start: date) -> o.Contract:
        return o.Contract(cid, "物业", "NX", p, o.Supplier(cid, "某公司", "small"),
                          o.DateRange(start, date(2022, 12, 31)), [
                              o.ServiceLine(s, s, "A", o.FixedMonthly("100.05"))
                              for s in ("property", "cleaning", "canteen")])

    site = Site("A", "某办公区", "NX", services=[RequiredService("property")])
    one, two = c("C1", date(2022, 1, 1)), c("C2", date(2022, 3, 8))
    rep = coverage([one, two], [site], o.DateRange(date(2022, 3, 8), date(2022, 3, 11)))
    (d,) = [x for x in rep.doubles if x.service == "property"]
    span = o.DateRange(date(2022, 3, 8), date(2022, 3, 11))
    assert d.amounts == (("C1", Timeline(one).line_amount("property", span)),
                         ("C2", Timeline(two).line_amount("property", span)))
    assert d.amounts[0][1] == o.Money("12.90")
