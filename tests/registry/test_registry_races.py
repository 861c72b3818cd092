"""Imports cannot race (issue 22), on SQLite and PostgreSQL: four processes importing the
same workbook at once, and two importing different workbooks, twenty trials each: exactly
one assessment per line (a correction only when the import gives its reason), never half a
workbook; a process killed in the middle of an import leaves all of it or nothing.

The processes are forked from the test (the library imported once) and meet at a barrier
before they write; each opens its own registry from the URL and calls the store's
``import_assessments`` — what ``outsourcing assess import`` calls once it has read the
workbook."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from registry_cases import assessment, contract, staffed

import outsourcing as o
from outsourcing.registry import Store

PLUGINS = o.load()
CID = "NX-2021-001"
TRIALS = 20
PERIODS = [o.Period.month(2021 + n // 12, n % 12 + 1) for n in range(TRIALS)]
FORK = mp.get_context("fork")


def _store(db_url: str) -> Store:
    r = staffed(db_url)
    r.add_contract(contract(CID, start=date(2021, 1, 1), end=date(2022, 12, 31)), by="zhao")
    return r


def _sheet(period: o.Period, score: str) -> list[o.Assessment]:
    return [assessment("property", period, score=score),
            assessment("cleaning", period, score=score)]


def _child(url: str, barrier: Any, out: Any, sheet: list[o.Assessment],
           correction: str | None) -> None:
    reg = Store.open(url, migrate=False, plugins=PLUGINS)
    try:
        barrier.wait(timeout=60)
        done = reg.import_assessments(CID, sheet, by="qian", correction=correction)
        out.put(("ok", done.new, done.same, done.corrected))
    except o.OutsourcingError as exc:
        out.put(("refused", exc.code, (), ()))
    finally:
        reg.close()


def _race(url: str, sheets: list[tuple[list[o.Assessment], str | None]]
          ) -> list[tuple[Any, ...]]:
    barrier = FORK.Barrier(len(sheets))
    out = FORK.Queue()
    procs = [FORK.Process(target=_child, args=(url, barrier, out, s, c)) for s, c in sheets]
    for p in procs:
        p.start()
    results = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    return results


def _versions(r: Store, period: o.Period) -> list[tuple[str, str]]:
    """(line, score) of every recorded version of the period, oldest first."""
    return [(a.line, str(a.sheets[0].items[0].points))
            for a in r.assessments(CID, period, history=True)]


def test_four_processes_importing_the_same_workbook_record_it_once(db_url: str) -> None:
    r = _store(db_url)
    for period in PERIODS:
        sheet = _sheet(period, "95")
        results = _race(db_url, [(sheet, None)] * 4)
        assert sorted(x[0] for x in results) == ["ok"] * 4
        assert sorted(x[1] for x in results) == [(), (), (), ("property", "cleaning")]
        assert all(x[3] == () for x in results)
        assert _versions(r, period) == [("cleaning", "95"), ("property", "95")]
    assert r.verify().ok


def test_two_processes_importing_different_workbooks_record_one_whole_workbook(
        db_url: str) -> None:
    r = _store(db_url)
    for n, period in enumerate(PERIODS):
        # without --correction: one workbook is recorded whole, the other refused whole;
        # with it (every other trial) the second is a correction of the whole first
        reason = "复核更正" if n % 2 else None
        results = _race(db_url, [(_sheet(period, "95"), reason), (_sheet(period, "70"), reason)])
        found = _versions(r, period)
        if reason is None:
            assert sorted(x[0] for x in results) == ["ok", "refused"]
            assert [x[1] for x in results if x[0] == "refused"] == [
                "registry.assessment_changed"]
            assert found in ([("cleaning", "95"), ("property", "95")],
                             [("cleaning", "70"), ("property", "70")])
        else:
            assert sorted(x[0] for x in results) == ["ok", "ok"]
            assert sorted(len(x[3]) for x in results) == [0, 2]
            first, second = found[0][1], found[-1][1]
            assert first != second
            assert found == [("cleaning", first), ("cleaning", second),
                             ("property", first), ("property", second)]
    assert r.verify().ok


def _killed_inside(url: str, sheet: list[o.Assessment]) -> None:
    """Import, but die (SIGKILL) after the rows and the audit records are written, before
    the transaction commits."""
    real: Callable[..., None] = Store._audit

    def dying(self: Store, conn: Any, entries: Any) -> None:
        real(self, conn, entries)
        os.kill(os.getpid(), signal.SIGKILL)

    Store._audit = dying  # type: ignore[method-assign]
    reg = Store.open(url, migrate=False, plugins=PLUGINS)
    reg.import_assessments(CID, sheet, by="qian")


@pytest.mark.parametrize("trial", [0, 1])
def test_a_process_killed_during_an_import_leaves_all_or_nothing(db_url: str, trial: int
                                                                 ) -> None:
    r = _store(db_url)
    period = PERIODS[trial]
    n = len(r.audit_trail())
    p = FORK.Process(target=_killed_inside, args=(db_url, _sheet(period, "88")))
    p.start()
    p.join(timeout=60)
    assert p.exitcode == -signal.SIGKILL
    assert r.assessments(CID, period, history=True) == []
    assert len(r.audit_trail()) == n and r.verify().ok
    # the store goes on: the same workbook imports whole afterwards
    assert r.import_assessments(CID, _sheet(period, "88"), by="qian").new == (
        "property", "cleaning")
    assert _versions(r, period) == [("cleaning", "88"), ("property", "88")]


BATCH = """
import sys
from datetime import date
sys.path.insert(0, {tests!r})
from registry_cases import assessment, contract, staffed
import outsourcing as o
r = staffed({url!r})
jan = o.Period.month(2022, 1)
for n in range(40):
    c = contract(f"B-{{n:03d}}")
    r.add_contract(c, by="zhao")
    r.record_assessments(c.id, [assessment("property", jan), assessment("cleaning", jan)],
                         by="qian")
print("ready", flush=True)
r.settle_all(jan, by="sun", workers=2)
"""


def _children(pid: int) -> set[int]:
    out = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.add(int(entry))
    return out


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads the process table from /proc")
def test_a_killed_settle_all_leaves_no_worker_process_behind(db_url: str) -> None:
    import subprocess
    import sys
    import time
    from pathlib import Path

    tests = str(Path(__file__).resolve().parent)
    script = BATCH.format(tests=tests, url=db_url)
    p = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert p.stdout is not None and p.stdout.readline().strip() == "ready"
    workers: set[int] = set()
    deadline = time.monotonic() + 120
    while len(workers) < 2 and p.poll() is None and time.monotonic() < deadline:
        workers = _children(p.pid)
        time.sleep(0.02)
    assert len(workers) >= 2, "the batch started no pool"
    p.kill()
    p.wait(timeout=30)
    deadline = time.monotonic() + 20
    while workers and time.monotonic() < deadline:
        workers = {w for w in workers if _alive(w)}
        time.sleep(0.1)
    p.stdout.close()
    assert workers == set()


def _accept_child(url: str, barrier: Any, out: Any, day: date, reason: str) -> None:
    reg = Store.open(url, migrate=False, plugins=PLUGINS)
    try:
        barrier.wait(timeout=60)
        done = reg.accept(CID, PERIODS[0], day, by="zhao", reason=reason)
        out.put(("ok", done.written, done.acceptance.version))
    except o.OutsourcingError as exc:
        out.put(("refused", exc.code, 0))
    finally:
        reg.close()


@pytest.mark.parametrize("trial", range(3))
def test_four_processes_recording_the_same_acceptance_record_it_once(db_url: str, trial: int
                                                                     ) -> None:
    r = _store(db_url)
    barrier = FORK.Barrier(4)
    out = FORK.Queue()
    days = [date(2021, 2, 3)] * 3 + [date(2021, 2, 4 + trial)]
    procs = [FORK.Process(target=_accept_child, args=(db_url, barrier, out, d, ""))
             for d in days]
    for p in procs:
        p.start()
    results = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    # one version whatever the order: the first writes; the same day again writes nothing;
    # another day without a reason is refused
    history = r.acceptances(CID, PERIODS[0], history=True)
    assert len(history) == 1
    assert sum(1 for x in results if x[:2] == ("ok", True)) == 1
    assert all(x[1] in (False, True, "registry.acceptance_changed") for x in results)
    assert r.verify().ok
