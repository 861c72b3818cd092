"""Builders for the across-contracts tests: the October 2022 region office area (not a test
module).  The property contract and its emergency changes are those of
``examples/october_2022_emergency.py``; a separate disinfection contract is added."""

from __future__ import annotations

from datetime import date

import outsourcing as o
from outsourcing.changes import AddLine, Change, Resume, Suspend, Timeline
from outsourcing.sites import RequiredService, Site

SITE = "自治区政府办公区"
BUREAU = "宁夏回族自治区机关事务管理局"
PURCHASER = o.Purchaser("NX-JGSW", BUREAU, "11640000MB1576321L")
TODAY = date(2022, 12, 31)
Q4 = o.DateRange(date(2022, 10, 1), date(2022, 12, 31))


def property_contract() -> o.Contract:
    return o.Contract(
        id="NXJG-2022-WY-001", title="自治区政府办公区物业管理服务（2022年度）",
        jurisdiction="NX", purchaser=PURCHASER,
        supplier=o.Supplier("S-NXWY", "宁夏某物业服务有限公司", "medium"),
        term=o.DateRange(date(2022, 1, 1), date(2022, 12, 31)),
        lines=[
            o.ServiceLine("property", "property", SITE, o.FixedMonthly("120000.00"),
                          "综合物业管理（保洁、秩序维护、设施巡检）"),
            o.ServiceLine("gym", "gym_management", SITE, o.FixedMonthly("18000.00"),
                          "健身中心管理"),
            o.ServiceLine("conference", "conference", SITE, o.FixedMonthly("36000.00"),
                          "人民会堂会务服务"),
        ],
        budget=o.Money("2200000"), signed_on=date(2021, 12, 20))


def _change(cid: str, action: AddLine | Suspend | Resume, effective: date, signed: date,
            reason: str) -> Change:
    return Change(cid, action, "force_majeure", reason, effective, BUREAU, signed_on=signed,
                  approved_by="局务会议")


def emergency(resume_gym: bool = False) -> list[Change]:
    out = [
        _change("BC-2022-01", Suspend("gym"), date(2022, 10, 8), date(2022, 10, 9),
                "疫情防控：健身中心及运动场馆关闭"),
        _change("BC-2022-02", Suspend("conference"), date(2022, 10, 8), date(2022, 10, 9),
                "疫情防控：人民会堂线下会议停止"),
        _change("BC-2022-03", AddLine(o.ServiceLine(
            "disinfection", "disinfection", SITE, o.FixedMonthly("28000.00"),
            "加强消杀：公共区域每日四次，电梯、卫生间每两小时一次")),
            date(2022, 10, 10), date(2022, 10, 12), "疫情防控：增加专业消杀"),
    ]
    if resume_gym:
        out.append(_change("BC-2022-05", Resume("gym"), date(2022, 12, 12), date(2022, 12, 9),
                           "疫情缓解：健身中心恢复开放"))
    return out


def property_timeline(rb: o.RuleBook, resume_gym: bool = False) -> Timeline:
    tl = Timeline(property_contract())
    for c in emergency(resume_gym):
        tl = tl.sign(c, rb, today=TODAY)
    return tl


def disinfection_contract() -> o.Contract:
    """A separate disinfection contract signed for the emergency (专业消杀)."""
    return o.Contract(
        id="NXJG-2022-XS-001", title="自治区政府办公区专业消杀服务（疫情防控）",
        jurisdiction="NX", purchaser=PURCHASER,
        supplier=o.Supplier("S-NXXS", "宁夏某环境消杀有限公司", "small"),
        term=o.DateRange(date(2022, 10, 1), date(2022, 12, 31)),
        lines=[o.ServiceLine("disinfection", "disinfection", SITE, o.FixedMonthly("20000.00"),
                             "专业消杀：公共区域、电梯、卫生间")],
        signed_on=date(2022, 9, 30))


def office_area(gym_still_required: bool) -> Site:
    """The region office area in Q4 2022: the gym closed (no longer required from 8 October
    unless ``gym_still_required``), offline meetings stopped, disinfection required."""
    site = Site(SITE, "自治区政府办公区", "NX", address="银川市金凤区（示例）", services=[
        RequiredService("property"), RequiredService("gym_management"),
        RequiredService("conference"), RequiredService("disinfection", date(2022, 10, 1))])
    site = site.no_longer_requires("conference", date(2022, 10, 7), "线下会议停止")
    if not gym_still_required:
        site = site.no_longer_requires("gym_management", date(2022, 10, 7), "场馆关闭")
    return site


def elevator_contract() -> o.Contract:
    return o.Contract(
        id="NXJG-2022-DT-001", title="自治区政府办公区电梯维保服务（2022年度）",
        jurisdiction="NX", purchaser=PURCHASER,
        supplier=o.Supplier("S-NXDT", "宁夏某电梯工程有限公司", "small"),
        term=o.DateRange(date(2022, 1, 1), date(2022, 12, 31)),
        lines=[o.ServiceLine("elevators", "elevator_maintenance", SITE,
                             o.FixedMonthly("650.00", "12", "台·月"), "电梯12台维保")],
        signed_on=date(2021, 12, 25))


def fire_contract() -> o.Contract:
    return o.Contract(
        id="NXJG-2022-XF-001", title="自治区政府办公区消防维保服务（2022年度）",
        jurisdiction="NX", purchaser=PURCHASER,
        supplier=o.Supplier("S-NXXF", "宁夏某消防科技有限公司", "small"),
        term=o.DateRange(date(2022, 1, 1), date(2022, 12, 31)),
        lines=[o.ServiceLine("fire", "fire_maintenance", SITE, o.FixedMonthly("15000.00"),
                             "消防设施维保及消防控制室值班")],
        signed_on=date(2021, 12, 25))
