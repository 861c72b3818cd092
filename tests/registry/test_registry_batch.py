"""Many writers, a region at once, migrations — on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from registry_cases import assessment, contract, staffed

import outsourcing as o
from outsourcing.registry import HEAD, Store, current_revision, downgrade

JAN = o.Period.month(2022, 1)
DEADLINE = 90.0
"""Seconds any child process may take on a loaded two-core machine before the test fails."""


def _region(r: Store, n: int) -> list[str]:
    ids = []
    for k in range(n):
        cid = f"NX-{k:03d}"
        r.add_contract(contract(cid, supplier=f"S-{k % 7}", fee=f"{50000 + 997 * k}.00",
                                site=f"办公区{k % 3}"), by="zhao")
        for line in ("property", "cleaning"):
            r.record_assessment(cid, assessment(line, JAN, score=str(70 + k % 30)), by="qian")
        ids.append(cid)
    return ids


def _count(url: str) -> int:
    eng = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with eng.connect() as c:
            return int(c.execute(sa.text("SELECT count(*) FROM statements")).scalar_one())
    finally:
        eng.dispose()


def _child(code: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_processes_settling_the_same_period_store_exactly_one_statement(
        db_url: str, tmp_path: Path) -> None:
    r = staffed(db_url)
    _region(r, 1)
    go = tmp_path / "go"
    code = """
        import sys, time, pathlib
        from outsourcing.registry import Store
        url, go = sys.argv[1], pathlib.Path(sys.argv[2])
        r = Store.open(url, migrate=False)
        r.settle  # everything imported before the start
        while not go.exists():
            time.sleep(0.005)
        s = r.settle("NX-000", "2022-01", by="sun")
        print(s.version, s.written, s.statement.payable)
        r.close()
    """
    procs = [_child(code, db_url, str(go)) for _ in range(2)]
    time.sleep(0.5)
    go.touch()
    outs = []
    for p in procs:
        out, err = p.communicate(timeout=DEADLINE)
        assert p.returncode == 0, err
        outs.append(out.split())
    assert _count(db_url) == 1
    assert sorted(o[1] for o in outs) == ["False", "True"]
    assert outs[0][0] == outs[1][0] == "1" and outs[0][2] == outs[1][2]
    assert r.verify().ok


def test_a_batch_killed_mid_way_leaves_each_chunk_settled_or_untouched_and_a_rerun_completes(
        db_url: str) -> None:
    r = staffed(db_url)
    ids = _region(r, 24)
    code = """
        import sys, time
        from concurrent.futures import ThreadPoolExecutor
        from outsourcing.registry import Store, batch
        real = batch._write_chunk
        def slow(*a, **kw):
            out = real(*a, **kw)
            time.sleep(0.25)          # a slow batch, so that the kill lands in the middle
            return out
        batch._write_chunk = slow
        r = Store.open(sys.argv[1], migrate=False)
        with ThreadPoolExecutor(1) as pool:
            r.settle_all("2022-01", by="sun", executor=pool, chunk=3)
        print("finished")
    """
    p = _child(code, db_url)
    start = time.monotonic()
    while _count(db_url) < 6:
        assert p.poll() is None, p.communicate()
        assert time.monotonic() - start < DEADLINE, "the batch never started"
        time.sleep(0.02)
    os.kill(p.pid, signal.SIGKILL)
    p.communicate(timeout=DEADLINE)
    assert p.returncode == -signal.SIGKILL
    done = _count(db_url)
    assert 6 <= done < len(ids) and done % 3 == 0  # whole chunks of 3, or nothing of one
    assert r.verify().ok  # every stored statement came with its audit record, nothing half
    with ThreadPoolExecutor(2) as pool:
        result = r.settle_all("2022-01", by="sun", executor=pool)
    assert len(result.unchanged) == done and len(result.written) == len(ids) - done
    assert not result.failed and not result.corrected
    assert _count(db_url) == len(ids)
    assert {x.contract_id for x in r.due(date(2022, 2, 1))} == set(ids)
    assert r.verify().ok


def test_settle_all_on_the_default_process_pool_settles_every_contract_in_force(
        db_url: str) -> None:
    r = staffed(db_url)
    ids = _region(r, 4)
    r.add_contract(contract("NX-LATER", start=date(2022, 3, 1)), by="zhao")
    result = r.settle_all("2022-01", by="sun")
    assert sorted(result.written) == ids and not result.failed
    again = r.settle_all("2022-01", by="sun", executor=ThreadPoolExecutor(2))
    assert sorted(again.unchanged) == ids and not again.written
    assert _count(db_url) == 4
    # February: the first month's statement carries in; a missing assessment is a finding
    feb = r.settle_all("2022-02", by="sun", executor=ThreadPoolExecutor(1))
    assert sorted(feb.written) == ids
    codes = {f.code for f in r.findings("NX-000", "2022-02")}
    assert {"assessment.missing", "settlement.no_acceptance_date"} <= codes
    # March: NX-LATER starts; it cannot skip its own first month, the others go on
    mar = r.settle_all("2022-03", by="sun", executor=ThreadPoolExecutor(1))
    assert "NX-LATER" in mar.written and not mar.failed
    assert r.verify().ok


def test_a_period_settled_before_the_previous_one_is_refused(db_url: str) -> None:
    r = staffed(db_url)
    _region(r, 1)
    result = r.settle_all("2022-02", by="sun", executor=ThreadPoolExecutor(1))
    assert [(x.contract_id, x.code) for x in result.failed] == [
        ("NX-000", "registry.previous_missing")]
    assert "2022-01" in result.failed[0].message_zh  # the period to settle first
    alone = r.settle_all("2022-02", by="sun", workers=1)  # settled in this process: the same
    assert alone.failed == result.failed


def test_a_populated_database_of_the_first_schema_migrates_to_the_current_one(
        db_url: str) -> None:
    r = staffed(db_url)
    _region(r, 3)
    for cid in ("NX-000", "NX-001", "NX-002"):
        r.settle(cid, "2022-01", by="sun")
    r.settle("NX-000", "2022-02", by="sun")  # a missing assessment: a finding
    with r.engine.connect() as c:
        due_before = c.execute(sa.text("SELECT id, due_on FROM statements ORDER BY id")).all()
        findings_before = c.execute(sa.text(
            "SELECT statement_id, code FROM findings ORDER BY id")).all()
    assert findings_before
    # back to the first schema drops tables and columns that hold data: refused …
    with pytest.raises(o.RegistryError) as e:
        downgrade(r.engine, "0001")
    assert e.value.code == "registry.downgrade_loses_data" and "findings" in str(e.value)
    # … unless forced: no findings table, no due_on column
    assert downgrade(r.engine, "0001", force=True, by="wang") == "0001"
    with r.engine.connect() as c:
        assert current_revision(c) == "0001"
        cols = {x["name"] for x in sa.inspect(c).get_columns("statements")}
        assert "due_on" not in cols and not sa.inspect(c).has_table("findings")
    r.close()
    # opening with this library migrates it, reading every stored statement document
    r2 = Store.open(db_url)
    with r2.engine.connect() as c:
        assert current_revision(c) == HEAD
        assert c.execute(sa.text("SELECT id, due_on FROM statements ORDER BY id")
                         ).all() == due_before
        assert c.execute(sa.text("SELECT statement_id, code FROM findings ORDER BY id")
                         ).all() == findings_before
    # the forcing is in the chain, and what it dropped (the proposals and confirmations of
    # the actors; on PostgreSQL also each record's login) breaks the chain, and verify says so
    (forced,) = [x for x in r2.audit_trail() if x.action == "force_downgrade"]
    assert (forced.actor, forced.object) == ("wang", "schema:0001")
    v = r2.verify()
    assert not v.ok and ("proposals:" in v.reason or v.reason == "the record was altered")
    # and the work goes on
    r2.record_assessment("NX-001", assessment("property", o.Period.month(2022, 2)), by="qian")
    assert r2.settle("NX-001", "2022-02", by="sun").written


def test_the_migrations_build_the_schema_the_registry_declares(db_url: str) -> None:
    from outsourcing.registry.schema import metadata

    r = Store.open(db_url)
    with r.engine.connect() as c:
        insp = sa.inspect(c)
        for name, table in metadata.tables.items():
            assert {x["name"] for x in insp.get_columns(name)} == set(table.columns.keys())
            want = {ix.name for ix in table.indexes}
            assert want <= {ix["name"] for ix in insp.get_indexes(name)}
