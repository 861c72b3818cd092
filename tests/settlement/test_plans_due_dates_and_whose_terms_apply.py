"""Payment plans, due dates in working days, and whose payment terms apply."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import outsourcing as o
import outsourcing.due
from outsourcing.payment import FullPay, PaymentRule
from outsourcing.workdays import working_day_years

P = o.Purchaser("P-1", "宁夏回族自治区机关事务管理局")
SME = o.Supplier("S-1", "宁夏某物业服务有限公司", "small")
LARGE = o.Supplier("S-2", "某大型物业集团有限公司", "large")
TERM = o.DateRange(date(2024, 3, 1), date(2025, 2, 28))
SHEET = (o.KpiSpec("inspection", "综合检查得分", "inspection", "points", Decimal(100),
                   o.Direction.HIGHER, Decimal(100), "合同 附件三 考核评分表"),)
PLAN = o.InstalmentPlan([o.Instalment("signing", "0.30"),
                         o.Instalment("mid_term_acceptance", "0.40"),
                         o.Instalment("final_acceptance", "0.20"),
                         o.Instalment("retention_end", "0.10")],
                        prepayment=o.Prepayment("0.10"))


@pytest.fixture()
def rb(registry: o.PluginHost) -> o.RuleBook:
    return registry.rulebook("CN")


def fire_contract(**kw: object) -> o.Contract:
    base = dict(signed_on=date(2024, 2, 1), payment_days=15, payment_working_days=True)
    base.update(kw)
    return o.Contract(
        "NX-2024-401", "吴忠市档案馆消防维保（分期付款）", "CN", P, SME, TERM,
        [o.ServiceLine("fire", "fire_maintenance", "吴忠市档案馆",
                       o.TermTotal("286500.05", TERM))], **base)  # type: ignore[arg-type]


def quarterly_contract(**kw: object) -> o.Contract:
    base = dict(schedule="quarterly", signed_on=date(2023, 12, 28), payment_days=15,
                payment_working_days=True)
    base.update(kw)
    supplier = base.pop("supplier", SME)
    return o.Contract(
        "NX-2024-301", "固原市行政中心物业服务（按日计费）", "CN", P, supplier,  # type: ignore[arg-type]
        o.DateRange(date(2024, 1, 1), date(2024, 12, 31)),
        [o.ServiceLine("property", "property", "固原市行政中心",
                       o.AnnualFee("500000.00", split="actual_365"))],
        **base)  # type: ignore[arg-type]


def settle_quarter(c: o.Contract, rb: o.RuleBook, q: int, accepted: date,
                   paid: date | None = None) -> o.Statement:
    a = o.Assessment("property", f"2024-Q{q}", "考核小组", accepted,
                     metrics=[o.Metric("inspection", "96")])
    return o.settle(c, f"2024-Q{q}", [a], rb, rules={"property": PaymentRule(FullPay())},
                    kpis={"property": SHEET}, accepted_on=accepted, paid_on=paid)


# --- instalments ------------------------------------------------------------------------

def test_30_40_20_10_plan_with_a_10_percent_prepayment_recovered_pro_rata(
    rb: o.RuleBook,
) -> None:
    ps = o.instalment_payments(fire_contract(), PLAN, rb,
                               {"mid_term_acceptance": date(2024, 9, 5),
                                "final_acceptance": date(2025, 3, 10)})
    rows = [(p.milestone, p.gross, p.offset, p.net, p.due_on) for p in ps.payments]
    M = o.Money
    assert rows == [
        ("prepayment", M("28650.01"), M("0"), M("28650.01"), date(2024, 2, 27)),
        ("signing", M("85950.02"), M("8595.00"), M("77355.02"), date(2024, 2, 27)),
        ("mid_term_acceptance", M("114600.02"), M("11460.01"), M("103140.01"),
         date(2024, 9, 27)),
        ("final_acceptance", M("57300.01"), M("5730.00"), M("51570.01"), date(2025, 3, 31)),
        ("retention_end", M("28650.00"), M("2865.00"), M("25785.00"), None),
    ]
    assert ps.total_net == M("286500.05")
    assert "预付款" in ps.render() and "¥286,500.05" in ps.render()


def test_a_prepayment_recovered_in_order_comes_off_the_first_instalments(
    rb: o.RuleBook,
) -> None:
    plan = attrs.evolve(PLAN, prepayment=o.Prepayment("0.35", recovery="in_order"))
    ps = o.instalment_payments(fire_contract(), plan, rb)
    assert [p.offset for p in ps.payments[1:]] == [
        o.Money("85950.02"), o.Money("14325.00"), o.Money.ZERO, o.Money.ZERO]
    assert ps.total_net == o.Money("286500.05")


def test_instalment_shares_not_adding_to_100_percent_are_refused_naming_the_field() -> None:
    with pytest.raises(o.ModelError) as exc:
        o.InstalmentPlan([o.Instalment("signing", "0.30"), o.Instalment("final", "0.60")])
    assert exc.value.code == "payment.shares_not_100"
    assert exc.value.field == "instalments[*].share"
    assert "90%" in str(exc.value) and "100%" in exc.value.message_zh


def test_an_unknown_milestone_date_is_refused(rb: o.RuleBook) -> None:
    with pytest.raises(o.ModelError) as exc:
        o.instalment_payments(fire_contract(), PLAN, rb, {"handover": date(2024, 5, 1)})
    assert exc.value.field == "events.handover"


@given(fen=st.integers(0, 10**11),
       cuts=st.lists(st.integers(1, 99), min_size=0, max_size=6, unique=True),
       pre=st.integers(0, 100), in_order=st.booleans())
def test_instalment_parts_add_back_exactly_to_the_contract_amount(
    fen: int, cuts: list[int], pre: int, in_order: bool,
) -> None:
    points = [0, *sorted(cuts), 100]
    shares = [Decimal(b - a) / 100 for a, b in itertools.pairwise(points)]
    plan = o.InstalmentPlan(
        [o.Instalment(f"m{i}", s) for i, s in enumerate(shares)],
        prepayment=o.Prepayment(Decimal(pre) / 100, "in_order" if in_order else "pro_rata"))
    c = attrs.evolve(fire_contract(), stated_amount=o.Money.from_fen(fen))
    ps = o.instalment_payments(c, plan, o.load().rulebook("CN"))
    assert ps.total_net == o.Money.from_fen(fen)
    assert o.Money.sum(p.gross for p in ps.payments[1:]) == o.Money.from_fen(fen)
    assert all(p.net >= o.Money.ZERO for p in ps.payments)


# --- periodic settlement, working days --------------------------------------------------

def test_actual_365_contract_settled_quarterly_with_a_15_working_day_term(
    rb: o.RuleBook,
) -> None:
    c = quarterly_contract()
    st = settle_quarter(c, rb, 1, date(2024, 4, 1), paid=date(2024, 4, 30))
    assert st.fee == st.payable == o.Money("123287.67")
    # Qingming 2024: 4–6 April off, Sunday 7 April worked (调休)
    assert st.due_on == date(2024, 4, 23) and st.payment_working_days
    assert st.late_days == 7 and st.late_interest == o.Money("431.51")
    assert "15 个工作日" in st.render()


def test_working_day_due_date_across_the_2024_spring_festival_tiaoxiu(rb: o.RuleBook) -> None:
    # 10–17 Feb 2024 off; Sunday 4 Feb and Sunday 18 Feb worked
    c = quarterly_contract()
    st = settle_quarter(c, rb, 4, date(2024, 12, 31))
    assert st.due_on == date(2025, 1, 22)
    term = o.due.due_term(c, rb, date(2024, 2, 1))
    assert term.due_on(date(2024, 2, 1)) == date(2024, 2, 27)  # 30 calendar days: 2 March
    assert o.due.due_term(attrs.evolve(c, payment_working_days=False), rb,
                          date(2024, 2, 1)).due_on(date(2024, 2, 1)) == date(2024, 2, 16)


def test_a_working_day_count_outside_the_known_years_is_a_clear_error(rb: o.RuleBook) -> None:
    _, hi = working_day_years()
    c = quarterly_contract()
    with pytest.raises(o.DateError) as exc:
        o.due.due_term(c, rb, date(hi + 1, 3, 2)).due_on(date(hi + 1, 3, 2))
    assert exc.value.code == "date.working_day_unknown_year"
    assert str(hi) in str(exc.value)


def test_periodic_plan_recovers_the_prepayment_from_the_quarters_by_their_fees(
    rb: o.RuleBook,
) -> None:
    c = quarterly_contract()
    sts = [settle_quarter(c, rb, q, d) for q, d in
           ((1, date(2024, 4, 1)), (2, date(2024, 7, 1)), (3, date(2024, 10, 8)),
            (4, date(2024, 12, 31)))]
    ps = o.periodic_payments(c, o.PeriodicPlan(o.Prepayment("0.20")), rb, sts,
                             {"2024-Q1": date(2024, 4, 2), "2024-Q2": date(2024, 7, 2),
                              "2024-Q3": date(2024, 10, 9), "2024-Q4": date(2025, 1, 2)})
    rows = [(p.gross, p.offset, p.net, p.due_on) for p in ps.payments]
    M = o.Money
    assert rows == [
        (M("100000.00"), M("0"), M("100000.00"), date(2024, 1, 19)),
        (M("123287.67"), M("24657.53"), M("98630.14"), date(2024, 4, 24)),
        (M("124657.54"), M("24931.51"), M("99726.03"), date(2024, 7, 23)),
        (M("126027.39"), M("25205.48"), M("100821.91"), date(2024, 10, 29)),  # 12 Oct worked
        (M("126027.40"), M("25205.48"), M("100821.92"), date(2025, 1, 23)),
    ]
    assert ps.total_net == M("500000.00") and ps.unrecovered == M("0")


# --- whose payment terms apply ----------------------------------------------------------

def test_sme_payment_regulation_applies_to_sme_suppliers_only_article_2(
    rb: o.RuleBook,
) -> None:
    large = quarterly_contract(supplier=LARGE, payment_days=None, payment_working_days=False)
    st = settle_quarter(large, rb, 1, date(2024, 4, 1), paid=date(2024, 6, 30))
    assert st.due_on is None and st.late_interest == o.Money.ZERO
    assert "payment.no_agreed_term" in [f.code for f in st.findings]
    assert "未定" in st.render()
    sme = quarterly_contract(payment_days=None, payment_working_days=False)
    st2 = settle_quarter(sme, rb, 1, date(2024, 4, 1), paid=date(2024, 6, 30))
    assert st2.due_on == date(2024, 5, 1) and st2.late_interest == o.Money("3698.63")


def test_a_large_supplier_gets_its_contracts_own_term_and_interest(rb: o.RuleBook) -> None:
    own = quarterly_contract(supplier=LARGE, payment_days=90, payment_working_days=False,
                             late_interest_daily="0.0001")
    st = settle_quarter(own, rb, 1, date(2024, 4, 1), paid=date(2024, 7, 10))
    assert st.due_on == date(2024, 6, 30)  # 90 days, not cut to the SME maximum of 60
    assert st.late_days == 10 and st.late_interest == o.Money("123.29")  # 0.01% a day
    no_rate = attrs.evolve(own, late_interest_daily=None)
    assert settle_quarter(no_rate, rb, 1, date(2024, 4, 1),
                          paid=date(2024, 7, 10)).late_interest == o.Money.ZERO


def test_agreed_interest_below_the_one_year_lpr_on_signing_is_refused_article_15(
    rb: o.RuleBook,
) -> None:
    # 0.008% a day = 2.92% a year < the one-year LPR 3.45% (2023-08-21) on 2023-12-28
    low = quarterly_contract(late_interest_daily="0.00008")
    assert [f.code for f in low.check(rb)] == ["payment.interest_below_lpr"]
    with pytest.raises(o.ModelError) as exc:
        settle_quarter(low, rb, 1, date(2024, 4, 1))
    assert exc.value.code == "payment.interest_below_lpr"
    assert exc.value.field == "late_interest_daily"
    assert "3.45%" in str(exc.value) and "第十五条" in str(exc.value)
    # 0.01% a day = 3.65% a year is not below it; a large supplier is outside the regulation
    assert quarterly_contract(late_interest_daily="0.0001").check(rb) == []
    assert quarterly_contract(late_interest_daily="0.00008", supplier=LARGE).check(rb) == []


def test_lpr_is_a_dated_parameter_with_its_source(rb: o.RuleBook) -> None:
    def lpr(d: date) -> o.Resolved:
        r = rb.find("payment.lpr_one_year", d)
        assert r is not None
        return r
    assert lpr(date(2019, 8, 20)).value == Decimal("0.0425")
    assert lpr(date(2024, 10, 20)).value == Decimal("0.0335")
    assert lpr(date(2024, 10, 21)).value == Decimal("0.0310")
    assert lpr(date(2025, 6, 1)).value == Decimal("0.0300")
    assert "全国银行间同业拆借中心" in lpr(date(2025, 6, 1)).citation
    assert rb.find("payment.lpr_one_year", date(2019, 8, 19)) is None


def test_an_smes_agreed_term_in_working_days_past_60_days_is_cut(rb: o.RuleBook) -> None:
    c = quarterly_contract(payment_days=50)  # 50 working days run past 60 calendar days
    term = o.due.due_term(c, rb, date(2024, 4, 1))
    assert term.cut and term.days == 60
    assert term.due_on(date(2024, 4, 1)) == date(2024, 5, 31)


def test_a_scenario_plan_whose_shares_do_not_add_to_100_percent_fails_naming_the_field(
) -> None:
    from pathlib import Path

    from outsourcing.scenarios import run_files
    path = Path(__file__).parents[1] / "scenario_fixtures" / "bad_plan_shares.toml"
    results = run_files([path])
    assert len(results) == 1 and results[0].error is not None
    text = str(results[0].error)
    assert "case[0].plan.instalments[*].share" in text and "90%" in text


def test_real_contracts_example_prints_the_worked_examples_and_the_docs_show_them() -> None:
    import re
    from pathlib import Path

    from example_runner import run_example
    out = run_example("real_contracts.py")
    assert "补充合同上限 10% → ¥370,370.37" in out
    assert "合计 1234567.89" in out
    assert "合同费用          ¥43,445.16" in out
    assert "¥103,140.01 2024-09-05  2024-09-27" in out
    assert "到期日            2024-04-23" in out and "逾期利息          ¥431.51" in out
    assert "到期日 2024-02-27" in out
    root = Path(__file__).resolve().parents[2]
    shown = 0
    for page in ("model.md", "payments.md"):
        text = (root / "docs" / page).read_text(encoding="utf-8")
        for block in re.findall(r"<!-- real_contracts:begin -->\n```text\n(.*?)```\n"
                                r"<!-- real_contracts:end -->", text, re.S):
            assert block in out, f"docs/{page} shows a block the example does not print"
            shown += 1
    assert shown >= 5


def test_a_statement_with_a_working_day_term_reads_back_from_json(rb: o.RuleBook) -> None:
    from outsourcing.serialize import from_json
    st = settle_quarter(quarterly_contract(), rb, 1, date(2024, 4, 1), paid=date(2024, 4, 30))
    back = from_json(st.to_json(), o.Statement)
    assert back == st and back.payment_working_days and back.due_on == date(2024, 4, 23)
