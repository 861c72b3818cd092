from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import outsourcing as o
from outsourcing import Jurisdiction, RuleLoadError, hookimpl
from outsourcing.rules import Parameter, ParameterValue, Range


def city_plugin(tmp_path: Path, cap: str, code: str = "XX-CITY") -> object:
    folder = tmp_path / code / "changes"
    folder.mkdir(parents=True)
    (folder / "supplementary_cap.toml").write_text(
        'description = "本市补充合同上限"\nunit = "ratio"\nkind = "local"\nlimit = "max"\n'
        f'[[values]]\nfrom = 2020-01-01\nvalue = {cap}\ncitation = "某市规定"\n',
        encoding="utf-8")

    class Plugin:
        @hookimpl
        def outsourcing_jurisdictions(self) -> list[Jurisdiction]:
            return [Jurisdiction(code, "某市", "a city", "CN", (tmp_path / code,))]

    return Plugin()


def test_supplementary_cap_is_ten_percent_by_article_49(registry: o.PluginHost) -> None:
    r = registry.rulebook("CN").resolve("changes.supplementary_cap", date(2022, 10, 1))
    assert r.value == Decimal("0.10")
    assert "政府采购法 第四十九条" in r.citation


def test_sme_price_deduction_range_changes_on_2022_07_01(registry: o.PluginHost) -> None:
    rb = registry.rulebook("CN")
    assert rb.value("procurement.sme_deduction_services", date(2022, 6, 30)) == Range(
        Decimal("0.06"), Decimal("0.10"))
    assert rb.value("procurement.sme_deduction_services", date(2022, 7, 1)) == Range(
        Decimal("0.10"), Decimal("0.20"))
    assert "财库〔2022〕19号" in rb.citation("procurement.sme_deduction_services",
                                          date(2022, 7, 1))


def test_national_parameters_from_rules_md(registry: o.PluginHost) -> None:
    rb, on = registry.rulebook("CN"), date(2023, 1, 1)
    assert rb.value("term.max_years_default", on) == 1
    assert rb.value("term.max_years_conditional", on) == 3
    assert rb.value("procurement.min_price_weight_services", on) == Decimal("0.10")
    assert rb.value("procurement.min_price_weight_goods", on) == Decimal("0.30")
    assert rb.value("contract.performance_bond_max", on) == Decimal("0.10")
    assert rb.value("procurement.bid_bond_max", on) == Decimal("0.02")
    assert rb.value("payment.sme_days", on) == 30
    assert rb.value("payment.sme_days_max", on) == 60
    assert rb.value("payment.late_interest_daily", on) == Decimal("0.0005")


def test_payment_rule_cites_the_2025_revision_after_june_2025(registry: o.PluginHost) -> None:
    rb = registry.rulebook("CN")
    assert "第728号" in rb.citation("payment.sme_days", date(2025, 5, 31))
    assert "第802号" in rb.citation("payment.sme_days", date(2025, 6, 1))


def test_a_value_that_ended_leaves_no_value(registry: o.PluginHost) -> None:
    rb = registry.rulebook("CN")
    assert rb.value("qualification.fire_maintenance", date(2021, 11, 8))[0]["level"] == "三级"
    assert rb.value("qualification.fire_maintenance", date(2021, 11, 9)) == []
    with pytest.raises(o.RuleError, match="no value in force"):
        rb.value("procurement.sme_deduction_works", date(2020, 1, 1))


def test_unknown_jurisdiction_is_a_clear_error(registry: o.PluginHost) -> None:
    with pytest.raises(o.JurisdictionError) as exc:
        registry.rulebook("ZZ")
    assert "ZZ" in str(exc.value) and "辖区" in str(exc.value) and "CN" in str(exc.value)


def test_a_city_loosening_the_ten_percent_cap_is_a_load_error_naming_both_files(
    tmp_path: Path,
) -> None:
    reg = o.load(plugins=["core"], extra=[("city", city_plugin(tmp_path, "0.15"))])
    with pytest.raises(RuleLoadError) as exc:
        reg.rulebook("XX-CITY")
    msg = str(exc.value)
    assert "XX-CITY/changes/supplementary_cap.toml" in msg
    assert "data/CN/changes/supplementary_cap.toml" in msg
    assert "第四十九条" in msg and "never loosen" in msg


def test_a_city_may_tighten_the_cap(tmp_path: Path) -> None:
    reg = o.load(plugins=["core"], extra=[("city", city_plugin(tmp_path, "0.05"))])
    rb = reg.rulebook("XX-CITY")
    assert rb.value("changes.supplementary_cap", date(2022, 1, 1)) == Decimal("0.05")
    assert rb.value("changes.supplementary_cap", date(2019, 12, 31)) == Decimal("0.10")
    # before the city's rule takes effect, the national one answers
    assert rb.resolve("changes.supplementary_cap", date(2019, 12, 31)).parameter.source.endswith(
        "CN/changes/supplementary_cap.toml")


def test_contract_term_overrides_an_illustrative_default(registry: o.PluginHost) -> None:
    rb = registry.rulebook("CN")
    assert rb.parameter("settlement.day_count").illustrative
    own = rb.override("settlement.day_count", "30/360", citation="合同 第八条")
    assert own.value("settlement.day_count", date(2022, 1, 1)) == "30/360"
    assert own.citation("settlement.day_count", date(2022, 1, 1)) == "合同 第八条"
    assert rb.value("settlement.day_count", date(2022, 1, 1)) == "actual"  # baseline untouched


def test_a_contract_term_cannot_loosen_a_legal_limit(registry: o.PluginHost) -> None:
    with pytest.raises(RuleLoadError, match="never loosen"):
        registry.rulebook("CN").override("changes.supplementary_cap", Decimal("0.2"),
                                         citation="合同 第九条")


def test_bad_parameter_file_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "BAD"
    folder.mkdir()
    (folder / "x.toml").write_text('description = "x"\nunit = "ratio"\nkind = "law"\n'
                                   '[[values]]\nfrom = 2020-01-01\nvalue = 0.1\n', "utf-8")

    class P:
        @hookimpl
        def outsourcing_jurisdictions(self) -> list[Jurisdiction]:
            return [Jurisdiction("BAD", "坏", "bad", "CN", (folder,))]

    with pytest.raises(RuleLoadError, match=r"x\.toml.*citation|citation.*x\.toml"):
        o.load(plugins=["core"], extra=[("bad", P())]).rulebook("BAD")


values_strategy = st.lists(
    st.tuples(st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)),
              st.integers(min_value=0, max_value=100)),
    min_size=1, max_size=8, unique_by=lambda t: t[0])


@given(values_strategy, st.dates(min_value=date(1999, 1, 1), max_value=date(2031, 12, 31)))
def test_value_on_a_date_is_the_last_value_effective_on_or_before_it(
    raw: list[tuple[date, int]], on: date
) -> None:
    vals = tuple(sorted((ParameterValue(d, v, "c") for d, v in raw), key=lambda p: p.start))
    p = Parameter("x", "x", "x", "count", "law", vals, "CN", "mem")
    earlier = [v for v in vals if v.start <= on]
    found = p.value_on(on)
    if not earlier:
        assert found is None
    else:
        assert found is earlier[-1]
        assert found.value == max(earlier, key=lambda v: v.start).value
    # the value holds until the day before the next value starts
    if found is not None:
        nxt = [v.start for v in vals if v.start > on]
        if nxt:
            assert p.value_on(nxt[0] - timedelta(days=1)) is found
