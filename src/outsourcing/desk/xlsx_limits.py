"""The limits a workbook is read within, and the refusal that names the file (读取限制).

See :mod:`.xlsx_open` for what each limit guards against; :mod:`.xlsx_sheets` applies the
per-cell ones as it reads a sheet.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..errors import OutsourcingError

__all__ = [
    "EXCEL_COLUMNS",
    "EXCEL_ROWS",
    "MAX_CELLS",
    "MAX_CELL_CHARS",
    "MAX_COLUMNS",
    "MAX_FILE_BYTES",
    "MAX_IGNORED",
    "MAX_MEMBERS",
    "MAX_ROWS",
    "MAX_SHEETS",
    "MAX_UNCOMPRESSED_BYTES",
]

MAX_FILE_BYTES = 20 * 1024 * 1024
"""The largest workbook file read (20 MiB; a contract of 2,000 lines is about 0.2 MiB)."""
MAX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024
"""The most its parts may hold once inflated, together (64 MiB)."""
MAX_MEMBERS = 1000
"""Parts in the zip."""
MAX_SHEETS = 100
"""Sheets in a workbook (an assessment workbook has one per line, plus three)."""
MAX_ROWS = 5_000
"""Rows of a sheet that are read: two and a half times the largest contract a bureau sends."""
MAX_COLUMNS = 64
"""Columns of a sheet that are read (A to BL; the widest sheet has 22)."""
MAX_CELLS = 100_000
"""Cells in the sheets read, written or empty (a contract of 2,000 lines has about 32,000)."""
MAX_IGNORED = 1_000
"""Empty cells past the read range that are ignored; more are refused (a bomb)."""
MAX_CELL_CHARS = 32_767
"""Characters in one cell: Excel's own limit."""
EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384
"""Excel's last row and column: a reference past them is not a cell at all."""
_MAX_ELEMENTS = 4 * MAX_CELLS
"""XML elements in the workbook's other parts, and in the sheets read."""
_CHUNK = 64 * 1024
_REF = re.compile(r"\A\$?([A-Za-z]{1,4})\$?([0-9]{1,12})\Z")
_XML_PARTS = (".xml", ".rels", ".vml")


def _letters(col: int) -> str:
    out = ""
    while col > 0:
        col, rest = divmod(col - 1, 26)
        out = chr(ord("A") + rest) + out
    return out


def _column(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - ord("A") + 1
    return n


def _refused(path: Path, code: str, reason: str, value: Any = None, **params: Any) -> Exception:
    """The error for a workbook refused as a whole: the file is its field, the code's
    sentence (filled from ``params``) its message for people."""
    return OutsourcingError(f"workbook refused: {reason}" + ("" if value is None else
                                                              f" ({str(value)[:40]})"),
                            field=str(path), code=code, term="Excel工作簿", params=params)


class _Stop(Exception):
    """Raised inside the XML scan: the workbook is refused (code, reason, params)."""

    def __init__(self, code: str, reason: str, value: Any = None, **params: Any) -> None:
        super().__init__(reason)
        self.code, self.reason, self.value, self.params = code, reason, value, params


def _number(text: str | None, default: int) -> int:
    if text is None:
        return default
    try:
        return int(text)
    except ValueError:
        try:
            f = float(text)
        except ValueError:
            return -1
        return int(f) if f.is_integer() and abs(f) < 10**12 else -1


def _refuse_doctype(*_: Any) -> None:
    raise _Stop("desk.workbook.xml_entities", "a document type or entity declaration")
