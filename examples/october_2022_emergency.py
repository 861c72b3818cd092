"""The regional government office area's 2022 property contract (自治区政府办公区).

The October 2022 emergency (seed digest: 《抗击疫情！宁夏机关事务部门在行动》) closed the gym,
stopped offline meetings and added disinfection.  This script sets up the contract as signed,
checks it under the rules of 宁夏回族自治区, prints what the 10% cap on supplementary
contracts (政府采购法 第四十九条) leaves for mid-term additions, then signs the emergency
changes (docs/changes.md): the gym suspended from 8 October and resumed on 12 December, the
conference services suspended from 8 October, enhanced disinfection added from 10 October,
and a closed-management line refused because it would break the cap.  It prints the Q4 fees,
the saving, the added cost and the headroom left.

Finally it settles the year month by month on the changed timeline (docs/payments.md): each
running line assessed, scored and paid by the illustrative defaults (tier table, 5% holdback
released at the year end, ¥2,000 for a departmental notice in December), and prints
October's statement in full — every figure with the rule and inputs behind it — and the
fourth quarter's summary.  The assessment figures are made up for the example.

Run: ``.venv/bin/python examples/october_2022_emergency.py`` (``make demo``).
"""

from __future__ import annotations

from datetime import date, timedelta

import outsourcing as o
from outsourcing.changes import AddLine, Change, Resume, Suspend, Timeline, cap_report

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
        print(f"  驳回：{exc.message_zh}")
    q4 = o.Period.quarter(2022, 4)
    print(f"{q4} 各服务项目费用（变更前 → 变更后）：")
    for line_id in timeline.all_lines():
        before = (contract.line_amount(line_id, q4.range) if contract.has_line(line_id)
                  else o.Money.ZERO)
        after = timeline.line_amount(line_id, q4.range)
        print(f"  {line_id:<13} {before.format():>14} → {after.format():>14}")
    print(f"  {'合计':<11} {Timeline(contract).period_amount(q4.range).format():>14} → "
          f"{timeline.period_amount(q4.range).format():>14}")
    report = cap_report(timeline, rulebook)
    print(report.render())

    print(f"\n{q4} 结算（按月考核、按月结算；合同费用按变更后的时间线按日折算）：")
    statements = settle_year(timeline, rulebook)[9:]
    print(statements[0].render(), end="")
    print(f"\n{q4} 结算汇总：")
    head = ("期间", "合同费用", "考核后金额", "扣款", "暂扣款", "释放暂扣款", "应付金额", "到期日")
    print("  " + " | ".join(head))
    for st in statements:
        print("  " + " | ".join((
            str(st.period), st.fee.format(), st.performance_amount.format(),
            st.deductions.format(), st.holdback.format(), st.released.format(),
            st.payable.format(), str(st.due_on))))
    print("  " + " | ".join((
        f"{q4} 合计", o.Money.sum(st.fee for st in statements).format(),
        o.Money.sum(st.performance_amount for st in statements).format(),
        o.Money.sum(st.deductions for st in statements).format(),
        o.Money.sum(st.holdback for st in statements).format(),
        o.Money.sum(st.released for st in statements).format(),
        o.Money.sum(st.payable for st in statements).format(), "")))
    for st in statements:
        for note in st.notices:
            print(f"  {st.period} 通知: {note}")


def running_lines(timeline: Timeline, month: o.Period) -> list[str]:
    """The lines that run at least one day of ``month`` (a suspended line is not assessed)."""
    return [lid for lid, schedule in timeline.line_schedules().items()
            if any(span.overlap(month.range) for span, _ in schedule)]


def monthly_assessments(timeline: Timeline, month: o.Period) -> list[o.Assessment]:
    """The bureau's monthly assessment of each running line (illustrative figures)."""
    by, on = "自治区机关事务管理局考核小组", month.end + timedelta(days=5)
    repair, asked, happy, clean, order = {
        10: ("96", 188, 181, 46, 45), 12: ("92", 182, 170, 44, 44)}.get(
        month.index, ("100", 175, 171, 47, 46))
    out = []
    for line_id in running_lines(timeline, month):
        if line_id in ("property", "gym"):
            incidents = [o.Incident("department_notice", date(2022, 12, 6),
                                    "电梯厅消杀记录缺失，收到部门通报")] if (
                line_id == "property" and month.index == 12) else []
            out.append(o.Assessment(
                line_id, month, by, on, metrics=[o.Metric("repair_pass_rate", repair)],
                surveys=[o.Survey("satisfaction", asked, happy)],
                sheets=[o.ScoreSheet("inspection", [o.ScoreItem("保洁", 50, clean),
                                                    o.ScoreItem("秩序维护", 50, order)])],
                incidents=incidents))
        elif line_id == "conference":
            out.append(o.Assessment(line_id, month, by, on,
                                    surveys=[o.Survey("satisfaction", 50, 49)]))
        elif line_id == "disinfection":
            out.append(o.Assessment(line_id, month, by, on,
                                    metrics=[o.Metric("rounds_done_rate", "100")]))
    return out


def settle_year(timeline: Timeline, rulebook: o.RuleBook) -> list[o.Statement]:
    """Settle every month of 2022 in order: rules resolved once per contract, each month
    carrying the previous one's holdback and failure history; paid 25 days after acceptance."""
    months = o.Period.of_year(2022).months()
    assessments = [a for m in months for a in monthly_assessments(timeline, m)]
    return o.settle_term(timeline, assessments, rulebook)


if __name__ == "__main__":
    main()
