"""Hypothesis properties of mid-term changes (issue 3).

Random contracts and random sequences of proposed changes, each signed or rejected:
(1) each line's monthly fees over the term add up to its daily fee × days over the segments,
    to the fen; (2) ``as_of`` any day equals replaying only the changes effective by then;
(3) no accepted sequence exceeds the cap, and a rejected change leaves everything as it was;
(4) cutting the term into months, quarters or one period gives the same total.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

import outsourcing as o
from outsourcing.accrual import period_amounts
from outsourcing.changes import (
    Action,
    AddLine,
    Change,
    ChangeLinePrice,
    ChangeLineQuantity,
    ChangeTerm,
    RemoveLine,
    Resume,
    Suspend,
    Terminate,
    Timeline,
    cap_report,
)
from outsourcing.dates import DayCount, PeriodKind, periods_between
from outsourcing.model import MULTI_YEAR_CONDITIONS
from outsourcing.serialize import to_json

SITE = "某办公区"
SERVICES = ["property", "cleaning", "gym_management", "conference", "disinfection", "security"]
FAR = date(2030, 1, 1)


@pytest.fixture(scope="module")
def rb(registry: o.PluginHost) -> o.RuleBook:
    return registry.rulebook("NX")


@st.composite
def pricings(draw: st.DrawFn) -> o.FixedMonthly | o.UnitRate:
    fen = draw(st.integers(0, 20_000_000))
    if draw(st.booleans()):
        return o.FixedMonthly(o.Money.from_fen(fen))
    qty = Decimal(draw(st.integers(1, 40)))
    return o.UnitRate(o.Money.from_fen(fen // 10), qty, unit="台·月")


@st.composite
def contracts(draw: st.DrawFn) -> o.Contract:
    start = date(2022, 1, 1) + timedelta(days=draw(st.integers(0, 364)))
    end = start + timedelta(days=draw(st.integers(40, 700)))
    n = draw(st.integers(1, 3))
    lines = [o.ServiceLine(f"L{i}", draw(st.sampled_from(SERVICES)), SITE, draw(pricings()))
             for i in range(n)]
    return o.Contract(
        id="H-1", title="随机合同", jurisdiction="NX",
        purchaser=o.Purchaser("P", "机关事务管理局"), supplier=o.Supplier("S", "某公司", "small"),
        term=o.DateRange(start, end), lines=lines,
        day_count=draw(st.sampled_from(list(DayCount))),
        multi_year_conditions=set(MULTI_YEAR_CONDITIONS), signed_on=start,
        price_adjustment_clause="第十条",
    )


def _day(draw: st.DrawFn, tl: Timeline) -> date:
    span = tl.term
    return span.start + timedelta(days=draw(st.integers(-5, span.days + 5)))


@st.composite
def actions(draw: st.DrawFn, tl: Timeline, n: int) -> tuple[Action, date | None]:
    """An action, and sometimes the effective date it is meant for."""
    paused = [(s, x) for s in tl.segments() for x in s.suspended if s.span.days > 1]
    if paused and draw(st.booleans()):
        seg, x = draw(st.sampled_from(paused))
        day = seg.span.start + timedelta(days=draw(st.integers(1, seg.span.days - 1)))
        return Resume(x), day
    return draw(_actions(tl, n)), None


@st.composite
def _actions(draw: st.DrawFn, tl: Timeline, n: int) -> Action:
    ids = [*tl.all_lines(), "nope"]
    lid = draw(st.sampled_from(ids))
    kind = draw(st.sampled_from(["add", "remove", "price", "qty", "suspend", "suspend_all",
                                 "resume", "resume_all", "term", "terminate"]))
    if kind == "add":
        return AddLine(o.ServiceLine(f"N{n}", draw(st.sampled_from(SERVICES)), SITE,
                                     draw(pricings())))
    if kind == "remove":
        return RemoveLine(lid)
    if kind == "price":
        return ChangeLinePrice(lid, o.Money.from_fen(draw(st.integers(0, 20_000_000))))
    if kind == "qty":
        return ChangeLineQuantity(lid, Decimal(draw(st.integers(0, 40))))
    if kind in ("suspend", "suspend_all"):
        until = _day(draw, tl) if draw(st.booleans()) else None
        return Suspend(lid if kind == "suspend" else None, until=until)
    if kind in ("resume", "resume_all"):
        return Resume(lid if kind == "resume" else None)
    if kind == "term":
        return ChangeTerm(tl.term.end + timedelta(days=draw(st.integers(-200, 60))))
    return Terminate()


@st.composite
def histories(draw: st.DrawFn, rb: o.RuleBook) -> tuple[Timeline, list[Timeline]]:
    """A timeline after random proposals; each proposal's outcome checked on the way."""
    tl = Timeline(draw(contracts()))
    signed_on = tl.contract.term.start
    seen = [tl]
    for n in range(draw(st.integers(1, 7))):
        action, meant = draw(actions(tl, n))
        signed_on = signed_on + timedelta(days=draw(st.integers(-3, 40)))
        near = signed_on + timedelta(days=draw(st.integers(-20, 60)))
        effective = meant or (near if draw(st.booleans()) else _day(draw, tl))
        signed_on = max(signed_on, effective - timedelta(days=draw(st.integers(0, 30))))
        rationale = draw(st.sampled_from(["force_majeure", "volume_change", "tax_change"]))
        c = Change(f"C{n}", action, rationale, "随机变更", effective, "采购人",
                   signed_on=signed_on, approved_by="局长")
        before = to_json(tl)
        try:
            tl = tl.sign(c, rb, today=FAR)
        except o.ChangeRejected:
            # (3) a rejected change leaves everything as it was
            assert to_json(tl) == before
            continue
        seen.append(tl)
    return tl, seen


def _weight(d: date, convention: DayCount) -> Fraction:
    """One day's share of its month's fee, computed day by day."""
    in_month = calendar.monthrange(d.year, d.month)[1]
    if convention is DayCount.ACTUAL:
        return Fraction(1, in_month)
    if d.day == 31:
        return Fraction(0)
    if d.day == in_month:
        return Fraction(30 - d.day + 1, 30)
    return Fraction(1, 30)


def _by_days(tl: Timeline, line_id: str) -> Fraction:
    total = Fraction(0)
    for seg in tl.segments():
        monthly = dict(seg.running).get(line_id)
        if monthly is None:
            continue
        d = seg.span.start
        while d <= seg.span.end:
            total += monthly * _weight(d, tl.contract.day_count)
            d += timedelta(days=1)
    return total


@given(data=st.data())
def test_monthly_fees_equal_daily_fee_times_days_over_the_segments(
    rb: o.RuleBook, data: st.DataObject
) -> None:
    tl, _ = data.draw(histories(rb))
    months = [p.range.overlap(tl.term) for p in periods_between(tl.term, PeriodKind.MONTH)]
    conv = tl.contract.day_count
    exact = Fraction(0)
    for lid, sched in tl.line_schedules().items():
        monthly = period_amounts(sched, [m for m in months if m], conv)
        assert sum(monthly, o.Money.ZERO) == o.Money.round(_by_days(tl, lid))
        exact += _by_days(tl, lid)
    # one accrual rule: the contract's amount is the lines' exact total rounded once
    assert tl.amount == o.Money.round(exact)
    assert sum((tl.line_amount(x) for x in tl.line_schedules()), o.Money.ZERO) == tl.amount


@given(data=st.data())
def test_as_of_equals_replaying_only_the_changes_effective_by_then(
    rb: o.RuleBook, data: st.DataObject
) -> None:
    tl, _ = data.draw(histories(rb))
    for _ in range(3):
        day = tl.term.start + timedelta(days=data.draw(st.integers(0, tl.term.days - 1)))
        replayed = Timeline(tl.contract, [c for c in tl.signed if c.effective <= day])
        assert tl.as_of(day) == replayed.as_of(day)
        assert tl.suspended_on(day) == replayed.suspended_on(day)


@given(data=st.data())
def test_no_accepted_sequence_exceeds_the_supplementary_cap(
    rb: o.RuleBook, data: st.DataObject
) -> None:
    tl, seen = data.draw(histories(rb))
    limit = tl.contract.original_amount * Decimal("0.10")
    for t in seen:
        r = cap_report(t, rb)
        assert r.used <= limit and r.left >= o.Money.ZERO and r.used + r.left == limit
        assert r.amount == r.base_amount + r.added_cost - r.saved
        # reductions never free room: the headroom used only grows
    used = [t.headroom_used for t in seen]
    assert used == sorted(used)


@given(data=st.data())
def test_months_quarters_or_one_period_give_the_same_total(
    rb: o.RuleBook, data: st.DataObject
) -> None:
    tl, _ = data.draw(histories(rb))

    def total(kind: PeriodKind | None) -> o.Money:
        if kind is None:
            return tl.period_amount(tl.term)
        parts = [p.range.overlap(tl.term) for p in periods_between(tl.term, kind)]
        return sum((tl.period_amount(p) for p in parts if p), o.Money.ZERO)

    assert total(PeriodKind.MONTH) == total(PeriodKind.QUARTER) == total(None) == tl.amount
