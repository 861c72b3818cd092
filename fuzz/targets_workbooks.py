"""Fuzz targets: the workbooks people send (工作簿模糊测试).

Seeds are the desk's own workbooks, written once: a contract workbook (two contracts), the
empty contract template, a filled assessment workbook, a usage workbook and a price list.
Each input is a seed with mutations made inside its zip, then read by the seed's reader:

- ``workbook_cells``: cells retyped and refilled — every cell type (number, shared and
  inline text, formula string, boolean, error, ISO date, an unknown type), hostile numbers
  (``1e30``, ``1e999999``, 5,000 digits, NaN, a date serial out of range), long and
  formula-like text, a shared-text index out of range, a bad style, a bad or far reference;
- ``workbook_files``: the structure — sheets renamed, dropped, duplicated or too many; parts
  dropped, swapped, truncated or salted with junk; far cells with and without a value; bombs
  of rows and of empty far cells; XML with document types and entities (billion laughs, an
  external entity); the zip itself cut, flipped or replaced.

The property: the reader returns, or raises the library's ``OutsourcingError``, within the
CPU bound.
"""

from __future__ import annotations

import io
import os
import random
import re
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from attempts import ROOT, attempt
from hypothesis import strategies as st

import outsourcing as o

sys.path.insert(0, str(ROOT / "tests"))

__all__ = ["TARGETS", "WORKBOOKS"]


def _seeds(folder: Path, registry: Callable[[], o.PluginHost]) -> dict[str, bytes]:
    from desk_cases import contract, usage_contract
    from openpyxl import Workbook, load_workbook

    from outsourcing.desk.xlsx_assess import assessment_template
    from outsourcing.desk.xlsx_contract import (
        PRICE_HEADERS,
        PRICE_SHEET,
        write_contract_template,
        write_contract_workbook,
    )
    from outsourcing.desk.xlsx_usage import usage_template

    out: dict[str, bytes] = {}
    out["contract"] = write_contract_workbook(contract(), folder / "c.xlsx").read_bytes()
    out["contract_usage"] = write_contract_workbook(usage_contract(),
                                                    folder / "u.xlsx").read_bytes()
    out["template"] = write_contract_template(folder / "t.xlsx").read_bytes()
    path = assessment_template(contract(), "2022-10", registry().rulebook("NX"),
                               folder / "a.xlsx")
    wb = load_workbook(path)
    for name in ("property", "elevator"):
        ws = wb[name]
        ws["B5"], ws["B6"] = "考核小组", "2022-11-03"
        for r in range(10, ws.max_row + 1):
            if ws.cell(row=r, column=8).value is None and ws.cell(row=r, column=1).value:
                ws.cell(row=r, column=8, value=90)
    wb["事件"].append(["property", "一般问题", "2022-10-12", "报修未处理"])
    wb.save(path)
    out["assess"] = path.read_bytes()
    uc = usage_contract()
    out["usage"] = usage_template(uc.id, uc.title, o.Period.parse("2022-10"),
                                  [x for x in uc.lines if isinstance(
                                      x.pricing, o.UnitRate | o.LabourPlusMaterials)],
                                  folder / "us.xlsx").read_bytes()
    pw = Workbook()
    ws = pw.active
    ws.title = PRICE_SHEET
    ws.append(list(PRICE_HEADERS))
    ws.append(["C1", "公务用车（市内）", "official_transport", "次", 80])
    ws.append(["C2", "保洁（日常）", "cleaning", "m²·月", "3.50"])
    pw.save(folder / "p.xlsx")
    out["price"] = (folder / "p.xlsx").read_bytes()
    return out


def _reader(seed: str, registry: Callable[[], o.PluginHost]) -> Callable[[Path], Any]:
    from desk_cases import contract, usage_contract

    from outsourcing.desk.xlsx_assess import import_assessments
    from outsourcing.desk.xlsx_contract import read_contract_terms, read_price_list
    from outsourcing.desk.xlsx_usage import read_usage_workbook

    if seed in ("contract", "contract_usage", "template"):
        return read_contract_terms
    if seed == "assess":
        return lambda p: import_assessments(p, contract(), "2022-10",
                                            registry().rulebook("NX"))
    if seed == "usage":
        uc = usage_contract()
        lines = [x for x in uc.lines if isinstance(x.pricing, o.UnitRate |
                                                   o.LabourPlusMaterials)]
        return lambda p: read_usage_workbook(p, uc.id, o.Period.parse("2022-10"), lines)
    return read_price_list


# --- the zip as parts ---------------------------------------------------------------------------
def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {i.filename: z.read(i.filename) for i in z.infolist()}


def _zip(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return buf.getvalue()


def _sheets(parts: dict[str, bytes]) -> list[str]:
    return sorted(n for n in parts if n.startswith("xl/worksheets/") and n.endswith(".xml"))


_CELL = re.compile(rb"<c\b[^>]*?(?:/>|>.*?</c>)", re.S)
NUMBERS = ["0", "1", "-1", "1.5", "0.001", "1e30", "1E+30", "1e999999", "1e309", "-1e309",
           "nan", "inf", "-0", "12345678901234567890123456789.123", "9" * 5000, "", " ",
           "abc", "2022-02-30", "2022-10-12T00:00:00", "45000", "-700000", "2958466",
           "99999999", "1.0", "5.0e0", "0x10", "１２３", "¥80", "80,000.00"]
TYPES = [None, "n", "s", "str", "inlineStr", "b", "e", "d", "x", ""]
REFS = [None, "A1", "B2", "A1048576", "XFD1", "XFE1", "A0", "A1048577", "BM1", "A5001",
        "ZZZZ1", "1A", "$A$1", "a1", "A01", "A999999991"]
TEXTS = ["", "物业", "=HYPERLINK(\"http://x\",\"y\")", "+1", "@x", "-", "說" * 40_000,
         "x" * 32_767, "\t", "合同编号", "2022-10", "property", "一般问题", "是", "固定月费"]


@st.composite
def _cell_xml(draw: st.DrawFn) -> bytes:
    ref = draw(st.sampled_from(REFS))
    kind = draw(st.sampled_from(TYPES))
    style = draw(st.sampled_from([None, "0", "1", "3", "999", "-1", "x"]))
    how = draw(st.sampled_from(["v", "v", "is", "f", "empty", "selfclose"]))
    text = draw(st.one_of(st.sampled_from(NUMBERS), st.sampled_from(TEXTS),
                          st.text(max_size=30)))
    value = escape(text).encode("utf-8", "surrogatepass")
    attrs = b"".join(b' %s="%s"' % (k, v.encode()) for k, v in (
        (b"r", ref), (b"t", kind), (b"s", style)) if v is not None)
    if how == "selfclose":
        return b"<c%s/>" % attrs
    body = {"v": b"<v>%s</v>" % value, "is": b"<is><t>%s</t></is>" % value,
            "f": b"<f>SUM(A1:A2)</f><v>%s</v>" % value, "empty": b""}[how]
    return b"<c%s>%s</c>" % (attrs, body)


@st.composite
def cell_inputs(draw: st.DrawFn) -> tuple[str, bytes]:
    """A seed with one to four of its cells replaced."""
    seed = draw(st.sampled_from(sorted(WORKBOOKS)))
    parts = _parts(WORKBOOKS[seed])
    sheets = _sheets(parts)
    for _ in range(draw(st.integers(1, 4))):
        part = draw(st.sampled_from(sheets))
        cells = list(_CELL.finditer(parts[part]))
        if not cells:
            continue
        m = draw(st.sampled_from(cells))
        new = draw(_cell_xml())
        data = parts[part]
        parts[part] = data[:m.start()] + new + data[m.end():]
    return seed, _zip(parts)


# --- structure ------------------------------------------------------------------------------------
LAUGHS = (b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">' + b"".join(
    b'<!ENTITY %s "%s">' % (bytes([98 + i]), (b"&%s;" % bytes([97 + i])) * 10)
    for i in range(9)) + b"]>")
DOCTYPES = [LAUGHS, b'<!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
            b'<!DOCTYPE w [<!ENTITY % p SYSTEM "http://127.0.0.1:1/x.dtd"> %p;]>',
            b"<!DOCTYPE w>"]


def _structure(draw: st.DrawFn, parts: dict[str, bytes]) -> dict[str, bytes]:
    op = draw(st.sampled_from([
        "rename", "drop_sheet", "drop_part", "swap", "truncate", "junk", "doctype", "far",
        "bomb", "stray_bomb", "header", "rels", "many_sheets", "dimension"]))
    names = sorted(parts)
    sheets = _sheets(parts) or names
    book = parts.get("xl/workbook.xml", b"")
    if op == "rename" and book:
        found = re.findall(rb'name="([^"]*)"', book)
        if found:
            old = draw(st.sampled_from(found))
            new = draw(st.sampled_from([b"", b"x" * 40, b"[]:*?", b"&amp;", *found]))
            parts["xl/workbook.xml"] = book.replace(b'name="%s"' % old, b'name="%s"' % new, 1)
    elif op == "drop_sheet" and book:
        entries = re.findall(rb"<sheet [^>]*/>", book)
        if entries:
            parts["xl/workbook.xml"] = book.replace(draw(st.sampled_from(entries)), b"", 1)
    elif op == "drop_part":
        parts.pop(draw(st.sampled_from(names)), None)
    elif op == "swap":
        a, b = draw(st.sampled_from(names)), draw(st.sampled_from(names))
        parts[a], parts[b] = parts[b], parts[a]
    elif op == "truncate":
        n = draw(st.sampled_from(names))
        parts[n] = parts[n][: draw(st.integers(0, len(parts[n])))]
    elif op == "junk":
        n = draw(st.sampled_from(names))
        i = draw(st.integers(0, len(parts[n])))
        parts[n] = parts[n][:i] + draw(st.binary(min_size=1, max_size=40)) + parts[n][i:]
    elif op == "doctype":
        n = draw(st.sampled_from(names))
        body = re.sub(rb"^<\?xml[^>]*\?>", b"", parts[n])
        parts[n] = draw(st.sampled_from(DOCTYPES)) + body.replace(b"<t>", b"<t>&j;", 1)
    elif op in ("far", "bomb", "stray_bomb"):
        n = draw(st.sampled_from(sheets))
        if op == "far":
            ref = draw(st.sampled_from(["A5001", "BM1", "A1048576", "XFD1048576", "B70000"]))
            row = re.sub(r"[A-Z]+", "", ref)
            cell = (b'<c r="%s"><v>1</v></c>' if draw(st.booleans()) else
                    b'<c r="%s" s="1"/>') % ref.encode()
            rows = b'<row r="%s">%s</row>' % (row.encode(), cell)
        elif op == "bomb":
            rows = b"<row><c><v>1</v></c></row>" * draw(st.sampled_from(
                [10, 4000, 6000, 120_000, 400_000]))
        else:
            rows = b"".join(b'<row r="%d"><c r="A%d" s="1"/></row>' % (r, r)
                            for r in range(6000, 6000 + draw(st.sampled_from([5, 1500]))))
        parts[n] = parts[n].replace(b"</sheetData>", rows + b"</sheetData>")
    elif op == "header":
        n = draw(st.sampled_from(sheets))
        parts[n] = parts[n].replace(b"<t>", b"<t>X", 1)
    elif op == "rels":
        n = "xl/_rels/workbook.xml.rels"
        if n in parts:
            parts[n] = re.sub(rb'Target="[^"]*"', draw(st.sampled_from(
                [b'Target="/missing.xml"', b'Target="../../etc/passwd"', b'Target=""'])),
                parts[n], count=1)
    elif op == "many_sheets" and book:
        more = b"".join(b'<sheet name="s%d" sheetId="%d" r:id="rId1"/>' % (i, 200 + i)
                        for i in range(draw(st.sampled_from([3, 120]))))
        parts["xl/workbook.xml"] = book.replace(b"</sheets>", more + b"</sheets>")
    elif op == "dimension":
        n = draw(st.sampled_from(sheets))
        parts[n] = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>',
                          parts[n])
    return parts


def _damage(draw: st.DrawFn, data: bytes) -> bytes:
    how = draw(st.sampled_from(["none", "none", "none", "flip", "cut", "prefix", "empty",
                                "random"]))
    if how == "flip" and data:
        b = bytearray(data)
        for _ in range(draw(st.integers(1, 8))):
            b[draw(st.integers(0, len(b) - 1))] = draw(st.integers(0, 255))
        return bytes(b)
    if how == "cut":
        return data[: draw(st.integers(0, len(data)))]
    if how == "prefix":
        return draw(st.binary(max_size=64)) + data
    if how == "empty":
        return b""
    if how == "random":
        return draw(st.binary(max_size=300))
    return data


@st.composite
def file_inputs(draw: st.DrawFn) -> tuple[str, bytes]:
    """A seed with one to three changes to its structure, then maybe its zip damaged."""
    seed = draw(st.sampled_from(sorted(WORKBOOKS)))
    parts = _parts(WORKBOOKS[seed])
    for _ in range(draw(st.integers(1, 3))):
        parts = _structure(draw, parts)
    return seed, _damage(draw, _zip(parts))


# --- the targets ----------------------------------------------------------------------------------
def _read(target: str, seed: str, data: bytes) -> None:
    from targets import _TMP, registry

    path = _TMP / f"{target}-{os.getpid()}-{random.randrange(10**9)}.xlsx"
    path.write_bytes(data)
    read = _reader(seed, registry)
    try:
        attempt(target, lambda: read(path), lambda: f"{seed}: {len(data)} bytes")
    finally:
        path.unlink(missing_ok=True)


def t_workbook_cells(seed: str, data: bytes) -> None:
    _read("workbook_cells", seed, data)


def t_workbook_files(seed: str, data: bytes) -> None:
    _read("workbook_files", seed, data)


def _build() -> dict[str, bytes]:
    from targets import _TMP, registry

    folder = _TMP / "workbook-seeds"
    folder.mkdir(exist_ok=True)
    return _seeds(folder, registry)


WORKBOOKS = _build()
"""Seed name → the workbook's bytes."""

TARGETS: dict[str, tuple[st.SearchStrategy[Any], Callable[..., None]]] = {
    "workbook_cells": (cell_inputs(), t_workbook_cells),
    "workbook_files": (file_inputs(), t_workbook_files),
}
