"""Contracts with scheduled KPIs, shared by the library and registry tests (考核周期)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import outsourcing as o
from outsourcing.catalogue import KpiSpec
from outsourcing.kpi_schedule import KpiSchedule, NotDueRule

YEAR = [f"2026-{m:02d}" for m in range(1, 13)]


def fire_contract(cid: str = "XF-2026-01") -> o.Contract:
    """A 消防维保 contract: one line at ¥8,600.06 a month."""
    return o.Contract(
        id=cid, title="办公区消防设施维护保养", jurisdiction="CN",
        purchaser=o.Purchaser("P-1", "某市机关事务管理局"),
        supplier=o.Supplier("S-XF", "某消防技术服务有限公司", "small"),
        term=o.DateRange(date(2026, 1, 1), date(2026, 12, 31)),
        lines=[o.ServiceLine("fire", "fire_maintenance", "市政府办公区",
                             o.FixedMonthly("8600.06"))])


def fire_kpis(rule: NotDueRule | None = NotDueRule.RESCALE, *, na: bool = False
              ) -> dict[str, list[KpiSpec]]:
    """Monthly checks (60) and a yearly full test due in October (40)."""
    return {"fire": [
        KpiSpec("monthly_check_done", "月度检查完成率", "monthly checks done", "%",
                Decimal(100), "higher", Decimal(60), "GB 25201-2010",
                allows_not_applicable=na),
        KpiSpec("yearly_full_test", "年度全面检测", "yearly full test done", "count",
                Decimal(1), "higher", Decimal(40), "消防法 第十六条（三）",
                scoring="pass_fail", parameter="kpi.fire_full_test_per_year",
                schedule=KpiSchedule("yearly", [10]), when_not_due=rule),
    ]}


def fire_assessment(period: str, *, test: str | None = None, check: str = "100",
                    **kw: object) -> o.Assessment:
    metrics = [o.Metric("monthly_check_done", check)]
    if test is not None:
        metrics.append(o.Metric("yearly_full_test", test))
    return o.Assessment("fire", period, "张三", o.Period.parse(period).end, metrics=metrics,
                        **kw)  # type: ignore[arg-type]
