"""The command line refuses what it cannot use, naming it, with exit 2: a registry that does
not exist (only ``init`` creates one), a file too deeply nested or not UTF-8 (the encoding
named), a statement version that does not exist."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from desk_runner import assessment, contract, founded, run, staffed


@pytest.mark.parametrize("db", ["nope.db", "::::", "sub/missing.db"])
def test_only_init_creates_a_registry_a_mistyped_db_is_refused_by_name(db: str,
                                                                       tmp_path: Path) -> None:
    for args in (["contract", "list"], ["due", "--on", "2022-12-01"], ["actor", "list"],
                 ["audit", "verify"], ["db", "current"], ["db", "upgrade"]):
        r = run(tmp_path, *args, "--db", db)
        assert r.code == 2 and "desk.db.missing" in r.err, (args, r.err)
        assert "登记库不存在" in r.err and str(tmp_path / db) in r.err
        assert "¥0.00" not in r.out
    assert not list(tmp_path.iterdir())  # nothing was created
    r = run(tmp_path, "init", "--actor", "wang", "--name", "王审批", "--db", db.split("/")[-1])
    assert r.code == 0, r.err
    assert run(tmp_path, "actor", "list", "--db", db.split("/")[-1]).code == 0


def test_an_empty_db_is_refused_not_taken_for_the_default(tmp_path: Path) -> None:
    r = run(tmp_path, "contract", "list", "--db", "")
    assert r.code == 2 and "desk.db.empty" in r.err and "--db 为空" in r.err
    assert not list(tmp_path.iterdir())


def test_a_file_without_the_registry_tables_is_not_a_registry(tmp_path: Path) -> None:
    import sqlite3

    sqlite3.connect(tmp_path / "other.db").close()
    r = run(tmp_path, "contract", "list", "--db", "other.db")
    assert r.code == 2 and "desk.db.not_a_registry" in r.err and "outsourcing init" in r.err


def test_the_default_registry_is_refused_when_missing_too(tmp_path: Path) -> None:
    r = run(tmp_path, "contract", "list", db=None)
    assert r.code == 2 and str(tmp_path / "outsourcing.db") in r.err
    assert not (tmp_path / "outsourcing.db").exists()


@pytest.mark.parametrize(("name", "text"), [
    ("deep.json", "[" * 100_000 + "]" * 100_000),
    ("deep.json", '{"a":' * 65 + "1" + "}" * 65),
    ("deep.toml", "a = " + "[" * 100_000 + "]" * 100_000 + "\n"),
])
def test_every_file_the_command_line_takes_has_the_librarys_depth_limit(
        name: str, text: str, tmp_path: Path) -> None:
    founded(tmp_path)
    (tmp_path / name).write_text(text, encoding="utf-8")
    for args in (["contract", "add", name, "--as", "wang"],
                 ["change", "propose", "C-1", name, "--as", "wang"],
                 ["contract", "check", name]):
        r = run(tmp_path, *args)
        assert r.code == 2, (args, r.err)
        assert "desk.file_too_deep" in r.err and "嵌套不得超过 64 层" in r.err
        assert "RecursionError" not in r.err and "internal" not in r.err


def test_the_items_file_has_the_depth_limit_too(tmp_path: Path) -> None:
    r = staffed(tmp_path)
    r.add_contract(contract("C-1"), by="zhao")
    (tmp_path / "items.json").write_text("[" * 100_000, encoding="utf-8")
    got = run(tmp_path, "assess", "template", "C-1", "2022-10", "--items", "items.json")
    assert got.code == 2 and "desk.file_too_deep" in got.err


@pytest.mark.parametrize(("encoding", "named"), [
    ("gbk", "GBK/GB18030"), ("gb18030", "GBK/GB18030"), ("utf-16", "UTF-16")])
def test_a_file_not_in_utf8_is_refused_naming_its_encoding(encoding: str, named: str,
                                                            tmp_path: Path) -> None:
    founded(tmp_path)
    (tmp_path / "c.json").write_bytes('{"id": "合同一", "title": "物业服务"}'.encode(encoding))
    r = run(tmp_path, "contract", "add", "c.json", "--as", "wang")
    assert r.code == 2 and "desk.file.encoding" in r.err
    assert named in r.err and "请另存为 UTF-8" in r.err and "codec" not in r.err


def test_a_binary_file_is_refused_as_such(tmp_path: Path) -> None:
    founded(tmp_path)
    (tmp_path / "c.toml").write_bytes(codecs.BOM_UTF8[:2] + bytes(range(0x80, 0x100)) * 4)
    r = run(tmp_path, "change", "propose", "C-1", "c.toml", "--as", "wang")
    assert r.code == 2 and "二进制文件" in r.err and "codec" not in r.err


def test_a_malformed_file_says_where_in_chinese(tmp_path: Path) -> None:
    founded(tmp_path)
    (tmp_path / "c.json").write_text('{"id": "C-1",\n "title": }', encoding="utf-8")
    r = run(tmp_path, "contract", "add", "c.json", "--as", "wang")
    assert r.code == 2 and "desk.file_unreadable" in r.err
    assert "不是有效的 JSON（问题在第 2 行第 11 列）" in r.err


def test_a_statement_version_that_does_not_exist_is_named(tmp_path: Path) -> None:
    r = staffed(tmp_path)
    r.add_contract(contract("C-1"), by="zhao")
    r.record_assessments("C-1", [assessment("2022-10")], by="qian")
    r.settle("C-1", "2022-10", by="sun")
    got = run(tmp_path, "statement", "show", "C-1", "2022-10", "--version", "99")
    assert got.code == 2 and "desk.statement.no_version" in got.err
    assert "结算单第99版不存在：该期间的结算单有 第1版" in got.err
    none = run(tmp_path, "statement", "show", "C-1", "2022-11")
    assert none.code == 2 and "desk.statement.none" in none.err and "该期间尚无结算单" in none.err
    assert run(tmp_path, "statement", "show", "C-1", "2022-10", "--version", "1").code == 0


def test_a_postgresql_database_without_the_registry_is_refused_not_filled(
        tmp_path: Path) -> None:
    import os
    import secrets

    import sqlalchemy as sa

    host = os.environ.get("OUTSOURCING_TEST_PG", "127.0.0.1:5432")
    admin = sa.create_engine(f"postgresql+psycopg://postgres@{host}/postgres",
                             isolation_level="AUTOCOMMIT")
    name = f"outsourcing_desk_{secrets.token_hex(6)}"
    with admin.connect() as c:  # PostgreSQL must be there: the test fails, never skips
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        url = f"postgresql://postgres@{host}/{name}"
        r = run(tmp_path, "contract", "list", "--db", url)
        assert r.code == 2 and "desk.db.not_a_registry" in r.err and name in r.err
        probe = sa.create_engine(f"postgresql+psycopg://postgres@{host}/{name}")
        with probe.connect() as c:  # nothing was created in it
            assert c.execute(sa.text("SELECT count(*) FROM information_schema.tables "
                                     "WHERE table_schema = 'public'")).scalar() == 0
        probe.dispose()
    finally:
        with admin.connect() as c:
            c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_anchor_and_key_files_have_the_same_limits(tmp_path: Path) -> None:
    founded(tmp_path)
    (tmp_path / "anchor.json").write_text("[" * 100_000, encoding="utf-8")
    (tmp_path / "keys.toml").write_text("a = " + "[" * 100_000, encoding="utf-8")
    got = run(tmp_path, "audit", "verify", "--anchor", "anchor.json")
    assert got.code == 2 and "desk.file_too_deep" in got.err
    got = run(tmp_path, "audit", "rotate", "keys.toml", "--as", "wang")
    assert got.code == 2 and "desk.file_too_deep" in got.err
    got = run(tmp_path, "audit", "key", "keys.toml", "--id", "k2", "--rotate")
    assert got.code == 2 and "desk.file_too_deep" in got.err
