from __future__ import annotations

from pathlib import Path

import pytest

import outsourcing as o
from outsourcing.cli import main
from outsourcing.scenarios import ScenarioError, load_file, render_results, run_files

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "scenario_fixtures"
SCENARIO_FILES = sorted(
    [*(ROOT / "tests" / "scenarios").rglob("*.toml"), *(ROOT / "plugins").rglob("scenarios/*.toml")]
)


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_scenario_file_passes_through_the_outsourcing_test_code_path(
    path: Path, registry: o.Registry
) -> None:
    results = run_files([path], registry)
    assert results and all(r.passed for r in results), render_results(results)


def test_there_are_scenario_files() -> None:
    assert len(SCENARIO_FILES) >= 1


def test_a_wrong_expectation_shows_expected_actual_and_the_rule_behind_it(
    registry: o.Registry,
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
    assert main(["rules", "ZZ"]) == 2
    assert "unknown jurisdiction" in capsys.readouterr().err


def test_a_wrong_headroom_and_a_wrong_rejection_rule_show_the_trail(
    registry: o.Registry,
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
