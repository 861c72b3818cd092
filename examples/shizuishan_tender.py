"""A 石嘴山 tender's qualification checks (石嘴山市 资格审查).

石嘴山 buys its property management from a company with the national grade-1 qualification,
its elevator maintenance from a holder of the region's grade-B installation and repair
licence, and its fire-system maintenance from a national grade-2 firm (seed line 217).  The
rules live in the ``outsourcing-ningxia`` plugin as dated parameters: the fire grade applies
only until 2021-11-08, after which 应急管理部令第7号 abolished the grades.

This script evaluates two tenders of the city office area in June 2021 — property (综合评分法)
and fire maintenance (最低评标价法) — prints each evaluation report with every bid's checks,
and shows that the same fire bids evaluated on 2021-11-09 no longer need the grade.

Run: ``.venv/bin/python examples/shizuishan_tender.py``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import outsourcing as o
from outsourcing.procurement import (
    Bid,
    EvaluationMethod,
    EvaluationReport,
    Factor,
    ScoringScheme,
    Tender,
    TenderLine,
    award,
    evaluate,
)

BUREAU = o.Purchaser("SZSJG", "石嘴山市机关事务管理局")
SITE = "市级机关办公区"
TERM = o.DateRange(date(2021, 7, 1), date(2022, 6, 30))


def _q(kind: str, level: str, issuer: str, until: date) -> o.Qualification:
    return o.Qualification(kind, level, issuer, valid_until=until)


def property_tender() -> tuple[Tender, list[Bid]]:
    """物业: 综合评分法, price 30%, 技术方案 50%, 服务承诺 20%; 国家一级资质 required."""
    tender = Tender(
        id="SZS-2021-WY-01", title="石嘴山市级机关办公区物业管理服务", purchaser=BUREAU,
        jurisdiction="NX-SZS", lines=[TenderLine("property", "property", SITE)], term=TERM,
        budget=o.Money("2000000"), ceiling=o.Money("1980000"), evaluated_on=date(2021, 6, 10),
        scoring=ScoringScheme(Decimal("0.30"), [Factor("technical", "技术方案", Decimal("0.50")),
                                                Factor("service", "服务承诺", Decimal("0.20"))]),
        sme_deduction=Decimal("0.08"))
    grade1 = _q("property_management", "一级", "住房和城乡建设部", date(2025, 12, 31))
    grade2 = _q("property_management", "二级", "宁夏回族自治区住房和城乡建设厅",
                date(2025, 12, 31))
    def points(technical: list[str], service: list[str]) -> dict[str, list[str]]:
        return {"technical": technical, "service": service}

    bids = [
        Bid("P1", o.Supplier("SUP-P1", "宁夏甲物业服务有限公司", "medium", [grade1]),
            {"property": "158000"}, points(["44", "45", "43"], ["17", "18", "17"])),
        Bid("P2", o.Supplier("SUP-P2", "石嘴山乙物业管理有限公司", "small", [grade2]),
            {"property": "139000"}, points(["42", "41", "43"], ["16", "17", "16"]),
            sme_declaration=True),  # 中小企业声明函: the deduction is given only as claimed
        Bid("P3", o.Supplier("SUP-P3", "银川丙物业集团有限公司", "large", [grade1]),
            {"property": "152000"}, points(["46", "47", "45"], ["18", "18", "17"])),
        Bid("P4", o.Supplier("SUP-P4", "宁夏丁物业服务有限公司", "small", [grade1]),
            {"property": "149000"}, points(["40", "42", "41"], ["16", "16", "17"]),
            sme_declaration=True),
    ]
    return tender, bids


def fire_tender(on: date) -> tuple[Tender, list[Bid]]:
    """消防维保: 最低评标价法, 8% small-enterprise deduction; 国家二级资质 until 2021-11-08."""
    tender = Tender(
        id="SZS-2021-XF-01", title="石嘴山市级机关办公区消防设施维护保养", purchaser=BUREAU,
        jurisdiction="NX-SZS", lines=[TenderLine("fire", "fire_maintenance", SITE)], term=TERM,
        budget=o.Money("80000"), evaluated_on=on, evaluation=EvaluationMethod.LOWEST_PRICE,
        sme_deduction=Decimal("0.08"))
    corps = "宁夏回族自治区消防救援总队"
    bids = [
        Bid("F1", o.Supplier("SUP-F1", "石嘴山甲消防技术服务有限公司", "medium",
                             [_q("fire_technical_service", "二级", corps, date(2023, 12, 31))]),
            {"fire": "6000"}),
        Bid("F2", o.Supplier("SUP-F2", "石嘴山乙消防工程有限公司", "small",
                             [_q("fire_technical_service", "二级", corps, date(2021, 3, 31))]),
            {"fire": "5200"}, sme_declaration=True),
        Bid("F3", o.Supplier("SUP-F3", "宁夏丙消防科技有限公司", "small",
                             [_q("fire_technical_service", "一级", corps, date(2024, 6, 30))]),
            {"fire": "6300"}, sme_declaration=True),
        Bid("F4", o.Supplier("SUP-F4", "中安丁消防集团有限公司", "large",
                             [_q("fire_technical_service", "二级", corps, date(2022, 12, 31))]),
            {"fire": "5900"}),
    ]
    return tender, bids


def summary(report: EvaluationReport) -> str:
    out = []
    for e in report.evaluations:
        status = f"第{e.rank}名" if e.rank else "无效"
        why = "; ".join(r.detail for r in e.reasons)
        out.append(f"  {e.bid.id} {e.bid.supplier.name}: {status}" + (f" — {why}" if why else ""))
    return "\n".join(out)


def main() -> None:
    registry = o.load()
    rb = registry.rulebook("NX-SZS")

    tender, bids = property_tender()
    report = evaluate(tender, bids, rb)
    print(report.render())
    print()
    tender, bids = fire_tender(date(2021, 6, 15))
    fire = evaluate(tender, bids, rb)
    print(fire.render())
    won = award(fire, rb, contract_id="SZS-2021-XF-HT", notified_on=date(2021, 6, 18),
                signed_on=date(2021, 6, 25))
    print(f"\n中标: {won.contract.supplier.name}，合同金额 {won.contract.original_amount.format()}"
          f"（按投标报价，不按扣除后的评审价）")
    later, _ = fire_tender(date(2021, 11, 9))
    again = evaluate(later, bids, rb)
    print("\n同一批投标于 2021-11-09 评审（应急管理部令第7号取消资质等级后）:")
    print(summary(again))


if __name__ == "__main__":
    main()
