"""Dated rule parameters, jurisdictions and the RuleBook (规则、辖区、规则集).

Legislation is data.  Each parameter is one TOML file; its path below a jurisdiction's
folder is its id (``changes/supplementary_cap.toml`` → ``changes.supplementary_cap``).  The
file says what the parameter means, its unit, whether it is law or illustrative practice,
whether it is a legal ceiling (``limit = "max"``), floor (``"min"``) or range
(``"within"``), and its values keyed by the date they take effect, each with a citation::

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

A value may end (``until = 2022-06-30``, inclusive); after it, the parameter has no value
unless a later one starts.  A :class:`RuleBook` stacks the jurisdictions of a chain —
national → region → city — so the most local definition wins; a lower level may tighten a
legal limit but never loosen it (a load error names both files); an illustrative default's
``limit`` says only which way its rule checks, and a lower level or a contract may replace
its value in either direction.
"""

from __future__ import annotations

import itertools
import tomllib
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import attrs

from ._limits import FileNumber, exact_decimal
from .errors import JurisdictionError, RuleError, RuleLoadError
from .money import Money
from .textfiles import loads_toml, read_text

__all__ = [
    "Jurisdiction",
    "Parameter",
    "ParameterValue",
    "Range",
    "Resolved",
    "RuleBook",
    "load_parameter_dir",
    "load_parameter_file",
]

Unit = Literal[
    "ratio", "rate_per_day", "yuan", "days", "working_days", "months", "years", "count",
    "ratio_range", "text", "flag", "list", "table",
]
UNITS: tuple[str, ...] = Unit.__args__  # type: ignore[attr-defined]
KINDS = ("law", "regulation", "standard", "local", "illustrative")
LIMITS = ("max", "min", "within")


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


def _convert(unit: str, raw: Any, where: str) -> Any:
    def bad(msg: str, zh: str) -> RuleLoadError:
        return RuleLoadError(msg, field=where, value=raw, code=f"rule.load.{unit}", zh=zh)

    def number(x: Any, what: str) -> Decimal:
        return exact_decimal(x, field=where, term=None, error=RuleLoadError,
                             code=f"rule.load.{unit}", what=what)

    if unit in ("ratio", "rate_per_day"):
        if isinstance(raw, bool) or not isinstance(raw, Decimal | int | str):
            raise bad(f"a {unit} must be a decimal number", "须为数值")
        return number(raw, unit)
    if unit == "yuan":
        if (not isinstance(raw, int | str | Decimal) or isinstance(raw, bool | FileNumber)):
            raise bad("an amount is a string such as \"2000000.00\" or a whole number of yuan "
                      "(not an unquoted decimal number)", "金额须写成字符串或整数元")
        return Money(raw, field=where)
    if unit in ("days", "working_days", "months", "years", "count"):
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise bad(f"{unit} must be a whole number", "须为整数")
        if not 0 <= raw <= _WHOLE_MAX[unit]:  # a day count past any date overflows
            raise RuleLoadError(f"{unit} must be from 0 to {_WHOLE_MAX[unit]:,}", field=where,
                                value=raw, code="rule.load.whole_out_of_range")
        return raw
    if unit == "ratio_range":
        if not isinstance(raw, dict) or set(raw) != {"min", "max"}:
            raise bad("a ratio_range is a table with min and max", "须为含 min 和 max 的表")
        lo, hi = number(raw["min"], "ratio"), number(raw["max"], "ratio")
        if lo > hi:
            raise bad("min is above max", "下限高于上限")
        return Range(lo, hi)
    if unit == "text":
        if not isinstance(raw, str):
            raise bad("text must be a string", "须为字符串")
        return raw
    if unit == "flag":
        if not isinstance(raw, bool):
            raise bad("a flag must be true or false", "须为 true 或 false")
        return raw
    if unit == "list":
        if not isinstance(raw, list):
            raise bad("a list must be an array", "须为数组")
        return tuple(raw)
    return raw  # table: plain data, read by the code that owns the parameter


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
                            code="rule.load.syntax", zh="TOML 语法错误") from None

    def fail(msg: str, field: str, value: Any, zh: str, code: str = "rule.load.type"
             ) -> RuleLoadError:
        return RuleLoadError(f"{src}: {msg}", field=field, value=value, code=code, zh=zh)

    allowed = {"description", "description_en", "unit", "kind", "limit", "term", "reference",
               "values"}
    extra = set(data) - allowed
    if extra:
        raise fail(f"unknown keys {sorted(extra)}", pid, sorted(extra), "未知的键",
                   "rule.load.unknown_key")
    for key in ("description", "unit", "kind", "values"):
        if key not in data:
            raise fail(f"missing key {key!r}", f"{pid}.{key}", None, f"缺少 {key}",
                       "rule.load.missing")
    for key in ("description", "description_en", "unit", "kind", "limit", "term",
                "reference"):
        if key in data and not isinstance(data[key], str):
            raise fail(f"{key} must be a string", f"{pid}.{key}", data[key], "须为字符串")
    unit, kind, limit = data["unit"], data["kind"], data.get("limit")
    if unit not in UNITS:
        raise fail(f"unit must be one of {UNITS}", f"{pid}.unit", unit, "单位无效",
                   "rule.load.unit")
    if kind not in KINDS:
        raise fail(f"kind must be one of {KINDS}", f"{pid}.kind", kind, "类型无效",
                   "rule.load.kind")
    if limit is not None and limit not in LIMITS:
        raise fail(f"limit must be one of {LIMITS}", f"{pid}.limit", limit, "限值类型无效",
                   "rule.load.limit")
    if not isinstance(data["values"], list):
        raise fail("values is an array of tables ([[values]])", f"{pid}.values",
                   data["values"], "values 须为表数组")
    values: list[ParameterValue] = []
    for i, entry in enumerate(data["values"]):
        where = f"{src}: {pid}.values[{i}]"
        if not isinstance(entry, dict):
            raise RuleLoadError("each value is a table", field=where, value=entry,
                                code="rule.load.type", zh="每个取值须为表")
        unknown = set(entry) - {"from", "until", "value", "citation", "note"}
        if unknown:
            raise RuleLoadError(f"unknown keys {sorted(unknown)}", field=where,
                                value=sorted(unknown), code="rule.load.unknown_key",
                                zh="未知的键")
        start, end = entry.get("from"), entry.get("until")
        if not isinstance(start, date) or isinstance(start, datetime):
            raise RuleLoadError("'from' must be a date (YYYY-MM-DD)", field=where, value=start,
                                code="rule.load.date", zh="from 须为日期")
        if end is not None and (not isinstance(end, date) or isinstance(end, datetime)
                                or end < start):
            raise RuleLoadError("'until' must be a date on or after 'from'", field=where,
                                value=end, code="rule.load.date",
                                zh="until 须为不早于 from 的日期")
        for key in ("citation", "note"):
            if key in entry and not isinstance(entry[key], str):
                raise RuleLoadError(f"{key} must be a string", field=f"{where}.{key}",
                                    value=entry[key], code="rule.load.type", zh="须为字符串")
        if "value" not in entry or not entry.get("citation"):
            raise RuleLoadError("each value needs 'value' and 'citation'", field=where,
                                value=entry, code="rule.load.missing",
                                zh="每个取值须有 value 和 citation")
        values.append(ParameterValue(
            start=start, end=end, value=_convert(unit, entry["value"], f"{where}.value"),
            citation=entry["citation"], note=entry.get("note", ""),
        ))
    values.sort(key=lambda v: v.start)
    for a, b in itertools.pairwise(values):
        if a.start == b.start:
            raise fail("two values take effect on the same day", pid, a.start.isoformat(),
                       "两个取值同日生效", "rule.load.duplicate_date")
    return Parameter(
        id=pid, description=data["description"], description_en=data.get("description_en", ""),
        unit=unit, kind=kind, limit=limit, term=data.get("term", ""),
        reference=data.get("reference", ""), values=tuple(values),
        jurisdiction=jurisdiction, source=src,
    )


def load_parameter_dir(root: Path, jurisdiction: str) -> dict[str, Parameter]:
    """Every ``*.toml`` below ``root``; the relative path, dotted, is the parameter id."""
    if not root.is_dir():
        raise RuleLoadError("parameter folder not found", field="parameter_dirs", value=str(root))
    out: dict[str, Parameter] = {}
    for path in sorted(root.rglob("*.toml")):
        rel = path.relative_to(root)
        pid = ".".join(rel.with_suffix("").parts)
        shown = "/".join((root.parent.name, root.name, *rel.parts))  # data/CN/changes/….toml
        out[pid] = load_parameter_file(path, pid, jurisdiction, shown)
    return out


def _paths(v: Iterable[Path | str]) -> tuple[Path, ...]:
    return tuple(Path(x) for x in v)


@attrs.frozen
class Jurisdiction:
    """A government whose rules apply: national, region, city or district (辖区).

    ``code`` is stable and short (``CN``, ``NX``, ``NX-SZS``); ``parent`` is the code of the
    level above (None only for the national level); ``parameter_dirs`` hold its rule files.
    """

    code: str
    name_zh: str
    name_en: str
    parent: str | None
    parameter_dirs: tuple[Path, ...] = attrs.field(default=(), converter=_paths)
    level: str = "city"
    source: str = ""
    """Where the jurisdiction's rules come from (for the docs)."""


@attrs.frozen
class Resolved:
    """A parameter's value on a date, with where it comes from — an explanation entry."""

    parameter: Parameter
    entry: ParameterValue
    on: date

    @property
    def value(self) -> Any:
        return self.entry.value

    @property
    def citation(self) -> str:
        return self.entry.citation

    @property
    def rule_id(self) -> str:
        return self.parameter.id

    def describe(self) -> str:
        tag = " (illustrative default)" if self.parameter.illustrative else ""
        return (f"{self.parameter.id} = {self.value} [{self.citation}; "
                f"{self.parameter.jurisdiction}]{tag}")


def _compare(limit: str, parent: Any, child: Any) -> bool:
    """True when ``child`` is at least as strict as ``parent`` under ``limit``."""
    if limit == "max":
        return bool(child <= parent)
    if limit == "min":
        return bool(child >= parent)
    return bool(parent.min <= child.min and child.max <= parent.max)


def _first_value(layers: Iterable[Parameter], on: date) -> tuple[Parameter, ParameterValue] | None:
    for p in layers:
        v = p.value_on(on)
        if v is not None:
            return p, v
    return None


def check_tightening(parents: Parameter | tuple[Parameter, ...], child: Parameter) -> None:
    """Refuse a child definition that loosens a parent's legal limit, naming both files.

    ``parents`` are the definitions below the child, most local first; on each day the
    child's value is compared with the value the binding parents would give that day.  A
    limit binds when its definition is law, regulation, standard or local rule; an
    **illustrative** default's ``limit`` only says which way its rule checks (a maximum, a
    minimum), and a lower level or a contract may replace its value in either direction —
    a legal limit beneath it still binds.
    """
    layers = (parents,) if isinstance(parents, Parameter) else parents
    binding = tuple(p for p in layers if not p.illustrative)
    limit = next((p.limit for p in binding if p.limit is not None), None)
    if limit is None:
        return
    for parent in layers:
        if child.unit != parent.unit:
            raise RuleLoadError(
                f"{child.source} redefines {parent.source} with unit {child.unit!r} instead of "
                f"{parent.unit!r}", field=child.id, value=child.unit)
    days = set(child.breakpoints())
    for p in layers:
        days |= set(p.breakpoints())
    for day in sorted(days):
        cv = child.value_on(day)
        found = _first_value(binding, day)
        if cv is None or found is None:
            continue
        parent, pv = found
        if not _compare(limit, pv.value, cv.value):
            word = {"max": "raises the ceiling", "min": "lowers the floor",
                    "within": "widens the range"}[limit]
            zh = {"max": "高于", "min": "低于", "within": "超出"}[limit]
            raise RuleLoadError(
                f"{child.source} {word} of {parent.source} on {day.isoformat()}: "
                f"{cv.value} against {pv.value}; a local rule may tighten a legal limit, "
                f"never loosen it",
                field=child.id, value=str(cv.value), rule_id=parent.id, citation=pv.citation,
                term=parent.term or None, code="rule.loosens_legal_limit",
                zh=f"{parent.term or child.id} {cv.value} {zh}法定限值 {pv.value}"
                   f"（{pv.citation}）：合同或下级规则只能收紧法定限值，不能放宽")


class RuleBook:
    """The rules in force for one jurisdiction: its own parameters over its parents'.

    Get one from :meth:`outsourcing.plugins.Registry.rulebook`; it is built once per
    jurisdiction and cached.  ``value(pid, on=date)`` gives a parameter's value on a day,
    ``resolve`` the value with its citation (an explanation entry).
    """

    def __init__(
        self,
        chain: tuple[Jurisdiction, ...],
        layers: Mapping[str, tuple[Parameter, ...]],
        host: Any = None,
    ) -> None:
        if not chain:
            raise JurisdictionError("a rulebook needs at least one jurisdiction")
        self.chain = chain
        self.jurisdiction = chain[-1]
        self._layers = dict(layers)
        """Each parameter's definitions, most local first; a day with no local value falls
        back to the level above."""
        self._parameters = {pid: ls[0] for pid, ls in self._layers.items()}
        self.host = host
        """The plugin registry that built this rulebook (for contract and change checks)."""

    @classmethod
    def build(cls, chain: Iterable[Jurisdiction], host: Any = None) -> RuleBook:
        """Stack the chain's parameter folders, national first, checking each tightening."""
        chain = tuple(chain)
        merged: dict[str, tuple[Parameter, ...]] = {}
        for j in chain:
            own: dict[str, Parameter] = {}
            for d in j.parameter_dirs:
                for pid, p in load_parameter_dir(Path(d), j.code).items():
                    if pid in own:
                        raise RuleLoadError(f"{p.source} and {own[pid].source} both define it",
                                            field=pid, value=j.code)
                    own[pid] = p
            for pid, p in own.items():
                if pid in merged:
                    check_tightening(merged[pid], p)
                merged[pid] = (p, *merged.get(pid, ()))
        return cls(chain, merged, host)

    # look-ups ---------------------------------------------------------------------------
    @property
    def code(self) -> str:
        return self.jurisdiction.code

    def applies_to(self, code: str) -> bool:
        """True when ``code`` is this jurisdiction or one of its parents."""
        return any(j.code == code for j in self.chain)

    def has(self, pid: str) -> bool:
        return pid in self._parameters

    def parameter(self, pid: str) -> Parameter:
        try:
            return self._parameters[pid]
        except KeyError:
            raise RuleError(f"no parameter {pid!r} in the rules of {self.code}", field="rule",
                            value=pid, term="规则参数") from None

    def parameters(self) -> list[Parameter]:
        return [self._parameters[k] for k in sorted(self._parameters)]

    def resolve(self, pid: str, on: date) -> Resolved:
        """The value in force on ``on`` with its citation; a RuleError if there is none.

        The most local definition with a value on that day wins; where it has none (not yet
        in force, or ended), the level above answers.
        """
        p = self.parameter(pid)
        found = _first_value(self._layers[pid], on)
        if found is None:
            raise RuleError(f"{pid!r} has no value in force on {on.isoformat()} in {self.code}",
                            field="on", value=on.isoformat(), rule_id=pid, term=p.term or None)
        return Resolved(found[0], found[1], on)

    def find(self, pid: str, on: date) -> Resolved | None:
        """Like :meth:`resolve`, but None where the parameter is absent or not in force."""
        found = _first_value(self._layers.get(pid, ()), on)
        return None if found is None else Resolved(found[0], found[1], on)

    def value(self, pid: str, on: date) -> Any:
        """The value of ``pid`` in force on ``on``."""
        return self.resolve(pid, on).value

    def get(self, pid: str, on: date, default: Any = None) -> Any:
        """The value in force, or ``default`` where the parameter is absent or not in force."""
        found = _first_value(self._layers.get(pid, ()), on)
        return default if found is None else found[1].value

    def citation(self, pid: str, on: date) -> str:
        return self.resolve(pid, on).citation

    def in_force(self, on: date) -> list[Resolved]:
        """Every parameter with a value on ``on``, sorted by id."""
        out = []
        for pid in sorted(self._layers):
            found = _first_value(self._layers[pid], on)
            if found is not None:
                out.append(Resolved(found[0], found[1], on))
        return out

    def override(
        self,
        pid: str,
        value: Any,
        *,
        citation: str,
        start: date = date(1900, 1, 1),
        description: str | None = None,
    ) -> RuleBook:
        """A new rulebook in which a contract's own term replaces a default.

        This is how a bureau replaces an illustrative default (a payment tier table, a
        deduction amount) with the terms of its contract: ``citation`` names the clause
        (``"合同 第十二条"``).  A legal limit can be tightened, never loosened.
        """
        base = self.parameter(pid)
        if base.unit != "table":
            value = _convert(base.unit, value, f"override {pid}")
        own = attrs.evolve(
            base,
            values=(ParameterValue(start=start, value=value, citation=citation),),
            jurisdiction=f"{self.code}+contract",
            source=f"contract term ({citation})",
            kind="local",
            description=description or base.description,
        )
        check_tightening(self._layers[pid], own)
        merged = dict(self._layers)
        merged[pid] = (own, *self._layers[pid])
        return RuleBook(self.chain, merged, self.host)

    def __repr__(self) -> str:
        return f"RuleBook({' → '.join(j.code for j in self.chain)})"


def chain_of(code: str, known: Mapping[str, Jurisdiction]) -> tuple[Jurisdiction, ...]:
    """The chain national → … → ``code``; an unknown code or a loop is an error."""
    if code not in known:
        raise JurisdictionError(
            f"unknown jurisdiction; known: {', '.join(sorted(known)) or 'none'}",
            field="jurisdiction", value=code, term="辖区")
    out: list[Jurisdiction] = []
    seen: set[str] = set()
    cur: str | None = code
    while cur is not None:
        if cur in seen:
            raise JurisdictionError("jurisdiction parents form a loop", field="parent", value=cur)
        if cur not in known:
            raise JurisdictionError(f"parent of {out[-1].code} is not declared by any plugin",
                                    field="parent", value=cur, term="上级辖区")
        seen.add(cur)
        out.append(known[cur])
        cur = known[cur].parent
    return tuple(reversed(out))


