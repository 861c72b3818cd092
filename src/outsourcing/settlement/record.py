"""From compute's compact tuple to the :class:`~outsourcing.statement_record.StatementRecord`
of a period: the figures with the inputs that explain them (the assessment's incidents and
sources, usage, the findings about the inputs)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..findings import Finding
from ..payment import RATE_DEN
from ..performance import Assessment
from ..statement_record import LineRecord, StatementRecord
from ..usage import ActualFee
from .compile import CompiledContract
from .compute import INCOMPLETE

__all__ = ["to_record"]


def to_record(cc: CompiledContract, raw: tuple[Any, ...],
              assessments: Mapping[int, Assessment] | None = None,
              sources: Mapping[int, Mapping[str, str] | tuple[tuple[str, str], ...]]
              | None = None,
              actuals: Mapping[int, ActualFee] | None = None,
              findings: Sequence[Finding] = ()) -> StatementRecord:
    """The record of a settled period (``raw`` from :func:`.compute.settle_readings`)."""
    (i, recs, (fee_total, t_withheld, t_pay), total_cap, ded_sum, notices, triggers,
     contract_trigger, new_state, release, accepted_on, acceptance_due, clock, days, due,
     paid_on, late, interest) = raw
    assessments = assessments or {}
    sources = sources or {}
    actuals = actuals or {}
    lines = []
    t_perf = t_applied = t_hb = t_rel = t_forf = 0
    for j, ((lid, service, site), r) in enumerate(zip(cc.line_keys, recs, strict=True)):
        (status, fee, values, score, rate, perf, items, raw_d, cap, ded, applied, hb,
         released, withheld, payable, notice, streak, held, info) = r
        base, site_scores, adj, tiers, forfeited, pending, final = info
        a = assessments.get(j)
        incidents = () if a is None or not a.incidents else tuple(
            (x.on, x.kind, None if x.share is None else int(x.share * RATE_DEN))
            for x in a.incidents)
        src = sources.get(j)
        act = actuals.get(j)
        missing: tuple[str, ...] = ()
        if status == INCOMPLETE:
            missing, values = values, None
        lines.append(LineRecord(
            lid, service, site, status, fee, values, missing, score, base, adj, tiers,
            site_scores, rate, perf, items, raw_d, cap, ded, applied, hb, released, withheld,
            payable, notice, streak, held, forfeited, pending, final, incidents,
            (src if type(src) is tuple else tuple(src.items())) if src else (),
            None if act is None else (act.rule_id, act.citation, tuple(act.inputs))))
        t_perf += perf
        t_applied += applied
        t_hb += hb
        t_rel += released
        t_forf += forfeited
    working = bool(due is not None and clock is not None and cc.due_term(clock).working)
    h = cc.header
    return StatementRecord(
        h[0], h[1], h[2], h[3], h[4], cc.periods[i], cc.spans[i], tuple(lines), fee_total,
        t_perf, t_applied, t_hb, t_rel, t_withheld, t_pay, t_forf, total_cap, ded_sum,
        accepted_on, acceptance_due, clock, days if due is not None else None, working, due,
        paid_on, late, interest, notices, triggers, contract_trigger, new_state, release,
        tuple(findings))
