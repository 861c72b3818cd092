"""Stage: the contract's payment plan (``[case.plan]``) and ``[[case.expect.plan]]``."""

from __future__ import annotations

from typing import Any

from ..dates import as_date
from ..errors import OutsourcingError
from ..plan import (
    Instalment,
    InstalmentPlan,
    PeriodicPlan,
    PlanSchedule,
    Prepayment,
    instalment_payments,
    periodic_payments,
)
from ..serialize import structure
from ._run import Run
from ._settle import _prepare, _settle_through
from ._tender import _contract

PLAN_KEYS = {"kind", "instalments", "prepayment", "events", "confirmed"}
ROW_KEYS = {"milestone", "gross", "offset", "net", "event_on", "due_date"}


def _why(exc: OutsourcingError) -> str:
    return f"{exc.reason} — {exc.zh}" if exc.zh else exc.reason


def _read_plan(run: Run, raw: Any) -> InstalmentPlan | PeriodicPlan:
    if not isinstance(raw, dict):
        raise run.fail("plan", "plan is a table ([case.plan])")
    unknown = set(raw) - PLAN_KEYS
    if unknown:
        raise run.fail(f"plan.{sorted(unknown)[0]}",
                       f"unknown key; a plan has {', '.join(sorted(PLAN_KEYS))}", sorted(unknown))
    kind = raw.get("kind", "instalments")
    try:
        pre = (structure(raw["prepayment"], Prepayment, source=run.field("plan.prepayment"))
               if "prepayment" in raw else None)
        if kind == "periodic":
            return PeriodicPlan(pre)
        if kind != "instalments":
            raise run.fail("plan.kind", "instalments or periodic", kind)
        items = raw.get("instalments")
        if not isinstance(items, list) or not items:
            raise run.fail("plan.instalments", "an array of { milestone, share } tables")
        return InstalmentPlan([structure(x, Instalment,
                                         source=run.field(f"plan.instalments[{i}]"))
                               for i, x in enumerate(items)], pre)
    except OutsourcingError as exc:
        field = exc.field.removeprefix(run.field("")) if exc.field else "plan"
        if not field.startswith("plan"):
            field = f"plan.{field}"
        raise run.fail(field, _why(exc), exc.value) from None


def _dates(run: Run, raw: Any, path: str) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise run.fail(path, "a table of name → date")
    try:
        return {str(k): as_date(v, field=f"{path}.{k}") for k, v in raw.items()}
    except OutsourcingError as exc:
        raise run.fail(exc.field or path, exc.reason, exc.value) from None


def _stage_plan(run: Run) -> None:
    """Compute the case's payment plan and compare ``[[case.expect.plan]]``."""
    raw = run.case.raw.get("plan")
    if raw is None or run.contract is None:
        return
    plan = _read_plan(run, raw)
    contract = _contract(run)
    schedule: PlanSchedule
    try:
        if isinstance(plan, InstalmentPlan):
            schedule = instalment_payments(contract, plan, run.rulebook,
                                           _dates(run, raw.get("events"), "plan.events"))
        else:
            confirmed = _dates(run, raw.get("confirmed"), "plan.confirmed")
            prepared = _prepare(run)
            names = [str(p) for p in prepared.periods]
            unknown = [k for k in confirmed if k not in names]
            if unknown:
                raise run.fail(f"plan.confirmed.{unknown[0]}", "not a settlement period of "
                               "the term", unknown[0])
            last = max((names.index(k) for k in confirmed), default=-1)
            statements = _settle_through(run, prepared, last)[:last + 1]
            schedule = periodic_payments(contract, plan, run.rulebook, statements, confirmed)
    except OutsourcingError as exc:
        raise run.fail(exc.field or "plan", _why(exc),
                       exc.value) from None
    rows = {p.milestone: p for p in schedule.payments}
    specs = run.expect.get("plan", [])
    if not isinstance(specs, list) or not all(isinstance(s, dict) for s in specs):
        raise run.fail("expect.plan", "an array of tables ([[case.expect.plan]])")
    why = schedule.render().splitlines()
    for n, spec in enumerate(specs):
        path = f"expect.plan[{n}]"
        bad = set(spec) - ROW_KEYS
        if bad:
            raise run.fail(f"{path}.{sorted(bad)[0]}",
                           f"unknown figure; one of {', '.join(sorted(ROW_KEYS))}", sorted(bad))
        name = str(spec.get("milestone", ""))
        if name not in rows:
            raise run.fail(f"{path}.milestone", f"no such payment; the plan has "
                           f"{', '.join(rows)}", name)
        row = rows[name]
        actual = {"gross": row.gross, "offset": row.offset, "net": row.net,
                  "event_on": row.event_on, "due_date": row.due_on}
        for key, value in spec.items():
            if key == "milestone":
                continue
            shown = actual[key]
            run.compare(f"{path}.{key}", value, "(none)" if shown is None else shown, why)
