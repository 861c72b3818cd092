"""Benchmark: a region's month through the registry (登记库) — read, settle, write.

Loads the synthetic region of ``benchmarks/settle_region.py`` (5,000 contracts × 4 lines ×
8 KPIs, each line's KPIs as the contract's own terms) into a fresh registry with two months of
assessments, then settles January (no previous statement) and February (reads January's)
with ``settle_all`` and prints contract-months per second end to end and the bytes stored per
statement.  SQLite runs in one process; PostgreSQL on a pool of ``--workers`` processes
(a database of its own, created and dropped).  Not a timed test: figures go to
docs/registry.md.

    .venv/bin/python benchmarks/registry_month.py --contracts 5000
    .venv/bin/python benchmarks/registry_month.py --backend postgresql --workers 2
"""

from __future__ import annotations

import argparse
import os
import resource
import secrets
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).parent))
from settle_region import build_readings, build_region

import outsourcing as o
from outsourcing.registry import Store
from outsourcing.settlement import prepare

MONTHS = [o.Period.month(2022, 1), o.Period.month(2022, 2)]


def _assessments(contract: o.Contract, kpis: dict[str, Any], ci: int, pool: list[Any],
                 picks: list[int]) -> list[o.Assessment]:
    out = []
    for i, p in enumerate(MONTHS):
        for j, line in enumerate(contract.lines):
            rd = pool[picks[(ci * 131 + i * 4 + j) % (len(picks) - 4)]]
            if rd is None:
                continue  # not assessed: withheld, a finding
            vals, inc = rd
            out.append(o.Assessment(
                line.id, p, "考核小组", p.end + timedelta(days=5),
                metrics=[o.Metric(s.id, Decimal(v) / 100)
                         for s, v in zip(kpis[line.id], vals, strict=True)],
                incidents=[o.Incident(k, p.start) for k in inc]))
    return out


def _size(r: Store) -> tuple[int, int, int]:
    """(bytes of the statements' documents, bytes of the statements table with its indexes
    and findings, statement count)."""
    with r.engine.connect() as c:
        n, docs = c.execute(sa.text("SELECT count(*), sum(length(document)) FROM statements")
                            ).one()
        if c.dialect.name == "postgresql":
            table = c.execute(sa.text(
                "SELECT pg_total_relation_size('statements') + "
                "pg_total_relation_size('findings')")).scalar_one()
        elif _has_dbstat(c):
            table = c.execute(sa.text(
                "SELECT sum(pgsize) FROM dbstat WHERE name IN (SELECT name FROM sqlite_master "
                "WHERE tbl_name IN ('statements', 'findings'))")).scalar_one()
        else:
            table = 0
    return int(docs or 0), int(table or 0), int(n)


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the worker pool)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _has_dbstat(c: sa.Connection) -> bool:
    try:
        c.execute(sa.text("SELECT 1 FROM dbstat LIMIT 1"))
        return True
    except sa.exc.OperationalError:
        return False


def run(url: str, n: int, workers: int, label: str) -> None:
    region = build_region(n)
    pool, picks = build_readings(2)
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
    load = time.perf_counter() - t
    print(f"[{label}] loaded {n:,} contracts and 2 months of assessments in {load:.1f} s")
    for p in MONTHS:
        t = time.perf_counter()
        cpu = _cpu()
        res = r.settle_all(p, by="sun", workers=workers)
        dt = time.perf_counter() - t
        cpu = _cpu() - cpu
        assert not res.failed, res.failed[:3]
        print(f"[{label}] {p}: {len(res.written):,} statements settled and stored in "
              f"{dt:.1f} s → {len(res.written) / dt:,.0f} contract-months/s "
              f"({workers} process{'es' if workers > 1 else ''}); Python CPU {cpu:.1f} s → "
              f"{len(res.written) / cpu:,.0f} per CPU-second")
    # the library alone on the same contract-months (no database): what bounds the rate
    sample = [tl.contract.id for tl, _ in region[: min(n, 300)]]
    inputs = [(r.timeline(cid), kpis, r.assessments(cid, MONTHS[0]),
               r.assessments(cid, MONTHS[1]))
              for cid, (_, kpis) in zip(sample, region, strict=False)]
    rb = r.plugins.rulebook("NX")
    t = time.perf_counter()
    for tl, kpis, jan, feb in inputs:
        pc = prepare(tl, rb, kpis=kpis)
        pc.settle(MONTHS[1], feb, previous=pc.settle(MONTHS[0], jan))
    dt = time.perf_counter() - t
    print(f"[{label}] the library alone (prepare + settle, in memory, no database): "
          f"{2 * len(inputs) / dt:,.0f} contract-months/s")
    docs, table, count = _size(r)
    print(f"[{label}] stored statements: {count:,}; document {docs / count:,.0f} bytes each "
          f"(zlib JSON); table with indexes and findings {table / count:,.0f} bytes each")
    t = time.perf_counter()
    ok = r.verify()
    print(f"[{label}] verify(): {ok.ok} over {ok.records:,} audit records in "
          f"{time.perf_counter() - t:.1f} s")
    r.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--contracts", type=int, default=5000)
    ap.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    ap.add_argument("--workers", type=int, default=2,
                    help="processes for PostgreSQL (SQLite runs in one)")
    ap.add_argument("--pg", default=os.environ.get("OUTSOURCING_BENCH_PG",
                                                   "postgresql://postgres@127.0.0.1:5432"))
    args = ap.parse_args()
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as d:
            run(f"sqlite:///{d}/bench.db", args.contracts, 1, "SQLite")
    if args.backend in ("postgresql", "both"):
        admin = sa.create_engine(args.pg.replace("postgresql://", "postgresql+psycopg://")
                                 + "/postgres", isolation_level="AUTOCOMMIT")
        name = f"outsourcing_bench_{secrets.token_hex(4)}"
        with admin.connect() as c:
            c.execute(sa.text(f'CREATE DATABASE "{name}"'))
        try:
            run(f"{args.pg}/{name}", args.contracts, args.workers, "PostgreSQL")
        finally:
            with admin.connect() as c:
                c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
