"""Compute: one period of a compiled contract, in integers only (结算计算).

``settle_readings(cc, i, readings, state)`` settles period ``i`` from compact readings (see
:data:`Reading`) and the carried state: per line the fee, the KPI score (a table lookup), the
pay rate, each incident's deduction with the repeat ratchet, the caps, the holdback and its
release, the payable; then the contract's total cap, warning notices and thresholds, and the
payment clock.  Every amount is in fen, rounded half-up once; the result is a compact tuple
that the explain stage (:mod:`.explain`) turns into a
:class:`~outsourcing.statement.record.StatementRecord`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from fractions import Fraction
from operator import getitem
from typing import Any

from ..errors import SettlementError
from ..money import Money, allocate, div_half_up
from ..payment import RATE_DEN, SCORE_MAX, CompiledRule
from ..performance import CENTI, NOT_SCORED
from ..statement.record import State
from .compile import CompiledContract, PreparedLine

__all__ = ["ASSESSED", "INCOMPLETE", "MISSING", "NOT_RUNNING", "Reading", "settle_readings"]

ASSESSED, MISSING, INCOMPLETE, NOT_RUNNING = 0, 1, 2, 3
_HALF = 2 * RATE_DEN
"""The per-month core rounds ``fen × millionths`` half-up inline, as
``(2·x + RATE_DEN) // _HALF`` (:func:`~outsourcing.money.div_half_up` unrolled for speed)."""

Reading = tuple[Any, ...] | None
"""A line's compact assessment: (KPI values in hundredths — per site, for a line scored at
several sites —, incident kinds in date order[, the shares applied where the contract gives
a range, millionths]); (None, missing KPI ids) when KPIs were not measured; None when there
is no assessment."""


def settle_readings(
    cc: CompiledContract,
    i: int,
    readings: Sequence[Reading],
    state: State | None = None,
    *,
    accepted_on: date | None = None,
    acceptance_due: date | None = None,
    paid_on: date | None = None,
    release: bool | None = None,
    fees: Mapping[int, int] | None = None,
    finals: Mapping[int, int] | None = None,
) -> tuple[Any, ...]:
    """Settle period ``i`` from compact readings: integer fen, a compact record.

    ``readings`` are in the order of :attr:`lines` (see :data:`Reading`; values must come
    from :meth:`readings` or be checked the same way: whole hundredths, not negative).
    The record holds every input and intermediate figure; :meth:`statement` turns it into
    a :class:`~outsourcing.statement.Statement` with explanations, on demand.
    """
    rec = _core(cc, i, readings, state, release, None, fees, finals)
    if rec[3] is not None and rec[4] > rec[3]:
        # the lines' deductions exceed the contract's total cap: split the cap over them
        weights = [r[9] if r[0] == ASSESSED else 0 for r in rec[1]]
        capped = [m.fen for m in allocate(Money.from_fen(rec[3]), weights)]
        rec = _core(cc, i, readings, state, release, capped, fees, finals)
    return rec + _clock(cc, rec[2][2], accepted_on, acceptance_due, paid_on)


def _core(cc: CompiledContract, i: int, readings: Sequence[Reading], state: State | None,
          release: bool | None, capped: list[int] | None,
          fee_over: Mapping[int, int] | None = None,
          finals: Mapping[int, int] | None = None) -> tuple[Any, ...]:
    st_lines, notice_hist, results = state if state is not None else cc.initial
    month = cc.months[i]
    new_results = list(results) if cc.carrying else []
    if cc.carrying and not results:
        new_results = [() for _ in cc.lines]
    recs: list[tuple[Any, ...]] = []
    new_lines = []
    notices: list[int] = []
    fee_total = t_withheld = t_pay = ded_sum = 0
    any_ded = False
    for hot, rd, (streak, held, hist) in zip(cc.hot, readings, st_lines):  # noqa: B905
        j, fees, running, tables, rates, share, warn, cap_share, rel_at, pl = hot
        fee = fee_over[j] if fee_over and j in fee_over else fees[i]
        fee_total += fee
        rel_now = (i in rel_at) if release is None else release
        final = finals.get(j) if finals else None
        if rd is None or rd[0] is None:
            status = INCOMPLETE if rd is not None else (
                MISSING if running[i] else NOT_RUNNING)
            withheld = fee if status != NOT_RUNNING else 0
            released = forfeited = 0
            pending = False
            if rel_now and status == NOT_RUNNING:
                released, forfeited, held, pending = _release(pl, held, final)
            recs.append((status, fee, rd[1] if rd is not None else None, None, None, 0, (),
                         0, None, 0, 0, 0, released, withheld, released, False, streak,
                         held, (None, (), 0, None, forfeited, pending, final)))
            new_lines.append((streak, held, hist))
            t_withheld += withheld
            t_pay += released
            continue
        values: Any = rd[0]
        extra = rd[1]
        if pl.carry and any(pl.carry):
            values, new_results[j] = _carry(pl, values, new_results[j], month)
        if pl.sites is None:
            site_scores: tuple[int, ...] = ()
            if pl.due is not None:
                score: int = pl.kpis.total(values)
            else:
                try:
                    score = sum(map(getitem, tables, values))
                except IndexError:
                    score = sum(pl.kpis.points(values))
        else:
            site_scores = tuple(_kpi_score(pl, v) for v in values)
            score = _aggregate(pl.sites, site_scores)
        base = score
        adj = 0
        tiers: tuple[int, int] | None = None
        items: tuple[Any, ...] = ()
        if extra:
            cr = pl.compiled
            if cr.adjust is not None or cr.downgrade is not None:
                score, adj, tiers = _adjust(cr, score, extra)
            if cr.deductions or cr.shares:
                items, hist, raw = _deduct(cc, pl, extra, hist, month, i, fee,
                                           rd[2] if len(rd) > 2 else None)
        rate = rates[score] if tiers is None else pl.compiled.tier_rates[tiers[1]]
        perf = (2 * fee * rate + RATE_DEN) // _HALF
        if items:
            cap = None if cap_share is None else (2 * fee * cap_share + RATE_DEN) // _HALF
            ded = raw if cap is None or raw <= cap else cap
            ded_sum += ded
            any_ded = True
            if capped is not None:
                ded = capped[j]
            applied = ded if ded <= perf else perf
        else:
            raw, cap, ded, applied = 0, None, 0, 0
        earned = perf - applied
        if share:
            if pl.compiled.holdback_on_fee:  # 考核费用: a share of the contract fee
                hb = (2 * fee * share + RATE_DEN) // _HALF
                if hb > earned:
                    hb = earned
            else:
                hb = (2 * earned * share + RATE_DEN) // _HALF
        else:
            hb = 0
        held += hb
        forfeited = 0
        pending = False
        if rel_now:
            released, forfeited, held, pending = _release(pl, held, final)
        else:
            released = 0
        payable = earned - hb + released
        if warn is not None and score < warn:
            streak += 1
            notices.append(j)
            notice = True
        else:
            streak = 0
            notice = False
        recs.append((ASSESSED, fee, values, score, rate, perf, items, raw, cap, ded,
                     applied, hb, released, 0, payable, notice, streak, held,
                     (base, site_scores, adj, tiers, forfeited, pending, final)))
        new_lines.append((streak, held, hist))
        t_pay += payable
    window = notice_hist
    nw = cc.notice_window
    if notices or (nw is not None and window and window[0] <= month - nw[1]):
        lo = month - nw[1] if nw is not None else -1
        window = tuple(m for m in notice_hist if m > lo) + (month,) * len(notices)
    triggers: tuple[int, ...] = ()
    cons = cc.consecutive
    if notices and cons is not None:
        triggers = tuple(j for j, nl in enumerate(new_lines) if nl[0] >= cons)
    contract_trigger = nw is not None and len(window) >= nw[0]
    total_cap = (None if not any_ded or cc.total_cap is None else
                 (2 * fee_total * cc.total_cap + RATE_DEN) // _HALF)
    return (i, tuple(recs), (fee_total, t_withheld, t_pay), total_cap, ded_sum,
            tuple(notices), triggers, contract_trigger,
            (tuple(new_lines), window, tuple(new_results)), release)


def _clock(cc: CompiledContract, payable: int, accepted_on: date | None,
           acceptance_due: date | None, paid_on: date | None) -> tuple[Any, ...]:
    """The payment clock: (accepted, deadline, clock start, days, due, paid, late days,
    interest in fen)."""
    if accepted_on is None:
        return (None, acceptance_due, None, 0, None, paid_on, 0, 0)
    clock = (acceptance_due if acceptance_due is not None and accepted_on > acceptance_due
             else accepted_on)
    term = cc.due_term(clock)
    try:
        due = term.due_on(clock)
    except OverflowError:
        raise SettlementError("the payment deadline falls after the last date the library "
                              "handles", field="accepted_on", value=clock.isoformat(),
                              term="付款期限", code="settlement.date_out_of_range",
                              zh="付款期限超出可处理的日期范围") from None
    days = term.days or 0
    late = interest = 0
    if due is not None and paid_on is not None and paid_on > due:
        late = (paid_on - due).days
        rate = cc.interest_term(due).daily
        if rate is not None:
            q = Fraction(rate)
            interest = div_half_up(payable * q.numerator * late, q.denominator)
    return (accepted_on, acceptance_due, clock, days, due, paid_on, late, interest)


def base_fee(cc: CompiledContract, pl: PreparedLine, i: int, of: str, line: str, fee: int) -> int:
    """The fee a share deduction is a share of, in fen: the period's (``fee``), or the
    scheduled fees of the calendar quarter, year or term holding period ``i``, of the
    line itself or of the line ``line`` names."""
    other = cc.lines[cc.line_index[line]] if line else pl
    if of == "period":
        return fee if other is pl else other.fees[i]
    if of == "term":
        return sum(other.fees)
    fees = other.fees
    return sum(fees[k] for k in cc.same[of][i])


def _deduct(cc: CompiledContract, pl: PreparedLine, kinds: tuple[str, ...],
            hist: tuple[tuple[int, str], ...], month: int, i: int, fee: int,
            picked: Sequence[int | None] | None = None
            ) -> tuple[tuple[tuple[str, int, int, int, int, int], ...],
                       tuple[tuple[int, str], ...], int]:
    """Each priced incident's deduction with the ratchet: (kind, base, num, den,
    occurrence, amount); kinds that only score or downgrade are skipped."""
    cr = pl.compiled
    table = cr.deductions
    shares = cr.shares
    rat = cr.ratchet
    if rat is not None:
        lo = month - rat[3]
        recent = [h for h in hist if h[0] > lo]
    else:
        recent = []
    items = []
    total = 0
    for n, kind in enumerate(kinds):
        if kind in table:
            base = table[kind]
        elif kind in shares:
            sh, of, other = shares[kind]
            chosen = picked[n] if picked is not None else None
            if chosen is not None:
                sh = chosen
            base = div_half_up(base_fee(cc, pl, i, of, other, fee) * sh, RATE_DEN)
        else:
            continue
        occurrence = sum(1 for h in recent if h[1] == kind) + 1
        if rat is not None and occurrence > rat[2]:
            num, den = rat[0], rat[1]
        else:
            num, den = 1, 1
        amount = div_half_up(base * num, den)
        items.append((kind, base, num, den, occurrence, amount))
        total += amount
        recent.append((month, kind))
    new_hist = tuple(recent) if rat is not None else hist
    return tuple(items), new_hist, total


def _carry(pl: PreparedLine, values: Any, last: tuple[tuple[str, int, int], ...],
           month: int) -> tuple[Any, tuple[tuple[str, int, int], ...]]:
    """A line's values with each carried-forward KPI left out this period replaced by its
    last measured value (where there is one), and the last values after this period (a
    value measured now replaces the one kept)."""
    kept = {key: (m, v) for key, m, v in last}
    groups = values if pl.sites is not None else (values,)
    out = []
    for keys, vals in zip(pl.carry_keys, groups, strict=True):
        new = list(vals)
        for k, v in enumerate(vals):
            if not pl.carry[k]:
                continue
            key = keys[k]
            if v == NOT_SCORED:
                got = kept.get(key)
                if got is not None:
                    new[k] = got[1]
            else:
                kept[key] = (month, v)
        out.append(tuple(new))
    after = tuple(sorted((key, m, v) for key, (m, v) in kept.items()))
    return (tuple(out) if pl.sites is not None else out[0]), after


def _kpi_score(pl: PreparedLine, values: Sequence[int]) -> int:
    if pl.due is not None:
        return pl.kpis.total(values)
    try:
        return sum(map(getitem, pl.kpis.tables, values))
    except IndexError:
        return sum(pl.kpis.points(values))


def _aggregate(sites: tuple[str, tuple[int, ...]], scores: Sequence[int]) -> int:
    """One score from the sites' scores (hundredths): the lowest, the mean or the
    fee-weighted mean, each mean half-up to 0.01."""
    how, weights = sites
    if how == "min":
        return min(scores)
    if how == "mean":
        return div_half_up(sum(scores), len(scores))
    return div_half_up(sum(w * x for w, x in zip(weights, scores, strict=True)), sum(weights))


def _adjust(cr: CompiledRule, score: int, kinds: Sequence[str]
            ) -> tuple[int, int, tuple[int, int] | None]:
    """Bonus and penalty points (capped, the score kept within 0..100), then a downgrade:
    (adjusted score, points applied, (tier, lowered tier) or None)."""
    adj = 0
    if cr.adjust is not None:
        points, bonus_cap, penalty_cap = cr.adjust
        plus = sum(points[k] for k in kinds if points.get(k, 0) > 0)
        minus = -sum(points[k] for k in kinds if points.get(k, 0) < 0)
        if bonus_cap is not None:
            plus = min(plus, bonus_cap)
        if penalty_cap is not None:
            minus = min(minus, penalty_cap)
        new = min(SCORE_MAX, max(0, score + plus - minus))
        adj, score = new - score, new
    tiers = None
    if cr.downgrade is not None and any(k in cr.downgrade[0] for k in kinds):
        tier = cr.tier_of[score]
        to = cr.downgrade[1]
        low = min(tier + 1, len(cr.tier_rates) - 1) if to is None else max(tier, to)
        tiers = (tier, low)
    return score, adj, tiers


def _release(pl: PreparedLine, held: int, final: int | None
             ) -> tuple[int, int, int, bool]:
    """The held balance at a release point: (released, forfeited, still held, waiting for
    the final assessment).  Released in full, or by the final score (a share of it, or
    nothing below the forfeit line); without a final score a result-based holdback waits."""
    hb = pl.rule.holdback
    if held == 0 or hb is None or not hb.needs_result:
        return held, 0, 0, False
    if final is None:
        return 0, 0, held, True
    if hb.forfeit_below is not None and final < int(hb.forfeit_below * CENTI):
        return 0, held, 0, False
    if hb.by_result == "proportional":
        rel = div_half_up(held * final, SCORE_MAX)
        return rel, held - rel, 0, False
    return held, 0, 0, False


