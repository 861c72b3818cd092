"""Settle a synthetic region: 5,000 contracts × 4 lines × 8 KPIs × 36 months (区域结算基准).

Run by hand (not a timed test)::

    python benchmarks/settle_region.py [--contracts 5000] [--months 36] [--profile]

The region is deterministic (seeded).  Each contract has four lines (property, elevator,
fire, canteen), each assessed on eight KPIs; two changes per contract are generated directly
as schedule pieces — a price change on one line and a mid-month suspension of another — so
the benchmark does not depend on the changes module.  Every contract is prepared once (fees
of all periods in one pass, payment rules from the hook or the rulebook's defaults, compiled
KPIs) and every contract-month settled with its compact record, which holds every input and
intermediate figure; explanations are rendered from it on demand (a sample is rendered and
timed separately, and so is the rich ``PreparedContract.settle`` path with Assessment objects).

Every figure is timed with the process's CPU time (``--wall``: the wall clock).  Prints
contract-months per second (settlement only, and including preparation); the rate
of a bare loop doing the same arithmetic on plain ints with no library (pro-rata, weighted
score, tier lookup, deductions, holdback — :func:`bare_loop`, its inputs built before the
clock); the public API's rate on a subset (``prepare`` + ``PreparedContract.settle``:
Assessment objects in, built before the clock, a Statement out) and with every explanation
rendered (``Statement.render``), each as a ratio to the bare loop measured in the same run;
and the peak resident memory of the process (``resource.getrusage``).
"""

from __future__ import annotations

import argparse
import bisect
import cProfile
import gc
import pstats
import random
import resource
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

import outsourcing as o
from outsourcing.catalogue import Direction, KpiSpec, Scoring
from outsourcing.dates import DateRange, PeriodKind, periods_between
from outsourcing.performance import Assessment, Incident, Metric
from outsourcing.settlement import (
    PreparedContract,
    compile_contract,
    period_input,
    prepare,
    settle_compiled,
)
from outsourcing.settlement.compute import PeriodResult, Reading, settle_readings
from outsourcing.settlement.record import to_record
from outsourcing.statement import Statement

START, END = date(2022, 1, 1), date(2024, 12, 31)
SERVICES = ("property", "elevator_maintenance", "fire_maintenance", "canteen")
KINDS = ("ordinary", "county_leader_criticism", "department_notice", "media_exposure")


def kpi_set(service: str, variant: int) -> tuple[KpiSpec, ...]:
    """Eight KPIs for a service: six rates, one lower-is-better time, one pass/fail."""
    weights = ("15", "15", "15", "15", "10", "10", "10", "10")
    out = []
    for n in range(6):
        target = str(90 + (n + variant) % 10)
        out.append(KpiSpec(f"rate_{n}", f"指标{n}", f"rate {n}", "%", Decimal(target),
                           Direction.HIGHER, Decimal(weights[n]), "benchmark", True))
    out.append(KpiSpec("response_minutes", "响应时间", "response", "minutes", Decimal(30),
                       Direction.LOWER, Decimal(weights[6]), "benchmark", True))
    out.append(KpiSpec("monthly_check", "月度检查", "check done", "count", Decimal(1),
                       Direction.HIGHER, Decimal(weights[7]), "benchmark", True,
                       Scoring.PASS_FAIL))
    return tuple(out)


KPI_SETS = {(s, v): kpi_set(s, v) for s in SERVICES for v in range(3)}


class SyntheticTimeline:
    """A contract with two changes given directly as schedule pieces (not the changes module):
    a price change on one line and a suspension of another."""

    def __init__(self, contract: o.Contract, rng: random.Random) -> None:
        self.contract = contract
        self.term = contract.term
        lines = contract.lines
        sched: dict[str, list[tuple[DateRange, Fraction]]] = {
            x.id: [(contract.term, x.monthly_amount())] for x in lines}
        # change 1: a price change on line 0 from the first of a month
        when = date(2022 + rng.randrange(3), rng.randrange(1, 13), 1)
        old = lines[0].monthly_amount()
        new = old * Fraction(100 + rng.randrange(-8, 9), 100)
        sched[lines[0].id] = [(DateRange(START, when - timedelta(days=1)), old),
                              (DateRange(when, END), new)] if when > START else [
                              (contract.term, new)]
        # change 2: a suspension of line 1 from mid-month for 10..70 days
        s = START + timedelta(days=rng.randrange(30, 1000))
        e = s + timedelta(days=rng.randrange(10, 70))
        m1 = lines[1].monthly_amount()
        sched[lines[1].id] = [(DateRange(START, s - timedelta(days=1)), m1),
                              (DateRange(e + timedelta(days=1), END), m1)]
        self._sched = sched

    def line_schedules(self) -> dict[str, list[tuple[DateRange, Fraction]]]:
        return self._sched

    def all_lines(self) -> dict[str, o.ServiceLine]:
        return self.contract.all_lines()


def build_region(n: int, seed: int = 20221021) -> list[tuple[SyntheticTimeline, dict[str, Any]]]:
    rng = random.Random(seed)
    purchaser = o.Purchaser("P-NX", "宁夏回族自治区机关事务管理局")
    sizes = ("small", "micro", "medium", "large")
    out = []
    for i in range(n):
        supplier = o.Supplier(f"S-{i:05d}", f"供应商{i:05d}", sizes[i % 4])
        fees = [f"{rng.randrange(3000, 90000)}.{rng.randrange(100):02d}" for _ in SERVICES]
        lines = [o.ServiceLine(f"L{j}", svc, f"办公区{i % 97}", o.FixedMonthly(fee))
                 for j, (svc, fee) in enumerate(zip(SERVICES, fees, strict=True))]
        c = o.Contract(id=f"NX-{i:05d}", title=f"办公区{i % 97}后勤服务", jurisdiction="NX",
                       purchaser=purchaser, supplier=supplier, term=DateRange(START, END),
                       lines=lines, payment_days=(None if i % 3 else 45))
        kpis = {f"L{j}": KPI_SETS[(svc, (i + j) % 3)] for j, svc in enumerate(SERVICES)}
        out.append((SyntheticTimeline(c, rng), kpis))
    return out


def build_readings(months: int, seed: int = 7) -> tuple[list[Reading | None], list[int]]:
    """A pool of line readings (values tuples shared, as inputs are) and, per contract-month
    seed, which pool entries to use.  About 3% of line-months carry an incident, 0.5% are
    not assessed."""
    rng = random.Random(seed)
    pool = []
    for _ in range(4096):
        vals = tuple([rng.randrange(8000, 10001) for _ in range(6)]
                     + [rng.randrange(1000, 6001), rng.choice((0, 100, 100, 100))])
        r = rng.random()
        n_inc = rng.randrange(1, 4) if r < 0.03 else 0
        inc = tuple(rng.choice(KINDS) for _ in range(n_inc))
        pool.append(None if r > 0.995 else Reading(vals, inc))
    return pool, [rng.randrange(4096) for _ in range(months * 4 * 64)]


clock = time.process_time
"""The clock every figure is timed with: this process's CPU time by default (the machine is
shared: wall time counts the other processes' turns, and the bare loop and the library are
timed at different moments), wall time with ``--wall``."""

BARE_TIERS = (0, 6000, 7000, 8000, 9000)
"""Score thresholds (hundredths of a point) of the bare loop's tier table."""
BARE_RATES = (5000, 7000, 8500, 9500, 10000)
"""Pay rates (parts of 10,000) of the tiers."""
BARE_DEDUCTION = {"ordinary": 20000, "county_leader_criticism": 100000,
                  "department_notice": 50000, "media_exposure": 200000}
"""Fen deducted per incident, by kind."""


def bare_inputs(region: list[tuple[SyntheticTimeline, dict[str, Any]]],
                months: int) -> list[list[tuple[list[list[tuple[int, int, int]]],
                                                 list[tuple[bool, int, int, bool]]]]]:
    """Plain ints for :func:`bare_loop`, built before its clock: for every contract and line,
    for every month the (monthly fen, days running, days in the month) of its runs, and its
    KPIs as (higher is better, weight, target, pass/fail) in hundredths."""
    periods = periods_between(DateRange(START, END), PeriodKind.MONTH)[:months]
    out = []
    for tl, kpis in region:
        lines = []
        for x in tl.contract.lines:
            per = []
            for p in periods:
                pieces = []
                for span, monthly in tl.line_schedules()[x.id]:
                    part = span.overlap(p.range)
                    if part is not None:
                        pieces.append((o.Money.round(monthly).fen, part.days, p.days))
                per.append(pieces)
            specs = [(s.direction is Direction.HIGHER, int(s.weight * 100), int(s.target * 100),
                      s.scoring is Scoring.PASS_FAIL) for s in kpis[x.id]]
            lines.append((per, specs))
        out.append(lines)
    return out


def bare_loop(inputs: list[Any], pool: list[Any], picks: list[int],
              months: int) -> tuple[int, int]:
    """The arithmetic of a settlement on plain ints, no library: each line's fee pro rata to
    its days (half-up), the weighted KPI score, the tier's pay rate, the incidents' deductions
    (at most the fee earned), a 5% holdback; the contract-months settled and the payable."""
    npicks = len(picks)
    cm = payable = 0
    for ci, lines in enumerate(inputs):
        base = ci * 131
        held = [0] * len(lines)
        for i in range(months):
            k = (base + i * 4) % (npicks - 4)
            for j, (per, specs) in enumerate(lines):
                fee = 0
                for monthly, days, dim in per[i]:
                    fee += (2 * monthly * days + dim) // (2 * dim)
                rd = pool[picks[k + j]]
                if rd is None:
                    continue
                vals, inc, _, _ = rd
                score = 0
                for (higher, w, t, pass_fail), v in zip(specs, vals, strict=True):
                    if pass_fail:
                        score += w if (v >= t if higher else v <= t) else 0
                    elif higher:
                        score += w if v >= t else (2 * w * v + t) // (2 * t)
                    else:
                        score += w if v <= t else (2 * w * t + v) // (2 * v)
                rate = BARE_RATES[bisect.bisect_right(BARE_TIERS, score) - 1]
                earned = (2 * fee * rate + 10000) // 20000
                ded = sum(BARE_DEDUCTION[x] for x in inc)
                earned -= ded if ded < earned else earned
                hb = (2 * earned * 5 + 100) // 200
                held[j] += hb
                payable += earned - hb
            cm += 1
    return cm, payable


def bare_again(bare_in: list[Any], pool: list[Any], picks: list[int], months: int) -> float:
    """The bare loop once more, after the library paths (the machine is shared: the best
    of its two runs is the baseline every ratio is taken to)."""
    t = clock()
    cm, _ = bare_loop(bare_in, pool, picks, months)
    return cm / (clock() - t)


def compact_inputs(inputs: list[Any], rb: o.RuleBook, statements: list[Statement]) -> float:
    """The compact input form: every contract compiled once (``compile_contract``), every
    contract-month settled from a :class:`PeriodInput` (KPI values as tuples of hundredths,
    built before the clock, as a store reads them) to a Statement; the statements equal the
    public API's."""
    given = []
    for tl, kpis, per_period in inputs:
        pc = compile_contract(tl, rb, kpis=kpis)
        given.append((tl, kpis, [(p, period_input(pc, p, a)) for p, a in per_period]))
    gc.collect()
    t = clock()
    out: list[Statement] = []
    for tl, kpis, per_period in given:
        pc = compile_contract(tl, rb, kpis=kpis)
        prev = None
        for p, pin in per_period:
            prev = settle_compiled(pc, p, pin, previous=prev)
            out.append(prev)
    dt = clock() - t
    same = all(a.record == b.record for a, b in zip(out, statements, strict=True))
    print(f"  compact input form (compile_contract + settle_compiled(PeriodInput) → Statement): "
          f"{len(out):,} contract-months in {dt:.2f} s → {len(out) / dt:,.0f} contract-months/s"
          f"; statements equal to the public API's: {same}")
    return len(out) / dt


def cold_month(region: list[Any], rb: o.RuleBook, pool: list[Any], picks: list[int]) -> float:
    """One month of every contract through ``outsourcing.settle`` (compile and settle in one
    call, nothing kept between contracts), the assessments built before the clock."""
    cases = []
    p = periods_between(DateRange(START, END), PeriodKind.MONTH)[12]
    for ci, (tl, kpis) in enumerate(region):
        assessments = []
        for j, x in enumerate(tl.contract.lines):
            rd = pool[picks[(ci * 4 + j) % len(picks)]]
            if rd is None:
                continue
            vals, inc, _, _ = rd
            assessments.append(Assessment(
                x.id, p, "考核小组", p.end + timedelta(days=5),
                metrics=[Metric(s.id, Decimal(v) / 100) for s, v in
                         zip(kpis[x.id], vals, strict=True)],
                incidents=[Incident(k, p.start) for k in inc]))
        cases.append((tl, kpis, assessments))
    gc.collect()
    t = clock()
    for tl, kpis, assessments in cases:
        o.settle(tl, p, assessments, rb, kpis=kpis)
    dt = clock() - t
    print(f"  cold single month ({p}) through outsourcing.settle: {len(cases):,} contracts in "
          f"{dt:.2f} s → {len(cases) / dt:,.0f} contract-months/s")
    return len(cases) / dt


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--contracts", type=int, default=5000)
    ap.add_argument("--months", type=int, default=36)
    ap.add_argument("--profile", action="store_true", help="profile the settlement loop")
    ap.add_argument("--repeat", type=int, default=3,
                    help="settle the region this many times; the best run is reported "
                         "(the machine is shared: single runs vary by ±20%%)")
    ap.add_argument("--wall", action="store_true",
                    help="time with the wall clock (default: this process's CPU time)")
    args = ap.parse_args()
    global clock
    if args.wall:
        clock = time.perf_counter

    registry = o.load()
    rb = registry.rulebook("NX")
    t0 = clock()
    region = build_region(args.contracts)
    pool, picks = build_readings(args.months)
    npicks = len(picks)
    accepted = {}
    for p in periods_between(DateRange(START, END), PeriodKind.MONTH):
        accepted[p] = p.end + timedelta(days=5)
    t_build = clock() - t0
    gc.collect()
    gc.freeze()

    records: list[tuple[PreparedContract, list[PeriodResult]]] = []
    prep_time = 0.0
    settle_time = 0.0
    cm = 0
    payable = 0

    def run() -> None:
        nonlocal prep_time, settle_time, cm, payable
        for ci, (tl, kpis) in enumerate(region):
            a = clock()
            pc = prepare(tl, rb, kpis=kpis)
            b = clock()
            state = None
            recs = []
            acc = [accepted[p] for p in pc.periods]
            base = ci * 131
            for i in range(min(args.months, len(pc.periods))):
                k = (base + i * 4) % (npicks - 4)
                readings = [pool[picks[k]], pool[picks[k + 1]], pool[picks[k + 2]],
                            pool[picks[k + 3]]]
                paid = acc[i] + timedelta(days=40) if (ci + i) % 17 == 0 else None
                rec = settle_readings(pc, i, readings, state, accepted_on=acc[i], paid_on=paid)
                state = rec.state
                recs.append(rec)
                payable += rec.payable
            c = clock()
            prep_time += b - a
            settle_time += c - b
            cm += len(recs)
            records.append((pc, recs))

    gc.disable()
    runs: list[tuple[float, float]] = []
    for _ in range(1 if args.profile else max(1, args.repeat)):
        records.clear()
        prep_time = settle_time = 0.0
        cm = payable = 0
        if args.profile:
            prof = cProfile.Profile()
            prof.enable()
            run()
            prof.disable()
        else:
            run()
        runs.append((prep_time + settle_time, prep_time))
    gc.enable()
    totals = sorted(t for t, _ in runs)
    best_total, prep_time = min(runs)
    settle_time = best_total - prep_time
    total = best_total
    print(f"region: {args.contracts} contracts × 4 lines × 8 KPIs × {args.months} months, "
          f"2 changes each (built in {t_build:.2f} s)")
    print(f"settled {cm:,} contract-months; payable total ¥{payable / 100:,.2f}")
    print(f"  prepare (once per contract): {prep_time:.2f} s "
          f"({prep_time / args.contracts * 1e6:.0f} µs per contract)")
    print(f"  settle (every contract-month): {settle_time:.2f} s → "
          f"{cm / settle_time:,.0f} contract-months/s")
    print(f"  prepare + settle: {total:.2f} s → {cm / total:,.0f} contract-months/s "
          f"(best of {len(runs)}; median {cm / totals[len(totals) // 2]:,.0f}/s)")

    # explanations on demand: render a sample of statements in full
    t = clock()
    sample = 0
    chars = 0
    for pc, recs in records[:: max(1, len(records) // 200)]:
        for rec in recs[::6]:
            st = Statement(to_record(pc, rec), pc)
            chars += len(st.render()) + len(st.to_json())
            sample += 1
    dt = clock() - t
    print(f"  on demand: {sample} statements built, rendered and dumped to JSON in {dt:.2f} s "
          f"({dt / sample * 1e3:.2f} ms each, {chars // sample:,} characters each)")

    # the bare loop: the same arithmetic on plain ints, no library, inputs built beforehand
    bare_in = bare_inputs(region, args.months)
    t = clock()
    bare_cm, bare_pay = bare_loop(bare_in, pool, picks, args.months)
    bare_rate = bare_cm / (clock() - t)
    print(f"  bare loop (pro-rata, weighted score, tier lookup on ints; no library): "
          f"{bare_cm:,} contract-months → {bare_rate:,.0f} contract-months/s "
          f"(payable ¥{bare_pay / 100:,.2f})")
    compact_rate = cm / total
    print(f"    compact path (prepare + settle_readings) / bare loop: "
          f"{compact_rate / bare_rate:.2f}×")

    # the public API: Assessment objects in (built before the clock), a Statement out
    n_rich = min(100, args.contracts)
    inputs = []
    for tl, kpis in region[:n_rich]:
        shape = prepare(tl, rb, kpis=kpis)
        per_period = []
        for i, p in enumerate(shape.periods[: args.months]):
            assessments = []
            for j, pl in enumerate(shape.lines):
                rd = pool[picks[(i * 4 + j) % npicks]]
                if rd is None or not pl.running[i]:
                    continue
                vals, inc, _, _ = rd
                assessments.append(Assessment(
                    pl.line.id, p, "考核小组", p.end + timedelta(days=5),
                    metrics=[Metric(s.id, Decimal(v) / 100) for s, v in
                             zip(pl.kpis.specs, vals, strict=True)],
                    incidents=[Incident(k, p.start) for k in inc]))
            per_period.append((p, assessments))
        inputs.append((tl, kpis, per_period))
    # the heap built so far (the region, its records, these inputs) is frozen, as before the
    # compact run: a full collection over it would be the benchmark's cost, not the API's
    gc.collect()
    gc.freeze()
    t = clock()
    statements = []
    for tl, kpis, per_period in inputs:
        pc = prepare(tl, rb, kpis=kpis)
        prev = None
        for p, assessments in per_period:
            prev = pc.settle(p, assessments, previous=prev)
            statements.append(prev)
    dt_api = clock() - t
    t = clock()
    rendered = sum(len(st.render()) for st in statements)
    dt_render = clock() - t
    nrich = len(statements)
    api_rate = nrich / dt_api
    full_rate = nrich / (dt_api + dt_render)
    print(f"  public API (prepare + PreparedContract.settle: Assessment objects → Statement): "
          f"{nrich:,} contract-months in {dt_api:.2f} s → {api_rate:,.0f} contract-months/s; "
          f"{api_rate / bare_rate:.3f}× the bare loop (target ≥ 0.5×)")
    print(f"  with every explanation rendered (Statement.render, {rendered // nrich:,} characters "
          f"each): {full_rate:,.0f} contract-months/s; {full_rate / bare_rate:.3f}× the bare "
          f"loop (target ≥ 0.1×)")
    compact_in_rate = compact_inputs(inputs, rb, statements)
    cold_rate = cold_month(region[: min(1000, args.contracts)], rb, pool, picks)
    bare_rate = max(bare_rate, bare_again(bare_in, pool, picks, args.months))
    print("\ntargets, each a ratio to the bare loop (best of the two bare-loop runs: "
          f"{bare_rate:,.0f} contract-months/s)")
    for name, rate, target in (
            ("public API (prepare + settle, Assessment objects)", api_rate, 0.5),
            ("compact input form (compile_contract + settle_compiled)", compact_in_rate, 0.8),
            ("every explanation rendered", full_rate, 0.1),
            ("cold single month via outsourcing.settle", cold_rate, 0.25)):
        ratio = rate / bare_rate
        print(f"  {name:<58} {rate:>9,.0f}/s  {ratio:6.3f}×  target ≥ {target}×  "
              f"{'met' if ratio >= target else 'MISSED'}")

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    scale = 1 if sys.platform == "darwin" else 1024
    print(f"peak memory (max RSS): {peak * scale / 2**20:,.0f} MiB")
    if args.profile:
        pstats.Stats(prof).sort_stats("tottime").print_stats(12)


if __name__ == "__main__":
    main()
