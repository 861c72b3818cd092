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

if LineRecord._fields[13:29] != (
        "performance", "items", "deductions_total", "line_cap", "deductions_capped",
        "deductions_applied", "holdback", "released", "withheld", "payable", "notice",
        "streak", "held", "forfeited", "pending", "final") or len(LineRecord._fields) != 32:
    raise ImportError("LineRecord's fields changed: to_record builds it in field order")


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
    new = tuple.__new__  # a NamedTuple from a tuple in field order (LineRecord._make, unchecked)
    for j, (key, r) in enumerate(zip(cc.line_keys, recs, strict=True)):
        status, fee, values, score, rate, perf = r[:6]
        applied, hb, released = r[10:13]
        info = r[18]
        a = assessments.get(j)
        incidents = () if a is None or not a.incidents else tuple(
            (x.on, x.kind, None if x.share is None else int(x.share * RATE_DEN))
            for x in a.incidents)
        src = sources.get(j)
        act = actuals.get(j)
        missing: tuple[str, ...] = ()
        if status == INCOMPLETE:
            missing, values = values, None
        # LineRecord: the line's key, (status … rate), the figures performance … held as
        # compute lists them, then forfeited, pending, final and the inputs
        lines.append(new(LineRecord, (
            *key, status, fee, values, missing, score, info[0], info[2], info[3], info[1],
            rate, *r[5:18], *info[4:], incidents,
            (src if isinstance(src, tuple) else tuple(src.items())) if src else (),
            None if act is None else (act.rule_id, act.citation, tuple(act.inputs)))))
        t_perf += perf
        t_applied += applied
        t_hb += hb
        t_rel += released
        t_forf += info[4]
    working = bool(due is not None and clock is not None and cc.due_term(clock).working)
    h = cc.header
    return StatementRecord(
        h[0], h[1], h[2], h[3], h[4], cc.periods[i], cc.spans[i], tuple(lines), fee_total,
        t_perf, t_applied, t_hb, t_rel, t_withheld, t_pay, t_forf, total_cap, ded_sum,
        accepted_on, acceptance_due, clock, days if due is not None else None, working, due,
        paid_on, late, interest, notices, triggers, contract_trigger, new_state, release,
        tuple(findings))
