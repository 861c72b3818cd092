"""Opening a workbook people send: the limits checked before the work (工作簿读取限制).

An ``.xlsx`` file is a zip of XML parts.  Before openpyxl builds a single cell,
:func:`open_workbook` reads the file once and inspects it with a streaming XML parser, so a
hostile or broken file is refused in milliseconds, never after seconds of work:

- the file itself: at most :data:`MAX_FILE_BYTES`, a zip (``desk.workbook.not_a_zip``), at
  most :data:`MAX_MEMBERS` parts;
- the uncompressed size, counted as each part is inflated (a zip bomb stops at
  :data:`MAX_UNCOMPRESSED_BYTES`, whatever the zip's headers claim);
- XML with a document type or entities (billion laughs) is refused — a workbook never
  needs them;
- at most :data:`MAX_SHEETS` sheets and :data:`MAX_CELLS` cells in the sheets read, at most
  :data:`MAX_CELL_CHARS` characters of text in a cell (Excel's own limit);
- **the used range**: a sheet is read up to row :data:`MAX_ROWS` and column
  :data:`MAX_COLUMNS` (``BL``).  A cell past them that holds a value is refused, naming the
  sheet and the cell (``desk.workbook.cell_out_of_range``); a cell past them that holds no
  value (formatting only, such as a stray styled cell at row 1,048,576) is ignored — the
  sheet is read only within the range (more than :data:`MAX_IGNORED` of them are refused
  as ``desk.workbook.too_many_cells``).  A reference past Excel's own last row or column
  is refused.

Any error of the zip or of openpyxl is mapped to an error with a specific code naming the
file (``desk.workbook.damaged``); nothing of openpyxl's reaches the person.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from pathlib import Path
from typing import TYPE_CHECKING
from xml.parsers import expat

from ..errors import OutsourcingError
from .xlsx_limits import (
    _CHUNK,
    _MAX_ELEMENTS,
    _XML_PARTS,
    MAX_CELL_CHARS,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_MEMBERS,
    MAX_ROWS,
    MAX_SHEETS,
    MAX_UNCOMPRESSED_BYTES,
    _refuse_doctype,
    _refused,
    _Stop,
)

if TYPE_CHECKING:
    from .xlsx_sheets import ReadBook

__all__ = [
    "MAX_CELLS",
    "MAX_CELL_CHARS",
    "MAX_COLUMNS",
    "MAX_FILE_BYTES",
    "MAX_MEMBERS",
    "MAX_ROWS",
    "MAX_SHEETS",
    "MAX_UNCOMPRESSED_BYTES",
    "open_workbook",
]


class _Scan:
    """What the streaming scan of the parts found: the sheets' names and the running totals
    checked against the limits."""

    def __init__(self) -> None:
        self.inflated = 0
        self.cells = 0
        self.elements = 0
        self.sheet_names: dict[str, str] = {}
        """Part (``xl/worksheets/sheet3.xml``) → the sheet's name, once known."""


class _PartScan:
    """The expat handlers for one XML part."""

    def __init__(self, scan: _Scan, part: str) -> None:
        self.scan = scan
        self.part = part
        self.root = ""
        self.text_chars = 0
        self.in_text = False
        self.strings = 0
        self.sheet_entries: list[tuple[str, str]] = []
        self.rels: dict[str, str] = {}
        self.done = False
        """Whether the rest of the part needs no parsing (a sheet, once its root is seen)."""

    # names shown in errors
    def where(self) -> str:
        return self.scan.sheet_names.get(self.part, self.part)

    def start(self, name: str, attrs: dict[str, str]) -> None:
        tag = name.rpartition(":")[2]
        scan = self.scan
        scan.elements += 1
        if scan.elements > _MAX_ELEMENTS:
            raise _Stop("desk.workbook.too_many_cells", "too many XML elements",
                        limit=MAX_CELLS)
        if not self.root:
            self.root = tag
            if tag == "worksheet":
                # a sheet's cells are checked when it is read (_SheetReader); here only its
                # size and its prolog (a document type can only come before the root)
                self.done = True
                return
        if self.root == "sst" and tag == "si":
            self.strings += 1
            self.text_chars = 0
        elif self.root == "workbook" and tag == "sheet":
            rid = next((v for k, v in attrs.items() if k.rpartition(":")[2] == "id"), "")
            self.sheet_entries.append((attrs.get("name", ""), rid))
            if len(self.sheet_entries) > MAX_SHEETS:
                raise _Stop("desk.workbook.too_many_sheets", "too many sheets",
                            limit=MAX_SHEETS)
        elif self.root == "Relationships" and tag == "Relationship":
            self.rels[attrs.get("Id", "")] = attrs.get("Target", "")
        if tag in ("t", "v"):
            self.in_text = True

    def end(self, name: str) -> None:
        if name.rpartition(":")[2] in ("t", "v"):
            self.in_text = False

    def text(self, data: str) -> None:
        if not self.in_text:
            return
        self.text_chars += len(data)
        if self.text_chars > MAX_CELL_CHARS:
            raise _Stop("desk.workbook.text_too_long", "a shared text is too long",
                        where=f"第 {self.strings} 个共享文字", limit=MAX_CELL_CHARS)


def _scan_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, scan: _Scan) -> _PartScan:
    """Inflate one part in chunks, counting its bytes; parse it when it is XML."""
    handlers = _PartScan(scan, info.filename)
    parser = None
    if info.filename.lower().endswith(_XML_PARTS):
        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = _refuse_doctype
        parser.EntityDeclHandler = _refuse_doctype
        parser.StartElementHandler = handlers.start
        parser.EndElementHandler = handlers.end
        parser.CharacterDataHandler = handlers.text
    with zf.open(info) as stream:
        while chunk := stream.read(_CHUNK):
            scan.inflated += len(chunk)
            if scan.inflated > MAX_UNCOMPRESSED_BYTES:
                raise _Stop("desk.workbook.too_large_inflated", "more than the limit once "
                            "inflated", limit=MAX_UNCOMPRESSED_BYTES // (1024 * 1024))
            if parser is not None and not handlers.done:
                parser.Parse(chunk, False)
    if parser is not None and not handlers.done:
        parser.Parse(b"", True)
    return handlers


def _rels_path(part: str) -> str:
    head, tail = posixpath.split(part)
    return posixpath.join(head, "_rels", tail + ".rels")


def _target(base: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


def _inspect(zf: zipfile.ZipFile) -> _Scan:
    """Scan every part: the package and workbook parts first, so sheet names are known when
    a sheet's cell is named."""
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise _Stop("desk.workbook.too_many_parts", "too many parts", limit=MAX_MEMBERS)
    declared = sum(i.file_size for i in infos)
    if declared > MAX_UNCOMPRESSED_BYTES:
        raise _Stop("desk.workbook.too_large_inflated", "more than the limit once inflated",
                    limit=MAX_UNCOMPRESSED_BYTES // (1024 * 1024))
    scan = _Scan()
    by_name = {i.filename: i for i in infos}
    done: set[str] = set()

    def part(name: str) -> _PartScan | None:
        info = by_name.get(name)
        if info is None or name in done:
            return None
        done.add(name)
        return _scan_part(zf, info, scan)

    package = part("_rels/.rels")
    book = next((t for t in (package.rels.values() if package else ())
                 if t.lower().endswith(".xml") and "workbook" in t.lower()), "xl/workbook.xml")
    book = _target("", book)
    wb = part(book)
    rels = part(_rels_path(book))
    if wb is not None and rels is not None:
        for name, rid in wb.sheet_entries:
            if rid in rels.rels:
                scan.sheet_names[_target(book, rels.rels[rid])] = name
    for info in infos:
        part(info.filename)
    return scan


def open_workbook(path: str | Path, *, data_only: bool = True) -> ReadBook:
    """Open an ``.xlsx`` file people sent, within the limits (see the module); a missing,
    oversized, damaged or hostile file is an error with a specific code naming the file."""
    p = Path(path)
    if not p.is_file():
        raise OutsourcingError("file not found", field="file", value=str(p),
                               code="desk.file_missing", term="Excel工作簿")
    size = p.stat().st_size
    if size > MAX_FILE_BYTES:
        raise _refused(p, "desk.workbook.too_large", f"{size} bytes", size,
                       limit=MAX_FILE_BYTES // (1024 * 1024))
    data = p.read_bytes()
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError,
            NotImplementedError):
        raise _refused(p, "desk.workbook.not_a_zip", "not a zip file") from None
    try:
        with zf:
            _inspect(zf)
    except _Stop as stop:
        raise _refused(p, stop.code, stop.reason, stop.value, **stop.params) from None
    except expat.ExpatError as exc:
        raise _refused(p, "desk.workbook.damaged", f"XML: {exc}") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, NotImplementedError,
            OSError, EOFError, ValueError, RuntimeError) as exc:
        raise _refused(p, "desk.workbook.damaged", f"zip: {type(exc).__name__}") from None
    return _load(p, data, data_only)


def _load(p: Path, data: bytes, data_only: bool) -> ReadBook:
    from openpyxl import load_workbook

    from .xlsx_sheets import ReadBook

    try:  # the workbook, its styles and shared text; the sheets are read by ReadBook
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
        return ReadBook(p, data, wb)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise _refused(p, "desk.workbook.damaged", f"openpyxl: {type(exc).__name__}") from None
