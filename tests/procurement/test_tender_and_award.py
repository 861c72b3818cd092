"""Tendering and award: the worked examples of docs/procurement.md, asserted figure by figure."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from procurement_cases import (
    FIRE_TERM,
    PROPERTY_TERM,
    fire_bids,
    fire_tender,
    property_bids,
    property_tender,
)

import outsourcing as o
from outsourcing.procurement import (
    Bid,
    EvaluationReport,
    award,
    evaluate,
    round_score,
)


def scores(report: EvaluationReport) -> dict[str, tuple[str, str, int | None]]:
    """bid id → (price score, total, rank)."""
    return {e.bid.id: (e.price_score.shown if e.price_score else "",
                       e.total.shown if e.total else "", e.rank) for e in report.evaluations}


# --- example 1: three service bids, lowest compliant bid is the benchmark ------------------

def test_price_score_low_price_first_87_article_55_three_bids(registry: o.PluginHost) -> None:
    report = evaluate(property_tender(date(2022, 5, 10)), property_bids(), registry.rulebook("NX"))
    assert report.benchmark is not None
    assert report.benchmark.value == o.Money("2880000.00")  # B, the lowest compliant bid
    assert scores(report) == {
        "C": ("27.69", "93.02", 1),   # 2,880,000 / 3,120,000 × 0.30 × 100 = 27.6923…
        "A": ("28.80", "91.47", 2),   # 2,880,000 / 3,000,000 × 30 = 28.80
        "B": ("30.00", "87.33", 3),   # the benchmark scores full price marks
    }
    a = report.of("A")
    assert [f.shown for f in a.factor_scores] == ["45.00", "17.67"]  # mean(18, 17, 18)
    assert a.bid_price.value == o.Money("3000000.00")
    assert a.deduction is None and a.evaluated_price is not None
    assert a.evaluated_price.value == o.Money("3000000.00")  # a large firm: no deduction
    assert report.winner is not None and report.winner.bid.id == "C"
    assert report.findings == () and report.failed is None


def test_every_figure_names_its_rule_and_citation(registry: o.PluginHost) -> None:
    report = evaluate(property_tender(date(2022, 5, 10)), property_bids(), registry.rulebook("NX"))
    c = report.of("C")
    assert c.price_score is not None
    assert c.price_score.rule_id == "procurement.price_score_method"
    assert "第五十五条" in (c.price_score.citation or "")
    assert c.price_score.formula.startswith("(¥2,880,000.00 / ¥3,120,000.00) × 0.30 × 100")
    assert all(f.rule_id == "procurement.evaluator_combination" for f in c.factor_scores)
    assert "第五十七条" in c.rank_note
    text = report.render()
    for label in ("评审报告", "评标基准价 ¥2,880,000.00", "价格分 27.69", "综合得分 93.02",
                  "第1名　C", "平局规则", "procurement.min_price_weight_services = 0.10"):
        assert label in text


def test_score_rounding_half_up_once_at_the_named_places() -> None:
    assert round_score(Decimal("27.6923"), 2) == Decimal("27.69")
    assert round_score(Decimal("0.125"), 2) == Decimal("0.13")
    assert round_score(Decimal("17.6666"), 0) == Decimal("18")


# --- example 2: a small enterprise's deducted price becomes the benchmark ------------------

def test_sme_deduction_before_2022_07_01_at_10_percent_sets_the_benchmark(
    registry: o.PluginHost,
) -> None:
    report = evaluate(property_tender(date(2022, 6, 30), "0.10"), property_bids("small"),
                      registry.rulebook("NX"))
    c = report.of("C")
    assert c.deduction is not None and c.deduction.value == o.Money("312000.00")
    assert c.evaluated_price is not None and c.evaluated_price.value == o.Money("2808000.00")
    assert c.evaluated_price.rule_id == "procurement.sme_deduction_services"
    assert "财库〔2020〕46号" in (c.evaluated_price.citation or "")
    assert report.benchmark is not None and report.benchmark.value == o.Money("2808000.00")
    assert scores(report) == {
        "C": ("30.00", "95.33", 1),
        "A": ("28.08", "90.75", 2),   # 2,808,000 / 3,000,000 × 30
        "B": ("29.25", "86.58", 3),   # 2,808,000 / 2,880,000 × 30
    }
    assert c.bid_price.value == o.Money("3120000.00")  # the contract keeps the bid price


def test_sme_deduction_from_2022_07_01_at_20_percent(registry: o.PluginHost) -> None:
    report = evaluate(property_tender(date(2022, 7, 1), "0.20"), property_bids("small"),
                      registry.rulebook("NX"))
    assert report.benchmark is not None and report.benchmark.value == o.Money("2496000.00")
    assert "财库〔2022〕19号" in (report.of("C").evaluated_price.citation or "")  # type: ignore[union-attr]
    assert scores(report) == {
        "C": ("30.00", "95.33", 1),
        "A": ("24.96", "87.63", 2),   # 2,496,000 / 3,000,000 × 30
        "B": ("26.00", "83.33", 3),   # 2,496,000 / 2,880,000 × 30
    }


def test_sme_deduction_rate_must_lie_in_the_range_in_force(registry: o.PluginHost) -> None:
    rb = registry.rulebook("NX")
    with pytest.raises(o.ProcurementError) as before:
        evaluate(property_tender(date(2022, 6, 30), "0.20"), property_bids("small"), rb)
    assert before.value.rule_id == "procurement.sme_deduction_services"
    assert "outside the range 0.06–0.10 in force on 2022-06-30" in str(before.value)
    assert "财库〔2020〕46号" in str(before.value)
    with pytest.raises(o.ProcurementError) as after:
        evaluate(property_tender(date(2022, 7, 1), "0.06"), property_bids("small"), rb)
    assert "outside the range 0.10–0.20 in force on 2022-07-01" in str(after.value)
    assert after.value.term == "小微企业价格扣除"
    # 10% is the top of the old range and the bottom of the new: valid on both sides
    for on in (date(2022, 6, 30), date(2022, 7, 1)):
        assert evaluate(property_tender(on, "0.10"), property_bids("small"), rb).winner


def test_sme_deduction_rate_is_read_through_the_rulebook_so_a_plugin_may_tighten_it(
    registry: o.PluginHost,
) -> None:
    rb = registry.rulebook("NX").override(
        "procurement.sme_deduction_services", {"min": "0.15", "max": "0.20"},
        citation="某市 2023年 小微企业价格扣除实施细则", start=date(2022, 7, 1))
    with pytest.raises(o.ProcurementError) as exc:
        evaluate(property_tender(date(2022, 8, 1), "0.10"), property_bids("small"), rb)
    assert "0.15–0.20" in str(exc.value) and "某市" in str(exc.value)


def test_reserved_for_sme_takes_no_deduction_and_needs_no_rate(registry: o.PluginHost) -> None:
    tender = attrs.evolve(property_tender(date(2022, 7, 1)), sme_deduction=None,
                          reserved_for_sme=True)
    report = evaluate(tender, property_bids("small"), registry.rulebook("NX"))
    assert report.of("C").deduction is None
    assert report.benchmark is not None and report.benchmark.value == o.Money("2880000.00")
    with pytest.raises(o.ProcurementError, match="reserved for SMEs takes no price deduction"):
        attrs.evolve(tender, sme_deduction=Decimal("0.10"))


def test_budget_within_sme_threshold_warns_should_be_reserved(registry: o.PluginHost) -> None:
    report = evaluate(fire_tender(), fire_bids(), registry.rulebook("NX-SZS"))
    assert [f.code for f in report.findings] == ["tender.should_be_reserved_for_sme"]
    assert report.findings[0].severity is o.Severity.WARNING


# --- example 3: 石嘴山, a bid out for an expired qualification ------------------------------

def test_shizuishan_fire_bid_excluded_for_qualification_expired_on_evaluation_day(
    registry: o.PluginHost,
) -> None:
    report = evaluate(fire_tender(), fire_bids(), registry.rulebook("NX-SZS"))
    f2 = report.of("F2")
    assert not f2.valid and f2.rank is None and f2.price_score is None
    (reason,) = f2.reasons
    assert reason.code == "qualification"
    assert reason.rule_id == "qualification.fire_maintenance"
    assert "已于 2021-03-31 过期" in reason.detail
    assert "公安部令第129号" in (reason.citation or "")
    assert "第六十三条(三)" in (reason.citation or "")
    # 最低评标价法: F3 (small, 8% off) ranks first on its evaluated price
    assert [(e.bid.id, e.evaluated_price.value) for e in report.ranked] == [  # type: ignore[union-attr]
        ("F3", o.Money("69552.00")), ("F4", o.Money("70800.00")), ("F1", o.Money("72000.00"))]
    assert "无效　F2" in report.render()


def test_shizuishan_grade_requirement_ends_2021_11_09(registry: o.PluginHost) -> None:
    """From 2021-11-09 (应急管理部令第7号) no graded qualification is required: F2 is back."""
    report = evaluate(fire_tender(date(2021, 11, 9)), fire_bids(), registry.rulebook("NX-SZS"))
    assert report.excluded == ()
    assert report.winner is not None and report.winner.bid.id == "F2"  # 62,400 × 0.92


def test_national_rules_alone_accept_the_lower_grade(registry: o.PluginHost) -> None:
    """石嘴山 tightens 三级 (national) to 二级: a 三级 firm passes in NX, fails in NX-SZS."""
    third = o.Supplier("SUP-F5", "三级消防公司", "medium", [o.Qualification(
        "fire_technical_service", "三级", valid_until=date(2025, 1, 1))])
    bids = [*fire_bids(), Bid("F5", third, {"fire": "5000"})]
    szs = evaluate(fire_tender(), bids, registry.rulebook("NX-SZS"))
    nx = evaluate(attrs.evolve(fire_tender(), jurisdiction="NX"), bids, registry.rulebook("NX"))
    assert not szs.of("F5").valid
    assert nx.of("F5").valid and nx.of("F5").rank == 1


def test_bid_above_ceiling_or_budget_is_invalid_87_article_63(registry: o.PluginHost) -> None:
    bids = property_bids()
    bids[0] = attrs.evolve(bids[0], prices=(("property", o.FixedMonthly("263000")),))
    report = evaluate(property_tender(date(2022, 5, 10)), bids, registry.rulebook("NX"))
    (reason,) = report.of("A").reasons
    assert reason.code == "price_ceiling"
    assert reason.detail == "投标报价 ¥3,156,000.00 > 最高限价 ¥3,150,000.00"
    assert "第六十三条(四)" in (reason.citation or "")


def test_fewer_than_three_valid_bids_fails_the_tender(registry: o.PluginHost) -> None:
    report = evaluate(fire_tender(), fire_bids()[:3], registry.rulebook("NX-SZS"))
    assert report.failed is not None and report.failed.rule_id == "procurement.min_valid_bids"
    assert report.winner is None
    with pytest.raises(o.ProcurementError, match=r"no award.*第三十六条"):
        award(report, registry.rulebook("NX-SZS"), contract_id="X",
              notified_on=date(2021, 6, 20))


def test_missing_or_extra_line_is_not_a_substantive_response(registry: o.PluginHost) -> None:
    bids = property_bids()
    bids[1] = attrs.evolve(bids[1], prices=(("canteen", o.FixedMonthly("1")),))
    report = evaluate(property_tender(date(2022, 5, 10)), bids, registry.rulebook("NX"))
    (reason,) = report.of("B").reasons
    assert reason.detail == "未报价的服务项目: property; 招标文件外的服务项目: canteen"
    assert report.benchmark is not None and report.benchmark.value == o.Money("3000000.00")


# --- ties ---------------------------------------------------------------------------------

def test_equal_total_ranks_lower_bid_price_first_87_article_57(registry: o.PluginHost) -> None:
    # one evaluator: A scores 28.80 + 45 + 18 = 91.80; C is given 27.69 + 46.11 + 18 = 91.80
    bids = [attrs.evolve(b, points=tuple((k, ps[:1]) for k, ps in b.points))
            for b in property_bids()]
    bids[2] = attrs.evolve(bids[2], points=(("technical", (Decimal("46.11"),)),
                                            ("service", (Decimal("18"),))))
    report = evaluate(property_tender(date(2022, 5, 10)), bids, registry.rulebook("NX"))
    a, c = report.of("A"), report.of("C")
    assert a.total is not None and c.total is not None and a.total.value == c.total.value
    assert (a.rank, c.rank) == (1, 2)
    assert c.rank_note.startswith("低于 A: A 投标报价低")


def test_tie_in_law_broken_by_non_price_score_then_receipt(registry: o.PluginHost) -> None:
    rb = registry.rulebook("NX-SZS")
    same = [attrs.evolve(b, prices=(("fire", o.FixedMonthly("6000")),)) for b in fire_bids()]
    same = [b for b in same if b.id != "F2"]
    report = evaluate(attrs.evolve(fire_tender(), sme_deduction=Decimal("0.06")), same, rb)
    # F3 is small: 72,000 × 0.94 = 67,680 first; F1 and F4 tie in law; F1 was received first
    assert [e.bid.id for e in report.ranked] == ["F3", "F1", "F4"]
    assert "依法并列" in report.of("F4").rank_note and "递交在先" in report.of("F4").rank_note


def test_evaluator_points_trimmed_mean_when_the_rule_says_so(registry: o.PluginHost) -> None:
    rb = registry.rulebook("NX").override("procurement.evaluator_combination", "trimmed_mean",
                                          citation="招标文件 第三章 评标办法")
    bids = [attrs.evolve(b, points=(("technical", ("40", "45", "46", "44", "50")),
                                    ("service", ("18", "18", "18", "18", "18"))))
            for b in property_bids()]
    report = evaluate(property_tender(date(2022, 5, 10)), bids, rb)
    tech = report.of("A").factor_scores[0]
    assert tech.value == Decimal("45.00")  # (45 + 46 + 44) / 3
    assert tech.citation == "招标文件 第三章 评标办法"


# --- award ----------------------------------------------------------------------------------

def test_award_yields_a_contract_at_the_bid_price_not_the_evaluated_price(
    registry: o.PluginHost,
) -> None:
    rb = registry.rulebook("NX-SZS")
    report = evaluate(fire_tender(), fire_bids(), rb)
    result = award(report, rb, contract_id="SZS-2021-XF-01-HT", notified_on=date(2021, 6, 18),
                   signed_on=date(2021, 6, 25))
    c = result.contract
    assert c.supplier.id == "SUP-F3" and c.jurisdiction == "NX-SZS" and c.term == FIRE_TERM
    assert c.original_amount == o.Money("75600.00") == report.of("F3").bid_price.value
    assert c.budget == o.Money("80000.00")
    assert c.line("fire").pricing == o.FixedMonthly("6300")
    assert c.line("fire").service == "fire_maintenance"
    assert result.sign_by == date(2021, 7, 18)
    assert result.findings == ()
    assert c.check(rb) == []  # the contract passes the jurisdiction's checks as signed


def test_award_passes_to_the_next_candidate_when_the_winner_declines_article_49(
    registry: o.PluginHost,
) -> None:
    rb = registry.rulebook("NX")
    report = evaluate(property_tender(date(2022, 5, 10)), property_bids(), rb)
    result = award(report, rb, contract_id="HT-1", notified_on=date(2022, 5, 20),
                   declined=["C"])
    assert result.contract.supplier.id == "SUP-A"
    assert result.contract.original_amount == o.Money("3000000.00")
    assert result.contract.term == PROPERTY_TERM
    with pytest.raises(o.ProcurementError, match="ranked candidates"):
        award(report, rb, contract_id="HT-1", notified_on=date(2022, 5, 20), declined=["Z"])


def test_award_signed_after_30_days_is_flagged_law_article_46(registry: o.PluginHost) -> None:
    rb = registry.rulebook("NX")
    report = evaluate(property_tender(date(2022, 5, 10)), property_bids(), rb)
    late = award(report, rb, contract_id="HT-1", notified_on=date(2022, 5, 20),
                 signed_on=date(2022, 6, 20))
    assert [f.code for f in late.findings] == ["award.signed_late"]
    assert late.findings[0].citation is not None and "第四十六条" in late.findings[0].citation
    with pytest.raises(o.ProcurementError, match="before the award notice"):
        award(report, rb, contract_id="HT-1", notified_on=date(2022, 5, 20),
              signed_on=date(2022, 5, 19))


# --- docs -----------------------------------------------------------------------------------

def test_docs_procurement_excerpt_matches_the_rendered_report(registry: o.PluginHost) -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "procurement.md").read_text("utf-8")
    block = docs.split("<!-- excerpt:fire -->")[1].split("<!-- /excerpt -->")[0]
    lines = [x for x in block.splitlines() if x.strip() and not x.startswith("```")]
    assert len(lines) == 5
    rendered = evaluate(fire_tender(), fire_bids(), registry.rulebook("NX-SZS")).render()
    for line in lines:
        assert line in rendered.splitlines()
    for figure in ("93.02", "91.47", "87.33", "95.33", "90.75", "86.58", "87.63", "83.33",
                   "¥1,653,935.52", "¥1,531,421.88"):
        assert figure in docs
