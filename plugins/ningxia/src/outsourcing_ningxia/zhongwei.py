"""中卫市 (Zhongwei, parent: 宁夏回族自治区).

The source reports (line 217): property by public tender; elevator maintenance and routine
checks contracted out; **official transport** through a public tender that fixes the service
companies and a **unified price list** (统一报价表), each using unit then signing its own
service agreement and renting per trip — a framework agreement with call-offs
(:mod:`outsourcing.framework`; 框架协议采购 under 财政部令第110号 from 2022-03-01); the
canteen's raw materials bought on the market with **market price inquiries twice a month**
(每月两次进行市场询价).

Parameters: ``practice.official_transport_procurement`` = ``framework_agreement``;
``canteen.market_inquiries_per_month`` = 2.  Checks:

* ``zhongwei.official_transport_not_per_trip`` (WARNING): an official-transport line not
  priced per unit (``UnitRate``, per trip or per day at the list price);
* ``zhongwei.canteen_materials_not_at_market`` (WARNING): a canteen line whose materials are
  not paid at cost (``LabourPlusMaterials``), so the inquired prices cannot reach the bill;
* :func:`check_market_inquiries`: a month with fewer market inquiries than the rule asks
  (``zhongwei.too_few_market_inquiries``), for the canteen's materials records.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from outsourcing import (
    Contract,
    Finding,
    Jurisdiction,
    LabourPlusMaterials,
    Period,
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

CODE = "NX-ZW"

ZHONGWEI = Jurisdiction(
    code=CODE,
    name_zh="中卫市",
    name_en="Zhongwei",
    parent="NX",
    parameter_dirs=(DATA / "NX-ZW",),
    level="city",
    source=ARTICLE,
)

INQUIRIES = "canteen.market_inquiries_per_month"


def check_transport_line(contract: Contract, line: ServiceLine, field: str,
                         rb: RuleBook) -> list[Finding]:
    """Official transport is rented per trip at the unified price list (统一报价表)."""
    if "official_transport" not in lineage(rb, line.service):
        return []
    r = in_force(rb, "practice.official_transport_procurement", reference_date(contract))
    if r is None or r.value != "framework_agreement" or isinstance(line.pricing, UnitRate):
        return []
    return [Finding(
        "zhongwei.official_transport_not_per_trip",
        f"line {line.id} ({line.service}) is priced as {line.pricing.KIND}; 中卫's using units "
        f"rent official cars per trip at the unified price list — call off under the "
        f"framework (outsourcing.framework.call_off)",
        severity=Severity.WARNING, field=f"{field}.pricing", rule_id=r.rule_id,
        citation=r.citation, term="统一报价表")]


def check_canteen_line(contract: Contract, line: ServiceLine, field: str,
                       rb: RuleBook) -> list[Finding]:
    """Canteen materials are paid at the market prices found by the inquiries (市场询价)."""
    if "catering" not in lineage(rb, line.service):
        return []
    r = in_force(rb, INQUIRIES, reference_date(contract))
    if r is None or isinstance(line.pricing, LabourPlusMaterials):
        return []
    return [Finding(
        "zhongwei.canteen_materials_not_at_market",
        f"line {line.id} ({line.service}) is priced as {line.pricing.KIND}; 中卫 buys canteen "
        f"materials at market prices found by {r.value} inquiries a month — price the line "
        f"as labour_plus_materials so materials are paid at cost",
        severity=Severity.WARNING, field=f"{field}.pricing", rule_id=r.rule_id,
        citation=r.citation, term="市场询价")]


CHECKS = (check_transport_line, check_canteen_line)


def check_market_inquiries(inquiries: Iterable[date], period: Period,
                           rulebook: RuleBook) -> list[Finding]:
    """Each month of ``period`` needs ``canteen.market_inquiries_per_month`` inquiries.

    ``inquiries`` are the days on which a market price inquiry was made for the canteen's
    materials; two on the same day count once.  A month short of the rule gets a WARNING
    ``zhongwei.too_few_market_inquiries`` naming the days found.
    """
    days = sorted(set(inquiries))
    out: list[Finding] = []
    for month in period.months():
        r = in_force(rulebook, INQUIRIES, month.end)
        if r is None:
            continue
        seen = [d for d in days if month.start <= d <= month.end]
        if len(seen) < r.value:
            out.append(Finding(
                "zhongwei.too_few_market_inquiries",
                f"{month}: {len(seen)} market price inquiries "
                f"({', '.join(d.isoformat() for d in seen) or 'none'}), the rule asks "
                f"{r.value} a month",
                severity=Severity.WARNING, field="inquiries", rule_id=r.rule_id,
                citation=r.citation, term="市场询价", source="ningxia-zhongwei"))
    return out


@hookimpl
def outsourcing_jurisdictions() -> Sequence[Jurisdiction]:
    return [ZHONGWEI]


outsourcing_check_contract, outsourcing_check_change = line_check_hooks(CODE, CHECKS)
