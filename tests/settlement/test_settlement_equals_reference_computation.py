"""Settlement equals a plain reference computation of the documented rules (hypothesis).

The reference in this file is written from docs/payments.md (KPIs, payment rules, the
settlement steps), docs/model.md (money, the one accrual rule) and the docstrings of
``outsourcing.settlement`` and of the public payment-rule classes — in whole fen and
Fractions, calling nothing of the library.  Every figure of every statement that
``settle_term`` and ``prepare(...).settle(...)`` produce must equal it to the fen.

Inputs are all explicit — each line's KPIs (``kpis=``), its ``PaymentRule`` (``rules=``) and
the contract-wide ``ContractRules`` — so no illustrative default is involved.

Documented rules the reference follows (step numbers of payments.md, "Settlement"):

* fee F: each line's exact accrual since the term start (a part month: monthly × days ÷
  days in the month, ``actual``), rounded half-up cumulatively; the contract's cumulative
  amount is rounded once and the difference goes to the main line (the largest amount over
  the term, the first of equals); a period's fee is the difference at its ends;
* KPI points, in hundredths, half-up: proportional higher weight × min(1, v ÷ t), lower
  weight × min(1, t ÷ v), pass/fail the weight or nothing; a metric is its value, a survey
  satisfied ÷ responses, a sheet points ÷ maximum (as a percentage, 0.01 half-up);
  score m = the sum of the rounded points;
* pay rate: the highest tier whose minimum m reaches; a linear formula pays in full from
  its threshold, else (offset + m)% (at most 100%); A = F × r, half-up;
* deductions: each priced incident at its amount, × factor beyond the ``after``-th incident
  of its kind on the line within ``window_months`` months (this period included), half-up;
  the sum capped at the line cap (share of F, half-up), then at the total cap (share of
  ΣF, half-up, split over the lines by ``allocate``: largest remainder, earlier lines first
  on ties), never more than A;
* holdback H = (A − deductions) × share, half-up, added to the held balance; at the
  release point (``term_end``: the last period; ``year_end``: each December and the last)
  the whole balance is released; payable = A − deductions − H + released;
* a line without an assessment, or with a KPI not measured, is withheld: its fee is
  ``withheld``, nothing is paid;
* a score below the warning line gets a warning notice.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import outsourcing as o
from outsourcing.payment import LinearFormula, RepeatRatchet, TotalCap, WarningRule
from outsourcing.settlement import prepare, settle_term

RB = o.load().rulebook("CN")
KINDS = ("ordinary", "county_leader_criticism", "media_exposure", "late_response")
SERVICES = ("property", "cleaning", "canteen")
ROLLS = ("full",) * 8 + ("missing", "incomplete")
TIE_RATES = (1_000_000, 950_000, 1_050_000, 500_000, 985_000)
TIE_SHARES = (50_000, 25_000, 100_000, 500_000)
"""Rates and shares (millionths) that often land on half a fen, so half-up is exercised."""


# --- plain arithmetic -----------------------------------------------------------------------

def half_up(x: Fraction) -> int:
    """Round a non-negative exact amount half-up to a whole number (四舍五入)."""
    assert x >= 0
    return (2 * x.numerator + x.denominator) // (2 * x.denominator)


def yuan(fen: int) -> o.Money:
    return o.Money(f"{fen // 100}.{fen % 100:02d}")


def dec(num: int, places: int) -> Decimal:
    """A whole number of hundredths (places=2) or millionths (places=6) as a Decimal."""
    return Decimal(num).scaleb(-places)


def month_end(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


# --- the generated case, in plain data --------------------------------------------------------

@dataclass(frozen=True)
class Kpi:
    id: str
    unit: str
    target: int        # hundredths
    higher: bool
    pass_fail: bool
    weight: int        # hundredths of a percent point


@dataclass(frozen=True)
class Rule:
    tiers: tuple[tuple[int, int], ...] | None   # (min score in hundredths, rate in millionths)
    linear: tuple[int, int] | None              # (threshold, offset) in hundredths
    deductions: tuple[tuple[str, int], ...]     # (kind, fen); empty: no deductions
    ratchet: tuple[int, int, int] | None        # (factor in hundredths, after, window months)
    cap: int | None                             # line cap share, millionths
    holdback: tuple[int, str] | None            # (share in millionths, release)
    warning: int | None                         # warning score, hundredths


@dataclass(frozen=True)
class Line:
    id: str
    service: str
    monthly: int       # fen
    kpis: tuple[Kpi, ...]
    rule: Rule


@dataclass(frozen=True)
class Found:
    """One line's assessment in one period: raw measurements and incidents."""
    line: str
    measures: tuple[tuple[str, tuple[Any, ...]], ...]   # (kpi, ("metric", centi) | …)
    incidents: tuple[tuple[date, str], ...]


@dataclass(frozen=True)
class Case:
    start: date
    end: date
    lines: tuple[Line, ...]
    total_cap: int | None                       # millionths
    found: tuple[tuple[Found, ...], ...]        # per period


def months_of(start: date, end: date) -> list[tuple[int, int]]:
    out = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def span_of(case: Case, ym: tuple[int, int]) -> tuple[date, date]:
    first = date(ym[0], ym[1], 1)
    return max(first, case.start), min(month_end(first), case.end)


# --- strategies -----------------------------------------------------------------------------

@st.composite
def kpis_st(draw: st.DrawFn) -> tuple[Kpi, ...]:
    k = draw(st.integers(2, 5))
    cuts = sorted(draw(st.lists(st.integers(0, 10000), min_size=k - 1, max_size=k - 1)))
    weights = [b - a for a, b in zip([0, *cuts], [*cuts, 10000], strict=True)]
    out = []
    for n, w in enumerate(weights):
        unit = draw(st.sampled_from(["%", "points", "minutes", "days"]))
        top = 10000 if unit == "%" else 20000
        out.append(Kpi(f"k{n}", unit, draw(st.integers(1, top)), unit in ("%", "points"),
                       draw(st.integers(0, 4)) == 0, w))
    return tuple(out)


@st.composite
def rule_st(draw: st.DrawFn) -> Rule:
    tiers = linear = None
    if draw(st.booleans()):
        mins = [0, *draw(st.lists(st.integers(1, 10000), unique=True, max_size=3))]
        rates = st.integers(0, 1_000_000) | st.sampled_from(TIE_RATES)
        tiers = tuple((m, draw(rates)) for m in mins)
    else:
        linear = (draw(st.integers(0, 10000)), draw(st.integers(0, 10000)))
    kinds = draw(st.lists(st.sampled_from(KINDS), unique=True, max_size=3))
    deductions = tuple((k, draw(st.integers(0, 1_000_000))) for k in sorted(kinds))
    ratchet = None
    ratcheted = draw(st.booleans())
    if deductions and ratcheted:
        factor = draw(st.integers(100, 300) | st.just(150))
        ratchet = (factor, draw(st.integers(0, 3)), draw(st.integers(1, 12)))
    cap = draw(st.none() | st.integers(0, 1_000_000) | st.sampled_from(TIE_SHARES))
    holdback = draw(st.none() | st.tuples(st.integers(0, 200_000) | st.sampled_from(TIE_SHARES),
                                           st.sampled_from(["term_end", "year_end"])))
    warning = draw(st.none() | st.integers(0, 10000))
    return Rule(tiers, linear, deductions, ratchet, cap, holdback, warning)


def measure_st(kpi: Kpi) -> st.SearchStrategy[tuple[Any, ...]]:
    top = 10000 if kpi.unit == "%" else 30000
    metric = st.tuples(st.just("metric"), st.integers(0, top))
    if kpi.unit == "%":
        survey = st.integers(1, 200).flatmap(
            lambda r: st.tuples(st.just("survey"), st.just(r), st.integers(0, r)))
        return metric | survey
    if kpi.unit == "points":
        item = st.integers(1, 50).flatmap(lambda mx: st.tuples(st.just(mx),
                                                               st.integers(0, mx * 10)))
        sheet = st.tuples(st.just("sheet"), st.lists(item, min_size=1, max_size=3).map(tuple))
        return metric | sheet
    return metric


@st.composite
def cases(draw: st.DrawFn, *, ratchet: bool = False) -> Case:
    year, month = draw(st.integers(2022, 2024)), draw(st.integers(1, 12))
    n = draw(st.integers(1, 6))
    start = date(year, month, draw(st.integers(2, 28)) if draw(st.booleans()) else 1)
    ey, em = divmod(year * 12 + month - 1 + n - 1, 12)
    last = calendar.monthrange(ey, em + 1)[1]
    end_day = draw(st.integers(1, last - 1)) if draw(st.booleans()) else last
    end = date(ey, em + 1, end_day)
    if end < start:
        end = month_end(start)
    lines = []
    for k in range(draw(st.integers(1, 4))):
        rule = draw(rule_st())
        if ratchet:   # every line prices incidents and ratchets them, no line cap
            rule = Rule(rule.tiers, rule.linear, rule.deductions or (("ordinary", 50000),),
                        rule.ratchet or (150, draw(st.integers(0, 2)), draw(st.integers(1, 4))),
                        None, rule.holdback, rule.warning)
        lines.append(Line(f"L{k + 1}", draw(st.sampled_from(SERVICES)),
                          # ¥10 a month or more (or nothing): a main line of a few fen
                          # a month can be −¥0.01 in a part period (the main-line rule's
                          # known limit, see outsourcing.accrual.contract_period_fen)
                          draw(st.just(0) | st.integers(10_00, 200_000_00)), draw(kpis_st()),
                          rule))
    total_cap = draw(st.none() | st.integers(0, 1_000_000) | st.sampled_from(TIE_SHARES))
    case = Case(start, end, tuple(lines), total_cap, ())
    found = []
    for ym in months_of(start, end):
        lo, hi = span_of(case, ym)
        batch = []
        for line in lines:
            roll = "full" if ratchet else draw(st.sampled_from(ROLLS))
            if roll == "missing":
                continue  # not assessed: withheld
            kpis = list(line.kpis)
            incomplete = roll == "incomplete"
            if incomplete:  # one KPI not measured: withheld (and no incidents, see report)
                kpis.pop(draw(st.integers(0, len(kpis) - 1)))
            measures = tuple((k.id, draw(measure_st(k))) for k in kpis)
            incidents: tuple[tuple[date, str], ...] = ()
            if line.rule.deductions and not incomplete:
                kinds = [k for k, _ in line.rule.deductions]
                incidents = tuple(
                    (lo + timedelta(days=draw(st.integers(0, (hi - lo).days))),
                     draw(st.sampled_from(kinds)))
                    for _ in range(draw(st.integers(0, 6 if ratchet else 4))))
            batch.append(Found(line.id, measures, incidents))
        found.append(tuple(batch))
    return Case(start, end, tuple(lines), total_cap, tuple(found))


# --- building the library's inputs from the plain case --------------------------------------

def contract_of(case: Case) -> o.Contract:
    return o.Contract(
        id="REF-2022-001", title="参考计算合同", jurisdiction="CN",
        purchaser=o.Purchaser("P-1", "宁夏回族自治区机关事务管理局"),
        supplier=o.Supplier("S-1", "宁夏某物业服务有限公司", "small"),
        term=o.DateRange(case.start, case.end),
        lines=[o.ServiceLine(x.id, x.service, "参考办公区", o.FixedMonthly(yuan(x.monthly)))
               for x in case.lines])


def kpi_specs(line: Line) -> list[o.KpiSpec]:
    return [o.KpiSpec(k.id, f"指标{k.id}", k.id, k.unit, dec(k.target, 2),
                      o.Direction.HIGHER if k.higher else o.Direction.LOWER,
                      dec(k.weight, 2), "合同 附件一",
                      scoring=o.Scoring.PASS_FAIL if k.pass_fail else o.Scoring.PROPORTIONAL)
            for k in line.kpis]


def payment_rule(r: Rule) -> o.PaymentRule:
    rate: o.TierTable | LinearFormula
    if r.tiers is not None:
        rate = o.TierTable([{"min_score": dec(m, 2), "rate": dec(x, 6)} for m, x in r.tiers],
                           citation="合同 第十条")
    else:
        assert r.linear is not None
        rate = LinearFormula(dec(r.linear[0], 2), dec(r.linear[1], 2), citation="合同 第十条")
    return o.PaymentRule(
        rate,
        deductions=(o.IncidentDeductions({k: yuan(f) for k, f in r.deductions},
                                         citation="合同 第十一条") if r.deductions else None),
        ratchet=(None if r.ratchet is None else
                 RepeatRatchet(dec(r.ratchet[0], 2), r.ratchet[1], r.ratchet[2],
                                 citation="合同 第十一条")),
        cap=None if r.cap is None else o.LineCap(dec(r.cap, 6), citation="合同 第十二条"),
        holdback=(None if r.holdback is None else
                  o.Holdback(dec(r.holdback[0], 6), r.holdback[1], citation="合同 第十三条")),
        warning=(None if r.warning is None else
                 WarningRule(dec(r.warning, 2), citation="合同 第十四条")))


def contract_rules(case: Case) -> o.ContractRules:
    if case.total_cap is None:
        return o.ContractRules()
    return o.ContractRules(total_cap=TotalCap(dec(case.total_cap, 6), citation="合同 第十五条"))


def assessment(f: Found, period: o.Period, on: date) -> o.Assessment:
    metrics, surveys, sheets = [], [], []
    for kpi, m in f.measures:
        if m[0] == "metric":
            metrics.append(o.Metric(kpi, dec(m[1], 2)))
        elif m[0] == "survey":
            surveys.append(o.Survey(kpi, m[1], m[2]))
        else:
            sheets.append(o.ScoreSheet(kpi, [o.ScoreItem(f"项目{n}", Decimal(mx), dec(p, 1))
                                             for n, (mx, p) in enumerate(m[1])]))
    return o.Assessment(f.line, period, "考核小组", on, sheets=sheets, metrics=metrics,
                        surveys=surveys,
                        incidents=[o.Incident(kind, d) for d, kind in f.incidents])


def library_inputs(case: Case) -> tuple[o.Contract, list[o.Period], list[list[o.Assessment]],
                                         dict[str, Any]]:
    periods = [o.Period.month(y, m) for y, m in months_of(case.start, case.end)]
    batches = [[assessment(f, p, span_of(case, (p.start.year, p.start.month))[1]) for f in fs]
               for p, fs in zip(periods, case.found, strict=True)]
    kw = {"rules": {x.id: payment_rule(x.rule) for x in case.lines},
          "kpis": {x.id: kpi_specs(x) for x in case.lines},
          "contract_rules": contract_rules(case)}
    return contract_of(case), periods, batches, kw


# --- the reference --------------------------------------------------------------------------

def accrued(monthly: int, start: date, upto: date) -> Fraction:
    """Exact fen accrued from ``start`` through ``upto``: a part month by its days."""
    total = Fraction(0)
    d = start
    while d <= upto:
        e = min(month_end(d), upto)
        total += Fraction(monthly * ((e - d).days + 1), calendar.monthrange(d.year, d.month)[1])
        d = e + timedelta(days=1)
    return total


def reference_fees(case: Case) -> list[list[int]]:
    """Each line's fee per period: cumulative rounding, the contract's rounding difference on
    the main line (the largest amount over the term, the first of equals)."""
    ends = [span_of(case, ym)[1] for ym in months_of(case.start, case.end)]
    totals = [accrued(x.monthly, case.start, case.end) for x in case.lines]
    main = max(range(len(totals)), key=lambda k: (totals[k], -k))
    rounded: list[list[int]] = [[0] for _ in case.lines]
    for d in ends:
        exact = [accrued(x.monthly, case.start, d) for x in case.lines]
        own = [half_up(c) for c in exact]
        own[main] = half_up(sum(exact, Fraction(0))) - (sum(own) - own[main])
        for k, v in enumerate(own):
            rounded[k].append(v)
    return [[r[i + 1] - r[i] for i in range(len(ends))] for r in rounded]


def measured(m: tuple[Any, ...]) -> int:
    """A measurement in hundredths of the KPI's unit."""
    if m[0] == "metric":
        return int(m[1])
    if m[0] == "survey":
        return half_up(Fraction(m[2] * 10000, m[1]))
    points = sum(Fraction(p, 10) for _, p in m[1])
    maximum = sum(mx for mx, _ in m[1])
    return half_up(points * 10000 / maximum)


def points(k: Kpi, v: int) -> int:
    met = v >= k.target if k.higher else v <= k.target
    if k.pass_fail:
        return k.weight if met else 0
    if met:
        return k.weight
    share = Fraction(v, k.target) if k.higher else Fraction(k.target, v)
    return half_up(k.weight * share)


def pay_rate(r: Rule, score: int) -> Fraction:
    if r.tiers is not None:
        reached = [(m, x) for m, x in r.tiers if score >= m]
        return Fraction(max(reached)[1], 1_000_000)
    assert r.linear is not None
    threshold, offset = r.linear
    if score >= threshold:
        return Fraction(1)
    return min(Fraction(1), Fraction(offset + score, 10000))


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """Largest remainder on whole fen; earlier parts first on ties."""
    s = sum(weights)
    exact = [Fraction(total * w, s) for w in weights]
    parts = [int(e) for e in exact]
    order = sorted(range(len(weights)), key=lambda k: (-(exact[k] - parts[k]), k))
    for k in order[:total - sum(parts)]:
        parts[k] += 1
    return parts


@dataclass
class RefLine:
    fee: int
    assessed: bool
    score: int | None = None
    rate: Fraction | None = None
    perf: int = 0
    applied: int = 0
    holdback: int = 0
    released: int = 0
    payable: int = 0
    held: int = 0
    warning: bool = False
    withheld: int = 0


def reference(case: Case) -> list[list[RefLine]]:
    fees = reference_fees(case)
    yms = months_of(case.start, case.end)
    last = len(yms) - 1
    held = {x.id: 0 for x in case.lines}
    history: dict[str, list[tuple[int, str]]] = {x.id: [] for x in case.lines}
    out = []
    for i, ym in enumerate(yms):
        month = ym[0] * 12 + ym[1] - 1
        found = {f.line: f for f in case.found[i]}
        period: list[RefLine] = []
        raw_caps: list[int] = []
        for k, x in enumerate(case.lines):
            f = found.get(x.id)
            fee = fees[k][i]
            if f is None or len(f.measures) < len(x.kpis):
                period.append(RefLine(fee, False, held=held[x.id], withheld=fee))
                raw_caps.append(0)
                continue
            values = dict(f.measures)
            score = sum(points(kpi, measured(values[kpi.id])) for kpi in x.kpis)
            rate = pay_rate(x.rule, score)
            line = RefLine(fee, True, score, rate, half_up(fee * rate))
            r = x.rule
            prices = dict(r.deductions)
            raw = 0
            for _on, kind in sorted(f.incidents):  # in date order, then kind
                if kind not in prices:
                    continue
                amount = Fraction(prices[kind])
                if r.ratchet is not None:
                    factor, after, window = r.ratchet
                    seen = sum(1 for m, kd in history[x.id]
                               if kd == kind and m > month - window) + 1
                    if seen > after:
                        amount *= Fraction(factor, 100)
                    history[x.id].append((month, kind))
                raw += half_up(amount)
            if r.cap is not None:
                raw = min(raw, half_up(Fraction(fee * r.cap, 1_000_000)))
            raw_caps.append(raw)
            period.append(line)
        if case.total_cap is not None:
            cap = half_up(Fraction(sum(fees[k][i] for k in range(len(case.lines)))
                                   * case.total_cap, 1_000_000))
            if sum(raw_caps) > cap:
                raw_caps = allocate(cap, raw_caps)
        for k, x in enumerate(case.lines):
            line = period[k]
            if not line.assessed:
                continue
            line.applied = min(raw_caps[k], line.perf)
            earned = line.perf - line.applied
            hb = x.rule.holdback
            line.holdback = half_up(Fraction(earned * hb[0], 1_000_000)) if hb else 0
            held[x.id] += line.holdback
            if hb is not None and (i == last or (hb[1] == "year_end" and ym[1] == 12)):
                line.released, held[x.id] = held[x.id], 0
            line.held = held[x.id]
            line.payable = earned - line.holdback + line.released
            assert line.score is not None
            line.warning = x.rule.warning is not None and line.score < x.rule.warning
        out.append(period)
    return out


def assert_statement_is_reference(s: o.Statement, ref: Sequence[RefLine], case: Case) -> None:
    assert [x.line_id for x in s.lines] == [x.id for x in case.lines]
    for got, want in zip(s.lines, ref, strict=True):
        where = f"{s.period} {got.line_id}"
        assert got.fee == yuan(want.fee), where
        if want.assessed:
            assert got.status == "assessed", where
            assert got.score == dec(want.score or 0, 2), where
            assert got.pay_rate is not None and Fraction(got.pay_rate) == want.rate, where
        else:
            assert got.status in ("missing", "incomplete"), where
            assert got.score is None and got.pay_rate is None, where
        assert got.performance_amount == yuan(want.perf), where
        assert got.deductions_applied == yuan(want.applied), where
        assert got.holdback == yuan(want.holdback), where
        assert got.released == yuan(want.released), where
        assert got.withheld == yuan(want.withheld), where
        assert got.payable == yuan(want.payable), where
        assert got.held_balance == yuan(want.held), where
        assert got.warning_notice is want.warning, where
    assert s.fee == yuan(sum(x.fee for x in ref))
    assert s.performance_amount == yuan(sum(x.perf for x in ref))
    assert s.deductions == yuan(sum(x.applied for x in ref))
    assert s.holdback == yuan(sum(x.holdback for x in ref))
    assert s.released == yuan(sum(x.released for x in ref))
    assert s.withheld == yuan(sum(x.withheld for x in ref))
    assert s.payable == yuan(sum(x.payable for x in ref))


def check_against_reference(case: Case) -> list[list[RefLine]]:
    contract, periods, batches, kw = library_inputs(case)
    want = reference(case)
    term = settle_term(contract, [a for b in batches for a in b], RB, **kw)
    assert [s.period for s in term] == periods
    for s, ref in zip(term, want, strict=True):
        assert_statement_is_reference(s, ref, case)
    prepared = prepare(contract, RB, **kw)
    prev: o.Statement | None = None
    for p, batch, ref in zip(periods, batches, want, strict=True):
        prev = prepared.settle(p, batch, previous=prev)
        assert_statement_is_reference(prev, ref, case)
    return want


# --- the tests ------------------------------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(cases())
def test_settlement_follows_the_documented_rules_to_the_fen(case: Case) -> None:
    """Fee (pro rata, cumulative rounding, rounding fen to the main line), KPI points, score,
    pay rate, performance amount, deductions under the line and total caps, holdback and its
    release, payable and the totals: the public API equals the reference for every figure."""
    check_against_reference(case)


@settings(max_examples=30, deadline=None)
@given(cases(ratchet=True))
def test_repeat_ratchet_multiplies_deductions_beyond_the_nth_incident_in_the_window(
    case: Case,
) -> None:
    """Every line ratchets its priced incidents (no line cap, every line assessed): the
    deductions equal the reference's count of the same kind within the rolling window."""
    check_against_reference(case)


def test_repeat_ratchet_worked_example_after_two_in_twelve_months() -> None:
    """×1.5 beyond the 2nd incident of a kind within 12 months (this month included):
    January 500 + 500 + 750, February 750; a different kind is counted on its own; in the
    next January the window has moved past the first January's incidents."""
    k = (Kpi("k0", "points", 10000, True, False, 10000),)
    rule = Rule(((0, 1_000_000),), None, (("media_exposure", 500000), ("ordinary", 50000)),
                (150, 2, 12), None, None, None)
    line = Line("L1", "property", 10_000_000, k, rule)
    full = (("k0", ("metric", 10000)),)

    def found(m: int, *incidents: tuple[int, str]) -> tuple[Found, ...]:
        y, mo = divmod(2022 * 12 + m - 1, 12)
        return (Found("L1", full, tuple((date(y, mo + 1, d), kd) for d, kd in incidents)),)

    months = [found(1, (3, "ordinary"), (10, "ordinary"), (20, "ordinary")),
              found(2, (5, "ordinary"), (6, "media_exposure"))]
    months += [found(m) for m in range(3, 13)]
    months += [found(13, (4, "ordinary")), found(14, (4, "ordinary"), (9, "ordinary"))]
    case = Case(date(2022, 1, 1), date(2023, 2, 28), (line,), None, tuple(months))
    ref = check_against_reference(case)
    assert [ref[0][0].applied, ref[1][0].applied] == [1750_00, 750_00 + 5000_00]
    # January 2023: the window (Feb 2022 – Jan 2023) holds one earlier ordinary → 500;
    # February 2023: the window (Mar 2022 – Feb 2023) holds January's → 500, then 750
    assert [ref[12][0].applied, ref[13][0].applied] == [500_00, 500_00 + 750_00]


def test_mid_month_term_pays_days_with_the_rounding_fen_on_the_main_line() -> None:
    """Two lines of ¥100.05 a month over 15 of 30 days: the contract's ¥100.05 is paid as
    ¥50.02 on the main line (the first of equals) and ¥50.03 on the other (docs/model.md)."""
    k = (Kpi("k0", "points", 10000, True, False, 10000),)
    rule = Rule(((0, 1_000_000),), None, (), None, None, None, None)
    lines = (Line("L1", "property", 10005, k, rule), Line("L2", "cleaning", 10005, k, rule))
    full = (("k0", ("metric", 10000)),)
    case = Case(date(2022, 11, 16), date(2022, 11, 30), lines, None,
                ((Found("L1", full, ()), Found("L2", full, ())),))
    ref = check_against_reference(case)
    assert [x.fee for x in ref[0]] == [5002, 5003]


def test_total_cap_is_split_by_largest_remainder_earlier_lines_first_on_ties() -> None:
    """Two lines of ¥500.00 each deduct ¥1.00; a total cap of 0.001% of ¥1,000.00 is 1 fen:
    split over equal deductions, the tie goes to the earlier line (allocate)."""
    k = (Kpi("k0", "points", 10000, True, False, 10000),)
    rule = Rule(((0, 1_000_000),), None, (("ordinary", 100),), None, None, None, None)
    lines = (Line("L1", "property", 50000, k, rule), Line("L2", "cleaning", 50000, k, rule))
    full = (("k0", ("metric", 10000)),)
    on = ((date(2022, 11, 3), "ordinary"),)
    case = Case(date(2022, 11, 1), date(2022, 11, 30), lines, 10,
                ((Found("L1", full, on), Found("L2", full, on)),))
    ref = check_against_reference(case)
    assert [x.applied for x in ref[0]] == [1, 0]


def test_linear_formula_pays_offset_plus_score_percent_at_most_in_full() -> None:
    """Threshold 90, offset 15: a score of 80 pays 95%, 88 pays (15 + 88)% capped at 100%,
    90 pays in full."""
    k = (Kpi("k0", "points", 10000, True, False, 10000),)
    rule = Rule(None, (9000, 1500), (), None, None, None, None)
    lines = (Line("L1", "property", 8_000_000, k, rule),)
    case = Case(date(2022, 1, 1), date(2022, 3, 31), lines, None, tuple(
        (Found("L1", (("k0", ("metric", score)),), ()),) for score in (8000, 8800, 9000)))
    ref = check_against_reference(case)
    assert [x[0].rate for x in ref] == [Fraction(95, 100), 1, 1]
    assert [x[0].perf for x in ref] == [7_600_000, 8_000_000, 8_000_000]
