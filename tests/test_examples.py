"""Every example script runs here and its key figures are asserted."""

from __future__ import annotations

from pathlib import Path

from example_runner import run_example

ROOT = Path(__file__).resolve().parents[1]




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


def test_every_example_script_has_a_test() -> None:
    tested = (ROOT / "tests").glob("test_*.py")
    text = "\n".join(p.read_text(encoding="utf-8") for p in tested)
    for script in sorted((ROOT / "examples").glob("*.py")):
        assert script.name in text, f"examples/{script.name} is not run by any test"
