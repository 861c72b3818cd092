"""A contract with its own terms, as signed (合同及其约定条款).

:class:`ContractTerms` holds what a contract states beyond its lines and parties: each
line's payment rule and KPIs, the contract-wide terms (the total deduction cap and the
replacement thresholds — or ``ContractRules()`` for none), the illustrative defaults it adopts
by name, and its payment plan.  The contract workbook (:mod:`outsourcing.desk.xlsx_contract`)
reads and writes one; the registry stores one (:meth:`outsourcing.registry.Registry.add_contract`)
and settles with it, so a contract entered with its own terms settles without
``payment.illustrative_default``; a term left unstated still falls back to the default, marked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from .catalogue import KpiSpec
from .errors import ModelError
from .model import Contract
from .payment import ContractRules, PaymentRule
from .plan import InstalmentPlan, PeriodicPlan

__all__ = ["PLAN_KINDS", "ContractTerms", "plan_from_dict", "plan_to_dict"]

PLAN_KINDS: dict[str, type[InstalmentPlan] | type[PeriodicPlan]] = {
    "instalments": InstalmentPlan, "periodic": PeriodicPlan}
"""The payment plan's shapes by the ``kind`` that names them in JSON."""


def plan_to_dict(plan: InstalmentPlan | PeriodicPlan) -> dict[str, Any]:
    """A plan as JSON data, tagged with its ``kind``."""
    from .serialize import unstructure

    kind = "instalments" if isinstance(plan, InstalmentPlan) else "periodic"
    return {"kind": kind, **unstructure(plan)}


def plan_from_dict(data: Mapping[str, Any], source: str = "$.plan"
                   ) -> InstalmentPlan | PeriodicPlan:
    """A plan from :func:`plan_to_dict`'s form."""
    from .serialize import structure

    kind = data.get("kind")
    cls = PLAN_KINDS.get(str(kind))
    if cls is None:
        raise ModelError(f"a plan's kind is one of {', '.join(PLAN_KINDS)}", field="plan.kind",
                         value=kind, term="付款计划", code="payment.plan_kind")
    plan: InstalmentPlan | PeriodicPlan = structure(
        {k: v for k, v in data.items() if k != "kind"}, cls, source=source)
    return plan


def _rules(v: Mapping[str, PaymentRule] | None) -> dict[str, PaymentRule]:
    return dict(v or {})


def _kpis(v: Mapping[str, Sequence[KpiSpec]] | None) -> dict[str, tuple[KpiSpec, ...]]:
    return {k: tuple(x) for k, x in (v or {}).items()}


def _adopt(v: Sequence[str] | str) -> tuple[str, ...]:
    return (v,) if isinstance(v, str) else tuple(v)


@attrs.frozen
class ContractTerms:
    """A contract and the terms it states (see the module)."""

    contract: Contract
    rules: dict[str, PaymentRule] = attrs.field(factory=dict, converter=_rules)
    """Each line's own payment rule, by line id (a line not named takes the defaults)."""
    kpis: dict[str, tuple[KpiSpec, ...]] = attrs.field(factory=dict, converter=_kpis)
    """Each line's own KPIs, by line id."""
    contract_rules: ContractRules | None = None
    """The contract-wide terms; ``ContractRules()`` states none; None: the defaults apply."""
    adopt: tuple[str, ...] = attrs.field(default=(), converter=_adopt)
    """The illustrative defaults the contract adopts by name (``payment.holdback``…)."""
    plan: InstalmentPlan | PeriodicPlan | None = None
    """The payment plan (付款计划), if the contract states one."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON form the registry stores."""
        from .serialize import unstructure

        return {"contract": unstructure(self.contract),
                "rules": {k: unstructure(v) for k, v in self.rules.items()},
                "kpis": {k: [unstructure(x) for x in v] for k, v in self.kpis.items()},
                "contract_rules": (None if self.contract_rules is None
                                   else unstructure(self.contract_rules)),
                "adopt": list(self.adopt),
                "plan": None if self.plan is None else plan_to_dict(self.plan)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ContractTerms:
        """Read :meth:`to_dict`'s form (a document without the later keys has none of them)."""
        from .serialize import structure

        c = structure(data["contract"], Contract, source="$.contract")
        rules = {k: structure(v, PaymentRule, source=f"$.rules.{k}")
                 for k, v in data.get("rules", {}).items()}
        kpis = {k: [structure(x, KpiSpec, source=f"$.kpis.{k}") for x in v]
                for k, v in data.get("kpis", {}).items()}
        wide = data.get("contract_rules")
        plan = data.get("plan")
        return cls(c, rules, kpis,
                   None if wide is None else structure(wide, ContractRules,
                                                       source="$.contract_rules"),
                   tuple(data.get("adopt", ())),
                   None if plan is None else plan_from_dict(plan))
