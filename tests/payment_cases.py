"""Builders shared by the performance and settlement tests (not a test module)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

import outsourcing as o
from outsourcing.dates import DateRange
from outsourcing.performance import Assessment, Incident, Metric, ScoreItem, ScoreSheet, Survey

PURCHASER = o.Purchaser("P-1", "宁夏回族自治区机关事务管理局")


def supplier(size: str = "small") -> o.Supplier:
    return o.Supplier("S-1", "宁夏某物业服务有限公司", size)


def contract(
    lines: Sequence[tuple[str, str, str]] = (("property", "property", "80000.00"),),
    *,
    start: date = date(2022, 1, 1),
    end: date = date(2022, 12, 31),
    schedule: str = "monthly",
    size: str = "small",
    payment_days: int | None = None,
    cid: str = "NX-2022-001",
) -> o.Contract:
    return o.Contract(
        id=cid, title="自治区政府办公区物业服务", jurisdiction="CN", purchaser=PURCHASER,
        supplier=supplier(size), term=DateRange(start, end),
        lines=[o.ServiceLine(lid, svc, "自治区政府办公区", o.FixedMonthly(fee))
               for lid, svc, fee in lines],
        schedule=schedule, payment_days=payment_days)


def property_assessment(period: str, *, repair: str = "100", satisfied: int = 100,
                        responses: int = 100, inspection: Sequence[tuple[str, str]] = (
                            ("保洁", "50"), ("秩序维护", "50")),
                        incidents: Sequence[Incident] = (), line: str = "property",
                        on: date | None = None) -> Assessment:
    """A 物业 assessment: repair pass rate (40), satisfaction survey (30), inspection (30)."""
    p = o.Period.parse(period)
    return Assessment(
        line, p, "机关事务管理局考核小组", on or p.end,
        sheets=[ScoreSheet("inspection", [ScoreItem(n, Decimal(50), Decimal(pts))
                                          for n, pts in inspection])],
        metrics=[Metric("repair_pass_rate", Decimal(repair))],
        surveys=[Survey("satisfaction", responses, satisfied)],
        incidents=incidents)


def inspection_only(period: str, points: str, *, line: str = "property",
                    incidents: Sequence[Incident] = ()) -> Assessment:
    """One 100-point sheet for a line whose only KPI is ``inspection``."""
    p = o.Period.parse(period)
    return Assessment(line, p, "考核小组", p.end,
                      sheets=[ScoreSheet("inspection", [ScoreItem("综合", Decimal(100),
                                                                  Decimal(points))])],
                      incidents=incidents)


ONE_SHEET = (o.KpiSpec("inspection", "综合检查得分", "inspection", "points", Decimal(100),
                       o.Direction.HIGHER, Decimal(100), "合同 附件三 考核评分表", True),)
