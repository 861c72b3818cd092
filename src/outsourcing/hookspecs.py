"""The hooks a plugin may implement, and the markers for them (插件钩子).

A plugin marks its functions ``@hookimpl`` (import it from here or, as before, from
:mod:`outsourcing.plugins`, which loads the plugins).  This module imports nothing of the
library's own when it runs (the nouns the hooks speak of only for the type checker), so the
core plugin (:mod:`outsourcing.builtin`) and the loader (:mod:`outsourcing.plugins`) both
import it and the core plugin never imports the loader.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from .catalogue import ProcurementItem, ServiceKind
    from .changes import Change
    from .findings import Finding
    from .model import Contract, ServiceLine
    from .payment import PaymentRule
    from .rules import Jurisdiction, RuleBook
    from .sites import Site
    from .unit_tree import Unit

__all__ = ["PROJECT", "HookSpecs", "hookimpl", "hookspec"]

PROJECT = "outsourcing"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


class HookSpecs:
    """The hooks a plugin may implement.  Every one is documented in ``docs/plugins.md``.

    Each is called through pluggy, so an implementation may be a wrapper
    (``@hookimpl(wrapper=True)``: it yields once and receives what the plugins inside it
    answered — for a list hook, the list of each plugin's list) or ask to run early or late
    (``tryfirst``, ``trylast``).
    """

    @hookspec
    def outsourcing_jurisdictions(self) -> Sequence[Jurisdiction]:  # type: ignore[empty-body]
        """Declare jurisdictions: code, Chinese name, parent code and parameter folders.

        Called once when the registry loads.
        """

    @hookspec
    def outsourcing_service_kinds(self) -> Sequence[ServiceKind]:  # type: ignore[empty-body]
        """Add service kinds to the catalogue, with their family parent and default KPIs.

        Called once when the registry loads.
        """

    @hookspec
    def outsourcing_procurement_items(  # type: ignore[empty-body]
        self,
    ) -> Sequence[ProcurementItem]:
        """Map service kinds to the 品目 of the 政府采购品目分类目录 they are bought under.

        Called once when the registry loads; an entry replaces an earlier plugin's (core's)
        for the same service.
        """

    @hookspec
    def outsourcing_check_contract(  # type: ignore[empty-body]
        self, contract: Contract, rulebook: RuleBook
    ) -> Sequence[Finding]:
        """Check a contract under a jurisdiction's rules; return findings (maybe none).

        Called once per contract check.  Use ``rulebook.applies_to(code)`` to act only in
        your own jurisdiction and those under it.
        """

    @hookspec
    def outsourcing_check_change(  # type: ignore[empty-body]
        self, contract: Contract, change: Change, rulebook: RuleBook
    ) -> Sequence[Finding]:
        """Check a proposed change to a contract before it is signed; return findings.

        ``contract`` is the contract in force when the change takes effect.  An ERROR
        finding rejects the change.  Called once per proposed change.
        """

    @hookspec
    def outsourcing_sites(self) -> Sequence[Site]:  # type: ignore[empty-body]
        """Declare office areas (办公区) with their buildings and required services.

        Called once, the first time the registry is asked for sites.
        """

    @hookspec
    def outsourcing_units(self) -> Sequence[Unit]:  # type: ignore[empty-body]
        """Declare units (单位): the region, its cities, counties and departments, as a tree.

        Called once, the first time the host is asked for units (``outsourcing unit load``).
        """

    @hookspec(firstresult=True)
    def outsourcing_payment_rule(
        self, contract: Contract, line: ServiceLine, rulebook: RuleBook
    ) -> PaymentRule | None:
        """Choose the payment rule for a service line; the first non-None answer wins
        (``firstresult``: the plugins after it are not asked).

        Called once per line when a contract's settlement is prepared, never per period.
        """
