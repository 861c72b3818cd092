"""What a person reads at the desk is Chinese: every sentence of the catalogue, the desk's
refusals and the text of a month's commands (a statement with findings and a warning notice,
the lists, what is due) carry no untranslated English; ids are shown beside names.  Single
tokens a person types or reads as such (ids, codes, options, commands, acronyms) are allowed;
an English phrase (two words or more) or a line without Chinese is not."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from desk_runner import assessment, contract, run, staffed

from outsourcing.messages_zh import MESSAGES, VALUES_ZH, has_cjk

TYPED = ("outsourcing init", "pip install", "pylopdf-fonts-zh-cn", "audit verify", "actor add",
         "actor confirm")


def english_phrases(text: str) -> list[str]:
    """Runs of two or more English words (3+ letters each) outside what is typed."""
    for t in TYPED:
        text = text.replace(t, " ")
    text = re.sub(r"\{[^}]*\}|'[^']*'|「[^」]*」|--?[\w-]+|\b[\w.-]+\.[a-z_]+\b|\S*_\S*"
                  r"|@?\w+\([^)]*\)", " ", text)  # … and code as typed: load(plugins=…)
    return re.findall(r"[A-Za-z]{3,}(?:[ ,;:()-]+[A-Za-z]{3,})+", text)


def test_the_phrase_finder_finds_english_and_lets_ids_be() -> None:
    assert english_phrases("审计记录不符：第 15 条 — the row statements:1 was edited") != []
    assert english_phrases("依据：学校物业服务合同示例; UK PFI warning notices") != []
    assert english_phrases("请先结算（settle 期间 --contract 合同编号）；规则 payment.holdback"
                           ) == []


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_catalogue_sentence_is_chinese(code: str) -> None:
    text = MESSAGES[code]
    assert has_cjk(text) and english_phrases(text) == [], text


REFUSALS: list[tuple[str, ...]] = [
    ("contract", "list", "--db", "nope.db"), ("contract", "list", "--db", ""),
    ("settle", "2022-10", "--as", "sun"), ("settle", "2022-10", "--all", "--contract", "C-1"),
    ("pay", "C-1", "2022-10", "1e3", "--as", "sun"), ("pay", "C-1", "2022-10", "--as", "sun"),
    ("pay", "C-1", "2022-10", "--reverses", "X", "--as", "sun"),
    ("statement", "show", "C-1", "2022-10", "--version", "9"),
    ("statement", "show", "C-1", "2022-12"), ("statement", "export", "2022-10"),
    ("contract", "add", "missing.json", "--as", "zhao"), ("contract", "add", "c.json"),
    ("report", "--supplier", "S-9"), ("change", "headroom", "NO-SUCH"),
    ("usage", "record", "C-1", "2022-10", "property", "--as", "zhao"),
    ("usage", "record", "C-1", "2022-10", "property", "--quantity", "x", "--as", "zhao"),
    ("ocds", "--from", "2023-01-01", "--to", "2022-01-01"),
    ("contract", "frobnicate"), ("due", "--bogus"), ("accept", "C-1", "2022-10"),
]


@pytest.fixture(scope="module")
def month(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("desk")
    r = staffed(folder)
    r.add_contract(contract("C-1"), by="zhao")
    r.add_contract(contract("C-2", supplier="S-2"), by="zhao")
    r.record_assessments("C-1", [assessment("2022-10", score="40")], by="qian")
    r.record_assessments("C-2", [assessment("2022-10")], by="qian")
    r.close()
    return folder


@pytest.mark.parametrize("args", REFUSALS, ids=" ".join)
def test_every_desk_refusal_is_chinese(args: tuple[str, ...], month: Path) -> None:
    got = run(month, *args)
    assert got.code == 2
    line = got.err.strip().splitlines()[-1]
    assert "错误：" in line
    said = line.split("错误：", 1)[1]  # after the program's name
    assert has_cjk(said) and english_phrases(said) == [], line


def test_a_months_desk_text_is_chinese_with_ids_beside_names(month: Path) -> None:
    settled = run(month, "settle", "2022-10", "--all", "--as", "sun")
    assert settled.code in (0, 1), settled.err
    texts = {args: run(month, *args) for args in (
        ("statement", "show", "C-1", "2022-10"), ("statement", "history", "C-1", "2022-10"),
        ("contract", "show", "C-1"), ("contract", "list"), ("actor", "list"),
        ("due", "--on", "2023-03-01"), ("change", "headroom"), ("audit", "verify"),
        ("contract", "check", "C-1"))}
    for args, got in texts.items():
        assert got.code in (0, 1), (args, got.err)
        for line in got.out.splitlines():
            assert english_phrases(line) == [], (args, line)
            assert not re.search(r"[=（(](?:" + "|".join(VALUES_ZH) + r")[)）,，]", line), line
    shown = texts[("statement", "show", "C-1", "2022-10")].out
    assert "预警通知：物业服务·办公区（property）" in shown
    assert "※示例默认 分档支付（合同未约定）" in shown
    assert "（按实际天数）" in shown and "服务项目 物业服务·办公区（property） 计价" in shown
    assert "某物业服务有限公司S-2（S-2）" in texts[("contract", "list")].out


def test_english_stays_for_developers(month: Path) -> None:
    got = run(month, "statement", "show", "C-1", "2022-11", "--lang", "en")
    assert got.code == 2 and got.err.startswith("outsourcing: error:")
