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

Every crash and slow attempt is saved whole under ``fuzz/crashes/`` (git ignores it): the
target's arguments pickled (``args.pickle``), each input file as it was written, and a
report with the full traceback and what the command printed, so that it can be replayed:
``python fuzz/run.py --replay fuzz/crashes/<target>-<hash>``.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
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
CRASHES = Path(os.environ.get("FUZZ_CRASHES", str(ROOT / "fuzz" / "crashes")))
"""Where a crash's whole input and traceback are saved (``FUZZ_CRASHES`` overrides)."""
CURRENT: tuple[Any, ...] | None = None
"""The arguments of the example being run (set by ``fuzz/run.py``), saved with a crash."""
SAVE = False
"""Whether crashes are saved (``fuzz/run.py`` sets it; a pytest pass does not write files)."""
STRICT = True
"""Under pytest a crash or a slow attempt fails the example at once (hypothesis shrinks it);
``fuzz/run.py`` sets it False to count them all."""


class Crash(AssertionError):
    """An attempt that ended outside the library's error hierarchy, or too slowly."""


def save(target: str, problem: str, shown: str, files: dict[str, bytes]) -> Path:
    """Save one crash: the arguments (:data:`CURRENT`), the input files, and a report with
    the problem and its full traceback; the folder, named after the target and a hash of
    the input (the same input twice is one folder)."""
    blob = b"".join(files.values()) or shown.encode("utf-8", "surrogatepass")
    folder = CRASHES / f"{target}-{hashlib.sha256(blob).hexdigest()[:12]}"
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    if CURRENT is not None:
        try:
            (folder / "args.pickle").write_bytes(pickle.dumps((target, CURRENT)))
        except Exception as exc:  # an argument that cannot be pickled: the report still holds
            problem += f"\n(the arguments could not be pickled: {exc!r})"
    (folder / "report.txt").write_text(
        f"target: {target}\nreplay: python fuzz/run.py --replay {folder}\n\n{problem}\n\n"
        f"input:\n{shown}\n", encoding="utf-8", errors="backslashreplace")
    return folder


def attempt(target: str, fn: Callable[[], Any], shown: Callable[[], str],
            files: Callable[[], dict[str, bytes]] | None = None) -> None:
    """Run one attempt of ``target``; ``shown`` describes the input, ``files`` (when the
    input is files) gives their whole bytes by name, saved with a crash."""
    s = STATS.setdefault(target, Stats())
    s.tried += 1
    gc.disable()  # a collection's pause belongs to the whole run, not to this input
    t0, c0 = time.perf_counter(), time.process_time()
    problem = full = None
    try:
        fn()
        s.accepted += 1
    except OutsourcingError:
        s.rejected += 1
    except Exception as exc:
        s.crashes += 1
        problem = f"{type(exc).__name__}: {str(exc)[:200]}\n" + "".join(
            traceback.format_tb(exc.__traceback__)[-3:])
        full = "".join(traceback.format_exception(exc))
    dt = time.process_time() - c0
    s.slowest_wall = max(s.slowest_wall, time.perf_counter() - t0)
    gc.enable()
    s.slowest = max(s.slowest, dt)
    if dt > BOUND:
        s.slow += 1
        problem = (problem or "") + f"took {dt:.2f} s of CPU (bound {BOUND} s)"
    if problem:
        what = f"{problem}\ninput: {shown()[:300]}"
        if SAVE:
            slow = "" if dt <= BOUND else f"\ntook {dt:.2f} s of CPU (bound {BOUND} s)"
            where = save(target, (full or "") + slow, shown(), files() if files else {})
            what += f"\nsaved: {where}"
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


