"""固原市 (Guyuan, parent: 宁夏回族自治区).

The source reports (line 217): for the **six separate office areas** of the city
administrative centre, competition and price levers; **eight services** bought by public
tender — 物业维保管理 (property), 信息化管理 (IT), 会务会议 (conference), 文印 (printing),
绿化 (greening), 电梯维护 (elevators), 门禁 (access control), 安保 (security) — from four
companies, plus power, fire and elevator maintenance firms.

Parameters: ``practice.tendered_services`` (the eight, as catalogue codes; 物业维保管理 is
read as the property family) and ``practice.office_area_count`` (6).  Check
``guyuan.service_not_among_tendered`` is INFO, not a warning: the same sentence names fire
and power maintenance firms too, so a service outside the eight may be bought another way;
the finding asks the officer to confirm its procurement route.
"""

from __future__ import annotations

from collections.abc import Sequence

from outsourcing import Contract, Finding, Jurisdiction, RuleBook, ServiceLine, Severity, hookimpl
from outsourcing.sites import RequiredService, Site

from . import DATA
from ._common import (
    ARTICLE,
    in_force,
    latest_value,
    line_check_hooks,
    lineage,
    reference_date,
)

CODE = "NX-GY"

GUYUAN = Jurisdiction(
    code=CODE,
    name_zh="固原市",
    name_en="Guyuan",
    parent="NX",
    parameter_dirs=(DATA / "NX-GY",),
    level="city",
    source=ARTICLE,
)


def check_tendered_service(contract: Contract, line: ServiceLine, field: str,
                           rb: RuleBook) -> list[Finding]:
    """A line whose service is not among the eight Guyuan tenders (INFO)."""
    r = in_force(rb, "practice.tendered_services", reference_date(contract))
    if r is None or set(r.value) & set(lineage(rb, line.service)):
        return []
    return [Finding(
        "guyuan.service_not_among_tendered",
        f"line {line.id} ({line.service}) is not among the {len(r.value)} services 固原 buys "
        f"by public tender ({', '.join(r.value)}); confirm how it is procured",
        severity=Severity.INFO, field=f"{field}.service", rule_id=r.rule_id,
        citation=r.citation, term="购买服务")]


CHECKS = (check_tendered_service,)


@hookimpl
def outsourcing_jurisdictions() -> Sequence[Jurisdiction]:
    return [GUYUAN]


outsourcing_check_contract, outsourcing_check_change = line_check_hooks(CODE, CHECKS)


@hookimpl
def outsourcing_sites() -> Sequence[Site]:
    """固原's six separate office areas (6个独立办公区) in the city administrative centre,
    each requiring the eight tendered services.  The source gives only their number: the
    names ``固原市行政中心第N办公区`` are placeholders (illustrative) that a bureau replaces
    with its own sites file (docs/sites.md)."""
    start, count, cite_n = latest_value(DATA / "NX-GY" / "practice" / "office_area_count.toml")
    _, services, _ = latest_value(DATA / "NX-GY" / "practice" / "tendered_services.toml")
    return [Site(
        id=f"固原市行政中心第{i}办公区", name=f"固原市行政中心第{i}办公区（名称为示例）",
        jurisdiction=CODE, services=[RequiredService(s, start) for s in services],
        source=f"ningxia-guyuan: practice.office_area_count ({cite_n})")
        for i in range(1, int(count) + 1)]
