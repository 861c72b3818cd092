"""A canteen 竞争性磋商 with three rounds of quotes (机关食堂 竞争性磋商).

自治区机关事务管理局 buys its canteen services for 2022-07-01 to 2023-06-30 by 竞争性磋商
(财库〔2014〕214号): 综合评分法 with price 30% (the top of the services band 10%–30%), three
rounds of quotes, and a 10% small-enterprise deduction that only a bid carrying its
中小企业声明函 receives.  The script prints the evaluation report, shows the same
consultation when the small firm does not claim the deduction, and awards the contract —
published on the third working day after signing, across the 端午 holiday, which the award
reports as late (政府采购法实施条例 第五十条: 2 working days).

Run: ``.venv/bin/python examples/canteen_consultation.py``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import outsourcing as o
from outsourcing.procurement import (
    Bid,
    Factor,
    ProcurementMethod,
    ScoringScheme,
    Tender,
    TenderLine,
    award,
    evaluate,
)

BUREAU = o.Purchaser("NXJG", "宁夏回族自治区机关事务管理局")

TENDER = Tender(
    id="NXZC-2022-CT-03", title="自治区机关食堂餐饮服务", purchaser=BUREAU, jurisdiction="NX",
    lines=[TenderLine("canteen", "canteen", "自治区政府机关食堂")],
    term=o.DateRange(date(2022, 7, 1), date(2023, 6, 30)), budget=o.Money("2400000"),
    ceiling=o.Money("2350000"), evaluated_on=date(2022, 5, 20),
    method=ProcurementMethod.COMPETITIVE_CONSULTATION,
    scoring=ScoringScheme(Decimal("0.30"), [Factor("technical", "技术方案", Decimal("0.50")),
                                            Factor("service", "服务承诺", Decimal("0.20"))]),
    sme_deduction=Decimal("0.10"), bid_bond=o.Money("40000"))


def responses(small_firm_declares: bool) -> list[Bid]:
    """Monthly quotes: two earlier rounds, then the last (最后报价)."""
    return [
        Bid("D1", o.Supplier("SUP-D1", "宁夏甲餐饮管理有限公司", "large"), {"canteen": "185000"},
            {"technical": ["42", "43", "44"], "service": ["16", "17", "18"]},
            rounds=[{"canteen": "195000"}, {"canteen": "188000"}]),
        Bid("D2", o.Supplier("SUP-D2", "银川乙餐饮服务有限公司", "small"), {"canteen": "190000"},
            {"technical": ["44", "45", "46"], "service": ["17", "17", "18"]},
            rounds=[{"canteen": "200000"}, {"canteen": "192000"}],
            sme_declaration=small_firm_declares),
        Bid("D3", o.Supplier("SUP-D3", "宁夏丙后勤服务有限公司", "medium"), {"canteen": "182000"},
            {"technical": ["45", "46", "47"], "service": ["18", "18", "18"]},
            rounds=[{"canteen": "190000"}, {"canteen": "186000"}]),
    ]


def main() -> None:
    rb = o.load().rulebook("NX")
    report = evaluate(TENDER, responses(small_firm_declares=True), rb)
    print(report.render())
    unclaimed = evaluate(TENDER, responses(small_firm_declares=False), rb)
    print("D2 未提供中小企业声明函时:")
    for e in unclaimed.ranked:
        print(f"  第{e.rank}名 {e.bid.id} 综合得分 {e.total.shown if e.total else ''}")
    won = award(report, rb, contract_id="NXZC-2022-CT-03-HT", notified_on=date(2022, 5, 25),
                signed_on=date(2022, 6, 2), published_on=date(2022, 6, 8),
                performance_bond="100000")
    print()
    print(won.explain())


if __name__ == "__main__":
    main()
