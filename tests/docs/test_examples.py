"""Every example script runs here and its key figures are asserted."""

from __future__ import annotations

from pathlib import Path

from example_runner import run_example

ROOT = Path(__file__).resolve().parents[2]




def test_shizuishan_tender_excludes_unqualified_bids() -> None:
    out = run_example("shizuishan_tender.py")
    # property: the grade-1 requirement ended on 2017-09-21 (国发〔2017〕46号), so P2 with
    # its grade-2 qualification is valid in June 2021 and sets the benchmark
    assert "无效　P2 石嘴山乙物业管理有限公司" not in out
    assert "第2名　P2 石嘴山乙物业管理有限公司" in out
    assert "评标基准价 ¥1,534,560.00" in out  # P2: 139,000 × 12 × (1 − 0.08)
    assert "第1名　P3 银川丙物业集团有限公司" in out
    # fire: F2's grade-2 qualification expired on 2021-03-31
    assert "所持资质已于 2021-03-31 过期，评审日 2021-06-15 无效" in out
    assert "中标: 宁夏丙消防科技有限公司，合同金额 ¥75,600.00" in out
    # after 2021-11-09 the grade is no longer required and F2 ranks first
    assert out.rstrip().splitlines()[-4].strip() == "F2 石嘴山乙消防工程有限公司: 第1名"


def test_canteen_consultation_claims_the_deduction_and_publishes_late() -> None:
    out = run_example("canteen_consultation.py")
    assert "磋商基准价 ¥2,052,000.00" in out      # D2: 2,280,000 × (1 − 0.10), as claimed
    assert "综合得分 92.33 = 30.00 + 45.00 + 17.33" in out
    assert "  第1名 D3 综合得分 94.00" in out      # D2 without its declaration
    assert "原合同金额 ¥2,280,000.00" in out
    assert "award.published_late" in out and "为签订后第 3 个工作日" in out


def test_every_example_script_has_a_test() -> None:
    tested = (ROOT / "tests").rglob("test_*.py")
    text = "\n".join(p.read_text(encoding="utf-8") for p in tested)
    for script in sorted((ROOT / "examples").glob("*.py")):
        assert script.name in text, f"examples/{script.name} is not run by any test"


def test_october_2022_office_area_across_its_contracts() -> None:
    out = run_example("october_2022_office_area.py")
    # the gym is suspended but no longer required: no gap; two services nobody contracted
    assert "空档 自治区政府办公区 gym_management" not in out
    assert "空档 自治区政府办公区 hvac_maintenance 2022-10-01..2022-12-31（92 天）" in out
    assert ("重复 自治区政府办公区 disinfection 2022-10-10..2022-12-31（83 天） "
            "NXJG-2022-WY-001:¥75,870.97 NXJG-2022-XS-001:¥54,193.55 重复支付至少 ¥54,193.55"
            in out)
    assert "应急联络表 自治区政府办公区 2022-10-21" in out
    assert "赵工        0951-5550303  24小时  困人救援到场时间 ≤ 30 分钟" in out
    assert "持证上岗率 75.00%" in out
    assert "(night shift) has 1 certified 消防设施操作员证书 holder(s), 2 required" in out
    assert "too late for 公开招标 (latest start was 2022-10-25" in out
    assert "OCDS 1.1.5 发布包 ocds-nxjg01-NXJG-2022-WY-001：校验通过" in out
