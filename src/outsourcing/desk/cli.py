"""The desk's commands on the ``outsourcing`` command line (see ``docs/desk.md``)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from . import (
    cli_changes,
    cli_contracts,
    cli_month,
    cli_ocds,
    cli_settle,
    cli_statements,
    cli_usage,
)

__all__ = ["register"]


def register(sub: Any, settle_file: Callable[[argparse.Namespace], int]) -> None:
    """Add the registry commands to the parser's sub-commands; ``settle_file`` is the
    scenario command that the old spelling ``settle FILE --period P`` still runs."""
    cli_contracts.register(sub)
    cli_changes.register(sub)
    cli_month.register(sub)
    cli_settle.register(sub, settle_file)
    cli_statements.register(sub)
    cli_ocds.register(sub)
    cli_usage.register(sub)
