"""The renewal pipeline (续采购), 1+1+1 renewals, and supplier handover (交接)."""

from __future__ import annotations

from datetime import date

import attrs
import pytest
from portfolio_cases import elevator_contract, property_contract

import outsourcing as o
from outsourcing.dates import working_days_between
from outsourcing.portfolio.handover import handover_plan
from outsourcing.portfolio.renewal import (
    annual_renewals,
    latest_start,
    method_called_for,
    renewal_pipeline,
)
from outsourcing.portfolio.staff import CERTIFIED_STAFF_KPI, Certificate, StaffMember, StaffRoster
from outsourcing.procurement import ProcurementMethod


@pytest.fixture(scope="module")
def rb(registry: o.PluginHost) -> o.RuleBook:
    return registry.rulebook("NX")


def test_property_contract_ending_in_60_days_is_too_late_for_a_tender(rb: o.RuleBook) -> None:
    (item,) = renewal_pipeline([property_contract()], date(2022, 11, 1), 90, rb)
    assert item.days_left == 60
    assert item.amount == o.Money("2200000.00")  # the budget
    assert item.called_for is ProcurementMethod.PUBLIC_TENDER  # ≥ ¥2,000,000
    tender = item.option("public_tender")
    # sign 12-31 ← result notice 7 working days before (12-21) ← bids close 7 days before
    # (12-14) ← documents out 20 days before (11-24) ← intention 30 days before (10-25)
    assert [d for _, d, _ in tender.steps] == [
        date(2022, 10, 25), date(2022, 11, 24), date(2022, 12, 14), date(2022, 12, 21),
        date(2022, 12, 31)]
    assert not tender.fits
    consult = item.option("competitive_consultation")
    assert (consult.latest_start, consult.fits, consult.needs_approval) == (
        date(2022, 11, 4), True, True)
    assert item.finding.code == "renewal.too_late"
    assert "too late for 公开招标 (latest start was 2022-10-25" in item.finding.message
    assert "still fits: 竞争性磋商 (start by 2022-11-04, with approval)" in item.finding.message
    assert "政府采购法 第三十五条" in (item.finding.citation or "")


def test_working_day_periods_count_on_the_state_council_calendar(rb: o.RuleBook) -> None:
    # a successor from 2022-10-08: the National Day holiday (10-01..10-07) is no working day
    _, steps = latest_start(ProcurementMethod.COMPETITIVE_NEGOTIATION, date(2022, 10, 8), rb)
    notice, sign = steps[3][1], steps[4][1]
    assert sign == date(2022, 10, 7)
    assert working_days_between(notice, sign) >= 7
    # 7 working days after 09-21: 22, 23, 26, 27, 28, 29, 30 — from 09-22 the 7th would be
    # 10-08, a make-up working Saturday (调休) after the holiday
    assert notice == date(2022, 9, 21)
    issue, deadline = steps[1][1], steps[2][1]
    assert working_days_between(issue, deadline) == 3


def test_a_contract_with_its_successor_started_or_far_off_is_not_listed(
        rb: o.RuleBook) -> None:
    c = property_contract()
    assert renewal_pipeline([c], date(2022, 11, 1), 90, rb, started=[c.id]) == []
    assert renewal_pipeline([c], date(2022, 6, 1), 90, rb) == []


def test_below_the_threshold_the_amount_calls_for_consultation(rb: o.RuleBook) -> None:
    method, r = method_called_for(o.Money("1999999.99"), rb, date(2022, 11, 1))
    assert method is ProcurementMethod.COMPETITIVE_CONSULTATION
    assert r.rule_id == "procurement.public_tender_threshold"
    own = rb.override(r.rule_id, "4000000", citation="某自治区政府采购目录及标准（示例）")
    (item,) = renewal_pipeline([property_contract()], date(2022, 11, 1), 90, own)
    assert item.called_for is ProcurementMethod.COMPETITIVE_CONSULTATION
    assert item.finding.code == "renewal.start_procurement"


def test_one_plus_one_plus_one_renews_only_after_a_passed_year() -> None:
    c = attrs.evolve(property_contract(), term=o.DateRange(date(2022, 1, 1),
                                                           date(2024, 12, 31)))
    years = annual_renewals(c, {1: True, 2: False})
    assert [(y.index, y.decision) for y in years] == [
        (1, "initial"), (2, "renew"), (3, "do_not_renew")]
    assert "财政部令第102号 第二十四条" in years[2].citation
    assert [y.decision for y in annual_renewals(c, {1: True})] == ["initial", "renew", "pending"]
    assert [y.decision for y in annual_renewals(c, {1: False, 2: True})] == [
        "initial", "do_not_renew", "do_not_renew"]
    with pytest.raises(o.ModelError) as err:
        annual_renewals(attrs.evolve(c, term=o.DateRange(date(2022, 1, 1),
                                                         date(2025, 1, 1))), {})
    assert err.value.code == "renewal.term_over_three_years"


# --- handover ------------------------------------------------------------------------------

def _failing_statement(rb: o.RuleBook) -> o.Statement:
    c = elevator_contract()
    months = [o.Period.month(2022, m) for m in (1, 2, 3)]
    assessments = [o.Assessment("elevators", m, "考核小组", m.end, metrics=[
        o.Metric("certified_staff_rate", "50")]) for m in months]
    return o.settle_term(c, assessments, rb, upto=months[-1],
                         kpis={"elevators": [CERTIFIED_STAFF_KPI]})[-1]


def _successor(start: date) -> o.Contract:
    return attrs.evolve(elevator_contract(), id="NXJG-2022-DT-002",
                        supplier=o.Supplier("S-DT2", "宁夏另一电梯公司", "small"),
                        term=o.DateRange(start, date(2022, 12, 31)))


def test_handover_after_the_supplier_reaches_the_replacement_threshold(rb: o.RuleBook) -> None:
    st = _failing_statement(rb)
    assert [t.rule_id for t in st.triggers] == ["payment.termination_consecutive"]
    staff = StaffRoster("NXJG-2022-DT-001", "elevators", [StaffMember(
        "周工", "elevator_fitter",
        certificates=[Certificate("elevator", "T-6401", "宁夏市场监管厅")])])
    plan = handover_plan(elevator_contract(), date(2022, 5, 1),
                         incoming=_successor(date(2022, 5, 1)), statement=st, staff=staff)
    assert plan.rule_id == "payment.termination_consecutive"
    assert "连续 3 期未达标" in plan.reason
    assert plan.overlap == o.DateRange(date(2022, 4, 16), date(2022, 4, 30))
    ids = [i.id for i in plan.items]
    assert ids[:5] == ["keys", "assets", "open_faults", "staff", "documents"]
    records = next(i for i in plan.items if i.id == "elevator_records")
    assert "TSG T5002" in records.citation and "4年" in records.item_zh
    assert next(i for i in plan.items if i.id == "staff").detail == (
        "周工（elevator_fitter，特种设备安全管理和作业人员证T-6401）",)
    assert plan.covered and plan.findings == ()


def test_handover_records_cite_the_article_or_say_it_is_unverified() -> None:
    from outsourcing.portfolio.handover import _BY_FAMILY
    plan = handover_plan(property_contract(), date(2023, 1, 1))
    records = next(i for i in plan.items if i.id == "property_records")
    # 物业管理条例 第三十九条 (as published in 2003): the materials go back when the contract ends
    assert records.citation.startswith("物业管理条例 第三十九条")
    assert "交接工作" in records.citation and "现行文本条号未经核对" in records.citation
    ((_, _, fire),) = _BY_FAMILY["fire_maintenance"]
    assert "GB 25201-2010 建筑消防设施的维护管理（条号未经核对）" in fire
    assert not any("条号未核对" in c for items in _BY_FAMILY.values() for _, _, c in items)


def test_handover_to_a_successor_starting_late_reports_the_uncovered_days(
        rb: o.RuleBook) -> None:
    plan = handover_plan(elevator_contract(), date(2022, 5, 1),
                         incoming=_successor(date(2022, 5, 11)))
    assert not plan.covered
    (f,) = plan.findings
    assert f.code == "coverage.gap" and "on 10 days 2022-05-01..2022-05-10" in f.message
    assert plan.reason == "更换供应商"


def test_a_contract_whose_successor_is_already_in_the_collection_is_not_listed(
        rb: o.RuleBook) -> None:
    c = property_contract()
    nxt = attrs.evolve(c, id="NXJG-2023-WY-001",
                       term=o.DateRange(date(2023, 1, 1), date(2023, 12, 31)))
    assert renewal_pipeline([c, nxt], date(2022, 11, 1), 90, rb) == []
    # a successor that drops the gym leaves the contract on the list
    part = attrs.evolve(nxt, lines=[x for x in nxt.lines if x.id != "gym"])
    assert [i.contract_id for i in renewal_pipeline([c, part], date(2022, 11, 1), 90, rb)] == [
        c.id]


def test_a_contract_under_another_jurisdiction_is_refused(registry: o.PluginHost) -> None:
    c = attrs.evolve(property_contract(), jurisdiction="NX-SZS")
    with pytest.raises(o.JurisdictionError) as err:
        renewal_pipeline([c], date(2022, 11, 1), 90, registry.rulebook("NX-YC"))
    assert err.value.code == "renewal.wrong_rulebook"
    # a city contract is read under the city's rulebook (national → 宁夏 → 石嘴山)
    (item,) = renewal_pipeline([c], date(2022, 11, 1), 90,
                               registry.rulebook("NX-SZS"))
    assert item.finding.code == "renewal.too_late"
