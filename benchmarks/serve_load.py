"""Benchmark: the JSON API under load (接口压力测试) — ``outsourcing serve`` with uvicorn workers
on a fresh PostgreSQL database, N concurrent httpx clients.

It builds a registry of ``--contracts`` contracts (each with January assessed and settled),
issues an API token for an agency system, starts ``outsourcing serve --workers 2`` on
127.0.0.1, and runs four phases, each bounded by ``--seconds`` and ``--requests``:

1. **baseline** — ``GET /api/v1/me`` (the token checked, nothing else read): what any call
   costs, measured in the same run;
2. **statement reads** — ``GET /api/v1/contracts/{id}/statements/2022-01`` (the statement's
   JSON with every explanation and its version), a random contract each time;
3. **contract list** — ``GET /api/v1/contracts`` (every contract the token sees);
4. **writes** — for one contract after another, February … December: ``POST
   …/assessments/{period}`` then ``POST …/settle/{period}``.

For each phase: requests, throughput, p50 and p99 latency, errors. Afterwards every
acknowledged write is looked up in the store: each assessment the API answered ``new`` for
is there exactly once (one version of its line and period), each settle answered
``written`` is one statement (version 1) of its period, nothing was written that was not
acknowledged, and the audit chain verifies. The database and its roles are dropped at the
end. Not a timed test: the figures go to ``docs/service.md``.

    .venv/bin/python benchmarks/serve_load.py --contracts 50 --clients 16 --seconds 15
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import httpx
import sqlalchemy as sa

import outsourcing as o
from outsourcing.dates import DateRange
from outsourcing.registry import Store
from outsourcing.registry import schema as S
from outsourcing.registry.roles import APP_ROLE_ENV, SERVICE_ROLE_ENV
from outsourcing.serialize import unstructure
from outsourcing.unit_tree import Level, Unit

PG_HOST = os.environ.get("OUTSOURCING_TEST_PG", "127.0.0.1:5432")
JAN = o.Period.month(2022, 1)
PURCHASER = o.Purchaser("P-NX", "宁夏回族自治区机关事务管理局")


# --- the registry -------------------------------------------------------------------------
def contract(i: int) -> o.Contract:
    cid = f"LOAD-{i:04d}"
    return o.Contract(
        id=cid, title=f"第{i}办公区物业服务", jurisdiction="CN", purchaser=PURCHASER,
        supplier=o.Supplier(f"S-{i % 7}", f"供应商{i % 7}", "small"),
        term=DateRange(date(2022, 1, 1), date(2022, 12, 31)),
        lines=[o.ServiceLine("property", "property", f"第{i}办公区", o.FixedMonthly("80000.00")),
               o.ServiceLine("cleaning", "cleaning", f"第{i}办公区", o.FixedMonthly("20000.00"))])


def assessment(line: str, period: o.Period, score: int) -> o.Assessment:
    metrics = [o.Metric("repair_pass_rate", Decimal(98))] if line == "property" else []
    return o.Assessment(
        line, period, "考核小组", period.end + timedelta(days=3),
        sheets=[o.ScoreSheet("inspection", [o.ScoreItem("综合", 100, Decimal(score))])],
        surveys=[o.Survey("satisfaction", 100, 96)], metrics=metrics)


def build(url: str, n: int) -> str:
    """The registry: units, people, ``n`` contracts with January settled; the token's secret."""
    store = Store.open(url)
    store.add_actor("wang", "王审批", ["approver"])
    store.add_actor("li", "李审批", ["approver"], by="wang")
    store.confirm_actor("li", by="li")
    for aid, name, roles in (("zhao", "赵经办", ["officer"]), ("kong", "孔考核", ["assessor"]),
                             ("oa", "自治区办公系统", ["officer", "assessor", "finance"])):
        store.add_actor(aid, name, roles, by="wang")
        store.confirm_actor(aid, by="li")
    store.add_units([Unit("NX", "宁夏回族自治区", None, Level.REGION, "NX")], by="wang")
    for i in range(n):
        c = contract(i)
        store.add_contract(c, by="zhao", unit="NX")
        store.record_assessments(c.id, [assessment(x, JAN, 95) for x in ("property", "cleaning")],
                                 by="kong")
        store.settle(c.id, JAN, by="zhao")
    _, secret = store.issue_token("负载测试系统", actor="oa",
                                  roles=["officer", "assessor", "finance"], units=["NX"],
                                  by="wang")
    store.close()
    return secret


# --- the server ---------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "OUTSOURCING_SECRET": secrets.token_urlsafe(48)}
    return subprocess.Popen(
        [sys.executable, "-m", "outsourcing", "serve", "--db", url, "--host", "127.0.0.1",
         "--port", str(port), "--workers", str(workers), "--dev", "--log-level", "warning"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_ready(base: str, proc: subprocess.Popen[bytes], timeout: float = 120) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise SystemExit(f"the server stopped: {proc.stderr.read().decode()[-2000:]}"
                             if proc.stderr else "the server stopped")
        try:
            if httpx.get(f"{base}/api/v1/me", timeout=2).status_code == 401:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit("the server did not start in time")


# --- the load -----------------------------------------------------------------------------
class Phase:
    """One phase's figures."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.latencies: list[float] = []
        self.errors: dict[str, int] = {}
        self.seconds = 0.0

    def add(self, started: float, status: int | str) -> None:
        self.latencies.append(time.perf_counter() - started)
        if not (isinstance(status, int) and 200 <= status < 300):
            self.errors[str(status)] = self.errors.get(str(status), 0) + 1

    def line(self) -> str:
        n = len(self.latencies)
        ms = sorted(x * 1000 for x in self.latencies) or [0.0]
        p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
        return (f"{self.name:<16} {n:>7} requests {n / self.seconds:>8.1f}/s   "
                f"p50 {statistics.median(ms):>7.1f} ms   p99 {p99:>7.1f} ms   "
                f"errors {sum(self.errors.values())} {self.errors or ''}")

    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


async def run_phase(name: str, clients: list[httpx.AsyncClient], seconds: float,
                    requests: int,
                    call: Callable[[httpx.AsyncClient, int], Awaitable[int | None]]
                    ) -> Phase:
    """Every client calls ``call`` in a loop until ``seconds`` have passed, ``requests``
    calls were started, or its work is done (``call`` answers None), whichever is first."""
    phase = Phase(name)
    end = time.perf_counter() + seconds
    started = 0

    async def loop(c: httpx.AsyncClient) -> None:
        nonlocal started
        while time.perf_counter() < end and started < requests:
            started += 1
            t = time.perf_counter()
            try:
                got = await call(c, started)
            except httpx.HTTPError as exc:
                got = None
                phase.add(t, type(exc).__name__)
                continue
            if got is None:
                return
            phase.add(t, got)

    t0 = time.perf_counter()
    await asyncio.gather(*(loop(c) for c in clients))
    phase.seconds = time.perf_counter() - t0
    return phase


class Writes:
    """The write phase's work list and what the API acknowledged: each contract month by
    month (a period is settled after the one before it), each client on its own contracts."""

    def __init__(self, n: int, clients: int) -> None:
        self.queues = [[f"LOAD-{i:04d}" for i in range(n) if i % clients == k]
                       for k in range(clients)]
        self.month: dict[str, int] = {}
        self.assessed: list[tuple[str, str, str]] = []  # (contract, line, period) answered new
        self.settled: list[tuple[str, str]] = []  # (contract, period) answered written

    async def step(self, c: httpx.AsyncClient, k: int) -> int | None:
        """One contract-month: its assessments, then settling it; None when this client's
        contracts are all settled to December."""
        queue = self.queues[k]
        while queue and self.month.get(queue[0], 2) > 12:
            queue.pop(0)
        if not queue:
            return None
        cid = queue[0]
        m = self.month.get(cid, 2)
        period = o.Period.month(2022, m)
        body = {"assessments": [unstructure(assessment(x, period, 90 + m % 7))
                                for x in ("property", "cleaning")]}
        r = await c.post(f"/api/v1/contracts/{cid}/assessments/{period}", json=body)
        if r.status_code != 200:
            return r.status_code
        self.assessed += [(cid, line, str(period)) for line in r.json()["new"]]
        r = await c.post(f"/api/v1/contracts/{cid}/settle/{period}")
        if r.status_code != 200:
            return r.status_code
        if r.json()["written"]:
            self.settled.append((cid, str(period)))
        self.month[cid] = m + 1
        return r.status_code


async def load(base: str, token: str, args: argparse.Namespace) -> list[Phase]:
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=args.clients, max_keepalive_connections=args.clients)
    ids = [f"LOAD-{i:04d}" for i in range(args.contracts)]
    clients = [httpx.AsyncClient(base_url=base, headers=headers, timeout=30, limits=limits)
               for _ in range(args.clients)]
    rng = random.Random(1)

    async def me(c: httpx.AsyncClient, _: int) -> int:
        return (await c.get("/api/v1/me")).status_code

    async def statement(c: httpx.AsyncClient, _: int) -> int:
        cid = rng.choice(ids)
        return (await c.get(f"/api/v1/contracts/{cid}/statements/2022-01")).status_code

    async def listing(c: httpx.AsyncClient, _: int) -> int:
        return (await c.get("/api/v1/contracts")).status_code

    writes = Writes(args.contracts, args.clients)
    index = {id(c): k for k, c in enumerate(clients)}

    async def write(c: httpx.AsyncClient, _: int) -> int | None:
        return await writes.step(c, index[id(c)])

    try:
        for c in clients:  # warm every connection and worker
            await c.get("/api/v1/me")
        phases = [await run_phase("baseline /me", clients, args.seconds, args.requests, me),
                  await run_phase("statement JSON", clients, args.seconds, args.requests,
                                  statement),
                  await run_phase("contract list", clients, args.seconds, args.requests,
                                  listing),
                  await run_phase("writes (pairs)", clients, args.seconds, args.requests,
                                  write)]
    finally:
        for c in clients:
            await c.aclose()
    phases[-1].name = "writes (pairs)"
    args.writes = writes
    return phases


# --- the check afterwards -----------------------------------------------------------------
def check_writes(url: str, writes: Writes) -> list[str]:
    """Every acknowledged write in the store exactly once, and nothing unacknowledged."""
    problems: list[str] = []
    store = Store.open(url)
    with store.engine.connect() as conn:
        a = S.assessments
        rows = conn.execute(sa.select(a.c.contract_id, a.c.line_id, a.c.period, a.c.version)
                            .where(a.c.period != str(JAN))).all()
        s = S.statements
        stmts = conn.execute(sa.select(s.c.contract_id, s.c.period, s.c.version)
                             .where(s.c.period != str(JAN))).all()
    stored_a = sorted((r[0], r[1], r[2]) for r in rows)
    if stored_a != sorted(writes.assessed):
        problems.append(f"assessments: {len(writes.assessed)} acknowledged, "
                        f"{len(stored_a)} stored")
    if len(set(stored_a)) != len(stored_a) or any(r[3] != 1 for r in rows):
        problems.append("an assessment was stored twice")
    stored_s = sorted((r[0], r[1]) for r in stmts)
    if stored_s != sorted(writes.settled):
        problems.append(f"statements: {len(writes.settled)} acknowledged, "
                        f"{len(stored_s)} stored")
    if len(set(stored_s)) != len(stored_s):
        problems.append("a statement was stored twice")
    v = store.verify()
    if not v.ok:
        problems.append(f"the audit chain does not verify: {v.reason}")
    store.close()
    return problems


# --- the database ---------------------------------------------------------------------------
def admin_engine() -> tuple[sa.Engine, str]:
    for user in ("postgres", "root"):
        eng = sa.create_engine(f"postgresql+psycopg://{user}@{PG_HOST}/postgres",
                               isolation_level="AUTOCOMMIT")
        try:
            with eng.connect() as c:
                c.execute(sa.text("SELECT 1"))
            return eng, user
        except sa.exc.OperationalError:
            eng.dispose()
    raise SystemExit(f"PostgreSQL is not reachable at {PG_HOST}")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--contracts", type=int, default=50)
    p.add_argument("--clients", type=int, default=16, help="concurrent httpx clients")
    p.add_argument("--seconds", type=float, default=15.0, help="the longest a phase runs")
    p.add_argument("--requests", type=int, default=20_000, help="the most calls of a phase")
    p.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    args = p.parse_args()
    eng, user = admin_engine()
    token = secrets.token_hex(5)
    name = f"outsourcing_bench_{token}"
    roles = {APP_ROLE_ENV: f"outsourcing_app_b{token}",
             SERVICE_ROLE_ENV: f"outsourcing_service_b{token}"}
    os.environ.update(roles)
    with eng.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = f"postgresql://{user}@{PG_HOST}/{name}"
    server = None
    try:
        t = time.perf_counter()
        secret = build(url, args.contracts)
        print(f"registry: {args.contracts} contracts, January settled "
              f"({time.perf_counter() - t:.1f} s); PostgreSQL {PG_HOST}/{name}")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_server(url, port, args.workers)
        wait_ready(base, server)
        print(f"outsourcing serve: {args.workers} workers on {base}; {args.clients} clients, "
              f"each phase at most {args.seconds:g} s or {args.requests} requests")
        phases = asyncio.run(load(base, secret, args))
        for ph in phases:
            print(ph.line())
        base_rate = phases[0].rate()
        for ph in phases[1:]:
            print(f"  {ph.name}: {ph.rate() / base_rate:.2f} × the baseline's throughput")
        server.terminate()
        server.wait(timeout=30)
        server = None
        problems = check_writes(url, args.writes)
        w = args.writes
        print(f"writes acknowledged: {len(w.assessed)} assessments, {len(w.settled)} "
              f"statements — " + ("each in the store exactly once, the chain verifies"
                                  if not problems else "; ".join(problems)))
        return 1 if problems or any(ph.errors for ph in phases) else 0
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        with eng.connect() as c:
            c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            for role in roles.values():
                c.execute(sa.text(f'DROP ROLE IF EXISTS "{role}"'))
        eng.dispose()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    sys.exit(main())
