"""One rule parameter and the TOML file it is written in (规则参数与参数文件).

Legislation is data.  Each parameter is one TOML file; its path below a jurisdiction's
folder is its id (``changes/supplementary_cap.toml`` → ``changes.supplementary_cap``).  The
keys a file may hold are :data:`FILE_KEYS` (and, in each ``[[values]]`` entry,
:data:`VALUE_KEYS`) — the same table as in ``docs/rules.md``, which a test keeps equal::

    description = "补充合同累计金额占原合同金额的上限"
    description_en = "Cap on all supplementary contracts together, share of the original amount"
    unit = "ratio"
    kind = "law"
    limit = "max"
    term = "补充合同"

    [[values]]
    from = 2003-01-01
    value = 0.10
    citation = "政府采购法 第四十九条"
    note = "why this value, where it was read"

Any defect is a :class:`~outsourcing.errors.RuleLoadError` naming the file, the key and the
value, with a code of its own (``rule.load.unknown_key`` …) whose sentence in
:mod:`outsourcing.messages_zh` says what is allowed.
"""

from __future__ import annotations

import itertools
import tomllib
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import attrs

from ._limits import FileNumber, exact_decimal
from .errors import RuleLoadError
from .money import Money
from .textfiles import loads_toml, read_text

__all__ = [
    "FILE_KEYS",
    "KINDS",
    "LIMITS",
    "UNITS",
    "VALUE_KEYS",
    "Parameter",
    "ParameterValue",
    "Range",
    "convert",
    "load_parameter_dir",
    "load_parameter_file",
]

Unit = Literal[
    "ratio", "percent", "rate_per_day", "yuan", "days", "working_days", "months", "years", "count",
    "ratio_range", "text", "flag", "list", "table",
]
UNITS: tuple[str, ...] = Unit.__args__  # type: ignore[attr-defined]
KINDS = ("law", "regulation", "standard", "local", "illustrative")
LIMITS = ("max", "min", "within")

FILE_KEYS: Mapping[str, str] = {
    "description": "required; what the parameter means, in Chinese",
    "description_en": "optional; the same in English",
    "unit": f"required; one of {', '.join(UNITS)}",
    "kind": f"required; one of {', '.join(KINDS)}",
    "limit": f"optional; {', '.join(LIMITS)}: a legal ceiling, floor or range",
    "term": "optional; the Chinese term a bureau uses (补充合同)",
    "reference": "optional; where the rule is published",
    "values": "required; the dated values, an array of tables ([[values]])",
}
"""The keys of a parameter file, each with what it holds."""

VALUE_KEYS: Mapping[str, str] = {
    "from": "required; the date the value takes effect (YYYY-MM-DD)",
    "until": "optional; the last day it is in force (inclusive)",
    "value": "required; the value, in the file's unit",
    "citation": "required; the law and article, or the published source",
    "note": "optional; why this value, how it was read",
}
"""The keys of one ``[[values]]`` entry (a ``note`` belongs here, not at the top)."""
_REQUIRED = tuple(k for k, v in FILE_KEYS.items() if v.startswith("required"))


@attrs.frozen
class Range:
    """A closed range of decimals, e.g. a price deduction of 10%–20%."""

    min: Decimal
    max: Decimal

    def __contains__(self, x: object) -> bool:
        return isinstance(x, Decimal | int) and self.min <= x <= self.max

    def __str__(self) -> str:
        return f"{self.min}–{self.max}"


@attrs.frozen
class ParameterValue:
    """One dated value of a parameter, with the citation that sets it."""

    start: date
    value: Any
    citation: str
    end: date | None = None
    note: str = ""

    def in_force(self, on: date) -> bool:
        return self.start <= on and (self.end is None or on <= self.end)


@attrs.frozen
class Parameter:
    """A rule parameter: id, meaning, unit, kind, limit and dated values (规则参数)."""

    id: str
    description: str
    description_en: str
    unit: str
    kind: str
    values: tuple[ParameterValue, ...]
    jurisdiction: str
    source: str
    """The file it was loaded from (or ``contract`` for a contract's own terms)."""
    limit: str | None = None
    term: str = ""
    reference: str = ""
    """Where the rule is published (URL or document), for illustrative practice its source."""

    @property
    def illustrative(self) -> bool:
        return self.kind == "illustrative"

    def value_on(self, on: date) -> ParameterValue | None:
        """The last value effective on or before ``on``, unless it has ended by then."""
        found: ParameterValue | None = None
        for v in self.values:
            if v.start <= on:
                found = v
            else:
                break
        if found is None or (found.end is not None and on > found.end):
            return None
        return found

    def breakpoints(self) -> list[date]:
        """Every date on which the value in force may change."""
        pts = {v.start for v in self.values}
        pts |= {v.end + timedelta(days=1) for v in self.values if v.end is not None}
        return sorted(pts)



_WHOLE_MAX = {"days": 36_525, "working_days": 36_525, "months": 1_200, "years": 100,
              "count": 1_000_000}
"""The largest whole-number parameter value of each unit (a hundred years; a million)."""


def convert(unit: str, raw: Any, where: str) -> Any:
    """A raw TOML value as the parameter's unit holds it (a Decimal, Money, a whole number,
    a :class:`Range` …); a value of the wrong shape is a RuleLoadError naming ``where``."""

    def bad(msg: str, problem: str = "type") -> RuleLoadError:
        return RuleLoadError(msg, field=where, value=raw, code=f"rule.load.{unit}.{problem}")

    def number(x: Any, what: str) -> Decimal:
        return exact_decimal(x, field=where, term=None, error=RuleLoadError,
                             code=f"rule.load.{unit}", what=what)

    if unit in ("ratio", "percent", "rate_per_day"):
        if isinstance(raw, bool) or not isinstance(raw, Decimal | int | str):
            raise bad(f"a {unit} must be a decimal number")
        return number(raw, unit)
    if unit == "yuan":
        if not isinstance(raw, int | str | Decimal) or isinstance(raw, bool | FileNumber):
            raise bad("an amount is a string such as \"2000000.00\" or a whole number of yuan "
                      "(not an unquoted decimal number)")
        return Money(raw, field=where)
    if unit in _WHOLE_MAX:
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise bad(f"{unit} must be a whole number")
        if not 0 <= raw <= _WHOLE_MAX[unit]:  # a day count past any date overflows
            raise RuleLoadError(f"{unit} must be from 0 to {_WHOLE_MAX[unit]:,}", field=where,
                                value=raw, code="rule.load.whole_out_of_range")
        return raw
    if unit == "ratio_range":
        if not isinstance(raw, dict) or set(raw) != {"min", "max"}:
            raise bad("a ratio_range is a table with min and max")
        lo, hi = number(raw["min"], "ratio"), number(raw["max"], "ratio")
        if lo > hi:
            raise bad("min is above max", "min_above_max")
        return Range(lo, hi)
    if unit == "text" and not isinstance(raw, str):
        raise bad("text must be a string")
    if unit == "flag" and not isinstance(raw, bool):
        raise bad("a flag must be true or false")
    if unit == "list":
        if not isinstance(raw, list):
            raise bad("a list must be an array")
        return tuple(raw)
    return raw  # table: plain data, read (and checked) by the code that owns the parameter


def _unknown(keys: Any, allowed: Mapping[str, str], field: str, code: str,
             hint: str = "") -> RuleLoadError | None:
    extra = sorted(set(keys) - set(allowed))
    if not extra:
        return None
    return RuleLoadError(f"unknown keys {extra}; allowed: {', '.join(allowed)}{hint}",
                         field=field, value=extra, code=code,
                         params={"allowed": "、".join(allowed)})


def _check_header(data: Mapping[str, Any], src: str, pid: str) -> None:
    hint = ("; a note belongs in a [[values]] entry" if "note" in data else "")
    err = _unknown(data, FILE_KEYS, pid, "rule.load.unknown_key", hint)
    if err is not None:
        raise RuleLoadError(f"{src}: {err.reason}", field=pid, value=err.value,
                            code="rule.load.note_at_top" if hint else "rule.load.unknown_key",
                            params=err.params)
    for key in _REQUIRED:
        if key not in data:
            raise RuleLoadError(f"{src}: missing key {key!r}", field=f"{pid}.{key}",
                                code="rule.load.missing_key", params={"key": key})
    for key in [k for k in FILE_KEYS if k != "values"]:
        if key in data and not isinstance(data[key], str):
            raise RuleLoadError(f"{src}: {key} must be a string", field=f"{pid}.{key}",
                                value=data[key], code="rule.load.not_text")
    for key, allowed in (("unit", UNITS), ("kind", KINDS), ("limit", LIMITS)):
        if key in data and data[key] not in allowed:
            raise RuleLoadError(f"{src}: {key} must be one of {allowed}", field=f"{pid}.{key}",
                                value=data[key], code=f"rule.load.{key}",
                                params={"allowed": "、".join(allowed)})
    if not isinstance(data["values"], list):
        raise RuleLoadError(f"{src}: values is an array of tables ([[values]])",
                            field=f"{pid}.values", value=data["values"],
                            code="rule.load.values_not_array")


def _is_date(x: Any) -> bool:
    return isinstance(x, date) and not isinstance(x, datetime)


def _value(entry: Any, unit: str, where: str) -> ParameterValue:
    """One ``[[values]]`` entry; ``where`` names the file, the parameter and the index."""
    if not isinstance(entry, dict):
        raise RuleLoadError("each value is a table", field=where, value=entry,
                            code="rule.load.value.not_table")
    err = _unknown(entry, VALUE_KEYS, where, "rule.load.value.unknown_key")
    if err is not None:
        raise err
    start, end = entry.get("from"), entry.get("until")
    if not isinstance(start, date) or isinstance(start, datetime):
        raise RuleLoadError("'from' must be a date (YYYY-MM-DD)", field=f"{where}.from",
                            value=start, code="rule.load.value.from_not_date")
    if end is not None and (not _is_date(end) or end < start):
        raise RuleLoadError("'until' must be a date on or after 'from'", field=f"{where}.until",
                            value=end, code="rule.load.value.until_before_from")
    for key in ("citation", "note"):
        if key in entry and not isinstance(entry[key], str):
            raise RuleLoadError(f"{key} must be a string", field=f"{where}.{key}",
                                value=entry[key], code="rule.load.value.not_text")
    if "value" not in entry or not entry.get("citation"):
        raise RuleLoadError("each value needs 'value' and 'citation'", field=where,
                            value=entry, code="rule.load.value.missing")
    return ParameterValue(start=start, end=end,
                          value=convert(unit, entry["value"], f"{where}.value"),
                          citation=entry["citation"], note=entry.get("note", ""))


def load_parameter_file(path: Path, pid: str, jurisdiction: str,
                        shown: str | None = None) -> Parameter:
    """Load one parameter file; any defect is a :class:`RuleLoadError` naming the file, the
    key and the value (a file not in UTF-8 says what it looks like: GBK, UTF-16, binary).
    ``shown`` is the name the file goes by in messages and in ``Parameter.source`` (the
    path below its jurisdiction's folder, never where the library is installed)."""
    src = shown or str(path)
    text = read_text(path, error=RuleLoadError, what="parameter file", code="rule.load")
    try:
        data = loads_toml(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleLoadError(f"{src}: not valid TOML: {exc}", field=src, value=pid,
                            code="rule.load.syntax") from None
    _check_header(data, src, pid)
    unit = data["unit"]
    values = sorted((_value(entry, unit, f"{src}: {pid}.values[{i}]")
                     for i, entry in enumerate(data["values"])), key=lambda v: v.start)
    for a, b in itertools.pairwise(values):
        if a.start == b.start:
            raise RuleLoadError(f"{src}: two values take effect on the same day", field=pid,
                                value=a.start.isoformat(), code="rule.load.duplicate_date")
    return Parameter(
        id=pid, description=data["description"], description_en=data.get("description_en", ""),
        unit=unit, kind=data["kind"], limit=data.get("limit"), term=data.get("term", ""),
        reference=data.get("reference", ""), values=tuple(values),
        jurisdiction=jurisdiction, source=src,
    )


def load_parameter_dir(root: Path, jurisdiction: str) -> dict[str, Parameter]:
    """Every ``*.toml`` below ``root``; the relative path, dotted, is the parameter id."""
    if not root.is_dir():
        raise RuleLoadError("parameter folder not found", field="parameter_dirs", value=str(root),
                            code="rule.load.folder_missing")
    out: dict[str, Parameter] = {}
    for path in sorted(root.rglob("*.toml")):
        rel = path.relative_to(root)
        pid = ".".join(rel.with_suffix("").parts)
        shown = "/".join((root.parent.name, root.name, *rel.parts))  # data/CN/changes/….toml
        out[pid] = load_parameter_file(path, pid, jurisdiction, shown)
    return out
