"""宁夏回族自治区 (regional level, parent: national).

The regional bureau (自治区机关事务管理局) buys, by public tender, the government office
area's property, gym, conference, elevator, fire and HVAC maintenance and facilities repair
(source line 213); for the Party committee, People's Congress and CPPCC office areas it buys
property, greening, conference and canteen, while the Party committee's office area keeps
its facilities maintenance in-house with its own 运行维护科 (line 215).  The parameter
``practice.office_areas`` carries this per office area; :func:`check_office_area_line`
compares a line with it, for a contract and for the lines a change adds.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence

from outsourcing import Contract, Finding, Jurisdiction, RuleBook, ServiceLine, Severity, hookimpl
from outsourcing.sites import RequiredService, Site
from outsourcing.unit_tree import Unit

from . import DATA
from ._common import (
    ARTICLE,
    in_force,
    latest_value,
    line_check_hooks,
    lineage,
    reference_date,
)

CODE = "NX"

REGION = Jurisdiction(
    code=CODE,
    name_zh="宁夏回族自治区",
    name_en="Ningxia Hui Autonomous Region",
    parent="CN",
    parameter_dirs=(DATA / "NX",),
    level="region",
    source=ARTICLE,
)


def check_office_area_line(contract: Contract, line: ServiceLine, field: str,
                           rb: RuleBook) -> list[Finding]:
    """A line at a regional office area against what that area buys or keeps in-house.

    A service the area keeps in-house (the Party committee office area's facilities
    maintenance) is a WARNING; a service the source does not report for the area is INFO.
    Lines at other sites are not looked at.
    """
    r = in_force(rb, "practice.office_areas", reference_date(contract))
    if r is None:
        return []
    area = next((a for a in r.value if a["site"] == line.site), None)
    if area is None:
        return []
    family = set(lineage(rb, line.service))
    if family & set(area["in_house"]):
        return [Finding(
            "nx.office_area.in_house_service_bought",
            f"{line.site} keeps {line.service} in-house (运行维护科负责维护保养); line {line.id} "
            f"buys it from {contract.supplier.name}",
            severity=Severity.WARNING, field=f"{field}.service", rule_id=r.rule_id,
            citation=r.citation, term="自行保障")]
    if not family & set(area["bought"]):
        return [Finding(
            "nx.office_area.service_not_reported",
            f"{line.site} is reported to buy {', '.join(area['bought'])}; line {line.id} "
            f"({line.service}) is not among them",
            severity=Severity.INFO, field=f"{field}.service", rule_id=r.rule_id,
            citation=r.citation, term="购买服务")]
    return []


CHECKS = (check_office_area_line,)


@hookimpl
def outsourcing_jurisdictions() -> Sequence[Jurisdiction]:
    return [REGION]


outsourcing_check_contract, outsourcing_check_change = line_check_hooks(CODE, CHECKS)


@hookimpl
def outsourcing_sites() -> Sequence[Site]:
    """The regional office areas (自治区集中办公区) from ``practice.office_areas``: each
    requires the services it buys, from the day the parameter takes effect, and those it
    keeps in-house (自行保障, no contract expected).  The source gives no addresses or
    floor areas; a bureau adds them with its own sites file (docs/sites.md)."""
    start, areas, citation = latest_value(DATA / "NX" / "practice" / "office_areas.toml")
    return [Site(
        id=a["site"], name=a["site"], jurisdiction=CODE,
        services=[RequiredService(s, start) for s in a["bought"]]
        + [RequiredService(s, start, in_house=True) for s in a["in_house"]],
        source=f"ningxia: practice.office_areas ({citation})") for a in areas]


@hookimpl
def outsourcing_units() -> Sequence[Unit]:
    """The region's units (单位): 宁夏回族自治区, its bureau, its five cities and their 22
    districts, county-level cities and counties (``data/units.toml``, the divisions of
    2022); each names the jurisdiction whose rules its contracts follow."""
    with (DATA / "units.toml").open("rb") as f:
        rows = tomllib.load(f)["unit"]
    return [Unit(r["id"], r["name"], r.get("parent"), r["level"], r.get("jurisdiction"))
            for r in rows]

