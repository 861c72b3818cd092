"""A contract, its October assessments and statement, shared by the desk's tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import outsourcing as o


def contract() -> o.Contract:
    return o.Contract(
        id="NXJG-2022-WY-001", title="自治区政府办公区物业及电梯维保服务", jurisdiction="NX",
        purchaser=o.Purchaser("P-NX", "宁夏回族自治区机关事务管理局", "11640000MB1576321L"),
        supplier=o.Supplier("S-1", "宁夏某物业服务有限公司", "small", qualifications=[
            o.Qualification("special_equipment_installation_repair", "B级", "自治区市场监管厅",
                            valid_until=date(2025, 12, 31))]),
        term=o.DateRange(date(2022, 1, 1), date(2022, 12, 31)),
        lines=[o.ServiceLine("property", "property", "自治区政府办公区",
                             o.FixedMonthly("80000.00")),
               o.ServiceLine("elevator", "elevator_maintenance", "自治区政府办公区",
                             o.FixedMonthly("850.00", Decimal("12"), unit="台"))])


def assessments(period: str = "2022-10") -> list[o.Assessment]:
    p = o.Period.parse(period)
    return [
        o.Assessment(
            "property", p, "机关事务管理局考核小组", date(2022, 11, 3),
            sheets=[o.ScoreSheet("inspection", [o.ScoreItem("保洁", 50, 44),
                                                o.ScoreItem("秩序维护", 50, 43)])],
            metrics=[o.Metric("repair_pass_rate", "88")],
            surveys=[o.Survey("satisfaction", 180, 170)],
            incidents=[o.Incident("county_leader_criticism", date(2022, 10, 12),
                                  "会议室空调报修两日未处理")]),
        o.Assessment(
            "elevator", p, "机关事务管理局考核小组", date(2022, 11, 3),
            metrics=[o.Metric("max_maintenance_interval", 14),
                     o.Metric("trapped_arrival", 25)],
            surveys=[o.Survey("satisfaction", 40, 39)]),
    ]


def october_statement(registry: o.PluginHost) -> o.Statement:
    return o.settle(contract(), o.Period.parse("2022-10"), assessments(),
                    registry.rulebook("NX"), accepted_on=date(2022, 11, 5),
                    paid_on=date(2022, 12, 20))


def year_assessments() -> list[o.Assessment]:
    """Twelve months of the property line with scores that dip below the warning line."""
    out = []
    for m, (rate, insp) in enumerate([(100, 92), (96, 90), (90, 85), (80, 70), (75, 60),
                                      (88, 80), (95, 88), (100, 93), (100, 95), (88, 87),
                                      (92, 90), (100, 96)], start=1):
        p = o.Period.parse(f"2022-{m:02d}")
        out.append(o.Assessment(
            "property", p, "考核小组", p.range.end,
            sheets=[o.ScoreSheet("inspection", [o.ScoreItem("综合", 100, insp)])],
            metrics=[o.Metric("repair_pass_rate", rate)],
            surveys=[o.Survey("satisfaction", 100, 90 + m % 8)]))
        out.append(o.Assessment(
            "elevator", p, "考核小组", p.range.end,
            metrics=[o.Metric("max_maintenance_interval", 14 if m != 5 else 16),
                     o.Metric("trapped_arrival", 25)],
            surveys=[o.Survey("satisfaction", 40, 38)]))
    return out


OCT = o.Period.parse("2022-10")


def usage_contract() -> o.Contract:
    """A car service by the trip and a canteen with materials at cost (按实结算)."""
    return o.Contract(
        id="ZW-2022-GWYC", title="公务用车与食堂", jurisdiction="NX",
        purchaser=o.Purchaser("ZW", "中卫市机关事务管理局"),
        supplier=o.Supplier("S-1", "中卫某服务公司", "small"),
        term=o.DateRange(date(2022, 10, 1), date(2022, 12, 31)),
        lines=[
            o.ServiceLine("trips", "official_transport", "市政府",
                          o.UnitRate("80.00", "60", unit="趟")),
            o.ServiceLine("canteen", "canteen", "市政府",
                          o.LabourPlusMaterials("30000.00", "45000.00")),
            o.ServiceLine("cleaning", "cleaning", "市政府", o.FixedMonthly("20000.00")),
        ], payment_days=30)


def usage_assessments(period: o.Period = OCT) -> list[o.Assessment]:
    on = period.end
    return [
        o.Assessment("trips", period, "考核小组", on, metrics=[o.Metric("on_time_rate", "99")],
                     surveys=[o.Survey("satisfaction", 20, 20)]),
        o.Assessment("canteen", period, "考核小组", on,
                     sheets=[o.ScoreSheet("food_safety_inspection",
                                          [o.ScoreItem("食品安全", 100, 96)])],
                     surveys=[o.Survey("satisfaction", 100, 95)]),
        o.Assessment("cleaning", period, "考核小组", on,
                     sheets=[o.ScoreSheet("inspection", [o.ScoreItem("保洁", 100, 95)])],
                     surveys=[o.Survey("satisfaction", 100, 96)]),
    ]
