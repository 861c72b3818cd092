"""Stages: assessments, payment rules, usage and the settled statements."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from ..catalogue import KpiSpec
from ..changes import Timeline
from ..dates import Period, as_date
from ..errors import OutsourcingError
from ..findings import Severity
from ..model import Contract
from ..money import Money
from ..payment import ContractRules, PaymentRule, adopted_rate
from ..performance import Assessment, Metric, ScoreSheet, Survey
from ..settlement import PreparedContract, prepare
from ..settlement.inputs import picked_shares
from ..statement import Statement, StatementLine
from ..usage import Usage
from ._contract import _sign_changes
from ._load import Case, Mismatch, ScenarioError
from ._run import Kind, Run, _check, _read, _table, _trail
from ._tender import _contract

SETTLE_KEYS = ("period", "accepted_on", "acceptance_due", "paid_on", "release_holdback",
               "final_scores")
"""What ``[[case.settle]]`` may say about one period's settlement."""

SETTLING_KEYS = ("assessments", "payment", "kpis", "settle", "usage", "adopt",
                 "contract_rules", "settle_from")


_Figure = tuple[Kind, Callable[[Any], Any], tuple[str, ...]]

STATEMENT_FIGURES: dict[str, _Figure] = {
    "fee": ("money", lambda s: s.fee, ("合同费用",)),
    "performance_amount": ("money", lambda s: s.performance_amount, ("考核后金额",)),
    "deductions": ("money", lambda s: s.deductions, ("实际扣款", "扣款上限（合计）")),
    "holdback": ("money", lambda s: s.holdback, ("暂扣款",)),
    "released": ("money", lambda s: s.released, ("释放暂扣款",)),
    "withheld": ("money", lambda s: s.withheld, ("暂缓支付",)),
    "forfeited": ("money", lambda s: s.forfeited, ("暂扣款不予退还",)),
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
    "findings": ("list", lambda s: sorted({f.code for f in s.findings}), ()),
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
    "forfeited": ("money", lambda x: x.forfeited, ("暂扣款不予退还", "释放暂扣款")),
    "base_score": ("decimal", lambda x: x.base_score, ("考核得分", "点位得分 *")),
    "adjustment": ("decimal", lambda x: x.adjustment, ("加减分",)),
    "downgraded": ("bool", lambda x: x.downgraded, ("降档", "支付比例")),
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
                if m else "kpis")
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
    first = _first(run, prepared)
    for n, k, spec in wanted:
        if k < first:
            raise run.fail(f"expect.statements[{n}].period", "before settle_from: the case "
                           f"starts settling at {prepared.periods[first]}", str(spec["period"]))
    last = max([*seen, *run.assessments, *run.inputs, *run.usage], default=-1)
    statements = _settle_through(run, prepared, last)
    for n, k, spec in wanted:
        _check_statement(run, n, spec, statements[k - first])
    _check_errors(run, {k: spec for _, k, spec in wanted}, statements, first)
    _check_sums(run, prepared, statements, first)


SUM_FIGURES = ("fee", "performance_amount", "deductions", "holdback", "released", "withheld",
               "forfeited", "payable", "late_interest", "amount_due")
"""Statement totals an expectation may add up over several periods (``[[case.expect.sums]]``)."""


def _check_sums(run: Run, prepared: PreparedContract, statements: Sequence[Statement],
                first: int) -> None:
    """``[[case.expect.sums]]``: a figure added up over the periods ``from`` … ``to``."""
    specs = run.expect.get("sums", [])
    if not isinstance(specs, list) or not all(isinstance(x, dict) for x in specs):
        raise run.fail("expect.sums", "an array of tables ([[case.expect.sums]]) with from, "
                       "to and figures")
    for n, spec in enumerate(specs):
        base = f"expect.sums[{n}]"
        ends = []
        for key in ("from", "to"):
            if key not in spec:
                raise run.fail(f"{base}.{key}", "a period is needed (\"2022-10\")")
            ends.append(_period_of(run, prepared, {"period": spec[key]}, f"{base}.{key}"))
        lo, hi = ends
        if hi < lo or lo < first or hi >= first + len(statements):
            raise run.fail(base, f"from … to must be settled periods in order; settled: "
                           f"{statements[0].period if statements else '—'} … "
                           f"{statements[-1].period if statements else '—'}",
                           f"{spec['from']} … {spec['to']}")
        chosen = statements[lo - first:hi - first + 1]
        shown = f"expect.sums[{spec['from']}..{spec['to']}]"
        for key, want in spec.items():
            if key in ("from", "to"):
                continue
            name = ALIASES.get(key, key)
            if name not in SUM_FIGURES:
                raise run.fail(f"{base}.{key}", "unknown figure; a sum has "
                               + ", ".join(SUM_FIGURES), key)
            get = STATEMENT_FIGURES[name][1]
            total = sum((get(st) for st in chosen), Money.ZERO)

            def why(get: Callable[[Any], Any] = get,
                    chosen: Sequence[Statement] = chosen) -> list[str]:
                return [f"{st.period}: {get(st).format()}" for st in chosen]
            _check(run, f"{shown}.{key}", f"{base}.{key}", "money", want, total, why)


def _check_errors(run: Run, specs: Mapping[int, Mapping[str, Any]],
                  statements: Sequence[Statement], first: int) -> None:
    """A statement's error findings (a missing assessment, a withheld fee…) fail the case
    unless its expectation lists them in ``findings``."""
    for n, st in enumerate(statements):
        k = first + n
        listed = specs.get(k, {}).get("findings")
        if isinstance(listed, list) and "findings" in specs.get(k, {}):
            continue  # the exact set is checked with the other figures
        errors = sorted({f.code for f in st.findings if f.severity is Severity.ERROR})
        if errors:
            run.mismatches.append(Mismatch(
                f"expect.statements[{st.period}].findings",
                "no error findings (list them in findings to expect them)",
                ", ".join(errors), tuple(str(f) for f in st.findings
                                         if f.severity is Severity.ERROR)))


# --- tendering (采购与授予) -----------------------------------------------------------------
