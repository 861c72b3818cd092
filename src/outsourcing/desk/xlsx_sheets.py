"""The sheets of a workbook opened by :func:`~.xlsx_open.open_workbook`, read once each.

:class:`ReadBook` holds openpyxl's read-only workbook (its sheet names, styles and shared
text) and reads a sheet's XML itself, with expat, the first time a reader asks for it:
every cell is checked against the limits of :mod:`.xlsx_open` (the used range, the cell
count, the length of its text, its reference) and its value kept, converted as openpyxl
converts it.  A sheet no reader asks for is never parsed.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path
from typing import Any
from xml.parsers import expat

from .xlsx_limits import (
    _CHUNK,
    _MAX_ELEMENTS,
    _REF,
    EXCEL_COLUMNS,
    EXCEL_ROWS,
    MAX_CELL_CHARS,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_IGNORED,
    MAX_ROWS,
    _column,
    _letters,
    _number,
    _refuse_doctype,
    _refused,
    _Stop,
)

__all__ = ["ReadBook", "ReadSheet"]


class _Value:
    """A cell as the readers see it: its value."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


_EMPTY = _Value(None)


class ReadSheet:
    """A sheet's values within the read range (rows 1..:data:`MAX_ROWS`, columns
    1..:data:`MAX_COLUMNS`), read once: ``title``, ``max_row``, ``max_column``,
    ``cell(row=, column=).value`` and ``sheet["B2"].value`` as openpyxl's sheets have them."""

    def __init__(self, title: str, values: dict[tuple[int, int], Any]) -> None:
        self.title = title
        self._values = values
        self.max_row = max((r for r, _ in values), default=1)
        self.max_column = max((c for _, c in values), default=1)

    def cell(self, row: int, column: int) -> _Value:
        v = self._values.get((row, column))
        return _EMPTY if v is None else _Value(v)

    def __getitem__(self, ref: str) -> _Value:
        m = _REF.match(ref)
        if m is None:
            raise KeyError(ref)
        return self.cell(int(m.group(2)), _column(m.group(1)))


class _SheetReader:
    """One sheet's XML read with expat: every cell checked against the limits (the used
    range, the cell count, the text length, the reference) and its value kept when it lies
    in the read range, converted as openpyxl converts it (shared and inline text, numbers,
    booleans, errors, dates by the cell's number format)."""

    def __init__(self, book: ReadBook, name: str) -> None:
        self.book = book
        self.name = name
        self.values: dict[tuple[int, int], Any] = {}
        self.row = 0
        self.col = 0
        self.cell: tuple[int, int] | None = None
        self.kind = "n"
        self.style = 0
        self.raw: list[str] = []
        self.collect = False
        self.in_inline = False
        self.phonetic = 0
        self.chars = 0
        self.has_value = False
        self.ignored = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        tag = name.rpartition(":")[2]
        self.book.elements += 1
        if self.book.elements > _MAX_ELEMENTS:
            raise _Stop("desk.workbook.too_many_cells", "too many XML elements",
                        limit=MAX_CELLS)
        if tag == "c":
            self._cell(attrs)
        elif tag == "row":
            self.row = _number(attrs.get("r"), self.row + 1)
            self.col = 0
            if not 1 <= self.row <= EXCEL_ROWS:
                raise _Stop("desk.workbook.bad_reference", "row outside the sheet",
                            attrs.get("r"), sheet=self.name,
                            ref=f"第 {str(attrs.get('r'))[:20]} 行", rows=EXCEL_ROWS)
        elif self.cell is None:
            return
        elif tag == "v":
            self.collect, self.has_value = True, True
        elif tag == "is":
            self.in_inline, self.has_value = True, True
        elif tag == "rPh":
            self.phonetic += 1
        elif tag == "t" and self.in_inline and not self.phonetic:
            self.collect = True
        elif tag == "f":
            self.has_value = True

    def _cell(self, attrs: dict[str, str]) -> None:
        self.book.cells += 1
        if self.book.cells > MAX_CELLS or self.ignored > MAX_IGNORED:
            raise _Stop("desk.workbook.too_many_cells", "too many cells", limit=MAX_CELLS)
        ref = attrs.get("r")
        if ref:
            m = _REF.match(ref)
            if m is None:
                raise _Stop("desk.workbook.bad_reference", "not a cell reference", ref,
                            sheet=self.name, ref=ref[:20], rows=EXCEL_ROWS)
            row, col = int(m.group(2)), _column(m.group(1))
        else:
            row, col = self.row, self.col + 1
        if not (1 <= row <= EXCEL_ROWS and 1 <= col <= EXCEL_COLUMNS):
            raise _Stop("desk.workbook.bad_reference", "cell outside the sheet", ref,
                        sheet=self.name, ref=(ref or "")[:20], rows=EXCEL_ROWS)
        self.col = col
        self.cell = (row, col)
        self.kind = attrs.get("t", "n")
        self.style = _number(attrs.get("s"), 0)
        self.raw = []
        self.chars = 0
        self.has_value = self.in_inline = self.collect = False
        self.phonetic = 0

    def text(self, data: str) -> None:
        if not self.collect:
            return
        self.chars += len(data)
        if self.chars > MAX_CELL_CHARS and self.cell is not None:
            raise _Stop("desk.workbook.text_too_long", "a cell's text is too long",
                        where=f"工作表「{self.name}」{_letters(self.cell[1])}{self.cell[0]}",
                        limit=MAX_CELL_CHARS)
        self.raw.append(data)

    def end(self, name: str) -> None:
        tag = name.rpartition(":")[2]
        if tag in ("v", "t"):
            self.collect = False
        elif tag == "rPh":
            self.phonetic -= 1
        elif tag == "is":
            self.in_inline = False
        elif tag == "c" and self.cell is not None:
            self._store(self.cell)
            self.cell = None

    def _store(self, cell: tuple[int, int]) -> None:
        row, col = cell
        if row > MAX_ROWS or col > MAX_COLUMNS:
            if self.has_value:
                ref = f"{_letters(col)}{row}"
                raise _Stop("desk.workbook.cell_out_of_range", "a cell past the read range "
                            "holds a value", ref, sheet=self.name, ref=ref, rows=MAX_ROWS,
                            last=_letters(MAX_COLUMNS))
            self.ignored += 1
            return  # formatting only: ignored (the stated rule)
        value = self.book.convert(self.kind, "".join(self.raw), self.style)
        if value is not None:
            self.values[cell] = value


class ReadBook:
    """A workbook opened for reading: its sheet names, each sheet's values read on first
    use by :class:`_SheetReader` (a sheet no reader asks for is never parsed)."""

    def __init__(self, path: Path, data: bytes, wb: Any) -> None:
        self.path = path
        self._zip = zipfile.ZipFile(io.BytesIO(data))
        self._wb = wb
        self.sheetnames: list[str] = list(wb.sheetnames)
        self._sheets: dict[str, ReadSheet] = {}
        self.cells = 0
        self.elements = 0
        self._strings = list(getattr(wb, "shared_strings", []) or [])
        self._dates = set(getattr(wb, "_date_formats", ()) or ())
        self._durations = set(getattr(wb, "_timedelta_formats", ()) or ())
        self._epoch = wb.epoch

    def __getitem__(self, name: str) -> ReadSheet:
        if name not in self._sheets:
            self._sheets[name] = self._read(name)
        return self._sheets[name]

    def convert(self, kind: str, raw: str, style: int) -> Any:
        """A cell's value from its type and text, as openpyxl reads it (``data_only``)."""
        from openpyxl.utils.datetime import from_excel, from_ISO8601

        if kind in ("inlineStr", "str", "e"):
            return raw or None
        if raw == "":
            return None
        if kind == "s":
            return self._strings[int(raw)]
        if kind == "b":
            return bool(int(raw))
        if kind == "d":
            return from_ISO8601(raw)
        number = float(raw) if ("." in raw or "E" in raw or "e" in raw) else int(raw)
        if style in self._dates:
            try:
                return from_excel(number, self._epoch, timedelta=style in self._durations)
            except (OverflowError, ValueError):
                return "#VALUE!"
        return number

    def _read(self, name: str) -> ReadSheet:
        ws = self._wb[name]
        part = getattr(ws, "_worksheet_path", None)
        reader = _SheetReader(self, name)
        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = _refuse_doctype
        parser.EntityDeclHandler = _refuse_doctype
        parser.StartElementHandler = reader.start
        parser.EndElementHandler = reader.end
        parser.CharacterDataHandler = reader.text
        try:
            if part is not None:
                with self._zip.open(str(part)) as stream:
                    while chunk := stream.read(_CHUNK):
                        parser.Parse(chunk, False)
                parser.Parse(b"", True)
        except _Stop as stop:
            raise _refused(self.path, stop.code, stop.reason, stop.value,
                           **stop.params) from None
        except (expat.ExpatError, KeyError, IndexError, ValueError, TypeError, OverflowError,
                zipfile.BadZipFile, zlib.error, NotImplementedError, OSError, EOFError,
                RuntimeError) as exc:
            raise _refused(self.path, "desk.workbook.damaged",
                           f"sheet {name!r}: {type(exc).__name__}") from None
        return ReadSheet(name, reader.values)
