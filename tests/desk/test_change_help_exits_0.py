"""``outsourcing change --help`` prints its help and exits 0 (issue 25: the ``%`` in the
headroom command's help, "(10% cap)", made argparse raise ``TypeError: %c requires int or
char``; found again by the ``cli_registry`` fuzz target)."""

from __future__ import annotations

import contextlib
import io

import pytest

from outsourcing.cli import main


@pytest.mark.parametrize("argv", [["change", "--help"], ["change", "headroom", "--help"]])
def test_change_help_exits_0_and_names_the_cap(argv: list[str]) -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(argv)
    assert code == 0
    assert "headroom" in out.getvalue()
