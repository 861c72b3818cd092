"""KPI schedules (考核周期): KPIs not due in a period, 不适用, and the rule for the score."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from kpi_schedule_cases import YEAR, fire_assessment, fire_contract, fire_kpis

import outsourcing as o
from outsourcing.catalogue import KpiSpec
from outsourcing.errors import ModelError, SerializationError, SettlementError
from outsourcing.kpi_schedule import KpiSchedule, NotDueRule, rescale_weights
from outsourcing.payment import FullPay
from outsourcing.performance import NOT_SCORED, CompiledKpis, NotApplicable, kpi_points
from outsourcing.serialize import from_json, structure, to_json, unstructure
from outsourcing.settlement import prepare


@pytest.fixture(scope="module")
def rb() -> o.RuleBook:
    return o.load().rulebook("CN")


def _year(rb: o.RuleBook, rule: NotDueRule | None = NotDueRule.RESCALE, *,
          october: str | None = "1", **kw: object) -> list[o.Statement]:
    tests = {"2026-10": october}
    return o.settle_term(fire_contract(), [fire_assessment(p, test=tests.get(p)) for p in YEAR],
                         rb, kpis=fire_kpis(rule), **kw)  # type: ignore[arg-type]


# --- schedules refused when built -----------------------------------------------------------

@pytest.mark.parametrize(("kind", "months", "dates", "field"), [
    ("yearly", [13], [], "schedule.months[0]"),
    ("yearly", [0], [], "schedule.months[0]"),
    ("yearly", [], [], "schedule.months"),
    ("quarterly", [1, 2, 7, 10], [], "schedule.months"),
    ("half_yearly", [6], [], "schedule.months"),
    ("every_period", [10], [], "schedule.months"),
    ("yearly", [10, 10], [], "schedule.months"),
    ("dates", [], [], "schedule.dates"),
    ("dates", [], ["2026-02-30"], "schedule.dates[0]"),
    ("monthly-ish", [], [], "schedule.kind"),
])
def test_an_invalid_schedule_is_refused_naming_the_field(kind: str, months: list[int],
                                                         dates: list[str], field: str) -> None:
    with pytest.raises(ModelError) as e:
        KpiSchedule(kind, months, dates)  # type: ignore[arg-type]
    assert e.value.field == field
    assert e.value.code.startswith("model.kpi_schedule.")
    assert "考核" in e.value.message_zh


def test_a_schedule_naming_month_13_is_refused_in_chinese_naming_the_field() -> None:
    with pytest.raises(ModelError) as e:
        KpiSchedule("yearly", [10, 13])
    assert e.value.field == "schedule.months[1]" and e.value.value == 13
    assert "考核月份须为1到12之间的整数" in e.value.message_zh


def test_a_schedule_in_json_naming_month_13_is_refused_with_its_path() -> None:
    spec = unstructure(fire_kpis()["fire"][1])
    spec["schedule"]["months"] = [13]
    with pytest.raises(SerializationError) as e:
        structure(spec, KpiSpec, source="$.kpis.fire[1]")
    assert "$.kpis.fire[1].schedule" in str(e.value) and "1..12" in str(e.value)


@pytest.mark.parametrize(("schedule", "due"), [
    (KpiSchedule(), list(range(1, 13))),
    (KpiSchedule("quarterly"), [3, 6, 9, 12]),
    (KpiSchedule("quarterly", [1, 4, 7, 10]), [1, 4, 7, 10]),
    (KpiSchedule("half_yearly"), [6, 12]),
    (KpiSchedule("yearly", [10]), [10]),
    (KpiSchedule("yearly", [4, 10]), [4, 10]),
    (KpiSchedule("dates", dates=["2026-03-15", "2026-11-01"]), [3, 11]),
])
def test_a_kpi_is_due_in_the_months_its_schedule_names(schedule: KpiSchedule,
                                                       due: list[int]) -> None:
    got = [m for m in range(1, 13) if schedule.is_due(o.Period.month(2026, m).range)]
    assert got == due


def test_in_a_quarterly_settled_contract_a_kpi_is_due_in_the_quarter_holding_its_month() -> None:
    s = KpiSchedule("yearly", [10])
    assert [q for q in range(1, 5) if s.is_due(o.Period.quarter(2026, q).range)] == [4]


# --- the score uses the due KPIs only -------------------------------------------------------

def test_a_fire_contract_with_a_yearly_kpi_due_in_october_is_paid_in_full_in_the_other_months(
        rb: o.RuleBook) -> None:
    sts = _year(rb, None)
    for s in sts:
        line = s.line("fire")
        assert line.pay_rate == 1 and line.performance_amount == line.fee == o.Money("8600.06")
        assert line.withheld == o.Money.ZERO
        assert not [f for f in s.findings if f.code.startswith("assessment.")]
    jan = sts[0].line("fire")
    assert jan.score == 100 and "年度全面检测（每年10月）" in jan.not_scored
    test = next(k for k in jan.kpis if k.id == "yearly_full_test")
    assert test.measured is None and test.note == "本期不考核（每年10月）"
    assert next(k for k in jan.kpis if k.id == "monthly_check_done").weight_applied == 100
    october = sts[9].line("fire")
    assert october.not_scored == "" and [k.points for k in october.kpis] == [60, 40]


def test_a_monthly_kpi_missed_is_scored_on_the_due_kpis_alone(rb: o.RuleBook) -> None:
    c = fire_contract()
    s = o.settle(c, "2026-01", [fire_assessment("2026-01", check="80")], rb, kpis=fire_kpis())
    # 80% of target on the only KPI due: 80 points of 100, not 48 + 40
    assert s.line("fire").score == Decimal("80.00")


def test_the_yearly_kpi_failed_in_october_is_scored_then(rb: o.RuleBook) -> None:
    sts = _year(rb, october="0")
    assert sts[9].line("fire").score == 60 and sts[8].line("fire").score == 100


def test_a_due_kpi_left_blank_is_still_incomplete(rb: o.RuleBook) -> None:
    sts = _year(rb, october=None)
    oct_ = sts[9]
    assert oct_.line("fire").withheld == o.Money("8600.06")
    assert oct_.line("fire").missing_kpis == ("yearly_full_test",)
    assert [f.code for f in oct_.findings if f.code.startswith("assessment.")] == [
        "assessment.incomplete"]


def test_a_value_for_a_kpi_not_due_is_refused_naming_it(rb: o.RuleBook) -> None:
    with pytest.raises(SettlementError) as e:
        o.settle(fire_contract(), "2026-03", [fire_assessment("2026-03", test="1")], rb,
                 kpis=fire_kpis())
    assert e.value.code == "assessment.kpi_not_due"
    assert e.value.field == "assessments[0].metrics[1].kpi"
    assert "本期不考核" in e.value.message_zh and "每年10月" in e.value.message_zh


def test_not_applicable_is_refused_where_the_contract_does_not_allow_it(
        rb: o.RuleBook) -> None:
    a = o.Assessment("fire", "2026-03", "张三", date(2026, 3, 31),
                     not_applicable=[NotApplicable("monthly_check_done", "本月停电检修")])
    with pytest.raises(SettlementError) as e:
        o.settle(fire_contract(), "2026-03", [a], rb, kpis=fire_kpis())
    assert e.value.code == "assessment.not_applicable_refused"
    assert e.value.field == "assessments[0].not_applicable[0].kpi"
    assert "合同未约定" in e.value.message_zh
    # a line without schedules refuses it too (its KPIs allow no 不适用)
    b = o.Assessment("fire", "2026-03", "张三", date(2026, 3, 31),
                     metrics=[o.Metric("monthly_check_done", "100")],
                     not_applicable=[NotApplicable("yearly_full_test", "本月不检测")])
    with pytest.raises(SettlementError) as e2:
        o.settle(fire_contract(), "2026-03", [b], rb)
    assert e2.value.code == "assessment.not_applicable_refused"


def test_not_applicable_needs_a_reason() -> None:
    with pytest.raises(ModelError) as e:
        NotApplicable("monthly_check_done", " ")
    assert e.value.code == "model.not_applicable_reason"


def test_a_kpi_marked_not_applicable_where_allowed_is_left_out_with_its_reason(
        rb: o.RuleBook) -> None:
    a = o.Assessment("fire", "2026-10", "张三", date(2026, 10, 31),
                     metrics=[o.Metric("yearly_full_test", "1")],
                     not_applicable=[NotApplicable("monthly_check_done", "本月停电检修")])
    s = o.settle(fire_contract(), "2026-10", [a], rb, kpis=fire_kpis(na=True))
    line = s.line("fire")
    assert line.score == 100 and "不适用：本月停电检修" in line.not_scored
    back = from_json(to_json(a), o.Assessment)
    assert back == a and unstructure(a)["not_applicable"] == [
        {"kpi": "monthly_check_done", "reason": "本月停电检修"}]


def test_carry_forward_counts_the_last_result_again_and_rescales_before_there_is_one(
        rb: o.RuleBook) -> None:
    sts = _year(rb, NotDueRule.CARRY_FORWARD, october="0")
    assert [s.line("fire").score for s in sts] == [100] * 9 + [60, 60, 60]
    nov = sts[10].line("fire")
    assert "沿用 2026-10 考核结果" in nov.not_scored
    assert sts[10].carry.lines[0].results == (("yearly_full_test", "2026-10", 0),)
    # the store keeps only the carry: settling from it gives the same statement
    again = prepare(fire_contract(), rb, kpis=fire_kpis(NotDueRule.CARRY_FORWARD)).settle(
        "2026-12", [fire_assessment("2026-12")], previous=sts[10].carry)
    assert again.to_json() == sts[11].to_json()


def test_a_statement_with_kpis_left_out_reads_back_from_json_exactly(rb: o.RuleBook) -> None:
    for s in _year(rb, NotDueRule.CARRY_FORWARD, october="1")[8:11]:
        back = from_json(s.to_json(), o.Statement)
        assert back.to_json() == s.to_json() and back.carry == s.carry


def test_the_default_rule_is_an_illustrative_default_named_on_the_statement(
        rb: o.RuleBook) -> None:
    warned = [f for f in _year(rb, None)[0].findings
              if f.code == "payment.illustrative_default" and f.rule_id == "payment.kpi_not_due"]
    assert len(warned) == 1 and "本期不考核指标的处理" in (warned[0].term or "")
    for sts in (_year(rb, None, adopt=["payment.kpi_not_due"]), _year(rb, NotDueRule.RESCALE)):
        assert not [f for f in sts[0].findings if f.rule_id == "payment.kpi_not_due"]


def test_a_kpi_without_a_schedule_writes_and_settles_exactly_as_before(rb: o.RuleBook) -> None:
    plain = KpiSpec("x", "甲", "x", "%", Decimal(100), "higher", Decimal(100), "c")
    assert set(unstructure(plain)) == {"id", "name_zh", "name_en", "unit", "target",
                                       "direction", "weight", "citation", "illustrative",
                                       "scoring", "parameter"}
    a = fire_assessment("2026-01", test="1")
    assert "not_applicable" not in unstructure(a)
    s = o.settle(fire_contract(), "2026-01", [a], rb)
    assert "results" not in s.to_json() and "本期不考核" not in s.render()


# --- hypothesis: exactly the due KPIs, weights adding to exactly 100 -------------------------

schedules = st.one_of(
    st.just(KpiSchedule()),
    st.builds(KpiSchedule, st.just("yearly"),
              st.lists(st.integers(1, 12), min_size=1, max_size=4, unique=True)),
    st.builds(KpiSchedule, st.just("quarterly"),
              st.tuples(*[st.integers(1, 3).map(lambda m, q=q: m + 3 * q) for q in range(4)])
              .map(list)),
    st.builds(KpiSchedule, st.just("half_yearly"),
              st.tuples(st.integers(1, 6), st.integers(7, 12)).map(list)),
    st.builds(KpiSchedule, st.just("dates"), st.just([]),
              st.lists(st.dates(date(2026, 1, 1), date(2026, 12, 31)), min_size=1,
                       max_size=3, unique=True)),
)


@st.composite
def kpi_sets(draw: st.DrawFn) -> tuple[list[KpiSpec], list[int]]:
    n = draw(st.integers(1, 5))
    cuts = sorted(draw(st.lists(st.integers(0, 10_000), min_size=n - 1, max_size=n - 1)))
    weights = [b - a for a, b in zip([0, *cuts], [*cuts, 10_000], strict=True)]
    specs = [KpiSpec(f"k{i}", f"指标{i}", f"k{i}", "%", Decimal(draw(st.integers(1, 100))),
                     draw(st.sampled_from(["higher", "lower"])), Decimal(w).scaleb(-2), "c",
                     scoring=draw(st.sampled_from(["proportional", "pass_fail"])),
                     schedule=draw(schedules))
             for i, w in enumerate(weights)]
    values = draw(st.lists(st.integers(0, 10_000), min_size=n, max_size=n))
    return specs, values


@given(kpi_sets(), st.integers(1, 12), st.integers(0, 10_000))
def test_a_periods_score_uses_exactly_the_due_kpis_and_weights_adding_to_100(
        case: tuple[list[KpiSpec], list[int]], month: int, other: int) -> None:
    specs, values = case
    kpis = CompiledKpis(specs)
    due = kpis.due(o.Period.month(2026, month).range)
    assert due == tuple(s.schedule.is_due(o.Period.month(2026, month).range) for s in specs)
    vals = [v if d else NOT_SCORED for v, d in zip(values, due, strict=True)]
    weights = kpis.weights_for(due)
    if any(w for w, d in zip(kpis.weights, due, strict=True) if d):
        assert sum(weights) == 10_000
        assert all(w == 0 for w, d in zip(weights, due, strict=True) if not d)
        want = sum(kpi_points(kpis.modes[k], weights[k], kpis.targets[k], v)
                   for k, v in enumerate(vals) if due[k])
        assert kpis.total(vals) == want
    else:
        assert kpis.total(vals) == 10_000
    # a KPI's value counts only where it is due: any other value for a KPI due changes
    # nothing of the others' points, and a not-due KPI earns nothing
    pts = kpis.points(vals)
    assert all(p == 0 for p, d in zip(pts, due, strict=True) if not d)
    if all(due):
        assert weights == kpis.weights and kpis.total(vals) == kpis.score(vals)
    del other


@given(st.lists(st.integers(0, 10_000), min_size=1, max_size=8),
       st.lists(st.booleans(), min_size=8, max_size=8))
def test_rescaled_weights_add_up_to_exactly_100_and_keep_their_order(
        weights: list[int], mask: list[bool]) -> None:
    scored = mask[:len(weights)]
    got = rescale_weights(weights, scored)
    total = sum(w for w, s in zip(weights, scored, strict=True) if s)
    if total == 0:
        assert got == tuple(0 for _ in weights)
        return
    assert sum(got) == 10_000
    for w, s, g in zip(weights, scored, got, strict=True):
        exact = Decimal(w * 10_000) / total if s else Decimal(0)
        assert abs(g - exact) < 1  # each within one hundredth of its exact share


# --- quarterly contracts, sites, the printable statement ------------------------------------

def test_a_quarterly_contract_is_due_the_yearly_kpi_in_the_quarter_holding_october(
        rb: o.RuleBook) -> None:
    import attrs
    c = attrs.evolve(fire_contract(), schedule="quarterly")
    qs = [o.Assessment("fire", f"2026-Q{q}", "张三", o.Period.parse(f"2026-Q{q}").end,
                       metrics=[o.Metric("monthly_check_done", "100"),
                                *([o.Metric("yearly_full_test", "1")] if q == 4 else [])])
          for q in range(1, 5)]
    sts = o.settle_term(c, qs, rb, kpis=fire_kpis())
    assert [s.line("fire").score for s in sts] == [100] * 4
    assert [bool(s.line("fire").not_scored) for s in sts] == [True, True, True, False]


def test_a_line_scored_at_sites_rescales_or_carries_forward_site_by_site(
        rb: o.RuleBook) -> None:
    rule = o.PaymentRule(FullPay(), sites=o.SiteScore(["A", "B"], aggregate="mean",
                                                        citation="合同 第五条"))

    def at(p: str, site: str, test: str | None, check: str) -> o.Assessment:
        return fire_assessment(p, test=test if p == "2026-10" else None, check=check,
                               site=site)

    inputs = [x for p in YEAR for x in (at(p, "A", "1", "100"), at(p, "B", "0", "50"))]
    rescaled = o.settle_term(fire_contract(), inputs, rb, kpis=fire_kpis(),
                             rules={"fire": rule})
    # B: 50% of the monthly checks alone = 50; October 30 + 0; A always 100
    assert [s.line("fire").score for s in rescaled] == [75] * 9 + [65, 75, 75]
    assert "年度全面检测（每年10月）不计分" in rescaled[0].line("fire").not_scored
    carried = o.settle_term(fire_contract(), inputs, rb,
                            kpis=fire_kpis(NotDueRule.CARRY_FORWARD), rules={"fire": rule})
    assert [s.line("fire").score for s in carried] == [75] * 9 + [65, 65, 65]
    assert carried[11].line("fire").site_scores == (("A", 100), ("B", 30))
    assert "沿用各点位上次考核结果" in carried[11].line("fire").not_scored
    assert carried[11].carry.lines[0].results == (("A/yearly_full_test", "2026-10", 100),
                                                  ("B/yearly_full_test", "2026-10", 0))


def test_the_printable_statement_says_which_kpis_were_not_due_and_the_rule(
        rb: o.RuleBook) -> None:
    from outsourcing.desk.printable import statement_html
    html = statement_html(_year(rb, None)[0])
    assert "年度全面检测：本期不考核（每年10月）" in html
    assert "本期考核指标的权重按比例折算为100分" in html


@given(kpi_sets(), st.integers(1, 12))
def test_a_settled_period_scores_exactly_its_due_kpis_at_weights_adding_to_100(
        case: tuple[list[KpiSpec], list[int]], month: int) -> None:
    specs, values = case
    rb = o.load().rulebook("CN")
    period = o.Period.month(2026, month)
    due = [s.schedule.is_due(period.range) for s in specs]
    a = o.Assessment("fire", period, "张三", period.end, metrics=[
        o.Metric(s.id, Decimal(v).scaleb(-2)) for s, v, d in zip(specs, values, due, strict=True)
        if d])
    s = o.settle(fire_contract(), period, [a], rb, kpis={"fire": specs},
                 adopt=["payment.kpi_not_due"])
    line = s.line("fire")
    kpis = CompiledKpis(specs)
    vals = [v if d else NOT_SCORED for v, d in zip(values, due, strict=True)]
    assert line.score == Decimal(kpis.total(vals)).scaleb(-2)
    assert [k.points is not None for k in line.kpis] == due
    if not all(due) and any(w for w, d in zip(kpis.weights, due, strict=True) if d):
        assert sum(k.weight_applied for k in line.kpis if k.weight_applied is not None) == 100
        assert all(k.weight_applied == 0 for k, d in zip(line.kpis, due, strict=True) if not d)


def test_a_kpi_is_not_both_marked_not_applicable_and_measured_nor_marked_twice() -> None:
    na = NotApplicable("monthly_check_done", "本月停电检修")
    with pytest.raises(ModelError) as e:
        o.Assessment("fire", "2026-03", "张三", date(2026, 3, 31),
                     metrics=[o.Metric("monthly_check_done", "100")], not_applicable=[na])
    assert e.value.field == "not_applicable[0].kpi" and "既标记为不适用又填写考核值" in (
        e.value.message_zh)
    with pytest.raises(ModelError) as e2:
        o.Assessment("fire", "2026-03", "张三", date(2026, 3, 31), not_applicable=[na, na])
    assert e2.value.field == "not_applicable[1].kpi" and "两次" in e2.value.message_zh
