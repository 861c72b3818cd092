"""Compute: one period of a compiled contract, in integers only (结算计算).

:func:`settle_readings` settles period ``i`` from compact readings (:class:`Reading`) and
the carried state: per line the fee, the KPI score (a table lookup), the pay rate, each
incident's deduction with the repeat ratchet, the caps, the holdback and its release, the
payable; then the contract's total cap, warning notices and thresholds, and the payment
clock.  Every amount is in fen, rounded half-up once.  The result is a
:class:`PeriodResult` of :class:`LineResult` s, which the record stage (:mod:`.record`)
turns into a :class:`~outsourcing.statement.record.StatementRecord` and the explain stage
(:mod:`.explain`) explains.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from fractions import Fraction
from operator import getitem
from typing import Any, NamedTuple

from ..errors import SettlementError
from ..money import Money, allocate, div_half_up
from ..payment import RATE_DEN, SCORE_MAX, CompiledRule
from ..performance import CENTI, NOT_SCORED
from ..statement.record import State
from .compile import CompiledContract, PreparedLine

__all__ = ["ASSESSED", "INCOMPLETE", "MISSING", "NOT_RUNNING", "Clock", "ClockFigures", "Item",
           "LineFigures", "LineResult",
           "PeriodResult", "Reading", "settle_readings"]

ASSESSED, MISSING, INCOMPLETE, NOT_RUNNING = 0, 1, 2, 3
_HALF = 2 * RATE_DEN
"""The per-month core rounds ``fen × millionths`` half-up inline, as
``(2·x + RATE_DEN) // _HALF`` (:func:`~outsourcing.money.div_half_up` unrolled for speed)."""


_points_at: Callable[[list[int], int], int] = getitem
"""A KPI's points for a value, read from its table (``tables[k][value]``)."""


class Reading(NamedTuple):
    """A line's compact assessment for :func:`settle_readings` (None for a line without
    one)."""

    values: Any
    """KPI values in hundredths in KPI order — a tuple per site, for a line scored at
    several sites —; None when KPIs were not measured (then ``missing`` names them)."""
    kinds: tuple[str, ...] = ()
    """The incident kinds, in date order."""
    shares: tuple[int | None, ...] | None = None
    """The shares applied (millionths, in the incidents' order) where the contract gives a
    range for the kind."""
    missing: tuple[str, ...] = ()
    """The KPIs not measured (``site:KPI``, ``@site`` for a site not assessed)."""


Item = tuple[str, int, int, int, int, int]
"""A priced incident's deduction: (kind, base fen, ratchet numerator, denominator,
occurrence, amount fen)."""


class LineResult(NamedTuple):
    """One line of a settled period in integers (fen, hundredths of a point, millionths of
    a rate): the figures of :class:`~outsourcing.statement.record.LineRecord` from
    ``status`` to ``final``, in its order."""

    status: int
    """:data:`ASSESSED`, :data:`MISSING`, :data:`INCOMPLETE` or :data:`NOT_RUNNING`."""
    fee: int
    values: tuple[Any, ...] | None
    missing: tuple[str, ...]
    score: int | None
    base_score: int | None
    adjustment: int
    tiers: tuple[int, int] | None
    site_scores: tuple[int, ...]
    rate: int | None
    performance: int
    items: tuple[Item, ...]
    deductions_total: int
    line_cap: int | None
    deductions_capped: int
    deductions_applied: int
    holdback: int
    released: int
    withheld: int
    payable: int
    notice: bool
    streak: int
    held: int
    forfeited: int
    pending: bool
    final: int | None


LineFigures = tuple[int, int, "tuple[Any, ...] | None", tuple[str, ...], "int | None",
                    "int | None", int, "tuple[int, int] | None", tuple[int, ...], "int | None",
                    int, "tuple[Item, ...]", int, "int | None", int, int, int, int, int, int,
                    bool, int, int, int, bool, "int | None"]
"""A line's figures as the monthly loop makes them: the fields of :class:`LineResult`, in
its order, as a plain tuple (mypy checks each position where it is built).  A named tuple
per line costs the loop about a sixth of its time (an instance of a class is made and freed
more slowly than a tuple), so the names are given where the figures are read:
``LineResult(*figures)``."""


class Clock(NamedTuple):
    """The payment clock of a period: acceptance, the due date and late interest."""

    accepted_on: date | None
    acceptance_due: date | None
    start: date | None
    """The day the clock starts: the acceptance, or the agreed deadline it came after."""
    days: int
    due_on: date | None
    paid_on: date | None
    late_days: int
    late_interest: int
    """In fen."""


ClockFigures = tuple["date | None", "date | None", "date | None", int, "date | None",
                     "date | None", int, int]
"""The payment clock as compute makes it: :class:`Clock`'s fields in order."""


class PeriodResult(NamedTuple):
    """One settled period in integers: every line, the totals, the notices and thresholds,
    the state carried to the next period and the payment clock."""

    period_index: int
    lines: tuple[LineFigures, ...]
    """Each line's figures (``LineResult(*figures)`` names them)."""
    fee: int
    withheld: int
    payable: int
    total_cap: int | None
    """The contract's total deduction cap in fen, where a line had a deduction."""
    deductions_capped: int
    """The lines' deductions after each line's cap (what the total cap limits)."""
    notices: tuple[int, ...]
    triggers: tuple[int, ...]
    contract_trigger: bool
    state: State
    release: bool | None
    clock: ClockFigures
    """The payment clock (``Clock(*clock)`` names it)."""


def settle_readings(
    cc: CompiledContract,
    i: int,
    readings: Sequence[Reading | None],
    state: State | None = None,
    *,
    accepted_on: date | None = None,
    acceptance_due: date | None = None,
    paid_on: date | None = None,
    release: bool | None = None,
    fees: Mapping[int, int] | None = None,
    finals: Mapping[int, int] | None = None,
) -> PeriodResult:
    """Settle period ``i`` of ``cc`` from compact readings, in integer fen.

    ``readings`` are in the order of ``cc.lines`` (see :class:`Reading`; values must come
    from :func:`.inputs.readings` or be checked the same way: whole hundredths, not
    negative).  ``state`` is what the previous period carried (``cc.initial`` when None);
    ``release`` forces or stops the holdback release; ``fees`` replace a line's scheduled
    fee (from recorded usage) and ``finals`` are the final assessment scores, both by line
    index.  The result holds every input and intermediate figure;
    :func:`.record.to_record` turns it into a statement's record.
    """
    clock = (accepted_on, acceptance_due, paid_on)
    res = _core(cc, i, readings, state, release, None, fees, finals, clock)
    cap = res.total_cap
    if cap is not None and res.deductions_capped > cap:
        # the lines' deductions exceed the contract's total cap: split the cap over them
        weights = [r.deductions_capped if r.status == ASSESSED else 0
                   for r in (LineResult(*x) for x in res.lines)]
        capped = [m.fen for m in allocate(Money.from_fen(cap), weights)]
        res = _core(cc, i, readings, state, release, capped, fees, finals, clock)
    return res


def _core(cc: CompiledContract, i: int, readings: Sequence[Reading | None], state: State | None,
          release: bool | None, capped: list[int] | None, fee_over: Mapping[int, int] | None,
          finals: Mapping[int, int] | None,
          clock: tuple[date | None, date | None, date | None]) -> PeriodResult:
    """Every line of period ``i`` (``capped``: its share of the total cap), then the rest."""
    st_lines, notice_hist, results = state if state is not None else cc.initial
    month = cc.months[i]
    if not cc.fee_table.filled[i]:
        cc.fee_table.fill(i)  # this period's fees, worked out when first settled
    new_results = (list(results) or [() for _ in cc.lines]) if cc.carrying else []
    recs: list[LineFigures] = []
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
        if rd is None or rd.values is None:
            r = _unassessed(pl, rd, running[i], fee, streak, held, rel_now, final)
            recs.append(r)
            new_lines.append((streak, r.held, hist))
            t_withheld, t_pay = t_withheld + r.withheld, t_pay + r.released
            continue
        values, kinds, picked, _ = rd
        if cc.carrying and any(pl.carry):
            values, new_results[j] = _carry(pl, values, new_results[j], month)
        site_scores: tuple[int, ...] = ()
        if pl.sites is None and pl.due is None:
            try:
                score = sum(map(_points_at, tables, values))
            except IndexError:
                score = sum(pl.kpis.points(values))
        else:
            score, site_scores = _score(pl, values)
        base = score
        adj = raw = ded = applied = 0
        cap: int | None = None
        tiers: tuple[int, int] | None = None
        items: tuple[Item, ...] = ()
        if kinds:
            score, adj, tiers, items, hist, raw, cap, ded = _incidents(
                cc, pl, score, kinds, hist, month, i, fee, picked, cap_share)
            if items:
                ded_sum += ded
                any_ded = True
                if capped is not None:
                    ded = capped[j]
        rate = rates[score] if tiers is None else pl.compiled.tier_rates[tiers[1]]
        perf = (2 * fee * rate + RATE_DEN) // _HALF
        if items:  # never more than the performance amount (which a fee below zero makes)
            applied = ded if ded <= perf else perf
        earned = perf - applied
        hb = _holdback(pl, fee, earned, share) if share else 0
        released, forfeited, held, pending = (_release(pl, held + hb, final) if rel_now
                                              else (0, 0, held + hb, False))
        payable = earned - hb + released
        notice = warn is not None and score < warn
        streak = streak + 1 if notice else 0
        if notice:
            notices.append(j)
        recs.append((
            ASSESSED, fee, values, (), score, base, adj, tiers, site_scores, rate, perf, items,
            raw, cap, ded, applied, hb, released, 0, payable, notice, streak, held, forfeited,
            pending, final))
        new_lines.append((streak, held, hist))
        t_pay += payable
    window, triggers, contract_trigger = (  # no notice now nor in the window: nothing to do
        _notices(cc, month, notice_hist, notices, new_lines) if notices or notice_hist
        else (notice_hist, (), False))
    return PeriodResult(
        i, tuple(recs), fee_total, t_withheld, t_pay,
        None if not any_ded or cc.total_cap is None
        else (2 * fee_total * cc.total_cap + RATE_DEN) // _HALF, ded_sum, tuple(notices),
        triggers, contract_trigger, (tuple(new_lines), window, tuple(new_results)), release,
        _clock(cc, t_pay, *clock))


def _holdback(pl: PreparedLine, fee: int, earned: int, share: int) -> int:
    """The holdback (暂扣) in fen: ``share`` of the earned amount, or (考核费用) of the
    contract fee but at most the earned amount, half-up."""
    hb = (2 * (fee if pl.compiled.holdback_on_fee else earned) * share + RATE_DEN) // _HALF
    return earned if hb > earned and pl.compiled.holdback_on_fee else hb


def _score(pl: PreparedLine, values: Any) -> tuple[int, tuple[int, ...]]:
    """The score of a line scored at sites (and each site's), or of one whose KPIs may be
    left out of a period."""
    if pl.sites is None:
        return pl.kpis.total(values), ()
    site_scores = tuple(_kpi_score(pl, v) for v in values)
    return _aggregate(pl.sites, site_scores), site_scores


def _incidents(cc: CompiledContract, pl: PreparedLine, score: int, kinds: tuple[str, ...],
               hist: tuple[tuple[int, str], ...], month: int, i: int, fee: int,
               picked: Sequence[int | None] | None, cap_share: int | None
               ) -> tuple[int, int, tuple[int, int] | None, tuple[Item, ...],
                          tuple[tuple[int, str], ...], int, int | None, int]:
    """A period's incidents on a line: the score adjusted and the tier lowered, then each
    priced incident's deduction with the line's cap: (score, points applied, tiers,
    deductions, the incident history after the period, their sum, the line's cap (None
    without a deduction or a cap) and the sum within it, in fen)."""
    cr = pl.compiled
    adj = raw = 0
    tiers = None
    items: tuple[Item, ...] = ()
    if cr.adjust is not None or cr.downgrade is not None:
        score, adj, tiers = _adjust(cr, score, kinds)
    if cr.deductions or cr.shares:
        items, hist, raw = _deduct(cc, pl, kinds, hist, month, i, fee, picked)
    if not items:
        return score, adj, tiers, items, hist, 0, None, 0
    cap = None if cap_share is None else (2 * fee * cap_share + RATE_DEN) // _HALF
    return (score, adj, tiers, items, hist, raw, cap,
            raw if cap is None or raw <= cap else cap)


def _unassessed(pl: PreparedLine, rd: Reading | None, running: bool, fee: int, streak: int,
                held: int, release: bool, final: int | None) -> LineResult:
    """A line without a (complete) assessment: its fee withheld while it runs; a line not
    running in the period releases its held balance at a release point."""
    status = INCOMPLETE if rd is not None else MISSING if running else NOT_RUNNING
    withheld = fee if status != NOT_RUNNING else 0
    released = forfeited = 0
    pending = False
    if release and status == NOT_RUNNING:
        released, forfeited, held, pending = _release(pl, held, final)
    return LineResult(status, fee, None, rd.missing if rd is not None else (), None, None, 0,
                      None, (), None, 0, (), 0, None, 0, 0, 0, released, withheld, released,
                      False, streak, held, forfeited, pending, final)


def _notices(cc: CompiledContract, month: int, history: tuple[int, ...], notices: list[int],
             lines: list[tuple[int, int, tuple[tuple[int, str], ...]]]
             ) -> tuple[tuple[int, ...], tuple[int, ...], bool]:
    """The warning notices in the rolling window after this period, the lines whose failing
    streak reached the replacement threshold, and whether the notices reached the
    contract's termination threshold."""
    window = history
    most, months = cc.notice_window or (None, None)
    if notices or (months is not None and window and window[0] <= month - months):
        lo = month - months if months is not None else -1
        window = tuple(m for m in history if m > lo) + (month,) * len(notices)
    triggers: tuple[int, ...] = ()
    cons = cc.consecutive
    if notices and cons is not None:
        triggers = tuple(j for j, (streak, _, _) in enumerate(lines) if streak >= cons)
    return window, triggers, most is not None and len(window) >= most


def _clock(cc: CompiledContract, payable: int, accepted_on: date | None,
           acceptance_due: date | None, paid_on: date | None) -> ClockFigures:
    """The payment clock: the due date counted from acceptance (from the agreed deadline
    when acceptance came after it), and late interest on the payable amount."""
    if accepted_on is None:
        return (None, acceptance_due, None, 0, None, paid_on, 0, 0)
    start = (acceptance_due if acceptance_due is not None and accepted_on > acceptance_due
             else accepted_on)
    term = cc.due_term(start)
    try:
        due = term.due_on(start)
    except OverflowError:
        raise SettlementError("the payment deadline falls after the last date the library "
                              "handles", field="accepted_on", value=start.isoformat(),
                              term="付款期限", code="settlement.date_out_of_range") from None
    days = term.days or 0
    late = interest = 0
    if due is not None and paid_on is not None and paid_on > due:
        late = (paid_on - due).days
        rate = cc.interest_term(due).daily
        if rate is not None:
            q = Fraction(rate)
            interest = div_half_up(payable * q.numerator * late, q.denominator)
    return (accepted_on, acceptance_due, start, days, due, paid_on, late, interest)


def base_fee(cc: CompiledContract, pl: PreparedLine, i: int, of: str, line: str, fee: int) -> int:
    """The fee a share deduction is a share of, in fen: the period's (``fee``), or the
    scheduled fees of the calendar quarter, year or term holding period ``i``, of the
    line itself or of the line ``line`` names."""
    other = cc.lines[cc.line_index[line]] if line else pl
    if of == "period":
        return fee if other is pl else cc.fee_table.fee(other.index, i)
    fees = other.fees  # every period's (a share of the quarter's, year's or term's fees)
    if of == "term":
        return sum(fees)
    return sum(fees[k] for k in cc.same[of][i])


def _deduct(cc: CompiledContract, pl: PreparedLine, kinds: tuple[str, ...],
            hist: tuple[tuple[int, str], ...], month: int, i: int, fee: int,
            picked: Sequence[int | None] | None = None
            ) -> tuple[tuple[Item, ...], tuple[tuple[int, str], ...], int]:
    """Each priced incident's deduction with the ratchet: (kind, base, num, den,
    occurrence, amount); kinds that only score or downgrade are skipped."""
    cr = pl.compiled
    table = cr.deductions
    shares = cr.shares
    rat = cr.ratchet
    num_r, den_r, after, window = rat if rat is not None else (1, 1, 0, 0)
    recent = [(m, k) for m, k in hist if m > month - window] if rat is not None else []
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
        occurrence = sum(1 for _, k in recent if k == kind) + 1
        num, den = (num_r, den_r) if rat is not None and occurrence > after else (1, 1)
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
                if key in kept:
                    _, new[k] = kept[key]
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
    serious, to = cr.downgrade or (frozenset(), None)
    if serious and any(k in serious for k in kinds):
        tier = cr.tier_of[score]
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


