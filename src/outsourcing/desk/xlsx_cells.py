"""Cells the workbooks share: money read exactly, and text written so it is never a formula.

Reading: :func:`money` reads an amount through the library's exact reader (``Money``), so a
cell of ``1e30`` or ``"1e999999"`` is a named bad cell, never an arithmetic error.

Writing (公式注入防护): every workbook the desk writes goes through :func:`save`, which makes
sure no text cell is a formula.  openpyxl stores a string beginning with ``=`` as a formula,
so a title, supplier or site typed as ``=HYPERLINK(…)`` would come back as a live formula;
the standard defence is applied to every cell of every sheet just before saving: a text
beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is stored as text
with Excel's quote prefix (``quotePrefix``, the ``'`` a person types for the same purpose),
so Excel shows it as written and never evaluates it.  The desk writes no formulas of its own
in cells (drop-down lists and checks are data validation, not cells).  Characters that an
``.xlsx`` file cannot hold (control characters) are written as ``�`` by :func:`text`.
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..errors import OutsourcingError
from ..money import Money
from .cells import Problems
from .files import writing

__all__ = ["FORMULA_PREFIXES", "append", "is_fen", "money", "save", "text"]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""What a text cell may not begin with unless it is quote-prefixed (OWASP's list)."""
_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")


def is_fen(d: Decimal) -> bool:
    """Whether ``d`` is a whole number of fen, decided exactly (no decimal context)."""
    return (Fraction(d) * 100).denominator == 1


def money(bad: Problems, ws: Any, ref: str, label: str, required: bool = True
          ) -> Money | None:
    """An amount in yuan to the fen, read exactly; any other number is a named bad cell."""
    d = bad.number(ws, ref, label=label, required=required)
    if d is None:
        return None
    if not is_fen(d):
        bad.add(ws.title, ref, "desk.workbook.bad_cell", str(d),
                says="desk.workbook.cell.money_fen", label=label, given=d)
        return None
    try:
        return Money(d, field=label)
    except OutsourcingError as exc:
        bad.add_error(ws.title, ref, exc, str(d))
        return None


def text(value: Any) -> Any:
    """A value ready for a cell: text without the characters a workbook cannot hold."""
    if isinstance(value, str) and _ILLEGAL.search(value):
        return _ILLEGAL.sub("\ufffd", value)
    return value


def append(ws: Any, row: list[Any] | tuple[Any, ...]) -> None:
    """``ws.append(row)`` with each text made writable (:func:`text`)."""
    ws.append([text(v) for v in row])


def _defuse(wb: Any) -> None:
    for ws in wb.worksheets:
        for cell in list(ws._cells.values()):  # the written cells only, none created
            v = cell.value
            if isinstance(v, str) and (cell.data_type == "f" or v.startswith(
                    FORMULA_PREFIXES)):
                cell.data_type = "s"
                cell.quotePrefix = True


def save(wb: Any, path: str | Path) -> Path:
    """Save ``wb`` to ``path`` with no text cell a formula (see the module); an unwritable
    path is ``desk.file_unwritable`` naming it."""
    _defuse(wb)
    with writing(path, "Excel工作簿") as out:
        wb.save(out)
    return out
