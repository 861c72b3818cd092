"""The emergency roster (应急联络表) and certified staff (持证上岗)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from portfolio_cases import (
    SITE,
    disinfection_contract,
    elevator_contract,
    fire_contract,
    property_timeline,
)

import outsourcing as o
from outsourcing.portfolio.roster import DutyContact, emergency_roster
from outsourcing.portfolio.staff import (
    CERTIFIED_STAFF_KPI,
    Certificate,
    PostRequirement,
    StaffMember,
    StaffRoster,
    certified_staff_metric,
    check_staff,
    expiring,
)

OCT = o.DateRange(date(2022, 10, 1), date(2022, 10, 31))


@pytest.fixture(scope="module")
def rb(registry: o.PluginHost) -> o.RuleBook:
    return registry.rulebook("NX")


CONTACTS = [
    DutyContact("NXJG-2022-WY-001", "王经理", "0951-5550101"),
    DutyContact("NXJG-2022-XS-001", "李主管", "0951-5550202"),
    DutyContact("NXJG-2022-DT-001", "赵工", "0951-5550303", service="elevator_maintenance"),
    DutyContact("NXJG-2022-XF-001", "消防控制室", "0951-5550119"),
]


def test_emergency_roster_of_the_region_office_area_on_2022_10_21(
        registry: o.PluginHost, rb: o.RuleBook) -> None:
    site = next(s for s in registry.sites("NX") if s.id == SITE)
    site = site.no_longer_requires("gym_management", date(2022, 10, 7)).no_longer_requires(
        "conference", date(2022, 10, 7))
    roster = emergency_roster(
        site, date(2022, 10, 21),
        [property_timeline(rb), disinfection_contract(), elevator_contract(), fire_contract()],
        CONTACTS, catalogue=registry.catalogue)
    by = {r.service: r for r in roster.rows}
    lift = by["elevator_maintenance"]
    assert (lift.supplier, lift.contact.phone if lift.contact else None) == (
        "宁夏某电梯工程有限公司", "0951-5550303")
    assert lift.response == (("困人救援到场时间", "≤ 30 分钟"),)
    assert by["gym_management"].suspended and not by["gym_management"].required
    # disinfection is answered by two contracts on the same day
    assert [r.contract_id for r in roster.rows if r.service == "disinfection"] == [
        "NXJG-2022-WY-001", "NXJG-2022-XS-001"]
    # HVAC maintenance and facilities repair are required but nobody answers
    assert sorted(f.field for f in roster.findings if f.code == "roster.no_one_answers") == [
        f"{SITE}.facilities_repair", f"{SITE}.hvac_maintenance"]
    text = roster.render()
    assert "应急联络表 自治区政府办公区 2022-10-21" in text and "0951-5550119" in text
    page = roster.html()
    assert page.startswith("<!DOCTYPE html>") and "困人救援到场时间 ≤ 30 分钟" in page
    sheet = roster.csv().lstrip("\ufeff").splitlines()
    assert sheet[1] == "服务,合同,供应商,值班联系人,联系电话,时段,响应要求"
    assert "电梯维保,NXJG-2022-DT-001,宁夏某电梯工程有限公司,赵工,0951-5550303,24小时," \
        "困人救援到场时间 ≤ 30 分钟" in sheet


def test_a_required_service_with_its_only_contract_suspended_is_unanswered(
        registry: o.PluginHost, rb: o.RuleBook) -> None:
    site = next(s for s in registry.sites("NX") if s.id == SITE)
    roster = emergency_roster(site, date(2022, 10, 21), [property_timeline(rb)], CONTACTS,
                              catalogue=registry.catalogue)
    unanswered = {f.field for f in roster.findings if f.code == "roster.no_one_answers"}
    assert f"{SITE}.gym_management" in unanswered


def test_a_running_service_without_a_contact_is_a_warning(registry: o.PluginHost) -> None:
    site = next(s for s in registry.sites("NX") if s.id == SITE)
    roster = emergency_roster(site, date(2022, 10, 21), [elevator_contract()], [])
    (f,) = [f for f in roster.findings if f.code == "roster.no_contact"]
    assert f.severity is o.Severity.WARNING


# --- certified staff -----------------------------------------------------------------------

CANTEEN = PostRequirement("cook", "health", 1, ("day",))
CONTROL_ROOM = PostRequirement("fire_control_room", "fire_operator", 2, ("day", "night"))


def test_cook_whose_health_certificate_expires_mid_month_is_a_finding_of_16_days() -> None:
    roster = StaffRoster("NXJG-2022-ST-001", "canteen", [
        StaffMember("张师傅", "cook", certificates=[
            Certificate("health", "YC2021-0815", "银川市金凤区疾控中心", date(2022, 10, 15))]),
        StaffMember("刘师傅", "cook", certificates=[
            Certificate("health", "YC2022-0301", "银川市金凤区疾控中心", date(2023, 3, 1))]),
    ])
    rep = check_staff(roster, [CANTEEN], OCT)
    (f,) = rep.findings
    assert f.code == "staff.certificate_expired"
    assert "16 days 2022-10-16..2022-10-31" in f.message
    assert "食品安全法 第四十五条" in (f.citation or "")
    # 31 + 15 certified person-days of 62
    assert rep.rate == Decimal("74.19")
    assert [(m.person, left) for m, _, left in expiring(roster, date(2022, 10, 1), 30)] == [
        ("张师傅", 14)]


def test_fire_control_room_with_one_certified_operator_on_the_night_shift() -> None:
    ok = Certificate("fire_operator", "XF-001", "宁夏消防救援总队", date(2025, 6, 30))
    roster = StaffRoster("NXJG-2022-XF-001", "fire", [
        StaffMember("甲", "fire_control_room", "day", [ok]),
        StaffMember("乙", "fire_control_room", "day", [ok]),
        StaffMember("丙", "fire_control_room", "night", [ok]),
        StaffMember("丁", "fire_control_room", "night"),
    ])
    rep = check_staff(roster, [CONTROL_ROOM], OCT)
    codes = sorted((f.code, f.field) for f in rep.findings)
    assert codes == [("staff.certificate_missing", "NXJG-2022-XF-001.fire.丁"),
                     ("staff.post_short", "NXJG-2022-XF-001.fire.fire_control_room.night")]
    short = next(f for f in rep.findings if f.code == "staff.post_short")
    assert "has 1 certified" in short.message and "2 required, on 31 days" in short.message
    assert "GB 25201" in (short.citation or "")
    assert rep.rate == Decimal("75.00")


def test_certified_staff_rate_is_a_kpi_usable_in_an_assessment(rb: o.RuleBook) -> None:
    c = fire_contract()
    roster = StaffRoster(c.id, "fire", [
        StaffMember("甲", "fire_control_room", "day", [Certificate("fire_operator")]),
        StaffMember("丁", "fire_control_room", "night")])
    metric = certified_staff_metric(roster, [CONTROL_ROOM], OCT)
    assert metric.value == Decimal("50.00")
    oct_ = o.Period.month(2022, 10)
    st = o.settle_term(c, [o.Assessment("fire", oct_, "考核小组", date(2022, 11, 5),
                                        metrics=[metric])], rb, upto=oct_,
                       kpis={"fire": [CERTIFIED_STAFF_KPI]})[-1]
    (line,) = st.lines
    assert line.score == Decimal("50.00")
    assert attrs.evolve(CERTIFIED_STAFF_KPI, weight=Decimal(20)).weight == 20


# --- the general rule ----------------------------------------------------------------------

D0 = date(2022, 10, 1)


@st.composite
def rosters(draw: st.DrawFn) -> StaffRoster:
    members = []
    for i in range(draw(st.integers(0, 5))):
        certs = []
        for _ in range(draw(st.integers(0, 2))):
            a = draw(st.integers(-40, 40))
            b = draw(st.integers(a, 60))
            certs.append(Certificate(draw(st.sampled_from(["fire_operator", "health"])),
                                     valid_from=D0 + timedelta(days=a),
                                     valid_until=D0 + timedelta(days=b)))
        s = draw(st.integers(-5, 30))
        members.append(StaffMember(f"P{i}", "fire_control_room",
                                   draw(st.sampled_from(["day", "night"])), certs,
                                   start=D0 + timedelta(days=s),
                                   end=D0 + timedelta(days=draw(st.integers(s, 40)))))
    return StaffRoster("C", "fire", members)


@given(rosters())
def test_a_post_is_short_exactly_on_the_days_with_fewer_certified_people_than_required(
        roster: StaffRoster) -> None:
    rep = check_staff(roster, [CONTROL_ROOM], OCT)
    for shift in ("day", "night"):
        short = {d.start + timedelta(days=k)
                 for f, d in zip(rep.findings, rep.days, strict=True)
                 if f.code == "staff.post_short" and f.field and f.field.endswith(shift)
                 for k in range(d.days)}
        want = set()
        for k in range(OCT.days):
            day = OCT.start + timedelta(days=k)
            n = sum(1 for m in roster.members if m.shift == shift
                    and (m.start is None or m.start <= day) and (m.end is None or day <= m.end)
                    and m.certified("fire_operator", day))
            if n < 2:
                want.add(day)
        assert short == want
    lapses = [f for f in rep.findings if f.code != "staff.post_short"]
    assert (rep.rate == Decimal("100.00")) == (not lapses)


@pytest.mark.parametrize(("build", "code", "zh"), [
    (lambda: DutyContact("NX-1", " ", "0951-1"), "roster.empty_field", "值班联系人不能为空"),
    (lambda: StaffMember("", "elevator_fitter"), "staff.empty_field", "姓名不能为空"),
    (lambda: o.sites.Building("\t"), "site.empty_field", "楼栋不能为空"),
    (lambda: o.Purchaser("P-1", ""), "model.name.empty", "采购人名称不能为空"),
])
def test_a_blank_name_is_refused_by_the_one_shared_check_with_the_models_code(
    build: object, code: str | None, zh: str | None,
) -> None:
    with pytest.raises(o.ModelError) as exc:
        build()  # type: ignore[operator]
    assert exc.value.code == (code or o.ModelError.default_code)
    if zh is not None:
        assert exc.value.zh == zh
    # one validator serves every model that names things: no module keeps its own copy
    from outsourcing import framework, model, sites
    from outsourcing.changes import kinds
    from outsourcing.portfolio import roster, staff
    assert not any(hasattr(m, "_nonempty") for m in (framework, model, sites, kinds, roster,
                                                       staff))
