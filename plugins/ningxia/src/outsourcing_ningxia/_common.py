"""Helpers shared by the Ningxia jurisdictions' checks (not a jurisdiction itself)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import attrs

from outsourcing import Contract, Finding, Resolved, RuleBook, ServiceLine, hookimpl

SOURCE = "seed 000_09cf0a1d90a7be19.txt"
ARTICLE = f"{SOURCE} line 205: 《推进机关后勤社会化服务改革的思考》"
"""The article every Ningxia jurisdiction comes from (its line numbers are cited per rule)."""


def reference_date(contract: Contract) -> date:
    """The day a contract's rules are read on: signing, else the start of the term."""
    return contract.signed_on or contract.term.start


def in_force(rb: RuleBook, pid: str, on: date) -> Resolved | None:
    """The parameter's value with its citation, or None where it is absent or not in force."""
    return rb.find(pid, on)


def lineage(rb: RuleBook, service: str) -> list[str]:
    """The service and its family ancestors (消毒 → 保洁 → 物业), nearest first."""
    catalogue = getattr(rb.host, "catalogue", None)
    if catalogue is None or service not in catalogue:
        return [service]
    result: list[str] = catalogue.lineage(service)
    return result


def lines_in(change: Any, path: str = "change", depth: int = 3) -> list[tuple[str, ServiceLine]]:
    """The service lines a proposed change carries (lines added or repriced), with paths.

    A change is whatever the changes module passes to ``outsourcing_check_change``; this
    reads any :class:`~outsourcing.ServiceLine` among its attrs fields, in lists and tuples,
    and in attrs objects nested a few levels, so the checks need not know its class.
    """
    if isinstance(change, ServiceLine):
        return [(path, change)]
    if depth == 0 or isinstance(change, Contract):
        return []
    out: list[tuple[str, ServiceLine]] = []
    if isinstance(change, list | tuple):
        for i, x in enumerate(change):
            out.extend(lines_in(x, f"{path}[{i}]", depth - 1))
    elif attrs.has(type(change)):
        for f in attrs.fields(type(change)):
            out.extend(lines_in(getattr(change, f.name), f"{path}.{f.name}", depth - 1))
    return out


LineCheck = Callable[[Contract, ServiceLine, str, RuleBook], list[Finding]]


def contract_lines(contract: Contract) -> list[tuple[str, ServiceLine]]:
    return [(f"lines[{i}]", line) for i, line in enumerate(contract.lines)]


def run_line_checks(checks: Sequence[LineCheck], contract: Contract,
                    lines: Sequence[tuple[str, ServiceLine]], rb: RuleBook) -> list[Finding]:
    out: list[Finding] = []
    for field, line in lines:
        for check in checks:
            out.extend(check(contract, line, field, rb))
    return out


ContractHook = Callable[[Contract, RuleBook], Sequence[Finding]]
ChangeHook = Callable[[Contract, Any, RuleBook], Sequence[Finding]]


def line_check_hooks(
    code: str, checks: Sequence[LineCheck], change_checks: Sequence[LineCheck] | None = None
) -> tuple[ContractHook, ChangeHook]:
    """The two check hooks of a jurisdiction whose checks look at one line at a time.

    Both act only where ``rulebook.applies_to(code)``: the contract hook runs ``checks`` on
    every line of a contract, the change hook runs ``change_checks`` (default: the same) on
    every line a proposed change would add.  A module binds them to the hook names::

        outsourcing_check_contract, outsourcing_check_change = line_check_hooks(CODE, CHECKS)
    """
    on_change = checks if change_checks is None else change_checks

    @hookimpl
    def outsourcing_check_contract(contract: Contract, rulebook: RuleBook) -> Sequence[Finding]:
        if not rulebook.applies_to(code):
            return []
        return run_line_checks(checks, contract, contract_lines(contract), rulebook)

    @hookimpl
    def outsourcing_check_change(contract: Contract, change: Any,
                                 rulebook: RuleBook) -> Sequence[Finding]:
        if not rulebook.applies_to(code):
            return []
        return run_line_checks(on_change, contract, lines_in(change), rulebook)

    return outsourcing_check_contract, outsourcing_check_change


def latest_value(path: Any) -> tuple[date, Any, str]:
    """A parameter file's latest value, the day it takes effect and its citation (the site
    hooks build office areas from the same files the checks read, one source of truth)."""
    import tomllib

    data = tomllib.loads(path.read_text(encoding="utf-8"))
    last = data["values"][-1]
    return last["from"], last["value"], last["citation"]
