"""Worked examples of settlement, asserted to the fen (结算示例)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from payment_cases import ONE_SHEET, contract, inspection_only, property_assessment

import outsourcing as o
from outsourcing.changes import Change, Suspend, Timeline
from outsourcing.payment import FullPay
from outsourcing.performance import Incident
from outsourcing.settlement import prepare, settle, settle_term
from outsourcing.statement import LineStatus


@pytest.fixture(scope="module")
def rb(registry: o.PluginHost) -> o.RuleBook:
    return registry.rulebook("CN")


@pytest.fixture(scope="module")
def registry() -> o.PluginHost:
    return o.load()


def test_tier_table_month_pays_98_percent_for_a_score_of_94_02(rb: o.RuleBook) -> None:
    a = property_assessment("2022-10", repair="88", satisfied=170, responses=180,
                            inspection=(("保洁", "44"), ("秩序维护", "43")))
    st = settle(contract(), "2022-10", [a], rb)
    x = st.line("property")
    assert [k.points for k in x.kpis] == [Decimal("35.20"), Decimal("29.82"), Decimal("29.00")]
    assert x.score == Decimal("94.02")
    assert x.pay_rate == Decimal("0.98")
    assert x.performance_amount == o.Money("78400.00")
    assert x.holdback == o.Money("3920.00")
    assert x.payable == o.Money("74480.00")
    assert st.payable == o.Money("74480.00")
    assert x.explain("支付比例").rule_id == "payment.tier_table"
    assert "85–94分 98%" in x.explain("支付比例").citation
    assert st.due_on == date(2022, 11, 30)
    assert not x.warning_notice


def test_linear_formula_month_pays_15_plus_m_percent(rb: o.RuleBook) -> None:
    own = rb.override("payment.rate_rule", "linear_formula", citation="合同 第十条")
    st = settle(contract(), "2022-10", [inspection_only("2022-10", "72.35")], own,
                kpis={"property": ONE_SHEET})
    x = st.line("property")
    assert x.score == Decimal("72.35")
    assert x.pay_rate == Decimal("0.8735")
    assert x.performance_amount == o.Money("69880.00")
    assert x.holdback == o.Money("3494.00")
    assert x.payable == o.Money("66386.00")
    assert x.warning_notice and st.notices == ("property",)
    assert x.explain("支付比例").rule_id == "payment.linear_formula"


def test_a_contract_replaces_the_linear_formula_with_its_own_clause(rb: o.RuleBook) -> None:
    own = (rb.override("payment.rate_rule", "linear_formula", citation="合同 第十条")
           .override("payment.linear_formula", {"threshold": 90, "offset": 10},
                     citation="合同 第十条第二款"))
    st = settle(contract(), "2022-10", [inspection_only("2022-10", "72.35")], own,
                kpis={"property": ONE_SHEET})
    x = st.line("property")
    assert x.performance_amount == o.Money("65880.00")  # 82.35%
    assert x.explain("支付比例").citation == "合同 第十条第二款"


def test_incident_deductions_hit_the_line_cap_and_the_total_cap(rb: o.RuleBook) -> None:
    c = contract((("property", "property", "80000.00"), ("cleaning", "cleaning", "10000.00")))
    p = property_assessment("2022-10", incidents=[
        Incident("media_exposure", date(2022, 10, 3)),
        Incident("media_exposure", date(2022, 10, 19))])
    cl = o.Assessment(
        "cleaning", "2022-10", "考核小组", date(2022, 10, 31),
        sheets=[o.ScoreSheet("inspection", [o.ScoreItem("公共区域", 50, 50),
                                            o.ScoreItem("卫生间", 50, 45)])],
        surveys=[o.Survey("satisfaction", 60, 60)],
        incidents=[Incident("media_exposure", date(2022, 10, 8)),
                   Incident("department_notice", date(2022, 10, 9))])
    st = settle(c, "2022-10", [p, cl], rb)
    pl, cln = st.line("property"), st.line("cleaning")
    assert pl.deductions_total == o.Money("10000.00")
    assert pl.line_cap == o.Money("16000.00")
    assert cln.deductions_total == o.Money("7000.00")
    assert cln.line_cap == o.Money("2000.00")  # 20% of 10,000
    assert st.total_cap == o.Money("9000.00")  # 10% of 90,000
    # 10,000 + 2,000 = 12,000 > 9,000: the total cap is split 10:2
    assert (pl.deductions_applied, cln.deductions_applied) == (o.Money("7500.00"),
                                                               o.Money("1500.00"))
    assert st.deductions == o.Money("9000.00")
    assert (pl.payable, cln.payable) == (o.Money("68875.00"), o.Money("8075.00"))
    assert st.payable == o.Money("76950.00")
    assert st.explain("扣款上限（合计）").rule_id == "payment.deduction_cap_total"


def test_repeat_incidents_beyond_the_second_in_12_months_are_multiplied_by_1_5(
    rb: o.RuleBook,
) -> None:
    c = contract()
    jan = property_assessment("2022-01", incidents=[Incident("ordinary", date(2022, 1, 5)),
                                                    Incident("ordinary", date(2022, 1, 9))])
    feb = property_assessment("2022-02", incidents=[Incident("ordinary", date(2022, 2, 7))])
    pc = prepare(c, rb)
    s1 = pc.settle("2022-01", [jan])
    s2 = pc.settle("2022-02", [feb], previous=s1)
    assert s1.line("property").deductions_total == o.Money("1000.00")
    d = s2.line("property").deductions[0]
    assert (d.occurrence, d.factor, d.amount) == (3, Decimal("1.5"), o.Money("750.00"))
    assert "payment.repeat_ratchet" in s2.line("property").explain("扣款 一般问题").rule_id


def test_holdback_is_released_with_the_last_month_of_the_term(rb: o.RuleBook) -> None:
    c = contract((("property", "property", "10000.00"),), start=date(2022, 10, 1))
    sts = settle_term(c, [property_assessment(m) for m in ("2022-10", "2022-11", "2022-12")],
                      rb)
    assert [s.line("property").holdback for s in sts] == [o.Money("500.00")] * 3
    assert [s.payable for s in sts] == [o.Money("9500.00"), o.Money("9500.00"),
                                        o.Money("11000.00")]
    assert sts[1].carry.lines[0].held == o.Money("1000.00")
    assert sts[2].released == o.Money("1500.00")
    assert sts[2].carry.lines[0].held == o.Money.ZERO
    assert o.Money.sum(s.payable for s in sts) == o.Money("30000.00")


def test_holdback_release_can_be_forced_early(rb: o.RuleBook) -> None:
    pc = prepare(contract((("property", "property", "10000.00"),)), rb)
    s1 = pc.settle("2022-01", [property_assessment("2022-01")])
    s2 = pc.settle("2022-02", [property_assessment("2022-02")], previous=s1,
                   release_holdback=True)
    assert s2.released == o.Money("1000.00") and s2.payable == o.Money("10500.00")


def test_a_quarter_with_a_mid_quarter_suspension_settles_the_days_in_service(
    rb: o.RuleBook,
) -> None:
    base = contract((("property", "property", "90000.00"), ("gym", "gym_management",
                                                              "12000.00")),
                    schedule="quarterly")
    # the gym suspended 15 February – 31 March 2022 by a signed change (政府采购法 第五十条)
    closed = Change("BC-2022-01", Suspend("gym", until=date(2022, 3, 31)), "force_majeure",
                    "疫情防控：健身中心关闭", date(2022, 2, 15), "宁夏回族自治区机关事务管理局",
                    signed_on=date(2022, 2, 16), approved_by="局务会议")
    source = Timeline(base).sign(closed, rb, today=date(2022, 2, 16))
    gym = property_assessment("2022-Q1", line="gym", repair="80", satisfied=90,
                              inspection=(("器材", "40"), ("卫生", "40")))
    st = settle(source, "2022-Q1", [property_assessment("2022-Q1"), gym], rb)
    p, g = st.line("property"), st.line("gym")
    assert p.fee == o.Money("270000.00")
    assert g.fee == o.Money("18000.00")  # January + 14 of 28 February days
    assert g.score == Decimal("87.09") and g.pay_rate == Decimal("0.98")
    assert g.performance_amount == o.Money("17640.00")
    assert (g.holdback, g.payable) == (o.Money("882.00"), o.Money("16758.00"))
    assert p.payable == o.Money("256500.00")
    assert st.payable == o.Money("273258.00")
    assert st.fee == o.Money("288000.00")
    assert "2022-01-01..2022-02-14" in str(g.explain("合同费用"))
    q2 = prepare(source, rb).settle("2022-Q2", [property_assessment("2022-Q2"),
                                                property_assessment("2022-Q2", line="gym")])
    assert q2.line("gym").fee == o.Money("36000.00")


def test_a_quarterly_contract_refuses_a_monthly_period(rb: o.RuleBook) -> None:
    with pytest.raises(o.SettlementError, match="settles by quarter"):
        settle(contract(schedule="quarterly"), "2022-02", [], rb)


def test_three_consecutive_failing_months_reach_the_replacement_threshold(
    rb: o.RuleBook,
) -> None:
    sts = settle_term(contract(), [inspection_only(m, "80") for m in
                                   ("2022-01", "2022-02", "2022-03")], rb,
                      upto="2022-03", kpis={"property": ONE_SHEET})
    assert [s.line("property").failing_streak for s in sts] == [1, 2, 3]
    assert [len(s.triggers) for s in sts] == [0, 0, 1]
    t = sts[2].triggers[0]
    assert (t.scope, t.line_id, t.rule_id) == ("line", "property",
                                               "payment.termination_consecutive")
    assert "3 consecutive months" in t.citation
    assert any(f.code == "performance.replacement_threshold" for f in sts[2].findings)


def test_sixteen_notices_in_twelve_months_reach_the_termination_threshold(
    rb: o.RuleBook,
) -> None:
    lines = tuple((f"p{k}", "property", "20000.00") for k in range(4))
    kpis = {f"p{k}": ONE_SHEET for k in range(4)}
    pc = prepare(contract(lines), rb, kpis=kpis)
    prev = None
    out = []
    for m in ("2022-01", "2022-02", "2022-03", "2022-04"):
        prev = pc.settle(m, [inspection_only(m, "70", line=f"p{k}") for k in range(4)],
                         previous=prev)
        out.append(prev)
    assert [len(s.carry.notice_months) for s in out] == [4, 8, 12, 16]
    contract_triggers = [t for t in out[3].triggers if t.scope == "contract"]
    assert [t.rule_id for t in contract_triggers] == ["payment.termination_notices"]
    assert not [t for t in out[2].triggers if t.scope == "contract"]


def test_a_missing_assessment_is_a_finding_and_the_fee_is_withheld(rb: o.RuleBook) -> None:
    c = contract((("property", "property", "80000.00"), ("elevator", "elevator_maintenance",
                                                          "10200.00")))
    st = settle(c, "2022-10", [property_assessment("2022-10")], rb)
    e = st.line("elevator")
    assert e.status is LineStatus.MISSING
    assert e.score is None and e.pay_rate is None
    assert (e.withheld, e.payable) == (o.Money("10200.00"), o.Money.ZERO)
    assert st.withheld == o.Money("10200.00")
    codes = [f.code for f in st.findings]
    assert "assessment.missing" in codes


def test_an_assessment_missing_a_kpi_is_a_finding_not_a_zero(rb: o.RuleBook) -> None:
    a = o.Assessment("property", "2022-10", "考核小组", date(2022, 10, 31),
                     metrics=[o.Metric("repair_pass_rate", 100)])
    st = settle(contract(), "2022-10", [a], rb)
    x = st.line("property")
    assert x.status is LineStatus.INCOMPLETE
    assert x.missing_kpis == ("satisfaction", "inspection")
    assert x.withheld == o.Money("80000.00") and x.payable == o.Money.ZERO
    assert any(f.code == "assessment.incomplete" and "satisfaction" in f.message
               for f in st.findings)


def test_due_date_is_30_days_after_acceptance_and_late_interest_is_0_05_percent_a_day(
    rb: o.RuleBook,
) -> None:
    a = property_assessment("2022-10", repair="88", satisfied=170, responses=180,
                            inspection=(("保洁", "44"), ("秩序维护", "43")))
    st = settle(contract(), "2022-10", [a], rb, accepted_on=date(2022, 11, 5),
                paid_on=date(2022, 12, 20))
    assert st.due_on == date(2022, 12, 5)
    assert st.late_days == 15
    assert st.late_interest == o.Money("558.60")  # 74,480.00 × 0.0005 × 15
    assert st.amount_due == o.Money("75038.60")
    assert st.explain("到期日").rule_id == "payment.sme_days"
    assert "第728号" in st.explain("逾期利息").citation


def test_a_late_acceptance_counts_from_the_agreed_acceptance_deadline(rb: o.RuleBook) -> None:
    st = settle(contract(), "2022-10", [property_assessment("2022-10")], rb,
                accepted_on=date(2022, 11, 25), acceptance_due=date(2022, 11, 10))
    assert st.clock_start == date(2022, 11, 10)
    assert st.due_on == date(2022, 12, 10)


def test_an_agreed_term_over_60_days_is_cut_to_60_for_an_sme(rb: o.RuleBook) -> None:
    st = settle(contract(payment_days=90), "2022-10", [property_assessment("2022-10")], rb,
                accepted_on=date(2022, 11, 1))
    assert st.payment_days == 60 and st.due_on == date(2022, 12, 31)
    assert any(f.code == "payment.term_too_long" for f in st.findings)


def test_payment_after_june_2025_cites_the_revised_regulation(rb: o.RuleBook) -> None:
    c = contract(start=date(2025, 1, 1), end=date(2025, 12, 31))
    st = settle(c, "2025-06", [property_assessment("2025-06")], rb,
                accepted_on=date(2025, 7, 3), paid_on=date(2025, 8, 12))
    assert st.due_on == date(2025, 8, 2)
    assert "第802号" in st.explain("到期日").citation
    assert "第802号" in st.explain("逾期利息").citation


def test_a_bonus_tier_may_pay_more_than_the_fee(rb: o.RuleBook) -> None:
    bonus = o.PaymentRule(o.TierTable([{"min_score": 98, "rate": "1.05"},
                                       {"min_score": 0, "rate": "1"}],
                                      citation="合同 第十一条 奖励条款"))
    st = settle(contract(), "2022-10", [property_assessment("2022-10")], rb,
                rules={"property": bonus})
    assert st.line("property").payable == o.Money("84000.00")


def test_the_payment_rule_hook_is_called_once_per_line_not_per_period() -> None:
    calls: list[str] = []

    class City:
        @o.hookimpl
        def outsourcing_payment_rule(self, contract: o.Contract, line: o.ServiceLine,
                                     rulebook: o.RuleBook) -> Any:
            calls.append(line.id)
            if line.service == "property":
                return o.PaymentRule(FullPay(citation="市规定: 全额支付"))
            return None

    reg = o.load(extra=[("city", City())])
    c = contract((("property", "property", "80000.00"), ("cleaning", "cleaning", "9000.00")))
    assessments = [property_assessment(m) for m in ("2022-01", "2022-02", "2022-03")]
    sts = settle_term(c, assessments, reg.rulebook("CN"), upto="2022-03")
    assert calls == ["property", "cleaning"]
    assert sts[0].line("property").explain("支付比例").citation == "市规定: 全额支付"
    assert sts[0].line("property").holdback == o.Money.ZERO


def test_a_hook_answering_something_else_than_a_payment_rule_is_refused() -> None:
    class Bad:
        @o.hookimpl
        def outsourcing_payment_rule(self, contract: o.Contract, line: o.ServiceLine,
                                     rulebook: o.RuleBook) -> Any:
            return "tiers"

    reg = o.load(extra=[("bad", Bad())])
    with pytest.raises(o.PluginError, match=r"plugin 'bad' .*not a PaymentRule"):
        prepare(contract(), reg.rulebook("CN"))


def test_settlement_is_deterministic_and_renders_text_and_json(rb: o.RuleBook) -> None:
    a = property_assessment("2022-10", incidents=[Incident("ordinary", date(2022, 10, 8))])
    s1 = settle(contract(), "2022-10", [a], rb, accepted_on=date(2022, 11, 5))
    s2 = settle(contract(), "2022-10", [a], rb, accepted_on=date(2022, 11, 5))
    assert s1 == s2 and s1.to_json() == s2.to_json()
    text = s1.render()
    for label in ("结算单", "合同费用", "考核得分", "支付比例", "扣款 一般问题", "暂扣款",
                  "应付金额", "到期日", "计算依据"):
        assert label in text
    data = json.loads(s1.to_json())
    assert data["totals"]["payable"] == str(s1.payable) == "75525.00"
    assert data["lines"][0]["items"][0][5] == "500.00"  # (kind, base, ×num/den, nth, amount)
    assert "explanations" not in data["lines"][0]  # derived, not stored
    full = s1.to_dict(explanations=True)
    assert all(e["rule_id"] and e["citation"] for ln in full["lines"]
               for e in ln["explanations"])


def test_every_figure_of_a_statement_has_an_explanation(rb: o.RuleBook) -> None:
    a = property_assessment("2022-10", incidents=[Incident("ordinary", date(2022, 10, 8))])
    x = settle(contract(), "2022-10", [a], rb).line("property")
    figures = {e.figure for e in x.explanations}
    assert {"合同费用", "考核得分", "支付比例", "考核后金额", "扣款 一般问题", "扣款上限（单项）",
            "实际扣款", "暂扣款", "应付金额"} <= figures
    assert {f"指标 {k.name_zh}" for k in x.kpis} <= figures


def test_the_rendered_statement_in_the_docs_is_what_the_example_prints(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import runpy
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    runpy.run_path(str(root / "examples" / "payments_statement.py"), run_name="__main__")
    out = capsys.readouterr().out
    doc = (root / "docs" / "payments.md").read_text(encoding="utf-8")
    block = doc.split("<!-- rendered:begin -->\n```text\n")[1].split("```\n<!-- rendered:end")[0]
    assert block == out
    assert "应付合计          ¥84,035.58" in out


def test_the_docs_override_chain_replaces_every_illustrative_default(rb: o.RuleBook) -> None:
    own = (rb.override("payment.rate_rule", "linear_formula", citation="合同 第十条")
           .override("payment.incident_deductions",
                     {"ordinary": 300, "media_exposure": 3000, "trapped_passengers": 2000},
                     citation="合同 第十一条")
           .override("payment.holdback", {"share": Decimal("0.03"), "release": "year_end"},
                     citation="合同 第十二条"))
    a = property_assessment("2022-10", incidents=[Incident("trapped_passengers",
                                                           date(2022, 10, 4))])
    x = settle(contract(), "2022-10", [a], own).line("property")
    assert x.deductions_applied == o.Money("2000.00")
    assert x.holdback == o.Money("2340.00")  # 3% of 78,000
    assert x.explain("暂扣款").citation == "合同 第十二条"
    assert x.explain("扣款 电梯困人").citation == "合同 第十一条"
