"""The desk's commands on the ``outsourcing`` command line (see ``docs/desk.md``)."""

from __future__ import annotations

import argparse
from typing import Any

from . import cli_contracts, cli_month, cli_ocds, cli_usage

__all__ = ["register"]


def register(sub: Any, settle_parser: argparse.ArgumentParser) -> None:
    """Add the registry commands to the parser's subcommands; ``settle_parser`` is the
    existing ``settle`` command, extended with ``settle PERIOD --contract ID | --all``."""
    cli_contracts.register(sub)
    cli_month.register(sub, settle_parser)
    cli_ocds.register(sub)
    cli_usage.register(sub)
