"""按实结算: unit-rate lines paid on the quantity delivered, canteens' materials at cost."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs
import pytest

import outsourcing as o
from outsourcing.changes import Change, Suspend, Timeline

OCT = o.Period.parse("2022-10")


def contract() -> o.Contract:
    return o.Contract(
        id="ZW-2022-GWYC", title="公务用车与食堂", jurisdiction="NX",
        purchaser=o.Purchaser("ZW", "中卫市机关事务管理局"),
        supplier=o.Supplier("S", "中卫某服务公司", "small"),
        term=o.DateRange(date(2022, 1, 1), date(2022, 12, 31)),
        lines=[
            o.ServiceLine("trips", "official_transport", "市政府", o.UnitRate("80.00", "60",
                                                                            unit="趟")),
            o.ServiceLine("canteen", "canteen", "市政府",
                          o.LabourPlusMaterials("30000.00", "45000.00")),
            o.ServiceLine("cleaning", "cleaning", "市政府", o.FixedMonthly("20000.00")),
        ])


def assessments(period: o.Period = OCT) -> list[o.Assessment]:
    on = period.end.replace(day=28)
    return [
        o.Assessment("trips", period, "考核小组", on, metrics=[o.Metric("on_time_rate", "99")],
                     surveys=[o.Survey("satisfaction", 20, 20)]),
        o.Assessment("canteen", period, "考核小组", on,
                     sheets=[o.ScoreSheet("food_safety_inspection",
                                          [o.ScoreItem("食品安全", 100, 96)])],
                     surveys=[o.Survey("satisfaction", 100, 95)]),
        o.Assessment("cleaning", period, "考核小组", on,
                     sheets=[o.ScoreSheet("inspection", [o.ScoreItem("保洁", 100, 95)])],
                     surveys=[o.Survey("satisfaction", 100, 96)]),
    ]


def test_without_usage_the_planned_quantity_is_paid(registry: o.PluginHost) -> None:
    st = o.settle(contract(), OCT, assessments(), registry.rulebook("NX"))
    assert st.line("trips").fee == o.Money("4800.00")       # 60 planned × ¥80
    assert st.line("canteen").fee == o.Money("75000.00")    # labour + materials budget


def test_unit_rate_line_is_paid_on_the_quantity_delivered(registry: o.PluginHost) -> None:
    st = o.settle(contract(), OCT, assessments(), registry.rulebook("NX"),
                  usage=[o.Usage("trips", OCT, quantity="57")])
    line = st.line("trips")
    assert line.fee == o.Money("4560.00")                   # 57 × ¥80, not the plan
    why = line.explain("合同费用")
    assert why.rule_id == "settlement.actual_quantity"
    assert ("实际数量", "57 趟") in why.inputs and ("计划数量", "60 趟/月") in why.inputs
    assert st.line("cleaning").fee == o.Money("20000.00")   # other lines untouched


def test_canteen_materials_are_paid_at_cost_within_the_budget(registry: o.PluginHost) -> None:
    st = o.settle(contract(), OCT, assessments(), registry.rulebook("NX"),
                  usage=[o.Usage("canteen", OCT, materials="41236.50")])
    assert st.line("canteen").fee == o.Money("71236.50")    # ¥30,000 labour + at cost
    assert not [f for f in st.findings if f.code.startswith("settlement.materials")]


def test_materials_over_budget_pay_the_budget_and_say_so(registry: o.PluginHost) -> None:
    st = o.settle(contract(), OCT, assessments(), registry.rulebook("NX"),
                  usage=[o.Usage("canteen", OCT, materials="47000.00")])
    assert st.line("canteen").fee == o.Money("75000.00")
    [f] = [f for f in st.findings if f.code == "settlement.materials_over_budget"]
    assert "¥2,000.00 is not paid" in f.message


def test_a_suspended_part_of_the_month_prorates_labour_and_the_materials_budget(
    registry: o.PluginHost,
) -> None:
    rb = registry.rulebook("NX")
    tl = Timeline(contract()).sign(Change(
        "C1", Suspend("canteen"), "force_majeure", "分餐制改造", effective=date(2022, 10, 17),
        requested_by="中卫市机关事务管理局", signed_on=date(2022, 10, 16),
        approved_by="局务会议"), rb, today=date(2022, 12, 31))
    st = o.settle(tl, OCT, assessments(), rb,
                  usage=[o.Usage("canteen", OCT, materials="30000.00")])
    # 16 of 31 days: labour ¥15,483.87; materials budget ¥23,225.81 caps the ¥30,000 bought
    assert st.line("canteen").fee == o.Money("38709.68")
    assert any(f.code == "settlement.materials_over_budget" for f in st.findings)


@pytest.mark.parametrize(("usage", "message"), [
    (o.Usage("cleaning", OCT, quantity="3"), "fixed monthly fee"),
    (o.Usage("canteen", OCT, quantity="3"), "record the materials bought"),
    (o.Usage("trips", OCT, materials="3"), "record its quantity"),
    (o.Usage("taxi", OCT, quantity="3"), "no such line"),
    (o.Usage("trips", "2022-11", quantity="3"), "usage for 2022-11 given when settling"),
])
def test_usage_that_does_not_fit_the_line_is_a_clear_error(
    registry: o.PluginHost, usage: o.Usage, message: str
) -> None:
    with pytest.raises(o.SettlementError, match=message):
        o.settle(contract(), OCT, assessments(), registry.rulebook("NX"), usage=[usage])


def test_usage_itself_refuses_floats_negatives_and_both_or_neither() -> None:
    with pytest.raises(o.ModelError, match="float"):
        o.Usage("trips", OCT, quantity=57.0)
    with pytest.raises(o.ModelError, match="negative"):
        o.Usage("trips", OCT, quantity="-1")
    with pytest.raises(o.ModelError, match="either"):
        o.Usage("trips", OCT)
    with pytest.raises(o.ModelError, match="either"):
        attrs.evolve(o.Usage("trips", OCT, quantity="1"), materials=o.Money("1"))


def test_settle_term_takes_each_periods_usage(registry: o.PluginHost) -> None:
    rb = registry.rulebook("NX")
    months = [o.Period.month(2022, m) for m in range(1, 13)]
    sts = o.settle_term(contract(), [a for m in months for a in assessments(m)], rb,
                        usage=[o.Usage("trips", m, quantity=Decimal(50 + m.index))
                               for m in months])
    assert [st.line("trips").fee for st in sts][:3] == [
        o.Money("4080.00"), o.Money("4160.00"), o.Money("4240.00")]
