"""大武口区 (Dawukou, a district of 石嘴山; parent: NX-SZS).

"由于财政预算资金不足，仅对政府集中办公区安保和保洁工作采取购买服务" (source line 251): for
lack of budget the district buys only security and cleaning for its government office area.
The parameter ``scope.allowed_services`` = ``["security", "cleaning"]`` carries it; core's
scope check (``scope.service_not_bought``) reads it for every contract, so any other service
— 绿化, 物业, 餐饮 — is an ERROR finding.  Services below security or cleaning in the
catalogue (门禁 access control, 消毒 disinfection) count as bought.

This module adds the same check for the lines a proposed change would add, so a mid-term
addition cannot widen the scope either.  The district inherits 石嘴山's rules (its
qualification requirements, its canteen model).
"""

from __future__ import annotations

from collections.abc import Sequence

from outsourcing import Contract, Finding, Jurisdiction, RuleBook, ServiceLine, hookimpl

from . import DATA
from ._common import ARTICLE, in_force, line_check_hooks, lineage, reference_date

CODE = "NX-DWK"

DAWUKOU = Jurisdiction(
    code=CODE,
    name_zh="大武口区",
    name_en="Dawukou District",
    parent="NX-SZS",
    parameter_dirs=(DATA / "NX-DWK",),
    level="district",
    source=ARTICLE,
)


def check_added_line_scope(contract: Contract, line: ServiceLine, field: str,
                           rb: RuleBook) -> list[Finding]:
    """A line a change adds must be of a service the district buys (采购范围)."""
    r = in_force(rb, "scope.allowed_services", reference_date(contract))
    if r is None or set(r.value) & set(lineage(rb, line.service)):
        return []
    return [Finding(
        "scope.service_not_bought",
        f"{rb.jurisdiction.name_zh} does not buy {line.service}; it buys only "
        f"{', '.join(sorted(r.value))} (财政预算资金不足); the change adds line {line.id}",
        field=f"{field}.service", rule_id=r.rule_id, citation=r.citation, term="采购范围")]


@hookimpl
def outsourcing_jurisdictions() -> Sequence[Jurisdiction]:
    return [DAWUKOU]


# contracts are checked by core's check_scope; a change adding a line is checked here
_, outsourcing_check_change = line_check_hooks(CODE, (), (check_added_line_scope,))
