"""The regional government office area across its contracts, October 2022 (合同全景).

The property contract of ``october_2022_emergency.py`` is one of four contracts at the
自治区政府办公区: a separate disinfection contract signed for the emergency, the elevator
maintenance and the fire maintenance contracts.  This script takes the office area as the
Ningxia plugin ships it (its required services from ``practice.office_areas``), marks the gym
and the conference hall as no longer required from 8 October (docs/sites.md), and shows:

1. coverage over the fourth quarter: no gap for the suspended gym (no longer required), the
   disinfection the property contract added by a change paid twice beside the separate
   contract — with the amount — and the two services nobody was contracted for;
2. the emergency roster (应急联络表) on 21 October, the day the testing site went up;
3. the fire control room's staff checked (持证上岗): one certified operator on the night shift;
4. the renewal pipeline on 1 November: the property contract ends in 60 days, too late for a
   tender;
5. the property contract exported as an OCDS 1.1.5 release package, validated offline.

The contacts, staff and the separate contracts are made up for the example.
Run: ``.venv/bin/python examples/october_2022_office_area.py``.
"""

from __future__ import annotations

from datetime import date, datetime

import outsourcing as o
from outsourcing import ocds
from outsourcing.changes import AddLine, Change, Suspend, Timeline
from outsourcing.portfolio import (
    Certificate,
    DutyContact,
    PostRequirement,
    StaffMember,
    StaffRoster,
    check_staff,
    coverage,
    emergency_roster,
    renewal_pipeline,
)

SITE = "自治区政府办公区"
BUREAU = o.Purchaser("NX-JGSW", "宁夏回族自治区机关事务管理局", "11640000MB1576321L")
YEAR = o.DateRange(date(2022, 1, 1), date(2022, 12, 31))
Q4 = o.DateRange(date(2022, 10, 1), date(2022, 12, 31))


def _contract(cid: str, title: str, supplier: o.Supplier, lines: list[o.ServiceLine],
              term: o.DateRange = YEAR, signed: date = date(2021, 12, 20)) -> o.Contract:
    return o.Contract(cid, title, "NX", BUREAU, supplier, term, lines, signed_on=signed)


def property_timeline(rb: o.RuleBook) -> Timeline:
    """The property contract with the emergency's suspensions and added disinfection."""
    c = _contract("NXJG-2022-WY-001", "自治区政府办公区物业管理服务（2022年度）",
                  o.Supplier("S-NXWY", "宁夏某物业服务有限公司", "medium"), [
                      o.ServiceLine("property", "property", SITE, o.FixedMonthly("120000.00"),
                                    "综合物业管理（保洁、秩序维护、设施巡检）"),
                      o.ServiceLine("gym", "gym_management", SITE, o.FixedMonthly("18000.00"),
                                    "健身中心管理"),
                      o.ServiceLine("conference", "conference", SITE,
                                    o.FixedMonthly("36000.00"), "人民会堂会务服务")])
    who = BUREAU.name
    changes = [
        Change("BC-2022-01", Suspend("gym"), "force_majeure", "疫情防控：健身中心及运动场馆关闭",
               date(2022, 10, 8), who, signed_on=date(2022, 10, 9), approved_by="局务会议"),
        Change("BC-2022-02", Suspend("conference"), "force_majeure",
               "疫情防控：人民会堂线下会议停止", date(2022, 10, 8), who,
               signed_on=date(2022, 10, 9), approved_by="局务会议"),
        Change("BC-2022-03", AddLine(o.ServiceLine(
            "disinfection", "disinfection", SITE, o.FixedMonthly("28000.00"),
            "加强消杀：公共区域每日四次，电梯、卫生间每两小时一次")), "force_majeure",
            "疫情防控：增加专业消杀", date(2022, 10, 10), who, signed_on=date(2022, 10, 12),
            approved_by="局务会议"),
    ]
    tl = Timeline(c)
    for ch in changes:
        tl = tl.sign(ch, rb, today=date(2022, 10, 31))
    return tl


def other_contracts() -> list[o.Contract]:
    return [
        _contract("NXJG-2022-XS-001", "自治区政府办公区专业消杀服务（疫情防控）",
                  o.Supplier("S-NXXS", "宁夏某环境消杀有限公司", "small"),
                  [o.ServiceLine("disinfection", "disinfection", SITE,
                                 o.FixedMonthly("20000.00"), "专业消杀：公共区域、电梯、卫生间")],
                  Q4, date(2022, 9, 30)),
        _contract("NXJG-2022-DT-001", "自治区政府办公区电梯维保服务（2022年度）",
                  o.Supplier("S-NXDT", "宁夏某电梯工程有限公司", "small"),
                  [o.ServiceLine("elevators", "elevator_maintenance", SITE,
                                 o.FixedMonthly("650.00", "12", "台·月"), "电梯12台维保")]),
        _contract("NXJG-2022-XF-001", "自治区政府办公区消防维保服务（2022年度）",
                  o.Supplier("S-NXXF", "宁夏某消防科技有限公司", "small"),
                  [o.ServiceLine("fire", "fire_maintenance", SITE, o.FixedMonthly("15000.00"),
                                 "消防设施维保及消防控制室值班")]),
    ]


CONTACTS = [
    DutyContact("NXJG-2022-WY-001", "王经理", "0951-5550101"),
    DutyContact("NXJG-2022-XS-001", "李主管", "0951-5550202"),
    DutyContact("NXJG-2022-DT-001", "赵工", "0951-5550303"),
    DutyContact("NXJG-2022-XF-001", "消防控制室", "0951-5550119"),
]


def control_room_staff() -> StaffRoster:
    ok = Certificate("fire_operator", "XF-2021-0101", "宁夏回族自治区消防救援总队",
                     date(2025, 6, 30))
    return StaffRoster("NXJG-2022-XF-001", "fire", [
        StaffMember("马某", "fire_control_room", "day", [ok]),
        StaffMember("杨某", "fire_control_room", "day", [ok]),
        StaffMember("丁某", "fire_control_room", "night", [ok]),
        StaffMember("黄某", "fire_control_room", "night"),
    ])


def main() -> None:
    registry = o.load()
    rb = registry.rulebook("NX")
    site = next(s for s in registry.sites("NX") if s.id == SITE)
    site = (site.no_longer_requires("gym_management", date(2022, 10, 7), "场馆关闭")
            .no_longer_requires("conference", date(2022, 10, 7), "线下会议停止"))
    prop = property_timeline(rb)
    contracts: list[o.Contract | Timeline] = [prop, *other_contracts()]

    print(f"办公区 {site.name}（来源：{site.source[:40]}…）")
    print("所需服务（2022-10-21）：" + "、".join(site.required_services(date(2022, 10, 21))))
    print()
    print(coverage(contracts, [site], Q4).render())

    roster = emergency_roster(site, date(2022, 10, 21), contracts, CONTACTS,
                              catalogue=registry.catalogue)
    print(roster.render())

    fire_room = PostRequirement("fire_control_room", "fire_operator", 2, ("day", "night"))
    report = check_staff(control_room_staff(), [fire_room],
                         o.DateRange(date(2022, 10, 1), date(2022, 10, 31)))
    print(f"消防控制室持证上岗检查（2022年10月）：持证上岗率 {report.rate}%")
    for f in report.findings:
        print(f"  {f.code}: {f.message}")
    print()

    for item in renewal_pipeline(contracts, date(2022, 11, 1), 90, rb):
        print(item.render(), end="")
        print(f"  → {item.finding.code}: {item.finding.message}")
    print()

    package = ocds.release_package(prop, as_of=date(2022, 10, 31), prefix="ocds-nxjg01",
                                   published=datetime(2022, 11, 1, 9, 0, tzinfo=ocds.CHINA))
    ocds.validate(package)
    release = package["releases"][0]
    con = release["contracts"][0]
    print(f"OCDS 1.1.5 发布包 {release['ocid']}：校验通过；标签 {', '.join(release['tag'])}；"
          f"变更 {len(con['amendments'])} 项；合同金额 {con['value']['amount']} "
          f"{con['value']['currency']}")
    print(ocds.dumps(package)[:160] + "…")


if __name__ == "__main__":
    main()
