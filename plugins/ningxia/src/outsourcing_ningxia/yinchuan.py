"""银川市 (Yinchuan, parent: 宁夏回族自治区).

The source reports (line 217): property services fully entrusted to a professional property
company (全权委托); the canteen by labour contracting (劳务承包); city official cars from the
city bus leasing company.  Yinchuan's standards article (line 161 on; figures at line 183)
reports 物业维修合格率 100% and 会务服务满意率 98% under its 134 service standards; they are
the KPI targets ``kpi.property.repair_pass_rate`` (1.00) and ``kpi.conference.satisfaction``
(0.98), ratios, for the payments code to read.

Checks:

* **全权委托** — at a site, the property family (``practice.property_entrusted_services``,
  an illustrative reading) goes to one property company under a property line.  A contract
  buying pieces of it (保洁, 安保…) at a site without a ``property`` line is a WARNING
  ``yinchuan.property_not_fully_entrusted``; across contracts,
  :func:`check_full_entrustment` finds a site whose property services are split among
  several suppliers (``yinchuan.property_split_across_suppliers``).
* **劳务承包** — a canteen line priced per unit (per meal: catering fully contracted) is a
  WARNING ``yinchuan.canteen_not_labour_contracting``; a monthly labour fee
  (``FixedMonthly``) or labour plus materials at cost (``LabourPlusMaterials``) is fine.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from outsourcing import (
    Contract,
    Finding,
    Jurisdiction,
    RuleBook,
    ServiceLine,
    Severity,
    UnitRate,
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

CODE = "NX-YC"

YINCHUAN = Jurisdiction(
    code=CODE,
    name_zh="银川市",
    name_en="Yinchuan",
    parent="NX",
    parameter_dirs=(DATA / "NX-YC",),
    level="city",
    source=ARTICLE,
)

KPI_REPAIR_PASS_RATE = "kpi.property.repair_pass_rate"
KPI_CONFERENCE_SATISFACTION = "kpi.conference.satisfaction"


def _entrusted(contract: Contract, line: ServiceLine, rb: RuleBook) -> bool:
    mode = in_force(rb, "practice.property_mode", reference_date(contract))
    services = in_force(rb, "practice.property_entrusted_services", reference_date(contract))
    return (mode is not None and mode.value == "full_entrustment" and services is not None
            and line.service in services.value)


def check_entrustment_line(contract: Contract, line: ServiceLine, field: str,
                           rb: RuleBook) -> list[Finding]:
    """A piece of the property family bought at a site with no property line (全权委托)."""
    if line.service == "property" or not _entrusted(contract, line, rb):
        return []
    if any(x.service == "property" and x.site == line.site for x in contract.lines):
        return []
    mode = rb.resolve("practice.property_mode", reference_date(contract))
    return [Finding(
        "yinchuan.property_not_fully_entrusted",
        f"line {line.id} buys {line.service} at {line.site} on its own; 银川 entrusts a "
        f"site's property services wholly to one property company — add it to that site's "
        f"property contract",
        severity=Severity.WARNING, field=f"{field}.service", rule_id=mode.rule_id,
        citation=mode.citation, term="全权委托")]


def check_canteen_line(contract: Contract, line: ServiceLine, field: str,
                       rb: RuleBook) -> list[Finding]:
    """A canteen line priced per unit is not labour contracting (劳务承包)."""
    if "catering" not in lineage(rb, line.service):
        return []
    r = in_force(rb, "practice.canteen_mode", reference_date(contract))
    if r is None or r.value != "labour_contracting" or not isinstance(line.pricing, UnitRate):
        return []
    return [Finding(
        "yinchuan.canteen_not_labour_contracting",
        f"line {line.id} ({line.service}) is priced per {line.pricing.unit}; 银川 runs its "
        f"canteens by labour contracting — a monthly labour fee (fixed_monthly) or labour "
        f"plus materials at cost (labour_plus_materials)",
        severity=Severity.WARNING, field=f"{field}.pricing", rule_id=r.rule_id,
        citation=r.citation, term="劳务承包")]


CHECKS = (check_entrustment_line, check_canteen_line)


def check_full_entrustment(contracts: Iterable[Contract], rulebook: RuleBook) -> list[Finding]:
    """A site view across contracts: property services at one site from several suppliers.

    Under 全权委托 one property company runs a site's property family; where the contracts
    in force put those services with two or more suppliers, each such site gets a WARNING
    ``yinchuan.property_split_across_suppliers`` naming the suppliers and their lines.
    Contracts outside 银川 are ignored.
    """
    by_site: dict[str, dict[str, list[str]]] = {}
    cited = None
    for contract in contracts:
        if not rulebook.applies_to(CODE) or contract.jurisdiction != CODE:
            continue
        for line in contract.lines:
            if _entrusted(contract, line, rulebook) or line.service == "property":
                cited = cited or rulebook.resolve("practice.property_mode",
                                                  reference_date(contract))
                names = by_site.setdefault(line.site, {})
                names.setdefault(contract.supplier.name, []).append(
                    f"{contract.id}/{line.id}")
    out: list[Finding] = []
    for site, suppliers in sorted(by_site.items()):
        if len(suppliers) < 2 or cited is None:
            continue
        who = "; ".join(f"{name} ({', '.join(lines)})" for name, lines in sorted(
            suppliers.items()))
        out.append(Finding(
            "yinchuan.property_split_across_suppliers",
            f"{site}: property services split among {len(suppliers)} suppliers — {who}; "
            f"银川 entrusts a site's property wholly to one company",
            severity=Severity.WARNING, field="site", rule_id=cited.rule_id,
            citation=cited.citation, term="全权委托", source="ningxia-yinchuan"))
    return out


@hookimpl
def outsourcing_jurisdictions() -> Sequence[Jurisdiction]:
    return [YINCHUAN]


outsourcing_check_contract, outsourcing_check_change = line_check_hooks(CODE, CHECKS)
