"""Site cases as data files (tests/site_cases/*.toml), run like scenario files."""

from __future__ import annotations

from pathlib import Path

import pytest

import outsourcing as o
from outsourcing.portfolio.cases import run_site_file

CASES = sorted((Path(__file__).parents[1] / "site_cases").glob("*.toml"))


@pytest.mark.parametrize("path", CASES, ids=[p.name for p in CASES])
def test_every_site_case_file_passes(path: Path, registry: o.PluginHost) -> None:
    results = run_site_file(path, registry)
    assert results
    for r in results:
        assert r.passed, f"{r.name}: {r.mismatches}"


def test_a_wrong_expectation_is_reported_with_expected_and_actual(
        tmp_path: Path, registry: o.PluginHost) -> None:
    text = CASES[0].read_text(encoding="utf-8").replace('at_stake = "54193.55"',
                                                        'at_stake = "50000.00"')
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    first = run_site_file(bad, registry)[0]
    assert first.mismatches == (
        "expect.doubles[0].at_stake: expected 50000.00, actual 54193.55",)


def test_a_malformed_case_names_the_file_and_case(tmp_path: Path,
                                                  registry: o.PluginHost) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[case]]\nname = "无期间"\n[case.expect]\ngaps = []\n', encoding="utf-8")
    with pytest.raises(o.ModelError) as err:
        run_site_file(bad, registry)
    assert err.value.code == "site_case.invalid"
    assert "bad.toml :: 无期间" in str(err.value)
