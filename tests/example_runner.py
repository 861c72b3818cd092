"""Run an example script as ``python examples/NAME`` would, and keep what it printed."""

from __future__ import annotations

import contextlib
import io
import runpy
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_example(name: str) -> str:
    """Run ``examples/<name>`` as a script and return what it printed."""
    out = io.StringIO()
    argv = sys.argv
    sys.argv = [name]
    try:
        with contextlib.redirect_stdout(out):
            runpy.run_path(str(ROOT / "examples" / name), run_name="__main__")
    finally:
        sys.argv = argv
    return out.getvalue()
