"""The 中卫 and 固原 examples run and print their key figures (checked by hand, to the fen).

中卫 (seed line 217): official transport through a framework agreement with a unified price
list (统一报价表), each using unit calling off under its own agreement, never above the list
price; the canteen's market price inquiries twice a month.  固原 (lines 217, 223): six office
areas, each with its own property supplier, ranked for competitive rewards (竞争性奖励).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from example_runner import run_example

ROOT = Path(__file__).resolve().parents[2]




@pytest.fixture(scope="module")
def zhongwei() -> str:
    return run_example("zhongwei_call_offs.py")


@pytest.fixture(scope="module")
def guyuan() -> str:
    return run_example("guyuan_rewards.py")


def rows(text: str, start: str) -> list[str]:
    """The lines of ``text`` from the first starting with ``start`` to the next blank line."""
    lines = text.splitlines()
    i = next(n for n, x in enumerate(lines) if x.startswith(start))
    out = []
    for x in lines[i:]:
        if not x.strip():
            break
        out.append(x)
    return out


# --- 中卫: call-offs under the unified price list ---------------------------------------

def test_zhongwei_call_offs_at_or_below_the_unified_price_list(zhongwei: str) -> None:
    assert "sedan_trip 市内轿车（单程）  最高单价 ¥80.00/趟" in zhongwei
    assert "sedan_day  轿车（全天）  最高单价 ¥400.00/天" in zhongwei
    # 市委办公室, list prices: 40 × ¥80 + 8 × ¥120 = ¥4,160 a month, 12 months
    party = rows(zhongwei, "采购合同 ZW-SWB-2022-GWCX")
    assert party[0].endswith("中共中卫市委办公室 → 中卫市某汽车租赁有限公司（直接选定）")
    assert "    每月计划金额 ¥4,160.00  合同金额 ¥49,920.00（2022-10-01 至 2023-09-30）" in party
    # 市政府办公室, agreed prices below the list: 60 × ¥76 + 6 × ¥380 = ¥6,840 a month
    gov = rows(zhongwei, "采购合同 ZW-ZFB-2022-GWCX")
    assert "    sedan_trip 市内轿车（单程）  每月 60 趟 × ¥76.00 = ¥4,560.00" in gov
    assert "    sedan_day  轿车（全天）  每月 6 天 × ¥380.00 = ¥2,280.00" in gov
    assert "    每月计划金额 ¥6,840.00  合同金额 ¥82,080.00（2022-10-01 至 2023-09-30）" in gov
    # 市人大办公室, second bidding: ¥2,300 (75 × 20 + 400 × 2) beats ¥2,340 (78 × 20 + 390 × 2)
    congress = rows(zhongwei, "采购合同 ZW-RDB-2022-GWCX")
    assert congress[0].endswith("→ 宁夏某交通运输有限公司（二次竞价）")
    assert "    每月计划金额 ¥2,300.00  合同金额 ¥27,600.00（2022-10-01 至 2023-09-30）" \
        in congress
    assert zhongwei.count("检查结果：通过（无问题）") == 3


def test_zhongwei_call_off_above_the_list_price_is_refused(zhongwei: str) -> None:
    refused = next(x for x in zhongwei.splitlines() if x.startswith("  拒绝（未签订）："))
    assert "prices[sedan_trip]='85.00'" in refused
    assert "above the list price ¥80.00" in refused
    assert "rule framework.call_off_price_ceiling" in refused
    assert "财政部令第110号" in refused and "(入围价格)" in refused
    assert "  规则 framework.call_off_price_ceiling，字段 prices[sedan_trip]，价格 85.00" \
        in zhongwei


def test_zhongwei_october_statement_of_the_government_office(zhongwei: str) -> None:
    statement = zhongwei.split("结算单\n", 1)[1].split("计算依据：", 1)[0]
    trip = rows(statement, "【sedan_trip】")
    # 准时率 60 × 90/98 = 55.10; 满意率 40 × 94/95 = 39.58; 94.68 → tier ≥85 → 98%
    assert "  考核得分          94.68" in trip
    assert "  支付比例          98%" in trip
    assert "  合同费用          ¥4,332.00" in trip          # 57 trips used × ¥76 (按实结算)
    assert "  考核后金额        ¥4,245.36" in trip          # 4,332 × 98%
    assert "  扣款 一般问题     ¥500.00 2022-10-18" in trip
    assert "  暂扣款            ¥187.27" in trip            # (4,245.36 − 500) × 5%
    assert "  应付金额          ¥3,558.09" in trip
    day = rows(statement, "【sedan_day】")
    assert "  考核得分          100.00" in day
    assert "  应付金额          ¥2,166.00" in day           # 2,280 − 114 holdback
    total = rows(statement, "合计")
    assert total == [
        "合计",
        "  合同费用          ¥6,612.00",
        "  考核后金额        ¥6,525.36",
        "  扣款              ¥500.00（合计上限 ¥661.20）",
        "  暂扣款            ¥301.27",
        "  释放暂扣款        ¥0.00",
        "  应付金额          ¥5,724.09",
    ]
    assert "  到期日            2022-12-04" in statement   # 30 days from 2022-11-04
    assert "  逾期利息          ¥0.00" in statement
    assert "检查结果" not in statement                   # first period: nothing to report
    assert "结算按实际用车（派车单）：10月 57 趟 × ¥76.00" in zhongwei
    assert "settlement.actual_quantity" in zhongwei  # the fee's explanation


def test_zhongwei_canteen_market_inquiries_twice_a_month(zhongwei: str) -> None:
    assert "机关食堂原材料市场询价：每月 2 次（canteen.market_inquiries_per_month" in zhongwei
    assert "  2022-10 询价日 2022-10-08、2022-10-22：符合" in zhongwei
    # two inquiries on the same day count once
    assert "  2022-11 询价日 2022-11-10、2022-11-10：不足" in zhongwei
    assert ("warning: zhongwei.too_few_market_inquiries: inquiries: 2022-11: 1 market price "
            "inquiries (2022-11-10), the rule asks 2 a month") in zhongwei


# --- 固原: six office areas and competitive rewards ----------------------------------

def test_guyuan_six_office_areas_settled_for_october(guyuan: str) -> None:
    assert guyuan.startswith("固原市行政中心 6 个独立办公区（practice.office_area_count），"
                             "公开招标购买 8 项服务")
    table = rows(guyuan, "    办公区")[1:-1]
    got = [x.split() for x in table]
    # area, contract, fee, score, pay rate, deductions, holdback, payable (5% of A − deductions)
    assert got == [
        ["第一办公区", "GY-2022-WY-01", "¥52,000.00", "99.20", "100%", "¥0.00", "¥2,600.00",
         "¥49,400.00"],
        ["第二办公区", "GY-2022-WY-02", "¥48,000.00", "98.70", "100%", "¥0.00", "¥2,400.00",
         "¥45,600.00"],
        ["第三办公区", "GY-2022-WY-03", "¥45,000.00", "97.68", "100%", "¥0.00", "¥2,250.00",
         "¥42,750.00"],
        ["第四办公区", "GY-2022-WY-04", "¥60,000.00", "93.89", "98%", "¥0.00", "¥2,940.00",
         "¥55,860.00"],
        ["第五办公区", "GY-2022-WY-05", "¥38,000.00", "89.79", "98%", "¥0.00", "¥1,862.00",
         "¥35,378.00"],
        ["第六办公区", "GY-2022-WY-06", "¥41,000.00", "83.89", "95%", "¥500.00", "¥1,922.50",
         "¥36,527.50", "预警通知"],
    ]
    assert "六个办公区应付合计 ¥265,515.50" in guyuan


def test_guyuan_competitive_rewards_rank_and_add_back_to_the_pool(guyuan: str) -> None:
    assert "（奖励总额与分配规则为示例，来源未给出金额和分配办法）" in guyuan
    assert "竞争性奖励  服务 property  期间 2022-10  奖励总额 ¥60,000.00" in guyuan
    # four reach 90; the fifth place's 10% goes to them in proportion: 30/90, 25/90, 20/90, 15/90
    assert rows(guyuan, "  第一办公区") == [
        "  第一办公区  第1名  得分 99.20  奖励 ¥20,000.00",
        "  第二办公区  第2名  得分 98.70  奖励 ¥16,666.67",
        "  第三办公区  第3名  得分 97.68  奖励 ¥13,333.33",
        "  第四办公区  第4名  得分 93.89  奖励 ¥10,000.00",
        "  第五办公区  未获奖  得分 89.79  奖励 ¥0.00（得分低于 90）",
        "  第六办公区  未获奖  得分 83.89  奖励 ¥0.00（得分低于 90）",
        "奖励合计 ¥60,000.00 + 未分配 ¥0.00 = ¥60,000.00，与奖励总额 ¥60,000.00 一致",
    ]
