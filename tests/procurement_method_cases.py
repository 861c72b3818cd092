"""The worked examples of the other procurement methods (docs/procurement.md, 竞争性磋商,
询价, 单一来源), built once for the tests and the docs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import outsourcing as o
from outsourcing.changes import AddLine, Change, Rationale, Timeline
from outsourcing.procurement import (
    Bid,
    EvaluationMethod,
    Factor,
    ProcurementMethod,
    ScoringScheme,
    SingleSourceGround,
    Tender,
    TenderLine,
)

BUREAU = o.Purchaser("NXJG", "宁夏回族自治区机关事务管理局")
CANTEEN_SCHEME = ScoringScheme(Decimal("0.30"), [
    Factor("technical", "技术方案", Decimal("0.50")),
    Factor("service", "服务承诺", Decimal("0.20"))])


def canteen_tender(**kw: object) -> Tender:
    """自治区机关食堂餐饮服务: 竞争性磋商, 综合评分法, price 30% (the top of 10%–30%), 10%
    small-enterprise deduction (the top of 6%–10% on 2022-05-20)."""
    fields: dict[str, object] = dict(
        id="NXZC-2022-CT-03", title="自治区机关食堂餐饮服务", purchaser=BUREAU,
        jurisdiction="NX", lines=[TenderLine("canteen", "canteen", "自治区政府机关食堂")],
        term=o.DateRange(date(2022, 7, 1), date(2023, 6, 30)), budget=o.Money("2400000"),
        ceiling=o.Money("2350000"), evaluated_on=date(2022, 5, 20),
        method=ProcurementMethod.COMPETITIVE_CONSULTATION, scoring=CANTEEN_SCHEME,
        sme_deduction=Decimal("0.10"), bid_bond=o.Money("40000"))
    fields.update(kw)
    return Tender(**fields)  # type: ignore[arg-type]


def canteen_bids(d2_declares: bool = True) -> list[Bid]:
    """Three rounds of quotes each (monthly fees; the last is the 最后报价)."""
    return [
        Bid("D1", o.Supplier("SUP-D1", "宁夏甲餐饮管理有限公司", "large"),
            {"canteen": "185000"},
            {"technical": ["42", "43", "44"], "service": ["16", "17", "18"]},
            rounds=[{"canteen": "195000"}, {"canteen": "188000"}]),
        Bid("D2", o.Supplier("SUP-D2", "银川乙餐饮服务有限公司", "small"),
            {"canteen": "190000"},
            {"technical": ["44", "45", "46"], "service": ["17", "17", "18"]},
            rounds=[{"canteen": "200000"}, {"canteen": "192000"}],
            sme_declaration=d2_declares),
        Bid("D3", o.Supplier("SUP-D3", "宁夏丙后勤服务有限公司", "medium"),
            {"canteen": "182000"},
            {"technical": ["45", "46", "47"], "service": ["18", "18", "18"]},
            rounds=[{"canteen": "190000"}, {"canteen": "186000"}]),
    ]


PROPERTY_SCHEME = ScoringScheme(Decimal("0.20"), [
    Factor("technical", "技术方案", Decimal("0.60")),
    Factor("service", "服务承诺", Decimal("0.20"))])


def property_consultation(purchase_of_services: bool = False) -> Tender:
    """固原市某办公区物业服务: 竞争性磋商, reserved for SMEs, price 20%."""
    return Tender(
        id="NXZC-2023-WY-07", title="自治区某办公区物业服务", purchaser=BUREAU,
        jurisdiction="NX", lines=[TenderLine("property", "property", "某办公区")],
        term=o.DateRange(date(2023, 4, 1), date(2024, 3, 31)), budget=o.Money("900000"),
        evaluated_on=date(2023, 3, 10), method=ProcurementMethod.COMPETITIVE_CONSULTATION,
        scoring=PROPERTY_SCHEME, reserved_for_sme=True,
        purchase_of_services=purchase_of_services)


def property_responses() -> list[Bid]:
    return [
        Bid("P1", o.Supplier("SUP-P1", "宁夏甲物业服务有限公司", "small"), {"property": "70000"},
            {"technical": ["50", "52", "51"], "service": ["15", "16", "17"]},
            rounds=[{"property": "73000"}], sme_declaration=True),
        Bid("P2", o.Supplier("SUP-P2", "宁夏乙物业服务有限公司", "medium"), {"property": "72000"},
            {"technical": ["55", "56", "57"], "service": ["17", "17", "17"]},
            rounds=[{"property": "74000"}], sme_declaration=True),
        Bid("P3", o.Supplier("SUP-P3", "宁夏丙物业服务有限公司", "medium"), {"property": "80000"},
            {"technical": ["56", "57", "58"], "service": ["18", "18", "18"]},
            sme_declaration=True),
    ]


LIFT_PERMIT = "special_equipment_installation_repair"


def _lift(n: int, name: str, size: str, until: date = date(2025, 12, 31)) -> o.Supplier:
    return o.Supplier(f"SUP-E{n}", name, size, [
        o.Qualification(LIFT_PERMIT, "", "宁夏回族自治区市场监督管理厅", valid_until=until)])


def elevator_inquiry() -> Tender:
    """自治区政府办公区电梯维保: 询价, lowest final quote, 10% deduction (10%–20% in force)."""
    return Tender(
        id="NXZC-2022-DT-05", title="自治区政府办公区电梯维护保养", purchaser=BUREAU,
        jurisdiction="NX",
        lines=[TenderLine("elevator", "elevator_maintenance", "自治区政府办公区")],
        term=o.DateRange(date(2022, 10, 1), date(2023, 9, 30)), budget=o.Money("70000"),
        evaluated_on=date(2022, 9, 20), method=ProcurementMethod.INQUIRY,
        evaluation=EvaluationMethod.LOWEST_PRICE, sme_deduction=Decimal("0.10"))


def elevator_quotes() -> list[Bid]:
    """12 elevators at a fixed fee per elevator per month."""
    def fee(x: str) -> o.FixedMonthly:
        return o.FixedMonthly(o.Money(x), quantity=12, unit="台·月")
    return [
        Bid("E1", _lift(1, "宁夏甲电梯工程有限公司", "large"), {"elevator": fee("450")}),
        Bid("E2", _lift(2, "银川乙电梯服务有限公司", "small"), {"elevator": fee("475")},
            sme_declaration=True),
        Bid("E3", _lift(3, "宁夏丙机电设备有限公司", "medium"), {"elevator": fee("433.00")}),
        Bid("E4", _lift(4, "银川丁电梯维修有限公司", "small"), {"elevator": fee("429.00")}),
    ]


SITE = "自治区政府办公区"
ORIGINAL = o.Contract(
    id="NXJG-2023-WY-001", title="自治区政府办公区物业管理服务（2023年度）", jurisdiction="NX",
    purchaser=BUREAU, supplier=o.Supplier("S-NXWY", "宁夏某物业服务有限公司", "medium"),
    term=o.DateRange(date(2023, 1, 1), date(2023, 12, 31)),
    lines=[o.ServiceLine("property", "property", SITE, o.FixedMonthly(o.Money("100000")))],
    budget=o.Money("1250000"), signed_on=date(2022, 12, 20))


def original_with_supplement(rb: o.RuleBook) -> Timeline:
    """The original ¥1,200,000.00 with one signed supplement: 会务服务 ¥8,000/month from
    2023-04-01, ¥72,000.00 of the ¥120,000.00 cap."""
    add = Change("BC-2023-01", AddLine(o.ServiceLine(
        "conference", "property", SITE, o.FixedMonthly(o.Money("8000")))),
        Rationale.VOLUME_CHANGE, "新增会务保障", date(2023, 4, 1), signed_on=date(2023, 3, 25),
        requested_by="自治区机关事务管理局", approved_by="局务会议")
    return Timeline(ORIGINAL).sign(add, rb, today=date(2023, 12, 31))


def additional_purchase(monthly: str) -> tuple[Tender, list[Bid]]:
    """单一来源添购: 绿化养护 from the original supplier, 2023-07-01 to 2023-12-31."""
    tender = Tender(
        id="NXZC-2023-DY-02", title="自治区政府办公区绿化养护（添购）", purchaser=BUREAU,
        jurisdiction="NX", lines=[TenderLine("greening", "property", SITE)],
        term=o.DateRange(date(2023, 7, 1), date(2023, 12, 31)), budget=o.Money("80000"),
        evaluated_on=date(2023, 6, 15), method=ProcurementMethod.SINGLE_SOURCE,
        evaluation=EvaluationMethod.LOWEST_PRICE,
        single_source_ground=SingleSourceGround.ADDITIONAL_PURCHASE)
    return tender, [Bid("S1", ORIGINAL.supplier, {"greening": monthly},
                        rounds=[{"greening": str(int(monthly) + 500)}])]
