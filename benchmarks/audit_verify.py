"""How fast ``Store.verify`` walks the audit chain, and how much memory it needs.

Builds a registry whose chain has N records (each covering a payment row, signed with an
audit key, written in bulk with the chain's own functions), then runs ``verify`` in a fresh
process and reports records per second and that process's peak resident memory::

    .venv/bin/python benchmarks/audit_verify.py --records 100000
    .venv/bin/python benchmarks/audit_verify.py --records 1000000 --backend sqlite
    .venv/bin/python benchmarks/audit_verify.py --records 100000 --backend postgresql \\
        --pg postgresql://postgres@127.0.0.1:5432/postgres

Memory is flat when the peak for 1,000,000 records is about the peak for 100,000: verify
reads the chain in chunks (``Store.verify(chunk=…)``) and asks the database for the rows
no record covers.  Results are in ``docs/registry.md`` ("Performance").
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from outsourcing.registry import AuditKeys, Store
from outsourcing.registry import schema as S
from outsourcing.registry.chain import link_hash
from outsourcing.registry.roles import APP_ROLE_ENV
from outsourcing.registry.store import row_hash

HERE = Path(__file__).resolve()


def build(url: str, records: int, keys: AuditKeys) -> None:
    """A registry with ``records`` audit records after its few real ones."""
    r = Store.open(url, keys=keys)
    r.add_actor("wang", "王审批", ["approver"])
    with r.engine.begin() as c:
        c.execute(S.contracts.insert().values(
            id="C-1", jurisdiction="CN", purchaser_id="P", supplier_id="S", title="基准",
            term_start=date(2022, 1, 1), term_end=date(2022, 12, 31), document="{}",
            recorded_by="wang", recorded_at="x"))
    # the contract row is covered too (so verify finds nothing uncovered)
    with r.engine.begin() as c:
        r._audit(c, [("wang", "officer", "add_contract", "contracts:C-1",
                      row_hash("contracts", dict(c.execute(sa.select(S.contracts)).one()
                                                 ._mapping)))])
    at = datetime.now(UTC).isoformat(timespec="microseconds")
    key_id = keys.current
    batch = 20_000
    with r.engine.begin() as c:
        seq, prev = c.execute(sa.select(S.audit_head.c.seq, S.audit_head.c.hash)).one()
        pid = 0
        done = 0
        while done < records:
            n = min(batch, records - done)
            pays, recs = [], []
            for _ in range(n):
                pid += 1
                seq += 1
                row = {"id": pid, "contract_id": "C-1", "period": "2022-01", "amount_fen": pid,
                       "paid_on": date(2022, 2, 1), "reference": f"凭证{pid}",
                       "recorded_by": "wang", "recorded_at": at}
                content = row_hash("payments", row)
                h = link_hash(seq, at, "wang", "finance", "record_payment", f"payments:{pid}",
                              content, prev, key_id, "")
                pays.append(row)
                recs.append({"seq": seq, "at": at, "actor": "wang", "role": "finance",
                             "action": "record_payment", "object": f"payments:{pid}",
                             "content_hash": content, "prev_hash": prev, "hash": h,
                             "key_id": key_id, "mac": keys.mac(key_id, h), "login": ""})
                prev = h
            c.execute(S.payments.insert(), pays)
            c.execute(S.audit.insert(), recs)
            done += n
        c.execute(S.audit_head.update().values(seq=seq, hash=prev))
        if c.dialect.name == "postgresql":
            c.execute(sa.text("SELECT setval(pg_get_serial_sequence('payments', 'id'), :n)"),
                      {"n": pid})
    r.close()


def _cpu() -> float:
    """CPU seconds of this process and of its children that ended (the verify workers)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _timed(fn: Any) -> tuple[Any, float, float]:
    t, cpu = time.perf_counter(), _cpu()
    out = fn()
    return out, time.perf_counter() - t, _cpu() - cpu


def _bare_hashing(r: Store, keys: AuditKeys) -> int:
    """The baseline: the same hashing over the same records in a bare loop — read each
    record with the text of its link (written by the database, as ``verify`` has it
    written), SHA-256 it and compute its HMAC, checking nothing."""
    from outsourcing.registry.chain import sql_link_text

    sign, sha, n = keys.signer(keys.current), hashlib.sha256, 0
    with r.engine.connect() as c:
        cur = c.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        cur.execute(f"SELECT *, {sql_link_text(c.dialect.name)} FROM audit ORDER BY seq")
        while rows := cur.fetchmany(20_000):
            for row in rows:
                sign(sha(row[-1].encode()).hexdigest())
                n += 1
    return n


def verify_here(url: str) -> None:
    """Run in a fresh process: verify (as the store chooses: several processes for a long
    chain; then in one process), the bare hashing loop, and print the figures as JSON."""
    r = Store.open(url, migrate=False)
    keys = AuditKeys.from_env()
    assert keys is not None
    v, dt, cpu = _timed(r.verify)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # MB on Linux
    peak_kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    try:
        one, dt1, cpu1 = _timed(lambda: r.verify(workers=1))
    except TypeError:  # a version of the library before the workers (--before)
        one, dt1, cpu1 = v, dt, cpu
    n, base, base_cpu = _timed(lambda: _bare_hashing(r, keys))
    assert one.ok == v.ok and one.records == v.records == n
    # the other baseline: only reading the audit rows with the driver's cursor
    t = time.perf_counter()
    with r.engine.connect() as c:
        cur = c.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        cur.execute("SELECT * FROM audit ORDER BY seq")
        while cur.fetchmany(20_000):
            pass
    read = time.perf_counter() - t
    print(json.dumps({"ok": v.ok, "records": v.records, "signed": v.signed, "seconds": dt,
                      "cpu_seconds": cpu, "per_second": v.records / dt,
                      "one_seconds": dt1, "one_cpu_seconds": cpu1,
                      "base_seconds": base, "base_cpu_seconds": base_cpu,
                      "read_seconds": read, "peak_mb": peak, "peak_worker_mb": peak_kids,
                      "reason": v.reason}))


def run(url: str, records: int, before: str | None) -> list[dict[str, Any]]:
    """Build the chain, then verify it in a fresh process: with this library, and (with
    ``before``, the ``src`` folder of another version) with that one, in the same run."""
    keys = AuditKeys({"bench": secrets.token_bytes(32)}, "bench")
    t = time.perf_counter()
    build(url, records, keys)
    built = time.perf_counter() - t
    env = {**os.environ, "OUTSOURCING_AUDIT_KEY": f"bench:{keys.keys['bench'].hex()}"}
    results = []
    for src in ([before, None] if before else [None]):
        run_env = dict(env, PYTHONPATH=src) if src else env
        out = subprocess.run([sys.executable, str(HERE), "--verify-only", url], env=run_env,
                             check=True, capture_output=True, text=True).stdout
        result: dict[str, Any] = json.loads(out)
        result["build_seconds"] = built
        result["version"] = f"before ({src})" if src else "this"
        results.append(result)
    return results


def _report(backend: str, n: int, res: dict[str, Any]) -> None:
    base = res["base_seconds"]
    print(f"{backend:10} {n:>9,} records, {res['version']}: verify {res['seconds']:.2f} s = "
          f"{res['per_second']:,.0f} records/s, {res['seconds'] / base:.2f} × the bare "
          f"hashing loop ({base:.2f} s, CPU {res['base_cpu_seconds']:.2f} s; "
          f"{n / base:,.0f} records/s) — CPU {res['cpu_seconds']:.2f} s with the workers; "
          f"in one process {res['one_seconds']:.2f} s = {res['one_seconds'] / base:.2f} × "
          f"(CPU {res['one_cpu_seconds']:.2f} s); only reading the rows "
          f"{res['read_seconds']:.2f} s; peak {res['peak_mb']:.0f} MB (a worker "
          f"{res['peak_worker_mb']:.0f} MB) (ok={res['ok']}, signed={res['signed']}; built "
          f"in {res['build_seconds']:.0f} s)", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, action="append",
                    help="chain length (repeatable; default 100000)")
    ap.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="sqlite")
    ap.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres",
                    help="a PostgreSQL URL whose user may create a database")
    ap.add_argument("--before", metavar="SRC",
                    help="also verify with the library in this src folder (e.g. the main "
                         "branch's), in the same run, for a before/after")
    ap.add_argument("--verify-only", metavar="URL", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.verify_only:
        verify_here(args.verify_only)
        return
    for n in args.records or [100_000]:
        for backend in (("sqlite", "postgresql") if args.backend == "both"
                        else (args.backend,)):
            if backend == "sqlite":
                folder = tempfile.mkdtemp()
                res = run(f"sqlite:///{folder}/bench.db", n, args.before)
            else:
                name = f"audit_bench_{secrets.token_hex(4)}"
                # roles are cluster-global: the benchmark's application role is its own
                os.environ[APP_ROLE_ENV] = f"{name}_app"
                admin = sa.create_engine(args.pg.replace("postgresql://",
                                                         "postgresql+psycopg://"),
                                         isolation_level="AUTOCOMMIT")
                with admin.connect() as c:
                    c.execute(sa.text(f'CREATE DATABASE "{name}"'))
                try:
                    res = run(args.pg.rsplit("/", 1)[0] + f"/{name}", n, args.before)
                finally:
                    with admin.connect() as c:
                        c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                        c.execute(sa.text(f'DROP ROLE IF EXISTS "{name}_app"'))
                    admin.dispose()
            for r in res:
                _report(backend, n, r)


if __name__ == "__main__":
    main()
