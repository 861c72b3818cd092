"""Every command's and sub-command's ``--help`` exits 0 and is Chinese, argparse's own strings
too (``用法：``, the section titles, ``-h``); argparse's usage errors are Chinese; ``--version``
prints the version.  (``outsourcing change --help`` once crashed on the ``%`` of "10% cap".)"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from desk_runner import run

import outsourcing
from outsourcing.cli import build_parser
from outsourcing.desk.cli_parser import ChineseParser, translate_error

ARGPARSE_ENGLISH = ("usage:", "options:", "positional arguments", "optional arguments",
                    "show this help", "error:", "show program's version")

# words that stay as they are in Chinese help: formats, standards, products, environment
# variables and the values a person types
ALLOWED = {"TOML", "JSON", "Excel", "HTML", "PNG", "OCDS", "OCID", "RFC", "URL", "PostgreSQL",
           "YYYY", "MM", "DD", "release", "record", "docs", "desk", "outsourcing", "xlsx",
           "toml", "json", "init", "settle", "file", "pending", "in_force", "ended",
           "terminated", "officer", "approver", "assessor", "finance", "supplier", "trust",
           "audit", "anchor", "OUTSOURCING_DB", "OUTSOURCING_ACTOR"}


def _commands(parser: ChineseParser, path: tuple[str, ...] = ()
              ) -> Iterator[tuple[str, ...]]:
    yield path
    for group in parser.subcommands:
        for name, child in group.choices.items():
            yield from _commands(child, (*path, name))


COMMANDS = list(_commands(build_parser()))  # type: ignore[arg-type]


def test_the_walk_finds_every_command_and_sub_command() -> None:
    names = {" ".join(p) for p in COMMANDS}
    assert {"", "change", "change headroom", "settle", "settle-file", "contract list",
            "statement show", "audit verify", "usage record", "db downgrade"} <= names
    assert len(COMMANDS) > 40


def _english_words(text: str) -> list[str]:
    # the first column (a command, an argument or an option as typed), options, metavars,
    # choices and ids are what a person types: left out; the rest is read
    text = re.sub(r"(?m)^ {2,6}[^ ].*?(?: {2,}|$)", " ", text)
    text = re.sub(r"(?<![\w-])--?[\w-]+", " ", text)
    text = re.sub(r"\{[^}]*\}|\[[^\]]*\]|\b[A-Z][A-Z_]+\b|\S+\.(?:xlsx|db|md|toml|json)\b",
                  " ", text)
    return [w for w in re.findall(r"[A-Za-z][A-Za-z_]{2,}", text) if w not in ALLOWED]


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "outsourcing")
def test_every_help_exits_0_in_chinese(path: tuple[str, ...], tmp_path: Path) -> None:
    r = run(tmp_path, *path, "--help")
    assert r.code == 0, r.err
    assert r.out.startswith("用法：outsourcing") and "显示本帮助并退出" in r.out
    assert not [s for s in ARGPARSE_ENGLISH if s in r.out]
    body = r.out.split("\n\n", 1)[1]  # past the usage line (the options, as typed)
    assert _english_words(body) == []
    assert not list(tmp_path.iterdir())  # --help creates nothing


def test_the_headroom_help_shows_its_percent_sign(tmp_path: Path) -> None:
    r = run(tmp_path, "change", "--help")
    assert r.code == 0 and "补充合同额度（上限为原合同金额的 10%）" in r.out


@pytest.mark.parametrize(("args", "words"), [
    (["contract", "frobnicate"], "参数 子命令 的取值 'frobnicate' 无效，可选："),
    (["contract", "show"], "缺少必需的参数：contract"),
    (["due", "--bogus"], "无法识别的参数：--bogus"),
    (["report", "--contract", "A", "--supplier", "B"], "不能与参数 --contract 同时使用"),
    (["report"], "参数 --contract --supplier 须给出其中之一"),
    (["statement", "show", "C", "2022-10", "--version", "x"], "的值 'x' 无效（应为 int）"),
    (["due", "--on"], "参数 --on 需要一个值"),
])
def test_argparse_usage_errors_are_chinese_exit_2(args: list[str], words: str,
                                                  tmp_path: Path) -> None:
    r = run(tmp_path, *args)
    assert r.code == 2
    assert r.err.startswith("用法：outsourcing") and "错误：" in r.err and words in r.err
    assert not [s for s in ARGPARSE_ENGLISH if s in r.err]


def test_an_unknown_argparse_message_is_kept_as_it_is() -> None:
    assert translate_error("something new") == "something new"


def test_version_prints_the_package_version(tmp_path: Path) -> None:
    r = run(tmp_path, "--version")
    assert r.code == 0 and r.out.strip() == f"outsourcing {outsourcing.__version__}"
