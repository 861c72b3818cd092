"""Payment terms as a contract writes them (docs/payments.md, 合同自定支付条款): share deductions,
score adjustments, downgrades, several sites scored as one, holdbacks released by results,
caps only where stated, and silence made visible (illustrative defaults warned)."""

from __future__ import annotations

import runpy
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import outsourcing as o
from outsourcing.findings import Severity
from outsourcing.payment import FeeShare, FullPay, LinearFormula
from outsourcing.settlement import PreparedContract

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "examples"))
import payment_terms as ex  # noqa: E402

NOV, DEC = o.Period.parse("2022-11"), o.Period.parse("2022-12")
KPIS = ex.KPIS


def _prepared(rule: o.PaymentRule, rb: o.RuleBook, *, contract: o.Contract | None = None,
              wide: o.ContractRules | None = None, adopt: tuple[str, ...] = ()
              ) -> PreparedContract:
    return o.prepare(contract or ex.contract(), rb, rules={"property": rule},
                     kpis={"property": KPIS}, contract_rules=wide or o.ContractRules(),
                     adopt=adopt)


def _one(period: o.Period, points: str, *incidents: o.Incident, site: str = "",
         line: str = "property") -> o.Assessment:
    return o.Assessment(line, period, "考核小组", period.end, site=site,
                        sheets=[o.ScoreSheet("inspection", [o.ScoreItem("综合", 100, points)])],
                        incidents=incidents)


# --- the worked example, to the fen ----------------------------------------------------

def test_worked_example_share_deduction_bonus_downgrade_three_site_minimum_holdback_at_80() -> None:
    november, december = ex.statements()
    assert november.payable == o.Money("85500.00")
    assert november.holdback == o.Money("4500.00")
    x = december.line("property")
    assert x.site_scores == (("A区", Decimal("92.50")), ("B区", Decimal("88.00")),
                             ("C区", Decimal("95.00")))
    assert x.base_score == Decimal("88.00")          # the lowest site
    assert x.adjustment == Decimal("2.00")           # one commendation
    assert x.score == Decimal("90.00")               # 优秀 before the downgrade
    assert x.downgraded and x.pay_rate == Decimal("0.95")   # a safety accident: 良好
    assert x.performance_amount == o.Money("85500.00")
    assert [d.amount for d in x.deductions] == [o.Money("1800.00")]   # 2% of ¥90,000.00
    assert x.deductions_applied == o.Money("1800.00")
    assert x.holdback == o.Money("4185.00")          # 5% of ¥83,700.00
    assert x.released == o.Money("6948.00")          # 80% of ¥8,685.00
    assert x.forfeited == o.Money("1737.00")
    assert x.payable == o.Money("86463.00")
    assert x.held_balance == o.Money.ZERO
    assert december.payable == o.Money("86463.00")
    assert december.forfeited == o.Money("1737.00")
    # every term is the contract's own: no illustrative default, no error
    assert [f.code for f in december.findings] == []
    assert x.explain("降档").value == "优秀（≥90） → 良好（≥80）"
    assert x.explain("考核得分").rule_id == "payment.site_score"


def test_the_rendered_terms_statement_in_the_docs_is_what_the_example_prints(
        capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(ROOT / "examples" / "payment_terms.py"), run_name="__main__")
    out = capsys.readouterr().out
    doc = (ROOT / "docs" / "payments.md").read_text(encoding="utf-8")
    block = doc.split("<!-- terms:begin -->\n```text\n")[1].split("```\n<!-- terms:end")[0]
    assert block == out


# --- deductions as a share of a fee ------------------------------------------------------

def test_share_deduction_of_another_lines_quarter_fee(registry: o.PluginHost) -> None:
    """30% of the quarter's elevator maintenance fee for improper maintenance (维保不到位)."""
    c = o.Contract(
        id="C-Q", title="物业及电梯维保", jurisdiction="CN",
        purchaser=o.Purchaser("P", "采购人"), supplier=o.Supplier("S", "供应商", "small"),
        term=o.DateRange(date(2022, 1, 1), date(2022, 12, 31)),
        lines=[o.ServiceLine("property", "property", "A区", o.FixedMonthly("90000.00")),
               o.ServiceLine("elevator", "elevator_maintenance", "A区",
                             o.FixedMonthly("1234.57"))])
    rule = o.PaymentRule(
        FullPay(), deductions=o.IncidentDeductions(shares={"improper_maintenance": {
            "share": "0.30", "of": "quarter", "line": "elevator"}}, citation="合同 第九条"))
    pc = o.prepare(c, registry.rulebook("CN"), rules={"property": rule},
                   kpis={"property": KPIS}, contract_rules=o.ContractRules(), adopt=["*"])
    may = o.Period.parse("2022-05")
    st_ = pc.settle(may, [_one(may, "100", o.Incident("improper_maintenance", date(2022, 5, 3))),
                          o.Assessment("elevator", may, "考核小组", may.end, metrics=[
                              o.Metric("max_maintenance_interval", 14),
                              o.Metric("trapped_arrival", 25)],
                              surveys=[o.Survey("satisfaction", 10, 10)])])
    # the elevator's Q2 fee: 3 × 1,234.57 = 3,703.71; 30% = 1,111.113 → 1,111.11
    assert st_.line("property").deductions_applied == o.Money("1111.11")
    assert "扣款基数=¥3,703.71" in str(st_.line("property").explain("扣款 维保不到位"))


def _ranged(registry: o.PluginHost) -> PreparedContract:
    rule = o.PaymentRule(ex.rule().rate, deductions=o.IncidentDeductions(shares={
        "late_response": {"share": "0.01", "up_to": "0.03"}}, citation="合同 第十四条"))
    return _prepared(rule, registry.rulebook("NX"))


def test_share_deduction_within_a_stated_range_uses_the_share_the_assessor_applied(
        registry: o.PluginHost) -> None:
    """1%–3% of the month's fee per late response: 3% applied, then 1%."""
    pc = _ranged(registry)
    st_ = pc.settle(NOV, [_one(NOV, "95",
                               o.Incident("late_response", date(2022, 11, 3), share="0.03"),
                               o.Incident("late_response", date(2022, 11, 9), share="0.01"))])
    x = st_.line("property")
    assert [d.amount for d in x.deductions] == [o.Money("2700.00"), o.Money("900.00")]
    assert "本次比例=3%" in str(x.explain("扣款 响应超时"))
    assert "当期费用 × 1%–3%" in str(x.explain("扣款 响应超时"))


@pytest.mark.parametrize("share", [None, "0.05"])
def test_share_outside_the_stated_range_or_missing_is_refused(registry: o.PluginHost,
                                                              share: str | None) -> None:
    pc = _ranged(registry)
    with pytest.raises(o.OutsourcingError) as e:
        pc.settle(NOV, [_one(NOV, "95", o.Incident("late_response", date(2022, 11, 3),
                                                   share=share))])
    assert e.value.field == "assessments[0].incidents[0].share"
    assert e.value.code == "settlement.incident_share_out_of_range"
    assert "1%–3%" in str(e.value)


def test_a_share_on_an_incident_without_a_range_is_refused(registry: o.PluginHost) -> None:
    pc = _prepared(ex.rule(), registry.rulebook("NX"))
    with pytest.raises(o.OutsourcingError) as e:
        pc.settle(NOV, [_one(NOV, "95", o.Incident("late_response", date(2022, 11, 3),
                                                   share="0.02"), site=s) for s in ex.SITES])
    assert e.value.code == "settlement.incident_share_unexpected"


def test_a_kind_with_a_fixed_amount_and_a_share_is_refused() -> None:
    with pytest.raises(o.OutsourcingError) as e:
        o.IncidentDeductions({"late_response": "100.00"},
                             shares={"late_response": {"share": "0.02"}})
    assert e.value.code == "payment.deduction_twice"


def test_a_share_of_an_unknown_base_is_refused() -> None:
    with pytest.raises(o.OutsourcingError) as e:
        FeeShare("0.02", "month")
    assert e.value.field == "of" and e.value.code == "payment.deduction_base_unknown"


# --- score adjustments -----------------------------------------------------------------

def test_penalty_points_are_capped_at_the_stated_cap(registry: o.PluginHost) -> None:
    rule = o.PaymentRule(ex.rule().rate, adjustments=o.ScoreAdjustments(
        {"complaint": "-2"}, penalty_cap="5"))
    pc = _prepared(rule, registry.rulebook("NX"))
    st_ = pc.settle(NOV, [_one(NOV, "93", *[o.Incident("complaint", date(2022, 11, d))
                                            for d in (1, 2, 3, 4)])])
    x = st_.line("property")
    assert x.adjustment == Decimal("-5.00") and x.score == Decimal("88.00")  # −8 capped at −5
    assert x.pay_rate == Decimal("0.95")


# --- downgrade -------------------------------------------------------------------------

def test_downgrade_to_a_tier_that_does_not_exist_names_the_field() -> None:
    with pytest.raises(o.OutsourcingError) as e:
        o.PaymentRule(ex.rule().rate, downgrade=o.Downgrade(["safety_accident"], to="较差"))
    err = e.value
    assert err.field == "downgrade.to" and err.value == "较差"
    assert err.code == "payment.downgrade_unknown_tier"
    assert "优秀, 良好, 合格, 不合格" in str(err) and "降档目标档位不存在" in err.message_zh


def test_two_tiers_of_the_same_name_are_refused() -> None:
    with pytest.raises(o.OutsourcingError) as e:
        o.TierTable([{"min_score": 90, "rate": "1", "name": "合格"},
                     {"min_score": 0, "rate": "0.9", "name": "合格"}])
    assert e.value.code == "payment.tier_name_twice" and e.value.field == "bands"


def test_downgrade_needs_a_tier_table() -> None:
    with pytest.raises(o.OutsourcingError) as e:
        o.PaymentRule(LinearFormula(), downgrade=o.Downgrade(["safety_accident"]))
    assert e.value.code == "payment.downgrade_without_tiers"


def test_downgrade_to_a_stated_tier(registry: o.PluginHost) -> None:
    rule = o.PaymentRule(ex.rule().rate,
                         downgrade=o.Downgrade(["trapped_passengers"], to="合格"))
    pc = _prepared(rule, registry.rulebook("NX"))
    st_ = pc.settle(NOV, [_one(NOV, "96", o.Incident("trapped_passengers", date(2022, 11, 8)))])
    assert st_.line("property").pay_rate == Decimal("0.90")        # 优秀 → 合格 (two tiers)
    by_score = o.PaymentRule(ex.rule().rate, downgrade=o.Downgrade(["trapped_passengers"],
                                                                   to="70"))
    pc = _prepared(by_score, registry.rulebook("NX"))
    st_ = pc.settle(NOV, [_one(NOV, "62", o.Incident("trapped_passengers", date(2022, 11, 8)))])
    assert st_.line("property").pay_rate == Decimal("0.80")  # already below 合格: stays


# --- several sites, one score ----------------------------------------------------------

@pytest.mark.parametrize(("aggregate", "weights", "score"), [
    ("min", {}, "88.00"),
    ("mean", {}, "91.83"),                                   # 275.5 / 3 = 91.8333…
    # (5 × 92.5 + 3 × 88 + 1 × 95) / 9 = 821.5 / 9 = 91.2777… → 91.28
    ("fee_weighted", {"A区": "50000.00", "B区": "30000.00", "C区": "10000.00"}, "91.28"),
])
def test_site_scores_combine_by_min_mean_or_fee_weighted_mean_rounded_to_the_hundredth(
    registry: o.PluginHost, aggregate: str, weights: dict[str, str], score: str,
) -> None:
    rule = o.PaymentRule(ex.rule().rate, sites=o.SiteScore(ex.SITES, aggregate, weights))
    pc = _prepared(rule, registry.rulebook("NX"))
    st_ = pc.settle(NOV, [_one(NOV, p, site=s) for s, p in zip(ex.SITES, ("92.5", "88", "95"),
                                                                strict=True)])
    assert st_.line("property").score == Decimal(score)


def test_a_site_not_assessed_withholds_the_fee_with_an_error_finding(
        registry: o.PluginHost) -> None:
    pc = _prepared(ex.rule(), registry.rulebook("NX"))
    st_ = pc.settle(NOV, [_one(NOV, "95", site="A区"), _one(NOV, "95", site="C区")])
    x = st_.line("property")
    assert x.status.value == "incomplete" and x.withheld == o.Money("90000.00")
    f = next(f for f in st_.findings if f.code == "assessment.incomplete")
    assert f.severity is Severity.ERROR and "site B区 not assessed" in f.message


def test_an_assessment_of_a_site_the_contract_does_not_name_is_refused(
        registry: o.PluginHost) -> None:
    pc = _prepared(ex.rule(), registry.rulebook("NX"))
    with pytest.raises(o.OutsourcingError) as e:
        pc.settle(NOV, [_one(NOV, "95", site="D区")])
    assert e.value.field == "assessments[0].site" and e.value.code == "settlement.site_unknown"


# --- holdback released by results ------------------------------------------------------

def test_holdback_forfeited_below_the_stated_score(registry: o.PluginHost) -> None:
    rule = o.PaymentRule(ex.rule().rate, holdback=o.Holdback("0.05", forfeit_below="60"))
    pc = _prepared(rule, registry.rulebook("NX"))
    nov = pc.settle(NOV, [_one(NOV, "95")])
    dec = pc.settle(DEC, [_one(DEC, "95")], previous=nov, final_scores={"property": "59.99"})
    x = dec.line("property")
    assert x.released == o.Money.ZERO and x.forfeited == o.Money("9000.00")
    dec = pc.settle(DEC, [_one(DEC, "95")], previous=nov, final_scores={"property": "60"})
    assert dec.line("property").released == o.Money("9000.00")


def test_a_result_based_release_without_a_final_score_keeps_holding_with_an_error(
        registry: o.PluginHost) -> None:
    pc = _prepared(ex.rule(), registry.rulebook("NX"))
    nov = pc.settle(NOV, [_one(NOV, "95", site=s) for s in ex.SITES])
    dec = pc.settle(DEC, [_one(DEC, "95", site=s) for s in ex.SITES], previous=nov)
    x = dec.line("property")
    assert x.released == o.Money.ZERO and x.held_balance == o.Money("9000.00")
    f = next(f for f in dec.findings if f.code == "holdback.final_assessment_missing")
    assert f.severity is Severity.ERROR and f.field == "final_scores.property"


def test_a_final_score_out_of_range_is_refused(registry: o.PluginHost) -> None:
    pc = _prepared(ex.rule(), registry.rulebook("NX"))
    with pytest.raises(o.OutsourcingError) as e:
        pc.settle(NOV, [], final_scores={"property": "101"})
    assert e.value.field == "final_scores.property"


# --- silence is visible ----------------------------------------------------------------

def test_a_silent_contract_gets_a_warning_per_illustrative_default(
        registry: o.PluginHost) -> None:
    rb = registry.rulebook("NX")
    st_ = o.settle(ex.contract(), NOV, [_one(NOV, "95")], rb, kpis={"property": KPIS})
    warned = {f.rule_id: f for f in st_.findings if f.code == "payment.illustrative_default"}
    assert set(warned) == {"payment.tier_table", "payment.incident_deductions",
                           "payment.repeat_ratchet", "payment.deduction_cap_line",
                           "payment.holdback", "payment.warning_score",
                           "payment.deduction_cap_total", "payment.termination_consecutive",
                           "payment.termination_notices"}
    hb = warned["payment.holdback"]
    assert hb.severity is Severity.WARNING and hb.citation and "illustrative" in hb.citation
    assert "share: 0.05" in hb.message
    text = st_.render()
    assert "暂扣款            ¥4,500.00  ※示例默认 payment.holdback（合同未约定）" in text
    # the KPI breakdown is shown under the score, as before
    assert "  考核得分          95.00\n    检查得分        实测 95.00分" in text


def test_adopting_defaults_explicitly_silences_only_those(registry: o.PluginHost) -> None:
    rb = registry.rulebook("NX")
    st_ = o.settle(ex.contract(), NOV, [_one(NOV, "95")], rb, kpis={"property": KPIS},
                   adopt=["payment.holdback", "payment.tier_table"])
    warned = {f.rule_id for f in st_.findings if f.code == "payment.illustrative_default"}
    assert "payment.holdback" not in warned and "payment.deduction_cap_line" in warned
    assert st_.holdback == o.Money("4500.00")          # the same figure, now the contract's
    every = o.settle(ex.contract(), NOV, [_one(NOV, "95")], rb, kpis={"property": KPIS},
                     adopt=["*"])
    assert [f.code for f in every.findings] == []


def test_a_contract_term_set_by_override_is_not_warned(registry: o.PluginHost) -> None:
    rb = registry.rulebook("NX").override("payment.holdback", {"share": "0.03"},
                                          citation="合同 第八条")
    st_ = o.settle(ex.contract(), NOV, [_one(NOV, "95")], rb, kpis={"property": KPIS})
    warned = {f.rule_id for f in st_.findings if f.code == "payment.illustrative_default"}
    assert "payment.holdback" not in warned and st_.holdback == o.Money("2700.00")


def test_adopting_an_unknown_default_is_refused(registry: o.PluginHost) -> None:
    with pytest.raises(o.OutsourcingError) as e:
        o.prepare(ex.contract(), registry.rulebook("NX"), adopt=["payment.holdbak"])
    assert e.value.field == "adopt" and e.value.code == "settlement.adopt_unknown"


def test_a_contract_that_states_no_caps_has_none(registry: o.PluginHost) -> None:
    rule = o.PaymentRule(ex.rule().rate, deductions=o.IncidentDeductions(
        {"ordinary": "30000.00"}))
    pc = _prepared(rule, registry.rulebook("NX"))
    st_ = pc.settle(NOV, [_one(NOV, "95", o.Incident("ordinary", date(2022, 11, 2)))])
    assert st_.deductions == o.Money("30000.00") and st_.total_cap is None
    assert st_.line("property").line_cap is None


# --- properties ------------------------------------------------------------------------

@given(points=st.lists(st.sampled_from(["commendation", "complaint"]), max_size=12),
       base=st.integers(0, 10000), bonus=st.integers(0, 1000), penalty=st.integers(0, 1000))
def test_score_adjustments_never_exceed_their_caps(points: list[str], base: int, bonus: int,
                                                    penalty: int) -> None:
    from outsourcing.payment import compile_rule
    from outsourcing.settlement.compute import _adjust
    rule = o.PaymentRule(ex.rule().rate, adjustments=o.ScoreAdjustments(
        {"commendation": "2.5", "complaint": "-3"}, bonus_cap=Decimal(bonus) / 100,
        penalty_cap=Decimal(penalty) / 100))
    score, adj, _ = _adjust(compile_rule(rule), base, points)
    assert -penalty <= adj <= bonus
    assert 0 <= score <= 10000 and score == base + adj


@given(fees=st.lists(st.integers(1, 10_000_000), min_size=1, max_size=4),
       final=st.integers(0, 10000), proportional=st.booleans(),
       below=st.one_of(st.none(), st.integers(0, 10000)))
def test_holdback_released_plus_forfeited_is_the_held_balance(
        registry: o.PluginHost, fees: list[int], final: int, proportional: bool,
        below: int | None) -> None:
    rule = o.PaymentRule(FullPay(), holdback=o.Holdback(
        "0.05", by_result="proportional" if proportional else "full",
        forfeit_below=None if below is None else Decimal(below) / 100))
    c = o.Contract(id="C-H", title="t", jurisdiction="CN", purchaser=o.Purchaser("P", "p"),
                   supplier=o.Supplier("S", "s", "small"),
                   term=o.DateRange(date(2022, 1, 1), date(2022, 12, 31)),
                   lines=[o.ServiceLine("property", "property", "A区",
                                        o.FixedMonthly(o.Money.from_fen(fees[0])))])
    pc = o.prepare(c, registry.rulebook("CN"), rules={"property": rule},
                   kpis={"property": KPIS}, contract_rules=o.ContractRules())
    jan = o.Period.parse("2022-01")
    st_ = pc.settle(jan, [_one(jan, "90")], release_holdback=True,
                    final_scores={"property": str(Decimal(final) / 100)})
    x = st_.line("property")
    assert x.released + x.forfeited == x.holdback
    assert x.held_balance == o.Money.ZERO


@given(amounts=st.lists(st.integers(0, 5_000_000), min_size=1, max_size=5),
       cap=st.one_of(st.none(), st.integers(0, 1_000_000)))
def test_deduction_caps_are_applied_only_where_stated(registry: o.PluginHost, amounts: list[int],
                                                      cap: int | None) -> None:
    kinds = {f"k{n}": o.Money.from_fen(a) for n, a in enumerate(amounts)}
    rule = o.PaymentRule(FullPay(), deductions=o.IncidentDeductions(kinds),
                         cap=None if cap is None else o.LineCap(Decimal(cap) / 1_000_000))
    pc = _prepared(rule, registry.rulebook("CN"))
    st_ = pc.settle(NOV, [_one(NOV, "90", *[o.Incident(k, date(2022, 11, 1)) for k in kinds])])
    x = st_.line("property")
    raw = o.Money.from_fen(sum(amounts))
    fee = o.Money("90000.00")
    if cap is None:
        assert x.deductions_applied == min(raw, fee)
    else:
        assert x.line_cap is not None
        assert x.deductions_applied == min(raw, x.line_cap, fee)


@given(scores=st.lists(st.integers(0, 10000), min_size=2, max_size=6),
       weights=st.lists(st.integers(0, 10_000_000), min_size=6, max_size=6))
def test_a_site_aggregate_lies_between_the_lowest_and_the_highest_site(
        scores: list[int], weights: list[int]) -> None:
    from outsourcing.settlement.compute import _aggregate
    w = tuple(weights[:len(scores)])
    if sum(w) == 0:
        w = (1,) * len(scores)
    for how, ws in (("min", ()), ("mean", ()), ("fee_weighted", w)):
        got = _aggregate((how, ws), scores)
        assert min(scores) <= got <= max(scores)
    assert _aggregate(("min", ()), scores) == min(scores)


def test_a_statement_with_the_contracts_own_terms_reads_back_from_its_json() -> None:
    from outsourcing.serialize import from_json
    from outsourcing.statement import Statement
    _, december = ex.statements()
    again = from_json(december.to_json(), Statement)
    assert again == december
    assert again.payable == december.payable  # the figures, without the terms
    again = again.with_terms(december.terms)  # the terms explain it, as when it was made
    assert again.all_explanations() == december.all_explanations()
    assert again.render() == december.render()
    x = again.line("property")
    assert x.forfeited == o.Money("1737.00") and x.downgraded and x.base_score == Decimal("88")


def test_sites_scored_as_one_need_the_contracts_own_aggregate_there_is_no_default() -> None:
    with pytest.raises(o.ModelError) as e:
        o.SiteScore(("A区", "B区"))
    assert e.value.code == "payment.site_aggregate_missing" and e.value.field == "aggregate"
    assert "不设默认" in e.value.message_zh
    assert o.SiteScore(("A区", "B区"), "min").aggregate == "min"
