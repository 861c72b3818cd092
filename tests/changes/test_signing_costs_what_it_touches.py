"""Signing a change costs what it touches (issue 15).

A timeline signed change by change and the same changes replayed at once derive the same
schedules, lines, term and amount; both equal the reference: every line's schedule cut at
every day anything changes (:func:`outsourcing.changes.replay.schedules_and_segments`) and
the amount by the one accrual rule over them (:func:`outsourcing.accrual.contract_span_amount`).
Signing a change to one line recomputes that line's schedule only, however many changes came
before; ``as_of`` and ``segments`` find their answer by binary search.
"""

from __future__ import annotations

import bisect
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_changes_properties import FAR, histories

import outsourcing as o
from outsourcing.accrual import contract_span_amount
from outsourcing.changes import (
    Change,
    ChangeLinePrice,
    RemoveLine,
    Resume,
    Suspend,
    Timeline,
)
from outsourcing.changes.replay import State, replay, schedules_and_segments


@pytest.fixture(scope="module")
def rb(registry: o.PluginHost) -> o.RuleBook:
    return registry.rulebook("NX")


def _reference(tl: Timeline) -> tuple[dict[str, Any], o.Money]:
    """Each line's schedule and the amount, from every snapshot at once (the old way)."""
    snaps, _ = replay(State(tl.contract.term, tl.contract.lines), tl.signed)
    ids = list(tl.all_lines())
    sched, _ = schedules_and_segments(snaps, ids, tl.contract.day_count)
    ends = [s[-1][0].end for s in sched.values() if s]
    amount = o.Money.ZERO if not ends else contract_span_amount(
        sched, o.DateRange(tl.contract.term.start, max(ends)), tl.contract.day_count)
    return sched, amount


@given(data=st.data())
def test_a_timeline_signed_change_by_change_equals_the_reference_and_one_built_at_once(
    rb: o.RuleBook, data: st.DataObject
) -> None:
    _, seen = data.draw(histories(rb))
    for tl in seen:
        sched, amount = _reference(tl)
        assert tl.line_schedules() == sched
        assert tl.amount == amount
        at_once = Timeline(tl.contract, tl.changes, tl.pending)
        assert at_once.line_schedules() == tl.line_schedules()
        assert list(at_once.line_schedules()) == list(tl.line_schedules())
        assert at_once.all_lines() == tl.all_lines()
        assert at_once.term == tl.term and at_once.superseded == tl.superseded
        assert at_once.amount == tl.amount
        assert at_once.segments() == tl.segments()
        assert at_once.effects() == tl.effects()


@given(data=st.data())
def test_as_of_and_segments_equal_a_linear_scan(rb: o.RuleBook, data: st.DataObject) -> None:
    tl, _ = data.draw(histories(rb))
    snaps, _ = replay(State(tl.contract.term, tl.contract.lines), tl.signed)
    day = tl.term.start + timedelta(days=data.draw(st.integers(0, tl.term.days - 1)))
    in_force = [s for s in snaps if s.start <= day][-1].state
    assert tl.as_of(day).lines == in_force.lines
    span = o.DateRange(day, day + timedelta(days=data.draw(st.integers(0, 90))))
    linear = [s for s in tl.segments() if s.span.overlap(span) is not None]
    got = tl.segments(span)
    assert [s.running for s in got] == [s.running for s in linear]
    assert [s.span for s in got] == [s.span.overlap(span) for s in linear]


def _big(n: int) -> o.Contract:
    lines = [o.ServiceLine(f"L{i:03d}", "property", f"办公区{i}", o.FixedMonthly("1000.00"))
             for i in range(n)]
    return o.Contract(
        id="H-BIG", title="大合同", jurisdiction="NX",
        purchaser=o.Purchaser("P", "机关事务管理局"), supplier=o.Supplier("S", "某公司", "small"),
        term=o.DateRange(date(2022, 1, 1), date(2024, 12, 31)), lines=lines,
        signed_on=date(2021, 12, 1), price_adjustment_clause="第十条")


def _change(cid: str, action: Any, effective: date, rationale: str = "tax_change") -> Change:
    return Change(cid, action, rationale, "调整", effective, "采购人",
                  signed_on=effective, approved_by="局长")


def test_signing_a_line_change_recomputes_that_line_only_whatever_came_before(
    rb: o.RuleBook, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    original = o.ServiceLine.schedule

    def counted(self: o.ServiceLine, *args: Any) -> Any:
        calls.append(self.id)
        return original(self, *args)

    tl = Timeline(_big(60))
    start = date(2022, 1, 3)
    monkeypatch.setattr(o.ServiceLine, "schedule", counted)
    per_signature = []
    for k in range(40):
        calls.clear()
        lid = f"L{k:03d}"
        tl = tl.sign(_change(f"C{k}", ChangeLinePrice(lid, "990.00"),
                             start + timedelta(days=7 * k)), rb, today=FAR)
        per_signature.append(set(calls))
    # the 1st and the 40th signature alike compute the schedule of the line they change
    assert per_signature[0] == {"L000"} and per_signature[-1] == {"L039"}
    assert all(len(s) == 1 for s in per_signature)
    assert tl.line_schedules()["L039"][-1][1] == 990


def test_a_change_to_the_whole_contract_recomputes_every_line(
    rb: o.RuleBook, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    original = o.ServiceLine.schedule

    def counted(self: o.ServiceLine, *args: Any) -> Any:
        calls.append(self.id)
        return original(self, *args)

    tl = Timeline(_big(5)).sign(_change("C1", RemoveLine("L004"), date(2022, 3, 1),
                                        "service_stopped"), rb, today=FAR)
    monkeypatch.setattr(o.ServiceLine, "schedule", counted)
    tl = tl.sign(_change("C2", Suspend(None), date(2022, 10, 8), "force_majeure"), rb,
                 today=FAR)
    tl = tl.sign(_change("C3", Resume(None), date(2022, 10, 12), "force_majeure"), rb,
                 today=FAR)
    # the open suspension leaves no day to compute; the resumption computes each line in
    # force once, from its first day; the line removed in March is not computed again
    assert sorted(calls) == ["L000", "L001", "L002", "L003"]
    # four lines for 36 months, the fifth for two; four days closed on four lines
    assert tl.amount == o.Money("146000.00") - o.Money.round(
        4 * 4 * o.Money("1000.00").exact() / 31)
    assert tl.amount == o.Money("145483.87")


def test_a_change_effective_before_a_later_one_replays_and_agrees(rb: o.RuleBook) -> None:
    base = Timeline(_big(3))
    late = Change("C1", ChangeLinePrice("L000", "900.00"), "tax_change", "调价",
                  date(2022, 9, 1), "采购人", signed_on=date(2022, 8, 20), approved_by="局长")
    early = Change("C2", Suspend("L000", until=date(2022, 7, 31)), "force_majeure", "停用",
                   date(2022, 7, 1), "采购人", signed_on=date(2022, 8, 25), approved_by="局长")
    tl = base.sign(late, rb, today=FAR).sign(early, rb, today=FAR)
    assert tl.line_schedules() == _reference(tl)[0]
    assert tl.amount == _reference(tl)[1]
    assert [r for r, _ in tl.line_schedules()["L000"]] == [
        o.DateRange(date(2022, 1, 1), date(2022, 6, 30)),
        o.DateRange(date(2022, 8, 1), date(2022, 8, 31)),
        o.DateRange(date(2022, 9, 1), date(2024, 12, 31))]


def test_as_of_searches_the_snapshots_by_bisection(rb: o.RuleBook,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    tl = Timeline(_big(3))
    for k in range(20):
        tl = tl.sign(_change(f"C{k}", ChangeLinePrice("L001", f"{1000 + k + 1}.00"),
                             date(2022, 2, 1) + timedelta(days=30 * k)), rb, today=FAR)
    seen: list[int] = []
    real = bisect.bisect_right

    def counting(a: Any, x: Any, *args: Any, **kw: Any) -> int:
        seen.append(len(a))
        return real(a, x, *args, **kw)

    monkeypatch.setattr(bisect, "bisect_right", counting)
    assert tl.as_of(date(2023, 3, 15)).line("L001").pricing.monthly_fee == o.Money("1014.00")
    assert seen == [21]


def test_a_line_and_the_contract_suspended_from_the_same_day_open_ended_pay_nothing_from_that_day(
    rb: o.RuleBook,
) -> None:
    # Two suspensions starting the same day, one with an end and one open: the days they
    # cover are ordered by start, an open end counting as the latest (no None compared).
    tl = Timeline(_big(2)).sign(
        _change("C1", Suspend("L000", until=date(2022, 10, 31)), date(2022, 10, 1),
                "force_majeure"), rb, today=FAR)
    tl = tl.sign(_change("C2", Suspend(None), date(2022, 10, 1), "force_majeure"), rb,
                 today=FAR)
    assert tl.line_schedules() == _reference(tl)[0]
    assert tl.amount == _reference(tl)[1]
    assert tl.amount == o.Money("18000.00")  # two lines × ¥1,000 × January–September
