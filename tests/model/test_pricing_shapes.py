"""Pricing by the year, by the term and by area; a stated amount; one accrual rule."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import outsourcing as o
from outsourcing.changes import Change, ChangeLineQuantity, Rationale, Timeline, cap_report
from outsourcing.dates import PeriodKind, periods_between
from outsourcing.serialize import converter

P = o.Purchaser("P-1", "宁夏回族自治区机关事务管理局")
SME = o.Supplier("S-1", "宁夏某物业服务有限公司", "small")
THREE = {"budget_secured", "stable_continuous", "price_stable"}


def contract(lines: list[o.ServiceLine], start: date = date(2024, 1, 1),
             end: date = date(2024, 12, 31), **kw: object) -> o.Contract:
    return o.Contract("NX-2024-101", "自治区政府办公区物业服务", "CN", P, SME,
                      o.DateRange(start, end), lines, **kw)  # type: ignore[arg-type]


def line(pricing: o.model.Pricing, lid: str = "property") -> o.ServiceLine:
    return o.ServiceLine(lid, "property", "自治区政府办公区", pricing)


def months(c: o.Contract) -> list[o.Money]:
    return [c.line_amount(c.lines[0].id, p.range)
            for p in periods_between(c.term, PeriodKind.MONTH)]


# --- worked examples ---------------------------------------------------------------------

def test_three_year_contract_priced_per_year_has_original_amount_exactly_three_years_price(
    registry: o.PluginHost,
) -> None:
    c = contract([line(o.AnnualFee("1234567.89"))], end=date(2026, 12, 31),
                 multi_year_conditions=THREE, stated_amount="3703703.67",
                 signed_on=date(2023, 12, 20))
    assert c.original_amount == o.Money("3703703.67") == c.lines_amount
    rb = registry.rulebook("CN")
    assert c.check(rb) == []
    report = cap_report(Timeline(c), rb)
    assert report.limit == o.Money("370370.37")  # 10% of 3,703,703.67, half-up to the fen
    # allocate: 123,456,789 fen ÷ 12 = 10,288,065 r 9 → nine months of ¥102,880.66 first
    m = months(c)
    assert m[:9] == [o.Money("102880.66")] * 9 and m[9:12] == [o.Money("102880.65")] * 3
    assert o.Money.sum(m[:12]) == o.Money("1234567.89")


def test_a_rounded_monthly_fee_against_a_stated_amount_is_a_mismatch_finding(
    registry: o.PluginHost,
) -> None:
    c = contract([line(o.FixedMonthly("102880.66"))], end=date(2026, 12, 31),
                 multi_year_conditions=THREE, stated_amount="3703703.67")
    found = c.check(registry.rulebook("CN"))
    assert [f.code for f in found] == ["contract.amount_mismatch"]
    assert "¥3,703,703.76" in found[0].message and "¥0.09" in found[0].message
    assert c.original_amount == o.Money("3703703.67")  # the cap base is the stated amount


def test_equal_months_put_the_remainder_in_the_named_month() -> None:
    c = contract([line(o.AnnualFee("100000.07", split="equal_remainder",
                                   remainder_month=6))])
    m = months(c)
    # 10,000,007 fen ÷ 12 = 833,333 r 11: the named month gets 8,333.33 + 0.11
    assert m[5] == o.Money("8333.44") and set(m[:5] + m[6:]) == {o.Money("8333.33")}
    last = contract([line(o.AnnualFee("100000.07", split="equal_remainder"))],
                    start=date(2024, 7, 1), end=date(2025, 6, 30))
    assert months(last)[-1] == o.Money("8333.44")  # the last month of the contract year


def test_actual_365_quarters_of_a_leap_year_add_to_the_year_price_29_february_not_counted(
) -> None:
    c = contract([line(o.AnnualFee("500000.00", split="actual_365"))], schedule="quarterly")
    q = [c.line_amount("property", p.range)
         for p in periods_between(c.term, PeriodKind.QUARTER)]
    # 90, 91, 92, 92 days of 365 (February counts 28 days), cumulative rounding
    assert q == [o.Money("123287.67"), o.Money("124657.54"), o.Money("126027.39"),
                 o.Money("126027.40")]
    assert o.Money.sum(q) == o.Money("500000.00")
    # a part month is the price × days ÷ 365: 10 days of March
    assert c.line_amount("property", o.DateRange(date(2024, 3, 1), date(2024, 3, 10))) == \
        o.Money("13698.63")


def test_actual_365_read_literally_counts_29_february_and_the_stated_amount_shows_it(
    registry: o.PluginHost,
) -> None:
    c = contract([line(o.AnnualFee("500000.00", split="actual_365", count_leap_day=True))],
                 stated_amount="500000.00")
    assert c.lines_amount == o.Money("501369.86")  # 366/365 of the price
    assert [f.code for f in c.check(registry.rulebook("CN"))] == ["contract.amount_mismatch"]


def test_actual_365_with_a_30_360_day_count_is_refused() -> None:
    with pytest.raises(o.ModelError) as exc:
        contract([line(o.AnnualFee("1", split="actual_365"))], day_count="30/360")
    assert exc.value.code == "model.day_count_conflict"
    assert exc.value.field == "lines[0].pricing.split"


def test_area_change_mid_month_is_pro_rata_to_the_day(registry: o.PluginHost) -> None:
    c = contract([line(o.AreaRate("12000", "3.50"))], signed_on=date(2023, 12, 25))
    assert c.original_amount == o.Money("504000.00")
    rb = registry.rulebook("CN")
    tl = Timeline(c).propose(Change(
        "C-1", ChangeLineQuantity("property", "12800"), Rationale.VOLUME_CHANGE,
        "新增办公区 800 m²", date(2024, 3, 16), "采购人")).sign(
        "C-1", rb, signed_on=date(2024, 3, 10), approved_by="局长", today=date(2024, 3, 10))
    m = [tl.line_amount("property", p.range) for p in periods_between(c.term, PeriodKind.MONTH)]
    # March: 42,000 × 15/31 + 44,800 × 16/31 = 43,445.161…
    assert m[:4] == [o.Money("42000.00"), o.Money("42000.00"), o.Money("43445.16"),
                     o.Money("44800.00")]
    assert tl.amount == o.Money("530645.16") == o.Money.sum(m)
    assert tl.headroom_used == o.Money("26645.16")
    sts = o.settle_term(tl, [], rb)
    assert sts[2].fee == o.Money("43445.16")


def test_area_rate_per_year_splits_the_year_like_an_annual_fee() -> None:
    c = contract([line(o.AreaRate("1000.5", "42.00", per="year"))])
    assert c.original_amount == o.Money("42021.00")
    assert months(c)[0] == o.Money("3501.75")


def test_term_total_spreads_the_total_over_its_months() -> None:
    term = o.DateRange(date(2024, 3, 1), date(2025, 2, 28))
    c = contract([line(o.TermTotal("286500.05", term))], start=term.start, end=term.end)
    assert c.original_amount == o.Money("286500.05")
    assert months(c)[0] == o.Money("23875.00")


def test_two_lines_of_100_05_over_half_a_month_pay_100_05_not_100_06() -> None:
    c = contract([line(o.FixedMonthly("100.05"), "a"), line(o.FixedMonthly("100.05"), "b")],
                 start=date(2024, 4, 1), end=date(2024, 4, 15))
    assert c.original_amount == o.Money("100.05")
    # b is its own cumulative rounding (50.025 → 50.03); a, the main line (the first of
    # equals), absorbs the contract's rounding difference (尾差计入主项目)
    assert (c.line_amount("a"), c.line_amount("b")) == (o.Money("50.02"), o.Money("50.03"))
    sts = o.settle_term(c, [], o.load().rulebook("CN"))
    assert o.Money.sum(s.fee for s in sts) == o.Money("100.05")


def test_new_pricing_kinds_round_trip_through_json() -> None:
    for p in (o.AnnualFee("120000.01", split="equal_remainder", remainder_month=12),
              o.AreaRate("1000.5", "3.20", per="year", split="actual_365"),
              o.TermTotal("360000", o.DateRange(date(2024, 1, 1), date(2026, 12, 31)))):
        assert converter.structure(converter.unstructure(p, o.model.Pricing),
                                   o.model.Pricing) == p


def test_a_bad_month_split_names_the_field() -> None:
    with pytest.raises(o.ModelError) as exc:
        o.AnnualFee("1", split="quarterly")
    assert exc.value.field == "split" and exc.value.code == "model.month_split"
    with pytest.raises(o.ModelError) as exc:
        o.AnnualFee("1", split="equal_remainder", remainder_month=13)
    assert exc.value.field == "remainder_month"


# --- properties ------------------------------------------------------------------------

@given(fen=st.integers(0, 10**10), years=st.integers(1, 3),
       start=st.dates(date(2023, 1, 1), date(2025, 12, 31)),
       split=st.sampled_from(["allocate", "equal_remainder", "actual_365"]),
       named=st.one_of(st.none(), st.integers(1, 12)))
def test_months_of_any_yearly_price_add_back_to_price_times_years(
    fen: int, years: int, start: date, split: str, named: int | None,
) -> None:
    from dateutil.relativedelta import relativedelta
    # a term from 29 February ends on 27 February a year on (the anniversary is the 28th):
    # 364 days that NL/365 counts, not a whole year — its own test below
    assume(not (split == "actual_365" and (start.month, start.day) == (2, 29)))
    price = o.Money.from_fen(fen)
    end = start + relativedelta(years=years) - timedelta(days=1)
    c = contract([line(o.AnnualFee(price, split=split, remainder_month=named))], start, end)
    m = months(c)
    assert o.Money.sum(m) == o.Money.from_fen(fen * years) == c.original_amount
    for y in range(years):  # every contract year, whatever day it starts
        year = o.DateRange(start + relativedelta(years=y),
                           start + relativedelta(years=y + 1) - timedelta(days=1))
        assert c.line_amount("property", year) == price
    if start.day == 1:
        for y in range(years):
            assert o.Money.sum(m[12 * y:12 * y + 12]) == price


def test_a_year_from_29_february_under_nl_365_pays_its_364_counted_days() -> None:
    # 2024-02-29 – 2025-02-27: 365 calendar days, one of them 29 February, which NL/365
    # does not count; ¥1.83 × 364 / 365 = ¥1.82498… → ¥1.82, and ¥365.00 × 364 / 365 = ¥364.00
    for price, paid in (("1.83", "1.82"), ("365.00", "364.00")):
        c = contract([line(o.AnnualFee(price, split="actual_365"))], start=date(2024, 2, 29),
                     end=date(2025, 2, 27))
        assert c.original_amount == o.Money(paid)
        assert o.Money.sum(months(c)) == o.Money(paid)


def test_a_contract_year_from_mid_month_has_contract_months_pro_rata_to_their_days() -> None:
    # 15 March – 14 April is the first contract month: ¥10,000.01 of a ¥120,000.12 year
    c = contract([line(o.AnnualFee("120000.12"))], start=date(2024, 3, 15),
                 end=date(2025, 3, 14))
    assert c.original_amount == o.Money("120000.12")
    # March 2024: 17 of the first contract month's 31 days
    assert c.line_amount("property", o.DateRange(date(2024, 3, 1), date(2024, 3, 31))) == \
        o.Money("5483.88")
    assert c.line_amount("property", o.DateRange(date(2024, 3, 15), date(2024, 4, 14))) == \
        o.Money("10000.01")


@st.composite
def cuts(draw: st.DrawFn, term: o.DateRange) -> list[o.DateRange]:
    n = draw(st.integers(0, 8))
    days = sorted(set(draw(st.lists(st.integers(1, term.days - 1), min_size=n, max_size=n))))
    points = [term.start] + [term.start + timedelta(days=d) for d in days] + \
        [term.end + timedelta(days=1)]
    return [o.DateRange(a, b - timedelta(days=1)) for a, b in itertools.pairwise(points)]


PRICINGS = st.one_of(
    st.builds(o.FixedMonthly, st.integers(0, 10**7).map(o.Money.from_fen)),
    st.builds(o.AnnualFee, st.integers(0, 10**9).map(o.Money.from_fen),
              split=st.sampled_from(["allocate", "equal_remainder", "actual_365"])),
    st.builds(o.AreaRate, st.integers(1, 50000).map(Decimal),
              st.integers(1, 5000).map(o.Money.from_fen)),
)


@given(data=st.data(), pricings=st.lists(PRICINGS, min_size=1, max_size=4),
       start=st.dates(date(2023, 1, 1), date(2025, 12, 31)), length=st.integers(10, 800))
def test_any_cut_of_the_term_adds_back_to_the_term_total_for_contract_and_timeline(
    data: st.DataObject, pricings: list[o.model.Pricing], start: date, length: int,
) -> None:
    term = o.DateRange(start, start + timedelta(days=length))
    c = contract([line(p, f"l{i}") for i, p in enumerate(pricings)], term.start, term.end)
    tl = Timeline(c)
    pieces = data.draw(cuts(term))
    for lid in (x.id for x in c.lines):
        whole = c.line_amount(lid)
        assert o.Money.sum(c.line_amount(lid, p) for p in pieces) == whole
        assert o.Money.sum(tl.line_amount(lid, p) for p in pieces) == whole
        assert tl.line_amount(lid) == whole
    assert o.Money.sum(c.line_amount(x.id) for x in c.lines) == c.lines_amount == tl.amount
    assert o.Money.sum(tl.period_amount(p) for p in pieces) == tl.amount


@given(pricings=st.lists(PRICINGS, min_size=1, max_size=3),
       area=st.integers(1, 40000).filter(lambda a: a != 10000),  # 10000: not a change
       day=st.integers(1, 27), month=st.integers(2, 11))
def test_statements_never_pay_more_over_the_term_than_the_contract_plus_signed_changes(
    pricings: list[o.model.Pricing], area: int, day: int, month: int,
) -> None:
    rb = o.load().rulebook("CN")
    c = contract([line(p, f"l{i}") for i, p in enumerate(pricings)]
                 + [line(o.AreaRate("10000", "3.50"), "area")], signed_on=date(2023, 12, 1))
    tl = Timeline(c).propose(Change(
        "C-1", ChangeLineQuantity("area", str(area)), Rationale.VOLUME_CHANGE, "面积变更",
        date(2024, month, day), "采购人"))
    try:
        tl = tl.sign("C-1", rb, signed_on=date(2024, month, 1), approved_by="局长",
                     today=date(2024, month, 1))
    except o.ChangeRejected as exc:
        assert exc.rule_id == "changes.supplementary_cap"  # refused only by the 10% cap
        return
    sts = o.settle_term(tl, [], rb)
    fees = o.Money.sum(s.fee for s in sts)
    assert fees == tl.amount <= c.original_amount + tl.headroom_used
    assert o.Money.sum(s.payable + s.withheld for s in sts) <= fees


@given(pricings=st.lists(PRICINGS, min_size=2, max_size=4), day=st.integers(1, 28),
       month=st.integers(2, 10), back=st.integers(1, 2))
def test_only_the_main_line_absorbs_rounding_and_a_suspended_line_is_paid_nothing(
    pricings: list[o.model.Pricing], day: int, month: int, back: int,
) -> None:
    from outsourcing.accrual import main_line, period_amounts
    from outsourcing.changes import Resume, Suspend
    rb = o.load().rulebook("CN")
    c = contract([line(p, f"l{i}") for i, p in enumerate(pricings)],
                 signed_on=date(2023, 12, 1))
    sched = Timeline(c).line_schedules()
    main = list(sched)[main_line(list(sched.values()))]
    other = next(x for x in sched if x != main)
    tl = Timeline(c)
    for cid, action, on in (("C-1", Suspend(other), date(2024, month, day)),
                            ("C-2", Resume(other), date(2024, month + back, 1))):
        tl = tl.propose(Change(cid, action, Rationale.FORCE_MAJEURE, "疫情封控", on, "采购人"))
        tl = tl.sign(cid, rb, signed_on=on, approved_by="局长", today=on)
    months_ = [p.range for p in periods_between(c.term, PeriodKind.MONTH)]
    own = period_amounts(tl.line_schedules()[other], months_)
    assert [tl.line_amount(other, m) for m in months_] == own
    for k in range(month, month + back - 1):  # whole months suspended
        assert own[k] == o.Money.ZERO
    assert o.Money.sum(tl.line_amount(x) for x in sched) == tl.amount


def test_runs_merge_by_one_rule_for_a_pricing_and_for_a_line_across_changes() -> None:
    from fractions import Fraction

    from outsourcing.changes import derived, replay
    from outsourcing.pricing import merge_run

    runs: list[tuple[o.DateRange, Fraction]] = []
    merge_run(runs, o.DateRange(date(2024, 1, 1), date(2024, 1, 31)), Fraction(100))
    merge_run(runs, o.DateRange(date(2024, 2, 1), date(2024, 2, 29)), Fraction(100))
    merge_run(runs, o.DateRange(date(2024, 3, 2), date(2024, 3, 31)), Fraction(100))  # a gap
    merge_run(runs, o.DateRange(date(2024, 4, 1), date(2024, 4, 30)), Fraction(90))
    assert runs == [(o.DateRange(date(2024, 1, 1), date(2024, 2, 29)), Fraction(100)),
                    (o.DateRange(date(2024, 3, 2), date(2024, 3, 31)), Fraction(100)),
                    (o.DateRange(date(2024, 4, 1), date(2024, 4, 30)), Fraction(90))]
    # the timeline's schedules merge with the same function, not a copy of it
    assert derived.merge_run is merge_run and replay.merge_run is merge_run
