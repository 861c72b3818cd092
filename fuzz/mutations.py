"""Hostile values and mutations of valid input, shared by the fuzz targets (变异).

Mutations drop a key, retype a value, nest it, swap two values, put a huge or hostile value
in, or corrupt the bytes of a file (including GBK and UTF-16 text); :func:`dumps_toml` writes
what was mutated back as TOML.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from hypothesis import strategies as st

HOSTILE: list[Any] = [
    None, "", " ", "x", "smal", "-1", "1e999999", "1e-999999999", "1E-999999999", "NaN", "inf",
    "9999-12-31", "0001-01-01", "2022-02-30", "12345678901234567890123456789.12", "0.001",
    "¥1,234.56", "１２３", "\x00", "\ud800x", "a" * 5000, -1, 0, 1, 10**30, 2**64, -(10**20),
    True, False, 1.5, float("nan"), float("inf"), Decimal("NaN"), Decimal("1e999999"),
    Decimal("-0"), Fraction(1, 3), [], {}, [[[]]], {"kind": None}, {"a": {"b": {"c": []}}},
    date(9999, 12, 31), date(1, 1, 1), date(2022, 10, 1), b"\xff\xfe", object(),
]
hostile = st.sampled_from(HOSTILE)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(data, dict):
        for k, v in data.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _paths(v, (*prefix, i))
    return out


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for k in path:
        data = data[k]
    return data


def _set(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    parent = _get(data, path[:-1])
    parent[path[-1]] = value
    return data


def _copy(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _copy(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_copy(v) for v in data]
    return data


@st.composite
def mutated(draw: st.DrawFn, seed: Any, *, values: st.SearchStrategy[Any] = hostile) -> Any:
    """``seed`` with up to three mutations: drop, retype, nest, swap or replace a value."""
    data = _copy(seed)
    for _ in range(draw(st.integers(0, 3))):
        paths = _paths(data)
        path = draw(st.sampled_from(paths))
        op = draw(st.sampled_from(["drop", "retype", "nest", "swap", "replace", "wrap_list"]))
        if not path:
            if op in ("nest", "wrap_list"):
                data = [data] if op == "wrap_list" else {"x": data}
            continue
        current = _get(data, path)
        if op == "drop":
            parent = _get(data, path[:-1])
            if isinstance(parent, dict):
                del parent[path[-1]]
            else:
                parent.pop(path[-1])
        elif op == "retype":
            _set(data, path, _retype(current, draw))
        elif op == "nest":
            _set(data, path, {"value": current})
        elif op == "wrap_list":
            _set(data, path, [current])
        elif op == "swap":
            other = draw(st.sampled_from(paths))
            if other and other[: len(path)] != path and path[: len(other)] != other:
                a, b = _get(data, path), _get(data, other)
                _set(data, path, b)
                _set(data, other, a)
        else:
            _set(data, path, _copy(draw(values)))
    return data


def _retype(v: Any, draw: st.DrawFn) -> Any:
    if isinstance(v, str):
        return draw(st.sampled_from([0, 1.5, [v], {"v": v}, True, v * 3, v[:1]]))
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, int | Decimal):
        return draw(st.sampled_from([str(v), [v], -v, 10**40, Decimal("9e99")]))
    if isinstance(v, dict):
        return list(v.values())
    if isinstance(v, list):
        return {str(i): x for i, x in enumerate(v)}
    if isinstance(v, date):
        return draw(st.sampled_from([v.isoformat(), v.year, "2022-13-01"]))
    return str(v)


@st.composite
def corrupted(draw: st.DrawFn, text: str) -> bytes:
    """The text encoded, then maybe re-encoded (GBK, UTF-16) or with bytes flipped/cut."""
    how = draw(st.sampled_from(["utf8", "utf8", "utf8", "gbk", "utf16", "flip", "cut", "bom",
                                "junk"]))
    if how == "gbk":
        return text.encode("gb18030", "replace")
    if how == "utf16":
        return text.encode("utf-16", "surrogatepass")
    if how == "bom":
        return b"\xef\xbb\xbf" + text.encode('utf-8', 'surrogatepass')
    data = bytearray(text.encode('utf-8', 'surrogatepass'))
    if how == "flip" and data:
        for _ in range(draw(st.integers(1, 8))):
            i = draw(st.integers(0, len(data) - 1))
            data[i] = draw(st.integers(0, 255))
    elif how == "cut" and data:
        data = data[: draw(st.integers(0, len(data)))]
    elif how == "junk":
        data = bytearray(draw(st.binary(max_size=200)))
    return bytes(data)


# --- TOML writing (the fuzz needs to write what it mutated) -----------------------------------
def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | Decimal):
        text = str(v)
        if isinstance(v, Decimal):
            if v.is_nan():
                return "nan"
            if v.is_infinite():
                return "inf" if v > 0 else "-inf"
            if "." not in text and "E" not in text and "e" not in text:
                text += ".0"
        return text
    if isinstance(v, float):
        return repr(v) if v == v and v not in (float("inf"), float("-inf")) else (
            "nan" if v != v else ("inf" if v > 0 else "-inf"))
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{json.dumps(str(k))} = {_toml_value(x)}"
                                for k, x in v.items()) + " }"
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if v is None:
        return '"None"'
    return json.dumps(str(v), ensure_ascii=False)


def dumps_toml(data: dict[str, Any]) -> str:
    """TOML for plain data: every value on its key's line (inline tables and arrays)."""
    return "\n".join(f"{json.dumps(str(k))} = {_toml_value(v)}" for k, v in data.items()) + "\n"




def mostly(valid: st.SearchStrategy[Any], bad: st.SearchStrategy[Any]
           ) -> st.SearchStrategy[Any]:
    """Valid input three times in four, so that mutations reach past the first check."""
    return st.integers(0, 3).flatmap(lambda k: valid if k else bad)
