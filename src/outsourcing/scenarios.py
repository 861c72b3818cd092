"""Scenario files: contracts, changes, assessments and expected results as data (情景测试).

The people who know the rules — a bureau's finance officers, its auditors, a city's legal
staff — check them with files like this one, run by ``outsourcing test FILE``::

    [[case]]
    name = "原合同金额与补充合同上限"
    jurisdiction = "NX"

    [case.contract]
    id = "NXJG-2022-WY-001"
    …

    [case.expect]
    original_amount = "2088000.00"
    findings = []

Only the expectations written are checked; amounts are exact strings.  ``docs/scenarios.md``
describes every field.  An error in a file names the file, the case and the path of the bad
field.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from .changes import ACTION_KINDS, Change, Timeline
from .errors import ChangeRejected, OutsourcingError
from .model import Contract
from .plugins import Registry, load
from .rules import RuleBook
from .serialize import structure

__all__ = [
    "Case",
    "CaseResult",
    "Mismatch",
    "ScenarioError",
    "load_file",
    "render_results",
    "run_case",
    "run_files",
]


class ScenarioError(OutsourcingError):
    """A scenario file that cannot be read: names the file, the case and the field.

    The message leads with ``file: case N 'name': field:`` so a reader finds the place first.
    """

    def _compose(self) -> str:
        return self.reason


@attrs.frozen
class Case:
    """One scenario: a jurisdiction, a contract, what happens to it, and what is expected."""

    file: str
    index: int
    name: str
    jurisdiction: str
    contract: Contract
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
             "assessments", "expect", "settle"}
EXPECT_KEYS = {"original_amount", "findings", "rejected", "headroom", "statements", "warnings"}

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
            case_name = nm.group(1)
    bad = lines[lineno - 1].strip() if 0 < lineno <= len(lines) else ""
    key = bad.split("=", 1)[0].strip() if "=" in bad else bad
    where = f"case {case_no} '{case_name}'" if case_no else "before the first case"
    return ScenarioError(f"{path}:{lineno}: {where}: {key or '?'}: not valid TOML ({exc}): {bad}",
                         field=key or None, value=bad or None)


def _fail(
    file: str, index: int, name: str, field: str, msg: str, value: Any = None
) -> ScenarioError:
    shown = "" if value is None else f" (value {value!r})"
    return ScenarioError(f"{file}: case {index + 1} '{name}': {field}: {msg}{shown}",
                         field=field, value=value)


def load_file(path: str | Path) -> list[Case]:
    """Read a scenario file; every defect names the file, the case and the field."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError(f"{p}: cannot read scenario file: {exc}", field="file",
                            value=str(p)) from None
    try:
        data = tomllib.loads(text, parse_float=Decimal)  # exact; never a binary float
    except tomllib.TOMLDecodeError as exc:
        raise _syntax_error(p, text, exc) from None
    extra = set(data) - {"case"}
    if extra:
        raise ScenarioError(f"{p}: {', '.join(sorted(extra))}: unknown top-level keys; a file "
                            "holds [[case]] tables", field=",".join(sorted(extra)), value=None)
    cases = data.get("case")
    if not isinstance(cases, list) or not cases:
        raise ScenarioError(f"{p}: case: no [[case]] in the file", field="case", value=None)
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
    if "contract" not in raw or not isinstance(raw["contract"], dict):
        raise _fail(file, i, name, f"case[{i}].contract", "a [case.contract] table is needed")
    body = dict(raw["contract"])
    body.setdefault("jurisdiction", jur)
    try:
        contract = structure(body, Contract, source=f"case[{i}].contract")
    except OutsourcingError as exc:
        raise _fail(file, i, name, exc.field or f"case[{i}].contract", exc.reason.removeprefix(
            "cannot read Contract: ")) from None
    expect = raw.get("expect", {})
    if not isinstance(expect, dict):
        raise _fail(file, i, name, f"case[{i}].expect", "expect is a table")
    bad = set(expect) - EXPECT_KEYS
    if bad:
        raise _fail(file, i, name, f"case[{i}].expect.{sorted(bad)[0]}",
                    f"unknown expectation; known: {', '.join(sorted(EXPECT_KEYS))}",
                    sorted(bad))
    today = raw.get("today")
    if today is not None and not isinstance(today, date):
        raise _fail(file, i, name, f"case[{i}].today", "a date (YYYY-MM-DD)", today)
    return Case(file=file, index=i, name=name, jurisdiction=jur, contract=contract, raw=raw,
                today=today, description=str(raw.get("description", "")))


def case_rulebook(case: Case, registry: Registry) -> RuleBook:
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


@attrs.define
class Run:
    """What running one case builds up, stage by stage."""

    case: Case
    rulebook: RuleBook
    registry: Registry
    mismatches: list[Mismatch] = attrs.Factory(list)
    timeline: Timeline | None = None
    rejected: dict[str, ChangeRejected] = attrs.Factory(dict)

    @property
    def expect(self) -> Mapping[str, Any]:
        e: Mapping[str, Any] = self.case.raw.get("expect", {})
        return e

    def field(self, path: str) -> str:
        return f"case[{self.case.index}].{path}"

    def fail(self, path: str, msg: str, value: Any = None) -> ScenarioError:
        c = self.case
        return _fail(c.file, c.index, c.name, self.field(path), msg, value)

    def compare(self, path: str, expected: Any, actual: Any, why: Iterable[str] = ()) -> None:
        if str(expected) != str(actual):
            self.mismatches.append(Mismatch(path, str(expected), str(actual), tuple(why)))


Stage = Callable[[Run], None]
"""A step of running a case: reads its section of the case, compares what it expects."""


def _stage_contract(run: Run) -> None:
    contract, expect = run.case.contract, run.expect
    if "original_amount" in expect:
        run.compare("expect.original_amount", expect["original_amount"],
                    contract.original_amount, (
                        "原合同金额 = Σ lines' monthly amount accrued over the term "
                        f"{contract.term} ({contract.day_count.value}), rounded once half-up",))
    if "findings" in expect:
        found = run.registry.check_contract(contract, run.rulebook)
        want = ", ".join(sorted(str(x) for x in expect["findings"])) or "(none)"
        got = ", ".join(sorted(f.code for f in found)) or "(none)"
        run.compare("expect.findings", want, got, [str(f) for f in found])


CHANGE_KEYS = {"id", "kind", "rationale", "reason", "effective", "signed_on", "requested_by",
               "approved_by"}


def _read_change(run: Run, i: int, raw: Any) -> Change:
    path = f"changes[{i}]"
    if not isinstance(raw, dict):
        raise run.fail(path, "a change is a table")
    kind = raw.get("kind")
    if kind not in ACTION_KINDS:
        raise run.fail(f"{path}.kind", f"one of {', '.join(ACTION_KINDS)}", kind)
    action_fields = {f.name for f in attrs.fields(ACTION_KINDS[kind])}
    unknown = set(raw) - CHANGE_KEYS - action_fields
    if unknown:
        raise run.fail(f"{path}.{sorted(unknown)[0]}",
                       f"unknown key for a {kind} change; it takes "
                       f"{', '.join(sorted((CHANGE_KEYS | action_fields) - {'kind'}))}",
                       sorted(unknown))
    action = {k: v for k, v in raw.items() if k in action_fields or k == "kind"}
    body = {k: v for k, v in raw.items() if k in CHANGE_KEYS - {"kind"}}
    body["action"] = action
    try:
        return structure(body, Change, source=run.field(path))
    except OutsourcingError as exc:
        raise run.fail(exc.field.removeprefix(run.field("")) if exc.field else path,
                       exc.reason.removeprefix("cannot read Change: ")) from None


def _stage_changes(run: Run) -> None:
    raws = run.case.raw.get("changes", [])
    if not isinstance(raws, list):
        raise run.fail("changes", "changes is an array of tables ([[case.changes]])")
    changes = [_read_change(run, i, raw) for i, raw in enumerate(raws)]
    timeline = Timeline(run.case.contract)
    for change in changes:
        try:
            timeline = timeline.sign(change, run.rulebook, today=run.case.today)
        except ChangeRejected as exc:
            run.rejected[change.id] = exc
            timeline = timeline.reject(change, exc.reason)
    run.timeline = timeline
    expected = run.expect.get("rejected", [])
    want = {str(r.get("change")): str(r.get("rule", "")) for r in expected
            if isinstance(r, dict)}
    for cid, why in run.rejected.items():
        if cid not in want:
            run.compare(f"changes[{cid}]", "signed", "rejected", [str(why)])
        elif want[cid] and want[cid] != (why.rule_id or ""):
            run.compare(f"expect.rejected[{cid}].rule", want[cid], why.rule_id or "(none)",
                        [str(why)])
    for cid in want:
        if cid not in run.rejected:
            run.compare(f"expect.rejected[{cid}]", "rejected", "signed",
                        ["the change passed every check"])
    if "headroom" in run.expect:
        spec = run.expect["headroom"]
        if not isinstance(spec, dict):
            raise run.fail("expect.headroom", "headroom is a table")
        report = timeline.cap_report(run.rulebook)
        actual = {"limit": report.limit, "used": report.used, "left": report.left,
                  "added_cost": report.added_cost, "saved": report.saved,
                  "amount": report.amount}
        for key, value in spec.items():
            if key not in actual:
                raise run.fail(f"expect.headroom.{key}",
                               f"unknown figure; one of {', '.join(actual)}", key)
            run.compare(f"expect.headroom.{key}", value, actual[key],
                        report.render().splitlines())


STAGES: list[Stage] = [_stage_contract, _stage_changes]
"""The stages run for every case, in order."""


def run_case(case: Case, registry: Registry) -> CaseResult:
    """Run one case through every stage; mismatches are collected, not raised."""
    try:
        run = Run(case, case_rulebook(case, registry), registry)
    except OutsourcingError as exc:
        return CaseResult(case.file, case.name, (), str(exc))
    try:
        for stage in STAGES:
            stage(run)
    except OutsourcingError as exc:
        return CaseResult(case.file, case.name, tuple(run.mismatches), str(exc))
    return CaseResult(case.file, case.name, tuple(run.mismatches))


def run_files(paths: Iterable[str | Path], registry: Registry | None = None) -> list[CaseResult]:
    """Run every case of every file; a file that cannot be read is one failed result."""
    reg = registry or load()
    results: list[CaseResult] = []
    for p in paths:
        try:
            cases = load_file(p)
        except ScenarioError as exc:
            results.append(CaseResult(str(p), "(file)", (), str(exc)))
            continue
        results.extend(run_case(c, reg) for c in cases)
    return results


def render_results(results: Sequence[CaseResult]) -> str:
    """Readable report: each case passed or failed, expected against actual, and why."""
    lines: list[str] = []
    for r in results:
        lines.append(f"{'PASS' if r.passed else 'FAIL'}  {r.file} :: {r.case}")
        if r.error:
            lines.append(f"      error: {r.error}")
        for m in r.mismatches:
            lines.append(f"      {m.path}: expected {m.expected}, actual {m.actual}")
            if m.explanation:
                lines.append("        why (依据):")
                lines.extend(f"          {e}" for e in m.explanation)
    passed = sum(r.passed for r in results)
    lines.append(f"{passed} passed, {len(results) - passed} failed")
    return "\n".join(lines)
