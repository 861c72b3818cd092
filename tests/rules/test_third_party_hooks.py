"""A third-party plugin, written as a bureau's developer would, is called through pluggy:
a ``wrapper=True`` hook sees and changes what every plugin answered, ``firstresult`` stops at
the first answer, and a failure names the plugin that failed."""

from __future__ import annotations

from collections.abc import Generator, Sequence
from datetime import date

import attrs
import pytest

import outsourcing as o
from outsourcing import Finding, hookimpl
from outsourcing.payment import default_payment_rule


class BudgetReview:
    """A bureau that reviews budgets itself: it turns the core's ``budget.exceeded`` into its
    own finding, around whatever every other plugin found."""

    @hookimpl(wrapper=True)
    def outsourcing_check_contract(
        self, contract: o.Contract, rulebook: o.RuleBook
    ) -> Generator[None, list[Sequence[Finding]], list[Sequence[Finding]]]:
        answers = yield  # pluggy's result: each plugin's list of findings
        out: list[Sequence[Finding]] = [
            [f for f in answer if f.code != "budget.exceeded"] for answer in answers]
        if sum(map(len, out)) < sum(map(len, answers)):
            out.append([Finding("bureau.budget_reviewed", "the bureau reviews this budget",
                                field="budget", severity=o.Severity.WARNING)])
        return out


class FirstAnswer:
    """Chooses every line's payment rule, asked before the others (``tryfirst``)."""

    def __init__(self, rule: o.PaymentRule) -> None:
        self.rule = rule

    @hookimpl(tryfirst=True)
    def outsourcing_payment_rule(self, contract: o.Contract, line: o.ServiceLine,
                                 rulebook: o.RuleBook) -> o.PaymentRule:
        return self.rule


class NeverAsked:
    @hookimpl
    def outsourcing_payment_rule(self, contract: o.Contract, line: o.ServiceLine,
                                 rulebook: o.RuleBook) -> o.PaymentRule | None:
        raise AssertionError("firstresult: a later plugin is not asked once one answered")


@pytest.fixture()
def over_budget(contract: o.Contract) -> o.Contract:
    return attrs.evolve(contract, budget=o.Money("1000000"))


def test_a_wrapper_hook_sees_and_replaces_every_plugins_findings(
        over_budget: o.Contract) -> None:
    plain = o.load(plugins=["core"])
    assert "budget.exceeded" in {f.code for f in over_budget.check(plain.rulebook("CN"))}
    host = o.load(plugins=["core"], extra=[("sz-budget", BudgetReview())])
    found = {f.code: f for f in over_budget.check(host.rulebook("CN"))}
    assert "budget.exceeded" not in found
    assert found["bureau.budget_reviewed"].source == "sz-budget"
    assert found["bureau.budget_reviewed"].severity is o.Severity.WARNING


def test_first_result_stops_at_the_first_plugin_that_answers(contract: o.Contract) -> None:
    rb = o.load(plugins=["core"]).rulebook("CN")
    tiers = default_payment_rule(rb, date(2022, 1, 1))
    host = o.load(plugins=["core"], extra=[("never", NeverAsked()),
                                           ("first", FirstAnswer(tiers))])
    assert host.payment_rule(contract, contract.line("property"), host.rulebook("CN")) is tiers


def test_a_wrapper_may_replace_the_first_result(contract: o.Contract) -> None:
    rb = o.load(plugins=["core"]).rulebook("CN")
    tiers = default_payment_rule(rb, date(2022, 1, 1))
    other = default_payment_rule(rb, date(2022, 1, 1))

    class Replace:
        @hookimpl(wrapper=True)
        def outsourcing_payment_rule(self, contract: o.Contract, line: o.ServiceLine,
                                     rulebook: o.RuleBook
                                     ) -> Generator[None, o.PaymentRule | None, o.PaymentRule]:
            chosen = yield
            assert chosen is tiers
            return other

    host = o.load(plugins=["core"], extra=[("first", FirstAnswer(tiers)),
                                           ("replace", Replace())])
    assert host.payment_rule(contract, contract.line("property"), host.rulebook("CN")) is other


def test_a_failing_wrapper_is_a_plugin_error_naming_the_wrapper(contract: o.Contract) -> None:
    class Fragile:
        @hookimpl(wrapper=True)
        def outsourcing_check_contract(self, contract: o.Contract, rulebook: o.RuleBook
                                       ) -> Generator[None, list[list[Finding]],
                                                      list[list[Finding]]]:
            answers = yield
            return [answers[99]]

    host = o.load(plugins=["core"], extra=[("fragile", Fragile())])
    with pytest.raises(o.PluginError) as e:
        contract.check(host.rulebook("CN"))
    assert (e.value.plugin, e.value.hook) == ("fragile", "outsourcing_check_contract")
    assert "IndexError" in str(e.value)


def test_a_plain_plugin_returning_a_generator_is_refused_naming_it(contract: o.Contract
                                                                   ) -> None:
    class Forgot:
        @hookimpl
        def outsourcing_check_contract(self, contract: o.Contract,
                                       rulebook: o.RuleBook) -> object:
            yield Finding("x.y", "z")

    host = o.load(plugins=["core"], extra=[("forgot-wrapper", Forgot())])
    with pytest.raises(o.PluginError, match="returned generator, not a list") as e:
        contract.check(host.rulebook("CN"))
    assert e.value.plugin == "forgot-wrapper"
