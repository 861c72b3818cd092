"""Bad tenders and bids: each refused with an error naming the field, the rule and the term."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs
import pytest
from procurement_cases import BUREAU, PROPERTY_TERM, property_bids, property_tender

import outsourcing as o
from outsourcing.procurement import (
    Bid,
    Factor,
    ProcurementMethod,
    ScoringScheme,
    Tender,
    TenderLine,
    evaluate,
)

ON = date(2022, 5, 10)


def test_weights_not_summing_to_1_are_refused() -> None:
    with pytest.raises(o.ProcurementError) as exc:
        ScoringScheme(Decimal("0.30"), [Factor("technical", "技术方案", Decimal("0.50")),
                                        Factor("service", "服务承诺", Decimal("0.15"))])
    err = exc.value
    assert err.field == "scoring" and err.term == "评审因素权值之和"
    assert "the weights must sum to 1: 0.30 + 0.50 + 0.15 = 0.95" in str(err)
    assert "第五十五条" in str(err)


def test_price_weight_below_the_legal_minimum_for_services_is_refused(
    registry: o.PluginHost,
) -> None:
    scheme = ScoringScheme(Decimal("0.08"), [Factor("technical", "技术方案", Decimal("0.92"))])
    tender = attrs.evolve(property_tender(ON), scoring=scheme)
    bids = [attrs.evolve(b, points=(("technical", (Decimal("80"),)),)) for b in property_bids()]
    with pytest.raises(o.ProcurementError) as exc:
        evaluate(tender, bids, registry.rulebook("NX"))
    err = exc.value
    assert err.rule_id == "procurement.min_price_weight_services"
    assert err.field == "scoring.price_weight" and err.value == "0.08"
    assert "below the legal minimum 0.10 for 服务 on 2022-05-10" in str(err)
    assert "服务项目的价格分值占总分值的比重不得低于10%" in str(err)


def test_goods_need_a_30_percent_price_weight(registry: o.PluginHost) -> None:
    scheme = ScoringScheme(Decimal("0.20"), [Factor("technical", "技术方案", Decimal("0.60")),
                                             Factor("service", "服务承诺", Decimal("0.20"))])
    tender = attrs.evolve(property_tender(ON), category="goods", scoring=scheme)
    evaluate(attrs.evolve(tender, category="services"), property_bids(), registry.rulebook("NX"))
    with pytest.raises(o.ProcurementError, match=r"below the legal minimum 0\.30 for 货物"):
        evaluate(tender, property_bids(), registry.rulebook("NX"))


def test_deduction_rate_outside_the_range_in_force_is_refused(registry: o.PluginHost) -> None:
    with pytest.raises(o.ProcurementError) as exc:
        evaluate(property_tender(ON, "0.12"), property_bids(), registry.rulebook("NX"))
    assert exc.value.rule_id == "procurement.sme_deduction_services"
    assert exc.value.field == "sme_deduction" and exc.value.value == "0.12"
    with pytest.raises(o.ProcurementError, match="must state the small-and-micro"):
        evaluate(attrs.evolve(property_tender(ON), sme_deduction=None), property_bids(),
                 registry.rulebook("NX"))


def test_negative_price_is_refused_when_the_bid_is_built() -> None:
    supplier = o.Supplier("S", "某公司", "large")
    with pytest.raises(o.ProcurementError) as exc:
        Bid("X", supplier, {"property": "-250000"})
    assert exc.value.field == "prices[property]" and exc.value.term == "投标报价"
    assert "must not be negative" in str(exc.value)
    with pytest.raises(o.ModelError, match="must not be negative"):
        Bid("X", supplier, {"property": o.FixedMonthly("-1")})


def test_float_price_or_points_are_refused() -> None:
    supplier = o.Supplier("S", "某公司", "large")
    with pytest.raises(o.ProcurementError, match="float"):
        Bid("X", supplier, {"property": 250000.0})
    with pytest.raises(o.ProcurementError, match="float"):
        Bid("X", supplier, {"property": "1"}, {"technical": [45.5]})


def test_points_above_full_marks_or_missing_evaluators_are_refused(
    registry: o.PluginHost,
) -> None:
    rb = registry.rulebook("NX")
    bids = property_bids()
    bids[0] = attrs.evolve(bids[0], points=(("technical", (Decimal("51"),) * 3),
                                            ("service", (Decimal("18"),) * 3)))
    with pytest.raises(o.ProcurementError, match="exceed the factor's full marks 50"):
        evaluate(property_tender(ON), bids, rb)
    bids = property_bids()
    bids[1] = attrs.evolve(bids[1], points=(("technical", (Decimal("40"),) * 2),
                                            ("service", (Decimal("16"),) * 3)))
    with pytest.raises(o.ProcurementError, match="same 3 evaluators"):
        evaluate(property_tender(ON), bids, rb)
    bids = property_bids()
    bids[2] = attrs.evolve(bids[2], points=(("technical", (Decimal("40"),) * 3),))
    with pytest.raises(o.ProcurementError, match="exactly the factors"):
        evaluate(property_tender(ON), bids, rb)


def test_tender_structure_errors() -> None:
    kw = dict(id="T", title="物业", purchaser=BUREAU, jurisdiction="NX",
              lines=[TenderLine("p", "property", "办公区")], term=PROPERTY_TERM,
              budget=o.Money("100"), evaluated_on=ON, sme_deduction=Decimal("0.1"))
    with pytest.raises(o.ProcurementError, match="综合评分法 needs a scoring scheme"):
        Tender(**kw)  # type: ignore[arg-type]
    with pytest.raises(o.ProcurementError, match=r"ceiling price must be .* within the budget"):
        Tender(**kw, evaluation="lowest_price", ceiling=o.Money("101"))  # type: ignore[arg-type]
    with pytest.raises(o.ProcurementError, match="budget must be positive"):
        Tender(**{**kw, "budget": o.Money("0")}, evaluation="lowest_price")  # type: ignore[arg-type]
    with pytest.raises(o.ProcurementError, match="at most 4 decimals"):
        ScoringScheme(Decimal("0.10005"), [Factor("t", "技术", Decimal("0.89995"))])


def test_rulebook_of_another_jurisdiction_or_a_method_with_the_wrong_evaluation_is_refused(
    registry: o.PluginHost,
) -> None:
    with pytest.raises(o.ProcurementError, match="rulebook is for NX-SZS, the tender for NX"):
        evaluate(property_tender(ON), property_bids(), registry.rulebook("NX-SZS"))
    with pytest.raises(o.ProcurementError, match="竞争性谈判 is evaluated by 最低评标价法") as exc:
        attrs.evolve(property_tender(ON), method=ProcurementMethod.COMPETITIVE_NEGOTIATION)
    assert exc.value.field == "evaluation"
    assert exc.value.code == "procurement.method_evaluation"


def test_duplicate_bids_are_refused(registry: o.PluginHost) -> None:
    bids = property_bids()
    with pytest.raises(o.ProcurementError, match="duplicate bid id"):
        evaluate(property_tender(ON), [*bids, bids[0]], registry.rulebook("NX"))
    twin = attrs.evolve(bids[1], id="B2", supplier=bids[0].supplier)
    with pytest.raises(o.ProcurementError, match="a supplier bids once"):
        evaluate(property_tender(ON), [*bids, twin], registry.rulebook("NX"))
