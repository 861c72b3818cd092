from __future__ import annotations

import inspect
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import outsourcing as o
from outsourcing import Finding, PluginError, hookimpl
from outsourcing.plugins import ENV_PLUGINS, HookSpecs

DOCS = Path(__file__).resolve().parents[2] / "docs"


class Raising:
    @hookimpl
    def outsourcing_check_contract(self, contract: o.Contract, rulebook: o.RuleBook) -> Any:
        raise ZeroDivisionError("boom")


def test_a_plugin_that_raises_becomes_an_error_naming_plugin_and_hook(
    contract: o.Contract,
) -> None:
    reg = o.load(plugins=["core"], extra=[("fragile-city", Raising())])
    with pytest.raises(PluginError) as exc:
        contract.check(reg.rulebook("CN"))
    assert exc.value.plugin == "fragile-city"
    assert exc.value.hook == "outsourcing_check_contract"
    assert "ZeroDivisionError: boom" in str(exc.value)


def test_a_plugin_declaring_an_unknown_hook_is_refused_at_load() -> None:
    class Typo:
        @hookimpl
        def outsourcing_check_contracts(self) -> None:  # not a hook
            return None

    with pytest.raises(PluginError, match="typo-plugin"):
        o.load(plugins=["core"], extra=[("typo-plugin", Typo())])


def test_environment_variable_limits_which_plugins_load(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_PLUGINS, "core")
    reg = o.load()
    assert reg.plugin_names == ("core",)
    with pytest.raises(o.JurisdictionError):
        reg.rulebook("NX")


def test_api_argument_limits_which_plugins_load() -> None:
    assert "NX" in o.load(plugins=["ningxia"]).jurisdictions
    assert "NX" not in o.load(plugins=["core"]).jurisdictions


def test_asking_for_a_plugin_that_is_not_installed_is_an_error() -> None:
    with pytest.raises(PluginError, match="not installed: nowhere"):
        o.load(plugins=["nowhere"])


def test_plugin_findings_carry_the_plugin_name(contract: o.Contract) -> None:
    class Strict:
        @hookimpl
        def outsourcing_check_contract(self, contract: o.Contract,
                                       rulebook: o.RuleBook) -> list[Finding]:
            return [Finding("strict.always", "always says something")]

    reg = o.load(plugins=["core"], extra=[("strict", Strict())])
    found = [f for f in contract.check(reg.rulebook("CN")) if f.code == "strict.always"]
    assert [f.source for f in found] == ["strict"]


def test_payment_rule_takes_the_first_answer(contract: o.Contract) -> None:
    from outsourcing.payment import default_payment_rule

    class A:
        @hookimpl
        def outsourcing_payment_rule(self, contract: o.Contract, line: o.ServiceLine,
                                     rulebook: o.RuleBook) -> object:
            return tiers if line.service == "property" else None

    reg = o.load(plugins=["core"], extra=[("a", A())])
    rb = reg.rulebook("CN")
    tiers = default_payment_rule(rb, contract.term.start)
    assert reg.payment_rule(contract, contract.line("property"), rb) is tiers
    assert reg.payment_rule(contract, contract.line("elevator"), rb) is None


def test_a_malformed_payment_rule_names_the_plugin_and_the_hook(contract: o.Contract) -> None:
    class Broken:
        @hookimpl
        def outsourcing_payment_rule(self, contract: o.Contract, line: o.ServiceLine,
                                     rulebook: o.RuleBook) -> object:
            return {"tiers": "90%"}

    reg = o.load(plugins=["core"], extra=[("broken_city", Broken())])
    with pytest.raises(o.PluginError) as e:
        o.settle(contract, "2022-10", [], reg.rulebook("CN"))
    assert e.value.plugin == "broken_city"
    assert e.value.hook == "outsourcing_payment_rule"
    assert e.value.code == "plugin.payment_rule.type"
    assert "broken_city" in str(e.value) and "dict" in str(e.value)


def test_hooks_run_once_per_contract_not_per_line(contract: o.Contract) -> None:
    calls: list[str] = []

    class Counter:
        @hookimpl
        def outsourcing_check_contract(self, contract: o.Contract,
                                       rulebook: o.RuleBook) -> list[Finding]:
            calls.append(contract.id)
            return []

    reg = o.load(plugins=["core"], extra=[("counter", Counter())])
    contract.check(reg.rulebook("CN"))
    assert calls == [contract.id]


def test_trace_switch_prints_hook_calls(contract: o.Contract,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    reg = o.load(plugins=["core"], trace=True)
    contract.check(reg.rulebook("CN"))
    assert "core.outsourcing_check_contract(contract, rulebook)" in capsys.readouterr().err


def test_every_hook_is_documented_with_its_signature() -> None:
    text = (DOCS / "plugins.md").read_text(encoding="utf-8")
    hooks = [n for n in dir(HookSpecs) if n.startswith("outsourcing_")]
    assert len(hooks) >= 5
    for name in hooks:
        params = [p for p in inspect.signature(getattr(HookSpecs, name)).parameters
                  if p != "self"]
        heading = re.search(rf"^### `{name}\(([^)]*)\)", text, re.MULTILINE)
        assert heading, f"docs/plugins.md has no section for hook {name}"
        documented = [a.split(":")[0].strip() for a in heading.group(1).split(",") if a.strip()]
        assert documented == params, f"{name}: documented {documented}, actual {params}"


def test_registry_rulebook_is_built_once(registry: o.PluginHost) -> None:
    assert registry.rulebook("CN") is registry.rulebook("CN")
    assert registry.rulebook("CN").value("payment.sme_days", date(2022, 1, 1)) == 30
