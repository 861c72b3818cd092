"""``make fuzz``: every fuzz target at FUZZ_EXAMPLES examples (default 10,000), then a table of
tried / accepted / rejected / crashes / slow attempts per target.  Exit status 1 when any
target crashed or took longer than the bound on an input.

    FUZZ_EXAMPLES=10000 [FUZZ_SEED=N] python fuzz/run.py [TARGET …]
    python fuzz/run.py --replay fuzz/crashes/<target>-<hash>

Each crash is saved whole under ``fuzz/crashes/`` (:func:`attempts.save`); ``--replay``
runs a saved one again and prints its traceback.  ``FUZZ_SEED`` fixes hypothesis's seed, so
a run can be repeated.
"""

from __future__ import annotations

import gc
import os
import pickle
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, seed, settings

sys.path.insert(0, str(Path(__file__).resolve().parent))

import attempts
import targets


def _caller(fn: Callable[..., None]) -> Callable[[tuple[Any, ...]], None]:
    def call(args: tuple[Any, ...]) -> None:
        attempts.CURRENT = args
        try:
            fn(*args)
        finally:
            attempts.CURRENT = None

    return call


def replay(folder: str) -> int:
    """Run a saved crash again (its ``args.pickle``): 0 when it no longer crashes."""
    target, args = pickle.loads((Path(folder) / "args.pickle").read_bytes())
    targets.registry()
    attempts.STRICT = True
    try:
        targets.TARGETS[target][1](*args)
    except attempts.Crash:
        traceback.print_exc()
        return 1
    print(f"{target}: no longer crashes")
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["--replay"] and len(argv) == 2:
        return replay(argv[1])
    n = int(os.environ.get("FUZZ_EXAMPLES", "10000"))
    attempts.STRICT = False
    attempts.SAVE = True
    targets.registry()  # plugins and rulebooks loaded once, before any timing
    gc.collect()
    gc.freeze()  # the seeds and the registry are never garbage: full collections skip them
    names = argv or list(targets.TARGETS)
    unknown = [x for x in names if x not in targets.TARGETS]
    if unknown:
        print(f"unknown target {unknown[0]!r}; the targets are: {', '.join(targets.TARGETS)}",
              file=sys.stderr)
        return 2
    for name in names:
        strategy, fn = targets.TARGETS[name]
        t0 = time.perf_counter()

        run = settings(max_examples=n, deadline=None, database=None, phases=[Phase.generate],
                       suppress_health_check=list(HealthCheck))(given(strategy)(_caller(fn)))
        if os.environ.get("FUZZ_SEED"):
            run = seed(int(os.environ["FUZZ_SEED"]))(run)
        run()
        s = targets.STATS.get(name, targets.Stats())
        print(f"{name}: {s.tried} tried in {time.perf_counter() - t0:.0f} s", flush=True)
        for c in s.first_crashes:
            print("  CRASH " + c.replace("\n", "\n        "), flush=True)
    print()
    print(targets.table())
    bad = any(s.crashes or s.slow for s in targets.STATS.values())
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
