"""中卫市 official transport (公务用车) through a framework agreement, settled for a month.

Source (seed line 217): "公务出行采取社会化采购，通过公开招标方式确定服务企业和统一报价表，由各用车
单位同服务企业签订服务协议……由各用车单位自行向服务企业按自身需要租赁" — a public tender fixes the
car-hire companies and a **unified price list** (统一报价表); each using unit (用车单位) signs
its own agreement with one of them and rents as it needs.  From 2022-03-01 this is 框架协议采购
(财政部令第110号): ``outsourcing.FrameworkAgreement`` + ``outsourcing.call_off``.

The script

1. builds the framework from the tender: three admitted companies, a price list per trip
   and per day (the source gives no prices; these are an example list);
2. has three using units — 市委办公室, 市政府办公室, 市人大办公室 — each call off under its own
   agreement: a direct choice at the list prices, a direct choice at agreed prices below
   the list, and a second bidding (二次竞价) after a direct call-off **above** the list price
   was refused (the ``ProcurementError`` is caught and printed);
3. settles 市政府办公室's call-off for October 2022 — assessments on the catalogue's
   official-transport KPIs (准时率 on-time rate, 满意率 satisfaction), the illustrative
   default payment rules — and prints the statement (结算单) for the finance officer;
4. shows the canteen's twice-monthly market price inquiry rule (每月两次进行市场询价):
   the NX-ZW parameter ``canteen.market_inquiries_per_month`` and
   ``outsourcing_ningxia.zhongwei.check_market_inquiries``.

A call-off line is a ``UnitRate``: unit price × the **planned** quantity per month, which
makes the call-off's contract amount.  Car hire is paid as used (按实结算): the month's
trips and days actually recorded (``outsourcing.Usage``) replace the plan in the statement —
57 trips in October against 60 planned.  A lasting change of volume is a signed
``ChangeLineQuantity`` on a ``Timeline`` (docs/changes.md), a contract change.

Run: ``.venv/bin/python examples/zhongwei_call_offs.py``.
"""

from __future__ import annotations

from datetime import date

from outsourcing_ningxia.zhongwei import check_market_inquiries

import outsourcing as o

SITE = "中卫市行政中心"
PRICE_LIST = [
    o.PriceListItem("sedan_trip", "市内轿车（单程）", "official_transport", "趟", "80.00"),
    o.PriceListItem("sedan_day", "轿车（全天）", "official_transport", "天", "400.00"),
    o.PriceListItem("van_trip", "商务车（单程）", "official_transport", "趟", "120.00"),
]
CAR_1 = o.Supplier("ZW-CAR-1", "中卫市某汽车租赁有限公司", "small")
CAR_2 = o.Supplier("ZW-CAR-2", "中卫某出行服务有限公司", "micro")
CAR_3 = o.Supplier("ZW-CAR-3", "宁夏某交通运输有限公司", "medium")
PARTY = o.Purchaser("ZW-SWB", "中共中卫市委办公室")
GOVERNMENT = o.Purchaser("ZW-ZFB", "中卫市人民政府办公室")
CONGRESS = o.Purchaser("ZW-RDB", "中卫市人大常委会办公室")
TERM = o.DateRange(date(2022, 10, 1), date(2023, 9, 30))
SIGNED = date(2022, 9, 26)


def framework() -> o.FrameworkAgreement:
    return o.FrameworkAgreement(
        id="ZWZC-2022-KJ-001", title="中卫市公务出行服务框架协议", jurisdiction="NX-ZW",
        organiser=o.Purchaser("ZW-ZFCG", "中卫市政府采购中心"),
        suppliers=[CAR_1, CAR_2, CAR_3], price_list=PRICE_LIST,
        term=o.DateRange(date(2022, 3, 1), date(2024, 2, 29)),
        using_units=[PARTY.id, GOVERNMENT.id, CONGRESS.id])


def show_framework(fa: o.FrameworkAgreement) -> None:
    print(f"框架协议 {fa.id}  {fa.title}")
    print(f"  {fa.kind.zh}，{fa.procedure}，有效期 {fa.term.start} 至 {fa.term.end}，"
          f"组织方 {fa.organiser.name}")
    print("  入围供应商：" + "；".join(f"{s.id} {s.name}" for s in fa.suppliers))
    print("  统一报价表：")
    for item in fa.price_list:
        print(f"    {item.code:<10} {item.name_zh}  最高单价 {item.max_price.format()}/{item.unit}")
    print()


def show_call_off(c: o.CallOff, rb: o.RuleBook) -> None:
    k = c.contract
    print(f"采购合同 {k.id}  {k.purchaser.name} → {k.supplier.name}（{c.method.zh}）")
    monthly = o.Money.ZERO
    for line in k.lines:
        p = line.pricing
        assert isinstance(p, o.UnitRate)
        amount = p.unit_price * p.quantity
        monthly = monthly + amount
        print(f"    {line.id:<10} {line.description}  每月 {p.quantity} {p.unit} × "
              f"{p.unit_price.format()} = {amount.format()}")
    print(f"    每月计划金额 {monthly.format()}  合同金额 {k.original_amount.format()}"
          f"（{k.term.start} 至 {k.term.end}）")
    for why in c.explanation[:1]:
        print(f"    {why}")
    findings = k.check(rb)
    print("    检查结果：" + ("通过（无问题）" if not findings else
                            "; ".join(str(f) for f in findings)))
    print()


def call_offs(fa: o.FrameworkAgreement, rb: o.RuleBook) -> list[o.CallOff]:
    party = o.call_off(fa, rb, id="ZW-SWB-2022-GWCX", using_unit=PARTY,
                       items={"sedan_trip": 40, "van_trip": 8}, method="direct",
                       supplier=CAR_1.id, term=TERM, signed_on=SIGNED, site=SITE)
    government = o.call_off(fa, rb, id="ZW-ZFB-2022-GWCX", using_unit=GOVERNMENT,
                            items={"sedan_trip": 60, "sedan_day": 6}, method="direct",
                            supplier=CAR_2.id,
                            prices={"sedan_trip": "76.00", "sedan_day": "380.00"},
                            term=TERM, signed_on=SIGNED, site=SITE)
    show_call_off(party, rb)
    show_call_off(government, rb)

    print("市人大常委会办公室 先以直接选定方式报价 市内轿车 ¥85.00/趟：")
    try:
        o.call_off(fa, rb, id="ZW-RDB-2022-GWCX", using_unit=CONGRESS,
                   items={"sedan_trip": 20, "sedan_day": 2}, method="direct",
                   supplier=CAR_3.id, prices={"sedan_trip": "85.00"},
                   term=TERM, signed_on=SIGNED, site=SITE)
    except o.ProcurementError as e:
        print(f"  拒绝（未签订）：{e}")
        print(f"  规则 {e.rule_id}，字段 {e.field}，价格 {e.value}")
    print("  改为二次竞价，入围价格为最高限价：")
    congress = o.call_off(fa, rb, id="ZW-RDB-2022-GWCX", using_unit=CONGRESS,
                          items={"sedan_trip": 20, "sedan_day": 2}, method="second_bidding",
                          bids={CAR_1.id: {"sedan_trip": "78.00", "sedan_day": "390.00"},
                                CAR_3.id: {"sedan_trip": "75.00", "sedan_day": "400.00"}},
                          term=TERM, signed_on=SIGNED, site=SITE)
    print()
    show_call_off(congress, rb)
    return [party, government, congress]


def settle_october(c: o.CallOff, rb: o.RuleBook) -> o.Statement:
    october = o.Period.month(2022, 10)
    assessed_by = "中卫市人民政府办公室 行政科"
    assessments = [
        o.Assessment("sedan_trip", october, assessed_by, date(2022, 11, 4),
                     metrics=[o.Metric("on_time_rate", "90")],
                     surveys=[o.Survey("satisfaction", 50, 47)],
                     incidents=[o.Incident("ordinary", date(2022, 10, 18),
                                           "接送市领导迟到40分钟")]),
        o.Assessment("sedan_day", october, assessed_by, date(2022, 11, 4),
                     metrics=[o.Metric("on_time_rate", "100")],
                     surveys=[o.Survey("satisfaction", 12, 12)]),
    ]
    used = [o.Usage("sedan_trip", october, quantity="57", recorded_by="派车单"),
            o.Usage("sedan_day", october, quantity="6", recorded_by="派车单")]
    # the call-off's contract adopts the region's published payment terms as its own
    # (adopt=["*"]): without it, each statement warns that they are illustrative defaults
    return o.settle(c.contract, october, assessments, rb, accepted_on=date(2022, 11, 4),
                    paid_on=date(2022, 11, 28), usage=used, adopt=["*"])


def canteen_inquiries(rb: o.RuleBook) -> None:
    rule = rb.resolve("canteen.market_inquiries_per_month", date(2022, 10, 1))
    print(f"机关食堂原材料市场询价：每月 {rule.value} 次（{rule.rule_id}，{rule.citation}）")
    records = {
        "2022-10": [date(2022, 10, 8), date(2022, 10, 22)],
        "2022-11": [date(2022, 11, 10), date(2022, 11, 10)],
    }
    for month, days in records.items():
        findings = check_market_inquiries(days, o.Period.parse(month), rb)
        shown = "、".join(d.isoformat() for d in days)
        print(f"  {month} 询价日 {shown}：" + ("符合" if not findings else "不足"))
        for f in findings:
            print(f"    {f}")


def main() -> None:
    rb = o.load().rulebook("NX-ZW")
    fa = framework()
    show_framework(fa)
    _, government, _ = call_offs(fa, rb)

    statement = settle_october(government, rb)
    print(f"—— {government.contract.purchaser.name} 2022年10月结算（供财务人员审核）——")
    print(statement.render(), end="")
    print()
    trip = government.contract.line("sedan_trip").pricing
    assert isinstance(trip, o.UnitRate)
    print(f"说明：合同金额按“单价 × 每月计划数量”计算（市内轿车 {trip.quantity} {trip.unit}/月）；"
          f"结算按实际用车（派车单）：10月 57 {trip.unit} × {trip.unit_price.format()}。")
    print("  长期的数量变化须签订数量变更（ChangeLineQuantity，见 docs/changes.md）。")
    print()
    canteen_inquiries(rb)


if __name__ == "__main__":
    main()
