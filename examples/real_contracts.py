"""Real contracts as written: prices per year, per m² and per term, a stated amount, payment
plans with a prepayment, an actual/365 contract settled quarterly, working-day due dates.

Run: ``python examples/real_contracts.py``.  Each section prints what docs/model.md and
docs/payments.md show (a test checks that the pages show exactly this).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import outsourcing as o
from outsourcing.changes import Change, ChangeLineQuantity, Rationale, Timeline
from outsourcing.due import due_term
from outsourcing.payment import FullPay, PaymentRule

RB = o.load().rulebook("CN")
BUREAU = o.Purchaser("P-1", "宁夏回族自治区机关事务管理局")
SME = o.Supplier("S-1", "宁夏某物业服务有限公司", "small")
THREE = {"budget_secured", "stable_continuous", "price_stable"}
SHEET = (o.KpiSpec("inspection", "综合检查得分", "inspection", "points", Decimal(100),
                   o.Direction.HIGHER, Decimal(100), "合同 附件三 考核评分表"),)
FULL = {"property": PaymentRule(FullPay(citation="合同 第八条: 考核合格全额支付"))}


def section(title: str) -> None:
    print(f"=== {title} ===")


def assessed(period: str, on: date) -> o.Assessment:
    return o.Assessment("property", period, "考核小组", on,
                        metrics=[o.Metric("inspection", "96")])


def three_year() -> None:
    section("年服务费: 三年合同")
    c = o.Contract(
        "NX-2024-101", "自治区政府办公区物业服务（三年）", "CN", BUREAU, SME,
        o.DateRange(date(2024, 1, 1), date(2026, 12, 31)),
        [o.ServiceLine("property", "property", "自治区政府办公区",
                       o.AnnualFee("1234567.89", split="allocate"))],
        signed_on=date(2023, 12, 20), stated_amount="3703703.67", multi_year_conditions=THREE)
    print(Timeline(c).cap_report(RB).render())
    year = [c.line_amount("property", o.Period.month(2024, m).range) for m in range(1, 13)]
    print("2024 各月:", ", ".join(str(m) for m in year), "合计", o.Money.sum(year))
    rounded = o.Contract(
        "NX-2024-102", "自治区政府办公区物业服务（三年）", "CN", BUREAU, SME, c.term,
        [o.ServiceLine("property", "property", "自治区政府办公区",
                       o.FixedMonthly("102880.66"))],
        stated_amount="3703703.67", multi_year_conditions=THREE)
    for f in rounded.check(RB):
        print(f)


def area_change() -> None:
    section("按面积计价: 月中面积变更")
    c = o.Contract(
        "NX-2024-201", "银川市民大厅物业服务（按面积）", "CN", BUREAU, SME,
        o.DateRange(date(2024, 1, 1), date(2024, 12, 31)),
        [o.ServiceLine("property", "property", "银川市民大厅", o.AreaRate("12000", "3.50"))],
        signed_on=date(2023, 12, 25))
    tl = Timeline(c).propose(Change(
        "C-1", ChangeLineQuantity("property", "12800"), Rationale.VOLUME_CHANGE,
        "新增办公区 800 m²", date(2024, 3, 16), "采购人")).sign(
        "C-1", RB, signed_on=date(2024, 3, 10), approved_by="局长", today=date(2024, 3, 10))
    st = o.settle(tl, "2024-03", [assessed("2024-03", date(2024, 3, 29))], RB, rules=FULL,
                  kpis={"property": SHEET}, accepted_on=date(2024, 4, 1))
    print(st.render())


def instalments() -> None:
    section("分期付款: 30/40/20/10 与预付款")
    term = o.DateRange(date(2024, 3, 1), date(2025, 2, 28))
    c = o.Contract(
        "NX-2024-401", "吴忠市档案馆消防维保（分期付款）", "CN", BUREAU,
        o.Supplier("S-3", "宁夏某消防技术服务有限公司", "small"), term,
        [o.ServiceLine("fire", "fire_maintenance", "吴忠市档案馆",
                       o.TermTotal("286500.05", term))],
        signed_on=date(2024, 2, 1), payment_days=15, payment_working_days=True)
    plan = o.InstalmentPlan([o.Instalment("signing", "0.30"),
                             o.Instalment("mid_term_acceptance", "0.40"),
                             o.Instalment("final_acceptance", "0.20"),
                             o.Instalment("retention_end", "0.10")],
                            prepayment=o.Prepayment("0.10", recovery="pro_rata"))
    print(o.instalment_payments(c, plan, RB, {"mid_term_acceptance": date(2024, 9, 5),
                                              "final_acceptance": date(2025, 3, 10)}).render())


def actual_365() -> None:
    section("年费 ÷ 365 × 实际天数: 按季结算")
    c = o.Contract(
        "NX-2024-301", "固原市行政中心物业服务（按日计费）", "CN", BUREAU, SME,
        o.DateRange(date(2024, 1, 1), date(2024, 12, 31)),
        [o.ServiceLine("property", "property", "固原市行政中心",
                       o.AnnualFee("500000.00", split="actual_365"))],
        schedule="quarterly", signed_on=date(2023, 12, 28), payment_days=15,
        payment_working_days=True)
    q1 = o.settle(c, "2024-Q1", [assessed("2024-Q1", date(2024, 3, 29))], RB, rules=FULL,
                  kpis={"property": SHEET}, accepted_on=date(2024, 4, 1),
                  paid_on=date(2024, 4, 30))
    print(q1.render())
    q2 = o.settle(c, "2024-Q2", [assessed("2024-Q2", date(2024, 6, 28))], RB, rules=FULL,
                  kpis={"property": SHEET}, previous=q1, accepted_on=date(2024, 7, 1))
    section("定期结算: 预付款按季抵扣")
    print(o.periodic_payments(c, o.PeriodicPlan(o.Prepayment("0.20")), RB, [q1, q2],
                              {"2024-Q1": date(2024, 4, 2), "2024-Q2": date(2024, 7, 2)}
                              ).render())


def spring_festival() -> None:
    section("工作日: 春节调休")
    c = o.Contract(
        "NX-2024-501", "自治区政府办公区电梯维保", "CN", BUREAU, SME,
        o.DateRange(date(2024, 1, 1), date(2024, 12, 31)),
        [o.ServiceLine("elevator", "elevator_maintenance", "自治区政府办公区",
                       o.UnitRate("850.00", "12", unit="台·月"))],
        payment_days=15, payment_working_days=True)
    due = due_term(c, RB, date(2024, 2, 1))
    print(f"验收日期 2024-02-01, 付款期限 {due.describe()} → 到期日 {due.due_on(date(2024, 2, 1))}"
          "（2月10日至17日放假，2月4日、18日（周日）上班）")


if __name__ == "__main__":
    three_year()
    area_change()
    instalments()
    actual_365()
    spring_festival()
