"""The regional government office area's 2022 property contract (自治区政府办公区).

The October 2022 emergency (seed digest: 《抗击疫情！宁夏机关事务部门在行动》) closed the gym,
stopped offline meetings and added disinfection.  This script sets up the contract as signed,
checks it under the rules of 宁夏回族自治区 and prints what the 10% cap on supplementary
contracts (政府采购法 第四十九条) leaves for mid-term additions.

Run: ``.venv/bin/python examples/october_2022_emergency.py`` (``make demo``).
"""

from __future__ import annotations

from datetime import date

import outsourcing as o

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


if __name__ == "__main__":
    main()
