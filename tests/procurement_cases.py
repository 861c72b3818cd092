"""The worked examples of docs/procurement.md, built once for the tests and the docs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import outsourcing as o
from outsourcing.procurement import (
    Bid,
    EvaluationMethod,
    Factor,
    ScoringScheme,
    Tender,
    TenderLine,
)

BUREAU = o.Purchaser("NXJG", "宁夏回族自治区机关事务管理局", "11640000MB1576321L")
SCHEME = ScoringScheme(Decimal("0.30"), [Factor("technical", "技术方案", Decimal("0.50")),
                                         Factor("service", "服务承诺", Decimal("0.20"))])
PROPERTY_TERM = o.DateRange(date(2022, 9, 1), date(2023, 8, 31))


def property_tender(on: date, deduction: str = "0.10") -> Tender:
    """自治区政府办公区物业服务: 综合评分法, price 30%, 技术方案 50%, 服务承诺 20%."""
    return Tender(
        id="NXZC-2022-WY-01", title="自治区政府办公区物业服务", purchaser=BUREAU,
        jurisdiction="NX", lines=[TenderLine("property", "property", "自治区政府办公区")],
        term=PROPERTY_TERM, budget=o.Money("3200000"), ceiling=o.Money("3150000"),
        evaluated_on=on, scoring=SCHEME, sme_deduction=Decimal(deduction))


def property_bids(c_size: str = "large", c_declares: bool | None = None) -> list[Bid]:
    """A ¥250,000/month (large), B ¥240,000 (medium), C ¥260,000 (``c_size``); C's bid
    carries the SME declaration (中小企业声明函) when ``c_declares`` (default: when an SME)."""
    declares = c_size != "large" if c_declares is None else c_declares
    return [
        Bid("A", o.Supplier("SUP-A", "宁夏甲物业服务有限公司", "large"), {"property": "250000"},
            {"technical": ["45", "46", "44"], "service": ["18", "17", "18"]}),
        Bid("B", o.Supplier("SUP-B", "宁夏乙物业服务有限公司", "medium"), {"property": "240000"},
            {"technical": ["40", "41", "42"], "service": ["16", "16", "17"]}),
        Bid("C", o.Supplier("SUP-C", "宁夏丙物业服务有限公司", c_size), {"property": "260000"},
            {"technical": ["47", "48", "46"], "service": ["18", "18", "19"]},
            sme_declaration=declares),
    ]


FIRE_TERM = o.DateRange(date(2021, 7, 1), date(2022, 6, 30))


def fire_tender(on: date = date(2021, 6, 15)) -> Tender:
    """石嘴山市级机关办公区消防维保: 最低评标价法, deduction 8%."""
    return Tender(
        id="SZS-2021-XF-01", title="石嘴山市级机关办公区消防设施维护保养",
        purchaser=o.Purchaser("SZSJG", "石嘴山市机关事务管理局"), jurisdiction="NX-SZS",
        lines=[TenderLine("fire", "fire_maintenance", "市级机关办公区")], term=FIRE_TERM,
        budget=o.Money("80000"), evaluated_on=on, evaluation=EvaluationMethod.LOWEST_PRICE,
        sme_deduction=Decimal("0.08"))


def _fire(level: str, until: date) -> o.Qualification:
    return o.Qualification("fire_technical_service", level, "宁夏回族自治区消防救援总队",
                           valid_until=until)


def fire_bids() -> list[Bid]:
    return [
        Bid("F1", o.Supplier("SUP-F1", "石嘴山甲消防技术服务有限公司", "medium",
                             [_fire("二级", date(2023, 12, 31))]), {"fire": "6000"}),
        Bid("F2", o.Supplier("SUP-F2", "石嘴山乙消防工程有限公司", "small",
                             [_fire("二级", date(2021, 3, 31))]), {"fire": "5200"},
            sme_declaration=True),
        Bid("F3", o.Supplier("SUP-F3", "宁夏丙消防科技有限公司", "small",
                             [_fire("一级", date(2024, 6, 30))]), {"fire": "6300"},
            sme_declaration=True),
        Bid("F4", o.Supplier("SUP-F4", "中安丁消防集团有限公司", "large",
                             [_fire("二级", date(2022, 12, 31))]), {"fire": "5900"}),
    ]
