"""Reading text files people write: UTF-8 only, with a clear word when it is not (文本文件).

Scenario files, rule parameter files and JSON are read as UTF-8 (a UTF-8 byte-order mark is
allowed).  A file in another encoding is refused with an error that says what it looks like —
GBK/GB18030 (common for Chinese files saved on Windows) or UTF-16 — and how to convert it; a
binary file is refused as such; a file over :data:`~outsourcing._limits.MAX_FILE_BYTES` is
refused before it is read.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from ._limits import MAX_DEPTH, MAX_FILE_BYTES, FileNumber
from .errors import OutsourcingError

__all__ = ["guess_encoding", "loads_toml", "read_text"]

_BOMS = (
    (b"\xef\xbb\xbf", "UTF-8 with BOM"),
    (b"\xff\xfe", "UTF-16 (little-endian)"),
    (b"\xfe\xff", "UTF-16 (big-endian)"),
)


def guess_encoding(data: bytes) -> str:
    """What bytes that are not UTF-8 look like: ``UTF-16 …``, ``GBK/GB18030`` or ``binary``."""
    for bom, name in _BOMS[1:]:
        if data.startswith(bom):
            return name
    sample = data[:4096]
    if sample and sample.count(b"\x00") * 4 >= len(sample):
        even = sample[0::2].count(b"\x00")
        odd = sample[1::2].count(b"\x00")
        return "UTF-16 (big-endian)" if even > odd else "UTF-16 (little-endian)"
    if b"\x00" in sample:
        return "binary"
    try:
        sample.decode("gb18030")
    except UnicodeDecodeError:
        # a cut at the end of the sample may split a character; try without the last bytes
        try:
            sample[:-1].decode("gb18030")
        except UnicodeDecodeError:
            return "binary"
    return "GBK/GB18030"


def read_text(path: str | Path, *, error: type[OutsourcingError], what: str,
              code: str) -> str:
    """The text of a UTF-8 file; any other encoding, a binary file, a missing file or one
    too large is ``error`` naming the file and saying what it looks like."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise error(f"{p}: the {what} is {size} bytes; the limit is {MAX_FILE_BYTES}",
                        field=str(p), value=None, code=f"{code}.too_large",
                        says="file.too_large", params={"size": size, "limit": MAX_FILE_BYTES})
        data = p.read_bytes()
    except OSError as exc:
        raise error(f"{p}: cannot read {what}: {exc.strerror or exc}", field=str(p),
                    value=None, code=f"{code}.unreadable", says="file.unreadable",
                    params={"why": exc.strerror or exc}) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        looks = guess_encoding(data)
        hint = ("; it is a binary file, not text" if looks == "binary" else
                f"; it looks like {looks} — save it as UTF-8 (e.g. "
                f"`iconv -f {'GB18030' if looks.startswith('GBK') else 'UTF-16'} -t UTF-8`)")
        raise error(f"{p}: the {what} is not UTF-8 (byte {exc.start}){hint}", field=str(p),
                    value=None, code=f"{code}.encoding",
                    says="file.binary" if looks == "binary" else "file.not_utf8",
                    params={"looks": looks}) from None


def loads_toml(text: str) -> dict[str, Any]:
    """TOML with every unquoted decimal number kept exact (a :class:`FileNumber`, never a
    binary float); arrays and inline tables nested deeper than
    :data:`~outsourcing._limits.MAX_DEPTH` are a syntax error naming the line, found before
    parsing (the parser would otherwise recurse out of the stack)."""
    _check_toml_depth(text)
    return tomllib.loads(text, parse_float=FileNumber)


_TOML_TOKENS = re.compile(r'"""(?:[^\\]|\\.)*?"""|\'\'\'.*?\'\'\'|"(?:[^"\\\n]|\\.)*"'
                          r"|'[^'\n]*'|#[^\n]*|[\[\]{}]|\n", re.DOTALL)
"""What the depth scan reads in TOML: strings and comments (skipped whole), brackets, and
line breaks (counted for the message)."""


def _check_toml_depth(text: str) -> None:
    depth, line = 0, 1
    for m in _TOML_TOKENS.finditer(text):
        tok = m.group()
        if tok in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise tomllib.TOMLDecodeError(
                    f"arrays or inline tables nested deeper than {MAX_DEPTH} levels "
                    f"(at line {line})")
        elif tok in "]}":
            depth = max(0, depth - 1)
        else:
            line += tok.count("\n")
