"""General properties of bid evaluation (hypothesis)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs
from hypothesis import given
from hypothesis import strategies as st

import outsourcing as o
from outsourcing.procurement import (
    Bid,
    EvaluationMethod,
    EvaluationReport,
    Factor,
    ScoringScheme,
    Tender,
    TenderLine,
    evaluate,
)

REGISTRY = o.load()
RB = REGISTRY.rulebook("NX")
TERM = o.DateRange(date(2023, 1, 1), date(2023, 12, 31))
SIZES = ("large", "medium", "small", "micro")

bid_data = st.tuples(
    st.integers(min_value=100_000, max_value=3_000_000),  # monthly fee in fen
    st.sampled_from(SIZES),
    st.integers(min_value=0, max_value=100),  # technical points, % of full marks
    st.booleans(),  # the bid carries the SME declaration (an SME only)
)


@st.composite
def tenders(draw: st.DrawFn) -> tuple[Tender, list[Bid]]:
    weighted = draw(st.booleans())
    price_pct = draw(st.integers(min_value=10, max_value=90))
    scheme = ScoringScheme(Decimal(price_pct) / 100,
                           [Factor("technical", "技术方案", Decimal(100 - price_pct) / 100)])
    rate = Decimal(draw(st.integers(min_value=10, max_value=20))) / 100
    tender = Tender(
        id="T", title="物业服务", purchaser=o.Purchaser("P", "某机关事务管理局"),
        jurisdiction="NX", lines=[TenderLine("property", "property", "办公区")], term=TERM,
        budget=o.Money("5000000"), ceiling=o.Money("300000"), evaluated_on=date(2023, 1, 1),
        evaluation=EvaluationMethod.WEIGHTED_SCORE if weighted else
        EvaluationMethod.LOWEST_PRICE, scoring=scheme if weighted else None,
        sme_deduction=rate)
    rows = draw(st.lists(bid_data, min_size=3, max_size=6))
    full = scheme.factors[0].full_marks
    bids = [Bid(f"B{i}", o.Supplier(f"S{i}", f"公司{i}", size),
                {"property": o.FixedMonthly(o.Money.from_fen(fen))},
                {"technical": [full * pts / 100]} if weighted else {},
                sme_declaration=declares and size != "large")
            for i, (fen, size, pts, declares) in enumerate(rows)]
    return tender, bids


def _ranks(report: EvaluationReport) -> dict[str, float]:
    return {e.bid.id: float("inf") if e.rank is None else e.rank for e in report.evaluations}


@given(tenders())
def test_every_price_score_lies_between_zero_and_the_weight_times_100(
    case: tuple[Tender, list[Bid]],
) -> None:
    tender, bids = case
    report = evaluate(tender, bids, RB)
    if tender.scoring is None:
        assert all(e.price_score is None for e in report.evaluations)
        return
    top = tender.scoring.price_weight * 100
    for e in report.ranked:
        assert e.price_score is not None
        assert Decimal(0) <= e.price_score.value <= top
    if report.benchmark is not None:
        assert max(e.price_score.value for e in report.ranked  # type: ignore[union-attr]
                   ) == top


@given(tenders())
def test_the_lowest_evaluated_price_scores_the_most(case: tuple[Tender, list[Bid]]) -> None:
    tender, bids = case
    report = evaluate(tender, bids, RB)
    if not report.ranked:
        return
    lowest = min(e.evaluated_price.value for e in report.ranked)  # type: ignore[union-attr]
    assert report.benchmark is not None and report.benchmark.value == lowest
    if tender.scoring is None:  # 最低评标价法: the first ranked has the lowest evaluated price
        assert report.ranked[0].evaluated_price.value == lowest  # type: ignore[union-attr]
        return
    for e in report.ranked:
        if e.evaluated_price.value == lowest:  # type: ignore[union-attr]
            assert all(e.price_score.value >= x.price_score.value  # type: ignore[union-attr]
                       for x in report.ranked)


@given(tenders(), st.data())
def test_raising_ones_own_price_never_raises_ones_rank(
    case: tuple[Tender, list[Bid]], data: st.DataObject,
) -> None:
    tender, bids = case
    i = data.draw(st.integers(min_value=0, max_value=len(bids) - 1))
    extra = data.draw(st.integers(min_value=1, max_value=1_000_000))
    fee = bids[i].price_of("property")
    assert isinstance(fee, o.FixedMonthly)
    raised = list(bids)
    raised[i] = attrs.evolve(bids[i], prices=(
        ("property", o.FixedMonthly(o.Money.from_fen(fee.monthly_fee.fen + extra))),))
    before = _ranks(evaluate(tender, bids, RB))[bids[i].id]
    after = _ranks(evaluate(tender, raised, RB))[bids[i].id]
    assert after >= before
