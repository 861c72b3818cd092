"""Framework agreements and call-offs (框架协议采购, 财政部令第110号), with 中卫's official
transport as the case: a public tender fixes the companies and a unified price list, each
using unit calls off under its own agreement (seed line 217)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import outsourcing as o
from outsourcing.framework import (
    CallOffMethod,
    FrameworkKind,
    check_agreement,
    join,
    next_in_rotation,
    withdraw,
)

CAR_HIRE = [
    o.PriceListItem("sedan_trip", "市内轿车（单程）", "official_transport", "趟", "80.00"),
    o.PriceListItem("sedan_day", "轿车（全天）", "official_transport", "天", "400.00"),
    o.PriceListItem("van_trip", "商务车（单程）", "official_transport", "趟", "120.00"),
]
S1 = o.Supplier("ZW-CAR-1", "中卫市某汽车租赁有限公司", "small")
S2 = o.Supplier("ZW-CAR-2", "中卫某出行服务有限公司", "micro")
S3 = o.Supplier("ZW-CAR-3", "宁夏某交通运输有限公司", "medium")
FINANCE = o.Purchaser("ZW-CZJ", "中卫市财政局")


@pytest.fixture(scope="module")
def zw(registry: o.PluginHost) -> o.RuleBook:
    return registry.rulebook("NX-ZW")


def agreement(**kw: object) -> o.FrameworkAgreement:
    base: dict[str, object] = dict(
        id="ZWZC-2022-KJ-001",
        title="中卫市公务出行服务框架协议",
        jurisdiction="NX-ZW",
        organiser=o.Purchaser("ZW-ZFCG", "中卫市政府采购中心"),
        suppliers=[S1, S2, S3],
        price_list=CAR_HIRE,
        term=o.DateRange(date(2022, 3, 1), date(2024, 2, 29)),
    )
    base.update(kw)
    return o.FrameworkAgreement(**base)  # type: ignore[arg-type]


def direct(rb: o.RuleBook, **kw: object) -> o.CallOff:
    args: dict[str, object] = dict(
        id="ZW-CZJ-2022-YC-01", using_unit=FINANCE,
        items={"sedan_trip": 30, "sedan_day": 4},
        term=o.DateRange(date(2022, 4, 1), date(2022, 12, 31)),
        signed_on=date(2022, 3, 25), site="中卫市行政中心", supplier="ZW-CAR-2",
    )
    args.update(kw)
    return o.call_off(agreement(), rb, **args)  # type: ignore[arg-type]


def test_direct_call_off_at_list_prices_is_a_unit_rate_contract_that_settles(
    zw: o.RuleBook,
) -> None:
    c = direct(zw)
    assert c.method is CallOffMethod.DIRECT
    contract = c.contract
    assert contract.supplier == S2 and contract.purchaser == FINANCE
    assert contract.jurisdiction == "NX-ZW"
    trip = contract.line("sedan_trip").pricing
    assert isinstance(trip, o.UnitRate)
    assert (trip.unit_price, trip.quantity, trip.unit) == (o.Money("80.00"), Decimal(30), "趟")
    # 30 trips × ¥80 + 4 days × ¥400 = ¥4,000 a month, April–December
    assert contract.original_amount == o.Money("36000.00")
    assert contract.line_amount("sedan_day") == o.Money("14400.00")
    assert contract.check(zw) == []
    assert any("直接选定" in x for x in c.explanation)


def test_call_off_price_above_the_list_price_is_refused_naming_item_and_rule(
    zw: o.RuleBook,
) -> None:
    with pytest.raises(o.ProcurementError) as exc:
        direct(zw, prices={"sedan_trip": "85.00"})
    e = exc.value
    assert e.field == "prices[sedan_trip]"
    assert e.value == "85.00"
    assert e.rule_id == "framework.call_off_price_ceiling"
    assert "¥85.00" in str(e) and "¥80.00" in str(e) and "财政部令第110号" in str(e)
    assert e.term == "入围价格"


def test_agreed_price_below_the_list_price_is_kept(zw: o.RuleBook) -> None:
    c = direct(zw, prices={"sedan_trip": "72.50"})
    assert c.contract.line("sedan_trip").pricing == o.UnitRate("72.50", Decimal(30), "趟")
    assert c.contract.original_amount == o.Money("33975.00")  # (30×72.50 + 1600) × 9


def test_second_bidding_lowest_monthly_total_wins_with_list_as_ceiling(zw: o.RuleBook) -> None:
    c = direct(zw, method="second_bidding", supplier=None, bids={
        "ZW-CAR-1": {"sedan_trip": "78.00", "sedan_day": "390.00"},   # 3,900.00
        "ZW-CAR-2": {"sedan_trip": "75.00", "sedan_day": "400.00"},   # 3,850.00
        "ZW-CAR-3": {"sedan_trip": "80.00", "sedan_day": "370.00"},   # 3,880.00
    })
    assert c.contract.supplier == S2
    assert c.contract.original_amount == o.Money("34650.00")
    assert "¥3,850.00" in c.explanation[0]


def test_second_bidding_tie_goes_to_the_supplier_admitted_first(zw: o.RuleBook) -> None:
    c = direct(zw, method="second_bidding", supplier=None, bids={
        "ZW-CAR-3": {"sedan_trip": "75.00", "sedan_day": "400.00"},
        "ZW-CAR-2": {"sedan_trip": "80.00", "sedan_day": "362.50"},
    })
    assert c.contract.supplier == S2
    assert "tied with ZW-CAR-3" in c.explanation[0]


def test_second_bid_above_the_list_price_is_refused(zw: o.RuleBook) -> None:
    with pytest.raises(o.ProcurementError, match=r"bids\[ZW-CAR-1\]\[sedan_day\]"):
        direct(zw, method="second_bidding", supplier=None, bids={
            "ZW-CAR-1": {"sedan_trip": "70.00", "sedan_day": "400.01"}})


def test_second_bid_from_a_supplier_not_admitted_is_refused(zw: o.RuleBook) -> None:
    with pytest.raises(o.ProcurementError, match="not an admitted supplier"):
        direct(zw, method="second_bidding", supplier=None, bids={
            "OUTSIDER": {"sedan_trip": "60.00", "sedan_day": "300.00"}})


def test_rotation_gives_each_supplier_one_turn_per_round() -> None:
    fa = agreement()
    assert next_in_rotation(fa, []) == S1
    assert next_in_rotation(fa, ["ZW-CAR-1"]) == S2
    assert next_in_rotation(fa, ["ZW-CAR-1", "ZW-CAR-2", "ZW-CAR-3"]) == S1
    assert next_in_rotation(fa, ["ZW-CAR-1", "ZW-CAR-2", "ZW-CAR-3", "ZW-CAR-1"]) == S2
    with pytest.raises(o.ProcurementError, match="awarded twice in one round"):
        next_in_rotation(fa, ["ZW-CAR-1", "ZW-CAR-1"])


def test_rotation_call_off_awards_the_supplier_whose_turn_it_is(zw: o.RuleBook) -> None:
    c = direct(zw, method="rotation", supplier=None, awarded_before=["ZW-CAR-1", "ZW-CAR-2"])
    assert c.contract.supplier == S3
    assert c.contract.original_amount == o.Money("36000.00")


def test_a_city_may_tighten_the_call_off_ceiling_never_loosen_it(zw: o.RuleBook) -> None:
    tight = zw.override("framework.call_off_price_ceiling", Decimal("0.95"),
                        citation="中卫市 补充规定（示例）")
    ceiling = r"above the ceiling ¥76.00 \(list price ¥80.00 × 0.95\)"
    with pytest.raises(o.ProcurementError, match=ceiling):
        direct(tight, prices={"sedan_trip": "80.00"})
    # without agreed prices a call-off takes the ceiling: 95% of each list price
    assert direct(tight).contract.original_amount == o.Money("34200.00")
    with pytest.raises(o.RuleLoadError):
        zw.override("framework.call_off_price_ceiling", Decimal("1.05"), citation="x")


def test_services_framework_over_two_years_is_refused_from_2022_03_01(zw: o.RuleBook) -> None:
    long = agreement(term=o.DateRange(date(2022, 3, 1), date(2024, 3, 1)))
    [f] = check_agreement(long, zw)
    assert (f.code, f.rule_id) == ("framework.term_too_long", "framework.max_years_services")
    assert check_agreement(agreement(), zw) == []
    with pytest.raises(o.ProcurementError, match="over 2 years"):
        o.call_off(long, zw, id="x", using_unit=FINANCE, items={"sedan_trip": 1},
                   term=o.DateRange(date(2022, 4, 1), date(2022, 4, 30)),
                   signed_on=date(2022, 3, 25), site="s", supplier="ZW-CAR-1")


def test_goods_framework_limit_is_one_year(zw: o.RuleBook) -> None:
    goods = agreement(subject="goods", term=o.DateRange(date(2022, 3, 1), date(2023, 3, 31)))
    assert [f.rule_id for f in check_agreement(goods, zw)] == ["framework.max_years_goods"]


def test_before_order_110_no_term_limit_and_the_list_price_is_the_ceiling(
    zw: o.RuleBook,
) -> None:
    old = agreement(term=o.DateRange(date(2021, 1, 1), date(2023, 12, 31)))
    assert check_agreement(old, zw) == []
    with pytest.raises(o.ProcurementError) as exc:
        o.call_off(old, zw, id="x", using_unit=FINANCE, items={"van_trip": 2},
                   prices={"van_trip": "121.00"},
                   term=o.DateRange(date(2021, 2, 1), date(2021, 12, 31)),
                   signed_on=date(2021, 1, 20), site="s", supplier="ZW-CAR-1")
    assert exc.value.rule_id is None and "统一报价表" in str(exc.value)


def test_call_off_outside_the_framework_term_or_by_another_unit_is_refused(
    zw: o.RuleBook,
) -> None:
    with pytest.raises(o.ProcurementError, match="signed_on"):
        direct(zw, signed_on=date(2024, 3, 1))
    fa = agreement(using_units=["ZW-WJW"])
    with pytest.raises(o.ProcurementError, match="not a using unit"):
        o.call_off(fa, zw, id="x", using_unit=FINANCE, items={"sedan_trip": 1},
                   term=o.DateRange(date(2022, 4, 1), date(2022, 4, 30)),
                   signed_on=date(2022, 3, 25), site="s", supplier="ZW-CAR-1")


def test_call_off_arguments_of_another_method_are_refused(zw: o.RuleBook) -> None:
    with pytest.raises(o.ProcurementError, match=r"二次竞价 \(second_bidding\) does not take "
                                                 r"supplier"):
        direct(zw, method="second_bidding", bids={"ZW-CAR-1": {"sedan_trip": "70.00",
                                                                "sedan_day": "300.00"}})
    with pytest.raises(o.ProcurementError, match="does not take bids"):
        direct(zw, bids={})


def test_call_off_of_an_item_not_on_the_list_is_refused(zw: o.RuleBook) -> None:
    with pytest.raises(o.ProcurementError, match="not on the price list") as exc:
        direct(zw, items={"bus_day": 1})
    assert exc.value.field == "items"


def test_call_off_under_a_rulebook_of_another_jurisdiction_is_refused(
    registry: o.PluginHost,
) -> None:
    with pytest.raises(o.ProcurementError, match="rulebook is for NX-YC"):
        direct(registry.rulebook("NX-YC"))


def test_closed_framework_admits_only_below_seventy_percent_remaining(zw: o.RuleBook) -> None:
    fa = agreement()
    new = o.Supplier("ZW-CAR-4", "中卫某新租赁公司", "small")
    with pytest.raises(o.ProcurementError, match="3 of 3") as exc:
        join(fa, new, zw, date(2022, 6, 1))
    assert exc.value.rule_id == "framework.closed_supplementary_share"
    fewer = withdraw(fa, "ZW-CAR-3")          # 2 of 3 remain: 66.7% < 70%
    joined = join(fewer, new, zw, date(2022, 6, 1))
    assert [s.id for s in joined.suppliers] == ["ZW-CAR-1", "ZW-CAR-2", "ZW-CAR-4"]


def test_open_framework_admits_a_supplier_accepting_the_published_prices(
    zw: o.RuleBook,
) -> None:
    fa = agreement(kind="open")
    new = o.Supplier("ZW-CAR-4", "中卫某新租赁公司", "small")
    assert join(fa, new, zw, date(2022, 6, 1)).suppliers[-1] == new


def test_framework_is_validated_when_built() -> None:
    with pytest.raises(o.ModelError, match="admitted twice"):
        agreement(suppliers=[S1, S1])
    with pytest.raises(o.ModelError, match="twice in the price list"):
        agreement(price_list=[CAR_HIRE[0], CAR_HIRE[0]])
    with pytest.raises(o.MoneyError):
        o.PriceListItem("x", "x", "official_transport", "趟", 80.0)  # type: ignore[arg-type]
    with pytest.raises(o.ModelError, match="positive"):
        o.PriceListItem("x", "x", "official_transport", "趟", "0")
    assert attrs.evolve(agreement(), kind="open").kind is FrameworkKind.OPEN


@given(fen=st.integers(min_value=1, max_value=20000))
def test_a_call_off_price_is_never_above_the_list_price(zw: o.RuleBook, fen: int) -> None:
    price = o.Money.from_fen(fen)
    if price <= o.Money("120.00"):
        c = direct(zw, items={"van_trip": 3}, prices={"van_trip": price})
        line = c.contract.line("van_trip").pricing
        assert isinstance(line, o.UnitRate) and line.unit_price == price
    else:
        with pytest.raises(o.ProcurementError):
            direct(zw, items={"van_trip": 3}, prices={"van_trip": price})
