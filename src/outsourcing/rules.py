"""Dated rule parameters, jurisdictions and the RuleBook (规则、辖区、规则集).

Legislation is data.  Each parameter is one TOML file (:mod:`outsourcing.parameters`: the
file's keys, its units and how it loads); its path below a jurisdiction's folder is its id
(``changes/supplementary_cap.toml`` → ``changes.supplementary_cap``).

A value may end (``until = 2022-06-30``, inclusive); after it, the parameter has no value
unless a later one starts.  A :class:`RuleBook` stacks the jurisdictions of a chain —
national → region → city — so the most local definition wins; a lower level may tighten a
legal limit but never loosen it (a load error names both files); an illustrative default's
``limit`` says only which way its rule checks, and a lower level or a contract may replace
its value in either direction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import attrs

from .errors import JurisdictionError, RuleError, RuleLoadError
from .messages_zh import say
from .parameters import (
    KINDS,
    LIMITS,
    UNITS,
    Parameter,
    ParameterValue,
    Range,
    convert,
    load_parameter_dir,
    load_parameter_file,
)

__all__ = [
    "KINDS",
    "LEVELS",
    "LIMITS",
    "UNITS",
    "Jurisdiction",
    "Parameter",
    "ParameterValue",
    "Range",
    "Resolved",
    "RuleBook",
    "load_parameter_dir",
    "load_parameter_file",
]

def _paths(v: Iterable[Path | str]) -> tuple[Path, ...]:
    return tuple(Path(x) for x in v)


LEVELS = ("national", "region", "city", "district")
"""The levels of government a jurisdiction may be (行政层级): 全国; 省、自治区、直辖市; 设区的市、
自治州; 县、区、县级市 — see ``docs/rules.md`` for the code scheme of each."""


def _level(_: object, attribute: attrs.Attribute[str], value: object) -> None:
    if value not in LEVELS:
        raise JurisdictionError(f"level must be one of {', '.join(LEVELS)}", field="level",
                                value=value, term="行政层级", code="jurisdiction.level")


@attrs.frozen
class Jurisdiction:
    """A government whose rules apply: national, region, city or district (辖区).

    ``code`` is stable and short (``CN``, ``NX``, ``NX-SZS``; the scheme is in
    ``docs/rules.md``); ``parent`` is the code of the level above (None only for the
    national level); ``parameter_dirs`` hold its rule files; ``level`` is one of
    :data:`LEVELS`.
    """

    code: str
    name_zh: str
    name_en: str
    parent: str | None
    parameter_dirs: tuple[Path, ...] = attrs.field(default=(), converter=_paths)
    level: str = attrs.field(default="city", validator=_level)
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
                f"{parent.unit!r}", field=child.id, value=child.unit,
                code="rule.load.unit_mismatch")
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
            raise RuleLoadError(
                f"{child.source} {word} of {parent.source} on {day.isoformat()}: "
                f"{cv.value} against {pv.value}; a local rule may tighten a legal limit, "
                f"never loosen it",
                field=child.id, value=str(cv.value), rule_id=parent.id, citation=pv.citation,
                term=parent.term or None, code="rule.loosens_legal_limit",
                zh=say("rule.loosens_legal_limit.detail", what=parent.term or child.id,
                       child=cv.value, legal=pv.value,
                       direction={"max": "高于", "min": "低于", "within": "超出"}[limit]))


class RuleBook:
    """The rules in force for one jurisdiction: its own parameters over its parents'.

    Get one from :meth:`outsourcing.plugins.PluginHost.rulebook`; it is built once per
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
            raise JurisdictionError("a rulebook needs at least one jurisdiction",
                                    code="jurisdiction.empty_chain")
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
                                            field=pid, value=j.code,
                                            code="rule.load.defined_twice")
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
                            value=pid, term="规则参数", code="rule.unknown_parameter") from None

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
                            field="on", value=on.isoformat(), rule_id=pid, term=p.term or None,
                            code="rule.not_in_force")
        return Resolved(found[0], found[1], on)

    def find(self, pid: str, on: date) -> Resolved | None:
        """Like :meth:`resolve`, but None where the parameter is absent or not in force."""
        found = _first_value(self._layers.get(pid, ()), on)
        return None if found is None else Resolved(found[0], found[1], on)

    def layers(self, pid: str) -> tuple[Parameter, ...]:
        """Every level's definition of ``pid``, most local first (empty when absent)."""
        return self._layers.get(pid, ())

    def subset(self, pids: Iterable[str]) -> RuleBook:
        """A rulebook of only the parameters ``pids`` (those it has), without a plugin
        host: what a compiled contract keeps of its rules (it pickles)."""
        return RuleBook(self.chain, {p: self._layers[p] for p in pids if p in self._layers})

    def levels(self, pid: str, on: date) -> list[tuple[Parameter, ParameterValue | None]]:
        """Every level's definition of ``pid``, national first, each with its value on
        ``on`` (None where it has none that day): what a city tightened and what it
        tightened it from.  The last one with a value is the one :meth:`resolve` gives."""
        return [(p, p.value_on(on)) for p in reversed(self._layers.get(pid, ()))]

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
            value = convert(base.unit, value, f"override {pid}")
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
            field="jurisdiction", value=code, term="辖区", code="jurisdiction.unknown")
    out: list[Jurisdiction] = []
    seen: set[str] = set()
    cur: str | None = code
    while cur is not None:
        if cur in seen:
            raise JurisdictionError("jurisdiction parents form a loop", field="parent", value=cur,
                                    code="jurisdiction.parent_loop")
        if cur not in known:
            raise JurisdictionError(f"parent of {out[-1].code} is not declared by any plugin",
                                    field="parent", value=cur, term="上级辖区",
                                    code="jurisdiction.parent_undeclared")
        seen.add(cur)
        out.append(known[cur])
        cur = known[cur].parent
    return tuple(reversed(out))


