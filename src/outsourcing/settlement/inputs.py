"""Inputs: assessments, the carried state, final scores and usage, checked and made compact.

The edges of settlement: :func:`readings` checks a period's
:class:`~outsourcing.performance.Assessment` objects against the compiled contract and turns
them into compact readings for :mod:`.compute`; :func:`state_from` reads the state carried
from the previous statement; :func:`final_scores` and :func:`actual_fees` read the final
assessment scores and recorded usage.  Every bad input is a
:class:`~outsourcing.errors.SettlementError` naming the field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from ..dates import DateRange
from ..errors import SettlementError
from ..findings import Finding, Severity
from ..model import ServiceLine
from ..money import pct
from ..payment import RATE_DEN
from ..performance import CENTI, Assessment
from ..statement import Carry, Statement
from ..statement.record import State, month_number
from ..usage import ActualFee, Usage, actual_fee, missing_usage_fee, settled_on_usage
from .compile import CompiledContract, PreparedLine
from .compute import Reading

__all__ = ["actual_fees", "carried_results", "compact_readings", "final_scores",
           "picked_shares", "readings", "state_from", "usage_lines"]


def readings(cc: CompiledContract, i: int, assessments: Iterable[Assessment]
             ) -> tuple[list[Reading], dict[int, Assessment], dict[int, dict[str, str]]]:
    """Check assessments against the contract and turn them into compact readings."""
    out, by_line, sources = compact_readings(cc, i, assessments)
    return out, by_line, {j: dict(src) for j, src in sources.items()}


def compact_readings(cc: CompiledContract, i: int, assessments: Iterable[Assessment]
                     ) -> tuple[list[Reading], dict[int, Assessment],
                                dict[int, tuple[tuple[str, str], ...]]]:
    """:func:`readings` with each line's sources as the (KPI, source) pairs a statement
    record keeps.  The checks run in the same order; the common case (a known line, this
    period, no sites, no incidents) takes the short way through them."""
    period = cc.periods[i]
    lines = cc.lines
    line_index = cc.line_index
    out: list[Reading] = [None] * len(lines)
    by_line: dict[int, Assessment] = {}
    sources: dict[int, tuple[tuple[str, str], ...]] = {}
    per_site: dict[int, dict[str, tuple[Any, tuple[str, ...], Assessment]]] = {}
    for n, a in enumerate(assessments):
        where = f"assessments[{n}]"
        if type(a) is not Assessment and not isinstance(a, Assessment):
            raise SettlementError(f"a {type(a).__name__} is not an Assessment",
                                  field=where, value=repr(a), term="考核记录")
        j = line_index.get(a.line)
        if j is None:
            raise SettlementError(
                f"assessment for an unknown line; contract {cc.contract.id} has "
                + ", ".join(line_index), field=f"{where}.line", value=a.line,
                term="服务项目")
        ap = a.period
        if ap is not period and ap != period:
            if cc.term.overlap(ap.range) is None:
                raise SettlementError(
                    f"assessment for {ap}, outside the term {cc.term}",
                    field=f"{where}.period", value=str(ap), term="考核期间超出履行期限")
            raise SettlementError(f"assessment for {ap} given to settle {period}",
                                  field=f"{where}.period", value=str(ap),
                                  term="考核期间")
        pl = lines[j]
        ss = pl.rule.sites
        if ss is None:
            if j in by_line:
                raise SettlementError(f"two assessments of line {a.line} for {period}",
                                      field=f"{where}.line", value=a.line, term="考核记录")
        else:
            if a.site not in ss.sites:
                raise SettlementError(
                    f"line {a.line} is scored at the sites {', '.join(ss.sites)}; an "
                    "assessment names one of them", field=f"{where}.site", value=a.site,
                    rule_id=ss.rule_id, citation=ss.citation, term="考核点位",
                    code="settlement.site_unknown", zh="考核点位不在合同约定的点位之中")
            if a.site in per_site.setdefault(j, {}):
                raise SettlementError(
                    f"two assessments of line {a.line} at {a.site} for {period}",
                    field=f"{where}.site", value=a.site, term="考核记录",
                    code="settlement.site_assessed_twice", zh="同一点位同一期间考核了两次")
        if pl.due is not None or a.not_applicable:
            values, missing, srcs = pl.kpis.read_due(
                a, pl.due[i] if pl.due is not None else (True,) * len(pl.kpis), where=where)
        else:
            values, missing, srcs = pl.kpis.read(a, where=where)
        if a.incidents:
            kinds = a.incident_kinds()
            known = pl.compiled.kinds
            for k, kind in enumerate(kinds):
                if kind not in known:
                    raise SettlementError(
                        f"incident kind {kind!r} has no deduction, score adjustment or "
                        f"downgrade in line {a.line}'s payment rule; "
                        f"(deductions, score adjustments, downgrade); known: "
                        f"{', '.join(sorted(known)) or 'none'}",
                        field=f"{where}.incidents[{k}].kind", value=kind,
                        rule_id=(pl.rule.deductions.rule_id if pl.rule.deductions else None),
                        term="事件类别")
            picked = picked_shares(cc, pl, a, where)
        else:
            kinds = ()
            picked = None
        if ss is not None:
            per_site[j][a.site] = (values, missing, a)
            continue
        if values is None:
            out[j] = (None, missing)
        else:
            out[j] = (values, kinds) if picked is None else (values, kinds, picked)
        by_line[j] = a
        sources[j] = srcs
    for j, got in per_site.items():
        pl = cc.lines[j]
        ss = pl.rule.sites
        assert ss is not None
        lacking = [f"@{site}" for site in ss.sites if site not in got] + [
            f"{site}:{k}" for site in ss.sites if site in got for k in got[site][1]]
        found = [got[site][2] for site in ss.sites if site in got]
        merged = Assessment(
            pl.line.id, period, "、".join(dict.fromkeys(x.assessed_by for x in found)),
            max(x.assessed_on for x in found),
            incidents=[inc for x in found for inc in x.incidents],
            site="、".join(x.site for x in found))
        if lacking:
            out[j] = (None, tuple(lacking))
        else:
            vals = tuple(got[site][0] for site in ss.sites)
            picked = picked_shares(cc, pl, merged, "assessments")
            out[j] = ((vals, merged.incident_kinds()) if picked is None
                      else (vals, merged.incident_kinds(), picked))
        by_line[j] = merged
        sources[j] = ()
    return out, by_line, sources


def picked_shares(cc: CompiledContract, pl: PreparedLine, a: Assessment, where: str
            ) -> tuple[int | None, ...] | None:
    """The shares the assessor applied (millionths, in the incidents' order) where the
    contract gives a range for the kind; None when no incident needs one."""
    ranges = pl.compiled.ranges
    out: list[int | None] = []
    for inc in a.ordered_incidents():
        k = a.incidents.index(inc)
        r = ranges.get(inc.kind)
        if r is None:
            if inc.share is not None:
                raise SettlementError(
                    f"incident kind {inc.kind!r} has no share range in line {a.line}'s "
                    "payment rule; a share is given only within a range (FeeShare.up_to)",
                    field=f"{where}.incidents[{k}].share", value=str(inc.share),
                    term="扣款比例", code="settlement.incident_share_unexpected",
                    zh="该事件类别的扣款不是比例范围，不能另填扣款比例")
            out.append(None)
            continue
        lo, hi = Decimal(r[0]) / RATE_DEN, Decimal(r[1]) / RATE_DEN
        if inc.share is None or not lo <= inc.share <= hi:
            raise SettlementError(
                f"the contract deducts {pct(lo)}–{pct(hi)} of the fee for "
                f"{inc.kind!r}: the incident states the share applied within that range",
                field=f"{where}.incidents[{k}].share",
                value=None if inc.share is None else str(inc.share), term="扣款比例",
                code="settlement.incident_share_out_of_range",
                zh=f"合同约定该事件扣款比例为 {pct(lo)}–{pct(hi)}，须在范围内写明本次比例")
        out.append(int(inc.share * RATE_DEN))
    return tuple(out) if any(x is not None for x in out) else None


def state_from(cc: CompiledContract, previous: Statement | Carry | None, i: int
               ) -> tuple[State, list[Finding]]:
    """The compact state carried from the previous period's statement (or its
    :class:`~outsourcing.statement.Carry` alone, as a store keeps it)."""
    if previous is None:
        if i == 0:
            return cc.initial, []
        return cc.initial, [Finding(
            "settlement.no_previous_statement",
            f"settling {cc.periods[i]} without the statement for {cc.periods[i - 1]}: "
            "holdback balances and failure history start at zero",
            severity=Severity.WARNING, field="previous", term="上期结算单")]
    if isinstance(previous, Statement) and previous.contract_id != cc.contract.id:
        raise SettlementError(f"previous statement is for contract {previous.contract_id}",
                              field="previous", value=previous.contract_id, term="上期结算单")
    period = previous.period
    if i == 0 or (period is not cc.periods[i - 1] and period != cc.periods[i - 1]):
        want = cc.periods[i - 1] if i else "none (first period)"
        raise SettlementError(f"previous statement is for {period}; expected {want}",
                              field="previous", value=str(period), term="上期结算单")
    if isinstance(previous, Statement):
        rec = previous.record
        if [x[0] for x in rec.lines] == cc.line_ids:
            return rec.state, []  # the same lines: the compact state as it was computed
        carry = previous.carry
    else:
        carry = previous
    carried = {c.line_id: c for c in carry.lines}
    lines: list[tuple[int, int, tuple[tuple[int, str], ...]]] = []
    results: list[tuple[tuple[str, int, int], ...]] = []
    for pl in cc.lines:
        c = carried.get(pl.line.id)
        if c is None:
            lines.append((0, 0, ()))
            results.append(())
        else:
            lines.append((c.streak, c.held.fen,
                          tuple((month_number(mo), k) for mo, k in c.incidents)))
            results.append(carried_results(cc, pl, c.results) if cc.carrying else ())
    return (tuple(lines), tuple(month_number(m) for m in carry.notice_months),
            tuple(results) if cc.carrying else ()), []


def carried_results(cc: CompiledContract, pl: PreparedLine,
                    given: Iterable[tuple[str, str, int]]) -> tuple[tuple[str, int, int], ...]:
    """A carry's results of a line (KPI key, month ``YYYY-MM``, hundredths) as the compact
    state keeps them; a KPI the line does not carry forward is an error naming it."""
    keys = {k for group in pl.carry_keys for n, k in enumerate(group) if pl.carry[n]}
    out = []
    for key, month, value in given:
        if key not in keys:
            raise SettlementError(f"the carried results name KPI {key!r}, which line "
                                  f"{pl.line.id} does not carry forward",
                                  field="previous.carry", value=key, term="沿用上次考核结果",
                                  code="settlement.carry_mismatch",
                                  zh="上期结转的考核结果与本合同的指标不符")
        out.append((key, month_number(month), value))
    return tuple(sorted(out))


def final_scores(cc: CompiledContract, scores: Mapping[str, Any]) -> dict[int, int]:
    """Final assessment scores by line id (年度/期满考核得分) → hundredths by line index;
    they decide a result-based holdback release."""
    out = {}
    for lid, v in scores.items():
        if lid not in cc.line_index:
            raise SettlementError(f"no such line; lines: {', '.join(cc.line_index)}",
                                  field=f"final_scores.{lid}", value=lid, term="服务项目",
                                  code="settlement.final_score_invalid",
                                  zh="期满考核得分所列服务项目不在合同中")
        if isinstance(v, float | bool) or not isinstance(v, str | int | Decimal):
            raise SettlementError("a score is a string such as \"80\" or \"92.5\"",
                                  field=f"final_scores.{lid}", value=v, term="期满考核得分",
                                  code="settlement.final_score_invalid",
                                  zh="期满考核得分须为精确数值，如 \"80\"")
        try:
            d = Decimal(str(v))
        except ArithmeticError:
            d = Decimal(-1)
        c = d * CENTI
        if not d.is_finite() or not 0 <= d <= 100 or c != c.to_integral_value():
            raise SettlementError("a score is 0..100 with at most two decimals",
                                  field=f"final_scores.{lid}", value=str(v),
                                  term="期满考核得分", code="settlement.final_score_invalid",
                                  zh="期满考核得分须在0到100之间，至多两位小数")
        out[cc.line_index[lid]] = int(c)
    return out


def usage_lines(cc: CompiledContract, i: int) -> list[tuple[int, ServiceLine, list[DateRange]]]:
    """The lines of period ``i`` whose fee depends on usage (按量, 按实结算): (line index, the
    version in force on the last day it ran in the period, the days it ran)."""
    out = []
    for pl in cc.lines:
        if not pl.running[i]:
            continue
        running = _running(cc, pl, i)
        line = _in_force(cc, pl, running)
        if settled_on_usage(line):
            out.append((pl.index, line, running))
    return out


def _running(cc: CompiledContract, pl: PreparedLine, i: int) -> list[DateRange]:
    period_range = cc.periods[i].range
    return [r for r in (span.overlap(period_range) for span, _ in pl.schedule) if r is not None]


def _in_force(cc: CompiledContract, pl: PreparedLine, running: list[DateRange]) -> ServiceLine:
    as_of = getattr(cc.source, "as_of", None)
    if running and callable(as_of):
        version = as_of(running[-1].end)
        if version.has_line(pl.line.id):
            line: ServiceLine = version.line(pl.line.id)
            return line
    return pl.line


def actual_fees(cc: CompiledContract, i: int, usage: Iterable[Usage], *,
                required: bool = False) -> dict[int, ActualFee]:
    """Period ``i``'s fees from recorded usage (按实结算), by line index.

    A line without a usage keeps its scheduled fee — unless ``required`` (the store's
    rule): then a unit-rate or labour-plus-materials line that ran in the period without
    its usage has the usage-priced part withheld, with an error finding ``usage.missing``
    (:func:`~outsourcing.usage.missing_usage_fee`).  The version of the line in force on
    the last day it ran in the period prices the usage.
    """
    out: dict[int, ActualFee] = {}
    if usage == () and not required:
        return out  # nothing recorded: the scheduled fees (the common case)
    for n, u in enumerate(usage):
        if not isinstance(u, Usage):
            raise SettlementError(f"a {type(u).__name__} is not a Usage",
                                  field=f"usage[{n}]", value=repr(u), term="实际用量")
        if u.period != cc.periods[i]:
            raise SettlementError(f"usage for {u.period} given when settling "
                                  f"{cc.periods[i]}", field=f"usage[{n}].period",
                                  value=str(u.period), term="结算期间")
        j = cc.line_index.get(u.line)
        if j is None:
            raise SettlementError(f"no such line; lines: {', '.join(cc.line_index)}",
                                  field=f"usage[{n}].line", value=u.line, term="服务项目")
        if j in out:
            raise SettlementError("usage recorded twice for this line and period",
                                  field=f"usage[{n}].line", value=u.line, term="实际用量")
        pl = cc.lines[j]
        running = _running(cc, pl, i)
        out[j] = actual_fee(u, _in_force(cc, pl, running), running, cc.contract.day_count)
    if required:
        for j, line, running in usage_lines(cc, i):
            if j not in out:
                out[j] = missing_usage_fee(line, cc.periods[i], running, cc.contract.day_count)
    return out
