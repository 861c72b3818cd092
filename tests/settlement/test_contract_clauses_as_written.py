"""Clauses of real contracts written as the contract states them (issue 21): each rule here
is checked against figures worked from the clause's words."""

from __future__ import annotations

from pathlib import Path

import pytest

import outsourcing as o
from outsourcing.scenarios import run_files

ROOT = Path(__file__).resolve().parents[2]
CLAUSES = ROOT / "tests" / "scenarios" / "contract_clauses.toml"


def _case(name: str) -> str:
    """One case of the clauses' scenario file, as text (to vary it)."""
    text = CLAUSES.read_text(encoding="utf-8")
    parts = text.split("[[case]]\n")
    [body] = [p for p in parts[1:] if f'name = "{name}' in p]
    return "[[case]]\n" + body


def _run(tmp_path: Path, text: str, registry: o.PluginHost) -> o.scenarios.CaseResult:
    path = tmp_path / "case.toml"
    path.write_text(text, encoding="utf-8")
    [result] = run_files([path], registry)
    return result


def test_a_tier_table_without_bands_takes_the_adopted_default_bands(
    tmp_path: Path, registry: o.PluginHost
) -> None:
    result = _run(tmp_path, _case("采用默认分档表"), registry)
    assert result.passed, result.error or result.mismatches


def test_a_tier_table_without_bands_and_without_adopting_the_default_names_the_field(
    tmp_path: Path, registry: o.PluginHost
) -> None:
    text = _case("采用默认分档表").replace('adopt = ["payment.tier_table"]', "adopt = []")
    result = _run(tmp_path, text, registry)
    assert not result.passed and result.error is not None
    assert "payment.property.rate.bands" in result.error
    assert "payment.tier_table" in result.error


def test_adopting_the_default_tier_table_cites_the_default(registry: o.PluginHost) -> None:
    from datetime import date

    from outsourcing.payment import adopted_rate

    rb = registry.rulebook("CN")
    rate = adopted_rate({"kind": "tier_table"}, rb, date(2024, 1, 1), ["*"])
    assert rate["rule_id"] == "payment.tier_table"
    assert rate["citation"].startswith("illustrative:")
    assert [b["min_score"] for b in rate["bands"]] == [95, 85, 75, 65, 60, 0]
    own = {"kind": "tier_table", "bands": [{"min_score": 0, "rate": "1"}]}
    assert adopted_rate(own, rb, date(2024, 1, 1), []) == own
    with pytest.raises(o.OutsourcingError) as exc:
        adopted_rate({"kind": "tier_table"}, rb, date(2024, 1, 1), ["payment.holdback"])
    assert exc.value.code == "payment.tier_table_bands" and exc.value.field == "rate.bands"


def test_a_second_inquiry_quote_is_a_refusal_a_scenario_expects_by_its_rule(
    tmp_path: Path, registry: o.PluginHost
) -> None:
    text = _case("询价 a second quote")
    assert _run(tmp_path, text, registry).passed
    wrong = text.replace('refused = "procurement.nontender.inquiry_one_quote"',
                         'refused = "procurement.bid_invalid_unqualified"')
    result = _run(tmp_path, wrong, registry)
    assert not result.passed
    assert [m.path for m in result.mismatches] == ["expect.tender.refused"]
    unexpected = text.replace('refused = "procurement.nontender.inquiry_one_quote"', "")
    result = _run(tmp_path, unexpected, registry)
    assert result.error is not None and "bids[3]" in result.error
    assert "procurement.nontender.inquiry_one_quote" in result.error


def test_too_few_suppliers_in_a_consultation_is_expected_by_the_code_that_ends_it(
    tmp_path: Path, registry: o.PluginHost
) -> None:
    text = _case("磋商 two responsive suppliers")
    assert _run(tmp_path, text, registry).passed
    wrong = text.replace('failed = "consultation.too_few_suppliers"',
                         'failed = "inquiry.too_few_suppliers"')
    result = _run(tmp_path, wrong, registry)
    assert [(m.path, m.actual) for m in result.mismatches] == [
        ("expect.tender.failed", "consultation.too_few_suppliers")]


def test_a_contract_replaces_an_illustrative_default_in_either_direction(
    registry: o.PluginHost,
) -> None:
    from datetime import date

    rb = registry.rulebook("CN")
    assert rb.parameter("changes.max_backdating_days").illustrative
    for days in (30, 90):
        own = rb.override("changes.max_backdating_days", days, citation="合同 第十五条")
        assert own.value("changes.max_backdating_days", date(2024, 6, 1)) == days


def test_a_legal_ceiling_stays_a_ceiling_and_the_error_prints_no_installation_path(
    registry: o.PluginHost,
) -> None:
    from decimal import Decimal

    from outsourcing.errors import RuleLoadError

    rb = registry.rulebook("NX")
    with pytest.raises(RuleLoadError) as exc:
        rb.override("changes.supplementary_cap", Decimal("0.15"), citation="合同 第九条")
    err = exc.value
    assert err.code == "rule.loosens_legal_limit" and err.rule_id == "changes.supplementary_cap"
    installed = str(Path(o.__file__).resolve().parent.parent)
    for text in (str(err), err.message_zh, err.reason):
        assert installed not in text and str(ROOT) not in text
    assert "data/CN/changes/supplementary_cap.toml" in str(err)
    assert "第四十九条" in err.message_zh and "不能放宽" in err.message_zh


def test_the_contract_backdating_limit_is_a_scenario_clause(
    tmp_path: Path, registry: o.PluginHost
) -> None:
    text = _case("追溯期 as the contract states it")
    assert _run(tmp_path, text, registry).passed
    silent = _run(tmp_path, text.replace("value = 90", "value = 60"), registry)
    assert [m.path for m in silent.mismatches][:1] == ["changes[BC-2024-01]"]


# --- unit prices to four decimals (单价至多四位小数) --------------------------------------

def _area_contract(area: str, rate: str, months: int = 12) -> o.Contract:
    from datetime import date, timedelta

    from dateutil.relativedelta import relativedelta

    start = date(2024, 1, 1)
    return o.Contract(
        id="NX-2024-701", title="绿化养护", jurisdiction="CN",
        purchaser=o.Purchaser("P-1", "宁夏回族自治区机关事务管理局"),
        supplier=o.Supplier("S-1", "宁夏某园林绿化有限公司", "small"),
        term=o.DateRange(start, start + relativedelta(months=months) - timedelta(days=1)),
        lines=[o.ServiceLine("greening", "greening", "自治区政府办公区",
                             o.AreaRate(area, rate))])


def test_a_unit_price_to_four_decimals_makes_amounts_rounded_once_to_the_fen() -> None:
    from fractions import Fraction

    c = _area_contract("42350.6", "3.865")
    rate = c.lines[0].pricing.rate  # type: ignore[union-attr]
    assert isinstance(rate, o.money.UnitPrice) and rate.format() == "¥3.865"
    # 42,350.6 × 3.865 = 163,685.069 a month; the year 1,964,220.828 → ¥1,964,220.83
    assert Fraction("42350.6") * Fraction("3.865") == Fraction("163685.069")
    assert c.lines_amount == o.Money("1964220.83")
    assert c.line_amount("greening", o.Period.parse("2024-01").range) == o.Money("163685.07")


def test_a_unit_price_in_whole_fen_is_money_as_before() -> None:
    rate = _area_contract("12000", "3.50").lines[0].pricing.rate  # type: ignore[union-attr]
    assert type(rate) is o.Money and str(rate) == "3.50"


@pytest.mark.parametrize("field", ["rate", "unit_price"])
def test_a_unit_price_with_five_decimals_is_refused_in_chinese_naming_the_field(
    field: str,
) -> None:
    with pytest.raises(o.OutsourcingError) as exc:
        if field == "rate":
            o.AreaRate("42350.6", "3.86512")
        else:
            o.UnitRate("3.86512", "100", "次")
    err = exc.value
    assert err.code == "money.unit_price_places" and err.field == field
    assert "至多4位小数" in err.message_zh and "3.86512" in str(err)


def test_a_unit_price_to_four_decimals_reads_back_from_json() -> None:
    from outsourcing.serialize import from_json, to_json

    c = _area_contract("42350.6", "3.865")
    text = to_json(c)
    assert '"rate": "3.865"' in text
    assert from_json(text, o.Contract) == c


def test_a_scenario_unit_price_with_five_decimals_names_its_path(
    tmp_path: Path, registry: o.PluginHost
) -> None:
    text = _case("绿化养护").replace('rate = "3.865"', 'rate = "3.86512"')
    result = _run(tmp_path, text, registry)
    assert result.error is not None
    assert "contract.lines[0].pricing" in result.error and "rate" in result.error
    assert "4 decimal places" in result.error


# --- the holdback's base (暂扣款基数: 考核费用) --------------------------------------------

def test_a_holdback_on_the_contract_fee_holds_a_share_of_the_fee_not_of_the_earned_amount(
    tmp_path: Path, registry: o.PluginHost
) -> None:
    text = _case("考核费用")
    assert _run(tmp_path, text, registry).passed
    earned = text.replace('base = "fee", ', "").replace(
        'holdback = "5000.00"                  #', 'holdback = "4750.00"                  #'
    ).replace('payable = "90000.00"', 'payable = "90250.00"').replace(
        'held_balance = "5000.00"', 'held_balance = "4750.00"')
    assert _run(tmp_path, earned, registry).passed  # silent: the default, the earned amount


def test_a_holdback_base_that_names_no_fee_is_refused_in_chinese_naming_the_field(
    tmp_path: Path, registry: o.PluginHost
) -> None:
    from decimal import Decimal

    from outsourcing.payment import Holdback

    with pytest.raises(o.OutsourcingError) as exc:
        Holdback(Decimal("0.05"), base="合同费用")
    assert exc.value.code == "payment.holdback_base_unknown" and exc.value.field == "base"
    assert "暂扣款基数" in exc.value.message_zh
    text = _case("考核费用").replace('base = "fee"', 'base = "monthly"')
    result = _run(tmp_path, text, registry)
    assert result.error is not None and "payment.property.holdback" in result.error
    assert "base" in result.error


def test_a_holdback_on_the_fee_is_never_more_than_the_earned_amount(registry: o.PluginHost) -> None:
    from datetime import date
    from decimal import Decimal

    from outsourcing.payment import (
        ContractRules,
        FullPay,
        Holdback,
        IncidentDeductions,
        PaymentRule,
    )
    from outsourcing.settlement import prepare

    c = _area_contract("1000", "10.00")  # ¥10,000.00 a month
    rule = PaymentRule(FullPay(), deductions=IncidentDeductions({"complaint": "9800.00"}),
                       holdback=Holdback(Decimal("0.05"), base="fee"))
    pc = prepare(c, registry.rulebook("CN"), rules={"greening": rule},
                 contract_rules=ContractRules(), adopt=["*"])
    a = o.Assessment("greening", o.Period.parse("2024-01"), "考核小组", date(2024, 1, 31),
                     metrics=[o.Metric(k.id, k.target) for k in pc.lines[0].kpis.specs],
                     incidents=[o.Incident("complaint", date(2024, 1, 10))])
    line = pc.settle("2024-01", [a]).line("greening")
    # earned 10,000.00 − 9,800.00 = 200.00; 5% of the fee would be 500.00: 200.00 is held
    assert (line.deductions_applied, line.holdback, line.payable) == (
        o.Money("9800.00"), o.Money("200.00"), o.Money("0.00"))


# --- a period rounded on its own; a literal split (每期单独取整; 全年 × 1/4) ---------------

from datetime import date as _date  # noqa: E402
from fractions import Fraction  # noqa: E402

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


def _contract(pricing: object, *, schedule: str = "quarterly", rounding: str = "running",
              start: _date = _date(2025, 1, 1), end: _date = _date(2025, 12, 31)) -> o.Contract:
    return o.Contract(
        id="NX-2025-901", title="物业服务", jurisdiction="CN",
        purchaser=o.Purchaser("P-1", "宁夏回族自治区机关事务管理局"),
        supplier=o.Supplier("S-1", "宁夏某物业服务有限公司", "small"),
        term=o.DateRange(start, end), schedule=schedule, rounding=rounding,
        lines=[o.ServiceLine("property", "property", "办公区", pricing)])  # type: ignore[arg-type]


def _fees(c: o.Contract, registry: o.PluginHost) -> list[int]:
    from outsourcing.settlement import prepare

    return list(prepare(c, registry.rulebook("CN"), adopt=["*"]).lines[0].fees)


def _r(x: Fraction) -> int:
    return int((x * 100 + Fraction(1, 2)).__floor__())


_areas = st.integers(1, 5_000_000).map(lambda n: f"{n // 10}.{n % 10}")
_rates = st.integers(1, 999_999).map(lambda n: f"{n // 10000}.{n % 10000:04d}")


@given(area=_areas, rate=_rates, quarterly=st.booleans(),
       start=st.sampled_from([_date(2024, 1, 1), _date(2024, 3, 16), _date(2025, 2, 1)]))
def test_periods_rounded_on_their_own_add_to_their_own_term_total(
    registry: o.PluginHost, area: str, rate: str, quarterly: bool, start: _date
) -> None:
    from dateutil.relativedelta import relativedelta

    c = _contract(o.AreaRate(area, rate, per="year", split="actual_365"),
                  schedule="quarterly" if quarterly else "monthly", rounding="period",
                  start=start, end=start + relativedelta(years=1, days=-1))
    fees = _fees(c, registry)
    sched = c.line_schedules()["property"]
    from outsourcing.accrual import accrue

    for fee, span in zip(fees, c.settlement_ranges(), strict=True):
        exact = sum((accrue(m, p, c.day_count) for s, m in sched
                     if (p := s.overlap(span)) is not None), Fraction(0))
        assert fee == _r(exact)  # each period: its exact amount, rounded once
    assert sum(fees) == c.lines_amount.fen == c.line_amount("property").fen


@given(area=_areas, rate=_rates)
def test_a_sub_fen_unit_price_times_a_quantity_rounds_once_per_line_period(
    registry: o.PluginHost, area: str, rate: str
) -> None:
    monthly = Fraction(area) * Fraction(rate)
    c = _contract(o.AreaRate(area, rate), schedule="monthly", rounding="period")
    assert _fees(c, registry) == [_r(monthly)] * 12
    running = _fees(_contract(o.AreaRate(area, rate), schedule="monthly"), registry)
    assert sum(running) == _r(12 * monthly)  # the running total: the year rounded once
    assert all(abs(f - _r(monthly)) <= 1 for f in running)


@given(fen=st.integers(0, 10**11), quarterly=st.booleans())
def test_a_literal_split_differs_from_the_exact_split_by_at_most_periods_less_one_fen(
    registry: o.PluginHost, fen: int, quarterly: bool
) -> None:
    year = o.Money.from_fen(fen)
    n = 4 if quarterly else 12
    schedule = "quarterly" if quarterly else "monthly"
    literal = _fees(_contract(o.AnnualFee(year, split="literal"), schedule=schedule), registry)
    exact = _fees(_contract(o.AnnualFee(year), schedule=schedule), registry)
    assert literal == [_r(Fraction(fen, 100 * n))] * n  # 全年 × 1/n, each computed literally
    assert sum(exact) == fen
    gap = sum(literal) - sum(exact)
    assert abs(gap) <= n - 1
    # and the statement says so
    from outsourcing.settlement import prepare

    pc = prepare(_contract(o.AnnualFee(year, split="literal"), schedule=schedule),
                 registry.rulebook("CN"), adopt=["*"])
    [fee] = [e for e in pc.settle(pc.periods[0], []).all_explanations()
             if e.figure == "合同费用"]
    assert fee.rule_id == "accrual.literal_split"
    assert dict(fee.inputs)["与全年之差"] == (f"{gap:+d} 分" if gap else "0 分")


def test_a_literal_split_of_a_term_that_is_not_whole_periods_is_refused_naming_the_field(
    tmp_path: Path, registry: o.PluginHost
) -> None:
    with pytest.raises(o.OutsourcingError) as exc:
        _contract(o.AnnualFee("1000000.01", split="literal"), start=_date(2025, 1, 15),
                  end=_date(2026, 1, 14))
    err = exc.value
    assert err.code == "model.literal_split_periods"
    assert err.field == "lines[0].pricing.split"
    assert "整数个结算期（季度）" in err.message_zh
    text = _case("全年 × 1/4").replace("term = { start = 2025-01-01, end = 2025-12-31 }",
                                      "term = { start = 2025-01-01, end = 2025-12-15 }")
    result = _run(tmp_path, text, registry)
    assert result.error is not None and "lines[0].pricing.split" in result.error


def test_a_rounding_that_names_no_rule_is_refused_naming_the_field() -> None:
    with pytest.raises(o.OutsourcingError) as exc:
        _contract(o.FixedMonthly("100.00"), rounding="quarterly")
    assert exc.value.field == "rounding"


# --- bids priced as contracts are (投标报价的计价方式) -------------------------------------

@given(monthly=st.lists(st.integers(50_000_00, 80_000_00), min_size=3, max_size=3),
       yearly=st.lists(st.booleans(), min_size=3, max_size=3))
def test_a_bid_priced_per_year_and_per_month_over_the_term_scores_the_same(
    registry: o.PluginHost, monthly: list[int], yearly: list[bool]
) -> None:
    import attrs
    from procurement_method_cases import property_consultation, property_responses

    from outsourcing.procurement import evaluate

    tender = attrs.evolve(property_consultation(purchase_of_services=True),
                          budget=o.Money("1000000"))
    rb = registry.rulebook("NX")

    def bids(as_year: list[bool]) -> list[object]:
        out = []
        for b, fen, y in zip(property_responses(), monthly, as_year, strict=True):
            price = (o.AnnualFee(o.Money.from_fen(12 * fen)) if y
                     else o.FixedMonthly(o.Money.from_fen(fen)))
            out.append(attrs.evolve(b, prices={"property": price}, rounds=()))
        return out

    per_month = evaluate(tender, bids([False] * 3), rb)  # type: ignore[arg-type]
    mixed = evaluate(tender, bids(yearly), rb)  # type: ignore[arg-type]
    assert [(e.bid.id, e.bid_price.value, e.total) for e in mixed.ranked] == [
        (e.bid.id, e.bid_price.value, e.total) for e in per_month.ranked]
    assert [e.bid.id for e in mixed.excluded] == [e.bid.id for e in per_month.excluded]
    for e in mixed.ranked:  # evaluated on the term's total: 12 months
        assert e.bid_price.value == o.Money.from_fen(12 * monthly[int(e.bid.id[1]) - 1])


def test_a_bid_in_a_shape_a_contract_line_has_is_read_and_anything_else_refused_in_chinese(
) -> None:
    from outsourcing.procurement import Bid

    s = o.Supplier("SUP-1", "宁夏甲物业服务有限公司", "small")
    term = o.DateRange(_date(2025, 1, 1), _date(2025, 12, 31))
    for shape, total in ((o.AnnualFee("1188000.00"), "1188000.00"),
                         (o.AreaRate("20000", "5.10"), "1224000.00"),
                         (o.TermTotal("1150000.00", term), "1150000.00"),
                         (o.AreaRate("42350.6", "3.865"), "1964220.83")):
        assert Bid("W", s, {"property": shape}).price_over(term) == o.Money(total)
    with pytest.raises(o.OutsourcingError) as exc:
        Bid("W", s, {"property": {"kind": "annual_fee"}})
    err = exc.value
    assert err.code == "procurement.price_shape" and err.field == "prices[property]"
    assert "计价方式" in err.message_zh and "is not money" not in str(err)
