"""The other procurement methods (竞争性磋商, 竞争性谈判, 询价, 单一来源), the deduction as
claimed, consortium shares, deposits and deadlines: the worked examples of
docs/procurement.md asserted figure by figure, and the bad input they refuse."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs
import pytest
from procurement_method_cases import (
    CANTEEN_SCHEME,
    ORIGINAL,
    additional_purchase,
    canteen_bids,
    canteen_tender,
    elevator_inquiry,
    elevator_quotes,
    original_with_supplement,
    property_consultation,
    property_responses,
)

import outsourcing as o
from outsourcing.changes import cap_report
from outsourcing.procurement import (
    Bid,
    EvaluationMethod,
    EvaluationReport,
    Factor,
    ProcurementMethod,
    ScoringScheme,
    SingleSourceGround,
    Tender,
    TenderLine,
    award,
    evaluate,
)


def figures(report: EvaluationReport) -> dict[str, tuple[str, str, str, int | None]]:
    """bid id → (evaluated price, price score, total, rank)."""
    return {e.bid.id: (e.evaluated_price.shown if e.evaluated_price else "",
                       e.price_score.shown if e.price_score else "",
                       e.total.shown if e.total else "", e.rank) for e in report.evaluations}


# --- 竞争性磋商: canteen services, three rounds of quotes, a small firm claiming 10% ---------

def test_consultation_lowest_final_quote_after_the_claimed_deduction_is_the_benchmark(
    registry: o.PluginHost,
) -> None:
    report = evaluate(canteen_tender(), canteen_bids(), registry.rulebook("NX"))
    assert report.failed is None
    assert report.benchmark is not None and report.benchmark.label == "磋商基准价"
    assert report.benchmark.value == o.Money("2052000.00")   # D2: 2,280,000 × (1 − 0.10)
    assert figures(report) == {
        "D2": ("¥2,052,000.00", "30.00", "92.33", 1),
        "D3": ("¥2,184,000.00", "28.19", "92.19", 2),   # 2,052,000 / 2,184,000 × 30 = 28.1868…
        "D1": ("¥2,220,000.00", "27.73", "87.73", 3),   # 2,052,000 / 2,220,000 × 30 = 27.7297…
    }
    d2 = report.of("D2")
    assert [r.value for r in d2.rounds] == [o.Money("2400000.00"), o.Money("2304000.00")]
    assert d2.bid_price.label == "最后报价" and d2.bid_price.value == o.Money("2280000.00")
    assert d2.deduction is not None and d2.deduction.value == o.Money("228000.00")
    assert report.rule("procurement.consultation.price_weight_services").value.max == \
        Decimal("0.30")


def test_consultation_an_unclaimed_deduction_leaves_the_small_firm_at_its_price(
    registry: o.PluginHost,
) -> None:
    report = evaluate(canteen_tender(), canteen_bids(d2_declares=False), registry.rulebook("NX"))
    d2 = report.of("D2")
    assert d2.deduction is None
    assert d2.evaluated_price is not None and "未提供中小企业声明函" in d2.evaluated_price.note
    assert report.benchmark is not None and report.benchmark.value == o.Money("2184000.00")
    assert figures(report) == {
        "D3": ("¥2,184,000.00", "30.00", "94.00", 1),
        "D2": ("¥2,280,000.00", "28.74", "91.07", 2),   # 2,184,000 / 2,280,000 × 30
        "D1": ("¥2,220,000.00", "29.51", "89.51", 3),
    }


def test_consultation_award_keeps_the_final_quote_and_late_publication_is_a_finding(
    registry: o.PluginHost,
) -> None:
    rb = registry.rulebook("NX")
    report = evaluate(canteen_tender(), canteen_bids(), rb)
    # signed Thu 2022-06-02; 端午 Fri 06-03 and the weekend; Mon 06-06 is the 1st working
    # day, Tue 06-07 the 2nd, Wed 06-08 the 3rd
    a = award(report, rb, contract_id="NXZC-2022-CT-03-HT", notified_on=date(2022, 5, 25),
              signed_on=date(2022, 6, 2), published_on=date(2022, 6, 8),
              performance_bond="100000")
    assert a.contract.original_amount == o.Money("2280000.00")
    assert a.sign_by == date(2022, 6, 24)
    assert a.publish_by == date(2022, 6, 7)
    assert [f.code for f in a.findings] == ["award.published_late"]
    assert "第 3 个工作日" in a.findings[0].message
    assert "成交供应商: 银川乙餐饮服务有限公司" in a.explain()
    on_time = award(report, rb, contract_id="X", notified_on=date(2022, 5, 25),
                    signed_on=date(2022, 6, 2), published_on=date(2022, 6, 7))
    assert on_time.findings == ()


def test_consultation_report_renders_in_chinese_with_every_rule_cited(
    registry: o.PluginHost,
) -> None:
    text = evaluate(canteen_tender(), canteen_bids(), registry.rulebook("NX")).render()
    assert text.startswith("评审报告 NXZC-2022-CT-03 自治区机关食堂餐饮服务")
    assert "采购方式: 竞争性磋商　评审方法: 综合评分法" in text
    assert "第1轮报价 ¥2,400,000.00" in text and "第3轮即最后一轮报价" in text
    assert "不去掉最高报价和最低报价" in text
    assert ("价格分 28.19 = (¥2,052,000.00 / ¥2,184,000.00) × 0.30 × 100，保留2位小数 "
            "[procurement.consultation.price_score_method; 财库〔2014〕214号") in text
    assert "平局规则: 综合得分及最后报价均相同的" in text


def test_consultation_price_weight_outside_the_services_band_needs_the_approval(
    registry: o.PluginHost,
) -> None:
    rb = registry.rulebook("NX")
    heavy = ScoringScheme(Decimal("0.35"), [Factor("technical", "技术方案", Decimal("0.47")),
                                            Factor("service", "服务承诺", Decimal("0.18"))])
    bids = canteen_bids()
    with pytest.raises(o.ProcurementError) as exc:
        evaluate(canteen_tender(scoring=heavy), bids, rb)
    err = exc.value
    assert err.field == "scoring.price_weight" and err.value == "0.35"
    assert err.code == "procurement.consultation_price_weight"
    assert err.rule_id == "procurement.consultation.price_weight_services"
    assert "0.10–0.30" in str(err) and "财政部门审核同意" in err.message_zh
    approved = evaluate(canteen_tender(scoring=heavy, price_weight_approval="宁财采〔2022〕15号"),
                        bids, rb)
    assert [f.code for f in approved.findings] == ["consultation.price_weight_approved"]
    assert approved.winner is not None


def test_consultation_goods_band_is_30_to_60_percent(registry: o.PluginHost) -> None:
    rb = registry.rulebook("NX")
    band = rb.resolve("procurement.consultation.price_weight_goods", date(2022, 5, 20)).value
    assert (band.min, band.max) == (Decimal("0.30"), Decimal("0.60"))
    light = ScoringScheme(Decimal("0.20"), [Factor("technical", "技术方案", Decimal("0.60")),
                                            Factor("service", "服务承诺", Decimal("0.20"))])
    assert evaluate(canteen_tender(scoring=light), canteen_bids(), rb).winner is not None
    with pytest.raises(o.ProcurementError, match=r"outside the band 0\.30–0\.60") as exc:
        evaluate(canteen_tender(category="goods", scoring=light), canteen_bids(), rb)
    assert exc.value.rule_id == "procurement.consultation.price_weight_goods"


# --- 竞争性磋商 with two responsive suppliers ----------------------------------------------

def test_consultation_with_two_responsive_suppliers_ends_with_a_finding(
    registry: o.PluginHost,
) -> None:
    rb = registry.rulebook("NX")
    report = evaluate(property_consultation(), property_responses(), rb)
    assert [e.bid.id for e in report.excluded] == ["P3"]   # ¥960,000.00 over the ¥900,000 budget
    assert report.failed is not None
    assert report.failed.code == "consultation.too_few_suppliers"
    assert report.failed.rule_id == "procurement.consultation.min_suppliers"
    assert report.winner is None
    with pytest.raises(o.ProcurementError, match="no award") as exc:
        award(report, rb, contract_id="X", notified_on=date(2023, 3, 15))
    assert exc.value.code == "procurement.no_award"


def test_consultation_purchase_of_services_goes_on_with_two_under_124(
    registry: o.PluginHost,
) -> None:
    report = evaluate(property_consultation(purchase_of_services=True), property_responses(),
                      registry.rulebook("NX"))
    assert report.failed is None
    assert [f.code for f in report.findings] == [
        "consultation.two_suppliers_purchase_of_services"]
    assert figures(report) == {
        "P2": ("¥864,000.00", "19.44", "92.44", 1),   # 840,000 / 864,000 × 20 = 19.444…
        "P1": ("¥840,000.00", "20.00", "87.00", 2),
        "P3": ("", "", "", None),
    }
    assert "专门面向中小企业采购，不扣除" in (report.of("P1").evaluated_price.note  # type: ignore[union-attr]
                                             )


# --- 询价: elevator maintenance ----------------------------------------------------------

def test_inquiry_awards_the_lowest_final_quote_after_the_claimed_deduction(
    registry: o.PluginHost,
) -> None:
    rb = registry.rulebook("NX")
    report = evaluate(elevator_inquiry(), elevator_quotes(), rb)
    assert [e.bid.id for e in report.ranked] == ["E2", "E4", "E3", "E1"]
    assert figures(report) == {
        "E2": ("¥61,560.00", "", "", 1),    # 475 × 12 × 12 = 68,400 × (1 − 0.10)
        "E4": ("¥61,776.00", "", "", 2),    # small, no declaration: at its price
        "E3": ("¥62,352.00", "", "", 3),
        "E1": ("¥64,800.00", "", "", 4),
    }
    assert report.rule("procurement.nontender.min_suppliers").value == 3
    assert [f.code for f in report.findings] == ["tender.should_be_reserved_for_sme"]
    assert "平局规则: 评审价及最后报价均相同的，按响应文件递交在先者优先" in report.render()


def test_inquiry_award_published_on_the_second_working_day_across_a_make_up_weekend(
    registry: o.PluginHost,
) -> None:
    rb = registry.rulebook("NX")
    report = evaluate(elevator_inquiry(), elevator_quotes(), rb)
    # signed Fri 2022-09-30; 10-01 to 10-07 国庆; Sat 10-08 and Sun 10-09 are 调休 working days
    a = award(report, rb, contract_id="NXZC-2022-DT-05-HT", notified_on=date(2022, 9, 23),
              signed_on=date(2022, 9, 30), published_on=date(2022, 10, 9))
    assert a.publish_by == date(2022, 10, 9)
    assert a.findings == ()
    assert a.contract.original_amount == o.Money("68400.00")
    assert a.contract.supplier.id == "SUP-E2"


def test_inquiry_second_quote_is_refused_naming_the_bid(registry: o.PluginHost) -> None:
    rb = registry.rulebook("NX")
    quotes = elevator_quotes()
    again = attrs.evolve(quotes[1], id="E2-bis")
    with pytest.raises(o.ProcurementError) as exc:
        evaluate(elevator_inquiry(), [*quotes, again], rb)
    assert exc.value.field == "bids[4]" and exc.value.code == "procurement.inquiry_second_quote"
    assert exc.value.rule_id == "procurement.nontender.inquiry_one_quote"
    assert "不接受第二次报价" in exc.value.message_zh
    rounds = attrs.evolve(quotes[0], rounds=[{"elevator": "5600"}])
    with pytest.raises(o.ProcurementError) as exc:
        evaluate(elevator_inquiry(), [rounds, *quotes[1:]], rb)
    assert exc.value.field == "bids[0].rounds" and exc.value.value == 2
    assert exc.value.code == "procurement.inquiry_second_quote"


def test_negotiation_with_too_few_qualified_suppliers_ends(registry: o.PluginHost) -> None:
    rb = registry.rulebook("NX")
    tender = attrs.evolve(elevator_inquiry(), method=ProcurementMethod.COMPETITIVE_NEGOTIATION)
    expired = attrs.evolve(elevator_quotes()[1], supplier=attrs.evolve(
        elevator_quotes()[1].supplier, qualifications=[attrs.evolve(
            elevator_quotes()[1].supplier.qualifications[0], valid_until=date(2022, 8, 31))]),
        rounds=[{"elevator": "500"}])
    three = [elevator_quotes()[0], expired, elevator_quotes()[2]]
    report = evaluate(tender, three, rb)
    assert [e.bid.id for e in report.excluded] == ["E2"]
    assert report.failed is not None and report.failed.code == "negotiation.too_few_suppliers"
    full = evaluate(tender, elevator_quotes(), rb)
    assert full.failed is None and full.winner is not None and full.winner.bid.id == "E2"
    a = award(full, rb, contract_id="NXZC-2022-DT-05-HT", notified_on=date(2022, 9, 23))
    assert a.contract.original_amount == o.Money("68400.00")


def test_nontender_methods_state_their_evaluation(registry: o.PluginHost) -> None:
    with pytest.raises(o.ProcurementError, match="询价 is evaluated by 最低评标价法"):
        attrs.evolve(elevator_inquiry(), evaluation=EvaluationMethod.WEIGHTED_SCORE,
                     scoring=CANTEEN_SCHEME)
    with pytest.raises(o.ProcurementError, match="竞争性磋商 is evaluated by 综合评分法"):
        attrs.evolve(canteen_tender(), evaluation=EvaluationMethod.LOWEST_PRICE, scoring=None)


# --- 单一来源 -------------------------------------------------------------------------------

def test_single_source_additional_purchase_within_the_cumulative_10_percent(
    registry: o.PluginHost,
) -> None:
    rb = registry.rulebook("NX")
    timeline = original_with_supplement(rb)
    tender, bids = additional_purchase("5000")
    report = evaluate(tender, bids, rb, original=timeline)
    assert report.winner is not None and report.winner.bid.id == "S1"
    assert report.original is not None and report.original.value == o.Money("120000.00")
    assert "¥72,000.00 + 本次添购 ¥30,000.00 = ¥102,000.00 ≤ 上限，余 ¥18,000.00" in \
        report.original.formula
    a = award(report, rb, contract_id="NXJG-2023-WY-001-TG", notified_on=date(2023, 6, 20))
    assert a.contract.original_amount == o.Money("30000.00")


def test_single_source_additional_purchase_over_the_supplements_cap_is_refused(
    registry: o.PluginHost,
) -> None:
    rb = registry.rulebook("NX")
    timeline = original_with_supplement(rb)
    tender, bids = additional_purchase("10000")   # ¥60,000.00; ¥48,000.00 left of ¥120,000.00
    with pytest.raises(o.ProcurementError) as exc:
        evaluate(tender, bids, rb, original=timeline)
    err = exc.value
    assert err.code == "procurement.single_source_over_cap"
    assert err.rule_id == "changes.supplementary_cap"
    assert err.value == "60000.00"
    assert "¥132,000.00" in str(err) and "尚余 ¥48,000.00" in err.message_zh
    # the same cap as the changes: the timeline's own headroom says so too
    assert cap_report(timeline, rb).left == o.Money("48000.00")


def test_single_source_additional_purchase_needs_the_original_supplier_and_contract(
    registry: o.PluginHost,
) -> None:
    rb = registry.rulebook("NX")
    tender, bids = additional_purchase("5000")
    with pytest.raises(o.ProcurementError) as exc:
        evaluate(tender, bids, rb)
    assert exc.value.field == "original"
    other = [attrs.evolve(bids[0], supplier=o.Supplier("S-X", "另一物业公司", "large"))]
    report = evaluate(tender, other, rb, original=original_with_supplement(rb))
    assert report.failed is not None and report.failed.code == "single_source.no_valid_response"
    assert [c.code for c in report.of("S1").reasons] == ["original_supplier"]


def test_single_source_without_a_ground_from_the_closed_list_is_refused() -> None:
    tender, _ = additional_purchase("5000")
    with pytest.raises(o.ProcurementError) as exc:
        attrs.evolve(tender, single_source_ground=None)
    assert exc.value.field == "single_source_ground"
    assert exc.value.code == "procurement.single_source_ground_missing"
    assert "政府采购法 第三十一条" in (exc.value.citation or "")
    with pytest.raises(o.ProcurementError) as exc:
        attrs.evolve(tender, single_source_ground="cheapest")
    assert exc.value.field == "single_source_ground" and exc.value.value == "cheapest"
    assert exc.value.code == "procurement.single_source_ground_unknown"
    assert "不是政府采购法第三十一条规定的单一来源采购情形" in exc.value.message_zh


def _only_source(publicity: o.DateRange | None, on: date, budget: str = "2400000") -> Tender:
    return Tender(
        id="NXZC-2022-DY-09", title="某专用设备维保", purchaser=ORIGINAL.purchaser,
        jurisdiction="NX", lines=[TenderLine("lift", "property", "某办公区")],
        term=o.DateRange(date(2022, 7, 1), date(2023, 6, 30)), budget=o.Money(budget),
        evaluated_on=on, method=ProcurementMethod.SINGLE_SOURCE,
        evaluation=EvaluationMethod.LOWEST_PRICE,
        single_source_ground=SingleSourceGround.ONLY_SOURCE, publicity=publicity)


def test_single_source_publicity_counts_five_working_days_before_approval(
    registry: o.PluginHost,
) -> None:
    rb = registry.rulebook("NX")
    bid = [Bid("S", ORIGINAL.supplier, {"lift": "190000"})]
    # 2022-05-30 (Mon) to 2022-06-06 (Mon) holds 5 working days: 05-30, 05-31, 06-01, 06-02,
    # 06-06 (06-03 端午 and the weekend are not)
    ok = evaluate(_only_source(o.DateRange(date(2022, 5, 30), date(2022, 6, 6)),
                               date(2022, 6, 7)), bid, rb)
    assert [f.code for f in ok.findings] == []
    short = evaluate(_only_source(o.DateRange(date(2022, 5, 30), date(2022, 6, 3)),
                                  date(2022, 6, 3)), bid, rb)
    assert sorted(f.code for f in short.findings) == [
        "single_source.approved_during_publicity", "single_source.publicity_too_short"]
    assert "只有 4 个工作日" in next(f.message for f in short.findings
                                     if f.code.endswith("too_short"))
    missing = evaluate(_only_source(None, date(2022, 6, 7)), bid, rb)
    assert [f.code for f in missing.findings] == ["single_source.publicity_missing"]
    below = evaluate(_only_source(None, date(2022, 6, 7), budget="1900000"), bid, rb)
    assert "single_source.publicity_missing" not in [f.code for f in below.findings]


def test_single_source_takes_one_supplier(registry: o.PluginHost) -> None:
    tender, bids = additional_purchase("5000")
    two = [*bids, attrs.evolve(bids[0], id="S2", supplier=o.Supplier("S-Y", "乙", "small"))]
    with pytest.raises(o.ProcurementError) as exc:
        evaluate(tender, two, registry.rulebook("NX"),
                 original=original_with_supplement(registry.rulebook("NX")))
    assert exc.value.code == "procurement.single_source_one_supplier"


# --- consortium and subcontracting shares (联合体/分包) -------------------------------------

def _consortium(on: date, rate: str, share: str | None) -> EvaluationReport:
    tender = attrs.evolve(canteen_tender(evaluated_on=on, sme_deduction=Decimal("0.10")),
                          consortium_deduction=Decimal(rate))
    bids = canteen_bids()
    bids[0] = attrs.evolve(bids[0], sme_share=None if share is None else Decimal(share))
    return evaluate(tender, bids, o.load().rulebook("NX"))


def test_consortium_share_of_30_percent_takes_4_to_6_percent_from_2022_07_01() -> None:
    report = _consortium(date(2022, 7, 1), "0.06", "0.30")
    d1 = report.of("D1")
    assert d1.deduction is not None and d1.deduction.label == "联合体/分包价格扣除"
    assert d1.deduction.value == o.Money("133200.00")   # 2,220,000 × 0.06
    assert d1.deduction.rule_id == "procurement.sme_deduction_consortium"
    assert d1.evaluated_price is not None and d1.evaluated_price.value == o.Money("2086800.00")
    below = _consortium(date(2022, 7, 1), "0.06", "0.29").of("D1")
    assert below.deduction is None
    assert below.evaluated_price is not None and "低于 0.30" in below.evaluated_price.note


def test_consortium_deduction_range_is_dated_2_to_3_percent_before_2022_07_01() -> None:
    with pytest.raises(o.ProcurementError) as exc:
        _consortium(date(2022, 6, 30), "0.06", "0.30")
    assert exc.value.code == "procurement.consortium_deduction_range"
    assert "0.02–0.03" in str(exc.value)
    assert _consortium(date(2022, 6, 30), "0.03", "0.40").of("D1").deduction is not None
    with pytest.raises(o.ProcurementError, match=r"outside the range 0\.04–0\.06"):
        _consortium(date(2022, 7, 1), "0.03", "0.40")


# --- deposits -----------------------------------------------------------------------------

def test_bid_bond_over_2_percent_of_the_budget_is_a_finding(registry: o.PluginHost) -> None:
    rb = registry.rulebook("NX")
    ok = evaluate(canteen_tender(bid_bond=o.Money("48000")), canteen_bids(), rb)
    assert [f.code for f in ok.findings] == []
    over = evaluate(canteen_tender(bid_bond=o.Money("48000.01")), canteen_bids(), rb)
    [f] = over.findings
    assert f.code == "tender.bid_bond_over_limit" and f.rule_id == "procurement.bid_bond_max"
    assert "¥48,000.00" in f.message


def test_performance_bond_over_10_percent_of_the_contract_is_a_finding(
    registry: o.PluginHost,
) -> None:
    rb = registry.rulebook("NX")
    report = evaluate(canteen_tender(), canteen_bids(), rb)
    ok = award(report, rb, contract_id="X", notified_on=date(2022, 5, 25),
               performance_bond="228000")
    assert ok.findings == ()
    over = award(report, rb, contract_id="X", notified_on=date(2022, 5, 25),
                 performance_bond="228000.01")
    assert [f.code for f in over.findings] == ["award.performance_bond_over_limit"]
    with pytest.raises(o.ProcurementError) as exc:
        award(report, rb, contract_id="X", notified_on=date(2022, 5, 25),
              published_on=date(2022, 5, 30))
    assert exc.value.field == "published_on"


def test_a_large_enterprise_cannot_declare_itself_an_sme() -> None:
    with pytest.raises(o.ProcurementError) as exc:
        attrs.evolve(canteen_bids()[0], sme_declaration=True)
    assert exc.value.field == "sme_declaration"
    assert exc.value.code == "procurement.sme_declaration_large"


def test_a_tender_takes_no_rounds_of_quotes(registry: o.PluginHost) -> None:
    tender = canteen_tender(method=ProcurementMethod.PUBLIC_TENDER)
    with pytest.raises(o.ProcurementError) as exc:
        evaluate(tender, canteen_bids(), registry.rulebook("NX"))
    assert exc.value.field == "bids[0].rounds"
    assert exc.value.code == "procurement.tender_one_price"


def test_docs_canteen_excerpt_matches_the_rendered_reports(registry: o.PluginHost) -> None:
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[2] / "docs" / "procurement.md").read_text("utf-8")
    block = docs.split("<!-- excerpt:canteen -->")[1].split("<!-- /excerpt -->")[0]
    lines = [x for x in block.splitlines() if x.strip() and not x.startswith("```")]
    assert len(lines) == 5
    rb = registry.rulebook("NX")
    rendered = (evaluate(canteen_tender(), canteen_bids(), rb).render().splitlines()
                + evaluate(canteen_tender(), canteen_bids(False), rb).render().splitlines())
    for line in lines:
        assert line in rendered


def test_publication_in_a_year_without_a_holiday_notice_is_a_clear_error(
    registry: o.PluginHost,
) -> None:
    rb = registry.rulebook("NX")
    report = evaluate(canteen_tender(), canteen_bids(), rb)
    last = o.dates.working_day_years()[1]
    signed = date(last + 1, 6, 2)
    unknown = award(report, rb, contract_id="X", notified_on=signed, signed_on=signed)
    assert unknown.publish_by is None   # the deadline waits for the year's notice
    with pytest.raises(o.DateError) as exc:
        award(report, rb, contract_id="X", notified_on=signed, signed_on=signed,
              published_on=date(last + 1, 6, 5))
    assert exc.value.code == "date.working_day_unknown_year"


def test_publication_counts_a_make_up_saturday_as_a_working_day(registry: o.PluginHost) -> None:
    rb = registry.rulebook("NX")
    # signed Fri 2022-05-06; Sat 05-07 is a 调休 working day (劳动节 2022): Mon 05-09 is the
    # 2nd working day and Tue 05-10 the 3rd (on a Monday-to-Friday count it would be the 2nd)
    signed = date(2022, 5, 6)
    tender = attrs.evolve(elevator_inquiry(), evaluated_on=date(2022, 4, 20),
                          sme_deduction=Decimal("0.08"))
    early = evaluate(tender, elevator_quotes(), rb)
    a = award(early, rb, contract_id="X", notified_on=date(2022, 4, 25), signed_on=signed,
              published_on=date(2022, 5, 9))
    assert a.publish_by == date(2022, 5, 9) and a.findings == ()
    late = award(early, rb, contract_id="X", notified_on=date(2022, 4, 25), signed_on=signed,
                 published_on=date(2022, 5, 10))
    assert [f.code for f in late.findings] == ["award.published_late"]


def test_award_report_states_the_publication_window_the_rulebook_resolves(
    registry: o.PluginHost,
) -> None:
    rb = registry.rulebook("NX")
    report = evaluate(canteen_tender(), canteen_bids(), rb)
    signed = date(2022, 6, 2)
    legal = award(report, rb, contract_id="X", notified_on=date(2022, 5, 25), signed_on=signed)
    assert "（签订之日起2个工作日内）" in legal.explain()
    # a contract term may tighten the legal window: the report says the term's window
    tight = rb.override("procurement.publish_within_working_days", 1,
                        citation="合同 第九条", start=date(2022, 1, 1))
    a = award(report, tight, contract_id="X", notified_on=date(2022, 5, 25), signed_on=signed)
    assert a.publish_by == date(2022, 6, 6)
    assert "合同最迟于 2022-06-06 公告（签订之日起1个工作日内）" in a.explain()


def test_a_flag_in_a_file_reads_true_or_false_not_a_number() -> None:
    from outsourcing.serialize import structure

    raw = {"id": "T", "title": "物业", "purchaser": {"id": "P", "name": "某局"},
           "jurisdiction": "NX", "lines": [{"id": "p", "service": "property", "site": "某处"}],
           "term": {"start": "2023-04-01", "end": "2024-03-31"}, "budget": "900000",
           "evaluated_on": "2023-03-10", "evaluation": "lowest_price", "method": "inquiry",
           "reserved_for_sme": True}
    assert structure(raw, Tender).reserved_for_sme is True
    with pytest.raises(o.OutsourcingError, match="expected true or false"):
        structure({**raw, "reserved_for_sme": 1}, Tender)
