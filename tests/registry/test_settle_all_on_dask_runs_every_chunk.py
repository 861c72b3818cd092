"""``settle_all`` on a ``dask.distributed`` cluster with PostgreSQL: Dask's executor submits
with ``pure=True`` by default (a task is keyed by its arguments and a remembered result may
be handed back instead of running it), so each run's chunks carry a token of their own — a
month is settled, an immediate rerun writes nothing, and a correction recorded between two
runs is settled by the immediate rerun."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from conftest import PG_HOST, pg_schema_url
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


DASK_MONTH = """
import sys
from dask.distributed import Client, LocalCluster
sys.path.insert(0, {tests!r})
from registry_cases import assessment, contract, staffed
import outsourcing as o

JAN = o.Period.month(2022, 1)
if __name__ == "__main__":
    # the workers are processes of their own: each opens the store from its URL
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client, \\
            staffed({url!r}) as r:
        ids = [f"NX-D{{k:02d}}" for k in range(12)]
        for k, cid in enumerate(ids):
            r.add_contract(contract(cid, fee=f"{{60000 + 331 * k}}.00"), by="zhao")
            r.record_assessments(cid, [assessment("property", JAN, score=str(80 + k)),
                                       assessment("cleaning", JAN)], by="qian")
        executor = client.get_executor()  # Dask's default: pure=True
        first = r.settle_all(JAN, by="sun", executor=executor, chunk=5)
        again = r.settle_all(JAN, by="sun", executor=executor, chunk=5)
        before = r.statement(ids[3], JAN).payable
        r.record_assessment(ids[3], assessment("property", JAN, score="70"), by="qian",
                            reason="复核更正")
        fixed = r.settle_all(JAN, by="sun", executor=executor, chunk=5)
        after = r.statement(ids[3], JAN).payable
        history = r.statement_history(ids[3], JAN)
        print(len(first.written), len(first.failed), len(again.unchanged), len(again.written),
              len(again.corrected), ",".join(fixed.corrected), len(fixed.written),
              len(fixed.unchanged), [v.version for v in history], "复核更正" in history[1].reason,
              after < before, history[1].difference == after - before, r.verify().ok)
"""


def test_a_month_on_dask_then_an_immediate_rerun_then_a_correction_settled_by_a_rerun(
        pg_url: str, tmp_path: Path) -> None:
    # in a process of its own: a Dask client leaves threads behind in the process it ran in
    script = tmp_path / "dask_month.py"
    script.write_text(DASK_MONTH.format(tests=str(Path(__file__).parent), url=pg_url),
                      encoding="utf-8")
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.split("\n")[-2] == (
        "12 0 12 0 0 NX-D03 0 11 [1, 2] True True True True")


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
