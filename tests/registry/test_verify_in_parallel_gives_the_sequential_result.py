"""``verify`` with several processes (each walking a range of the chain from the record
before it) gives exactly the result of the single walk: for an intact chain, and for every
kind of tampering of the tampering suite, committed to a copy of the database, with the
ranges' boundaries falling on, before and after the damage."""

from __future__ import annotations

import multiprocessing
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from conftest import pg_schema_url
from test_tampering import KINDS, _keys, populate
from verify_child import walk_intact

from outsourcing.registry import Store
from outsourcing.registry._verify_parallel import walk_in_parallel
from outsourcing.registry.verify import Verification


def _same(v: Verification) -> tuple[Any, ...]:
    return (v.ok, v.records, v.first_bad, v.code, dict(v.params), v.signed, v.reason)


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    folder = tmp_path_factory.mktemp("parallel")
    keys = _keys()
    r = populate(f"sqlite:///{folder / 'registry.db'}", keys)
    anchor = r.anchor()
    r.close()
    return folder / "registry.db", (keys, anchor)


def _copy(original: Path, to: Path) -> str:
    shutil.copy(original, to)
    for suffix in ("-wal", "-shm"):
        if Path(f"{original}{suffix}").exists():
            shutil.copy(f"{original}{suffix}", f"{to}{suffix}")
    return f"sqlite:///{to}"


@pytest.mark.parametrize("kind", ["intact", *sorted(KINDS)])
def test_every_kind_of_tampering_is_found_alike_by_one_process_and_by_several(
        original: tuple[Path, Any], tmp_path: Path, kind: str) -> None:
    path, (keys, anchor) = original
    url = _copy(path, tmp_path / "copy.db")
    store = Store.open(url, keys=keys, migrate=False)
    try:
        if kind != "intact":
            with store.engine.begin() as c:
                KINDS[kind](c)
        keyless = Store(store.engine, store.url, store.plugins, keys=None)
        for s in (store, keyless):
            for anchors in ((), (anchor,)):
                one = _same(s.verify(anchors=anchors, workers=1))
                for workers, chunk in ((2, 3), (3, 5), (5, 2)):
                    assert _same(s.verify(anchors=anchors, workers=workers,
                                          chunk=chunk)) == one, (kind, workers, chunk)
        if kind == "intact":
            assert store.verify(workers=3).ok
    finally:
        store.close()


def test_an_intact_chain_is_walked_by_several_processes_not_in_one(
        original: tuple[Path, Any], tmp_path: Path) -> None:
    # a process of its own: the suite leaves threads running (servers, clients), and verify
    # rightly refuses to fork beside other threads
    path, (keys, _) = original
    url = _copy(path, tmp_path / "copy.db")
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=spawn) as pool:
        in_ranges, n, signed, head, bad = pool.submit(walk_intact, url, keys).result()
    assert in_ranges
    assert bad is None and n == head and signed == head


def test_a_mac_forged_in_the_middle_of_a_range_is_found_by_its_worker(
        original: tuple[Path, Any], tmp_path: Path) -> None:
    path, (keys, _) = original
    store = Store.open(_copy(path, tmp_path / "copy.db"), keys=keys, migrate=False)
    try:
        with store.engine.begin() as c:
            head = c.exec_driver_sql("SELECT seq FROM audit_head").scalar_one()
            c.execute(sa.text("UPDATE audit SET mac = :m WHERE seq = :s"),
                      {"m": "0" * 64, "s": head - 2})
        v = store.verify(workers=2, chunk=2)
        assert (v.ok, v.first_bad, v.code) == (False, head - 2, "audit.mac_mismatch")
    finally:
        store.close()


def test_on_postgresql_the_workers_read_the_parents_snapshot(pg_database: str | None) -> None:
    if pg_database is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is required when CI is set")
        pytest.skip("PostgreSQL unreachable")
    keys = _keys()
    store = populate(pg_schema_url(pg_database), keys)
    try:
        one = _same(store.verify(workers=1))
        assert one[0] and _same(store.verify(workers=3, chunk=4)) == one
        with store.engine.begin() as c:
            c.execute(sa.text("UPDATE payments SET amount_fen = amount_fen + 1 WHERE id = 1"))
        one = _same(store.verify(workers=1))
        assert not one[0] and _same(store.verify(workers=3, chunk=4)) == one
    finally:
        store.close()


def test_an_in_memory_database_is_walked_in_one_process() -> None:
    keys = _keys()
    store = populate("sqlite://", keys)
    try:
        with store._read() as conn:
            head = conn.exec_driver_sql("SELECT seq FROM audit_head").scalar_one()
            assert walk_in_parallel(conn, keys, {}, 4, 2, head) is None
        assert store.verify(workers=2).ok
    finally:
        store.close()
