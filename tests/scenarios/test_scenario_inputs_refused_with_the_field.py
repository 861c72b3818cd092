"""A scenario file the runner cannot use is refused with the field named — never an internal
error (场景文件有误时指明字段，不得内部出错).  Each input below crashed the runner once
(issue 25): ``outsourcing test`` reported ``internal error`` and ``settle`` exited 3."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from outsourcing.scenarios import INTERNAL, run_files

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "tests" / "scenarios"


def _first_case(name: str) -> str:
    """The first case of a scenario file of the suite, as text."""
    text = (SCENARIOS / name).read_text(encoding="utf-8")
    start = text.index("[[case]]")
    end = text.find("[[case]]", start + 1)
    return text[start:] if end < 0 else text[start:end]


def _tier_case() -> str:
    return _first_case("payments_worked_examples.toml")  # settles 2022-10, a tier table


def _changes_case() -> str:
    return _first_case("october_2022_changes.toml")  # signs changes against `today`


def _fire_tender_case() -> str:
    text = (SCENARIOS / "procurement_worked_examples.toml").read_text(encoding="utf-8")
    start = text.rindex("[[case]]", 0, text.index("例3 石嘴山消防维保"))
    return text[start:text.index("[[case]]", start + 1)]


def _terms_case() -> str:
    return _first_case("payment_terms.toml")  # adjustments, a downgrade, three sites


def _before(case: str, marker: str, insert: str) -> str:
    i = case.index(marker)
    return case[:i] + insert + "\n\n" + case[i:]


CASES = {
    "today_a_datetime": (
        lambda: _changes_case().replace("today = 2022-12-31", "today = 2022-12-31T10:00:00"),
        "case[0].today", "a date and time"),
    "arrays_nested_3000_deep": (
        lambda: _tier_case().replace('title = "自治区政府办公区物业服务"',
                                     "title = " + "[" * 3000 + "]" * 3000),
        "title", "nested deeper than 64 levels"),
    "expected_score_snan": (
        lambda: _tier_case().replace('score = "94.02"', 'score = "sNaN"'),
        "case[0].expect.statements[0].lines.property.score", "finite"),
    "expected_rate_snan_percent": (
        lambda: _tier_case().replace('rate = "98%"', 'rate = "sNaN%"'),
        "case[0].expect.statements[0].lines.property.rate", "finite"),
    "tier_table_zero": (
        lambda: _before(_tier_case(), "[case.contract]",
                        '[case.rules."payment.tier_table"]\nvalue = 0'),
        "case[0].rules.payment.tier_table", "a list of tables with min_score and rate"),
    "max_backdating_days_minus_two_to_the_63": (
        lambda: _before(_changes_case(), "[case.contract]",
                        '[case.rules."changes.max_backdating_days"]\n'
                        f"value = {-2 ** 63}\ncitation = \"合同 第八条\""),
        "case[0].rules.changes.max_backdating_days", "days must be from 0 to 36,525"),
    "qualification_rule_a_table": (
        lambda: _before(_fire_tender_case(), "[case.tender]",
                        '[case.rules."qualification.fire_maintenance"]\n'
                        'value = { kind = "x" }\ncitation = "合同"'),
        "case[0].rules.qualification.fire_maintenance", "a list of tables, each with its kind"),
    # found by the cli fuzz target (issue 25): a table where a payment rule's citation is
    # was accepted, and the rule then failed to hash (internal error: unhashable dict)
    "adjustments_citation_a_table": (
        lambda: _terms_case().replace('citation = "合同 第十二条"',
                                      'citation = { name = "综合", points = 95 }'),
        "citation", "must be a non-empty string"),
    "downgrade_citation_a_table": (
        lambda: _terms_case().replace('citation = "合同 第十三条"', "citation = {}"),
        "citation", "must be a non-empty string"),
    "downgrade_rule_id_a_list": (
        lambda: _terms_case().replace('citation = "合同 第十三条"', "rule_id = [1]"),
        "rule_id", "must be a non-empty string"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_bad_scenario_input_is_refused_naming_its_field(name: str, tmp_path: Path) -> None:
    make, field, why = CASES[name]
    path = tmp_path / f"{name}.toml"
    path.write_text(make(), encoding="utf-8")
    [result] = run_files([path])
    assert result.error is not None and not result.error.startswith(INTERNAL), result.error
    assert field in result.error and why in result.error, result.error


@pytest.mark.parametrize("name", ["today_a_datetime", "tier_table_zero",
                                  "max_backdating_days_minus_two_to_the_63",
                                  "arrays_nested_3000_deep"])
def test_settle_refuses_a_bad_scenario_input_with_exit_2_not_3(name: str, tmp_path: Path
                                                               ) -> None:
    make, field, why = CASES[name]
    path = tmp_path / f"{name}.toml"
    path.write_text(make(), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "outsourcing", "settle-file", str(path),
                           "--period", "2022-10", "--lang", "en"], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 2, done.stderr
    assert "internal error" not in done.stderr and field in done.stderr and why in done.stderr
