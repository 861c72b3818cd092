from __future__ import annotations

from pathlib import Path

from example_runner import run_example

import outsourcing as o
from outsourcing.docgen import rules_catalogue

ROOT = Path(__file__).resolve().parents[2]


def test_rules_catalogue_page_matches_the_parameter_files(registry: o.PluginHost) -> None:
    committed = (ROOT / "docs" / "rules-catalogue.md").read_text(encoding="utf-8")
    assert committed == rules_catalogue(registry), (
        "docs/rules-catalogue.md is stale: run .venv/bin/python -m outsourcing.docgen "
        "> docs/rules-catalogue.md")


def test_every_illustrative_parameter_is_labelled_in_the_catalogue(registry: o.PluginHost) -> None:
    text = rules_catalogue(registry)
    for code in registry.jurisdictions:
        for p in registry.rulebook(code).parameters():
            if p.illustrative and p.jurisdiction == code:
                assert f"### `{p.id}` — **illustrative**" in text




def test_emergency_example_prints_the_contract_and_its_cap() -> None:
    out = run_example("october_2022_emergency.py")
    assert "原合同金额 ¥2,088,000.00" in out
    assert "补充合同上限 10% → ¥208,800.00" in out
    assert "第四十九条" in out


def test_emergency_example_prints_the_q4_fees_saving_and_headroom() -> None:
    out = run_example("october_2022_emergency.py")
    assert "¥522,000.00 →    ¥459,677.42" in out
    assert ("驳回：合同变更 BC-2022-04 被驳回：补充合同累计金额 ¥242,967.74 "
            "将超过原合同采购金额") in out
    assert "已用 ¥75,870.97  剩余 ¥132,929.03" in out
    assert "BC-2022-01 suspend line gym (resumed by BC-2022-05)       ¥38,322.58" in out
    assert "追加合计 ¥75,870.97  节约合计 ¥138,193.55  变更后合同金额 ¥2,025,677.42" in out


def test_emergency_example_settles_the_fourth_quarter_month_by_month() -> None:
    """Q4 of the emergency: fees follow the changed timeline, 5% holdback each month, a
    departmental notice deducts ¥2,000 in December, and the year's holdback is released at
    the year end (all illustrative payment defaults)."""
    out = run_example("october_2022_emergency.py")
    rows = [line.strip() for line in out.splitlines() if line.strip().startswith("2022-")]
    assert ("2022-10 | ¥152,064.52 | ¥152,064.52 | ¥0.00 | ¥7,603.23 | ¥0.00 | ¥144,461.29 | "
            "2022-12-05") in rows
    assert ("2022-11 | ¥148,000.00 | ¥148,000.00 | ¥0.00 | ¥7,400.00 | ¥0.00 | ¥140,600.00 | "
            "2023-01-04") in rows
    # holdback released in December: 9 × ¥8,700.00 + ¥7,603.23 + ¥7,400.00 + ¥7,880.65
    assert ("2022-12 | ¥159,612.90 | ¥159,612.90 | ¥2,000.00 | ¥7,880.65 | ¥101,183.88 | "
            "¥250,916.13 | 2023-02-04") in rows
    assert ("2022-Q4 合计 | ¥459,677.42 | ¥459,677.42 | ¥2,000.00 | ¥22,883.88 | ¥101,183.88 | "
            "¥535,977.42 |") in rows
    # the October statement a finance officer reads, with its explanations
    assert "【disinfection】消毒消杀 · 自治区政府办公区" in out
    assert "disinfection 合同费用 = ¥19,870.97 ← accrual.pro_rata" in out
