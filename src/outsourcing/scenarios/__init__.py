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
``[[case.expect.statements]]``, then its payment plan (``[case.plan]``, compared with
``[[case.expect.plan]]``).  A case has a contract, a tender, or both.
:func:`settle_case` gives one period's statement (what ``outsourcing settle`` prints).

Only the expectations written are checked; amounts are exact strings.  ``docs/scenarios.md``
describes every field.  An error in a file names the file, the case and the path of the bad
field.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..dates import Period
from ..errors import OutsourcingError, _short
from ..money import Money
from ..plugins import PluginHost, load
from ..rewards import RewardRule, competitive_rewards
from ..statement import Statement
from ._contract import _sign_changes, _stage_changes, _stage_contract
from ._expect import _stage_headroom_after
from ._load import (
    Case,
    CaseResult,
    Mismatch,
    ScenarioError,
    _cut,
    _fail,
    case_rulebook,
    in_rules,
    load_file,
)
from ._plan import _stage_plan
from ._run import Run, Stage, _read
from ._settle import (
    _first,
    _prepare,
    _read_assessments,
    _read_settle,
    _read_usage,
    _settle_through,
    _stage_assessments,
)
from ._statements import _stage_statements
from ._tender import _stage_tender

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


def _stage_rewards(run: Run) -> None:
    """``[case.rewards]``: a competitive reward pool split between this case's supplier and
    the suppliers of the ``peers`` cases of the same file (their statements of ``period``),
    compared with ``[case.expect.rewards]`` (contract id → amount, ``undistributed``)."""
    spec = run.case.raw.get("rewards")
    if spec is None:
        return
    if not isinstance(spec, dict):
        raise run.fail("rewards", "rewards is a table with period, service, pool, rule, peers")
    unknown = sorted(set(spec) - {"period", "service", "pool", "rule", "peers"})
    if unknown:
        raise run.fail(f"rewards.{unknown[0]}", "unknown key; rewards has period, service, "
                       "pool, rule and peers", unknown)
    for key in ("period", "service", "pool"):
        if key not in spec:
            raise run.fail(f"rewards.{key}", "required")
    peers = spec.get("peers", [])
    if not isinstance(peers, list) or not all(isinstance(x, str) for x in peers):
        raise run.fail("rewards.peers", "a list of the names of other cases in this file", peers)
    pool = _read(run, spec["pool"], Money, "rewards.pool")
    rule = _read(run, spec.get("rule", {}), RewardRule, "rewards.rule")
    cases = load_file(run.case.file)
    statements = [settle_case(run.case, str(spec["period"]), run.registry)]
    for n, name in enumerate(peers):
        match = [c for c in cases if c.name == name and c.index != run.case.index]
        if not match:
            raise run.fail(f"rewards.peers[{n}]", "no other case of this file has this name",
                           name)
        statements.append(settle_case(match[0], str(spec["period"]), run.registry))
    try:
        split = competitive_rewards(statements, str(spec["service"]), pool, rule)
    except OutsourcingError as exc:
        raise run.fail(f"rewards.{exc.field or 'rule'}", exc.reason, exc.value) from None
    want = run.expect.get("rewards", {})
    if not isinstance(want, dict):
        raise run.fail("expect.rewards", "a table of contract id → amount (and undistributed)")
    got = {e.contract_id: e.amount for e in split.entries}
    for key, value in want.items():
        if key == "undistributed":
            run.compare("expect.rewards.undistributed", value, split.undistributed,
                        split.render().splitlines())
            continue
        if key not in got:
            raise run.fail(f"expect.rewards.{key}", "no such contract among the ranked: "
                           + ", ".join(got), key)
        run.compare(f"expect.rewards.{key}", _read(run, value, Money, f"expect.rewards.{key}"),
                    got[key], split.render().splitlines())


STAGES: list[Stage] = [_stage_tender, _stage_contract, _stage_changes, _stage_headroom_after,
                       _stage_assessments, _stage_statements, _stage_plan, _stage_rewards]
"""The stages run for every case, in order: the tender first, so that an awarded contract is
the one the later stages run on."""


def find_case(cases: Sequence[Case], name: str | None) -> Case:
    """The case called ``name`` (or numbered so, from 1); the only one when ``name`` is None."""
    if name is None:
        if len(cases) == 1:
            return cases[0]
        raise ScenarioError(
            f"{cases[0].file}: --case: the file holds {len(cases)} cases; name one: "
            + "; ".join(repr(c.name) for c in cases), field="case", value=None,
            code="scenario.case_not_named",
            params={"count": len(cases)})
    for c in cases:
        if c.name == name or (name.isdigit() and int(name) == c.index + 1):
            return c
    raise ScenarioError(
        f"{cases[0].file}: --case: no case {name!r}; the cases: "
        + "; ".join(repr(c.name) for c in cases), field="case", value=name,
        code="scenario.case_unknown")


def settle_case(case: Case, period: Period | str, registry: PluginHost | None = None
                ) -> Statement:
    """The statement of one period of a case: its changes signed, its periods settled in
    order up to ``period`` (what ``outsourcing settle FILE --period P`` prints)."""
    reg = registry or load()
    _known(case, reg)
    run = Run(case, case_rulebook(case, reg), reg)
    try:
        _sign_changes(run)
        prepared = _prepare(run)
        _read_assessments(run, prepared)
        _read_usage(run, prepared)
        _read_settle(run, prepared)
    except OutsourcingError as exc:
        raise in_rules(case, exc) from None
    try:
        k = prepared.period_index(period)
    except OutsourcingError as exc:
        raise ScenarioError(f"{case.where}: --period: {exc.reason}", field="period",
                            value=str(period),
            code="scenario.period_unknown", zh=exc.zh) from None
    first = _first(run, prepared)
    if k < first:
        raise ScenarioError(f"{case.where}: --period: before the case's settle_from "
                            f"{prepared.periods[first]}", field="period", value=str(period),
            code="scenario.period_before_settle_from",
                            params={"first": str(prepared.periods[first])})
    return _settle_through(run, prepared, k)[k - first]


INTERNAL = "internal error"
"""How a failed result whose cause is a bug in the library (not the file) begins."""


def _known(case: Case, registry: PluginHost) -> None:
    """The case's jurisdiction and its contract's codes checked against the registry in use,
    the error naming the file, the case and the field."""
    i = case.index
    if case.jurisdiction not in registry.jurisdictions:
        raise _fail(case.file, i, case.name, f"case[{i}].jurisdiction",
                    f"unknown jurisdiction; known: {', '.join(sorted(registry.jurisdictions))}",
                    case.jurisdiction, code="jurisdiction.unknown")
    if case.contract is not None:
        try:
            registry.check_known(case.contract)
        except OutsourcingError as exc:
            raise _fail(case.file, i, case.name, f"case[{i}].contract.{exc.field}", exc.reason,
                        exc.value, code=exc.code, wrapped=exc) from None


def run_case(case: Case, registry: PluginHost) -> CaseResult:
    """Run one case through every stage; mismatches are collected, not raised.

    An error in the file fails the case with a message naming the field; an exception that
    is not the library's own (a bug) fails it too, with a message beginning ``internal
    error``, so the other cases and files still run."""
    try:
        _known(case, registry)
        run = Run(case, case_rulebook(case, registry), registry)
    except OutsourcingError as exc:
        return CaseResult(case.file, case.name, (), str(exc))
    except Exception as exc:
        return CaseResult(case.file, case.name, (), _internal(exc))
    try:
        for stage in STAGES:
            stage(run)
    except OutsourcingError as exc:
        return CaseResult(case.file, case.name, tuple(run.mismatches), str(in_rules(case, exc)))
    except Exception as exc:
        return CaseResult(case.file, case.name, tuple(run.mismatches), _internal(exc))
    return CaseResult(case.file, case.name, tuple(run.mismatches))


def _internal(exc: BaseException) -> str:
    tb = traceback.extract_tb(exc.__traceback__)
    at = f" at {Path(tb[-1].filename).name}:{tb[-1].lineno} in {tb[-1].name}" if tb else ""
    return (f"{INTERNAL}: {type(exc).__name__}: {_short(str(exc), 200)}{at} "
            "(please report it)")


def run_files(paths: Iterable[str | Path], registry: PluginHost | None = None) -> list[CaseResult]:
    """Run every case of every file; a file that cannot be read is one failed result."""
    reg = registry or load()
    results: list[CaseResult] = []
    for p in paths:
        try:
            cases = load_file(p)
        except OutsourcingError as exc:
            results.append(CaseResult(str(p), "(file)", (), str(exc)))
            continue
        except Exception as exc:
            results.append(CaseResult(str(p), "(file)", (), _internal(exc)))
            continue
        results.extend(run_case(c, reg) for c in cases)
    return results


def render_results(results: Sequence[CaseResult]) -> str:
    """Readable report: each case passed or failed, expected against actual, and why."""
    lines: list[str] = []
    for r in results:
        lines.append(f"{'PASS' if r.passed else 'FAIL'}  {_cut(str(r.file), 500)} :: "
                     f"{_cut(r.case, 200)}")
        if r.error:
            lines.append(f"      error: {_cut(r.error, 2000)}")
        for m in r.mismatches:
            lines.append(f"      {_cut(m.path, 200)}: expected {_cut(m.expected, 200)}, "
                         f"actual {_cut(m.actual, 200)}")
            if m.explanation:
                lines.append("        why (依据):")
                lines.extend(f"          {_cut(e, 500)}" for e in m.explanation)
    passed = sum(r.passed for r in results)
    lines.append(f"{passed} passed, {len(results) - passed} failed")
    return "\n".join(lines)
