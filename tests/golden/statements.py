"""Every statement the scenario files, the examples and a seeded random region settle, as
text: the golden record of explanations.

``python tests/golden/statements.py > tests/golden/statements.sha256`` was run on the code
before explanations became lazy (commit 6b82e71, where every explanation was built eagerly
when settling); ``test_lazy_explanations_equal_the_eager_ones_…`` runs the same now and
compares, statement by statement (294 of them then; a scenario file added since adds
its own, hashed on the code that adds it), the SHA-256 of the rendered text (every
figure, finding and explanation, in Chinese and in English) and of every explanation's text.
The random region (:func:`random_region`) uses only the public API, so it runs on both.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import runpy
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted([*ROOT.glob("tests/scenarios/*.toml"),
                *ROOT.glob("plugins/ningxia/scenarios/*.toml")])
EXAMPLES = sorted(ROOT.glob("examples/*.py"))


def rendered() -> list[str]:
    """One line per statement settled by the scenario files: where, and the hashes."""
    from outsourcing import scenarios, settlement

    out: list[str] = []
    cls: Any = settlement.PreparedContract
    original = cls.settle_period  # every settlement goes through it
    where = [""]

    def settle(self: Any, *args: Any, **kw: Any) -> Any:
        st = original(self, *args, **kw)
        text = st.render() + st.render("en")
        trail = "\n".join(str(e) for e in st.all_explanations())
        out.append(f"{where[0]} {st.contract_id} {st.period} "
                   f"{hashlib.sha256(text.encode()).hexdigest()[:20]} "
                   f"{hashlib.sha256(trail.encode()).hexdigest()[:20]}")
        return st

    cls.settle_period = settle
    try:
        for f in FILES:
            where[0] = f.relative_to(ROOT).as_posix()
            scenarios.run_files([f])
        for f in EXAMPLES:
            where[0] = f.relative_to(ROOT).as_posix()
            with contextlib.redirect_stdout(io.StringIO()):
                runpy.run_path(str(f), run_name="__main__")
        where[0] = "random"
        random_region()
    finally:
        cls.settle_period = original
    return out


SERVICES = ("property", "elevator_maintenance", "fire_maintenance", "canteen", "cleaning",
            "security")
KINDS = ("ordinary", "county_leader_criticism", "department_notice", "media_exposure")


def random_region(n: int = 24, seed: int = 20221021) -> None:
    """Seeded random contracts settled month by month (the random cases of the golden
    record): one to four lines, a term that may start mid-month, a suspension, the NX
    rulebook's illustrative defaults, random KPI values, incidents, lines not assessed or
    not fully measured, late payments; every public input, so it runs on any release."""
    import random
    from datetime import date, timedelta
    from decimal import Decimal

    import outsourcing as o
    from outsourcing.changes import Change, Suspend, Timeline

    rng = random.Random(seed)
    rb = o.load().rulebook("NX")
    for k in range(n):
        start = date(2022, rng.randrange(1, 7), rng.choice((1, 1, 11, 17)))
        end = date(2022, 12, 31)
        lines = [o.ServiceLine(f"L{j}", rng.choice(SERVICES), f"办公区{k}", o.FixedMonthly(
                     f"{rng.randrange(2000, 90000)}.{rng.randrange(100):02d}"))
                 for j in range(rng.randrange(1, 5))]
        c = o.Contract(id=f"R-{k:03d}", title=f"办公区{k}后勤服务", jurisdiction="NX",
                       purchaser=o.Purchaser("P-NX", "宁夏回族自治区机关事务管理局"),
                       supplier=o.Supplier(f"S-{k}", f"供应商{k}",
                                           rng.choice(("small", "micro", "medium", "large"))),
                       term=o.DateRange(start, end), lines=lines, signed_on=start,
                       payment_days=rng.choice((None, 30, 45)))
        source: object = c
        if len(lines) > 1 and rng.random() < 0.5:
            on = date(2022, rng.randrange(8, 11), rng.randrange(1, 28))
            tl = Timeline(c).propose(Change("C-1", Suspend(lines[1].id), "force_majeure",
                                            "疫情封控", on, "采购人"))
            source = tl.sign("C-1", rb, signed_on=on, approved_by="局长", today=on)
        pc = o.prepare(source, rb)  # type: ignore[arg-type]
        prev = None
        for i, p in enumerate(pc.periods):
            done = []
            for pl in pc.lines:
                if not pl.running[i] or rng.random() < 0.06:
                    continue
                specs = list(pl.kpis.specs)
                if rng.random() < 0.04:
                    specs = specs[1:]
                metrics = [o.Metric(s.id, Decimal(rng.randrange(6000, 10001)) / 100
                                    if s.unit in ("%", "percent") else s.target)
                           for s in specs]
                incidents = [o.Incident(rng.choice(KINDS), p.start + timedelta(days=d))
                             for d in range(rng.choice((0, 0, 0, 0, 1, 2)))]
                done.append(o.Assessment(pl.line.id, p, "考核小组", p.end + timedelta(days=3),
                                         metrics=metrics, incidents=incidents))
            paid = p.end + timedelta(days=rng.choice((20, 40, 90))) if rng.random() < .3 else None
            prev = pc.settle(p, done, previous=prev, paid_on=paid,
                             accepted_on=p.end + timedelta(days=5))


if __name__ == "__main__":
    sys.stdout.write("".join(f"{x}\n" for x in rendered()))
