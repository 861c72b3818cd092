"""费用测算: the structure of 发改价格〔2003〕1864号 第十一条 with illustrative practice rates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

import outsourcing as o
from outsourcing.procurement import (
    CostEstimate,
    CostItem,
    FeeRegime,
    Post,
    Taxpayer,
    estimate_cost,
)

ON = date(2022, 6, 1)
POSTS = [Post("项目经理", 1, "6000"), Post("保洁员", 12, "2600"), Post("秩序维护员", 8, "2800"),
         Post("工程维修员（持证上岗）", 4, "4000")]
ITEMS = [CostItem("facilities", "8000"), CostItem("cleaning", "3000", "保洁耗材"),
         CostItem("greening", "2000"), CostItem("office", "1000"), CostItem("insurance", "500"),
         CostItem("depreciation", "800")]


def shown(est: CostEstimate) -> dict[str, str]:
    return {f.label: f.shown for f in est.figures}


def test_lump_sum_fee_is_cost_plus_management_fee_plus_profit_plus_vat_1864_article_11(
    registry: o.PluginHost,
) -> None:
    est = estimate_cost(registry.rulebook("NX"), on=ON, regime="lump_sum", posts=POSTS,
                        benefits_rate="0.30", items=ITEMS, management_fee_rate="0.08",
                        profit_rate="0.06")
    figures = shown(est)
    assert figures["人员工资"] == "¥75,600.00"
    assert figures["社会保险和福利费"] == "¥22,680.00"
    assert figures["物业服务成本"] == "¥113,580.00"
    assert figures["管理费"] == "¥9,086.40"
    assert figures["利润"] == "¥7,359.98"          # (113,580 + 9,086.40) × 6% = 7,359.984
    assert figures["不含税服务费"] == "¥130,026.38"
    assert figures["增值税（一般纳税人）"] == "¥7,801.58"  # 130,026.38 × 6% = 7,801.5828
    assert est.monthly == o.Money("137827.96")
    assert est.budget == o.Money("1653935.52")      # × 12 months
    assert est.findings == ()
    assert est.figure("管理费").rule_id == "procurement.estimate.management_fee_rate"
    assert "1864号" in (est.figure("物业服务成本").citation or "")
    text = est.render()
    assert "费用测算（包干制" in text and "(illustrative default)" in text


def test_cost_plus_fee_is_spending_plus_remuneration_plus_vat(registry: o.PluginHost) -> None:
    est = estimate_cost(registry.rulebook("NX"), on=ON, regime=FeeRegime.COST_PLUS,
                        posts=POSTS, benefits_rate="0.30", items=ITEMS, profit_rate="0.06")
    figures = shown(est)
    assert figures["物业服务支出"] == "¥113,580.00"
    assert figures["酬金"] == "¥6,814.80"
    assert "管理费" not in figures
    assert est.monthly == o.Money("127618.49")      # 120,394.80 + 7,223.69
    assert est.budget == o.Money("1531421.88")
    with pytest.raises(o.ProcurementError, match="酬金制 has no separate management fee"):
        estimate_cost(registry.rulebook("NX"), on=ON, regime="cost_plus", posts=POSTS,
                      benefits_rate="0.30", profit_rate="0.06", management_fee_rate="0.08")


def test_small_scale_taxpayer_vat_3_percent_or_the_invoiced_rate(registry: o.PluginHost) -> None:
    rb = registry.rulebook("NX")
    kw = dict(on=ON, regime="lump_sum", posts=POSTS, benefits_rate="0.30", items=ITEMS,
              management_fee_rate="0.08", profit_rate="0.06", taxpayer=Taxpayer.SMALL_SCALE)
    three = estimate_cost(rb, **kw)  # type: ignore[arg-type]
    assert shown(three)["增值税（小规模纳税人）"] == "¥3,900.79"   # 130,026.38 × 3%
    one = estimate_cost(rb, vat_rate=Decimal("0.01"), **kw)  # type: ignore[arg-type]
    assert one.monthly == o.Money("131326.64")
    assert one.figure("增值税（小规模纳税人）").note == "按所给税率"


def test_rates_outside_illustrative_practice_warn_but_do_not_refuse(registry: o.PluginHost) -> None:
    est = estimate_cost(registry.rulebook("NX"), on=ON, regime="lump_sum", posts=POSTS,
                        benefits_rate="0.30", management_fee_rate="0.12", profit_rate="0.06")
    assert [f.code for f in est.findings] == ["estimate.rate_outside_practice"]
    assert est.findings[0].severity is o.Severity.WARNING
    assert "0.05–0.10" in est.findings[0].message


def test_estimate_bad_input_is_a_clear_error(registry: o.PluginHost) -> None:
    rb = registry.rulebook("NX")
    with pytest.raises(o.ProcurementError, match="包干制 needs a management-fee rate"):
        estimate_cost(rb, on=ON, regime="lump_sum", posts=POSTS, benefits_rate="0.3",
                      profit_rate="0.06")
    with pytest.raises(o.ProcurementError, match=r"monthly_wage.*must not be negative"):
        Post("保洁员", 1, "-2600")
    with pytest.raises(o.ProcurementError, match="headcount"):
        Post("保洁员", 0, "2600")
    with pytest.raises(o.ProcurementError, match="float"):
        estimate_cost(rb, on=ON, regime="cost_plus", posts=POSTS, benefits_rate=0.3,  # type: ignore[arg-type]
                      profit_rate="0.06")
