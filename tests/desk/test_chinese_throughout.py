"""Chinese throughout: every finding and error code has a Chinese message; citations name
the law or the publication, never a file or a line."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

import outsourcing as o
from outsourcing.messages_zh import MESSAGES, citation_for_people, lookup

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [*sorted((ROOT / "src").rglob("*.py")), *sorted((ROOT / "plugins").rglob("*.py"))]
FINDING = re.compile(r"Finding\(\s*\"([a-z_.]+)\"")
FAIL = re.compile(r"_fail\(\s*change,\s*\"([a-z_.]+)\"")
CODE = re.compile(r"(?:code=|default_code = )\"([a-z_][a-z_.]+)\"")


def _codes(pattern: re.Pattern[str]) -> set[str]:
    return {m for p in SOURCES if "/build/" not in str(p)
            for m in pattern.findall(p.read_text(encoding="utf-8"))}


def test_every_finding_code_has_a_chinese_message(registry: o.PluginHost) -> None:
    codes = _codes(FINDING) | _codes(FAIL)
    assert len(codes) >= 40
    missing = sorted(c for c in codes if lookup(c) is None)
    assert missing == []
    core = ("change.", "changes.", "settlement.", "assessment.", "payment.", "term.",
            "qualification.", "tender.")
    assert sorted(c for c in codes if c.startswith(core) and c not in MESSAGES) == []


def test_every_error_code_reads_in_chinese() -> None:
    codes = _codes(CODE)
    assert "change.rejected" in codes
    missing = sorted(c for c in codes if lookup(c) is None)
    assert missing == []


def test_finding_message_zh_from_the_catalogue_with_term_and_citation() -> None:
    f = o.Finding("changes.supplementary_cap_exceeded", "BC-1: supplementary additions …",
                  citation="政府采购法 第四十九条", term="补充合同")
    assert f.message_zh == ("变更 BC-1：补充合同累计金额将超过原合同采购金额的百分之十"
                            "（依据：政府采购法 第四十九条）")
    missing = o.Finding("assessment.missing", "line gym ran in 2022-10 but has no assessment",
                        field="assessments[gym]", term="考核缺失")
    assert missing.message_zh == ("服务项目 gym：服务项目本期在履行但未考核，其费用暂缓支付"
                                  "【考核缺失】")
    assert f.render("zh").startswith("违规：")
    assert f.render("en") == str(f)
    own = o.Finding("x.y", "english", zh="自带的中文说明")
    assert own.message_zh == "自带的中文说明"


def test_error_message_zh_falls_back_to_the_catalogue_by_code() -> None:
    err = o.ModelError("must be a non-empty string", field="title", value="", term="合同名称")
    assert err.message_zh == "title='': 合同数据有误【合同名称】".replace(": ", "：")
    rejected = o.ChangeRejected("change BC-2 rejected: …", change_id="BC-2",
                                citation="政府采购法 第四十九条")
    assert rejected.message_zh == "合同变更被驳回，合同保持原状（依据：政府采购法 第四十九条）"


def test_citation_for_people_drops_file_names_and_line_numbers() -> None:
    assert citation_for_people("《推进机关后勤社会化服务改革的思考》（宁夏机关事务 2022）, "
                               "seed 000_09cf0a1d90a7be19.txt line 217: 每月两次进行市场询价") == (
        "《推进机关后勤社会化服务改革的思考》（宁夏机关事务 2022）: 每月两次进行市场询价")
    assert citation_for_people("illustrative: UK PFI payment mechanism (SoPC4/PF2) — "
                               "deductions capped at 20% per service") == (
        "示例（地方惯例，非法定，可由合同约定替换）：英国PFI付款机制（SoPC4/PF2）："
        "单项扣款以该项费用的20%为上限")


@pytest.mark.parametrize("code", ["CN", "NX", "NX-YC", "NX-SZS", "NX-ZW", "NX-GY", "NX-DWK"])
def test_no_rule_citation_names_a_file_or_a_line(registry: o.PluginHost, code: str) -> None:
    rb = registry.rulebook(code)
    cites = [citation_for_people(r.citation) for r in rb.in_force(date(2022, 10, 1))]
    assert cites
    bad = [c for c in cites if re.search(r"\.(txt|md|toml|py)\b|\blines? \d", c)]
    assert bad == []
