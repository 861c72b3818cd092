"""Benchmark: a region's month through the registry (登记库) — read, settle, write.

Loads the synthetic region of ``benchmarks/settle_region.py`` (N contracts × 4 lines × 8
KPIs, each line's KPIs as the contract's own terms) into a registry with three months of
assessments, once per database, then copies it for each configuration (SQLite: the file;
PostgreSQL: ``CREATE DATABASE … TEMPLATE``) and settles in **fresh processes**:

- January, the first month, in a process that has prepared nothing (what a nightly job
  costs), then February in the same process (a later month, its compiled contracts kept);
- March, a later month, in another fresh process.

Configurations: SQLite with 1 process; PostgreSQL with 1 and with 2 workers.  Each row
gives contract-months per second end to end (wall clock of ``settle_all``) and the Python
CPU per contract split into read / compute / encode / write (``BatchResult.seconds``,
summed over the workers).  For scale, the same run measures, in this process, the bare
loop of ``settle_region.py`` (the arithmetic on plain ints, no library) and the library
alone (``prepare`` + ``PreparedContract.settle``, in memory, on a sample), and every
figure is also given as a ratio to the bare loop.  Not a timed test: figures go to
docs/registry.md.

    .venv/bin/python benchmarks/registry_month.py --contracts 5000
    .venv/bin/python benchmarks/registry_month.py --backend sqlite --contracts 2000
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).parent))
from settle_region import bare_inputs, bare_loop, build_readings, build_region

import outsourcing as o
from outsourcing.registry import Store
from outsourcing.settlement import prepare

MONTHS = [o.Period.month(2022, 1), o.Period.month(2022, 2), o.Period.month(2022, 3)]


def _assessments(contract: o.Contract, kpis: dict[str, Any], ci: int, pool: list[Any],
                 picks: list[int]) -> list[o.Assessment]:
    out = []
    for i, p in enumerate(MONTHS):
        for j, line in enumerate(contract.lines):
            rd = pool[picks[(ci * 131 + i * 4 + j) % (len(picks) - 4)]]
            if rd is None:
                continue  # not assessed: withheld, a finding
            vals, inc = rd[0], rd[1]
            out.append(o.Assessment(
                line.id, p, "考核小组", p.end + timedelta(days=5),
                metrics=[o.Metric(s.id, Decimal(v) / 100)
                         for s, v in zip(kpis[line.id], vals, strict=True)],
                incidents=[o.Incident(k, p.start) for k in inc]))
    return out


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the worker pool)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def load(url: str, region: list[Any], pool: list[Any], picks: list[int]) -> float:
    """Record the region's contracts and three months of assessments; seconds taken."""
    r = Store.open(url)
    r.add_actor("wang", "王审批", ["approver"])
    r.add_actor("li", "李审批", ["approver"], by="wang")
    r.confirm_actor("li", by="li")  # the founding pair: four eyes begin
    for aid, name, role in (("zhao", "赵经办", "officer"), ("qian", "钱考核", "assessor"),
                            ("sun", "孙财务", "finance")):
        r.add_actor(aid, name, [role], by="wang")
        r.confirm_actor(aid, by="li")
    t = time.perf_counter()
    for ci, (tl, kpis) in enumerate(region):
        r.add_contract(tl.contract, by="zhao", kpis=kpis)
        r.record_assessments(tl.contract.id, _assessments(tl.contract, kpis, ci, pool, picks),
                             by="qian")
    r.close()
    return time.perf_counter() - t


def settle_in_child(url: str, workers: int, months: list[str]) -> list[dict[str, Any]]:
    """Settle ``months`` one after the other in a fresh process; each month's figures."""
    out = subprocess.run([sys.executable, __file__, "--settle", url, "--workers",
                          str(workers), "--months", ",".join(months)],
                         check=True, capture_output=True, text=True)
    return [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]


def child(url: str, workers: int, months: list[str]) -> None:
    """The fresh process: open the store, settle each month, print its figures as JSON."""
    r = Store.open(url, migrate=False)
    for m in months:
        t, cpu = time.perf_counter(), _cpu()
        res = r.settle_all(m, by="sun", workers=workers)
        dt, cpu = time.perf_counter() - t, _cpu() - cpu
        assert not res.failed, res.failed[:3]
        print(json.dumps({"month": m, "n": len(res.written), "wall": dt, "cpu": cpu,
                          "phases": dict(res.seconds)}), flush=True)
    r.close()


def baselines(region: list[Any], pool: list[Any], picks: list[int], sample: int
              ) -> tuple[float, float, float]:
    """Contract-months per second of the bare loop (one month of the region), of the library
    alone with ``prepare`` (the first month of a sample) and of ``settle`` alone on prepared
    contracts (the second month)."""
    bare_in = bare_inputs(region, 1)
    t = time.perf_counter()
    cm, _ = bare_loop(bare_in, pool, picks, 1)
    bare = cm / (time.perf_counter() - t)
    rb = o.load().rulebook("NX")
    inputs = [(tl, kpis, _assessments(tl.contract, kpis, ci, pool, picks))
              for ci, (tl, kpis) in enumerate(region[:sample])]
    t = time.perf_counter()
    prepared = []
    for tl, kpis, found in inputs:
        pc = prepare(tl, rb, kpis=kpis)
        jan = pc.settle(MONTHS[0], [a for a in found if a.period == MONTHS[0]])
        prepared.append((pc, jan, [a for a in found if a.period == MONTHS[1]]))
    cold = len(inputs) / (time.perf_counter() - t)
    t = time.perf_counter()
    for pc, jan, feb in prepared:
        pc.settle(MONTHS[1], feb, previous=jan)
    warm = len(inputs) / (time.perf_counter() - t)
    return bare, cold, warm


def _row(label: str, when: str, x: dict[str, Any], bare: float) -> str:
    rate = x["n"] / x["wall"]
    ph = x["phases"]
    split = " / ".join(f"{ph.get(k, 0) / x['n'] * 1e6:,.0f}"
                       for k in ("read", "compute", "encode", "write"))
    return (f"{label:<22} {when:<26} {x['n']:>6,} {rate:>10,.0f}/s {rate / bare:>8.4f}×  "
            f"{x['cpu'] / x['n'] * 1e6:>7,.0f} µs  {split}")


def run_configs(base_url: str, copies: list[tuple[str, str, int]], bare: float) -> None:
    for label, url, workers in copies:
        first = settle_in_child(url, workers, [str(MONTHS[0]), str(MONTHS[1])])
        later = settle_in_child(url, workers, [str(MONTHS[2])])
        print(_row(label, f"{first[0]['month']} (fresh process)", first[0], bare), flush=True)
        print(_row(label, f"{first[1]['month']} (same process)", first[1], bare), flush=True)
        print(_row(label, f"{later[0]['month']} (fresh process)", later[0], bare), flush=True)
    del base_url


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--contracts", type=int, default=5000)
    ap.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    ap.add_argument("--workers", type=int, default=2,
                    help="the most worker processes tried on PostgreSQL")
    ap.add_argument("--pg", default=os.environ.get("OUTSOURCING_BENCH_PG",
                                                   "postgresql://postgres@127.0.0.1:5432"))
    ap.add_argument("--settle", help=argparse.SUPPRESS)
    ap.add_argument("--months", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.settle:
        child(args.settle, args.workers, args.months.split(","))
        return
    region = build_region(args.contracts)
    pool, picks = build_readings(len(MONTHS))
    bare, cold, warm = baselines(region, pool, picks, min(args.contracts, 500))
    print(f"region: {args.contracts:,} contracts × 4 lines × 8 KPIs; machine load "
          f"{os.getloadavg()[0]:.1f}")
    print(f"bare loop (plain ints, no library, one month): {bare:,.0f} contract-months/s")
    print(f"library alone, in memory: prepare + settle {cold:,.0f}/s ({cold / bare:.4f}×); "
          f"settle a prepared contract {warm:,.0f}/s ({warm / bare:.4f}×)")
    print(f"{'store':<22} {'month':<26} {'n':>6} {'rate':>12} {'/ bare':>9}  "
          f"{'CPU/contract':>10}  read / compute / encode / write (µs per contract)")
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as d:
            src = f"{d}/loaded.db"
            took = load(f"sqlite:///{src}", region, pool, picks)
            print(f"(SQLite: loaded in {took:.1f} s)")
            shutil.copy(src, f"{d}/one.db")
            run_configs(src, [("SQLite, 1 process", f"sqlite:///{d}/one.db", 1)], bare)
    if args.backend in ("postgresql", "both"):
        admin = sa.create_engine(args.pg.replace("postgresql://", "postgresql+psycopg://")
                                 + "/postgres", isolation_level="AUTOCOMMIT")
        token = secrets.token_hex(4)
        names = [f"outsourcing_bench_{token}_{k}" for k in range(args.workers + 1)]
        with admin.connect() as c:
            c.execute(sa.text(f'CREATE DATABASE "{names[0]}"'))
        try:
            took = load(f"{args.pg}/{names[0]}", region, pool, picks)
            print(f"(PostgreSQL: loaded in {took:.1f} s)")
            with admin.connect() as c:
                for name in names[1:]:
                    c.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{names[0]}"'))
            run_configs(names[0], [(f"PostgreSQL, {w} worker{'s' if w > 1 else ''}",
                                    f"{args.pg}/{names[w]}", w)
                                   for w in range(1, args.workers + 1)], bare)
        finally:
            with admin.connect() as c:
                for name in names:
                    c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
