"""大武口区's budget-limited scope (seed line 251).

"以石嘴山大武口为例，由于财政预算资金不足，仅对政府集中办公区安保和保洁工作采取购买服务":
for lack of budget the district buys only security and cleaning for its government office
area.  The rule is the parameter ``scope.allowed_services`` of jurisdiction ``NX-DWK``
(under 石嘴山 ``NX-SZS``).  This script checks two contracts: one with only 安保 and 保洁,
which passes, and one that adds 绿化, which gets the finding ``scope.service_not_bought`` —
and, here, goes over the budget as well.

Run: ``.venv/bin/python examples/dawukou_budget_scope.py``.
"""

from __future__ import annotations

from datetime import date

import outsourcing as o

SITE = "大武口区政府集中办公区"
BUDGET = o.Money("620000.00")


def build_contract(with_greening: bool) -> o.Contract:
    lines = [
        o.ServiceLine("security", "security", SITE, o.FixedMonthly("28000.00"),
                      "安保（门岗、巡逻、监控值守）"),
        o.ServiceLine("cleaning", "cleaning", SITE, o.FixedMonthly("22000.00"),
                      "保洁（办公楼公共区域）"),
    ]
    if with_greening:
        lines.append(o.ServiceLine("greening", "greening", SITE, o.FixedMonthly("6500.00"),
                                   "绿化养护"))
    return o.Contract(
        id="DWK-2022-AB-00" + ("2" if with_greening else "1"),
        title=SITE + ("安保、保洁及绿化服务" if with_greening else "安保保洁服务"),
        jurisdiction="NX-DWK",
        purchaser=o.Purchaser("DWK-JGSW", "大武口区机关事务服务中心"),
        supplier=o.Supplier("S-DWK", "石嘴山某物业服务有限公司", "small"),
        term=o.DateRange(date(2022, 1, 1), date(2022, 12, 31)),
        lines=lines,
        budget=BUDGET,
        signed_on=date(2021, 12, 28),
    )


def report(contract: o.Contract, rulebook: o.RuleBook) -> list[o.Finding]:
    print(f"合同 {contract.id}  {contract.title}")
    for line in contract.lines:
        amount = contract.line_amount(line.id).format()
        print(f"  {line.id:<9} {line.description} 全年 {amount}")
    print(f"  原合同金额 {contract.original_amount.format()}（预算 {BUDGET.format()}）")
    findings = contract.check(rulebook)
    if not findings:
        print("  检查结果: 通过（无问题）")
    for f in findings:
        print(f"  检查结果: {f}")
    print()
    return findings


def main() -> None:
    registry = o.load()
    rulebook = registry.rulebook("NX-DWK")
    scope = rulebook.resolve("scope.allowed_services", date(2021, 12, 28))
    print(f"辖区 {' → '.join(j.name_zh for j in rulebook.chain)}")
    print(f"采购范围 {', '.join(scope.value)}  [{scope.citation}]")
    print()
    report(build_contract(with_greening=False), rulebook)
    report(build_contract(with_greening=True), rulebook)


if __name__ == "__main__":
    main()
