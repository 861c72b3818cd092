"""A jurisdiction's published KPI targets feed the line's KPIs (银川 standards report)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import outsourcing as o


def conference_contract(code: str) -> o.Contract:
    return o.Contract(
        id="YC-HW-2022", title="会务服务", jurisdiction=code,
        purchaser=o.Purchaser("YC-JG", "银川市机关事务服务中心"),
        supplier=o.Supplier("S", "银川某会务服务公司", "small"),
        term=o.DateRange(date(2022, 1, 1), date(2022, 12, 31)),
        lines=[o.ServiceLine("conf", "conference", "市级机关会议中心", o.FixedMonthly("30000"))])


def settle_conference(rb: o.RuleBook, code: str) -> o.StatementLine:
    m = o.Period.parse("2022-10")
    st = o.settle(conference_contract(code), m, [o.Assessment(
        "conf", m, "考核小组", date(2022, 11, 2), surveys=[o.Survey("satisfaction", 100, 95)])],
        rb)
    return st.line("conf")


def test_yinchuan_conference_satisfaction_target_98_percent_is_read_from_its_rule(
    registry: o.PluginHost,
) -> None:
    line = settle_conference(registry.rulebook("NX-YC"), "NX-YC")
    [kpi] = line.kpis
    assert kpi.target == Decimal("98.00")  # the ratio 0.98 of kpi.conference.satisfaction
    assert line.score == Decimal("96.94")  # 95 / 98 × 100, proportional
    why = line.explain("指标 会务服务满意率")
    assert "银川" in why.citation or "seed" in why.citation


def test_a_contract_may_set_its_own_target_over_the_citys(registry: o.PluginHost) -> None:
    own = registry.rulebook("NX-YC").override("kpi.conference.satisfaction", Decimal("0.90"),
                                             citation="合同 第七条")
    line = settle_conference(own, "NX-YC")
    assert line.kpis[0].target == Decimal("90.00")
    assert line.score == Decimal("100.00")
