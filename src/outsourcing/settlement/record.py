"""From compute's :class:`~.compute.PeriodResult` to the
:class:`~outsourcing.statement.record.StatementRecord` of a period: the figures with the
inputs that explain them (the assessment's incidents and sources, usage, the findings about
the inputs)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from ..errors import SettlementError
from ..findings import Finding
from ..payment import RATE_DEN
from ..performance import Assessment
from ..statement.record import LineRecord, StatementRecord
from ..usage import ActualFee
from .compile import CompiledContract
from .compute import ASSESSED, Clock, PeriodResult

__all__ = ["check_fits", "to_record"]

_new: Any = tuple.__new__
"""A named tuple made from its fields in order without its Python-level ``__new__`` (a
line's record has 32 fields; ``tests/settlement`` compares records made both ways)."""

def to_record(cc: CompiledContract, res: PeriodResult,
              assessments: Mapping[int, Assessment] | None = None,
              sources: Mapping[int, Mapping[str, str] | tuple[tuple[str, str], ...]]
              | None = None,
              actuals: Mapping[int, ActualFee] | None = None,
              findings: Sequence[Finding] = (),
              incidents: Mapping[int, tuple[tuple[date, str, int | None], ...]] | None = None,
              ) -> StatementRecord:
    """The record of a settled period (``res`` from :func:`.compute.settle_readings`) with
    the inputs that explain it: each line's incidents (from its assessment, or given
    compact as ``incidents``: (day, kind, share in millionths) by line index), the sources
    of its KPI values and the usage that priced its fee."""
    assessments = assessments or {}
    given = incidents or {}
    sources = sources or {}
    actuals = actuals or {}
    lines = []
    t_perf = t_applied = t_hb = t_rel = t_forf = 0
    for j, ((lid, service, site), figures) in enumerate(
            zip(cc.line_keys, res.lines, strict=True)):
        a = assessments.get(j)
        line_incidents = given.get(j, ()) if a is None or not a.incidents else tuple(
            (x.on, x.kind, None if x.share is None else int(x.share * RATE_DEN))
            for x in a.incidents)
        src = sources.get(j)
        act = actuals.get(j)
        lines.append(_new(LineRecord, (  # LineRecord(...) field by field, at C speed
            lid, service, site, *figures, line_incidents,
            (src if isinstance(src, tuple) else tuple(src.items())) if src else (),
            None if act is None else (act.rule_id, act.citation, tuple(act.inputs)))))
        # performance, deductions applied, holdback, released, forfeited (LineResult's order)
        t_perf += figures[10]
        t_applied += figures[15]
        t_hb += figures[16]
        t_rel += figures[17]
        t_forf += figures[23]
    clock = Clock(*res.clock)
    due = clock.due_on
    working = bool(due is not None and clock.start is not None
                   and cc.due_term(clock.start).working)
    h = cc.header
    i = res.period_index
    return StatementRecord(
        h.contract_id, h.title, h.purchaser, h.supplier, h.supplier_size, cc.periods[i],
        cc.spans[i], tuple(lines), res.fee, t_perf, t_applied, t_hb, t_rel,
        res.withheld, res.payable, t_forf, res.total_cap, res.deductions_capped,
        clock.accepted_on, clock.acceptance_due, clock.start,
        clock.days if due is not None else None, working, due, clock.paid_on,
        clock.late_days, clock.late_interest, res.notices, res.triggers,
        res.contract_trigger, res.state, res.release, tuple(findings))


def check_fits(cc: CompiledContract, rec: StatementRecord) -> None:
    """A record read from outside (JSON, a store) matches these terms before they explain it:
    the contract, a period of its term, the same lines in the same order, and each line's
    figures in the shape its rule gives them; a clear error naming the first that does not."""
    def bad(field: str, value: Any, why: str) -> SettlementError:
        return SettlementError(f"the statement does not match the terms of contract "
                               f"{cc.contract.id}: {why}", field=field, value=value,
                               term="合同条款", code="statement.terms_mismatch")

    if rec.contract_id != cc.contract.id:
        raise bad("contract_id", rec.contract_id, "another contract")
    if rec.period not in cc.index_of:
        raise bad("period", str(rec.period), f"not a settlement period of {cc.term}")
    ids = cc.line_ids
    if [x.line_id for x in rec.lines] != ids:
        raise bad("lines", [x.line_id for x in rec.lines], f"the lines are {', '.join(ids)}")
    for j, (pl, x) in enumerate(zip(cc.lines, rec.lines, strict=True)):
        where = f"lines[{j}]"
        if x.items and pl.rule.deductions is None:
            raise bad(f"{where}.items", len(x.items), "the line's rule prices no incident")
        if x.status != ASSESSED:
            continue
        n = len(pl.kpis.specs)
        sites = pl.rule.sites
        shape_ok = (x.score is not None and x.rate is not None and x.base_score is not None
                    and isinstance(x.values, tuple))
        if shape_ok and sites is None:
            shape_ok = len(x.values or ()) == n and all(type(v) is int for v in x.values or ())
        elif shape_ok and sites is not None:
            vals = x.values or ()
            shape_ok = (len(vals) == len(sites.sites) == len(x.site_scores) and all(
                isinstance(v, tuple) and len(v) == n and all(type(k) is int for k in v)
                for v in vals))
        if not shape_ok:
            raise bad(f"{where}.values", x.values, f"an assessed line has a score, a pay rate "
                      f"and {n} KPI values{' per site' if sites else ''}")
        rates = pl.compiled.tier_rates
        if x.tiers is not None and not all(0 <= t < len(rates) for t in x.tiers):
            raise bad(f"{where}.tiers", x.tiers, "no such tier in the line's rule")
