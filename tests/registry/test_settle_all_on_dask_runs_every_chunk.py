"""``settle_all`` on a ``dask.distributed`` cluster with PostgreSQL: Dask's executor submits
with ``pure=True`` by default (a task is keyed by its arguments and a remembered result may
be handed back instead of running it), so each run's chunks carry a token of their own — a
month is settled, an immediate rerun writes nothing, and a correction recorded between two
runs is settled by the immediate rerun."""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import pytest
from conftest import PG_HOST, pg_schema_url
from dask.distributed import Client, LocalCluster
from registry_cases import assessment, contract, staffed

import outsourcing as o

JAN = o.Period.month(2022, 1)


@pytest.fixture
def pg_url(pg_database: str | None) -> str:
    if pg_database is None:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required when CI is set and {PG_HOST} is unreachable")
        pytest.skip(f"PostgreSQL unreachable at {PG_HOST}")
    return pg_schema_url(pg_database)


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    # the workers are processes of their own: they open the store from its URL
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as c:
        yield c


def test_a_month_on_dask_then_an_immediate_rerun_then_a_correction_settled_by_a_rerun(
        pg_url: str, client: Client) -> None:
    with staffed(pg_url) as r:
        _a_month_twice_and_a_correction(r, client)


def _a_month_twice_and_a_correction(r: o.Store, client: Client) -> None:
    ids = [f"NX-D{k:02d}" for k in range(12)]
    for k, cid in enumerate(ids):
        r.add_contract(contract(cid, fee=f"{60000 + 331 * k}.00"), by="zhao")
        r.record_assessments(cid, [assessment("property", JAN, score=str(80 + k)),
                                   assessment("cleaning", JAN)], by="qian")
    executor = client.get_executor()  # Dask's default: pure=True
    first = r.settle_all(JAN, by="sun", executor=executor, chunk=5)
    assert sorted(first.written) == ids and not first.failed
    again = r.settle_all(JAN, by="sun", executor=executor, chunk=5)
    assert sorted(again.unchanged) == ids and not again.written and not again.corrected
    before = r.statement(ids[3], JAN).payable
    r.record_assessment(ids[3], assessment("property", JAN, score="70"), by="qian",
                        reason="复核更正")
    fixed = r.settle_all(JAN, by="sun", executor=executor, chunk=5)
    assert fixed.corrected == (ids[3],) and not fixed.written
    assert sorted(fixed.unchanged) == sorted(set(ids) - {ids[3]})
    history = r.statement_history(ids[3], JAN)
    assert [v.version for v in history] == [1, 2] and "复核更正" in history[1].reason
    after = r.statement(ids[3], JAN).payable
    assert after < before and history[1].difference == after - before
    assert r.verify().ok


class _Remembering(ThreadPoolExecutor):
    """An executor that, like Dask with ``pure=True``, hands back the result of a task whose
    function and arguments it has seen before, without running it."""

    def __init__(self) -> None:
        super().__init__(1)
        self.seen: dict[str, Future[Any]] = {}

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        key = pickle.dumps((fn, args, sorted(kwargs.items())))
        if key.hex() not in self.seen:
            self.seen[key.hex()] = super().submit(fn, *args, **kwargs)
        return self.seen[key.hex()]


def test_an_executor_that_remembers_results_by_their_arguments_still_settles_each_run(
        db_url: str) -> None:
    r = staffed(db_url)
    r.add_contract(contract("NX-R1"), by="zhao")
    r.record_assessments("NX-R1", [assessment("property", JAN), assessment("cleaning", JAN)],
                         by="qian")
    with _Remembering() as pool:
        assert r.settle_all(JAN, by="sun", executor=pool).written == ("NX-R1",)
        r.record_assessment("NX-R1", assessment("property", JAN, score="60"), by="qian",
                            reason="复核更正")
        assert r.settle_all(JAN, by="sun", executor=pool).corrected == ("NX-R1",)
        assert len(pool.seen) == 2  # two runs, two tasks: never the same task twice
