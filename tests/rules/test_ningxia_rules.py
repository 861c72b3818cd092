"""The Ningxia jurisdictions' rules (plugins/ningxia), each from a line of the source
(seed 000_09cf0a1d90a7be19.txt, 《推进机关后勤社会化服务改革的思考》 from line 205)."""

from __future__ import annotations

import importlib
import inspect
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from outsourcing_ningxia import yinchuan, zhongwei

import outsourcing as o

YEAR_2022 = o.DateRange(date(2022, 1, 1), date(2022, 12, 31))
BUREAU = o.Purchaser("P-NX", "某机关事务管理局")


def contract(jurisdiction: str, lines: list[o.ServiceLine], *, supplier: o.Supplier | None = None,
             signed_on: date = date(2021, 12, 20), cid: str = "C-1") -> o.Contract:
    return o.Contract(
        id=cid, title="机关后勤服务", jurisdiction=jurisdiction, purchaser=BUREAU,
        supplier=supplier or o.Supplier("S-1", "宁夏某服务有限公司", "small"),
        term=YEAR_2022, lines=lines, signed_on=signed_on)


def line(lid: str, service: str, site: str = "行政中心",
         pricing: o.FixedMonthly | o.UnitRate | o.LabourPlusMaterials | None = None
         ) -> o.ServiceLine:
    return o.ServiceLine(lid, service, site, pricing or o.FixedMonthly("10000.00"))


def codes(findings: list[o.Finding]) -> list[str]:
    return sorted(f.code for f in findings)


@attrs.frozen
class AddLines:
    """A stand-in for a proposed change that adds lines (the changes module's own class
    carries its lines the same way: as ServiceLine attributes)."""

    effective: date
    add: tuple[o.ServiceLine, ...]


# -- the plugin distribution ------------------------------------------------------------

def test_each_jurisdiction_is_its_own_entry_point(registry: o.PluginHost) -> None:
    declared = {code: registry.declared_by(code) for code in registry.jurisdictions}
    assert declared == {
        "CN": "core", "NX": "ningxia", "NX-SZS": "ningxia-shizuishan",
        "NX-DWK": "ningxia-dawukou", "NX-YC": "ningxia-yinchuan",
        "NX-ZW": "ningxia-zhongwei", "NX-GY": "ningxia-guyuan",
    }
    chain = [j.code for j in registry.rulebook("NX-DWK").chain]
    assert chain == ["CN", "NX", "NX-SZS", "NX-DWK"]


def test_every_ningxia_parameter_cites_a_line_of_the_source(registry: o.PluginHost) -> None:
    seen = 0
    for code in registry.jurisdictions:
        if not code.startswith("NX"):
            continue
        for p in registry.rulebook(code).parameters():
            if p.jurisdiction != code:
                continue
            seen += 1
            assert re.search(r"line \d+", p.reference), p.source
            assert all(v.citation for v in p.values)
    assert seen == 19  # 16, and the three KPI targets moved from core to NX (0.3)


# -- 石嘴山 -------------------------------------------------------------------------------

FIRE_GRADE_3 = o.Supplier("S-FIRE", "石嘴山某消防技术服务有限公司", "small", qualifications=[
    o.Qualification("fire_technical_service", "三级", "宁夏回族自治区公安消防总队")])


@pytest.mark.parametrize(("signed", "missing"), [
    (date(2021, 11, 8), True),
    (date(2021, 11, 9), False),
])
def test_shizuishan_fire_grade_2_requirement_ends_2021_11_09(
    registry: o.PluginHost, signed: date, missing: bool,
) -> None:
    c = contract("NX-SZS", [line("fire", "fire_maintenance")], supplier=FIRE_GRADE_3,
                 signed_on=signed)
    found = [f for f in c.check(registry.rulebook("NX-SZS"))
             if f.code == "qualification.missing"]
    assert bool(found) is missing
    if missing:
        [f] = found
        assert f.rule_id == "qualification.fire_maintenance"
        assert "国家二级资质" in f.message and "公安部令第129号" in (f.citation or "")


def test_shizuishan_fire_grade_2_supplier_passes_before_the_abolition(
    registry: o.PluginHost,
) -> None:
    grade2 = attrs.evolve(FIRE_GRADE_3, qualifications=[
        o.Qualification("fire_technical_service", "二级", "公安部消防局")])
    c = contract("NX-SZS", [line("fire", "fire_maintenance")], supplier=grade2,
                 signed_on=date(2021, 11, 8))
    assert c.check(registry.rulebook("NX-SZS")) == []


def test_national_rule_alone_accepts_a_grade_3_fire_firm_before_2021_11_09(
    registry: o.PluginHost,
) -> None:
    c = contract("NX", [line("fire", "fire_maintenance")], supplier=FIRE_GRADE_3,
                 signed_on=date(2021, 11, 8))
    assert c.check(registry.rulebook("NX")) == []


def test_shizuishan_property_needed_national_grade_1_until_2017_09_21(
    registry: o.PluginHost,
) -> None:
    grade2 = o.Supplier("S-WY", "石嘴山某物业公司", "medium", qualifications=[
        o.Qualification("property_management", "二级")])
    grade1 = attrs.evolve(grade2, qualifications=[o.Qualification("property_management", "一级")])
    rb = registry.rulebook("NX-SZS")
    y2017 = o.DateRange(date(2017, 1, 1), date(2017, 12, 31))
    before = attrs.evolve(contract("NX-SZS", [line("wy", "property")], supplier=grade2,
                                   signed_on=date(2017, 9, 21)), term=y2017)
    found = before.check(rb)
    assert [(f.code, f.rule_id) for f in found] == [("qualification.missing",
                                                     "qualification.property")]
    assert attrs.evolve(before, supplier=grade1).check(rb) == []


def test_shizuishan_property_grade_abolished_by_guofa_2017_46_from_2017_09_22(
    registry: o.PluginHost,
) -> None:
    """国发〔2017〕46号 cancelled the grade-1 approval (物业服务企业一级资质核定)."""
    grade2 = o.Supplier("S-WY", "石嘴山某物业公司", "medium", qualifications=[
        o.Qualification("property_management", "二级")])
    rb = registry.rulebook("NX-SZS")
    assert contract("NX-SZS", [line("wy", "property")], supplier=grade2,
                    signed_on=date(2017, 9, 22)).check(rb) == []
    r = rb.resolve("qualification.property", date(2017, 9, 22))
    assert r.value == [] and "国发〔2017〕46号" in r.citation


def test_shizuishan_elevator_needs_the_regions_grade_b_licence(registry: o.PluginHost) -> None:
    rb = registry.rulebook("NX-SZS")
    b = o.Supplier("S-DT", "宁夏某电梯公司", "small", qualifications=[
        o.Qualification("special_equipment_installation_repair", "B级", "自治区市场监管厅")])
    c_grade = attrs.evolve(b, qualifications=[
        o.Qualification("special_equipment_installation_repair", "C级", "自治区市场监管厅")])
    lines = [line("dt", "elevator_maintenance", pricing=o.UnitRate("850.00", 12, "台·月"))]
    assert contract("NX-SZS", lines, supplier=b).check(rb) == []
    assert codes(contract("NX-SZS", lines, supplier=c_grade).check(rb)) == [
        "qualification.missing"]


def test_shizuishan_canteen_must_be_labour_plus_materials(registry: o.PluginHost) -> None:
    rb = registry.rulebook("NX-SZS")
    fixed = contract("NX-SZS", [line("st", "canteen", pricing=o.FixedMonthly("60000.00"))])
    [f] = fixed.check(rb)
    assert (f.code, f.severity, f.source) == (
        "shizuishan.canteen_not_labour_plus_materials", o.Severity.WARNING,
        "ningxia-shizuishan")
    assert f.field == "lines[0].pricing" and f.rule_id == "practice.canteen_pricing"
    ok = contract("NX-SZS", [line("st", "canteen",
                                  pricing=o.LabourPlusMaterials("38000.00", "22000.00"))])
    assert ok.check(rb) == []


def test_shizuishan_canteen_rule_does_not_reach_other_cities(registry: o.PluginHost) -> None:
    c = contract("NX-GY", [line("st", "canteen", pricing=o.FixedMonthly("60000.00"))])
    assert "shizuishan.canteen_not_labour_plus_materials" not in codes(
        c.check(registry.rulebook("NX-GY")))


# -- 大武口 -------------------------------------------------------------------------------

def test_dawukou_buys_only_security_and_cleaning(registry: o.PluginHost) -> None:
    rb = registry.rulebook("NX-DWK")
    ok = contract("NX-DWK", [line("ab", "security"), line("bj", "cleaning"),
                             line("xs", "disinfection")])
    assert ok.check(rb) == []
    wider = contract("NX-DWK", [line("ab", "security"), line("lh", "greening")])
    [f] = wider.check(rb)
    assert (f.code, f.field, f.rule_id) == ("scope.service_not_bought", "lines[1].service",
                                            "scope.allowed_services")
    assert "财政预算资金不足" in (f.citation or "")


def test_dawukou_change_adding_a_service_outside_the_budget_gets_the_finding(
    registry: o.PluginHost,
) -> None:
    rb = registry.rulebook("NX-DWK")
    c = contract("NX-DWK", [line("ab", "security")])
    change = AddLines(date(2022, 10, 1), (line("bj2", "cleaning"), line("lh", "greening")))
    [f] = registry.check_change(c, change, rb)
    assert (f.code, f.field, f.source) == ("scope.service_not_bought", "change.add[1].service",
                                           "ningxia-dawukou")


def test_dawukou_inherits_shizuishan_qualifications(registry: o.PluginHost) -> None:
    rb = registry.rulebook("NX-DWK")
    assert rb.resolve("qualification.property", date(2022, 1, 1)).parameter.jurisdiction == \
        "NX-SZS"


# -- 银川 ---------------------------------------------------------------------------------

def test_yinchuan_kpi_targets_from_its_standards_report(registry: o.PluginHost) -> None:
    rb = registry.rulebook("NX-YC")
    on = date(2022, 10, 1)
    assert rb.value(yinchuan.KPI_REPAIR_PASS_RATE, on) == Decimal("1.00")
    assert rb.value(yinchuan.KPI_CONFERENCE_SATISFACTION, on) == Decimal("0.98")
    assert "line 183" in rb.parameter(yinchuan.KPI_CONFERENCE_SATISFACTION).reference
    assert rb.parameter(yinchuan.KPI_REPAIR_PASS_RATE).jurisdiction == "NX-YC"
    # the region's illustrative default (moved from core's catalogue in 0.3) is below it
    region = registry.rulebook("NX").parameter(yinchuan.KPI_REPAIR_PASS_RATE)
    assert (region.jurisdiction, region.illustrative) == ("NX", True)
    assert not registry.rulebook("CN").has(yinchuan.KPI_REPAIR_PASS_RATE)


def test_yinchuan_piecemeal_property_service_is_not_full_entrustment(
    registry: o.PluginHost,
) -> None:
    rb = registry.rulebook("NX-YC")
    piece = contract("NX-YC", [line("bj", "cleaning", "市民大厦")])
    [f] = piece.check(rb)
    assert (f.code, f.severity, f.term) == ("yinchuan.property_not_fully_entrusted",
                                            o.Severity.WARNING, "全权委托")
    whole = contract("NX-YC", [line("wy", "property", "市民大厦"),
                               line("bj", "cleaning", "市民大厦"),
                               line("ab", "security", "市民大厦")])
    assert whole.check(rb) == []


def test_yinchuan_property_split_across_suppliers_at_one_site(registry: o.PluginHost) -> None:
    rb = registry.rulebook("NX-YC")
    a = contract("NX-YC", [line("wy", "property", "市民大厦")], cid="YC-WY")
    b = contract("NX-YC", [line("ab", "security", "市民大厦"), line("ab2", "security", "北京路")],
                 supplier=o.Supplier("S-2", "银川某保安服务公司", "small"), cid="YC-AB")
    [f] = yinchuan.check_full_entrustment([a, b], rb)
    assert f.code == "yinchuan.property_split_across_suppliers"
    assert f.message.startswith("市民大厦: property services split among 2 suppliers")
    assert "YC-AB/ab" in f.message and "YC-WY/wy" in f.message
    assert yinchuan.check_full_entrustment([a], rb) == []


def test_yinchuan_canteen_by_labour_contracting_not_per_meal(registry: o.PluginHost) -> None:
    rb = registry.rulebook("NX-YC")
    per_meal = contract("NX-YC", [line("st", "canteen", pricing=o.UnitRate("12.00", 9000, "份"))])
    assert codes(per_meal.check(rb)) == ["yinchuan.canteen_not_labour_contracting"]
    labour = contract("NX-YC", [line("st", "canteen", pricing=o.FixedMonthly("45000.00"))])
    assert labour.check(rb) == []


# -- 中卫 ---------------------------------------------------------------------------------

def test_zhongwei_official_transport_is_rented_per_trip(registry: o.PluginHost) -> None:
    rb = registry.rulebook("NX-ZW")
    monthly = contract("NX-ZW", [line("car", "official_transport")])
    assert codes(monthly.check(rb)) == ["zhongwei.official_transport_not_per_trip"]
    per_trip = contract("NX-ZW", [line("car", "official_transport",
                                       pricing=o.UnitRate("80.00", 30, "趟"))])
    assert per_trip.check(rb) == []


def test_zhongwei_canteen_materials_at_market_prices(registry: o.PluginHost) -> None:
    rb = registry.rulebook("NX-ZW")
    fixed = contract("NX-ZW", [line("st", "canteen")])
    [f] = fixed.check(rb)
    assert (f.code, f.rule_id) == ("zhongwei.canteen_materials_not_at_market",
                                   "canteen.market_inquiries_per_month")
    assert contract("NX-ZW", [line("st", "canteen", pricing=o.LabourPlusMaterials(
        "30000.00", "25000.00"))]).check(rb) == []


def test_zhongwei_market_inquiries_twice_a_month(registry: o.PluginHost) -> None:
    rb = registry.rulebook("NX-ZW")
    assert rb.value("canteen.market_inquiries_per_month", date(2022, 10, 1)) == 2
    q4 = o.Period.quarter(2022, 4)
    done = [date(2022, 10, 5), date(2022, 10, 20), date(2022, 11, 3), date(2022, 11, 3),
            date(2022, 12, 1), date(2022, 12, 16)]
    [f] = zhongwei.check_market_inquiries(done, q4, rb)
    assert f.code == "zhongwei.too_few_market_inquiries"
    assert f.message == ("2022-11: 1 market price inquiries (2022-11-03), the rule asks 2 a "
                         "month")
    assert zhongwei.check_market_inquiries([*done, date(2022, 11, 18)], q4, rb) == []


ELEVATOR_FIRM = o.Supplier("S-1", "宁夏某服务有限公司", "small", qualifications=[
    o.Qualification("special_equipment_installation_repair", "B级", "自治区")])


# -- 固原 ---------------------------------------------------------------------------------

def test_guyuan_eight_tendered_services(registry: o.PluginHost) -> None:
    rb = registry.rulebook("NX-GY")
    assert len(rb.value("practice.tendered_services", date(2022, 1, 1))) == 8
    assert rb.value("practice.office_area_count", date(2022, 1, 1)) == 6
    among = contract("NX-GY", [line(s, s) for s in (
        "property", "it_management", "conference", "printing", "greening", "access_control",
        "security", "cleaning")] + [line("dt", "elevator_maintenance",
                                         pricing=o.UnitRate("800.00", 6, "台·月"))],
                     supplier=ELEVATOR_FIRM)
    assert among.check(rb) == []
    outside = contract("NX-GY", [line("wy", "property"), line("st", "canteen")])
    [f] = outside.check(rb)
    assert (f.code, f.severity, f.field) == ("guyuan.service_not_among_tendered",
                                             o.Severity.INFO, "lines[1].service")


# -- 自治区 -------------------------------------------------------------------------------

def test_region_party_office_area_keeps_facilities_maintenance_in_house(
    registry: o.PluginHost,
) -> None:
    rb = registry.rulebook("NX")
    c = contract("NX", [line("wy", "property", "自治区党委办公区"),
                        line("ss", "facilities_repair", "自治区党委办公区")])
    [f] = c.check(rb)
    assert (f.code, f.severity, f.field) == ("nx.office_area.in_house_service_bought",
                                             o.Severity.WARNING, "lines[1].service")
    assert "line 215" in rb.parameter("practice.office_areas").reference


def test_region_government_office_area_buys_its_seven_services(registry: o.PluginHost) -> None:
    rb = registry.rulebook("NX")
    site = "自治区政府办公区"
    seven = ["property", "gym_management", "conference", "elevator_maintenance",
             "fire_maintenance", "hvac_maintenance", "facilities_repair"]
    c = contract("NX", [line(s, s, site) for s in seven], supplier=ELEVATOR_FIRM,
                 signed_on=date(2022, 1, 1))
    assert c.check(rb) == []
    canteen = contract("NX", [line("st", "canteen", site)])
    assert codes(canteen.check(rb)) == ["nx.office_area.service_not_reported"]
    assert canteen.check(rb)[0].severity is o.Severity.INFO
    elsewhere = contract("NX", [line("st", "canteen", "某厅局办公楼")])
    assert elsewhere.check(rb) == []


def test_region_check_applies_to_changes_too(registry: o.PluginHost) -> None:
    rb = registry.rulebook("NX")
    c = contract("NX", [line("wy", "property", "自治区党委办公区")])
    found = registry.check_change(
        c, AddLines(date(2022, 10, 1), (line("ss", "facilities_repair", "自治区党委办公区"),)), rb)
    assert codes(found) == ["nx.office_area.in_house_service_bought"]


def test_city_checks_stay_out_of_national_contracts(registry: o.PluginHost) -> None:
    c = contract("CN", [line("st", "canteen", pricing=o.UnitRate("12.00", 100, "份")),
                        line("car", "official_transport")])
    assert c.check(registry.rulebook("CN")) == []


# -- docs --------------------------------------------------------------------------------

DOCS = Path(__file__).resolve().parents[2] / "docs" / "jurisdictions"


def test_each_jurisdiction_page_names_its_parameters_findings_and_illustrative_rules(
    registry: o.PluginHost,
) -> None:
    for code in [c for c in registry.jurisdictions if c.startswith("NX")]:
        page = (DOCS / f"{code}.md").read_text(encoding="utf-8")
        assert f"(`{code}`)" in page.splitlines()[0]
        assert re.search(r"line \d+", page)
        for p in registry.rulebook(code).parameters():
            if p.jurisdiction != code:
                continue
            assert f"`{p.id}`" in page, (code, p.id)
            if p.illustrative:
                row = next(x for x in page.splitlines() if x.startswith(f"| `{p.id}`"))
                assert "illustrative" in row
        module = importlib.import_module(registry.pm.get_plugin(
            registry.declared_by(code)).__name__)
        for finding in re.findall(r'Finding\(\s*"([a-z_.]+)"', inspect.getsource(module)):
            assert f"`{finding}`" in page, (code, finding)
