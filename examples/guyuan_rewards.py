"""固原市: six office areas, six property contracts, one month's competitive rewards.

Source (seed line 217): "固原市对市行政中心办公区内6个独立办公区机关后勤服务，引入竞争机制，运用价格
杠杆，在物业维保管理……等8项机关后勤服务方面，加大向社会购买服务力度"; line 223 gives the principle:
different office areas go to different companies, with **competitive rewards** (竞争性奖励).

The script gives each of the six office areas (NX-GY parameter ``practice.office_area_count``)
its own property contract (物业维保管理, one of the eight tendered services,
``practice.tendered_services``) with a different supplier, assesses all six for October
2022 on the catalogue's property KPIs (维修合格率, 满意率, 日常检查得分) with different results,
settles each with the default payment rules, and splits a reward pool among the suppliers
with ``outsourcing.competitive_rewards``.  It prints each area's statement summary, the
ranking and each area's reward, and checks that the parts add back to the pool to the fen.

**Illustrative**: the source names the mechanism but no amounts and no formula.  The pool
(¥60,000.00), the split rule (places 1–5 get 30% / 25% / 20% / 15% / 10%; only suppliers
scoring at least 90 are eligible; a place nobody eligible takes is shared out in proportion),
the area and supplier names, the fees and the scores are this example's, not the source's.

Run: ``.venv/bin/python examples/guyuan_rewards.py``.
"""

from __future__ import annotations

import unicodedata
from datetime import date

import outsourcing as o

OCTOBER = o.Period.month(2022, 10)
POOL = o.Money("60000.00")
RULE = o.RewardRule(method="rank", shares=["0.30", "0.25", "0.20", "0.15", "0.10"],
                    min_score="90", rule_id="rewards.guyuan_example",
                    citation="示例（illustrative）: 第1–5名分别得奖励总额的30%、25%、20%、15%、"
                             "10%，得分不低于90分方可参与；来源未给出金额和分配办法")
BUREAU = o.Purchaser("GY-JGSW", "固原市机关事务服务中心")
ASSESSED_BY = "固原市机关事务服务中心考核小组"

# (area, supplier, monthly fee, repair pass rate %, satisfied of 100 surveyed,
#  inspection points of 100, incidents)
AREAS: list[tuple[str, str, str, str, int, int, list[o.Incident]]] = [
    ("第一办公区", "固原甲物业服务有限公司", "52000.00", "98", 96, 92, []),
    ("第二办公区", "固原乙物业管理有限公司", "48000.00", "100", 93, 88, []),
    ("第三办公区", "宁夏丙物业服务有限公司", "45000.00", "95", 94, 90, []),
    ("第四办公区", "固原丁物业服务有限公司", "60000.00", "92", 90, 86, []),
    ("第五办公区", "宁夏戊物业管理有限公司", "38000.00", "85", 88, 84, []),
    ("第六办公区", "固原己物业服务有限公司", "41000.00", "80", 82, 78,
     [o.Incident("ordinary", date(2022, 10, 14), "办公楼垃圾未按时清运")]),
]


def cell(text: str, width: int) -> str:
    """``text`` right-aligned in ``width`` columns, a CJK character counting two."""
    w = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return " " * max(0, width - w) + text


def contract(n: int, area: str, supplier: str, fee: str) -> o.Contract:
    site = f"固原市行政中心{area}"
    return o.Contract(
        id=f"GY-2022-WY-{n:02d}", title=f"{site}物业维保管理服务", jurisdiction="NX-GY",
        purchaser=BUREAU, supplier=o.Supplier(f"GY-S{n}", supplier, "small"),
        term=o.DateRange(date(2022, 10, 1), date(2023, 9, 30)),
        lines=[o.ServiceLine("property", "property", site, o.FixedMonthly(fee), "物业维保管理")],
        signed_on=date(2022, 9, 20))


def assessment(repair: str, satisfied: int, points: int,
               incidents: list[o.Incident]) -> o.Assessment:
    return o.Assessment(
        "property", OCTOBER, ASSESSED_BY, date(2022, 11, 3),
        metrics=[o.Metric("repair_pass_rate", repair)],
        surveys=[o.Survey("satisfaction", 100, satisfied)],
        sheets=[o.ScoreSheet("inspection", [o.ScoreItem("日常检查（保洁、秩序维护、设施维保）",
                                                        100, points)])],
        incidents=incidents)


def main() -> None:
    rb = o.load().rulebook("NX-GY")
    count = rb.resolve("practice.office_area_count", OCTOBER.start)
    tendered = rb.resolve("practice.tendered_services", OCTOBER.start)
    print(f"固原市行政中心 {count.value} 个独立办公区（{count.rule_id}），"
          f"公开招标购买 {len(tendered.value)} 项服务（{tendered.rule_id}）")
    print(f"各办公区物业维保管理分别由不同企业承担；{OCTOBER} 考核与结算\n")
    assert len(AREAS) == count.value

    statements: list[o.Statement] = []
    widths = (10, 15, 14, 8, 10, 12, 12, 14)
    heads = ("办公区", "合同编号", "合同费用", "得分", "支付比例", "扣款", "暂扣款", "应付金额")
    print("".join(cell(h, w) for h, w in zip(heads, widths, strict=True)))
    for n, (area, supplier, fee, repair, sat, points, incidents) in enumerate(AREAS, 1):
        c = contract(n, area, supplier, fee)
        problems = c.check(rb)
        assert not problems, problems
        st = o.settle(c, OCTOBER, [assessment(repair, sat, points, incidents)], rb)
        statements.append(st)
        line = st.lines[0]
        row = (area, st.contract_id, st.fee.format(), str(line.score),
               "—" if line.pay_rate is None else f"{line.pay_rate:.0%}",
               st.deductions.format(), st.holdback.format(), st.payable.format())
        print("".join(cell(x, w) for x, w in zip(row, widths, strict=True))
              + ("  预警通知" if line.warning_notice else ""))
    total = sum((st.payable for st in statements), o.Money.ZERO)
    print(f"六个办公区应付合计 {total.format()}\n")

    split = o.competitive_rewards(statements, "property", POOL, RULE)
    print("（奖励总额与分配规则为示例，来源未给出金额和分配办法）")
    print(split.render(), end="")
    print()
    area_of = {st.contract_id: AREAS[n][0] for n, st in enumerate(statements)}
    for e in split.entries:
        place = "未获奖" if e.rank is None else f"第{e.rank}名"
        print(f"  {area_of[e.contract_id]}  {place}  得分 {e.score}  奖励 {e.amount.format()}"
              + ("" if e.eligible else f"（{e.reason}）"))
    parts = sum((e.amount for e in split.entries), o.Money.ZERO)
    print(f"奖励合计 {parts.format()} + 未分配 {split.undistributed.format()} = "
          f"{(parts + split.undistributed).format()}，与奖励总额 {POOL.format()} "
          + ("一致" if parts + split.undistributed == POOL else "不一致"))


if __name__ == "__main__":
    main()
