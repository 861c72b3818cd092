"""The ``core`` plugin: the national level (全国), the core service catalogue and the
library's own contract checks (:mod:`outsourcing.checks`).  It is registered through the same
entry point group as any jurisdiction's plugin, so core never names a city; no module of the
library imports it (the plugin host loads it).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .catalogue import CORE_PROCUREMENT_ITEMS, CORE_SERVICE_KINDS, ProcurementItem, ServiceKind
from .checks import CORE_CHECKS
from .findings import Finding
from .hookspecs import hookimpl
from .model import Contract
from .rules import Jurisdiction, RuleBook

NATIONAL = Jurisdiction(
    code="CN",
    name_zh="全国",
    name_en="national",
    parent=None,
    parameter_dirs=(Path(__file__).parent / "data" / "CN",),
    level="national",
    source="../shared/domain/rules.md: national law and regulations",
)


@hookimpl
def outsourcing_jurisdictions() -> Sequence[Jurisdiction]:
    return [NATIONAL]


@hookimpl
def outsourcing_service_kinds() -> Sequence[ServiceKind]:
    return list(CORE_SERVICE_KINDS)


@hookimpl
def outsourcing_procurement_items() -> Sequence[ProcurementItem]:
    return list(CORE_PROCUREMENT_ITEMS)


@hookimpl
def outsourcing_check_contract(contract: Contract, rulebook: RuleBook) -> Sequence[Finding]:
    out: list[Finding] = []
    for check in CORE_CHECKS:
        out.extend(check(contract, rulebook))
    return out
