"""Mid-term changes: the October 2022 worked example, each bad input, each rule."""

from __future__ import annotations

import runpy
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest

import outsourcing as o
from outsourcing.changes import (
    Action,
    AddLine,
    Change,
    ChangeLinePrice,
    ChangeLineQuantity,
    ChangeStatus,
    ChangeTerm,
    RemoveLine,
    Resume,
    Suspend,
    Terminate,
    Timeline,
    cap_report,
)
from outsourcing.findings import Finding
from outsourcing.serialize import from_json, to_json

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = runpy.run_path(str(ROOT / "examples" / "october_2022_emergency.py"))
SITE = "自治区政府办公区"
TODAY = date(2022, 12, 31)
Q4 = o.Period.quarter(2022, 4).range


def contract() -> o.Contract:
    """The regional office area's 2022 contract, as in examples/october_2022_emergency.py."""
    c: o.Contract = EXAMPLE["build_contract"]()
    return c


def change(cid: str, action: Action, effective: date, signed: date | None,
           rationale: str = "force_majeure", **kw: Any) -> Change:
    return Change(cid, action, rationale, "疫情防控", effective, "自治区机关事务管理局",
                  signed_on=signed, approved_by="局务会议" if signed else "", **kw)


def line(lid: str, service: str, monthly: str) -> o.ServiceLine:
    return o.ServiceLine(lid, service, SITE, o.FixedMonthly(monthly))


@pytest.fixture(scope="module")
def nx(registry: o.PluginHost) -> o.RuleBook:
    return registry.rulebook("NX")


def sign_all(tl: Timeline, rb: o.RuleBook, changes: Sequence[Change]) -> Timeline:
    for c in changes:
        tl = tl.sign(c, rb, today=TODAY)
    return tl


@pytest.fixture(scope="module")
def october(nx: o.RuleBook) -> Timeline:
    """Gym suspended 8 Oct, resumed 12 Dec; conference suspended 8 Oct; disinfection from
    10 Oct at ¥28,000.00 a month."""
    return sign_all(Timeline(contract()), nx, [
        change("C1", Suspend("gym"), date(2022, 10, 8), date(2022, 10, 9)),
        change("C2", Suspend("conference"), date(2022, 10, 8), date(2022, 10, 9)),
        change("C3", AddLine(line("disinfection", "disinfection", "28000.00")),
               date(2022, 10, 10), date(2022, 10, 12)),
        change("C4", Resume("gym"), date(2022, 12, 12), date(2022, 12, 9)),
    ])


# the worked example ---------------------------------------------------------------------------
def test_october_2022_q4_fees_per_line_pro_rata_to_the_day(october: Timeline) -> None:
    # gym: 1–7 Oct (7/31 × 18,000) + 12–31 Dec (20/31 × 18,000)
    assert october.line_amount("gym", Q4) == o.Money("15677.42")
    assert october.line_amount("conference", Q4) == o.Money("8129.03")     # 7/31 × 36,000
    assert october.line_amount("disinfection", Q4) == o.Money("75870.97")  # 22/31 × 28,000 + 2 m
    assert october.line_amount("property", Q4) == o.Money("360000.00")
    assert october.period_amount(Q4) == o.Money("459677.42")
    assert Timeline(contract()).period_amount(Q4) == o.Money("522000.00")


def test_october_2022_monthly_fees_add_up_to_the_quarter(october: Timeline) -> None:
    months = [o.Period.month(2022, m).range for m in (10, 11, 12)]
    assert [october.line_amount("gym", m) for m in months] == [
        o.Money("4064.52"), o.Money("0.00"), o.Money("11612.90")]
    assert [october.period_amount(m) for m in months] == [
        o.Money("152064.52"), o.Money("148000.00"), o.Money("159612.90")]
    assert sum(october.period_amount(m) for m in months) == october.period_amount(Q4)


def test_october_2022_saving_added_cost_and_headroom_to_the_fen(
    october: Timeline, nx: o.RuleBook
) -> None:
    r = cap_report(october, nx)
    assert r.original_amount == o.Money("2088000.00")
    assert r.limit == o.Money("208800.00")
    assert r.used == o.Money("75870.97")
    assert r.left == o.Money("132929.03")
    assert [(a.change_id, a.amount) for a in r.additions] == [("C3", o.Money("75870.97"))]
    assert [(s.change_id, s.line_id, s.amount, s.resumed_by) for s in r.savings] == [
        ("C1", "gym", o.Money("38322.58"), "C4"),
        ("C2", "conference", o.Money("99870.97"), None),
    ]
    assert r.saved == o.Money("138193.55")
    assert r.added_cost == o.Money("75870.97")
    assert r.amount == o.Money("2025677.42") == r.base_amount + r.added_cost - r.saved
    assert "第四十九条" in r.citation and "¥132,929.03" in r.render()


def test_october_2022_contract_in_force_and_segments(october: Timeline) -> None:
    assert [x.id for x in october.as_of(date(2022, 10, 9)).lines] == [
        "property", "gym", "conference"]
    assert october.suspended_on(date(2022, 10, 9)) == ("gym", "conference")
    assert october.as_of(date(2022, 10, 10)).line("disinfection").monthly_amount() == 28000
    assert october.suspended_on(date(2022, 12, 12)) == ("conference",)
    assert october.as_of(date(2022, 5, 1)) is october.contract
    segs = october.segments(Q4)
    assert [str(s.span) for s in segs] == [
        "2022-10-01..2022-10-07", "2022-10-08..2022-10-09", "2022-10-10..2022-12-11",
        "2022-12-12..2022-12-31"]
    assert [s.monthly for s in segs] == [174000, 120000, 148000, 166000]
    assert october.line_schedules()["gym"] == [
        (o.DateRange(date(2022, 1, 1), date(2022, 10, 7)), 18000),
        (o.DateRange(date(2022, 12, 12), date(2022, 12, 31)), 18000)]
    assert october.line_schedules()["conference"] == [
        (o.DateRange(date(2022, 1, 1), date(2022, 10, 7)), 36000)]
    assert set(october.all_lines()) == {"property", "gym", "conference", "disinfection"}
    assert october.contract == contract() and len(october.changes) == 4


def test_october_2022_closed_management_beyond_the_cap_names_article_49_and_amounts(
    october: Timeline, nx: o.RuleBook
) -> None:
    big = change("C5", AddLine(line("closed", "security", "70000.00")), date(2022, 10, 20),
                 date(2022, 12, 10))
    with pytest.raises(o.ChangeRejected) as exc:
        october.sign(big, nx, today=TODAY)
    msg = str(exc.value)
    assert "第四十九条" in msg
    assert "¥242,967.74" in msg and "¥2,088,000.00" in msg and "¥208,800.00" in msg
    assert exc.value.rule_id == "changes.supplementary_cap"
    assert exc.value.headroom_used == o.Money("75870.97")
    assert exc.value.headroom_left == o.Money("132929.03")
    assert cap_report(october, nx).used == o.Money("75870.97")


def test_example_script_applies_the_same_changes(nx: o.RuleBook) -> None:
    tl, refused = EXAMPLE["apply_emergency"](contract(), nx)
    assert tl.period_amount(Q4) == o.Money("459677.42")
    assert [c.status for c in tl.changes].count(ChangeStatus.REJECTED) == 1
    assert len(refused) == 1 and refused[0].rule_id == "changes.supplementary_cap"


# bad input ------------------------------------------------------------------------------------
def rejected(tl: Timeline, rb: o.RuleBook, c: Change) -> o.ChangeRejected:
    before = to_json(tl)
    with pytest.raises(o.ChangeRejected) as exc:
        tl.sign(c, rb, today=TODAY)
    assert to_json(tl) == before
    assert exc.value.change_id == c.id
    return exc.value


def test_change_to_an_unknown_line_is_rejected(october: Timeline, nx: o.RuleBook) -> None:
    e = rejected(october, nx, change("X", Suspend("canteen"), date(2022, 12, 20),
                                     date(2022, 12, 20)))
    assert "unknown line 'canteen'" in str(e) and e.field == "action.line_id"


def test_change_to_a_removed_line_says_it_is_gone(nx: o.RuleBook) -> None:
    tl = sign_all(Timeline(contract()), nx, [
        change("R", RemoveLine("gym"), date(2022, 10, 8), date(2022, 10, 9), "service_stopped")])
    e = rejected(tl, nx, change("X", Resume("gym"), date(2022, 11, 1), date(2022, 10, 20)))
    assert "no longer on the contract on 2022-11-01" in str(e)


def test_effective_date_outside_the_term_is_rejected(nx: o.RuleBook) -> None:
    e = rejected(Timeline(contract()), nx,
                 change("X", Suspend("gym"), date(2023, 1, 5), date(2022, 12, 20)))
    assert "outside the term 2022-01-01..2022-12-31" in str(e)
    assert e.field == "effective"


def test_overlapping_suspensions_of_one_line_are_rejected(october: Timeline,
                                                          nx: o.RuleBook) -> None:
    e = rejected(october, nx, change("X", Suspend("conference", until=date(2022, 12, 24)),
                                     date(2022, 12, 20), date(2022, 12, 20)))
    assert "overlaps the suspension 2022-10-08..(open) made by C2" in str(e)
    bounded = sign_all(Timeline(contract()), nx, [
        change("S", Suspend("gym", until=date(2022, 10, 31)), date(2022, 10, 8),
               date(2022, 10, 9))])
    e2 = rejected(bounded, nx, change("X", Suspend("gym"), date(2022, 10, 20),
                                      date(2022, 10, 21)))
    assert "overlaps the suspension 2022-10-08..2022-10-31" in str(e2)
    ok = bounded.sign(change("Y", Suspend("gym"), date(2022, 11, 1), date(2022, 10, 21)), nx,
                      today=TODAY)
    assert ok.line_schedules()["gym"][-1][0].end == date(2022, 10, 7)


def test_resume_with_no_suspension_is_rejected(october: Timeline, nx: o.RuleBook) -> None:
    e = rejected(october, nx, change("X", Resume("property"), date(2022, 12, 20),
                                     date(2022, 12, 20)))
    assert "line property is not suspended on 2022-12-20; nothing to resume" in str(e)
    e2 = rejected(october, nx, change("Y", Resume("gym"), date(2022, 12, 20),
                                      date(2022, 12, 20)))
    assert "not suspended" in str(e2)


def test_signing_out_of_order_or_in_the_future_is_rejected(october: Timeline,
                                                          nx: o.RuleBook) -> None:
    e = rejected(october, nx, change("X", Suspend("property"), date(2022, 12, 20),
                                     date(2022, 12, 1)))
    assert "before the previous change C4 signed on 2022-12-09" in str(e)
    e2 = rejected(october, nx, change("Y", Suspend("property"), date(2022, 12, 20),
                                      date(2023, 1, 2)))
    assert "after today 2022-12-31" in str(e2)
    e3 = rejected(Timeline(contract()), nx, change("Z", Suspend("gym"), date(2022, 1, 1),
                                                   date(2021, 12, 1)))
    assert "before the contract itself (2021-12-20)" in str(e3)


def test_addition_of_a_different_subject_matter_is_rejected(october: Timeline,
                                                           nx: o.RuleBook) -> None:
    lift = o.ServiceLine("lift", "elevator_maintenance", SITE,
                         o.UnitRate("850.00", Decimal(4), unit="台·月"))
    e = rejected(october, nx, change("X", AddLine(lift), date(2022, 12, 20), date(2022, 12, 20)))
    assert e.rule_id == "changes.same_subject_matter"
    assert "not the subject matter" in str(e) and "第四十九条" in str(e)
    assert "合同标的相同" in str(e)
    e2 = rejected(october, nx, change("Y", AddLine(line("x", "no_such_service", "1.00")),
                                      date(2022, 12, 20), date(2022, 12, 20)))
    assert "unknown service" in str(e2)


def test_effective_date_backdated_beyond_the_rule_is_rejected(nx: o.RuleBook) -> None:
    e = rejected(Timeline(contract()), nx,
                 change("X", Suspend("gym"), date(2022, 8, 1), date(2022, 10, 9)))
    assert e.rule_id == "changes.max_backdating_days"
    assert "69 days before it was signed (2022-10-09); at most 60 days" in str(e)


def test_unsigned_or_unapproved_change_cannot_be_signed(nx: o.RuleBook) -> None:
    e = rejected(Timeline(contract()), nx, change("X", Suspend("gym"), date(2022, 10, 8), None))
    assert "needs the date it is signed" in str(e)


# the rules ------------------------------------------------------------------------------------
def test_supplementary_cap_reductions_never_free_room(nx: o.RuleBook) -> None:
    # removing conference from 1 Oct saves ¥108,000.00, but the room stays ¥208,800.00
    tl = sign_all(Timeline(contract()), nx, [
        change("R", RemoveLine("conference"), date(2022, 10, 1), date(2022, 9, 28),
               "service_stopped"),
        change("A", AddLine(line("d1", "disinfection", "60000.00")), date(2022, 10, 1),
               date(2022, 9, 29)),
    ])
    assert tl.headroom_used == o.Money("180000.00")
    e = rejected(tl, nx, change("B", AddLine(line("d2", "cleaning", "15000.00")),
                                date(2022, 11, 1), date(2022, 10, 30)))
    assert "¥210,000.00 would exceed 10%" in str(e)
    assert cap_report(tl, nx).saved == o.Money("108000.00")
    # exactly up to the cap is allowed
    last = tl.sign(change("C", AddLine(line("d3", "cleaning", "14400.00")), date(2022, 11, 1),
                          date(2022, 10, 30)), nx, today=TODAY)
    assert cap_report(last, nx).left == o.Money("0.00")


def test_supplementary_cap_a_city_may_tighten(nx: o.RuleBook) -> None:
    five = nx.override("changes.supplementary_cap", Decimal("0.05"), citation="合同 第九条")
    add = change("A", AddLine(line("d", "disinfection", "28000.00")), date(2022, 10, 10),
                 date(2022, 10, 12))
    assert Timeline(contract()).sign(add, nx, today=TODAY).headroom_used == o.Money("75870.97")
    big = attrs.evolve(add, action=AddLine(line("d", "disinfection", "60000.00")))
    e = rejected(Timeline(contract()), five, big)
    assert "(cap ¥104,400.00)" in str(e) and e.citation == "合同 第九条"


def test_quantity_increase_valued_over_the_remaining_term(nx: o.RuleBook) -> None:
    tl = Timeline(contract()).sign(
        change("Q", ChangeLineQuantity("property", Decimal("1.05")), date(2022, 11, 1),
               date(2022, 10, 30), "volume_change"), nx, today=TODAY)
    assert tl.headroom_used == o.Money("12000.00")  # 6,000 a month × 2 months
    assert tl.line_amount("property", Q4) == o.Money("372000.00")
    down = tl.sign(change("D", ChangeLineQuantity("property", Decimal(1)), date(2022, 12, 1),
                          date(2022, 11, 30), "volume_change"), nx, today=TODAY)
    assert down.headroom_used == o.Money("12000.00")
    assert cap_report(down, nx).saved == o.Money("6000.00")


def test_price_change_needs_a_ground_that_allows_it(nx: o.RuleBook) -> None:
    up = ChangeLinePrice("property", o.Money("123600.00"))  # +3%
    e = rejected(Timeline(contract()), nx,
                 change("P", up, date(2022, 11, 1), date(2022, 10, 30), "volume_change"))
    assert e.rule_id == "changes.price_change_grounds" and "民法典 第五百三十三条" in str(e)
    e2 = rejected(Timeline(contract()), nx,
                  change("P", up, date(2022, 11, 1), date(2022, 10, 30), "price_change"))
    assert "no price-adjustment clause" in str(e2)
    with_clause = attrs.evolve(contract(), price_adjustment_clause="第十条 人工成本调价")
    ok = Timeline(with_clause).sign(
        change("P", up, date(2022, 11, 1), date(2022, 10, 30), "price_change"), nx, today=TODAY)
    assert ok.headroom_used == o.Money("7200.00")
    tax = Timeline(contract()).sign(
        change("T", up, date(2022, 11, 1), date(2022, 10, 30), "tax_change"), nx, today=TODAY)
    assert tax.line_amount("property", Q4) == o.Money("367200.00")


def test_price_increase_over_the_illustrative_cap_is_rejected(nx: o.RuleBook) -> None:
    e = rejected(Timeline(contract()), nx, change(
        "P", ChangeLinePrice("gym", o.Money("19800.01")), date(2022, 11, 1), date(2022, 10, 30),
        "changed_circumstances"))
    assert e.rule_id == "changes.max_price_increase" and "at most ¥19,800.00" in str(e)


def test_extension_within_the_term_limits_and_counted_against_the_cap(nx: o.RuleBook) -> None:
    ext = change("E", ChangeTerm(date(2023, 1, 31)), date(2022, 12, 1), date(2022, 11, 30),
                 "term_extension")
    e = rejected(Timeline(contract()), nx, ext)
    assert e.rule_id == "term.max_years_conditional" and "第二十四条" in str(e)
    stable = attrs.evolve(contract(), multi_year_conditions=set(o.model.MULTI_YEAR_CONDITIONS))
    tl = Timeline(stable).sign(ext, nx, today=TODAY)
    assert tl.term == o.DateRange(date(2022, 1, 1), date(2023, 1, 31))
    assert tl.headroom_used == o.Money("174000.00")
    assert tl.line_amount("gym", o.Period.month(2023, 1).range) == o.Money("18000.00")
    three = attrs.evolve(stable, term=o.DateRange(date(2022, 1, 1), date(2024, 12, 31)))
    e2 = rejected(Timeline(three), nx, attrs.evolve(ext, action=ChangeTerm(date(2025, 1, 31))))
    assert "over the 3-year maximum" in str(e2)


def test_termination_ends_the_term_and_supersedes_later_changes(nx: o.RuleBook) -> None:
    tl = sign_all(Timeline(contract()), nx, [
        change("S", Suspend("gym", until=date(2022, 12, 20)), date(2022, 12, 10),
               date(2022, 10, 1)),
        change("T", Terminate(), date(2022, 12, 1), date(2022, 10, 2), "service_stopped"),
    ])
    assert tl.term.end == date(2022, 11, 30) and tl.terminated
    assert tl.superseded == ("S",)
    assert tl.period_amount(Q4) == o.Money("348000.00")
    assert cap_report(tl, nx).saved == o.Money("174000.00")
    with pytest.raises(o.DateError):
        tl.as_of(date(2022, 12, 5))


def test_backdated_change_that_contradicts_a_later_one_is_rejected(nx: o.RuleBook) -> None:
    tl = Timeline(contract()).sign(
        change("P", ChangeLineQuantity("gym", Decimal(2)), date(2022, 12, 1), date(2022, 10, 1),
               "volume_change"), nx, today=TODAY)
    e = rejected(tl, nx, change("R", RemoveLine("gym"), date(2022, 11, 1), date(2022, 10, 5),
                                "service_stopped"))
    assert "conflicts with signed change P effective later" in str(e)


def test_whole_contract_suspension_and_resumption(nx: o.RuleBook) -> None:
    tl = sign_all(Timeline(contract()), nx, [
        change("S", Suspend(), date(2022, 11, 1), date(2022, 10, 30)),
        change("R", Resume(), date(2022, 11, 16), date(2022, 11, 15)),
    ])
    assert tl.period_amount(o.Period.month(2022, 11).range) == o.Money("87000.00")
    assert tl.suspended_on(date(2022, 11, 2)) == ("property", "gym", "conference")
    assert cap_report(tl, nx).savings[0].amount == o.Money("87000.00")


def test_plugin_check_change_hook_called_once_with_the_contract_in_force() -> None:
    calls: list[tuple[str, tuple[str, ...]]] = []

    class Strict:
        @o.hookimpl
        def outsourcing_check_change(self, contract: o.Contract, change: Change,
                                     rulebook: o.RuleBook) -> list[Finding]:
            calls.append((change.id, tuple(x.id for x in contract.lines)))
            if isinstance(change.action, AddLine):
                return [Finding("city.no_additions", "no additions in this city",
                                rule_id="city.rule", citation="某市规定 第三条")]
            return []

    rb = o.load(extra=[("strict", Strict())]).rulebook("NX")
    tl = Timeline(contract()).sign(
        change("S", Suspend("gym"), date(2022, 10, 8), date(2022, 10, 9)), rb, today=TODAY)
    e = rejected(tl, rb, change("A", AddLine(line("d", "disinfection", "1.00")),
                                date(2022, 10, 10), date(2022, 10, 12)))
    assert e.rule_id == "city.rule" and "某市规定 第三条" in str(e)
    assert calls == [("S", ("property", "gym", "conference")),
                     ("A", ("property", "gym", "conference"))]


def test_history_keeps_pending_signed_and_rejected_changes(nx: o.RuleBook) -> None:
    tl = Timeline(contract()).propose(
        change("S", Suspend("gym"), date(2022, 10, 8), None)).propose(
        change("A", AddLine(line("lift", "elevator_maintenance", "1.00")), date(2022, 10, 8),
               None))
    assert [c.id for c in tl.pending] == ["S", "A"]
    tl = tl.sign("S", nx, today=TODAY, signed_on=date(2022, 10, 9), approved_by="局长")
    findings = tl.check("A", nx, today=TODAY, signed_on=date(2022, 10, 9), approved_by="局长")
    assert [f.code for f in findings] == ["change.different_subject_matter"]
    tl = tl.reject("A", findings[0].message)
    assert [(c.id, c.status.value) for c in tl.changes] == [("S", "signed"), ("A", "rejected")]
    assert tl.pending == () and tl.signed[0].approved_by == "局长"
    with pytest.raises(o.ModelError):
        tl.sign("A", nx, today=TODAY)


def test_changes_and_timelines_round_trip_through_json(october: Timeline) -> None:
    actions: list[Action] = [
        AddLine(line("d", "disinfection", "28000.00")), RemoveLine("gym"),
        ChangeLinePrice("gym", o.Money("18500.00")), ChangeLineQuantity("gym", Decimal("2")),
        Suspend("gym", until=date(2022, 11, 30)), Suspend(), Resume("gym"),
        ChangeTerm(date(2023, 3, 31)), Terminate(),
    ]
    for a in actions:
        c = change("X", a, date(2022, 10, 8), date(2022, 10, 9))
        assert from_json(to_json(c), Change) == c
    back = from_json(to_json(october), Timeline)
    assert back == october and back.line_schedules() == october.line_schedules()


def test_change_json_with_an_unknown_action_kind_is_a_clear_error() -> None:
    text = to_json(change("X", Suspend("gym"), date(2022, 10, 8), date(2022, 10, 9)))
    with pytest.raises(o.SerializationError, match="unknown change action"):
        from_json(text.replace('"suspend"', '"pause"'), Change)


def test_docs_changes_page_shows_the_worked_example_figures(nx: o.RuleBook) -> None:
    text = (ROOT / "docs" / "changes.md").read_text(encoding="utf-8")
    tl, refused = EXAMPLE["apply_emergency"](contract(), nx)
    r = cap_report(tl, nx)
    figures = [r.limit, r.used, r.left, r.saved, r.added_cost, r.amount,
               tl.period_amount(Q4), *(s.amount for s in r.savings),
               *(tl.line_amount(x, Q4) for x in tl.all_lines())]
    for m in figures:
        assert m.format() in text, m
    assert str(refused[0]).split("rejected: ")[1][:60].replace("\n", " ") in \
        " ".join(text.split())


def test_resuming_a_line_inside_a_whole_contract_suspension_says_so(nx: o.RuleBook) -> None:
    tl = Timeline(contract()).sign(change("S", Suspend(), date(2022, 11, 1), date(2022, 10, 30)),
                                   nx, today=TODAY)
    e = rejected(tl, nx, change("R", Resume("gym"), date(2022, 11, 10), date(2022, 11, 9)))
    assert "the whole contract is suspended by S: resume the contract" in str(e)
    seg = tl.segments(o.Period.month(2022, 11).range)[0]
    assert seg.running == () and seg.amount("gym") == 0
    assert tl.segments(o.Period.month(2022, 10).range)[0].amount("gym") == 18000
