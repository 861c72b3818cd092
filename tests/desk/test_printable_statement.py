"""The printable statement (结算单): one self-contained Chinese HTML page on A4."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from desk_cases import october_statement

import outsourcing as o
from outsourcing.desk.capitals import amount_in_capitals
from outsourcing.desk.printable import SIGNATURES, statement_html


@pytest.fixture(scope="module")
def page(registry: o.PluginHost) -> str:
    return statement_html(october_statement(registry))


def test_printable_statement_shows_totals_in_figures_and_capitals(page: str) -> None:
    assert "¥83,410.00" in page
    assert "人民币捌万叁仟肆佰壹拾元整" in page
    assert amount_in_capitals(o.Money("84035.58")) == "捌万肆仟零叁拾伍元伍角捌分"
    assert "人民币捌万肆仟零叁拾伍元伍角捌分" in page


def test_printable_statement_names_bureau_supplier_period_and_signatures(page: str) -> None:
    for text in ("宁夏回族自治区机关事务管理局", "宁夏某物业服务有限公司",
                 "2022-10-01 至 2022-10-31", "@page { size: A4"):
        assert text in page
    assert [who for who, _ in SIGNATURES] == ["经办人", "审核人", "负责人", "供应商确认（盖章）"]
    assert page.count("日期：") == 4


def test_printable_statement_reads_in_chinese_with_citations_not_files(page: str) -> None:
    assert "提示：未提供上期结算单" in page
    text = re.sub(r"<style>.*?</style>", "", page, flags=re.S)
    text = re.sub(r"<[^>]+>", "", text)
    assert "warning:" not in text and "illustrative" not in text
    assert not re.search(r"\.(toml|py|txt|md)\b|line \d", text)
    assert "保障中小企业款项支付条例（国务院令第728号）第十五条" in text


def test_printable_statement_is_self_contained(page: str) -> None:
    assert "data:font/otf;base64," in page
    assert not re.search(r"(src|href)=['\"]?(http|/)", page)


def test_printable_statement_renders_in_headless_chromium(page: str, tmp_path: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is required when CI is set (.ci/run installs it with apt)")
        pytest.skip("Chromium is not installed (apt-get install chromium); "
                    "the page is rendered where it is")
    html = tmp_path / "statement.html"
    html.write_text(page, encoding="utf-8")
    png = tmp_path / "statement.png"
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                    "--hide-scrollbars", "--window-size=860,2100", f"--screenshot={png}",
                    html.as_uri()], check=True, capture_output=True, timeout=120)
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 50_000  # a page of text, not a blank
