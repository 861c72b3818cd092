"""A parameter file's keys are documented in one table and checked against it; an unknown key
is told which keys are allowed; a jurisdiction's level and code follow the documented scheme;
a table-valued rule that cannot be read names its file and field, not a plugin."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

import outsourcing as o
from outsourcing import Jurisdiction, RuleLoadError, hookimpl
from outsourcing.parameters import FILE_KEYS, VALUE_KEYS, load_parameter_file
from outsourcing.rules import LEVELS

DOCS = Path(__file__).resolve().parents[2] / "docs"
RULE = ('description = "本市补充合同上限"\nunit = "ratio"\nkind = "local"\nlimit = "max"\n'
        '[[values]]\nfrom = 2020-01-01\nvalue = 0.05\ncitation = "某市规定"\n')



def test_the_documented_keys_are_the_keys_a_file_may_hold() -> None:
    text = (DOCS / "rules.md").read_text(encoding="utf-8")
    section = text.split("## The keys of a parameter file", 1)[1].split("\n## ", 1)[0]
    tables = [re.findall(r"^\| `([a-z_]+)` \|", t, re.MULTILINE)
              for t in section.split("| key | holds |")[1:]]
    assert tables == [list(FILE_KEYS), list(VALUE_KEYS)]


def test_a_note_at_the_top_is_told_it_belongs_in_values(tmp_path: Path) -> None:
    p = tmp_path / "cap.toml"
    p.write_text('note = "why"\n' + RULE, encoding="utf-8")
    with pytest.raises(RuleLoadError) as e:
        load_parameter_file(p, "changes.supplementary_cap", "XX")
    assert e.value.code == "rule.load.note_at_top"
    assert "[[values]]" in str(e.value) and "[[values]]" in e.value.message_zh
    assert all(k in str(e.value) for k in FILE_KEYS)


def test_an_unknown_key_lists_the_allowed_ones(tmp_path: Path) -> None:
    p = tmp_path / "cap.toml"
    p.write_text(RULE.replace('citation = "某市规定"', 'citation = "某市规定"\nsource = "x"'),
                 encoding="utf-8")
    with pytest.raises(RuleLoadError) as e:
        load_parameter_file(p, "changes.supplementary_cap", "XX")
    assert e.value.code == "rule.load.value.unknown_key"
    assert all(k in e.value.message_zh for k in VALUE_KEYS)


def test_a_level_outside_the_allowed_levels_is_refused() -> None:
    assert LEVELS == ("national", "region", "city", "district")
    with pytest.raises(o.JurisdictionError) as e:
        Jurisdiction("GD-SZ", "深圳", "Shenzhen", "GD", level="municipal")
    assert e.value.code == "jurisdiction.level" and "district" in e.value.message_zh


def test_every_installed_jurisdiction_follows_the_code_scheme(registry: o.PluginHost) -> None:
    for code, j in registry.jurisdictions.items():
        chain = [x.code for x in registry.rulebook(code).chain]
        if j.level == "national":
            assert code == "CN"
        elif j.level == "region":
            assert re.fullmatch(r"[A-Z]{2}", code) and j.parent == "CN"
        else:
            assert re.fullmatch(r"[A-Z]{2}-[A-Z]{2,4}", code), code
            assert code.split("-")[0] == chain[1], (code, chain)


def test_a_table_valued_rule_file_names_the_file_and_field_not_a_plugin(
        tmp_path: Path, contract: o.Contract) -> None:
    import attrs

    folder = tmp_path / "XX-CITY" / "qualification"
    folder.mkdir(parents=True)
    (folder / "property.toml").write_text(
        'description = "物业资质"\nunit = "table"\nkind = "local"\n[[values]]\n'
        'from = 2020-01-01\nvalue = { kind = "x" }\ncitation = "某市规定"\n', encoding="utf-8")

    class City:
        @hookimpl
        def outsourcing_jurisdictions(self) -> list[Jurisdiction]:
            return [Jurisdiction("XX-CITY", "某市", "a city", "CN", (tmp_path / "XX-CITY",))]

    host = o.load(plugins=["core"], extra=[("city", City())])
    ours = attrs.evolve(contract, jurisdiction="XX-CITY", signed_on=date(2022, 1, 1))
    with pytest.raises(RuleLoadError) as e:
        ours.check(host.rulebook("XX-CITY"))
    assert not isinstance(e.value, o.PluginError)
    assert "XX-CITY/qualification/property.toml" in str(e.value)
    assert (e.value.field, e.value.rule_id) == ("qualification.property",) * 2
    assert e.value.code == "qualification.table_shape"


def test_the_catalogue_says_on_which_day_every_rule_is_resolved(registry: o.PluginHost) -> None:
    from outsourcing.docgen import resolved_on, rules_catalogue

    ids = {p.id for code in registry.jurisdictions
           for p in registry.rulebook(code).parameters()}
    assert sorted(i for i in ids if resolved_on(i) is None) == []
    assert resolved_on("changes.supplementary_cap") is not None
    assert "the day the change is signed" in resolved_on("changes.supplementary_cap") or ""
    text = rules_catalogue(registry)
    assert text.count("Resolved on: ") == text.count("\n### `")
