"""Issue 16's reproductions, each a regression test asserting the clear error.

Every bad input ends in the library's own error hierarchy, naming the field, a short excerpt
of the value, the rule where one applies, a stable ``code`` and a Chinese message; nothing
hangs; money is never changed silently.
"""

from __future__ import annotations

import io
import re
import time
from contextlib import redirect_stderr, redirect_stdout
from datetime import date
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

import outsourcing as o
from outsourcing.cli import main
from outsourcing.dates import PeriodKind
from outsourcing.money import allocate
from outsourcing.rules import load_parameter_file
from outsourcing.scenarios import ScenarioError, load_file, run_case, run_files
from outsourcing.serialize import from_json, to_json

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = (ROOT / "tests" / "scenarios" / "core_contract.toml").read_text(encoding="utf-8")
RULE = (ROOT / "src" / "outsourcing" / "data" / "CN" / "changes" /
        "supplementary_cap.toml").read_text(encoding="utf-8")


def _fast(fn: object, seconds: float = 1.0) -> None:
    t0 = time.perf_counter()
    try:
        fn()  # type: ignore[operator]
    finally:
        assert time.perf_counter() - t0 < seconds


# --- money ------------------------------------------------------------------------------------
def test_money_is_exact_to_the_fen_for_a_thousand_trillion_yuan() -> None:
    m = o.Money("999999999999999.99")
    assert m.fen == 99999999999999999
    assert str(o.Money("123456789012345678.91")) == "123456789012345678.91"


def test_money_beyond_the_limit_is_refused_not_rounded() -> None:
    with pytest.raises(o.MoneyError) as e:
        o.Money("12345678901234567890123456789.12")
    assert e.value.code == "money.out_of_range" and e.value.zh.startswith("金额超出范围")


def test_money_that_is_not_whole_fen_is_refused_however_written() -> None:
    for text in ("1E-999999999", "0.001", "1.005", "0.0000000000000000000000000000001"):
        with pytest.raises(o.MoneyError) as e:
            o.Money(text)
        assert e.value.code in ("money.not_whole_fen", "money.out_of_range"), text
    assert o.Money("1.000").fen == 100  # trailing zeros are whole fen


def test_an_amount_with_a_huge_exponent_is_refused_at_once() -> None:
    for text in ("1e999999", "1e-999999999", "9" * 5000):
        with pytest.raises(o.MoneyError):
            _fast(lambda t=text: o.Money(t))


def test_a_rate_with_a_huge_exponent_is_refused_at_once() -> None:
    with pytest.raises(o.MoneyError) as e:
        _fast(lambda: o.Money("100") * Decimal("1e999999"))
    assert e.value.code == "money.rate.out_of_range"


@pytest.mark.parametrize("value, code", [
    (0.3, "payment.float_share"), (True, "payment.float_share"), ("三成", "payment.not_a_share"),
    ([1], "payment.not_a_share"), ("NaN", "payment.share_range"), ("1.5", "payment.share_range"),
    ("-0.1", "payment.share_range"), ("1e-999999", "payment.share.out_of_range"),
    ("1e999999999", "payment.share.out_of_range")])
def test_a_payment_share_is_read_by_the_exact_number_reader_keeping_its_codes(
    value: object, code: str,
) -> None:
    from outsourcing.plan import Instalment
    with pytest.raises(o.ModelError) as e:
        _fast(lambda: Instalment("signing", value))  # type: ignore[arg-type]
    assert e.value.code == code and e.value.term == "付款比例"
    assert Instalment("signing", " 0.30 ").share == Decimal("0.30")


@pytest.mark.parametrize("value, code", [
    (0.0005, "model.float_rate"), ("万分之五", "model.not_a_number"), ({}, "model.not_a_number"),
    ("-0.0005", "model.negative"), ("Infinity", "model.negative"),
    ("1e999999999", "model.late_interest_daily.out_of_range"),
    ("1e-999999", "model.late_interest_daily.out_of_range")])
def test_an_agreed_daily_interest_rate_is_read_by_the_exact_number_reader_keeping_its_codes(
    contract: o.Contract, value: object, code: str,
) -> None:
    with pytest.raises(o.ModelError) as e:
        _fast(lambda: attrs.evolve(contract, late_interest_daily=value))
    assert e.value.code == code and e.value.field == "late_interest_daily"
    assert attrs.evolve(contract, late_interest_daily="0.0005").late_interest_daily == \
        Decimal("0.0005")


def test_allocate_refuses_what_is_not_money_and_weights() -> None:
    with pytest.raises(o.MoneyError) as e:
        allocate(None, "3")  # type: ignore[arg-type]
    assert e.value.field == "total" and e.value.code == "money.allocate.total"
    with pytest.raises(o.MoneyError) as e:
        allocate(72, 72)  # type: ignore[arg-type]
    assert e.value.field == "total"
    with pytest.raises(o.MoneyError) as e:
        allocate(o.Money("72"), 72)  # type: ignore[arg-type]
    assert e.value.field == "weights" and "权重须为列表" in e.value.zh


# --- JSON -------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, shape", [("[]", "an array"), ("0", "a number"),
                                         ('"x"', "a string"), ("null", "null")])
def test_json_whose_top_level_is_not_an_object_is_a_serialization_error(text: str,
                                                                        shape: str) -> None:
    with pytest.raises(o.SerializationError) as e:
        from_json(text, o.Contract)
    assert e.value.code == "serialization.not_object" and shape in str(e.value)


def test_json_nested_thousands_of_levels_is_refused_before_parsing() -> None:
    with pytest.raises(o.SerializationError) as e:
        _fast(lambda: from_json("[" * 5000 + "]" * 5000, o.Contract))
    assert e.value.code == "serialization.too_deep"


def test_a_quantity_of_1e999999_in_contract_json_is_refused_at_once(contract: o.Contract
                                                                    ) -> None:
    text = to_json(contract).replace('"quantity": "12"', '"quantity": "1e999999"')
    assert "1e999999" in text
    with pytest.raises(o.SerializationError) as e:
        _fast(lambda: from_json(text, o.Contract))
    assert "$.lines[1].pricing.quantity" in str(e.value) and "out of range" in str(e.value)


def test_json_nan_and_huge_integers_are_refused(contract: o.Contract) -> None:
    text = to_json(contract)
    for bad in (text.replace('"12"', "NaN"), text.replace('"12"', "1" * 5000)):
        with pytest.raises(o.SerializationError):
            from_json(bad, o.Contract)


# --- dates and periods --------------------------------------------------------------------------
def test_dates_past_9998_are_refused_so_the_day_after_always_exists() -> None:
    with pytest.raises(o.DateError) as e:
        o.DateRange("9999-12-31", "9999-12-31")
    assert e.value.code == "date.out_of_range" and e.value.field == "start"
    with pytest.raises(o.DateError) as e:
        o.Period.parse("9999")
    assert e.value.code == "date.out_of_range" and e.value.field == "year"
    assert o.Period.parse("9998").end == date(9998, 12, 31)


def test_a_period_with_a_year_that_is_not_a_number_is_a_date_error() -> None:
    with pytest.raises(o.DateError) as e:
        o.Period("month", "", 4)  # type: ignore[arg-type]
    assert e.value.field == "year" and e.value.code == "date.period.type"
    with pytest.raises(o.DateError) as e:
        o.Period("fortnight", 2022, 1)  # type: ignore[arg-type]
    assert "month, quarter, year" in str(e.value)


# --- model: enum values, codes checked where they enter ---------------------------------------
def test_a_misspelt_supplier_size_names_the_allowed_values() -> None:
    with pytest.raises(o.ModelError) as e:
        o.Supplier("S", "某公司", "smal")  # type: ignore[arg-type]
    assert e.value.field == "size" and e.value.value == "smal"
    assert "large, medium, small, micro" in str(e.value) and e.value.zh
    assert e.value.code == "model.size.unknown"


def test_a_service_code_of_the_wrong_form_is_refused_when_the_line_is_built() -> None:
    with pytest.raises(o.ModelError) as e:
        o.ServiceLine("L", "Elevator Maintenance", "A区", o.FixedMonthly("1"))
    assert e.value.field == "service" and e.value.code == "model.service.form"


def test_an_unknown_service_code_is_never_paid(contract: o.Contract, registry: o.PluginHost
                                               ) -> None:
    typo = attrs.evolve(contract, lines=[
        attrs.evolve(contract.lines[1], service="elevator_maintenence")])
    rb = registry.rulebook("CN")
    for use in (lambda: o.settle(typo, "2022-10", [], rb), lambda: o.prepare(typo, rb),
                lambda: typo.check(rb)):
        with pytest.raises(o.ModelError) as e:
            use()
        assert e.value.code == "model.service.unknown"
        assert e.value.field == "lines[0].service" and "elevator_maintenance" in str(e.value)


def test_an_unknown_jurisdiction_code_is_refused_when_first_used(contract: o.Contract,
                                                                 registry: o.PluginHost) -> None:
    with pytest.raises(o.ModelError) as e:
        attrs.evolve(contract, jurisdiction="nx")
    assert e.value.code == "model.jurisdiction.form"
    elsewhere = attrs.evolve(contract, jurisdiction="NX-XXX")
    with pytest.raises(o.JurisdictionError) as e2:
        registry.check_known(elsewhere)
    assert e2.value.code == "jurisdiction.unknown" and e2.value.value == "NX-XXX"
    with pytest.raises(o.JurisdictionError):
        o.prepare(elsewhere, registry.rulebook("CN"))


def test_wrong_types_in_the_python_api_name_the_attribute(contract: o.Contract) -> None:
    for name, value in (("lines", "property"), ("budget", "1200000"), ("term", "2022"),
                        ("supplier", None), ("payment_days", "30")):
        with pytest.raises(o.ModelError) as e:
            attrs.evolve(contract, **{name: value})
        assert e.value.field is not None and e.value.field.startswith(name), name


def test_payment_dates_past_9998_are_refused_and_9998_12_31_still_settles_with_late_days(
        contract: o.Contract, registry: o.PluginHost) -> None:
    rb = registry.rulebook("CN")
    with pytest.raises(o.SettlementError) as e:
        o.settle(contract, "2022-10", [], rb, accepted_on=date.max, paid_on=date.max)
    assert e.value.code == "settlement.date_out_of_range"
    s = o.settle(contract, "2022-10", [], rb, accepted_on=date(2022, 11, 5),
                 paid_on=date(9998, 12, 31))
    assert s.paid_on == date(9998, 12, 31) and s.late_days > 2_900_000
    assert s.late_interest == o.Money.ZERO  # nothing assessed, nothing due: no interest


# --- rule parameter files ----------------------------------------------------------------------
def test_a_rule_file_in_gbk_is_refused_saying_so(tmp_path: Path) -> None:
    p = tmp_path / "supplementary_cap.toml"
    p.write_bytes(RULE.encode("gb18030"))
    with pytest.raises(o.RuleLoadError) as e:
        load_parameter_file(p, "changes.supplementary_cap", "CN")
    assert "GBK" in str(e.value) and str(p) in str(e.value)
    assert e.value.code == "rule.load.encoding"


@pytest.mark.parametrize("old, new, field", [
    ("value = 0.10", "value = nan", "values[0].value"),
    ("value = 0.10", 'value = [0.10]', "values[0].value"),
    ("value = 0.10", "value = 1e999999", "values[0].value"),
    ('unit = "ratio"', "unit = 5", "unit"),
    ("[[values]]", "[values]", "values"),
    ('citation = "政府采购法', 'note = 3\ncitation = "政府采购法', "note"),
])
def test_a_rule_file_with_a_value_of_the_wrong_type_names_file_and_key(
        tmp_path: Path, old: str, new: str, field: str) -> None:
    assert old in RULE
    p = tmp_path / "supplementary_cap.toml"
    p.write_text(RULE.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(o.RuleLoadError) as e:
        load_parameter_file(p, "changes.supplementary_cap", "CN")
    assert field in str(e.value) and str(p) in str(e.value)


def test_yuan_in_a_rule_file_is_a_string_or_whole_yuan(tmp_path: Path) -> None:
    text = (ROOT / "src" / "outsourcing" / "data" / "CN" / "procurement" /
            "sme_reserved_threshold.toml").read_text(encoding="utf-8")
    p = tmp_path / "t.toml"
    p.write_text(text.replace("value = 2000000", "value = 2000000.50"), encoding="utf-8")
    with pytest.raises(o.RuleLoadError) as e:
        load_parameter_file(p, "procurement.sme_reserved_threshold", "CN")
    assert "string" in str(e.value)


# --- scenario files -------------------------------------------------------------------------
def _scenario(tmp_path: Path, text: str, name: str = "case.toml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize("encoding, looks", [("gb18030", "GBK"), ("utf-16", "UTF-16")])
def test_a_scenario_file_not_in_utf8_says_what_it_looks_like(tmp_path: Path, encoding: str,
                                                            looks: str) -> None:
    p = tmp_path / "gbk.toml"
    p.write_bytes(SCENARIO.encode(encoding))
    with pytest.raises(ScenarioError) as e:
        load_file(p)
    assert looks in str(e.value) and e.value.code == "scenario.file.encoding"


@pytest.mark.parametrize("text, field", [
    ("case = [1]\n", "case[0]"),
    ("case = 5\n", "case"),
    ('[[case]]\nname = "x"\njurisdiction = "CN"\ncontract = [1]\n', "case[0].contract"),
    ('[[case]]\nname = "x"\njurisdiction = "CN"\ntender = 5\n', "case[0].tender"),
    ('[[case]]\nname = "x"\njurisdiction = ["CN"]\n', "case[0].jurisdiction"),
    ('[[case]]\nname = 5\n', "case[0].name"),
])
def test_a_scenario_entry_of_the_wrong_type_names_file_case_and_field(
        tmp_path: Path, text: str, field: str) -> None:
    p = _scenario(tmp_path, text)
    with pytest.raises(ScenarioError) as e:
        load_file(p)
    assert str(p) in str(e.value) and f"{field}:" in str(e.value)


def test_wrong_types_deeper_in_a_case_fail_the_case_naming_the_field(tmp_path: Path,
                                                                     registry: o.PluginHost
                                                                     ) -> None:
    base = "[[case]]\n" + (ROOT / "tests" / "scenarios" / "payments_worked_examples.toml"
                          ).read_text(encoding="utf-8").split("\n[[case]]\n")[1]
    for old, new, field in (
        ('period = "2022-10"\nassessed_by', 'period = 2022\nassessed_by',
         "case[0].assessments[0].period"),
        ('metrics = [{ kpi = "repair_pass_rate", value = "88" }]',
         'metrics = { kpi = "repair_pass_rate", value = "88" }',
         "case[0].assessments[0].metrics"),
        ('[[case.expect.statements]]\nperiod = "2022-10"',
         '[[case.expect.statements]]\nperiod = ["2022-10"]',
         "case[0].expect.statements[0].period"),
    ):
        assert old in base, old
        cases = load_file(_scenario(tmp_path, base.replace(old, new, 1)))
        r = run_case(cases[0], registry)
        assert r.error is not None and field in r.error and "internal" not in r.error


def test_a_scenario_with_an_unknown_service_fails_naming_file_case_and_field(
        tmp_path: Path, registry: o.PluginHost) -> None:
    p = _scenario(tmp_path, SCENARIO.replace('service = "property"',
                                             'service = "propertee"', 1))
    r = run_files([p], registry)[0]
    assert r.error is not None and str(p) in r.error and "case 1" in r.error
    assert "case[0].contract.lines[0].service" in r.error and "propertee" in r.error


def test_a_scenario_with_an_unknown_jurisdiction_names_the_field(tmp_path: Path,
                                                                 registry: o.PluginHost) -> None:
    jur = re.search(r'jurisdiction = "[A-Z-]+"', SCENARIO)
    assert jur
    p = _scenario(tmp_path, SCENARIO.replace(jur.group(), 'jurisdiction = "XX"', 1))
    r = run_files([p], registry)[0]
    assert r.error is not None and "case[0].jurisdiction" in r.error and "'XX'" in r.error


def test_a_toml_float_is_refused_for_money_in_a_contract_as_under_expect(tmp_path: Path
                                                                         ) -> None:
    fee = re.search(r'monthly_fee = "([0-9.]+)"', SCENARIO)
    assert fee
    p = _scenario(tmp_path, SCENARIO.replace(fee.group(), f"monthly_fee = {fee.group(1)}", 1))
    with pytest.raises(ScenarioError) as e:
        load_file(p)
    assert "monthly_fee" in str(e.value) and "not a float" in str(e.value)


def test_a_huge_quantity_in_a_scenario_is_refused_at_once(tmp_path: Path) -> None:
    fee = re.search(r'monthly_fee = "[0-9.]+"', SCENARIO)
    assert fee
    p = _scenario(tmp_path, SCENARIO.replace(fee.group(),
                                             fee.group() + ', quantity = "1e999999"', 1))
    with pytest.raises(ScenarioError) as e:
        _fast(lambda: load_file(p))
    assert "quantity" in str(e.value) and "out of range" in str(e.value)


# --- the command line ---------------------------------------------------------------------------
def _cli(*args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue() + err.getvalue()


def test_cli_missing_file_is_a_usage_error_exit_2(tmp_path: Path) -> None:
    code, text = _cli("test", str(tmp_path / "nope.toml"))
    assert code == 2 and "nope.toml" in text and "Traceback" not in text


def test_cli_an_unreadable_file_among_several_fails_alone(tmp_path: Path) -> None:
    good = ROOT / "tests" / "scenarios" / "core_contract.toml"
    gbk = tmp_path / "gbk.toml"
    gbk.write_bytes(SCENARIO.encode("gb18030"))
    utf16 = tmp_path / "utf16.toml"
    utf16.write_bytes(SCENARIO.encode("utf-16"))
    binary = tmp_path / "binary.toml"
    binary.write_bytes(bytes(range(256)) * 8)
    code, text = _cli("test", str(gbk), str(good), str(utf16), str(binary))
    assert code == 2
    assert f"PASS  {good}" in text
    assert "GBK" in text and "UTF-16" in text and "binary" in text
    assert "Traceback" not in text


def test_cli_exit_codes_pass_0_fail_1(tmp_path: Path) -> None:
    good = ROOT / "tests" / "scenarios" / "core_contract.toml"
    assert _cli("test", str(good))[0] == 0
    wrong = ROOT / "tests" / "scenario_fixtures" / "wrong_expectation.toml"
    assert _cli("test", str(wrong))[0] == 1
    assert _cli("test")[0] == 2  # no file: argparse usage error
    assert _cli("nonsense")[0] == 2


def test_cli_quotes_only_a_short_excerpt_of_a_huge_value(tmp_path: Path) -> None:
    huge = "壹" * 5_000_000
    p = _scenario(tmp_path, SCENARIO.replace('service = "property"',
                                             f'service = "{huge}"', 1))
    code, text = _cli("test", str(p))
    assert code in (1, 2) and len(text) < 5000 and "壹壹壹" in text
    q = _scenario(tmp_path, f'[[case]]\nname = "{huge}"\njurisdiction = 5\n', "name.toml")
    code, text = _cli("test", str(q))
    assert code == 2 and len(text) < 5000


def test_cli_settle_on_a_binary_file_is_an_input_error(tmp_path: Path) -> None:
    binary = tmp_path / "binary.toml"
    binary.write_bytes(bytes(range(256)) * 8)
    code, text = _cli("settle", str(binary), "--period", "2022-10")
    assert code == 2 and "binary" in text and "Traceback" not in text


# --- docs ---------------------------------------------------------------------------------------
def test_no_doc_points_outside_the_repository() -> None:
    for doc in [*sorted((ROOT / "docs").rglob("*.md")), ROOT / "README.md"]:
        text = doc.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)#\s]+)", text) + re.findall(r"`(\.\./[^`]+)`", text):
            if re.match(r"[a-z]+:", target):
                continue
            path = (doc.parent / target).resolve()
            assert path.is_relative_to(ROOT), f"{doc.name}: {target}"
            assert path.exists(), f"{doc.name}: {target}"


@pytest.mark.parametrize("file, pattern", [
    ("procurement_worked_examples.toml", r'(prices = \{ [a-z_]+ = )"([0-9.]+)"'),
    ("usage_worked_examples.toml", r'(materials = )"([0-9.]+)"'),
    ("payments_worked_examples.toml", r'(\nfee = )"([0-9.]+)"'),
])
def test_money_unquoted_in_a_scenario_is_refused_everywhere_alike(
        tmp_path: Path, registry: o.PluginHost, file: str, pattern: str) -> None:
    text = (ROOT / "tests" / "scenarios" / file).read_text(encoding="utf-8")
    assert re.search(pattern, text)
    p = _scenario(tmp_path, re.sub(pattern, r"\1\2", text, count=1))
    errors = [r.error or "" for r in run_files([p], registry)]
    assert any("not a float or other unquoted decimal number" in e for e in errors), errors


def test_the_report_quotes_a_huge_expected_value_cut_short(tmp_path: Path) -> None:
    huge = "9" * 3_000_000
    text = re.sub(r'original_amount = "[0-9.]+"', f'original_amount = "{huge}"', SCENARIO,
                  count=1)
    assert huge in text
    code, out = _cli("test", str(_scenario(tmp_path, text)))
    assert code == 1 and len(out) < 10_000 and "…" in out


def test_a_term_of_more_than_fifty_years_is_refused_so_figures_stay_fast(
        contract: o.Contract) -> None:
    with pytest.raises(o.ModelError) as e:
        attrs.evolve(contract, term=o.DateRange("1900-01-01", "9998-12-31"))
    assert e.value.code == "model.term.too_long" and e.value.field == "term"


def test_the_last_period_of_the_date_range_has_no_next_and_is_not_asked_for() -> None:
    from outsourcing.dates import periods_between

    span = o.DateRange("9998-01-01", "9998-12-31")
    months = periods_between(span, PeriodKind.MONTH)
    assert len(months) == 12 and str(months[-1]) == "9998-12"
    assert [str(p) for p in periods_between(span, PeriodKind.QUARTER)][-1] == "9998-Q4"


def test_a_registry_file_that_is_not_a_database_is_an_input_error_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_text("not a database", encoding="utf-8")
    with pytest.raises(o.OutsourcingError) as e:
        o.Store.open(str(bad))
    assert e.value.code == "registry.unreachable"
    code, text = _cli("contract", "list", "--db", str(bad))
    assert code == 2 and "无法连接数据库" in text and "internal error" not in text


def test_an_area_or_quantity_with_a_huge_exponent_is_refused_at_once() -> None:
    start = time.perf_counter()
    with pytest.raises(o.ModelError) as e:
        o.AreaRate("1e999999", "3.50")
    assert e.value.code == "model.area.out_of_range"
    assert time.perf_counter() - start < 1
