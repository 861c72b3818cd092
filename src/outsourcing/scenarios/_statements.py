"""Stage: the settled statements compared with ``[[case.expect.statements]]`` and
``[[case.expect.sums]]``; the figures an expectation may name."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..findings import Severity
from ..money import Money
from ..settlement import PreparedContract
from ..statement import Statement, StatementLine
from ._load import Mismatch
from ._run import Kind, Run, _check, _trail
from ._settle import _first, _period_of, _prepare, _settle_through, _settles

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
