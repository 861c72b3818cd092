"""The trust model at the desk: the audit key and its rotation, anchors, a statement that
carries its chain position, schema migrations from the shell (outsourcing db, and Alembic's
own command with the shipped alembic.ini)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from test_desk_commands import staff
from test_month_at_the_desk_end_to_end import Desk

import outsourcing as o
from outsourcing.registry import HEAD, AuditKeys, Store

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def keyed(tmp_path: Path) -> Desk:
    """A staffed desk whose records are signed with a key file outside the database."""
    d = Desk(tmp_path)
    d.env["OUTSOURCING_AUDIT_KEY_FILE"] = str(tmp_path / "keys" / "audit.toml")
    (tmp_path / "keys").mkdir()
    r = d("audit", "key", str(tmp_path / "keys" / "audit.toml"), "--id", "2026-12")
    assert r.code == 0 and "请存放在数据库之外" in r.out
    staff(d)
    return d


def test_records_are_signed_and_an_anchor_finds_a_truncated_chain(keyed: Desk) -> None:
    v = json.loads(keyed("audit", "verify", "--json").out)
    assert v["ok"] and v["signed"] == v["records"] > 0
    assert keyed("audit", "anchor", "锚点.json").code == 0
    anchor = json.loads((keyed.folder / "锚点.json").read_text(encoding="utf-8"))
    assert anchor["seq"] == v["records"] and anchor["key_id"] == "2026-12" and anchor["mac"]
    ok = keyed("audit", "verify", "--anchor", "锚点.json")
    assert ok.code == 0 and "对照锚点 1 个" in ok.out and "密钥核验" in ok.out
    # the database's owner removes the last record and resets the head: the key alone cannot
    # tell, the anchor can
    import sqlite3

    with sqlite3.connect(keyed.folder / "desk.db") as c:
        last = c.execute("SELECT max(seq) FROM audit").fetchone()[0]
        c.execute("DELETE FROM confirmations WHERE id = (SELECT max(id) FROM confirmations)")
        c.execute("DELETE FROM actors WHERE id = 'sun'")
        c.execute("DELETE FROM audit WHERE seq >= ?", (last - 1,))
        h = c.execute("SELECT hash FROM audit WHERE seq = ?", (last - 2,)).fetchone()[0]
        c.execute("UPDATE audit_head SET seq = ?, hash = ?", (last - 2, h))
    assert keyed("audit", "verify").code == 0
    bad = keyed("audit", "verify", "--anchor", "锚点.json")
    assert bad.code == 1 and "truncated" in bad.out


def test_a_rotated_key_is_recorded_and_old_records_still_verify(keyed: Desk) -> None:
    path = keyed.folder / "keys" / "audit.toml"
    assert keyed("audit", "key", str(path), "--id", "2027-01", "--rotate").code == 0
    r = keyed("audit", "rotate", str(path), "--as", "wang")
    assert r.code == 0 and "2027-01" in r.out
    v = json.loads(keyed("audit", "verify", "--json").out)
    assert v["ok"] and v["signed"] == v["records"]
    ring = AuditKeys.from_file(path)
    assert sorted(ring.keys) == ["2026-12", "2027-01"] and ring.current == "2027-01"
    # without the old key the old records cannot be checked
    only_new = AuditKeys({"2027-01": ring.keys["2027-01"]}, "2027-01")
    store = Store.open(keyed.folder / "desk.db", keys=only_new)
    assert "not in the ring" in store.verify().reason
    store.close()


def test_printed_and_exported_statements_carry_their_chain_position(tmp_path: Path) -> None:
    from test_desk_commands import contract

    from outsourcing.serialize import to_json

    d = Desk(tmp_path)
    staff(d)
    (tmp_path / "c.json").write_text(to_json(contract()), encoding="utf-8")
    assert d("contract", "add", "c.json", "--as", "zhao").code == 0
    store = Store.open(tmp_path / "desk.db")
    c = store.contract("NXJG-2022-WY-001")
    p = o.Period.month(c.term.start.year, c.term.start.month)
    store.settle(c.id, p, by="sun")
    v = store.statement_version(c.id, p)
    store.close()
    assert v.audit_seq is not None and len(v.audit_hash) == 64
    shown = d("statement", "show", c.id, str(p))
    assert f"审计链位置：第 {v.audit_seq} 条，哈希 {v.audit_hash}" in shown.out
    assert d("statement", "export", str(p), "--xlsx", "汇总.xlsx", "--html", "打印").code == 0
    ws = load_workbook(tmp_path / "汇总.xlsx")["汇总"]
    head = [x.value for x in ws[1]]
    row = [x.value for x in ws[2]]
    assert row[head.index("审计链位置")] == v.audit_seq
    assert row[head.index("审计哈希")] == v.audit_hash
    page = next((tmp_path / "打印").glob("*.html")).read_text(encoding="utf-8")
    assert v.audit_hash in page


def test_the_db_commands_migrate_and_refuse_a_downgrade_that_drops_data(tmp_path: Path
                                                                        ) -> None:
    d = Desk(tmp_path)
    missing = d("db", "upgrade")  # only init creates a registry
    assert missing.code == 2 and "desk.db.missing" in missing.err
    assert d("init", "--actor", "wang", "--name", "王审批").code == 0
    assert HEAD in d("db", "upgrade").out
    refused = d("db", "downgrade", "base")
    assert refused.code == 2 and "registry.downgrade_loses_data" in refused.err
    assert "降级将删除存有数据的表或列" in refused.err
    assert HEAD in d("db", "current").out   # nothing was changed
    forced = d("db", "downgrade", "0004_money_inputs", "--force", "--as", "wang")
    assert forced.code == 0 and "0004_money_inputs" in forced.out
    assert HEAD in d("db", "upgrade").out


def test_alembics_own_command_runs_with_the_shipped_alembic_ini(tmp_path: Path) -> None:
    db = tmp_path / "bureau.db"
    alembic = [sys.executable, "-m", "alembic", "-c", str(ROOT / "alembic.ini"),
               "-x", f"url={db}"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    up = subprocess.run([*alembic, "upgrade", "head"], capture_output=True, text=True,
                        env=env, cwd=tmp_path)
    assert up.returncode == 0, up.stderr
    cur = subprocess.run([*alembic, "current"], capture_output=True, text=True, env=env,
                         cwd=tmp_path)
    assert f"{HEAD} (head)" in cur.stdout
    store = Store.open(db)
    store.add_actor("wang", "王审批", ["approver"])
    store.close()
    down = subprocess.run([*alembic, "downgrade", "base"], capture_output=True, text=True,
                          env=env, cwd=tmp_path)
    assert down.returncode != 0 and "would drop data" in down.stderr
    assert Store.open(db).actors()[0].id == "wang"
