"""Reading scenario files: cases, and errors that name file, case and field."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import attrs

from ..dates import as_date
from ..errors import OutsourcingError, _short
from ..model import Contract
from ..plugins import PluginHost
from ..rules import RuleBook
from ..serialize import structure
from ..textfiles import loads_toml, read_text


class ScenarioError(OutsourcingError):
    """A scenario file that cannot be read: names the file, the case and the field.

    The message leads with ``file: case N 'name': field:`` so a reader finds the place first.
    """

    def _compose(self) -> str:
        return self.reason


@attrs.frozen
class Case:
    """One scenario: a jurisdiction, a contract or a tender (or both), what happens to it,
    and what is expected.

    ``contract`` is None for a tender case without ``[case.contract]``; when the tender is
    awarded (``[case.award]``) the awarded contract is the one the later stages run on.
    """

    file: str
    index: int
    name: str
    jurisdiction: str
    contract: Contract | None
    raw: Mapping[str, Any]
    """The case's table as read, for the sections handled by later stages."""
    today: date | None = None
    description: str = ""

    @property
    def where(self) -> str:
        return f"{self.file}: case {self.index + 1} '{self.name}'"


@attrs.frozen
class Mismatch:
    """An expectation that did not hold: expected against actual, and the trail behind it."""

    path: str
    expected: str
    actual: str
    explanation: tuple[str, ...] = ()


@attrs.frozen
class CaseResult:
    """The outcome of one case."""

    file: str
    case: str
    mismatches: tuple[Mismatch, ...] = ()
    error: str | None = None

    @property
    def passed(self) -> bool:
        return not self.mismatches and self.error is None


CASE_KEYS = {"name", "jurisdiction", "description", "today", "contract", "rules", "changes",
             "assessments", "payment", "kpis", "settle", "usage", "expect", "tender", "bids",
             "award", "adopt", "contract_rules", "settle_from", "rewards", "plan"}
EXPECT_KEYS = {"original_amount", "findings", "rejected", "headroom", "statements", "tender",
               "award", "sums", "headroom_after", "rewards", "plan"}
CONTRACT_KEYS = ("changes", "assessments", "payment", "kpis", "settle", "usage", "adopt",
                 "contract_rules", "settle_from", "plan")
"""Sections that need a contract: ``[case.contract]`` or the one ``[case.award]`` builds."""
CONTRACT_EXPECT_KEYS = ("original_amount", "findings", "rejected", "headroom", "statements",
                        "sums", "headroom_after", "plan")

_LINE_RE = re.compile(r"at line (\d+)")


def _syntax_error(path: Path, text: str, exc: tomllib.TOMLDecodeError) -> ScenarioError:
    m = _LINE_RE.search(str(exc))
    lineno = int(m.group(1)) if m else 0
    lines = text.splitlines()
    case_no, case_name = 0, "?"
    for i, line in enumerate(lines[:lineno], start=1):
        if line.strip() == "[[case]]":
            case_no, case_name = case_no + 1, "?"
        nm = re.match(r'\s*name\s*=\s*"([^"]*)"', line)
        if nm and i < lineno:
            case_name = _cut(nm.group(1))
    bad = _cut(lines[lineno - 1].strip(), 80) if 0 < lineno <= len(lines) else ""
    key = _cut(bad.split("=", 1)[0].strip() if "=" in bad else bad, 40)
    where = f"case {case_no} '{case_name}'" if case_no else "before the first case"
    return ScenarioError(f"{path}:{lineno}: {where}: {key or '?'}: not valid TOML ({exc}): {bad}",
                         field=key or None, value=bad or None,
        code="scenario.toml_syntax", params={"line": lineno})


def in_rules(case: Case, exc: OutsourcingError) -> OutsourcingError:
    """An error raised by a rule the case overrides (``[case.rules."<id>"]``), named at that
    override; any other error as it is."""
    rules = case.raw.get("rules")
    if isinstance(exc, ScenarioError) or not isinstance(rules, dict) or exc.rule_id not in rules:
        return exc
    return _fail(case.file, case.index, case.name, f"case[{case.index}].rules.{exc.rule_id}",
                 exc.reason, exc.value, code=exc.code)


def _cut(text: str, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters, so a huge value is never echoed whole."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _fail(
    file: str, index: int, name: str, field: str, msg: str, value: Any = None,
    code: str | None = None, wrapped: OutsourcingError | None = None,
    params: dict[str, Any] | None = None,
) -> ScenarioError:
    """The error of a case, naming the file, the case and the field: under ``code`` (its
    sentence from the catalogue, or the sentence of the ``wrapped`` error passed on)."""
    shown = "" if value is None else f" (value {_short(value)})"
    return ScenarioError(f"{file}: case {index + 1} '{_cut(name)}': {field}: {msg}"
                         f"{shown}", field=field, value=value, code=code, params=params,
                         zh=wrapped.zh if wrapped is not None else None)


def load_file(path: str | Path) -> list[Case]:
    """Read a scenario file; every defect names the file, the case and the field."""
    p = Path(path)
    text = read_text(p, error=ScenarioError, what="scenario file", code="scenario.file")
    try:
        data = loads_toml(text)  # exact; never a binary float
    except tomllib.TOMLDecodeError as exc:
        raise _syntax_error(p, text, exc) from None
    extra = set(data) - {"case"}
    if extra:
        raise ScenarioError(f"{p}: {', '.join(sorted(extra))}: unknown top-level keys; a file "
                            "holds [[case]] tables", field=",".join(sorted(extra)), value=None,
            code="scenario.top_level_keys",
                            params={"keys": ", ".join(sorted(extra))})
    cases = data.get("case")
    if not isinstance(cases, list) or not cases:
        raise ScenarioError(f"{p}: case: no [[case]] in the file", field="case", value=None,
            code="scenario.no_cases")
    for i, raw in enumerate(cases):
        if not isinstance(raw, dict):
            raise _fail(str(p), i, "?", f"case[{i}]", "a case is a table ([[case]])")
    return [_read_case(str(p), i, raw) for i, raw in enumerate(cases)]


def _read_case(file: str, i: int, raw: Mapping[str, Any]) -> Case:
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _fail(file, i, "?", f"case[{i}].name", "every case needs a name", name)
    unknown = set(raw) - CASE_KEYS
    if unknown:
        raise _fail(file, i, name, f"case[{i}].{sorted(unknown)[0]}",
                    f"unknown key; a case has {', '.join(sorted(CASE_KEYS))}",
                    sorted(unknown))
    jur = raw.get("jurisdiction")
    if not isinstance(jur, str):
        raise _fail(file, i, name, f"case[{i}].jurisdiction", "a jurisdiction code is needed",
                    jur)
    for key in ("contract", "tender", "award"):
        if key in raw and not isinstance(raw[key], dict):
            raise _fail(file, i, name, f"case[{i}].{key}", f"{key} is a table ([case.{key}])")
    if "contract" not in raw and "tender" not in raw:
        raise _fail(file, i, name, f"case[{i}].contract",
                    "a [case.contract] table (or a [case.tender]) is needed")
    for key in ("bids", "award"):
        if key in raw and "tender" not in raw:
            raise _fail(file, i, name, f"case[{i}].{key}", "needs a [case.tender]")
    if "award" in raw and "contract" in raw:
        raise _fail(file, i, name, f"case[{i}].award",
                    "[case.award] builds the case's contract; drop [case.contract] or the award")
    contract = None
    if "contract" in raw:
        body = dict(raw["contract"])
        body.setdefault("jurisdiction", jur)
        try:
            contract = structure(body, Contract, source=f"case[{i}].contract")
        except OutsourcingError as exc:
            raise _fail(file, i, name, exc.field or f"case[{i}].contract",
                        exc.reason.removeprefix("cannot read Contract: ")) from None
    expect = raw.get("expect", {})
    if not isinstance(expect, dict):
        raise _fail(file, i, name, f"case[{i}].expect", "expect is a table")
    bad = set(expect) - EXPECT_KEYS
    if bad:
        raise _fail(file, i, name, f"case[{i}].expect.{sorted(bad)[0]}",
                    f"unknown expectation; known: {', '.join(sorted(EXPECT_KEYS))}",
                    sorted(bad))
    if contract is None and "award" not in raw:
        needs = [f"case[{i}].{k}" for k in CONTRACT_KEYS if k in raw] + [
            f"case[{i}].expect.{k}" for k in CONTRACT_EXPECT_KEYS if k in expect]
        if needs:
            raise _fail(file, i, name, needs[0], "needs a contract: a [case.contract], or a "
                        "[case.award] for the tender's winner")
    for key in ("tender", "award"):
        if key in expect and key not in raw:
            raise _fail(file, i, name, f"case[{i}].expect.{key}", f"needs a [case.{key}]")
    today = raw.get("today")
    if today is not None:
        why = ("a date and time, not a day" if isinstance(today, datetime) else
               None if isinstance(today, date) else "not a date")
        if why is None:
            try:
                as_date(today, field="today")
            except OutsourcingError as exc:
                why = exc.reason
        if why:
            raise _fail(file, i, name, f"case[{i}].today", f"a date (YYYY-MM-DD): {why}",
                        str(today), code="scenario.today")
    return Case(file=file, index=i, name=name, jurisdiction=jur, contract=contract, raw=raw,
                today=today, description=str(raw.get("description", "")))


def case_rulebook(case: Case, registry: PluginHost) -> RuleBook:
    """The jurisdiction's rulebook with the case's own contract terms laid over it."""
    rb = registry.rulebook(case.jurisdiction)
    rules = case.raw.get("rules", {})
    if not isinstance(rules, dict):
        raise _fail(case.file, case.index, case.name, f"case[{case.index}].rules",
                    "rules is a table of parameter ids")
    for pid, spec in rules.items():
        field = f"case[{case.index}].rules.{pid}"
        if not isinstance(spec, dict) or set(spec) - {"value", "citation"} or "value" not in spec:
            raise _fail(case.file, case.index, case.name, field,
                        "an override is a table with value and citation", spec)
        try:
            rb = rb.override(pid, spec["value"], citation=str(spec.get("citation", "scenario")))
        except OutsourcingError as exc:
            raise _fail(case.file, case.index, case.name, field, str(exc)) from None
    return rb
