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

A case runs through :data:`STAGES`: its tender, if any (``[case.tender]`` and
``[[case.bids]]`` evaluated, compared with ``[case.expect.tender]``, and awarded by
``[case.award]``, whose contract then is the case's), the contract, its changes (signed on a
timeline), its assessments (with a line's own payment rule and KPIs), then its statements —
the term's periods settled in order, each carrying the previous one — compared with
``[[case.expect.statements]]``.  A case has a contract, a tender, or both.
:func:`settle_case` gives one period's statement (what ``outsourcing settle`` prints).

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
from typing import Any, TypeVar, cast

import attrs

from .catalogue import KpiSpec
from .changes import ACTION_KINDS, Change, Timeline
from .dates import Period, as_date
from .errors import ChangeRejected, OutsourcingError, ProcurementError
from .model import Contract, Pricing, Supplier
from .money import Money
from .payment import PaymentRule
from .performance import Assessment, Metric, ScoreSheet, Survey
from .plugins import Registry, load
from .procurement import (
    Award,
    Bid,
    BidEvaluation,
    EvaluationReport,
    Figure,
    Tender,
    award,
    evaluate,
)
from .rules import RuleBook
from .serialize import structure
from .settlement import PreparedContract, prepare
from .statement import Explanation, LineStatus, Statement, StatementLine
from .usage import Usage

__all__ = [
    "Case",
    "CaseResult",
    "Mismatch",
    "ScenarioError",
    "find_case",
    "load_file",
    "render_results",
    "run_case",
    "run_files",
    "settle_case",
]

T = TypeVar("T")


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
             "award"}
EXPECT_KEYS = {"original_amount", "findings", "rejected", "headroom", "statements", "tender",
               "award"}
CONTRACT_KEYS = ("changes", "assessments", "payment", "kpis", "settle", "usage")
"""Sections that need a contract: ``[case.contract]`` or the one ``[case.award]`` builds."""
CONTRACT_EXPECT_KEYS = ("original_amount", "findings", "rejected", "headroom", "statements")

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
    prepared: PreparedContract | None = None
    assessments: dict[int, list[Assessment]] = attrs.Factory(dict)
    """This case's assessments by settlement period (its index in the term)."""
    inputs: dict[int, dict[str, Any]] = attrs.Factory(dict)
    """Each period's settlement inputs from ``[[case.settle]]`` (accepted_on, paid_on, …)."""
    usage: dict[int, list[Usage]] = attrs.Factory(dict)
    """Actual quantities or materials by period (``[[case.usage]]``, 按实结算)."""
    statements: list[Statement] = attrs.Factory(list)
    """The statements settled so far, in order from the term's first period."""
    contract: Contract | None = attrs.Factory(lambda run: run.case.contract, takes_self=True)
    """The case's contract, or the one awarded to the tender's winner (``[case.award]``)."""
    tender: Tender | None = None
    bids: list[Bid] = attrs.Factory(list)
    report: EvaluationReport | None = None
    """The tender's evaluation report, once evaluated (None when the tender is refused)."""
    refused: ProcurementError | None = None
    """Why the tender itself was refused by a rule in force, when it was."""
    award: Award | None = None

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
    contract, expect = run.contract, run.expect
    if contract is None:
        return
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


def _sign_changes(run: Run) -> Timeline:
    """Sign the case's changes in order; a rejected change is recorded, not raised."""
    raws = run.case.raw.get("changes", [])
    if not isinstance(raws, list):
        raise run.fail("changes", "changes is an array of tables ([[case.changes]])")
    changes = [_read_change(run, i, raw) for i, raw in enumerate(raws)]
    timeline = Timeline(_contract(run))
    for change in changes:
        try:
            timeline = timeline.sign(change, run.rulebook, today=run.case.today)
        except ChangeRejected as exc:
            run.rejected[change.id] = exc
            timeline = timeline.reject(change, exc.reason)
    run.timeline = timeline
    return timeline


def _stage_changes(run: Run) -> None:
    if run.contract is None:
        return
    timeline = _sign_changes(run)
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


# --- assessments and statements ----------------------------------------------------------

SETTLE_KEYS = ("period", "accepted_on", "acceptance_due", "paid_on", "release_holdback")
"""What ``[[case.settle]]`` may say about one period's settlement."""

SETTLING_KEYS = ("assessments", "payment", "kpis", "settle", "usage")

Kind = str
"""How an expected figure is read and compared: money, decimal, rate, int, date, bool,
status, str, list (a set: order ignored) or order (a list in order)."""

_Figure = tuple[Kind, Callable[[Any], Any], tuple[str, ...]]

STATEMENT_FIGURES: dict[str, _Figure] = {
    "fee": ("money", lambda s: s.fee, ("合同费用",)),
    "performance_amount": ("money", lambda s: s.performance_amount, ("考核后金额",)),
    "deductions": ("money", lambda s: s.deductions, ("实际扣款", "扣款上限（合计）")),
    "holdback": ("money", lambda s: s.holdback, ("暂扣款",)),
    "released": ("money", lambda s: s.released, ("释放暂扣款",)),
    "withheld": ("money", lambda s: s.withheld, ("暂缓支付",)),
    "payable": ("money", lambda s: s.payable, ("应付金额合计", "应付金额")),
    "total_cap": ("money", lambda s: s.total_cap, ("扣款上限（合计）",)),
    "accepted_on": ("date", lambda s: s.accepted_on, ("到期日",)),
    "clock_start": ("date", lambda s: s.clock_start, ("到期日",)),
    "payment_days": ("int", lambda s: s.payment_days, ("到期日",)),
    "due_on": ("date", lambda s: s.due_on, ("到期日",)),
    "paid_on": ("date", lambda s: s.paid_on, ("逾期利息",)),
    "late_days": ("int", lambda s: s.late_days, ("逾期利息",)),
    "late_interest": ("money", lambda s: s.late_interest, ("逾期利息",)),
    "amount_due": ("money", lambda s: s.amount_due, ("应付金额合计", "逾期利息")),
    "warnings": ("list", lambda s: s.notices, ("预警通知", "考核得分")),
    "triggers": ("list", lambda s: [t.rule_id for t in s.triggers], ()),
    "findings": ("list", lambda s: [f.code for f in s.findings], ()),
}
"""Statement totals an expectation may name, with the explanations that show why."""

LINE_FIGURES: dict[str, _Figure] = {
    "status": ("status", lambda x: x.status.value, ("暂缓支付",)),
    "fee": ("money", lambda x: x.fee, ("合同费用",)),
    "score": ("decimal", lambda x: x.score, ("考核得分", "指标 *")),
    "rate": ("rate", lambda x: x.pay_rate, ("支付比例",)),
    "performance_amount": ("money", lambda x: x.performance_amount, ("考核后金额", "支付比例")),
    "deductions": ("money", lambda x: x.deductions_applied,
                   ("扣款 *", "实际扣款")),
    "deductions_total": ("money", lambda x: x.deductions_total, ("扣款 *",)),
    "line_cap": ("money", lambda x: x.line_cap, ("扣款上限（单项）",)),
    "holdback": ("money", lambda x: x.holdback, ("暂扣款",)),
    "released": ("money", lambda x: x.released, ("释放暂扣款",)),
    "withheld": ("money", lambda x: x.withheld, ("暂缓支付",)),
    "payable": ("money", lambda x: x.payable, ("应付金额",)),
    "held_balance": ("money", lambda x: x.held_balance, ("暂扣款", "释放暂扣款")),
    "warning": ("bool", lambda x: x.warning_notice, ("预警通知", "考核得分")),
    "failing_streak": ("int", lambda x: x.failing_streak, ("预警通知", "考核得分")),
}
"""Per-line figures an expectation may name (``[case.expect.statements.lines.<id>]``)."""

ALIASES = {"due_date": "due_on", "interest": "late_interest", "pay_rate": "rate",
           "notices": "warnings"}
"""Other names accepted for a figure (the issue's words next to the JSON's)."""


def _settles(case: Case) -> bool:
    expect = case.raw.get("expect", {})
    return any(k in case.raw for k in SETTLING_KEYS) or (
        isinstance(expect, dict) and "statements" in expect)


def _read(run: Run, data: Any, cls: type[T], path: str) -> T:
    """A model object from a table of the case; an error names the path of the bad field."""
    try:
        return structure(data, cls, source=run.field(path))
    except OutsourcingError as exc:
        head = run.field("")
        field = exc.field.removeprefix(head) if exc.field and exc.field.startswith(head) \
            else path
        reason = exc.reason.removeprefix(f"cannot read {cls.__name__}: ")
        if exc.field and "; " not in reason:
            # one problem: drop the repeated path and name the key itself where known
            reason = reason.removesuffix(f" @ {exc.field}")
            m = _KEY_RE.search(reason)
            key = (m.group(1) or m.group(2)) if m else None
            if key and not (field == key or field.endswith(f".{key}")):
                field = f"{field}.{key}"
        raise run.fail(field, reason) from None


_KEY_RE = re.compile(r"^unknown keys: (\w+)|\((\w+)=[^()]*\)$")
"""The key a single structuring problem names: an unknown key, or ``(points='53')``."""


def _table(run: Run, key: str, what: str) -> Mapping[str, Any]:
    raw = run.case.raw.get(key, {})
    if not isinstance(raw, dict):
        raise run.fail(key, what)
    return raw


def _read_payment(run: Run, lines: Iterable[str]) -> dict[str, PaymentRule]:
    raw = _table(run, "payment", "payment is a table of line id → rule ([case.payment.<line>])")
    known = list(lines)
    out = {}
    for lid, body in raw.items():
        if lid not in known:
            raise run.fail(f"payment.{lid}", f"no such line; the lines: {', '.join(known)}", lid)
        if not isinstance(body, dict):
            raise run.fail(f"payment.{lid}", "a payment rule is a table (rate, deductions, …)")
        out[lid] = _read(run, body, PaymentRule, f"payment.{lid}")
    return out


def _read_kpis(run: Run, lines: Iterable[str]) -> dict[str, tuple[KpiSpec, ...]]:
    raw = _table(run, "kpis", "kpis is a table of line id → KPIs ([[case.kpis.<line>]])")
    known = list(lines)
    out = {}
    for lid, specs in raw.items():
        if lid not in known:
            raise run.fail(f"kpis.{lid}", f"no such line; the lines: {', '.join(known)}", lid)
        if not isinstance(specs, list) or not all(isinstance(s, dict) for s in specs):
            raise run.fail(f"kpis.{lid}", "a line's KPIs are an array of tables "
                           f"([[case.kpis.{lid}]])")
        out[lid] = tuple(_read(run, {"name_en": s.get("id", ""), **s}, KpiSpec,
                               f"kpis.{lid}[{n}]") for n, s in enumerate(specs))
    return out


_WHERE_RE = re.compile(r"^(kpis|rules)\[([^\]]+)\](.*)$")


def _prepare(run: Run) -> PreparedContract:
    """The case's contract (or timeline) prepared once, with its own rules and KPIs."""
    if run.prepared is not None:
        return run.prepared
    case = run.case
    source: Contract | Timeline = _contract(run)
    if case.raw.get("changes"):
        source = run.timeline if run.timeline is not None else _sign_changes(run)
    lines = list(source.all_lines())
    rules = _read_payment(run, lines)
    kpis = _read_kpis(run, lines)
    try:
        run.prepared = prepare(source, run.rulebook, rules=rules, kpis=kpis)
    except OutsourcingError as exc:
        m = _WHERE_RE.match(exc.field or "")
        path = (f"{'kpis' if m.group(1) == 'kpis' else 'payment'}.{m.group(2)}{m.group(3)}"
                if m else "kpis")
        raise run.fail(path, exc.reason, exc.value) from None
    return run.prepared


def _read_assessments(run: Run, prepared: PreparedContract) -> None:
    raws = run.case.raw.get("assessments", [])
    if not isinstance(raws, list):
        raise run.fail("assessments", "assessments is an array of tables ([[case.assessments]])")
    seen: dict[tuple[str, int], int] = {}
    for n, raw in enumerate(raws):
        path = f"assessments[{n}]"
        if not isinstance(raw, dict):
            raise run.fail(path, "an assessment is a table")
        a = _read(run, raw, Assessment, path)
        if a.line not in prepared.line_index:
            raise run.fail(f"{path}.line", "no such line; the lines (changes included): "
                           + ", ".join(prepared.line_index), a.line)
        try:
            k = prepared.period_index(a.period)
        except OutsourcingError as exc:
            raise run.fail(f"{path}.period", exc.reason, str(a.period)) from None
        if (a.line, k) in seen:
            raise run.fail(f"{path}.line", f"line {a.line} is assessed twice for {a.period} "
                           f"(also assessments[{seen[a.line, k]}])", a.line)
        seen[a.line, k] = n
        pl = prepared.lines[prepared.line_index[a.line]]
        groups: tuple[tuple[str, Sequence[ScoreSheet | Metric | Survey]], ...] = (
            ("sheets", a.sheets), ("metrics", a.metrics), ("surveys", a.surveys))
        for group, items in groups:
            for j, m in enumerate(items):
                if m.kpi not in pl.kpis.index:
                    raise run.fail(f"{path}.{group}[{j}].kpi",
                                   f"line {a.line} has no KPI {m.kpi!r}; its KPIs: "
                                   + ", ".join(pl.kpis.index), m.kpi)
        try:
            pl.kpis.values_of(a, where=path)
        except OutsourcingError as exc:
            raise run.fail(exc.field or path, exc.reason, exc.value) from None
        priced = pl.compiled.deductions
        for j, inc in enumerate(a.incidents):
            if inc.kind not in priced:
                raise run.fail(f"{path}.incidents[{j}].kind",
                               f"incident kind {inc.kind!r} has no deduction in line "
                               f"{a.line}'s payment rule; priced: "
                               + (", ".join(sorted(priced)) or "none"), inc.kind)
        run.assessments.setdefault(k, []).append(a)


def _read_usage(run: Run, prepared: PreparedContract) -> None:
    raws = run.case.raw.get("usage", [])
    if not isinstance(raws, list):
        raise run.fail("usage", "usage is an array of tables ([[case.usage]])")
    for n, raw in enumerate(raws):
        path = f"usage[{n}]"
        if not isinstance(raw, dict):
            raise run.fail(path, "a usage is a table (line, period, quantity or materials)")
        u = _read(run, raw, Usage, path)
        try:
            k = prepared.period_index(u.period)
        except OutsourcingError as exc:
            raise run.fail(f"{path}.period", exc.reason, str(u.period)) from None
        same = [*run.usage.get(k, ()), u]
        try:  # priced now, so that a bad usage names its own table
            prepared.actual_fees(k, same)
        except OutsourcingError as exc:
            field = re.sub(r"^usage\[[^]]+\]", path, exc.field or path)
            raise run.fail(field, exc.reason, exc.value) from None
        run.usage[k] = same


def _read_settle(run: Run, prepared: PreparedContract) -> None:
    raws = run.case.raw.get("settle", [])
    if not isinstance(raws, list):
        raise run.fail("settle", "settle is an array of tables ([[case.settle]]), one a period")
    for n, raw in enumerate(raws):
        path = f"settle[{n}]"
        if not isinstance(raw, dict):
            raise run.fail(path, "a table with period, accepted_on, paid_on, …")
        unknown = sorted(set(raw) - set(SETTLE_KEYS))
        if unknown:
            raise run.fail(f"{path}.{unknown[0]}",
                           f"unknown key; [[case.settle]] takes {', '.join(SETTLE_KEYS)}",
                           unknown)
        k = _period_of(run, prepared, raw, path)
        if k in run.inputs:
            raise run.fail(f"{path}.period", "this period is given twice", str(raw["period"]))
        inputs: dict[str, Any] = {}
        for key in ("accepted_on", "acceptance_due", "paid_on"):
            if key in raw:
                try:
                    inputs[key] = as_date(raw[key], field=key)
                except OutsourcingError as exc:
                    raise run.fail(f"{path}.{key}", exc.reason, raw[key]) from None
        if "release_holdback" in raw:
            if not isinstance(raw["release_holdback"], bool):
                raise run.fail(f"{path}.release_holdback", "true or false",
                               raw["release_holdback"])
            inputs["release_holdback"] = raw["release_holdback"]
        run.inputs[k] = inputs


def _period_of(run: Run, prepared: PreparedContract, raw: Mapping[str, Any], path: str) -> int:
    if "period" not in raw:
        raise run.fail(f"{path}.period", "a period is needed (\"2022-10\" or \"2022-Q4\")")
    try:
        return prepared.period_index(_read(run, raw["period"], Period, f"{path}.period"))
    except ScenarioError:
        raise
    except OutsourcingError as exc:
        raise run.fail(f"{path}.period", exc.reason, str(raw["period"])) from None


def _stage_assessments(run: Run) -> None:
    """Read ``[[case.assessments]]``, ``[case.payment]``, ``[case.kpis]``,
    ``[[case.usage]]`` and ``[[case.settle]]`` against the prepared contract."""
    if not _settles(run.case):
        return
    prepared = _prepare(run)
    _read_assessments(run, prepared)
    _read_usage(run, prepared)
    _read_settle(run, prepared)


def _settle_through(run: Run, prepared: PreparedContract, last: int) -> list[Statement]:
    """Settle the term's periods in order up to index ``last``, each carrying the previous."""
    out = run.statements
    prev = out[-1] if out else None
    for k in range(len(out), last + 1):
        period = prepared.periods[k]
        try:
            prev = prepared.settle(period, run.assessments.get(k, ()), previous=prev,
                                   usage=run.usage.get(k, ()), **run.inputs.get(k, {}))
        except OutsourcingError as exc:
            raise run.fail(f"settle[{period}]", str(exc)) from None
        out.append(prev)
    return out


def _trail(explanations: Iterable[Explanation], figures: Sequence[str]) -> list[str]:
    out = []
    for e in explanations:
        for f in figures:
            if e.figure == f or (f.endswith("*") and e.figure.startswith(f[:-1])):
                out.append(str(e))
                break
    return out


def _expected(run: Run, path: str, kind: Kind, value: Any) -> Any:
    """An expected value in the type of the actual figure; a bad one names its field."""
    try:
        if kind == "money":
            if not isinstance(value, str | int) or isinstance(value, bool):
                raise ValueError("money is a string such as \"1234.56\"")
            return Money(value)
        if kind in ("decimal", "rate"):
            if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
                raise ValueError("a number such as \"94.02\"")
            text = str(value).strip()
            if kind == "rate" and text.endswith("%"):
                return Decimal(text[:-1]) / 100
            return Decimal(text)
        if kind == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError("a whole number")
            return value
        if kind == "date":
            return as_date(value, field=path)
        if kind == "bool":
            if not isinstance(value, bool):
                raise ValueError("true or false")
            return value
        if kind == "str":
            if not isinstance(value, str):
                raise ValueError("a string")
            return value
        if kind == "status":
            if value not in {s.value for s in LineStatus}:
                raise ValueError(f"one of {', '.join(s.value for s in LineStatus)}")
            return value
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError("a list of strings ([] for none)")
        return value if kind == "order" else sorted(value)
    except OutsourcingError as exc:
        raise run.fail(path, exc.reason, value) from None
    except (ValueError, ArithmeticError) as exc:
        raise run.fail(path, str(exc) or "not a number", value) from None


def _shown(value: Any, kind: Kind = "") -> str:
    if kind == "rate" and isinstance(value, Decimal):
        return f"{(value * 100).normalize():f}%"
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ", ".join(value) or "(none)"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _check(run: Run, shown: str, path: str, kind: Kind, want: Any, got: Any,
           why: Callable[[], list[str]]) -> None:
    expected = _expected(run, path, kind, want)
    if kind == "list":
        got = sorted(got)
    if expected != got:
        run.mismatches.append(Mismatch(shown, _shown(expected, kind), _shown(got, kind),
                                       tuple(why())))


def _check_statement(run: Run, n: int, spec: Mapping[str, Any], st: Statement) -> None:
    base = f"expect.statements[{n}]"
    shown = f"expect.statements[{st.period}]"
    everything = st.all_explanations()
    for key, want in spec.items():
        if key in ("period", "lines"):
            continue
        name = ALIASES.get(key, key)
        if name not in STATEMENT_FIGURES:
            raise run.fail(f"{base}.{key}", "unknown figure; a statement has "
                           + ", ".join([*STATEMENT_FIGURES, "lines"]), key)
        kind, get, figures = STATEMENT_FIGURES[name]

        def why(figures: Sequence[str] = figures, name: str = name) -> list[str]:
            if name == "triggers":
                return [f"{t.message} [{t.rule_id}; {t.citation}]" for t in st.triggers]
            trail = _trail(everything, figures) if figures else []
            return trail or [str(f) for f in st.findings] or [
                f"{x.line_id} 状态 = {x.status.zh}" for x in st.lines]
        _check(run, f"{shown}.{key}", f"{base}.{key}", kind, want, get(st), why)
    lines = spec.get("lines", {})
    if not isinstance(lines, dict):
        raise run.fail(f"{base}.lines", "lines is a table of line id → figures "
                       "([case.expect.statements.lines.<line>])")
    ids = [x.line_id for x in st.lines]
    for lid, figs in lines.items():
        if lid not in ids:
            raise run.fail(f"{base}.lines.{lid}", f"no such line; the lines: {', '.join(ids)}",
                           lid)
        if not isinstance(figs, dict):
            raise run.fail(f"{base}.lines.{lid}", "a table of figures")
        _check_line(run, f"{base}.lines.{lid}", f"{shown}.lines.{lid}", figs, st,
                    st.line(lid))


def _check_line(run: Run, base: str, shown: str, figs: Mapping[str, Any], st: Statement,
                x: StatementLine) -> None:
    def fallback() -> list[str]:
        return [f"{x.line_id} 状态 = {x.status.zh}"] + [
            str(f) for f in st.findings if f.field == f"assessments[{x.line_id}]"]

    for key, want in figs.items():
        if key == "kpis":
            _check_kpis(run, f"{base}.kpis", f"{shown}.kpis", want, x, fallback)
            continue
        name = ALIASES.get(key, key)
        if name not in LINE_FIGURES:
            raise run.fail(f"{base}.{key}", "unknown figure; a line has "
                           + ", ".join([*LINE_FIGURES, "kpis"]), key)
        kind, get, figures = LINE_FIGURES[name]

        def why(figures: Sequence[str] = figures) -> list[str]:
            return _trail(x.explanations, figures) or fallback()
        _check(run, f"{shown}.{key}", f"{base}.{key}", kind, want, get(x), why)


def _check_kpis(run: Run, base: str, shown: str, want: Any, x: StatementLine,
                fallback: Callable[[], list[str]]) -> None:
    if not isinstance(want, dict):
        raise run.fail(base, "kpis is a table of KPI id → points, e.g. { inspection = \"29.00\" }")
    prepared = _prepare(run)
    pl = prepared.lines[prepared.line_index[x.line_id]]
    points = {k.id: k.points for k in x.kpis}
    for kpi, value in want.items():
        if kpi not in pl.kpis.index:
            raise run.fail(f"{base}.{kpi}", f"line {x.line_id} has no KPI {kpi!r}; its KPIs: "
                           + ", ".join(pl.kpis.index), kpi)
        name_zh = pl.kpis.specs[pl.kpis.index[kpi]].name_zh

        def why(name_zh: str = name_zh) -> list[str]:
            return _trail(x.explanations, (f"指标 {name_zh}",)) or fallback()
        _check(run, f"{shown}.{kpi}", f"{base}.{kpi}", "decimal", value, points.get(kpi), why)


def _stage_statements(run: Run) -> None:
    """Settle the case's periods in order and compare ``[[case.expect.statements]]``."""
    if not _settles(run.case):
        return
    prepared = _prepare(run)
    specs = run.expect.get("statements", [])
    if not isinstance(specs, list) or not all(isinstance(s, dict) for s in specs):
        raise run.fail("expect.statements", "an array of tables ([[case.expect.statements]])")
    wanted: list[tuple[int, int, Mapping[str, Any]]] = []
    seen: dict[int, int] = {}
    for n, spec in enumerate(specs):
        k = _period_of(run, prepared, spec, f"expect.statements[{n}]")
        if k in seen:
            raise run.fail(f"expect.statements[{n}].period",
                           f"already expected in expect.statements[{seen[k]}]",
                           str(spec["period"]))
        seen[k] = n
        wanted.append((n, k, spec))
    last = max([*seen, *run.assessments, *run.inputs, *run.usage], default=-1)
    statements = _settle_through(run, prepared, last)
    for n, k, spec in wanted:
        _check_statement(run, n, spec, statements[k])


# --- tendering (采购与授予) -----------------------------------------------------------------

BID_KEYS = ("id", "supplier", "prices", "points")
"""What ``[[case.bids]]`` may say about one bid."""

AWARD_KEYS = ("contract_id", "notified_on", "signed_on", "declined")
"""What ``[case.award]`` may say."""

TENDER_FIGURES = ("refused", "benchmark", "winner", "ranking", "excluded", "failed", "findings",
                  "bids")
"""What ``[case.expect.tender]`` may name."""

BID_FIGURES = ("valid", "reasons", "rules", "bid_price", "deduction", "evaluated_price",
               "price_score", "factors", "total", "rank")
"""What ``[case.expect.tender.bids.<id>]`` may name."""

AWARD_FIGURES = ("bid", "supplier", "amount", "sign_by", "findings")
"""What ``[case.expect.award]`` may name."""

_POINTS_RE = re.compile(r"points\[([^\]]+)\]")


def _bid_field(n: int, field: str | None) -> str:
    """``bids[n].points.technical[2]`` for a bid's own ``points[technical][2]``."""
    return f"bids[{n}]" + ("." + _POINTS_RE.sub(r"points.\1", field) if field else "")


def _read_tender(run: Run) -> Tender:
    raw = dict(run.case.raw["tender"])
    raw.setdefault("jurisdiction", run.case.jurisdiction)
    return _read(run, raw, Tender, "tender")


def _read_bid(run: Run, tender: Tender, n: int, raw: Any) -> Bid:
    path = f"bids[{n}]"
    if not isinstance(raw, dict):
        raise run.fail(path, "a bid is a table (id, supplier, prices, points)")
    unknown = sorted(set(raw) - set(BID_KEYS))
    if unknown:
        raise run.fail(f"{path}.{unknown[0]}",
                       f"unknown key; a bid ([[case.bids]]) has {', '.join(BID_KEYS)}", unknown)
    for key in ("id", "supplier", "prices"):
        if key not in raw:
            raise run.fail(f"{path}.{key}", "required field missing")
    supplier = _read(run, raw["supplier"], Supplier, f"{path}.supplier")
    prices = raw["prices"]
    if not isinstance(prices, dict) or not prices:
        raise run.fail(f"{path}.prices", "prices is a table of line id → monthly fee, e.g. "
                       "{ property = \"250000.00\" }", prices)
    priced: dict[str, Pricing] = {}
    for lid, p in prices.items():
        where = f"{path}.prices.{lid}"
        if lid not in tender.line_ids:
            raise run.fail(where, "no such line in the tender; its lines: "
                           + ", ".join(tender.line_ids), lid)
        body = p if isinstance(p, dict) else {"kind": "fixed_monthly", "monthly_fee": p}
        priced[lid] = _read(run, body, cast("type[Pricing]", Pricing), where)
    points = raw.get("points", {})
    if not isinstance(points, dict):
        raise run.fail(f"{path}.points", "points is a table of factor id → each evaluator's "
                       "points, e.g. { technical = [\"45\", \"46\", \"44\"] }", points)
    factors = [f.id for f in tender.scoring.factors] if tender.scoring else []
    for fid, ps in points.items():
        if fid not in factors:
            raise run.fail(f"{path}.points.{fid}", "no such factor; the tender's factors: "
                           + (", ".join(factors) or "none (最低评标价法 scores price only)"), fid)
        if not isinstance(ps, list):
            raise run.fail(f"{path}.points.{fid}", "an array of each evaluator's points", ps)
    try:
        return Bid(raw["id"], supplier, priced, points)
    except OutsourcingError as exc:
        raise run.fail(_bid_field(n, exc.field), exc.reason, exc.value) from None


def _read_award(run: Run) -> dict[str, Any]:
    raw = run.case.raw["award"]
    unknown = sorted(set(raw) - set(AWARD_KEYS))
    if unknown:
        raise run.fail(f"award.{unknown[0]}",
                       f"unknown key; [case.award] takes {', '.join(AWARD_KEYS)}", unknown)
    if "notified_on" not in raw:
        raise run.fail("award.notified_on", "the day of the award notice (中标通知书) is needed")
    out: dict[str, Any] = {"contract_id": raw.get("contract_id", f"{_tender(run).id}-HT")}
    if not isinstance(out["contract_id"], str):
        raise run.fail("award.contract_id", "a string", out["contract_id"])
    for key in ("notified_on", "signed_on"):
        if key in raw:
            try:
                out[key] = as_date(raw[key], field=key)
            except OutsourcingError as exc:
                raise run.fail(f"award.{key}", exc.reason, raw[key]) from None
    declined = raw.get("declined", [])
    if not isinstance(declined, list) or not all(isinstance(d, str) for d in declined):
        raise run.fail("award.declined", "a list of bid ids", declined)
    out["declined"] = declined
    return out


def _tender(run: Run) -> Tender:
    if run.tender is None:
        run.tender = _read_tender(run)
    return run.tender


def _evaluate(run: Run) -> EvaluationReport | None:
    """Read the tender and its bids and evaluate them once; None when the tender is refused
    by a rule in force (``run.refused``)."""
    if run.report is not None or run.refused is not None:
        return run.report
    tender = _tender(run)
    raws = run.case.raw.get("bids", [])
    if not isinstance(raws, list):
        raise run.fail("bids", "bids is an array of tables ([[case.bids]])")
    run.bids = [_read_bid(run, tender, n, raw) for n, raw in enumerate(raws)]
    try:
        run.report = evaluate(tender, run.bids, run.rulebook)
    except ProcurementError as exc:
        field = exc.field or ""
        m = re.match(r"bids\[(\d+)\]\.?(.*)$", field)
        if m:
            raise run.fail(_bid_field(int(m.group(1)), m.group(2) or None), exc.reason,
                           exc.value) from None
        if field == "bids":
            raise run.fail("bids", exc.reason, exc.value) from None
        if exc.rule_id is None:  # a structural defect, not a rule in force
            raise run.fail(f"tender.{field}" if field else "tender", exc.reason,
                           exc.value) from None
        run.refused = exc
    return run.report


def _award(run: Run) -> Award | None:
    """The award of ``[case.award]``: its contract becomes the case's contract."""
    if run.award is not None or "award" not in run.case.raw:
        return run.award
    spec = _read_award(run)
    report = _evaluate(run)
    if report is None:
        assert run.refused is not None
        raise run.fail("award", f"no award: the tender is refused: {_because(run.refused)}")
    try:
        run.award = award(report, run.rulebook, **spec)
    except ProcurementError as exc:
        raise run.fail(f"award.{exc.field}" if exc.field in AWARD_KEYS else "award",
                       _because(exc), exc.value) from None
    run.contract = run.award.contract
    return run.award


def _contract(run: Run) -> Contract:
    """The contract the case runs on: its own, or the one awarded to the tender's winner."""
    if run.contract is None:
        _award(run)
    if run.contract is None:
        raise run.fail("contract", "the case has no contract: add [case.contract], or "
                       "[case.award] for the tender's winner")
    return run.contract


def _because(exc: OutsourcingError) -> str:
    """An error's reason with its rule and citation, without repeating the field."""
    cite = "; ".join(x for x in (exc.rule_id, exc.citation) if x)
    return exc.reason + (f" [rule {cite}]" if cite else "")


def _figures(*figures: Figure | None) -> list[str]:
    return [f.explain() for f in figures if f is not None]


def _stage_tender(run: Run) -> None:
    """Evaluate ``[case.tender]`` and ``[[case.bids]]``, award when ``[case.award]`` says so,
    and compare ``[case.expect.tender]`` and ``[case.expect.award]``."""
    if "tender" not in run.case.raw:
        return
    report = _evaluate(run)
    spec = run.expect.get("tender", {})
    if not isinstance(spec, dict):
        raise run.fail("expect.tender", "a table ([case.expect.tender])")
    unknown = sorted(set(spec) - set(TENDER_FIGURES))
    if unknown:
        raise run.fail(f"expect.tender.{unknown[0]}",
                       "unknown figure; a tender has " + ", ".join(TENDER_FIGURES), unknown)
    refused = run.refused
    if "refused" in spec:
        want = _expected(run, "expect.tender.refused", "str", spec["refused"])
        got = refused.rule_id if refused is not None else None
        if want != got:
            why = [str(refused)] if refused is not None else [
                f"the tender passed every check in force on {_tender(run).evaluated_on}"]
            run.mismatches.append(Mismatch("expect.tender.refused", want,
                                           _shown(got) if got else "(evaluated)", tuple(why)))
    if report is None:
        assert refused is not None
        if "refused" not in spec:
            path = refused.field or "tender"
            raise run.fail(f"tender.{path}", _because(refused), refused.value)
        if set(spec) - {"refused"} or "award" in run.expect:
            raise run.fail("expect.tender.refused", "a refused tender is not evaluated: "
                           "expect nothing else of it")
        return
    _check_tender_figures(run, report, spec)
    awarded = _award(run)
    want_award = run.expect.get("award", {})
    if not isinstance(want_award, dict):
        raise run.fail("expect.award", "a table ([case.expect.award])")
    if awarded is not None:
        _check_award(run, awarded, want_award)


def _check_tender_figures(run: Run, report: EvaluationReport,
                          spec: Mapping[str, Any]) -> None:
    base = "expect.tender"
    winner = report.winner

    def ranking() -> list[str]:
        return [f"第{e.rank}名 {e.bid.id}: {e.rank_note}" for e in report.ranked]

    def checks() -> list[str]:
        return [f"{e.bid.id} {c.explain()}" for e in report.excluded for c in e.reasons] or [
            "every bid passed every check"]

    figures: dict[str, tuple[Kind, Any, Callable[[], list[str]]]] = {
        "benchmark": ("money", report.benchmark.value if report.benchmark else None,
                      lambda: _figures(report.benchmark, *(
                          e.evaluated_price for e in report.ranked))),
        "winner": ("str", winner.bid.id if winner else None,
                   lambda: ([str(report.failed)] if report.failed else [])
                   + _figures(*(e.total for e in report.ranked[:2])) + ranking()[:2]),
        "ranking": ("order", [e.bid.id for e in report.ranked], ranking),
        "excluded": ("list", [e.bid.id for e in report.excluded], checks),
        "failed": ("bool", report.failed is not None,
                   lambda: [str(report.failed)] if report.failed else [
                       f"{len(report.ranked)} compliant bids, at least "
                       f"{report.rule('procurement.min_valid_bids').describe()}"]),
        "findings": ("list", [f.code for f in report.findings],
                     lambda: [str(f) for f in report.findings]),
    }
    for key, want in spec.items():
        if key in ("refused", "bids"):
            continue
        kind, got, why = figures[key]
        _check(run, f"{base}.{key}", f"{base}.{key}", kind, want, got, why)
    bids = spec.get("bids", {})
    if not isinstance(bids, dict):
        raise run.fail(f"{base}.bids", "a table of bid id → figures "
                       "([case.expect.tender.bids.<id>])")
    ids = [e.bid.id for e in report.evaluations]
    for bid_id, figs in bids.items():
        if bid_id not in ids:
            raise run.fail(f"{base}.bids.{bid_id}", f"no such bid; the bids: {', '.join(ids)}",
                           bid_id)
        if not isinstance(figs, dict):
            raise run.fail(f"{base}.bids.{bid_id}", "a table of figures")
        _check_bid(run, f"{base}.bids.{bid_id}", figs, report, report.of(bid_id))


def _check_bid(run: Run, base: str, figs: Mapping[str, Any], report: EvaluationReport,
               e: BidEvaluation) -> None:
    def checks() -> list[str]:
        return [c.explain() for c in (e.reasons or e.checks)]

    def scored(*more: Figure | None) -> Callable[[], list[str]]:
        return lambda: _figures(*more) or checks()

    deduction = e.deduction.value if e.deduction else (
        Money.ZERO if e.evaluated_price is not None else None)
    figures: dict[str, tuple[Kind, Any, Callable[[], list[str]]]] = {
        "valid": ("bool", e.valid, checks),
        "reasons": ("list", [c.code for c in e.reasons], checks),
        "rules": ("list", [c.rule_id or "" for c in e.reasons], checks),
        "bid_price": ("money", e.bid_price.value, scored(e.bid_price)),
        "deduction": ("money", deduction, scored(e.deduction, e.evaluated_price)),
        "evaluated_price": ("money", e.evaluated_price.value if e.evaluated_price else None,
                            scored(e.bid_price, e.deduction, e.evaluated_price)),
        "price_score": ("decimal", e.price_score.value if e.price_score else None,
                        scored(report.benchmark, e.evaluated_price, e.price_score)),
        "total": ("decimal", e.total.value if e.total else None,
                  scored(e.price_score, *e.factor_scores, e.total)),
        "rank": ("int", e.rank, lambda: ([e.rank_note] if e.rank_note else []) + (
            _figures(e.total, e.evaluated_price) if e.valid else checks())),
    }
    for key, want in figs.items():
        if key == "factors":
            _check_factors(run, f"{base}.factors", want, e, checks)
            continue
        if key not in figures:
            raise run.fail(f"{base}.{key}", "unknown figure; a bid has " + ", ".join(BID_FIGURES),
                           key)
        kind, got, why = figures[key]
        _check(run, f"{base}.{key}", f"{base}.{key}", kind, want, got, why)


def _check_factors(run: Run, base: str, want: Any, e: BidEvaluation,
                   checks: Callable[[], list[str]]) -> None:
    scheme = _tender(run).scoring
    factors = [f.id for f in scheme.factors] if scheme else []
    if not isinstance(want, dict):
        raise run.fail(base, "factors is a table of factor id → score, e.g. "
                       "{ technical = \"45.00\" }")
    scores = dict(zip(factors, e.factor_scores, strict=False))
    for fid, value in want.items():
        if fid not in factors:
            raise run.fail(f"{base}.{fid}", "no such factor; the tender's factors: "
                           + (", ".join(factors) or "none (最低评标价法)"), fid)
        fig = scores.get(fid)

        def why(fig: Figure | None = fig) -> list[str]:
            return _figures(fig) or checks()
        _check(run, f"{base}.{fid}", f"{base}.{fid}", "decimal", value,
               fig.value if fig else None, why)


def _check_award(run: Run, a: Award, spec: Mapping[str, Any]) -> None:
    base = "expect.award"
    figures: dict[str, tuple[Kind, Any]] = {
        "bid": ("str", a.evaluation.bid.id),
        "supplier": ("str", a.contract.supplier.id),
        "amount": ("money", a.contract.original_amount),
        "sign_by": ("date", a.sign_by),
        "findings": ("list", [f.code for f in a.findings]),
    }
    for key, want in spec.items():
        if key not in figures:
            raise run.fail(f"{base}.{key}", "unknown figure; an award has "
                           + ", ".join(AWARD_FIGURES), key)
        kind, got = figures[key]

        def why() -> list[str]:
            return [*a.explain().splitlines(), *_figures(a.evaluation.bid_price)]
        _check(run, f"{base}.{key}", f"{base}.{key}", kind, want, got, why)


STAGES: list[Stage] = [_stage_tender, _stage_contract, _stage_changes, _stage_assessments,
                       _stage_statements]
"""The stages run for every case, in order: the tender first, so that an awarded contract is
the one the later stages run on."""


def find_case(cases: Sequence[Case], name: str | None) -> Case:
    """The case called ``name`` (or numbered so, from 1); the only one when ``name`` is None."""
    if name is None:
        if len(cases) == 1:
            return cases[0]
        raise ScenarioError(
            f"{cases[0].file}: --case: the file holds {len(cases)} cases; name one: "
            + "; ".join(repr(c.name) for c in cases), field="case", value=None)
    for c in cases:
        if c.name == name or (name.isdigit() and int(name) == c.index + 1):
            return c
    raise ScenarioError(
        f"{cases[0].file}: --case: no case {name!r}; the cases: "
        + "; ".join(repr(c.name) for c in cases), field="case", value=name)


def settle_case(case: Case, period: Period | str, registry: Registry | None = None
                ) -> Statement:
    """The statement of one period of a case: its changes signed, its periods settled in
    order up to ``period`` (what ``outsourcing settle FILE --period P`` prints)."""
    reg = registry or load()
    run = Run(case, case_rulebook(case, reg), reg)
    _sign_changes(run)
    prepared = _prepare(run)
    _read_assessments(run, prepared)
    _read_usage(run, prepared)
    _read_settle(run, prepared)
    try:
        k = prepared.period_index(period)
    except OutsourcingError as exc:
        raise ScenarioError(f"{case.where}: --period: {exc.reason}", field="period",
                            value=str(period)) from None
    return _settle_through(run, prepared, k)[k]


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
