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
from ..plugins import Registry, load
from ..statement import Statement
from ._contract import _sign_changes, _stage_changes, _stage_contract
from ._load import (
    Case,
    CaseResult,
    Mismatch,
    ScenarioError,
    _cut,
    _fail,
    case_rulebook,
    load_file,
)
from ._plan import _stage_plan
from ._run import Run, Stage
from ._settle import (
    _prepare,
    _read_assessments,
    _read_settle,
    _read_usage,
    _settle_through,
    _stage_assessments,
    _stage_statements,
)
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


STAGES: list[Stage] = [_stage_tender, _stage_contract, _stage_changes, _stage_assessments,
                       _stage_statements, _stage_plan]
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
    _known(case, reg)
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


INTERNAL = "internal error"
"""How a failed result whose cause is a bug in the library (not the file) begins."""


def _known(case: Case, registry: Registry) -> None:
    """The case's jurisdiction and its contract's codes checked against the registry in use,
    the error naming the file, the case and the field."""
    i = case.index
    if case.jurisdiction not in registry.jurisdictions:
        raise _fail(case.file, i, case.name, f"case[{i}].jurisdiction",
                    f"unknown jurisdiction; known: {', '.join(sorted(registry.jurisdictions))}",
                    case.jurisdiction, code="jurisdiction.unknown", zh="未知的辖区代码")
    if case.contract is not None:
        try:
            registry.check_known(case.contract)
        except OutsourcingError as exc:
            raise _fail(case.file, i, case.name, f"case[{i}].contract.{exc.field}", exc.reason,
                        exc.value, code=exc.code, zh=exc.zh) from None


def run_case(case: Case, registry: Registry) -> CaseResult:
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
        return CaseResult(case.file, case.name, tuple(run.mismatches), str(exc))
    except Exception as exc:
        return CaseResult(case.file, case.name, tuple(run.mismatches), _internal(exc))
    return CaseResult(case.file, case.name, tuple(run.mismatches))


def _internal(exc: BaseException) -> str:
    tb = traceback.extract_tb(exc.__traceback__)
    at = f" at {Path(tb[-1].filename).name}:{tb[-1].lineno} in {tb[-1].name}" if tb else ""
    return (f"{INTERNAL}: {type(exc).__name__}: {_short(str(exc), 200)}{at} "
            "(please report it)")


def run_files(paths: Iterable[str | Path], registry: Registry | None = None) -> list[CaseResult]:
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
        lines.append(f"{'PASS' if r.passed else 'FAIL'}  {r.file} :: {r.case}")
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
