from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import outsourcing as o
from outsourcing.dates import DayCount
from outsourcing.model import PaymentSchedule, QualificationRequirement
from outsourcing.serialize import from_json, to_json, unstructure


def codes(findings: list[o.Finding]) -> set[str]:
    return {f.code for f in findings}


def test_original_amount_is_derived_from_lines_and_term(contract: o.Contract) -> None:
    # 80,000 × 12 + 850 × 12 elevators × 12 months
    assert contract.original_amount == o.Money("1082400.00")
    assert contract.line_amount("elevator") == o.Money("122400.00")


def test_part_month_term_is_pro_rata_by_actual_days(contract: o.Contract) -> None:
    c = attrs.evolve(contract, term=o.DateRange(date(2022, 1, 17), date(2022, 12, 31)))
    # January: 15 of 31 days of (80,000 + 10,200) = 43,645.161290…
    assert c.original_amount == o.Money("1035845.16")


def test_a_negative_quantity_is_refused() -> None:
    with pytest.raises(o.ModelError) as exc:
        o.UnitRate("10.00", Decimal("-1"), unit="次")
    assert "quantity" in str(exc.value) and "数量" in str(exc.value)


def test_a_float_fee_is_refused() -> None:
    with pytest.raises(o.MoneyError, match="float"):
        o.FixedMonthly(1000.0)  # type: ignore[arg-type]


def test_duplicate_line_ids_are_refused(contract: o.Contract) -> None:
    with pytest.raises(o.ModelError, match="duplicate line id"):
        attrs.evolve(contract, lines=[contract.lines[0], contract.lines[0]])


def test_an_unknown_service_is_a_clear_error(contract: o.Contract, registry: o.PluginHost) -> None:
    bad = attrs.evolve(contract, lines=[o.ServiceLine("x", "space_travel", "A区",
                                                      o.FixedMonthly("1"))])
    with pytest.raises(o.ModelError) as exc:
        bad.check(registry.rulebook("CN"))
    assert "space_travel" in str(exc.value) and "property" in str(exc.value)


def test_a_clean_contract_has_no_findings(contract: o.Contract, registry: o.PluginHost) -> None:
    assert contract.check(registry.rulebook("CN")) == []


def test_term_over_one_year_needs_the_three_year_conditions(
    contract: o.Contract, registry: o.PluginHost
) -> None:
    rb = registry.rulebook("CN")
    long = attrs.evolve(contract, term=o.DateRange(date(2022, 1, 1), date(2023, 12, 31)),
                        budget=None)
    found = long.check(rb)
    assert codes(found) == {"term.over_one_year_without_conditions"}
    assert "第二十四条" in (found[0].citation or "")
    ok = attrs.evolve(long, multi_year_conditions={"budget_secured", "stable_continuous",
                                                   "price_stable"})
    assert ok.check(rb) == []
    too_long = attrs.evolve(ok, term=o.DateRange(date(2022, 1, 1), date(2025, 1, 31)))
    assert codes(too_long.check(rb)) == {"term.over_maximum"}


def test_elevator_line_needs_a_valid_licence(contract: o.Contract, registry: o.PluginHost) -> None:
    expired = attrs.evolve(contract, supplier=attrs.evolve(contract.supplier, qualifications=[
        o.Qualification("special_equipment_installation_repair", "B级",
                        valid_until=date(2021, 12, 31))]))
    found = expired.check(registry.rulebook("CN"))
    assert codes(found) == {"qualification.missing"}
    assert "expired" in found[0].message and "第四十五条" in (found[0].citation or "")


def test_qualification_expiring_during_the_term_is_a_warning(
    contract: o.Contract, registry: o.PluginHost
) -> None:
    soon = attrs.evolve(contract, supplier=attrs.evolve(contract.supplier, qualifications=[
        o.Qualification("special_equipment_installation_repair", valid_until=date(2022, 6, 30))]))
    [f] = soon.check(registry.rulebook("CN"))
    assert f.code == "qualification.expires_during_term" and f.severity is o.Severity.WARNING


def test_amount_over_budget_is_a_finding(contract: o.Contract, registry: o.PluginHost) -> None:
    tight = attrs.evolve(contract, budget=o.Money("1000000"))
    [f] = tight.check(registry.rulebook("CN"))
    assert f.code == "budget.exceeded" and "¥1,082,400.00" in f.message


def test_agreed_payment_term_over_sixty_days_is_a_finding(
    contract: o.Contract, registry: o.PluginHost
) -> None:
    late = attrs.evolve(contract, payment_days=90)
    [f] = late.check(registry.rulebook("CN"))
    assert f.code == "payment.term_too_long" and "保障中小企业款项支付条例" in (f.citation or "")


def test_level_one_satisfies_a_level_two_requirement() -> None:
    q = o.Qualification("fire_technical_service", "一级")
    assert q.satisfies(QualificationRequirement("fire_technical_service", "二级"))
    assert not o.Qualification("fire_technical_service", "三级").satisfies(
        QualificationRequirement("fire_technical_service", "二级"))


def test_unknown_json_key_is_refused_with_its_path(contract: o.Contract) -> None:
    data = unstructure(contract)
    data["lines"][1]["pricing"]["discount"] = "5"
    with pytest.raises(o.SerializationError) as exc:
        from_json(json.dumps(data), o.Contract)
    assert "discount" in str(exc.value) and "$.lines[1].pricing" in str(exc.value)


def test_float_money_in_json_is_refused(contract: o.Contract) -> None:
    text = to_json(contract).replace('"80000.00"', "80000.5")
    with pytest.raises(o.SerializationError, match=r"not a float.*\$\.lines\[0\]\.pricing"):
        from_json(text, o.Contract)


def test_json_uses_strings_for_money_and_iso_dates(contract: o.Contract) -> None:
    data = json.loads(to_json(contract))
    assert data["lines"][0]["pricing"] == {"kind": "fixed_monthly", "monthly_fee": "80000.00",
                                           "quantity": "1", "unit": "月"}
    assert data["term"] == {"start": "2022-01-01", "end": "2022-12-31"}


money = st.integers(min_value=0, max_value=10**9).map(o.Money.from_fen)
ident = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=8)
pricing = st.one_of(
    st.builds(o.FixedMonthly, money, st.integers(0, 50).map(Decimal)),
    st.builds(o.UnitRate, money, st.decimals(0, 1000, places=2),
              unit=st.sampled_from(["次", "台"])),
    st.builds(o.LabourPlusMaterials, money, money),
)
services = st.sampled_from(["property", "cleaning", "canteen", "elevator_maintenance",
                            "official_transport"])


@st.composite
def contracts(draw: st.DrawFn) -> o.Contract:
    start = draw(st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 1, 1)))
    end = start + timedelta(days=draw(st.integers(0, 1100)))
    ids = draw(st.lists(ident, min_size=1, max_size=5, unique=True))
    lines = [o.ServiceLine(i, draw(services), draw(st.sampled_from(["一号楼", "二号楼"])),
                           draw(pricing), draw(st.text(max_size=10))) for i in ids]
    quals = draw(st.lists(st.builds(
        o.Qualification, ident, st.sampled_from(["", "一级", "B级"]), st.text(max_size=6),
        st.none() | st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 1, 1))),
        max_size=3))
    return o.Contract(
        id=draw(ident), title=draw(st.text(min_size=1, max_size=20).filter(str.strip)),
        jurisdiction=draw(st.sampled_from(["CN", "NX"])),
        purchaser=o.Purchaser("p", "机关事务管理局"),
        supplier=o.Supplier(draw(ident), "某公司", draw(st.sampled_from(list(o.EnterpriseSize))),
                            quals),
        term=o.DateRange(start, end), lines=lines,
        schedule=draw(st.sampled_from(list(PaymentSchedule))),
        day_count=draw(st.sampled_from(list(DayCount))),
        budget=draw(st.none() | money),
        signed_on=draw(st.none() | st.just(start)),
        multi_year_conditions=draw(st.sets(st.sampled_from(["budget_secured", "price_stable"]))),
        payment_days=draw(st.none() | st.integers(0, 60)),
    )


@given(contracts())
def test_json_round_trip_is_the_identity(c: o.Contract) -> None:
    assert from_json(to_json(c), o.Contract) == c


def test_unknown_pricing_kind_read_on_its_own_is_a_clear_error() -> None:
    from outsourcing.model import Pricing
    from outsourcing.serialize import structure

    with pytest.raises(o.SerializationError, match="unknown pricing kind; known: fixed_monthly"):
        structure({"kind": "per_smile"}, Pricing)  # type: ignore[arg-type]
