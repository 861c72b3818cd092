"""One large contract: 1,000 service lines, 200 changes signed one by one, 36 months settled
and rendered (大合同基准).

Run by hand (not a timed test)::

    python benchmarks/large_contract.py [--lines 1000] [--changes 200] [--months 36]

The contract is deterministic (seeded): one line per site and service (物业, 保洁, 保安, 会议
服务, 消毒, 健身房管理), half at a fixed monthly fee, half at a unit rate.  The changes are
signed in the order they take effect, spread over the term, each checked against the NX
rulebook and its plugin: price changes (税率调整), quantity changes, suspensions of one line
with their resumptions, added and removed lines, and two suspensions of the whole contract
(the October 2022 closures) with their resumptions.

Prints the time to sign the 1st, 100th and 200th change and all of them, the time to settle
every month of the term (one :class:`~outsourcing.settlement.PreparedContract`; every line
that runs assessed every month on its catalogue KPIs, the assessments built before the clock
starts) and to render each statement as text and JSON, and the peak memory of the process
(``resource.getrusage``; ``--tracemalloc`` adds the Python heap's peak, and slows every
figure down).
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
import tracemalloc
from datetime import date, timedelta
from decimal import Decimal

import outsourcing as o
from outsourcing.changes import (
    AddLine,
    Change,
    ChangeLinePrice,
    ChangeLineQuantity,
    RemoveLine,
    Resume,
    Suspend,
    Timeline,
)
from outsourcing.performance import Assessment, Metric
from outsourcing.settlement import prepare

START, END = date(2022, 1, 1), date(2024, 12, 31)
SERVICES = ("property", "cleaning", "security", "conference", "disinfection", "gym_management")
TODAY = date(2026, 1, 1)


def build_contract(n: int, rng: random.Random) -> o.Contract:
    lines = []
    for i in range(n):
        svc = SERVICES[i % len(SERVICES)]
        if i % 2:
            pricing: o.FixedMonthly | o.UnitRate = o.FixedMonthly(
                f"{rng.randrange(2000, 40000)}.{rng.randrange(100):02d}")
        else:
            pricing = o.UnitRate(f"{rng.randrange(50, 900)}.00", rng.randrange(2, 40), "台·月")
        lines.append(o.ServiceLine(f"L{i:04d}", svc, f"办公区{i // len(SERVICES)}", pricing))
    return o.Contract(
        id="NX-LARGE", title="全区机关办公区后勤服务", jurisdiction="NX",
        purchaser=o.Purchaser("P-NX", "宁夏回族自治区机关事务管理局"),
        supplier=o.Supplier("S-1", "某物业公司", "medium"), term=o.DateRange(START, END),
        lines=lines, signed_on=START - timedelta(days=20), price_adjustment_clause="第十条",
        multi_year_conditions=set(o.model.MULTI_YEAR_CONDITIONS))


def _change(cid: str, action: object, rationale: str, effective: date) -> Change:
    return Change(cid, action, rationale, "基准变更", effective, "自治区机关事务管理局",
                  signed_on=effective - timedelta(days=3), approved_by="局务会议")


def build_changes(contract: o.Contract, n: int, rng: random.Random) -> list[Change]:
    """``n`` changes in the order they take effect, every one acceptable when signed."""
    days = (END - START).days - 40
    dates = sorted(START + timedelta(days=10 + rng.randrange(days)) for _ in range(n))
    live = [x.id for x in contract.lines]
    prices = {x.id: x.pricing for x in contract.lines}
    suspended: dict[str, date] = {}
    whole: date | None = None
    out: list[Change] = []
    added = 0
    for k, eff in enumerate(dates):
        cid = f"C{k + 1:03d}"
        if whole is not None:
            out.append(_change(cid, Resume(None), "force_majeure", max(eff, whole + timedelta(1))))
            whole = None
            continue
        if k in (n // 3, 2 * n // 3):
            out.append(_change(cid, Suspend(None), "force_majeure", eff))
            whole = eff
            continue
        r = k % 6
        lid = rng.choice([x for x in live if x not in suspended])
        if r == 0:
            p = prices[lid]
            old = p.monthly_fee if isinstance(p, o.FixedMonthly) else p.unit_price
            new = old * Decimal("0.97")
            prices[lid] = (o.FixedMonthly(new, p.quantity) if isinstance(p, o.FixedMonthly)
                           else o.UnitRate(new, p.quantity, p.unit))
            out.append(_change(cid, ChangeLinePrice(lid, new), "tax_change", eff))
        elif r == 1:
            p = prices[lid]
            q = p.quantity + (1 if p.quantity < 5 else -1)
            prices[lid] = (o.FixedMonthly(p.monthly_fee, q) if isinstance(p, o.FixedMonthly)
                           else o.UnitRate(p.unit_price, q, p.unit))
            out.append(_change(cid, ChangeLineQuantity(lid, q), "volume_change", eff))
        elif r == 2:
            suspended[lid] = eff
            out.append(_change(cid, Suspend(lid), "force_majeure", eff))
        elif r == 3 and suspended:
            back = next(iter(suspended))
            since = suspended.pop(back)
            out.append(_change(cid, Resume(back), "force_majeure",
                               max(eff, since + timedelta(days=1))))
        elif r == 4:
            added += 1
            new_id = f"A{added:03d}"
            line = o.ServiceLine(new_id, "cleaning", f"新增办公区{added}",
                                 o.FixedMonthly(f"{rng.randrange(1000, 5000)}.00"))
            live.append(new_id)
            prices[new_id] = line.pricing
            out.append(_change(cid, AddLine(line), "volume_change", eff))
        else:
            live.remove(lid)
            out.append(_change(cid, RemoveLine(lid), "service_stopped", eff))
    return out


def _rss_mib() -> float:
    """The process's peak resident memory so far, in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak * (1 if sys.platform == "darwin" else 1024) / 2**20


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=1000)
    ap.add_argument("--changes", type=int, default=200)
    ap.add_argument("--months", type=int, default=36)
    ap.add_argument("--tracemalloc", action="store_true",
                    help="trace the Python heap's peak too (about three times slower)")
    args = ap.parse_args()

    rng = random.Random(20221021)
    registry = o.load()
    rb = registry.rulebook("NX")
    contract = build_contract(args.lines, rng)
    changes = build_changes(contract, args.changes, rng)
    if args.tracemalloc:
        tracemalloc.start()

    tl = Timeline(contract)
    times: list[float] = []
    t_all = time.perf_counter()
    for c in changes:
        t = time.perf_counter()
        tl = tl.sign(c, rb, today=TODAY)
        times.append(time.perf_counter() - t)
    t_all = time.perf_counter() - t_all
    print(f"contract: {args.lines} lines; {len(changes)} changes signed one by one "
          f"(term {tl.term}, amount {tl.amount.format()})")
    for k in (1, len(times) // 2, len(times)):
        print(f"  signature {k:>3}: {times[k - 1] * 1e3:8.1f} ms")
    print(f"  slowest signature: {max(times) * 1e3:.1f} ms; all {len(times)}: {t_all:.2f} s; "
          f"process peak so far {_rss_mib():,.0f} MiB")

    # the assessments: every running line, every month, each KPI at its target
    shape = prepare(tl, rb)
    assessments = []
    for i, p in enumerate(shape.periods[: args.months]):
        assessments.append([
            Assessment(pl.line.id, p, "考核小组", p.end + timedelta(days=3),
                       metrics=[Metric(k.id, k.target) for k in pl.kpis.specs])
            for pl in shape.lines if pl.running[i]])
    del shape
    t = time.perf_counter()
    pc = prepare(tl, rb)
    prev = None
    statements = []
    for p, done in zip(pc.periods[: args.months], assessments, strict=False):
        prev = pc.settle(p, done, previous=prev, accepted_on=p.end + timedelta(days=5))
        statements.append(prev)
    t_settle = time.perf_counter() - t
    t = time.perf_counter()
    chars = sum(len(s.render()) + len(s.to_json(indent=None)) for s in statements)
    months = max(1, len(statements))
    t_render = time.perf_counter() - t
    total = sum((s.payable for s in statements), o.Money.ZERO)
    print(f"settled {len(statements)} months (payable {total.format()}) in {t_settle:.2f} s; "
          f"rendered as text and compact JSON ({chars / months / 1024:,.0f} K "
          f"characters a month) in {t_render:.2f} s; together {t_settle + t_render:.2f} s")
    heap = ""
    if args.tracemalloc:
        heap = f"; Python heap {tracemalloc.get_traced_memory()[1] / 2**20:,.0f} MiB (tracemalloc)"
        tracemalloc.stop()
    print(f"peak memory: process {_rss_mib():,.0f} MiB (max RSS){heap}")


if __name__ == "__main__":
    main()
