"""Fuzz bookkeeping: one attempt of a target, counted as accepted, rejected, crash or slow.

An *attempt* ends one of four ways:

- **accepted**: the entry point returned (and, for money, the amount is exactly the one written);
- **rejected**: it raised the library's own :class:`~outsourcing.errors.OutsourcingError`;
- **crash**: anything else — another exception, a silently changed amount, a scenario case
  failed with an ``internal error``;
- **slow**: it took longer than :data:`BOUND` seconds of CPU time (counted on top of the
  above; CPU time, not wall time, because the machine may be shared — the slowest wall time
  is reported too — with the garbage collector paused during the attempt, since a
  collection's pause belongs to the whole run, not to the input it happens to interrupt).
"""

from __future__ import annotations

import gc
import os
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from outsourcing.errors import OutsourcingError

ROOT = Path(__file__).resolve().parent.parent
BOUND = 1.0
"""Seconds an attempt may take."""


@dataclass
class Stats:
    tried: int = 0
    accepted: int = 0
    rejected: int = 0
    crashes: int = 0
    slow: int = 0
    slowest: float = 0.0
    slowest_wall: float = 0.0
    first_crashes: list[str] = field(default_factory=list)


STATS: dict[str, Stats] = {}
STRICT = True
"""Under pytest a crash or a slow attempt fails the example at once (hypothesis shrinks it);
``fuzz/run.py`` sets it False to count them all."""


class Crash(AssertionError):
    """An attempt that ended outside the library's error hierarchy, or too slowly."""


def attempt(target: str, fn: Callable[[], Any], shown: Callable[[], str]) -> None:
    s = STATS.setdefault(target, Stats())
    s.tried += 1
    gc.disable()  # a collection's pause belongs to the whole run, not to this input
    t0, c0 = time.perf_counter(), time.process_time()
    problem = None
    try:
        fn()
        s.accepted += 1
    except OutsourcingError:
        s.rejected += 1
    except Exception as exc:
        s.crashes += 1
        problem = f"{type(exc).__name__}: {str(exc)[:200]}\n" + "".join(
            traceback.format_tb(exc.__traceback__)[-3:])
    dt = time.process_time() - c0
    s.slowest_wall = max(s.slowest_wall, time.perf_counter() - t0)
    gc.enable()
    s.slowest = max(s.slowest, dt)
    if dt > BOUND:
        s.slow += 1
        problem = (problem or "") + f"took {dt:.2f} s of CPU (bound {BOUND} s)"
    if problem:
        what = f"{problem}\ninput: {shown()[:300]}"
        if len(s.first_crashes) < int(os.environ.get("FUZZ_KEEP", "5")):
            s.first_crashes.append(what)
        if STRICT:
            raise Crash(what)


def table() -> str:
    rows = [f"{'target':<16}{'tried':>8}{'accepted':>10}{'rejected':>10}{'crashes':>9}"
            f"{'>1s':>6}{'slowest cpu':>13}{'wall':>9}"]
    for name, s in STATS.items():
        rows.append(f"{name:<16}{s.tried:>8}{s.accepted:>10}{s.rejected:>10}{s.crashes:>9}"
                    f"{s.slow:>6}{s.slowest:>12.3f}s{s.slowest_wall:>8.3f}s")
    return "\n".join(rows)


