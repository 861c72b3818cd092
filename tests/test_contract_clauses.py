"""Clauses of real contracts written as the contract states them (issue 21): each rule here
is checked against figures worked from the clause's words."""

from __future__ import annotations

from pathlib import Path

import pytest

import outsourcing as o
from outsourcing.scenarios import run_files

ROOT = Path(__file__).resolve().parents[1]
CLAUSES = ROOT / "tests" / "scenarios" / "contract_clauses.toml"


def _case(name: str) -> str:
    """One case of the clauses' scenario file, as text (to vary it)."""
    text = CLAUSES.read_text(encoding="utf-8")
    parts = text.split("[[case]]\n")
    [body] = [p for p in parts[1:] if f'name = "{name}' in p]
    return "[[case]]\n" + body


def _run(tmp_path: Path, text: str, registry: o.Registry) -> o.scenarios.CaseResult:
    path = tmp_path / "case.toml"
    path.write_text(text, encoding="utf-8")
    [result] = run_files([path], registry)
    return result


def test_a_tier_table_without_bands_takes_the_adopted_default_bands(
    tmp_path: Path, registry: o.Registry
) -> None:
    result = _run(tmp_path, _case("采用默认分档表"), registry)
    assert result.passed, result.error or result.mismatches


def test_a_tier_table_without_bands_and_without_adopting_the_default_names_the_field(
    tmp_path: Path, registry: o.Registry
) -> None:
    text = _case("采用默认分档表").replace('adopt = ["payment.tier_table"]', "adopt = []")
    result = _run(tmp_path, text, registry)
    assert not result.passed and result.error is not None
    assert "payment.property.rate.bands" in result.error
    assert "payment.tier_table" in result.error


def test_adopting_the_default_tier_table_cites_the_default(registry: o.Registry) -> None:
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
    tmp_path: Path, registry: o.Registry
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
    tmp_path: Path, registry: o.Registry
) -> None:
    text = _case("磋商 two responsive suppliers")
    assert _run(tmp_path, text, registry).passed
    wrong = text.replace('failed = "consultation.too_few_suppliers"',
                         'failed = "inquiry.too_few_suppliers"')
    result = _run(tmp_path, wrong, registry)
    assert [(m.path, m.actual) for m in result.mismatches] == [
        ("expect.tender.failed", "consultation.too_few_suppliers")]


def test_a_contract_replaces_an_illustrative_default_in_either_direction(
    registry: o.Registry,
) -> None:
    from datetime import date

    rb = registry.rulebook("CN")
    assert rb.parameter("changes.max_backdating_days").illustrative
    for days in (30, 90):
        own = rb.override("changes.max_backdating_days", days, citation="合同 第十五条")
        assert own.value("changes.max_backdating_days", date(2024, 6, 1)) == days


def test_a_legal_ceiling_stays_a_ceiling_and_the_error_prints_no_installation_path(
    registry: o.Registry,
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
    tmp_path: Path, registry: o.Registry
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
    tmp_path: Path, registry: o.Registry
) -> None:
    text = _case("绿化养护").replace('rate = "3.865"', 'rate = "3.86512"')
    result = _run(tmp_path, text, registry)
    assert result.error is not None
    assert "contract.lines[0].pricing" in result.error and "rate" in result.error
    assert "4 decimal places" in result.error


# --- the holdback's base (暂扣款基数: 考核费用) --------------------------------------------

def test_a_holdback_on_the_contract_fee_holds_a_share_of_the_fee_not_of_the_earned_amount(
    tmp_path: Path, registry: o.Registry
) -> None:
    text = _case("考核费用")
    assert _run(tmp_path, text, registry).passed
    earned = text.replace('base = "fee", ', "").replace(
        'holdback = "5000.00"                  #', 'holdback = "4750.00"                  #'
    ).replace('payable = "90000.00"', 'payable = "90250.00"').replace(
        'held_balance = "5000.00"', 'held_balance = "4750.00"')
    assert _run(tmp_path, earned, registry).passed  # silent: the default, the earned amount


def test_a_holdback_base_that_names_no_fee_is_refused_in_chinese_naming_the_field(
    tmp_path: Path, registry: o.Registry
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


def test_a_holdback_on_the_fee_is_never_more_than_the_earned_amount(registry: o.Registry) -> None:
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
