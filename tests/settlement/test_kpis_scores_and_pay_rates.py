"""KPIs, assessments, scores and payment-rule shapes (考核指标、考核记录、评分、支付规则)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from payment_cases import ONE_SHEET, contract, inspection_only, property_assessment

import outsourcing as o
from outsourcing.catalogue import CORE_SERVICE_KINDS, Catalogue
from outsourcing.performance import (
    HIGHER,
    HIGHER_PASS,
    LOWER,
    LOWER_PASS,
    CompiledKpis,
    check_kpis,
    default_kpis,
    kpi_points,
    points_table,
)
from outsourcing.settlement import prepare, settle


@pytest.fixture(scope="module")
def rb() -> o.RuleBook:
    return o.load().rulebook("CN")


def kpi(id: str, weight: str, target: str = "100", unit: str = "%",
        direction: str = "higher", scoring: str = "proportional") -> o.KpiSpec:
    return o.KpiSpec(id, id, id, unit, Decimal(target), o.Direction(direction), Decimal(weight),
                     "合同 附件", True, o.Scoring(scoring))


def test_every_catalogue_kpi_set_weighs_exactly_100_percent() -> None:
    for kind in CORE_SERVICE_KINDS:
        if kind.default_kpis:
            assert check_kpis(kind.default_kpis) == kind.default_kpis


def test_kpi_weights_not_adding_to_100_percent_are_refused(rb: o.RuleBook) -> None:
    bad = (kpi("a", "60"), kpi("b", "30"))
    with pytest.raises(o.ModelError, match="add up to 90%, not 100%") as e:
        settle(contract(), "2022-10", [], rb, kpis={"property": bad})
    assert e.value.field == "kpis[property]" and "100%" in (e.value.term or "")


def test_score_sheet_points_above_the_maximum_are_refused() -> None:
    with pytest.raises(o.ModelError, match="above its maximum") as e:
        o.ScoreItem("保洁", 50, 52)
    assert e.value.field == "points"


def test_a_satisfaction_rate_over_100_percent_is_refused(rb: o.RuleBook) -> None:
    with pytest.raises(o.ModelError, match="satisfaction rate over 100%"):
        o.Survey("satisfaction", 100, 101)
    a = o.Assessment("property", "2022-10", "考核小组", date(2022, 10, 31),
                     sheets=[o.ScoreSheet("inspection", [o.ScoreItem("综合", 100, 90)])],
                     metrics=[o.Metric("repair_pass_rate", 100),
                              o.Metric("satisfaction", "100.5")])
    with pytest.raises(o.SettlementError, match="a rate over 100%"):
        settle(contract(), "2022-10", [a], rb)


def test_an_assessment_outside_the_term_is_refused(rb: o.RuleBook) -> None:
    with pytest.raises(o.SettlementError, match="outside the term") as e:
        settle(contract(), "2022-10", [property_assessment("2023-02")], rb)
    assert e.value.field == "assessments[0].period"


def test_an_assessment_for_an_unknown_line_is_refused(rb: o.RuleBook) -> None:
    with pytest.raises(o.SettlementError, match="unknown line") as e:
        settle(contract(), "2022-10", [property_assessment("2022-10", line="canteen")], rb)
    assert e.value.value == "canteen"


def test_an_assessment_for_another_period_is_refused(rb: o.RuleBook) -> None:
    with pytest.raises(o.SettlementError, match="given to settle 2022-10"):
        settle(contract(), "2022-10", [property_assessment("2022-09")], rb)


def test_a_period_outside_the_term_is_refused(rb: o.RuleBook) -> None:
    with pytest.raises(o.SettlementError, match="outside the term"):
        settle(contract(), "2023-01", [], rb)


def test_an_incident_kind_without_a_deduction_is_refused(rb: o.RuleBook) -> None:
    a = property_assessment("2022-10", incidents=[o.Incident("trapped_passengers",
                                                             date(2022, 10, 2))])
    with pytest.raises(o.SettlementError, match="no deduction") as e:
        settle(contract(), "2022-10", [a], rb)
    assert e.value.rule_id == "payment.incident_deductions"


def test_an_incident_outside_the_assessed_period_is_refused() -> None:
    with pytest.raises(o.ModelError, match="outside the period"):
        property_assessment("2022-10", incidents=[o.Incident("ordinary", date(2022, 11, 2))])


def test_a_kpi_measured_twice_is_refused() -> None:
    with pytest.raises(o.ModelError, match="measured twice"):
        o.Assessment("property", "2022-10", "考核小组", date(2022, 10, 31),
                     metrics=[o.Metric("satisfaction", 90)],
                     surveys=[o.Survey("satisfaction", 10, 9)])


def test_a_kpi_the_line_does_not_have_is_refused(rb: o.RuleBook) -> None:
    a = o.Assessment("property", "2022-10", "考核小组", date(2022, 10, 31),
                     metrics=[o.Metric("on_time_rate", 90)])
    with pytest.raises(o.SettlementError, match="has no KPI 'on_time_rate'"):
        settle(contract(), "2022-10", [a], rb)


def test_a_float_measurement_is_refused() -> None:
    with pytest.raises(o.ModelError, match="float"):
        o.Metric("satisfaction", 95.5)  # type: ignore[arg-type]


def test_elevator_maintenance_interval_takes_the_15_day_rule_as_pass_fail(
    rb: o.RuleBook,
) -> None:
    c = contract((("elevator", "elevator_maintenance", "10200.00"),))
    pc = prepare(c, rb)
    spec = pc.lines[0].kpis.specs[0]
    assert (spec.target, spec.scoring) == (Decimal(15), o.Scoring.PASS_FAIL)
    assert "第三十一条" in spec.citation

    def month(interval: str) -> o.Statement:
        a = o.Assessment("elevator", "2022-10", "考核小组", date(2022, 10, 31),
                         metrics=[o.Metric("max_maintenance_interval", interval),
                                  o.Metric("trapped_arrival", "40")],
                         surveys=[o.Survey("satisfaction", 20, 19)])
        return pc.settle("2022-10", [a])

    ok, late = month("14"), month("16")
    # trapped arrival 40 min against 30: 40 × 30/40 = 30.00; satisfaction 95%: 20.00
    assert ok.line("elevator").score == Decimal("90.00")
    assert late.line("elevator").score == Decimal("50.00")  # the 40 interval points are lost


def test_a_contract_may_not_loosen_the_15_day_elevator_rule(rb: o.RuleBook) -> None:
    loose = tuple(o.KpiSpec(s.id, s.name_zh, s.name_en, s.unit,
                            Decimal(20) if s.parameter else s.target, s.direction, s.weight,
                            s.citation, s.illustrative, s.scoring, s.parameter)
                  for s in default_kpis(Catalogue(CORE_SERVICE_KINDS), "elevator_maintenance"))
    c = contract((("elevator", "elevator_maintenance", "10200.00"),))
    with pytest.raises(o.SettlementError, match="never loosen") as e:
        prepare(c, rb, kpis={"elevator": loose})
    assert e.value.rule_id == "kpi.elevator_max_maintenance_interval_days"


def test_a_service_without_kpis_uses_its_family_kpis_or_one_inspection_sheet() -> None:
    cat = Catalogue(CORE_SERVICE_KINDS)
    assert default_kpis(cat, "gym_management") == default_kpis(cat, "property")
    assert [k.id for k in default_kpis(cat, "printing")] == ["inspection"]


def test_a_score_sheet_scales_to_100_points_rounding_half_up() -> None:
    sheet = o.ScoreSheet("inspection", [o.ScoreItem("a", 30, 20), o.ScoreItem("b", 30, 20)])
    assert sheet.centi() == 6667  # 40/60 = 66.666…%


def test_a_survey_rate_rounds_half_up_to_a_hundredth() -> None:
    assert o.Survey("satisfaction", 3, 2).centi() == 6667


@given(st.sampled_from([HIGHER, LOWER, HIGHER_PASS, LOWER_PASS]), st.integers(0, 10000),
       st.integers(1, 10000), st.integers(0, 20000))
def test_points_tables_agree_with_the_formula(mode: int, w: int, t: int, v: int) -> None:
    table = points_table(mode, w, t, 20001)
    assert table[v] == kpi_points(mode, w, t, v)
    assert 0 <= table[v] <= w


@given(st.lists(st.integers(0, 10000), min_size=3, max_size=3),
       st.integers(0, 4000))
def test_a_score_is_the_sum_of_its_kpi_points_and_never_above_100(
    rates: list[int], minutes: int,
) -> None:
    kp = CompiledKpis((kpi("a", "25"), kpi("b", "25"), kpi("c", "25.5"),
                       kpi("m", "24.5", "30", "minutes", "lower")))
    values = (*rates, minutes * 100)
    score = kp.score(values)
    assert score == sum(kp.points(values))
    assert 0 <= score <= 10000


def test_a_tier_table_must_cover_every_score() -> None:
    with pytest.raises(o.ModelError, match="lowest band must start at 0"):
        o.TierTable([{"min_score": 60, "rate": "1"}])


def test_a_bad_tier_table_in_a_contract_override_names_the_parameter(rb: o.RuleBook) -> None:
    own = rb.override("payment.tier_table", [{"min_score": 90, "rate": "1"}],
                      citation="合同 第十二条")
    with pytest.raises(o.ModelError, match=r"payment\.tier_table") as e:
        prepare(contract(), own, on=date(2022, 1, 2))
    assert e.value.citation == "合同 第十二条"


def test_a_contract_tier_table_replaces_the_illustrative_one(rb: o.RuleBook) -> None:
    own = rb.override("payment.tier_table", [{"min_score": 90, "rate": "1"},
                                             {"min_score": 0, "rate": "0.9"}],
                      citation="合同 第十二条")
    st_ = settle(contract(), "2022-10", [inspection_only("2022-10", "89.99")], own,
                 kpis={"property": ONE_SHEET})
    x = st_.line("property")
    assert x.pay_rate == Decimal("0.9") and x.performance_amount == o.Money("72000.00")
    assert x.explain("支付比例").citation == "合同 第十二条"


def test_the_default_rule_is_labelled_illustrative_in_the_rulebook(rb: o.RuleBook) -> None:
    for pid in ("payment.tier_table", "payment.linear_formula", "payment.holdback",
                "payment.incident_deductions", "payment.deduction_cap_line",
                "payment.deduction_cap_total", "payment.repeat_ratchet",
                "payment.warning_score", "payment.termination_consecutive",
                "payment.termination_notices", "payment.rate_rule"):
        assert rb.parameter(pid).illustrative, pid


def _two_rates() -> tuple[o.Contract, dict[str, list[o.KpiSpec]], o.RuleBook]:
    kpis = {"property": [kpi("a", "60", "90"), kpi("b", "40", "95")]}
    return contract(), kpis, o.load().rulebook("CN")


def test_metrics_in_any_order_read_as_the_kpis_order() -> None:
    c, kpis, rb = _two_rates()
    p = o.Period.month(2022, 3)
    pc = prepare(c, rb, kpis=kpis)
    ordered = o.Assessment("property", p, "考核小组", date(2022, 4, 2),
                           metrics=[o.Metric("a", "85"), o.Metric("b", "99.5")])
    reversed_ = o.Assessment("property", p, "考核小组", date(2022, 4, 2),
                             metrics=[o.Metric("b", "99.5"), o.Metric("a", "85")])
    one, two = pc.settle(p, [ordered]), pc.settle(p, [reversed_])
    assert one.payable == two.payable
    assert [k.measured for k in one.line("property").kpis] == [Decimal("85.00"),
                                                               Decimal("99.50")]
    assert one.line("property").kpis == two.line("property").kpis


def test_a_rate_over_100_percent_is_refused_by_name_whatever_the_metrics_order() -> None:
    c, kpis, rb = _two_rates()
    p = o.Period.month(2022, 3)
    pc = prepare(c, rb, kpis=kpis)
    for metrics in ([o.Metric("a", "85"), o.Metric("b", "100.01")],
                    [o.Metric("b", "100.01"), o.Metric("a", "85")]):
        with pytest.raises(o.SettlementError) as e:
            pc.settle(p, [o.Assessment("property", p, "考核小组", date(2022, 4, 2),
                                       metrics=metrics)])
        assert e.value.field is not None and e.value.field.endswith(".b")
        assert "100" in str(e.value)
