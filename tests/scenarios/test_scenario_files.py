from __future__ import annotations

import json
from pathlib import Path

import pytest

import outsourcing as o
from outsourcing.cli import main
from outsourcing.payment import LinearFormula
from outsourcing.scenarios import (
    ScenarioError,
    find_case,
    load_file,
    render_results,
    run_files,
    settle_case,
)
from outsourcing.serialize import structure, unstructure
from outsourcing.statement import LineStatus

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "scenario_fixtures"
SCENARIO_FILES = sorted(
    [*(ROOT / "tests" / "scenarios").rglob("*.toml"), *(ROOT / "plugins").rglob("scenarios/*.toml")]
)


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_scenario_file_passes_through_the_outsourcing_test_code_path(
    path: Path, registry: o.PluginHost
) -> None:
    results = run_files([path], registry)
    assert results and all(r.passed for r in results), render_results(results)


def test_there_are_scenario_files() -> None:
    assert len(SCENARIO_FILES) >= 1


def test_a_wrong_expectation_shows_expected_actual_and_the_rule_behind_it(
    registry: o.PluginHost,
) -> None:
    [result] = run_files([FIXTURES / "wrong_expectation.toml"], registry)
    assert not result.passed
    report = render_results([result])
    assert "expect.original_amount: expected 2000000.00, actual 2088000.00" in report
    assert "expect.findings: expected budget.exceeded, actual (none)" in report
    assert "why (依据):" in report and "rounded once half-up" in report
    assert report.endswith("0 passed, 1 failed")


def test_cli_exit_status_is_non_zero_on_any_failure(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", str(FIXTURES / "wrong_expectation.toml")]) == 1
    assert "FAIL" in capsys.readouterr().out
    assert main(["test", str(ROOT / "tests" / "scenarios" / "core_contract.toml")]) == 0


def test_a_syntax_error_names_file_line_and_case() -> None:
    with pytest.raises(ScenarioError) as exc:
        load_file(FIXTURES / "syntax_error.toml")
    msg = str(exc.value)
    assert "syntax_error.toml:" in msg and "case 1" in msg and "budget" in msg


def test_an_unknown_key_names_file_case_and_path() -> None:
    with pytest.raises(ScenarioError) as exc:
        load_file(FIXTURES / "unknown_key.toml")
    msg = str(exc.value)
    assert "unknown_key.toml" in msg and "原合同金额" in msg
    assert "discount" in msg and "case[0].contract" in msg


@pytest.mark.parametrize("name", ["bad_date.toml", "bad_date_string.toml"])
def test_a_date_that_does_not_exist_names_file_case_and_field(name: str) -> None:
    with pytest.raises(ScenarioError) as exc:
        load_file(FIXTURES / name)
    msg = str(exc.value)
    assert name in msg and "case 1" in msg and "end" in msg


def test_money_with_three_decimals_names_file_case_and_field() -> None:
    with pytest.raises(ScenarioError) as exc:
        load_file(FIXTURES / "three_decimals.toml")
    msg = str(exc.value)
    assert "three_decimals.toml" in msg and "case 1" in msg
    assert "case[0].contract.lines[1].pricing" in msg and "fen" in msg


def test_cli_rules_lists_citations(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "NX-SZS", "--on", "2021-11-08"]) == 0
    out = capsys.readouterr().out
    assert "qualification.fire_maintenance" in out and "二级" in out and "第四十九条" in out


def test_cli_unknown_jurisdiction_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "ZZ", "--lang", "en"]) == 2
    assert "unknown jurisdiction" in capsys.readouterr().err


def test_a_wrong_headroom_and_a_wrong_rejection_rule_show_the_trail(
    registry: o.PluginHost,
) -> None:
    [result] = run_files([FIXTURES / "wrong_headroom.toml"], registry)
    report = render_results([result])
    assert "expect.headroom.used: expected 75870.00, actual 75870.97" in report
    assert ("expect.rejected[BC-2022-04].rule: expected term.max_years_conditional, "
            "actual changes.supplementary_cap") in report
    assert "why (依据):" in report
    assert "          补充合同上限 10% → ¥208,800.00  [政府采购法 第四十九条" in report


def test_an_unknown_key_in_a_change_names_the_change_and_the_key() -> None:
    [case] = load_file(FIXTURES / "bad_change_key.toml")
    [result] = run_files([FIXTURES / "bad_change_key.toml"])
    assert case.name.startswith("October 2022")
    assert result.error is not None
    assert "case[0].changes[1].until_when" in result.error
    assert "bad_change_key.toml" in result.error


# --- assessments, statements and `outsourcing settle` --------------------------------------

OCTOBER = ROOT / "tests" / "scenarios" / "october_2022_changes.toml"
PAYMENTS = ROOT / "tests" / "scenarios" / "payments_worked_examples.toml"


def test_a_wrong_statement_expectation_shows_expected_actual_and_the_rule_behind_it(
    registry: o.PluginHost,
) -> None:
    [result] = run_files([FIXTURES / "wrong_statement.toml"], registry)
    assert not result.passed and result.error is None
    report = render_results([result])
    assert "expect.statements[2022-10].payable: expected 78400.00, actual 74480.00" in report
    assert ("property 应付金额 = ¥74,480.00 ← settlement.payable [考核后金额 − 实际扣款 − 暂扣款 "
            "+ 释放暂扣款]") in report
    assert "expect.statements[2022-10].lines.property.rate: expected 100%, actual 98%" in report
    assert ("property 支付比例 = 98% ← payment.tier_table [illustrative: 住宅物业服务合同示例"
            in report)
    assert "(得分=94.02, 档位=≥85" in report
    assert ("expect.statements[2022-10].findings: expected assessment.missing, actual "
            "settlement.no_previous_statement") in (
        report)
    assert "score" not in "".join(m.path for m in result.mismatches)  # 94.02 is right
    assert report.endswith("0 passed, 1 failed")


@pytest.mark.parametrize(("name", "field", "words"), [
    ("bad_assessment_key.toml", "case[0].assessments[0].score", "unknown keys: score"),
    ("bad_assessment_kpi.toml", "case[0].assessments[0].metrics[0].kpi",
     "line property has no KPI 'cleanliness'"),
    ("bad_assessment_points.toml", "case[0].assessments[0].sheets[0].items[1].points",
     "53 points is above its maximum 50"),
    ("bad_assessment_period.toml", "case[0].assessments[0].period",
     "2023-01 is outside the term"),
    ("bad_statement_figure.toml", "case[0].expect.statements[0].payabel", "unknown figure"),
    ("bad_usage_line.toml", "case[0].usage[0]", "it is not settled on actual usage"),
    ("bad_downgrade_tier.toml", "case[0].payment.property.downgrade.to",
     "downgrade to a tier the tier table does not have (its tiers: 优秀, 合格)"),
    ("bad_kpi_not_due_value.toml", "case[0].assessments[0].sheets[0].kpi",
     "指标“季度检查得分”本期不考核（考核周期：每季度（3、6、9、12月）），不应填写考核值"),
    ("bad_kpi_not_applicable.toml", "case[0].assessments[0].not_applicable[0].kpi",
     "合同未约定指标“维修合格率”可标记为不适用，须填写考核值"),
    ("bad_kpi_schedule_month.toml", "case[0].kpis.property[1].schedule",
     "考核月份须为1到12之间的整数，不能为 13"),
])
def test_a_bad_assessment_or_statement_names_file_case_and_field(
    name: str, field: str, words: str, registry: o.PluginHost
) -> None:
    [result] = run_files([FIXTURES / name], registry)
    assert result.error is not None and not result.mismatches
    assert result.error.startswith(f"{FIXTURES / name}: case 1 '物业 October 2022': {field}: ")
    assert words in result.error


def test_an_error_finding_the_case_does_not_list_fails_it(registry: o.PluginHost) -> None:
    """A missing assessment withholds the fee: a case that does not expect it fails."""
    [result] = run_files([FIXTURES / "unexpected_error_finding.toml"], registry)
    assert result.error is None and not result.passed
    [m] = result.mismatches
    assert m.path == "expect.statements[2022-10].findings"
    assert m.actual == "assessment.missing"
    assert any("withheld until it is assessed" in w for w in m.explanation)


def test_october_2022_q4_statements_carry_the_holdback_to_december(
    registry: o.PluginHost,
) -> None:
    [case] = load_file(OCTOBER)
    fees = [settle_case(case, f"2022-{m}", registry).fee for m in (10, 11, 12)]
    assert fees == [o.Money("152064.52"), o.Money("148000.00"), o.Money("159612.90")]
    dec = settle_case(case, "2022-12", registry)
    assert dec.released == o.Money("22802.75")
    assert dec.line("conference").status is LineStatus.NOT_RUNNING
    assert "closed_management" not in [x.line_id for x in dec.lines]  # rejected change


def test_cli_settle_prints_the_statement_as_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["settle", str(OCTOBER), "--period", "2022-10"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("结算单\n合同编号：NXJG-2022-WY-001")
    assert "结算期间：2022-10（2022-10-01 至 2022-10-31）" in out
    assert "【disinfection】消毒消杀 · 自治区政府办公区    已考核" in out
    assert "  应付金额          ¥143,831.84\n" in out
    assert "  逾期利息          ¥862.99\n" in out


def test_cli_settle_prints_json_with_money_as_strings(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["settle", str(PAYMENTS), "--period", "2022-10", "--case", "2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["period"] == "2022-10"
    assert data["totals"]["payable"] == "74480.00"
    assert data["payment"] == {
        "accepted_on": "2022-11-05", "acceptance_due": None, "clock_start": "2022-11-05",
        "payment_days": 30,
        "payment_working_days": False,
        "due_on": "2022-12-05", "paid_on": "2022-12-20", "late_days": 15,
        "late_interest": "558.60", "amount_due": "75038.60"}
    assert data["lines"][0]["explanations"][0]["rule_id"] == "accrual.pro_rata"


@pytest.mark.parametrize(("args", "words"), [
    (["--period", "2023-01"], "--period: period 2023-01 is outside the term"),
    (["--period", "2022-Q4"], "settles by month; 2022-Q4 is a quarter"),
    (["--period", "2022-10", "--case", "no such case"], "--case: no case 'no such case'"),
])
def test_cli_settle_errors_are_clear_with_exit_status_2(
    args: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    file = OCTOBER if "--case" not in args else PAYMENTS
    assert main(["settle-file", str(file), *args, "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"outsourcing: error: {file}") and words in err


def test_cli_settle_asks_which_case_when_a_file_holds_several(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["settle-file", str(PAYMENTS), "--period", "2022-10", "--lang", "en"]) == 2
    assert "holds 10 cases; name one" in capsys.readouterr().err


def test_a_payment_rule_reads_from_a_scenario_table_and_round_trips() -> None:
    rule = structure({
        "rate": {"kind": "linear_formula", "threshold": 90, "offset": 10,
                 "citation": "合同 第十条"},
        "deductions": {"amounts": {"ordinary": "300.00", "trapped_passengers": "2000.00"}},
        "cap": {"share": "0.15"}}, o.PaymentRule)
    assert rule.rate == LinearFormula(90, 10, citation="合同 第十条")
    assert rule.deductions is not None
    assert rule.deductions.amount("trapped_passengers") == o.Money("2000.00")
    assert structure(unstructure(rule), o.PaymentRule) == rule
    assert structure("2022-Q4", o.Period) == o.Period.quarter(2022, 4)
    with pytest.raises(o.SerializationError, match="unknown pay-rate rule"):
        structure({"rate": {"kind": "sliding"}}, o.PaymentRule)


def test_the_complete_example_in_the_docs_passes(
    tmp_path: Path, registry: o.PluginHost
) -> None:
    text = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")
    example = text.split("### A complete example", 1)[1].split("```toml\n", 1)[1]
    file = tmp_path / "example.toml"
    file.write_text(example.split("```", 1)[0], encoding="utf-8")
    results = run_files([file], registry)
    assert len(results) == 1 and results[0].passed, render_results(results)
    assert len(load_file(file)[0].raw["expect"]["statements"]) == 2


# --- tenders (采购与授予) ------------------------------------------------------------------

PROCUREMENT = ROOT / "tests" / "scenarios" / "procurement_worked_examples.toml"


def test_procurement_worked_examples_run_as_scenarios_with_the_tests_figures(
    registry: o.PluginHost,
) -> None:
    cases = load_file(PROCUREMENT)
    assert len(cases) == 8
    assert all(c.contract is None for c in cases)  # tender cases need no [case.contract]
    results = run_files([PROCUREMENT], registry)
    assert all(r.passed for r in results), render_results(results)
    # the file asserts what tests/procurement/test_tender_and_award.py asserts
    text = PROCUREMENT.read_text(encoding="utf-8")
    for figure in ('"27.69"', '"93.02"', '"91.47"', '"87.33"', '"2808000.00"', '"95.33"',
                   '"90.75"', '"86.58"', '"87.63"', '"83.33"', '"69552.00"', '"57408.00"',
                   '"qualification.fire_maintenance"', '"75600.00"', "2021-07-18"):
        assert figure in text


def test_a_wrong_tender_expectation_shows_expected_actual_and_the_rule(
    registry: o.PluginHost,
) -> None:
    [result] = run_files([FIXTURES / "wrong_tender.toml"], registry)
    assert not result.passed and result.error is None
    report = render_results([result])
    assert "expect.tender.winner: expected F2, actual F3" in report
    assert "expect.tender.bids.F2.valid: expected true, actual false" in report
    assert ("资格审查（消防设施维护保养检测机构国家二级资质）: 不通过 — fire: 所持资质已于 "
            "2021-03-31 过期，评审日 2021-06-15 无效 [qualification.fire_maintenance;") in report
    assert "第六十三条(三)" in report
    assert "expect.tender.bids.F2.rank: expected 1, actual (none)" in report
    assert "expect.tender.bids.F3.evaluated_price: expected 75600.00, actual 69552.00" in report
    assert ("评审价 ¥69,552.00 = ¥75,600.00 × (1 − 0.08)，四舍五入到分（仅用于评审，合同价格仍为"
            "投标报价） [procurement.sme_deduction_services;") in report
    assert "expect.award.amount: expected 62400.00, actual 75600.00" in report
    assert "benchmark" not in "".join(m.path for m in result.mismatches)  # 69552.00 is right
    assert report.endswith("0 passed, 1 failed")


@pytest.mark.parametrize(("name", "field", "words"), [
    ("bad_bid_key.toml", "case[0].bids[1].discount", "unknown key; a bid ([[case.bids]]) has"),
    ("bad_bid_line.toml", "case[0].bids[1].prices.canteen",
     "no such line in the tender; its lines: property"),
    ("bad_tender_weights.toml", "case[0].tender.scoring",
     "the weights must sum to 1: 0.30 + 0.50 + 0.10 = 0.90"),
])
def test_a_bad_tender_or_bid_names_file_case_and_field(
    name: str, field: str, words: str, registry: o.PluginHost
) -> None:
    [result] = run_files([FIXTURES / name], registry)
    assert result.error is not None and not result.mismatches
    assert result.error.startswith(
        f"{FIXTURES / name}: case 1 '物业服务招标 2022-05-10': {field}: ")
    assert words in result.error


def _tender_case(tmp_path: Path, extra: str, *, drop: str = "") -> Path:
    """Example 3's first case with ``extra`` appended (``drop`` removed first)."""
    text = PROCUREMENT.read_text(encoding="utf-8")
    block = text.split("[[case]]")[7]  # 例3 石嘴山 2021-06-15, awarded to F3
    file = tmp_path / "tender.toml"
    file.write_text("[[case]]" + block.replace(drop, "") + extra, encoding="utf-8")
    return file


def test_a_tender_refused_by_a_rule_in_force_names_the_field_and_the_rule(
    tmp_path: Path, registry: o.PluginHost
) -> None:
    file = _tender_case(tmp_path, "", drop='sme_deduction = "0.08"')
    [result] = run_files([file], registry)
    assert result.error is not None
    assert ("case[0].tender.sme_deduction: the tender must state the small-and-micro-enterprise "
            "deduction rate, within 0.06–0.10 on 2021-06-15") in result.error
    assert "[rule procurement.sme_deduction_services;" in result.error


def test_the_awarded_contract_is_settled_like_a_written_one(registry: o.PluginHost) -> None:
    case = find_case(load_file(PROCUREMENT), "7")
    assert case.contract is None and "award" in case.raw
    july = settle_case(case, "2021-07", registry)
    assert july.fee == o.Money("6300.00")  # F3's bid price, not its deducted price
    assert july.line("fire").status is LineStatus.MISSING


def test_a_tender_case_without_an_award_has_no_contract_to_check(tmp_path: Path) -> None:
    award = ('[case.award]\ncontract_id = "SZS-2021-XF-01-HT"\nnotified_on = 2021-06-18\n'
             'signed_on = 2021-06-25\n')
    file = _tender_case(tmp_path, "", drop=award)
    assert award in PROCUREMENT.read_text(encoding="utf-8")
    needs = r"case\[0\]\.expect\.original_amount: needs a contract: a \[case\.contract\], or a"
    with pytest.raises(ScenarioError, match=needs):
        load_file(file)
    (tmp_path / "bare.toml").write_text(
        '[[case]]\nname = "no contract"\njurisdiction = "NX"\n', encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"case\[0\]\.contract: a \[case\.contract\] table "
                                            r"\(or a \[case\.tender\]\) is needed"):
        load_file(tmp_path / "bare.toml")


def test_cli_test_runs_tender_cases(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", str(PROCUREMENT)]) == 0
    assert "8 passed, 0 failed" in capsys.readouterr().out
    assert main(["test", str(FIXTURES / "wrong_tender.toml")]) == 1


def test_the_tender_example_in_the_docs_passes(tmp_path: Path, registry: o.PluginHost) -> None:
    text = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")
    example = text.split("### A tender example", 1)[1].split("```toml\n", 1)[1]
    file = tmp_path / "tender_example.toml"
    file.write_text(example.split("```", 1)[0], encoding="utf-8")
    results = run_files([file], registry)
    assert len(results) == 1 and results[0].passed, render_results(results)
    assert load_file(file)[0].raw["expect"]["tender"]["failed"] is True


def test_a_wrong_headroom_after_a_change_and_a_wrong_sum_are_reported(
    registry: o.PluginHost, tmp_path: Path
) -> None:
    text = OCTOBER.read_text(encoding="utf-8")
    text = text.replace('change = "BC-2022-03"            # disinfection added from 10 October '
                        'at ¥28,000.00 a month\nused = "75870.97"',
                        'change = "BC-2022-03"\nused = "75870.00"')
    text = text.replace('payable = "456054.84"', 'payable = "456054.00"')
    bad = tmp_path / "october.toml"
    bad.write_text(text, encoding="utf-8")
    [result] = run_files([bad], registry)
    assert [(m.path, m.expected, m.actual) for m in result.mismatches] == [
        ("expect.headroom_after[BC-2022-03].used", "75870.00", "75870.97"),
        ("expect.sums[2022-10..2022-12].payable", "456054.00", "456054.84"),
    ]
    assert "2022-11: ¥137,788.00" in result.mismatches[1].explanation
