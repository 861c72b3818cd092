"""石嘴山市 (Shizuishan, parent: 宁夏回族自治区).

The source (line 217) reports: property by government tender to a company with the national
grade-1 qualification, in full trusteeship; elevators by a company with the region's grade-B
installation and repair qualification; fire systems by a company with the national grade-2
qualification; the administrative centre's canteen as labour outsourced with raw materials
bought centrally (劳务外包、原材料统一采购).

The qualification rules are the parameter files ``qualification.*`` under ``data/NX-SZS``;
core's qualification check reads them (the grade-2 fire rule ends on 2021-11-08, when
应急管理部令第7号 abolished the grades).  The canteen rule ``practice.canteen_pricing`` is
checked here: a canteen line must be priced as
:class:`~outsourcing.LabourPlusMaterials` (labour per month plus materials at cost).
"""

from __future__ import annotations

from collections.abc import Sequence

from outsourcing import (
    Contract,
    Finding,
    Jurisdiction,
    LabourPlusMaterials,
    RuleBook,
    ServiceLine,
    Severity,
    hookimpl,
)

from . import DATA
from ._common import (
    ARTICLE,
    in_force,
    line_check_hooks,
    lineage,
    reference_date,
)

CODE = "NX-SZS"

SHIZUISHAN = Jurisdiction(
    code=CODE,
    name_zh="石嘴山市",
    name_en="Shizuishan",
    parent="NX",
    parameter_dirs=(DATA / "NX-SZS",),
    level="city",
    source=ARTICLE,
)


def check_canteen_pricing(contract: Contract, line: ServiceLine, field: str,
                          rb: RuleBook) -> list[Finding]:
    """A canteen line must be labour plus centrally bought materials (劳务外包、原材料统一采购).

    Another pricing (a fixed all-in monthly fee, a price per meal) leaves the materials to
    the company and is a WARNING: it departs from the city's model and needs a decision.
    """
    if "catering" not in lineage(rb, line.service):
        return []
    r = in_force(rb, "practice.canteen_pricing", reference_date(contract))
    if r is None or r.value != "labour_plus_materials":
        return []
    if isinstance(line.pricing, LabourPlusMaterials):
        return []
    return [Finding(
        "shizuishan.canteen_not_labour_plus_materials",
        f"line {line.id} ({line.service}) is priced as {line.pricing.KIND}; 石嘴山 outsources "
        f"the canteen's labour and buys its raw materials centrally — price it as "
        f"labour_plus_materials (LabourPlusMaterials)",
        severity=Severity.WARNING, field=f"{field}.pricing", rule_id=r.rule_id,
        citation=r.citation, term="劳务外包、原材料统一采购")]


CHECKS = (check_canteen_pricing,)


@hookimpl
def outsourcing_jurisdictions() -> Sequence[Jurisdiction]:
    return [SHIZUISHAN]


outsourcing_check_contract, outsourcing_check_change = line_check_hooks(CODE, CHECKS)
