"""Stages: assessments, payment rules, usage; the periods settled in order (compared with
the expectations by :mod:`._statements`)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..catalogue import KpiSpec
from ..changes import Timeline
from ..dates import Period, as_date
from ..errors import OutsourcingError
from ..model import Contract
from ..payment import ContractRules, PaymentRule, adopted_rate
from ..performance import Assessment, Metric, ScoreSheet, Survey
from ..settlement import PreparedContract, prepare
from ..settlement.inputs import picked_shares
from ..statement import Statement
from ..usage import Usage
from ._contract import _sign_changes
from ._load import Case, ScenarioError
from ._run import Run, _read, _table
from ._tender import _contract

SETTLE_KEYS = ("period", "accepted_on", "acceptance_due", "paid_on", "release_holdback",
               "final_scores")
"""What ``[[case.settle]]`` may say about one period's settlement."""

SETTLING_KEYS = ("assessments", "payment", "kpis", "settle", "usage", "adopt",
                 "contract_rules", "settle_from")


def _settles(case: Case) -> bool:
    expect = case.raw.get("expect", {})
    return any(k in case.raw for k in SETTLING_KEYS) or (
        isinstance(expect, dict) and ("statements" in expect or "sums" in expect))


def _read_payment(run: Run, lines: Iterable[str], contract: Contract,
                  adopt: list[str]) -> dict[str, PaymentRule]:
    raw = _table(run, "payment", "payment is a table of line id → rule ([case.payment.<line>])")
    known = list(lines)
    out = {}
    on = contract.signed_on or contract.term.start
    for lid, body in raw.items():
        if lid not in known:
            raise run.fail(f"payment.{lid}", f"no such line; the lines: {', '.join(known)}", lid)
        if not isinstance(body, dict):
            raise run.fail(f"payment.{lid}", "a payment rule is a table (rate, deductions, …)")
        if isinstance(body.get("rate"), dict):
            try:  # rate = { kind = "tier_table" } with adopt: the default bands, adopted
                body = {**body, "rate": adopted_rate(body["rate"], run.rulebook, on, adopt)}
            except OutsourcingError as exc:
                raise run.fail(f"payment.{lid}.{exc.field}", exc.reason, exc.value) from None
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
    adopt = case.raw.get("adopt", [])
    if not isinstance(adopt, list) or not all(isinstance(x, str) for x in adopt):
        raise run.fail("adopt", "adopt is a list of payment defaults the contract adopts, "
                       "e.g. [\"payment.holdback\"] or [\"*\"]", adopt)
    rules = _read_payment(run, lines, _contract(run), adopt)
    kpis = _read_kpis(run, lines)
    wide = None
    if "contract_rules" in case.raw:
        if not isinstance(case.raw["contract_rules"], dict):
            raise run.fail("contract_rules", "contract_rules is a table (total_cap, "
                           "consecutive, notices); an empty table states none")
        wide = _read(run, case.raw["contract_rules"], ContractRules, "contract_rules")
    try:
        run.prepared = prepare(source, run.rulebook, rules=rules, kpis=kpis,
                               contract_rules=wide, adopt=adopt)
    except OutsourcingError as exc:
        if exc.field == "adopt":
            raise run.fail("adopt", exc.reason, exc.value) from None
        m = _WHERE_RE.match(exc.field or "")
        path = (f"{'kpis' if m.group(1) == 'kpis' else 'payment'}.{m.group(2)}{m.group(3)}"
                if m else f"rules.{exc.rule_id}" if exc.rule_id in _table(run, "rules", "")
                else "kpis")
        raise run.fail(path, exc.reason, exc.value) from None
    return run.prepared


def _read_assessments(run: Run, prepared: PreparedContract) -> None:
    raws = run.case.raw.get("assessments", [])
    if not isinstance(raws, list):
        raise run.fail("assessments", "assessments is an array of tables ([[case.assessments]])")
    seen: dict[tuple[str, str, int], int] = {}
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
        pl = prepared.lines[prepared.line_index[a.line]]
        ss = pl.rule.sites
        if ss is not None and a.site not in ss.sites:
            raise run.fail(f"{path}.site", f"line {a.line} is scored at the sites "
                           f"{', '.join(ss.sites)}; name one of them", a.site)
        if (a.line, a.site, k) in seen:
            raise run.fail(f"{path}.line", f"line {a.line} is assessed twice for {a.period} "
                           f"(also assessments[{seen[a.line, a.site, k]}])", a.line)
        seen[a.line, a.site, k] = n
        groups: tuple[tuple[str, Sequence[ScoreSheet | Metric | Survey]], ...] = (
            ("sheets", a.sheets), ("metrics", a.metrics), ("surveys", a.surveys))
        for group, items in groups:
            for j, m in enumerate(items):
                if m.kpi not in pl.kpis.index:
                    raise run.fail(f"{path}.{group}[{j}].kpi",
                                   f"line {a.line} has no KPI {m.kpi!r}; its KPIs: "
                                   + ", ".join(pl.kpis.index), m.kpi)
        try:
            if pl.due is not None or a.not_applicable:  # KPIs not due, or marked 不适用
                pl.kpis.read_due(a, pl.due[k] if pl.due is not None
                                 else (True,) * len(pl.kpis), where=path)
            else:
                pl.kpis.values_of(a, where=path)
        except OutsourcingError as exc:
            raise run.fail(exc.field or path, exc.reason + (f" — {exc.zh}" if exc.zh else ""),
                           exc.value) from None
        priced = pl.compiled.kinds
        for j, inc in enumerate(a.incidents):
            if inc.kind not in priced:
                raise run.fail(f"{path}.incidents[{j}].kind",
                               f"incident kind {inc.kind!r} has no deduction, score adjustment "
                               f"or downgrade in line {a.line}'s payment rule; known: "
                               + (", ".join(sorted(priced)) or "none"), inc.kind)
        try:
            picked_shares(prepared, pl, a, path)
        except OutsourcingError as exc:
            raise run.fail(exc.field or path, exc.reason, exc.value) from None
        if k < _first(run, prepared):
            raise run.fail(f"{path}.period", "before settle_from: the case starts settling "
                           f"at {prepared.periods[_first(run, prepared)]}", str(a.period))
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
        if "final_scores" in raw:
            fs = raw["final_scores"]
            if not isinstance(fs, dict):
                raise run.fail(f"{path}.final_scores", "a table of line id → final score, "
                               "e.g. { property = \"80\" }", fs)
            try:
                prepared.final_scores(fs)
            except OutsourcingError as exc:
                raise run.fail(f"{path}.{exc.field}", exc.reason, exc.value) from None
            inputs["final_scores"] = fs
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


def _first(run: Run, prepared: PreparedContract) -> int:
    """The index of the first period the case settles: ``settle_from`` (a case that starts
    mid-term), else the term's first."""
    raw = run.case.raw.get("settle_from")
    if raw is None:
        return 0
    return _period_of(run, prepared, {"period": raw}, "settle_from")


def _settle_through(run: Run, prepared: PreparedContract, last: int) -> list[Statement]:
    """Settle the term's periods in order up to index ``last``, each carrying the previous;
    ``run.statements[n]`` is the statement of period ``first + n``."""
    out = run.statements
    prev = out[-1] if out else None
    first = _first(run, prepared)
    for k in range(first + len(out), last + 1):
        period = prepared.periods[k]
        try:
            prev = prepared.settle(period, run.assessments.get(k, ()), previous=prev,
                                   usage=run.usage.get(k, ()), **run.inputs.get(k, {}))
        except OutsourcingError as exc:
            raise run.fail(f"settle[{period}]", str(exc)) from None
        out.append(prev)
    return out
