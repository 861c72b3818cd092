"""The regional government office area's 2022 property contract (自治区政府办公区).

The October 2022 emergency (seed digest: 《抗击疫情！宁夏机关事务部门在行动》) closed the gym,
stopped offline meetings and added disinfection.  This script sets up the contract as signed,
checks it under the rules of 宁夏回族自治区, prints what the 10% cap on supplementary
contracts (政府采购法 第四十九条) leaves for mid-term additions, then signs the emergency
changes (docs/changes.md): the gym suspended from 8 October and resumed on 12 December, the
conference services suspended from 8 October, enhanced disinfection added from 10 October,
and a closed-management line refused because it would break the cap.  It prints the Q4 fees,
the saving, the added cost and the headroom left.

Run: ``.venv/bin/python examples/october_2022_emergency.py`` (``make demo``).
"""

from __future__ import annotations

from datetime import date

import outsourcing as o
from outsourcing.changes import AddLine, Change, Resume, Suspend, Timeline

SITE = "自治区政府办公区"


def build_contract() -> o.Contract:
    return o.Contract(
        id="NXJG-2022-WY-001",
        title="自治区政府办公区物业管理服务（2022年度）",
        jurisdiction="NX",
        purchaser=o.Purchaser("NX-JGSW", "宁夏回族自治区机关事务管理局"),
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
        budget=o.Money("2200000"),
        signed_on=date(2021, 12, 20),
    )


BUREAU = "宁夏回族自治区机关事务管理局"
TODAY = date(2022, 12, 31)


def _change(cid: str, action: AddLine | Suspend | Resume, effective: date, signed: date,
            reason: str) -> Change:
    return Change(cid, action, "force_majeure", reason, effective, BUREAU, signed_on=signed,
                  approved_by="局务会议")


def emergency_changes() -> list[Change]:
    """The changes of the October 2022 emergency, in the order they were signed."""
    return [
        _change("BC-2022-01", Suspend("gym"), date(2022, 10, 8), date(2022, 10, 9),
                "疫情防控：健身中心及运动场馆关闭"),
        _change("BC-2022-02", Suspend("conference"), date(2022, 10, 8), date(2022, 10, 9),
                "疫情防控：人民会堂线下会议停止"),
        _change("BC-2022-03", AddLine(o.ServiceLine(
            "disinfection", "disinfection", SITE, o.FixedMonthly("28000.00"),
            "加强消杀：公共区域每日四次，电梯、卫生间每两小时一次")),
            date(2022, 10, 10), date(2022, 10, 12), "疫情防控：增加专业消杀"),
        _change("BC-2022-04", AddLine(o.ServiceLine(
            "closed_management", "security", SITE, o.FixedMonthly("70000.00"),
            "安保、物业人员封闭管理")),
            date(2022, 10, 20), date(2022, 10, 21), "疫情防控：服务人员封闭管理"),
        _change("BC-2022-05", Resume("gym"), date(2022, 12, 12), date(2022, 12, 9),
                "疫情缓解：健身中心恢复开放"),
    ]


def apply_emergency(
    contract: o.Contract, rulebook: o.RuleBook
) -> tuple[Timeline, list[o.ChangeRejected]]:
    """Sign each change in turn; a rejected one is recorded with its reason."""
    timeline = Timeline(contract)
    refused: list[o.ChangeRejected] = []
    for change in emergency_changes():
        try:
            timeline = timeline.sign(change, rulebook, today=TODAY)
        except o.ChangeRejected as exc:
            refused.append(exc)
            timeline = timeline.reject(change, str(exc))
    return timeline, refused


def main() -> None:
    registry = o.load()
    rulebook = registry.rulebook("NX")
    contract = build_contract()
    on = date(2022, 10, 1)
    cap = rulebook.resolve("changes.supplementary_cap", on)
    print(f"合同 {contract.id}  {contract.title}")
    print(f"采购人 {contract.purchaser.name}；供应商 {contract.supplier.name}"
          f"（{contract.supplier.size.zh}企业）")
    print(f"履行期限 {contract.term}")
    for line in contract.lines:
        amount = contract.line_amount(line.id).format()
        print(f"  {line.id:<11} {line.description:<24} 全年 {amount:>16}")
    budget = contract.budget.format() if contract.budget else "—"
    print(f"原合同金额 {contract.original_amount.format()}（预算 {budget}）")
    headroom = contract.original_amount * cap.value
    print(f"补充合同上限 {cap.value:.0%} → {headroom.format()}  [{cap.citation}]")
    findings = contract.check(rulebook)
    print("检查结果：" + ("无问题" if not findings else ""))
    for f in findings:
        print(f"  {f}")

    print("\n2022年10月疫情防控期间的合同变更：")
    timeline, refused = apply_emergency(contract, rulebook)
    for c in timeline.changes:
        print(f"  {c.id} {c.status.value:<8} {c.action.describe():<42} 生效 {c.effective}")
    for exc in refused:
        print(f"  驳回：{exc}")
    q4 = o.Period.quarter(2022, 4)
    print(f"{q4} 各服务项目费用（变更前 → 变更后）：")
    for line_id in timeline.all_lines():
        before = (contract.line_amount(line_id, q4.range) if contract.has_line(line_id)
                  else o.Money.ZERO)
        after = timeline.line_amount(line_id, q4.range)
        print(f"  {line_id:<13} {before.format():>14} → {after.format():>14}")
    print(f"  {'合计':<11} {Timeline(contract).period_amount(q4.range).format():>14} → "
          f"{timeline.period_amount(q4.range).format():>14}")
    report = timeline.cap_report(rulebook)
    print(report.render())


if __name__ == "__main__":
    main()
