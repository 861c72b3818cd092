"""General properties of settlement and rewards (hypothesis)."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from payment_cases import contract

import outsourcing as o
from outsourcing.performance import INCIDENT_LABELS
from outsourcing.settlement import inputs, prepare, settle_term
from outsourcing.settlement.compute import settle_readings
from outsourcing.settlement.record import to_record
from outsourcing.statement import LineStatus

KINDS = [k for k in INCIDENT_LABELS if k != "trapped_passengers"]
RB = o.load().rulebook("CN")
LINEAR = RB.override("payment.rate_rule", "linear_formula", citation="合同 第十条")


@st.composite
def months(draw: st.DrawFn) -> tuple[o.Contract, list[o.Assessment], o.RuleBook]:
    """A two-line contract over a few months with random scores, incidents and gaps."""
    fees = [f"{draw(st.integers(0, 200_000))}.{draw(st.integers(0, 99)):02d}" for _ in range(2)]
    n = draw(st.integers(1, 4))
    c = contract((("property", "property", fees[0]), ("cleaning", "cleaning", fees[1])),
                 start=date(2022, 13 - n, 1))
    out = []
    for m in range(13 - n, 13):
        period = o.Period.month(2022, m)
        for line in ("property", "cleaning"):
            if draw(st.integers(0, 9)) == 0:
                continue  # not assessed: a finding, fee withheld
            incidents = [o.Incident(draw(st.sampled_from(KINDS)),
                                    date(2022, m, draw(st.integers(1, 28))))
                         for _ in range(draw(st.integers(0, 6)))]
            sat = draw(st.integers(1, 50))
            sheet = o.ScoreSheet("inspection", [o.ScoreItem(
                "综合", 100, Decimal(draw(st.integers(0, 10000))) / 100)])
            survey = o.Survey("satisfaction", sat, draw(st.integers(0, sat)))
            metrics = ([o.Metric("repair_pass_rate", Decimal(draw(st.integers(0, 10000))) / 100)]
                       if line == "property" else [])
            out.append(o.Assessment(line, period, "考核小组", period.end, sheets=[sheet],
                                    surveys=[survey], metrics=metrics, incidents=incidents))
    return c, out, draw(st.sampled_from([RB, LINEAR]))


@settings(max_examples=40)
@given(months())
def test_payable_is_never_negative_nor_above_the_fee_and_deductions_respect_caps(
    case: tuple[o.Contract, list[o.Assessment], o.RuleBook],
) -> None:
    c, assessments, rb = case
    sts = settle_term(c, assessments, rb)
    for s in sts:
        assert s.payable >= o.Money.ZERO
        assert s.payable - s.released <= s.fee  # no bonus rule here
        assert s.payable == o.Money.sum(x.payable for x in s.lines)
        assert s.deductions == o.Money.sum(x.deductions_applied for x in s.lines)
        if s.total_cap is not None:
            assert s.deductions <= s.total_cap
        for x in s.lines:
            assert x.payable >= o.Money.ZERO
            assert x.deductions_applied <= x.performance_amount
            if x.line_cap is not None:
                assert x.deductions_capped <= x.line_cap
            if x.status is not LineStatus.ASSESSED:
                assert x.payable == x.released
                assert x.withheld == (x.fee if x.status is not LineStatus.NOT_RUNNING
                                      else o.Money.ZERO)
    # over the term every fen held back comes back or is still held
    total_paid = o.Money.sum(s.payable for s in sts)
    still_held = o.Money.sum(c_.held for c_ in sts[-1].carry.lines)
    assert still_held == o.Money.ZERO or any(x.status is not LineStatus.ASSESSED
                                             for x in sts[-1].lines)
    assert total_paid + still_held <= o.Money.sum(s.fee for s in sts)


@settings(max_examples=20)
@given(months())
def test_settlement_is_deterministic(case: tuple[o.Contract, list[o.Assessment], o.RuleBook]
                                     ) -> None:
    c, assessments, rb = case
    a = settle_term(c, assessments, rb)
    b = settle_term(c, list(reversed(assessments)), rb)
    assert a == b
    assert [s.to_json() for s in a] == [s.to_json() for s in b]


@settings(max_examples=20)
@given(months())
def test_the_compact_record_and_the_statement_agree(
    case: tuple[o.Contract, list[o.Assessment], o.RuleBook],
) -> None:
    c, assessments, rb = case
    pc = prepare(c, rb)
    prev = None
    for p in pc.periods:
        batch = [a for a in assessments if a.period == p]
        i = pc.period_index(p)
        readings, _, _ = inputs.readings(pc, i, batch)
        state, _ = inputs.state_from(pc, prev, i)
        rec = settle_readings(pc, i, readings, state)
        prev = pc.settle(p, batch, previous=prev)
        assert rec.payable == prev.payable.fen
        again = o.Statement(to_record(pc, rec), pc)
        assert again.carry == prev.carry
        assert [x.payable for x in again.lines] == [x.payable for x in prev.lines]
        assert [x.score for x in again.lines] == [x.score for x in prev.lines]


@st.composite
def ranked(draw: st.DrawFn) -> tuple[list[o.Statement], o.Money, o.RewardRule]:
    n = draw(st.integers(1, 6))
    out = []
    for k in range(n):
        c = contract((("canteen", "canteen", "30000.00"),), cid=f"NX-C-{k}")
        p = o.Period.month(2022, 10)
        a = o.Assessment("canteen", p, "考核小组", p.end, sheets=[o.ScoreSheet(
            "food_safety_inspection", [o.ScoreItem("检查", 100, draw(st.sampled_from(
                ["85", "90", "92.5", "95", "100"])))])],
            surveys=[o.Survey("satisfaction", 10, draw(st.integers(5, 10)))])
        out.append(prepare(c, RB).settle(p, [a]))
    pool = o.Money.from_fen(draw(st.integers(0, 10**8)))
    rule = o.RewardRule(method=draw(st.sampled_from(["rank", "score"])),
                        shares=draw(st.lists(st.sampled_from(["0.5", "0.3", "0.2", "0.1"]),
                                             min_size=1, max_size=4)),
                        min_score=draw(st.sampled_from(["0", "90", "97"])))
    return out, pool, rule


@settings(max_examples=40)
@given(ranked())
def test_reward_pool_splits_add_back_exactly(case: tuple[list[o.Statement], o.Money,
                                                         o.RewardRule]) -> None:
    statements, pool, rule = case
    split = o.competitive_rewards(statements, "canteen", pool, rule)
    assert o.Money.sum(e.amount for e in split.entries) + split.undistributed == pool
    assert all(e.amount >= o.Money.ZERO for e in split.entries)
    assert all(e.amount == o.Money.ZERO for e in split.entries if not e.eligible)
    ranked_ = [e for e in split.entries if e.eligible]
    assert all(a.score >= b.score for a, b in itertools.pairwise(ranked_)
               if a.score is not None and b.score is not None)


def test_rewards_by_rank_split_50_30_20_and_ties_share() -> None:
    def one(k: int, points: str) -> o.Statement:
        c = contract((("canteen", "canteen", "30000.00"),), cid=f"NX-C-{k}")
        p = o.Period.month(2022, 10)
        a = o.Assessment("canteen", p, "考核小组", p.end, sheets=[o.ScoreSheet(
            "food_safety_inspection", [o.ScoreItem("检查", 100, points)])],
            surveys=[o.Survey("satisfaction", 10, 10)])
        return prepare(c, RB).settle(p, [a])

    sts = [one(0, "85"), one(1, "100"), one(2, "95"), one(3, "60")]
    split = o.competitive_rewards(sts, "canteen", o.Money("10000.00"))
    by = {e.contract_id: e for e in split.entries}
    # two tied first (shares 50% + 30% split equally), then third; the 4th scores below 90
    assert by["NX-C-1"].amount == by["NX-C-2"].amount == o.Money("4000.00")
    assert by["NX-C-0"].amount == o.Money("2000.00") and by["NX-C-0"].rank == 3
    assert not by["NX-C-3"].eligible and by["NX-C-3"].amount == o.Money.ZERO
    assert split.undistributed == o.Money.ZERO
    assert "竞争性奖励" in split.render()


def test_rewards_refuse_statements_of_different_periods() -> None:
    c = contract((("canteen", "canteen", "30000.00"),))
    pc = prepare(c, RB)
    a = pc.settle("2022-01", [])
    b = pc.settle("2022-02", [])
    with pytest.raises(o.SettlementError, match="different periods"):
        o.competitive_rewards([a, b], "canteen", o.Money("100"))
