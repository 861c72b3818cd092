"""General properties of 竞争性磋商, 竞争性谈判 and 询价 evaluation (hypothesis): the lowest
responsive quote scores the full price weight, no score exceeds its weight, and a deduction
that is not claimed never changes a score."""

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
    ProcurementMethod,
    ScoringScheme,
    Tender,
    TenderLine,
    evaluate,
)

RB = o.load().rulebook("NX")
TERM = o.DateRange(date(2023, 1, 1), date(2023, 12, 31))
SIZES = ("large", "medium", "small", "micro")
METHODS = (ProcurementMethod.COMPETITIVE_CONSULTATION, ProcurementMethod.COMPETITIVE_NEGOTIATION,
           ProcurementMethod.INQUIRY)

bid_data = st.tuples(
    st.lists(st.integers(min_value=100_000, max_value=3_000_000), min_size=1, max_size=3),
    st.sampled_from(SIZES),
    st.integers(min_value=0, max_value=100),  # technical points, % of full marks
    st.booleans(),                            # carries the SME declaration (SMEs only)
)


@st.composite
def procurements(draw: st.DrawFn) -> tuple[Tender, list[Bid]]:
    method = draw(st.sampled_from(METHODS))
    weighted = method is ProcurementMethod.COMPETITIVE_CONSULTATION
    price_pct = draw(st.integers(min_value=10, max_value=30))  # the services band
    scheme = ScoringScheme(Decimal(price_pct) / 100,
                           [Factor("technical", "技术方案", Decimal(100 - price_pct) / 100)])
    tender = Tender(
        id="T", title="食堂餐饮服务", purchaser=o.Purchaser("P", "某机关事务管理局"),
        jurisdiction="NX", lines=[TenderLine("canteen", "canteen", "机关食堂")], term=TERM,
        budget=o.Money("5000000"), evaluated_on=date(2023, 1, 1),
        method=method, evaluation=EvaluationMethod.WEIGHTED_SCORE if weighted else
        EvaluationMethod.LOWEST_PRICE, scoring=scheme if weighted else None,
        sme_deduction=Decimal(draw(st.integers(min_value=10, max_value=20))) / 100)
    rows = draw(st.lists(bid_data, min_size=2, max_size=6))
    full = scheme.factors[0].full_marks
    bids = []
    for i, (quotes, size, pts, declares) in enumerate(rows):
        *earlier, last = [{"canteen": o.FixedMonthly(o.Money.from_fen(q))} for q in quotes]
        if method is ProcurementMethod.INQUIRY:
            earlier = []
        bids.append(Bid(f"B{i}", o.Supplier(f"S{i}", f"公司{i}", size), last,
                        {"technical": [full * pts / 100]} if weighted else {}, earlier,
                        sme_declaration=declares and size != "large"))
    return tender, bids


def _scores(report: EvaluationReport) -> dict[str, tuple[object, ...]]:
    return {e.bid.id: (e.evaluated_price.value if e.evaluated_price else None,
                       e.price_score.value if e.price_score else None,
                       e.total.value if e.total else None, e.rank)
            for e in report.evaluations}


@given(procurements())
def test_the_lowest_responsive_final_quote_scores_the_full_price_weight(
    case: tuple[Tender, list[Bid]],
) -> None:
    tender, bids = case
    report = evaluate(tender, bids, RB)
    lowest = min(e.evaluated_price.value for e in report.ranked)  # type: ignore[union-attr]
    assert report.benchmark is not None and report.benchmark.value == lowest
    if tender.scoring is None:   # 谈判, 询价: the lowest final (evaluated) quote ranks first
        assert report.ranked[0].evaluated_price.value == lowest  # type: ignore[union-attr]
        return
    top = tender.scoring.price_weight * 100
    for e in report.ranked:
        if e.evaluated_price.value == lowest:  # type: ignore[union-attr]
            assert e.price_score is not None and e.price_score.value == top


@given(procurements())
def test_no_score_exceeds_its_weight(case: tuple[Tender, list[Bid]]) -> None:
    tender, bids = case
    report = evaluate(tender, bids, RB)
    if tender.scoring is None:
        assert all(e.price_score is None for e in report.evaluations)
        return
    top = tender.scoring.price_weight * 100
    for e in report.ranked:
        assert e.price_score is not None and Decimal(0) <= e.price_score.value <= top
        for f, factor in zip(e.factor_scores, tender.scoring.factors, strict=True):
            assert Decimal(0) <= f.value <= factor.full_marks  # type: ignore[operator]
        assert e.total is not None and e.total.value <= 100


@given(procurements(), st.data())
def test_an_unclaimed_deduction_never_changes_a_score(
    case: tuple[Tender, list[Bid]], data: st.DataObject,
) -> None:
    tender, bids = case
    i = data.draw(st.integers(min_value=0, max_value=len(bids) - 1))
    size = data.draw(st.sampled_from(("small", "micro")))
    unclaimed = list(bids)
    unclaimed[i] = attrs.evolve(bids[i], supplier=attrs.evolve(bids[i].supplier, size=size),
                                sme_declaration=False)
    as_large = list(bids)
    as_large[i] = attrs.evolve(bids[i], supplier=attrs.evolve(bids[i].supplier, size="large"),
                               sme_declaration=False)
    assert _scores(evaluate(tender, unclaimed, RB)) == _scores(evaluate(tender, as_large, RB))
