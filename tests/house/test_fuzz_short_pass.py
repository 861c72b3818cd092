"""A short pass of every fuzz target (``make fuzz`` runs ≥ 10,000 examples per target).

Each public entry point — money, rates and quantities, dates and periods, allocation, JSON,
the model constructors, scenario files, rule files and the command line — is fed valid input
and mutations of it; the property is that it returns or raises the library's own
``OutsourcingError``, within one second per input.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "fuzz"))

import attempts
import targets

SHORT = int(os.environ.get("FUZZ_SHORT_EXAMPLES", "15"))


@pytest.mark.parametrize("name", sorted(targets.TARGETS))
def test_entry_point_raises_only_outsourcing_errors_within_one_second(name: str) -> None:
    strategy, fn = targets.TARGETS[name]
    attempts.STRICT = True

    @settings(max_examples=SHORT, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def run(args: tuple[Any, ...]) -> None:
        fn(*args)

    run()
    stats = targets.STATS[name]
    assert stats.tried >= SHORT and stats.crashes == 0 and stats.slow == 0
