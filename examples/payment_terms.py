"""A contract's own payment terms, all in one month (合同自定支付条款); shown in docs/payments.md.

物业 at three office areas (A区, B区, C区), ¥90,000.00 a month, November–December 2022.  The
contract (its 第十条 to 第十五条) states every payment term, so no illustrative default is used:

* tiers 优秀 ≥90 → 100%, 良好 ≥80 → 95%, 合格 ≥70 → 90%, 不合格 → 80%;
* one score from three sites: the lowest site's (第十一条);
* +2 points per commendation (at most +5), −2 per complaint (at most −10) (第十二条);
* a safety accident drops the result one tier (第十三条);
* 2% of the month's fee per late response (第十四条);
* 5% held each month, released at the end of the term in proportion to the final assessment
  (期满考核, 第十五条); no deduction caps (the contract states none).

December: sites 92.50 / 88.00 / 95.00 → 88.00; a commendation → 90.00 (优秀); a safety
accident → 良好 95%; a late response −¥1,800.00; the balance ¥8,685.00 released at the final
score 80: ¥6,948.00 paid, ¥1,737.00 forfeited.
"""

from __future__ import annotations

from datetime import date

import outsourcing as o

SITES = ("A区", "B区", "C区")


def contract() -> o.Contract:
    return o.Contract(
        id="NXJG-2022-WY-009", title="自治区机关三个办公区物业服务（2022年11–12月）",
        jurisdiction="NX", purchaser=o.Purchaser("P-NX", "宁夏回族自治区机关事务管理局"),
        supplier=o.Supplier("S-9", "宁夏某物业服务有限公司", "medium"),
        term=o.DateRange(date(2022, 11, 1), date(2022, 12, 31)),
        lines=[o.ServiceLine("property", "property", "自治区机关A区、B区、C区",
                             o.FixedMonthly("90000.00"))])


def rule() -> o.PaymentRule:
    return o.PaymentRule(
        rate=o.TierTable([{"min_score": 90, "rate": "1", "name": "优秀"},
                          {"min_score": 80, "rate": "0.95", "name": "良好"},
                          {"min_score": 70, "rate": "0.90", "name": "合格"},
                          {"min_score": 0, "rate": "0.80", "name": "不合格"}],
                         citation="合同 第十条"),
        sites=o.SiteScore(SITES, "min", citation="合同 第十一条"),
        adjustments=o.ScoreAdjustments({"commendation": "2", "complaint": "-2"},
                                       bonus_cap="5", penalty_cap="10",
                                       citation="合同 第十二条"),
        downgrade=o.Downgrade(["safety_accident"], citation="合同 第十三条"),
        deductions=o.IncidentDeductions(shares={"late_response": {"share": "0.02"}},
                                        citation="合同 第十四条"),
        holdback=o.Holdback("0.05", by_result="proportional", citation="合同 第十五条"),
        name="合同 第十条至第十五条")


KPIS = [o.KpiSpec("inspection", "检查得分", "inspection score", "points", 100, "higher", 100,
                  "合同 附件2 考核评分表")]


def sheet(site: str, period: o.Period, on: date, points: str,
          incidents: list[o.Incident] | None = None) -> o.Assessment:
    return o.Assessment("property", period, f"{site}考核小组", on, site=site,
                        sheets=[o.ScoreSheet("inspection", [o.ScoreItem("综合", 100, points)])],
                        incidents=incidents or [])


def statements() -> list[o.Statement]:
    registry = o.load()
    prepared = o.prepare(contract(), registry.rulebook("NX"), rules={"property": rule()},
                         kpis={"property": KPIS}, contract_rules=o.ContractRules())
    nov, dec = o.Period.parse("2022-11"), o.Period.parse("2022-12")
    november = prepared.settle(
        nov, [sheet(s, nov, date(2022, 12, 2), "95") for s in SITES],
        accepted_on=date(2022, 12, 5))
    december = prepared.settle(
        dec, [sheet("A区", dec, date(2022, 12, 31), "92.50",
                    [o.Incident("commendation", date(2022, 12, 9), "来信表扬会务保障")]),
              sheet("B区", dec, date(2022, 12, 31), "88",
                    [o.Incident("safety_accident", date(2022, 12, 14), "地下车库人员摔伤"),
                     o.Incident("late_response", date(2022, 12, 20), "报修超时4小时")]),
              sheet("C区", dec, date(2022, 12, 31), "95")],
        previous=november, accepted_on=date(2023, 1, 6),
        final_scores={"property": "80"})
    return [november, december]


def main() -> None:
    print(statements()[1].render(), end="")


if __name__ == "__main__":
    main()
