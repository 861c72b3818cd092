"""Settlement: a contract's period, its assessments and the rules → a Statement (结算).

``settle(source, period, assessments, rulebook)`` reads the contractual fee only through the
schedules protocol (``source.line_schedules()`` and ``source.all_lines()``), so ``source`` is a
:class:`~outsourcing.model.Contract` or a timeline of changes alike; the base contract is
``source.contract`` where there is one.

Settling happens in two steps.  :func:`prepare` does everything that depends on the contract
alone, once: every period's fee per line (one pass, cumulative rounding), each line's KPIs and
payment rule — explicit per line, else from the ``outsourcing_payment_rule`` hook (called once
per line), else the rulebook's defaults — compiled to integer tables.  The prepared contract
then settles a period: integer-fen arithmetic for each line, a compact record, and a
:class:`~outsourcing.statement.Statement` with an explanation for every figure.

Per line and period, in this order (each amount rounded half-up to the fen once):

1. fee F — the line's accrual over the period (按日折算);
2. score m — the sum of the KPI points; pay rate r — the tier table or formula;
   performance amount A = F × r;
3. incident deductions, each ×factor when the repeat ratchet applies; capped at the line cap
   (share of F), then at the contract's total cap (share of ΣF, split with ``allocate``);
   never more than A;
4. earned E = A − deductions; holdback H = E × share; released = the held balance at the
   release point; payable = E − H + released.

A line running in the period without an assessment (or with KPIs not measured) is a finding:
its fee is withheld (暂缓支付) — never paid in full nor zeroed silently.  A score below the
warning line issues a warning notice; the statement names the replacement or termination
threshold when reached.  The due date counts the statutory (or agreed, at most 60) days from
acceptance; late interest accrues per day on the payable amount.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from operator import getitem
from typing import Any, Protocol

from .accrual import Bounds, Schedule, contract_period_fen, period_bounds
from .catalogue import CORE_SERVICE_KINDS, Catalogue, KpiSpec
from .dates import DateRange, Period, PeriodKind, periods_between
from .due import DueTerm, check_agreed_interest, due_term, interest_term
from .errors import ModelError, SettlementError
from .findings import Finding, Severity
from .model import Contract, PaymentSchedule, ServiceLine
from .money import Money, allocate, div_half_up
from .payment import (
    RATE_DEN,
    SCORE_MAX,
    CompiledRule,
    ContractRules,
    LinearFormula,
    PaymentRule,
    TierTable,
    compile_rule,
    default_payment_rule,
)
from .payment import contract_rules as default_contract_rules
from .performance import (
    CENTI,
    EVENT_LABELS,
    INCIDENT_LABELS,
    Assessment,
    CompiledKpis,
    compile_kpis,
    default_kpis,
    from_centi,
    legal_targets,
)
from .rules import Resolved, RuleBook
from .statement import (
    Carry,
    Deduction,
    Explanation,
    KpiResult,
    LineCarry,
    LineStatus,
    Statement,
    StatementLine,
    Trigger,
    unit_zh,
)
from .usage import ActualFee, Usage, actual_fee

__all__ = [
    "PAYMENT_DEFAULTS",
    "PreparedContract",
    "PreparedLine",
    "SettlementSource",
    "prepare",
    "settle",
    "settle_term",
]

ASSESSED, MISSING, INCOMPLETE, NOT_RUNNING = 0, 1, 2, 3
_STATUS = (LineStatus.ASSESSED, LineStatus.MISSING, LineStatus.INCOMPLETE,
           LineStatus.NOT_RUNNING)
_HALF = 2 * RATE_DEN
"""The per-month core rounds ``fen × millionths`` half-up inline, as
``(2·x + RATE_DEN) // _HALF`` (:func:`~outsourcing.money.div_half_up` unrolled for speed)."""
_PAYMENT_LAW = ("保障中小企业款项支付条例: 以验收合格为付款条件的，付款期限自验收之日起算; "
                "政府采购法实施条例 第四十五条: 按合同逐项验收")


LABELS = {**INCIDENT_LABELS, **EVENT_LABELS}


class SettlementSource(Protocol):
    """What settlement reads: a contract or a timeline of its changes."""

    def line_schedules(self) -> Mapping[str, Schedule]: ...

    def all_lines(self) -> Mapping[str, ServiceLine]: ...


def _month(d: date) -> int:
    return d.year * 12 + d.month - 1


def _month_str(m: int) -> str:
    return f"{m // 12:04d}-{m % 12 + 1:02d}"


def _month_int(s: str) -> int:
    y, mo = s.split("-")
    return int(y) * 12 + int(mo) - 1


@lru_cache(maxsize=8192)
def _resolve(rb: RuleBook, pid: str, on: date) -> Resolved | None:
    return rb.find(pid, on)


class PreparedLine:
    """One line ready to settle: its fees per period, KPIs and compiled payment rule."""

    __slots__ = ("compiled", "defaults", "fees", "index", "kpis", "line", "release_at",
                 "rule", "rule_source", "running", "schedule", "sites")

    def __init__(self, index: int, line: ServiceLine, schedule: Schedule, fees: list[int],
                 running: list[bool], kpis: CompiledKpis, rule: PaymentRule,
                 rule_source: str, release_at: frozenset[int]) -> None:
        self.index = index
        self.line = line
        self.schedule = schedule
        self.fees = fees
        self.running = running
        self.kpis = kpis
        self.rule = rule
        self.compiled: CompiledRule = compile_rule(rule)
        self.rule_source = rule_source
        self.release_at = release_at
        ss = rule.sites
        self.sites: tuple[str, tuple[int, ...]] | None = None if ss is None else (
            ss.aggregate, tuple(dict(ss.weights)[s].fen for s in ss.sites)
            if ss.aggregate == "fee_weighted" else ())
        self.defaults: tuple[Resolved, ...] = ()
        """The illustrative defaults this line's rule uses unadopted (set by prepare)."""


Reading = tuple[Any, ...] | None
"""A line's compact assessment: (KPI values in hundredths — per site, for a line scored at
several sites —, incident kinds in date order[, the shares applied where the contract gives
a range, millionths]); (None, missing KPI ids) when KPIs were not measured; None when there
is no assessment."""

State = tuple[tuple[tuple[int, int, tuple[tuple[int, str], ...]], ...], tuple[int, ...]]
"""Per line (failing streak, held fen, recent (month, incident kind)); notice months."""


def prepare(
    source: SettlementSource,
    rulebook: RuleBook,
    *,
    rules: Mapping[str, PaymentRule] | None = None,
    kpis: Mapping[str, Sequence[KpiSpec]] | None = None,
    on: date | None = None,
    contract_rules: ContractRules | None = None,
    adopt: Iterable[str] = (),
) -> PreparedContract:
    """Prepare a contract (or timeline) for settlement: everything done once per contract.

    ``rules`` sets a line's payment rule explicitly (the contract's own terms); other lines
    ask the ``outsourcing_payment_rule`` hook once, then fall back to
    :func:`~outsourcing.payment.default_payment_rule`.  ``kpis`` replaces a line's KPIs
    (targets and weights per line).  Rules are resolved on ``on``, by default the signing
    day or the start of the term.

    ``contract_rules`` are the contract's own contract-wide terms (total deduction cap,
    replacement and termination thresholds); ``ContractRules()`` states none.  Without it
    the rulebook's defaults apply.  Where a figure uses an *illustrative* default the
    contract did not state (:data:`PAYMENT_DEFAULTS`), every statement carries a warning
    finding ``payment.illustrative_default`` naming it and its source, and the rendered
    statement marks the figure; ``adopt`` lists the defaults the contract adopts explicitly
    (e.g. ``["payment.holdback"]``, or ``["*"]`` for all of them): then no warning.
    """
    return PreparedContract(source, rulebook, rules=rules or {}, kpis=kpis or {}, on=on,
                            contract_rules=contract_rules, adopt=adopt)


class PreparedContract:
    """A contract prepared once; settles any of its periods (see :mod:`outsourcing.settlement`)."""

    def __init__(self, source: SettlementSource, rulebook: RuleBook, *,
                 rules: Mapping[str, PaymentRule], kpis: Mapping[str, Sequence[KpiSpec]],
                 on: date | None, contract_rules: ContractRules | None = None,
                 adopt: Iterable[str] = ()) -> None:
        for name in ("line_schedules", "all_lines"):
            if not callable(getattr(source, name, None)):
                raise SettlementError(
                    f"a {type(source).__name__} has no {name}(); settle a Contract or a "
                    "timeline of changes", field="source", value=type(source).__name__,
                    term="结算对象")
        contract = getattr(source, "contract", source)
        if not isinstance(contract, Contract):
            raise SettlementError("the source's base contract is not a Contract",
                                  field="source.contract", value=type(contract).__name__)
        self.source = source
        self.contract = contract
        self.rulebook = rulebook
        check_agreed_interest(contract, rulebook)  # 2020 text 第十五条: refused, not settled
        self._due_terms: dict[date, DueTerm] = {}
        self.term: DateRange = getattr(source, "term", contract.term)
        self.on = on or contract.signed_on or contract.term.start
        self.kind = (PeriodKind.QUARTER if contract.schedule is PaymentSchedule.QUARTERLY
                     else PeriodKind.MONTH)
        (self.periods, self.index_of, ranges, self.spans, self.months,
         year_ends) = _calendar(self.term, self.kind)
        self.months_per_period = 3 if self.kind is PeriodKind.QUARTER else 1
        all_lines = dict(source.all_lines())
        schedules = source.line_schedules()
        unknown = (set(rules) | set(kpis)) - set(all_lines)
        if unknown:
            raise SettlementError(f"rules or KPIs for lines the contract does not have; lines: "
                                  f"{', '.join(all_lines)}", field="rules",
                                  value=sorted(unknown), term="服务项目")
        host = rulebook.host
        catalogue: Catalogue | None = getattr(host, "catalogue", None)
        if catalogue is None:
            catalogue = _core_catalogue()
        if callable(getattr(host, "check_known", None)):
            host.check_known(contract, all_lines.values())  # never pay an unknown code
        else:
            for n, known in enumerate(all_lines.values()):
                if known.service not in catalogue:
                    _unknown(catalogue, n, known)
        last = len(self.periods) - 1
        bounds = _bounds(self.term, self.kind)
        starts = [r.start for r in ranges]
        ends = [r.end for r in ranges]
        lines = []
        # one accrual rule: cumulative rounding, the difference to the main line (accrual)
        all_fees = contract_period_fen([list(schedules.get(lid, ())) for lid in all_lines],
                                       bounds, contract.day_count)
        for idx, (lid, line) in enumerate(all_lines.items()):
            sched = list(schedules.get(lid, ()))
            fees = all_fees[idx]
            running = [False] * len(ranges)
            for span, _ in sched:
                for k in range(bisect_left(ends, span.start), bisect_right(starts, span.end)):
                    running[k] = True
            rule, origin = self._rule(lid, line, rules)
            specs = self._kpis(lid, line, kpis, catalogue)
            release = rule.holdback.release if rule.holdback else ""
            release_at = (frozenset({last}) if release == "term_end" else
                          year_ends | {last} if release == "year_end" else frozenset())
            lines.append(PreparedLine(idx, line, sched, fees, running, specs, rule, origin,
                                      release_at))
        self.lines = tuple(lines)
        self._hot = tuple(
            (pl.index, pl.fees, pl.running, pl.kpis.tables, pl.compiled.rates,
             pl.compiled.holdback, pl.compiled.warn, pl.compiled.cap, pl.release_at, pl)
            for pl in self.lines)
        self.line_index = {pl.line.id: pl.index for pl in self.lines}
        adopted = _adopted(adopt)
        if contract_rules is None:
            self.rules: ContractRules = default_contract_rules(rulebook, self.on)
            wide = [x for x in (self.rules.total_cap, self.rules.consecutive,
                                self.rules.notices) if x is not None]
            self.defaults = _unadopted(rulebook, self.on, [x.rule_id for x in wide], adopted)
        elif not isinstance(contract_rules, ContractRules):
            raise SettlementError(f"a {type(contract_rules).__name__} is not ContractRules",
                                  field="contract_rules", value=repr(contract_rules),
                                  term="合同整体支付条款", code="settlement.contract_rules_invalid",
                                  zh="合同整体支付条款须为 ContractRules")
        else:
            self.rules = contract_rules
            self.defaults = ()
        for pl in self.lines:
            if pl.rule_source == "default":
                pl.defaults = _unadopted(rulebook, self.on, _rule_ids(pl.rule), adopted)
        tc = self.rules.total_cap
        self.total_cap = None if tc is None else int(tc.share * RATE_DEN)
        cons = self.rules.consecutive
        self.consecutive = None if cons is None else cons.periods
        nw = self.rules.notices
        self.notice_window = None if nw is None else (nw.notices, nw.window_months)
        self.initial: State = (tuple((0, 0, ()) for _ in self.lines), ())

    # --- preparation -------------------------------------------------------------------
    def _rule(self, lid: str, line: ServiceLine,
              rules: Mapping[str, PaymentRule]) -> tuple[PaymentRule, str]:
        if lid in rules:
            rule = rules[lid]
            if not isinstance(rule, PaymentRule):
                raise SettlementError(f"a {type(rule).__name__} is not a PaymentRule",
                                      field=f"rules[{lid}]", value=repr(rule), term="支付规则")
            return rule, "contract"
        host = self.rulebook.host
        if host is not None and hasattr(host, "payment_rule"):
            chosen = host.payment_rule(self.contract, line, self.rulebook)
            if chosen is not None:
                if not isinstance(chosen, PaymentRule):
                    raise SettlementError(
                        f"the outsourcing_payment_rule hook returned a {type(chosen).__name__}"
                        ", not a PaymentRule", field=f"rules[{lid}]", value=repr(chosen),
                        term="支付规则")
                return chosen, "plugin"
        return default_payment_rule(self.rulebook, self.on), "default"

    def _kpis(self, lid: str, line: ServiceLine, kpis: Mapping[str, Sequence[KpiSpec]],
              catalogue: Catalogue) -> CompiledKpis:
        own = lid in kpis
        specs = tuple(kpis[lid]) if own else default_kpis(catalogue, line.service)
        resolved = {s.parameter: r for s in specs if s.parameter
                    and (r := _resolve(self.rulebook, s.parameter, self.on)) is not None}
        where = f"kpis[{lid}]"
        specs = legal_targets(specs, resolved, default=not own, where=where)
        return compile_kpis(specs, where)

    # --- inputs ------------------------------------------------------------------------
    def period_index(self, period: Period | str) -> int:
        """The index of a settlement period; a clear error if it is not one of the term's."""
        p = Period.parse(period) if isinstance(period, str) else period
        if p.kind is not self.kind:
            raise SettlementError(
                f"contract {self.contract.id} settles by {self.kind.value}; {p} is a "
                f"{p.kind.value}", field="period", value=str(p), term="结算周期")
        i = self.index_of.get(p)
        if i is None:
            raise SettlementError(f"period {p} is outside the term {self.term}",
                                  field="period", value=str(p), term="履行期限")
        return i

    def readings(self, i: int, assessments: Iterable[Assessment]
                 ) -> tuple[list[Reading], dict[int, Assessment], dict[int, dict[str, str]]]:
        """Check assessments against the contract and turn them into compact readings."""
        period = self.periods[i]
        out: list[Reading] = [None] * len(self.lines)
        by_line: dict[int, Assessment] = {}
        sources: dict[int, dict[str, str]] = {}
        per_site: dict[int, dict[str, tuple[Any, tuple[str, ...], Assessment]]] = {}
        for n, a in enumerate(assessments):
            where = f"assessments[{n}]"
            if not isinstance(a, Assessment):
                raise SettlementError(f"a {type(a).__name__} is not an Assessment",
                                      field=where, value=repr(a), term="考核记录")
            if a.line not in self.line_index:
                raise SettlementError(
                    f"assessment for an unknown line; contract {self.contract.id} has "
                    + ", ".join(self.line_index), field=f"{where}.line", value=a.line,
                    term="服务项目")
            if self.term.overlap(a.period.range) is None:
                raise SettlementError(
                    f"assessment for {a.period}, outside the term {self.term}",
                    field=f"{where}.period", value=str(a.period), term="考核期间超出履行期限")
            if a.period != period:
                raise SettlementError(f"assessment for {a.period} given to settle {period}",
                                      field=f"{where}.period", value=str(a.period),
                                      term="考核期间")
            j = self.line_index[a.line]
            pl = self.lines[j]
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
            values, missing, srcs = pl.kpis.values_of(a, where=where)
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
            picked = self._picked(pl, a, where)
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
            pl = self.lines[j]
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
                picked = self._picked(pl, merged, "assessments")
                out[j] = ((vals, merged.incident_kinds()) if picked is None
                          else (vals, merged.incident_kinds(), picked))
            by_line[j] = merged
            sources[j] = {}
        return out, by_line, sources

    def _picked(self, pl: PreparedLine, a: Assessment, where: str
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
                    f"the contract deducts {_pct(lo)}–{_pct(hi)} of the fee for "
                    f"{inc.kind!r}: the incident states the share applied within that range",
                    field=f"{where}.incidents[{k}].share",
                    value=None if inc.share is None else str(inc.share), term="扣款比例",
                    code="settlement.incident_share_out_of_range",
                    zh=f"合同约定该事件扣款比例为 {_pct(lo)}–{_pct(hi)}，须在范围内写明本次比例")
            out.append(int(inc.share * RATE_DEN))
        return tuple(out) if any(x is not None for x in out) else None

    def state_from(self, previous: Statement | Carry | None, i: int
                   ) -> tuple[State, list[Finding]]:
        """The compact state carried from the previous period's statement (or its
        :class:`~outsourcing.statement.Carry` alone, as a store keeps it)."""
        if previous is None:
            if i == 0:
                return self.initial, []
            return self.initial, [Finding(
                "settlement.no_previous_statement",
                f"settling {self.periods[i]} without the statement for {self.periods[i - 1]}: "
                "holdback balances and failure history start at zero",
                severity=Severity.WARNING, field="previous", term="上期结算单")]
        if isinstance(previous, Statement) and previous.contract_id != self.contract.id:
            raise SettlementError(f"previous statement is for contract {previous.contract_id}",
                                  field="previous", value=previous.contract_id, term="上期结算单")
        carry = previous if isinstance(previous, Carry) else previous.carry
        if i == 0 or carry.period != self.periods[i - 1]:
            want = self.periods[i - 1] if i else "none (first period)"
            raise SettlementError(f"previous statement is for {carry.period}; expected {want}",
                                  field="previous", value=str(carry.period), term="上期结算单")
        carried = {c.line_id: c for c in carry.lines}
        lines: list[tuple[int, int, tuple[tuple[int, str], ...]]] = []
        for pl in self.lines:
            c = carried.get(pl.line.id)
            if c is None:
                lines.append((0, 0, ()))
            else:
                lines.append((c.streak, c.held.fen,
                              tuple((_month_int(mo), k) for mo, k in c.incidents)))
        return (tuple(lines), tuple(_month_int(m) for m in carry.notice_months)), []

    # --- the monthly core --------------------------------------------------------------
    def due_term(self, start: date) -> DueTerm:
        """The payment term that applies for a clock starting ``start``: the regulation's
        for an SME (an agreed term at most its maximum), the contract's own for a large
        supplier (see :mod:`outsourcing.due`)."""
        term = self._due_terms.get(start)
        if term is None:
            term = self._due_terms[start] = due_term(self.contract, self.rulebook, start)
        return term

    def settle_readings(
        self,
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
        rec = self._core(i, readings, state, release, None, fees, finals)
        if rec[3] is not None and rec[4] > rec[3]:
            # the lines' deductions exceed the contract's total cap: split the cap over them
            weights = [r[9] if r[0] == ASSESSED else 0 for r in rec[1]]
            capped = [m.fen for m in allocate(Money.from_fen(rec[3]), weights)]
            rec = self._core(i, readings, state, release, capped, fees, finals)
        return rec + self._clock(rec[2][2], accepted_on, acceptance_due, paid_on)

    def _core(self, i: int, readings: Sequence[Reading], state: State | None,
              release: bool | None, capped: list[int] | None,
              fee_over: Mapping[int, int] | None = None,
              finals: Mapping[int, int] | None = None) -> tuple[Any, ...]:
        st_lines, notice_hist = state if state is not None else self.initial
        month = self.months[i]
        recs: list[tuple[Any, ...]] = []
        new_lines = []
        notices: list[int] = []
        fee_total = t_withheld = t_pay = ded_sum = 0
        any_ded = False
        finals = finals or {}
        for hot, rd, (streak, held, hist) in zip(self._hot, readings, st_lines):  # noqa: B905
            j, fees, running, tables, rates, share, warn, cap_share, rel_at, pl = hot
            fee = fee_over[j] if fee_over and j in fee_over else fees[i]
            fee_total += fee
            rel_now = (i in rel_at) if release is None else release
            if rd is None or rd[0] is None:
                status = INCOMPLETE if rd is not None else (
                    MISSING if running[i] else NOT_RUNNING)
                withheld = fee if status != NOT_RUNNING else 0
                released = forfeited = 0
                pending = False
                if rel_now and status == NOT_RUNNING:
                    released, forfeited, held, pending = _release(pl, held, finals.get(j))
                recs.append((status, fee, rd[1] if rd is not None else None, None, None, 0, (),
                             0, None, 0, 0, 0, released, withheld, released, False, streak,
                             held, (None, (), 0, None, forfeited, pending, finals.get(j))))
                new_lines.append((streak, held, hist))
                t_withheld += withheld
                t_pay += released
                continue
            values: Any = rd[0]
            extra = rd[1]
            cr = pl.compiled
            if pl.sites is None:
                site_scores: tuple[int, ...] = ()
                try:
                    score: int = sum(map(getitem, tables, values))
                except IndexError:
                    score = sum(pl.kpis.points(values))
            else:
                site_scores = tuple(_kpi_score(pl, v) for v in values)
                score = _aggregate(pl.sites, site_scores)
            base = score
            adj = 0
            tiers: tuple[int, int] | None = None
            if extra and (cr.adjust is not None or cr.downgrade is not None):
                score, adj, tiers = _adjust(cr, score, extra)
            rate = rates[score] if tiers is None else cr.tier_rates[tiers[1]]
            perf = (2 * fee * rate + RATE_DEN) // _HALF
            items: tuple[Any, ...] = ()
            if extra and (cr.deductions or cr.shares):
                items, hist, raw = self._deduct(pl, extra, hist, month, i, fee,
                                                rd[2] if len(rd) > 2 else None)
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
            hb = (2 * earned * share + RATE_DEN) // _HALF if share else 0
            held += hb
            forfeited = 0
            pending = False
            if rel_now:
                released, forfeited, held, pending = _release(pl, held, finals.get(j))
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
                         (base, site_scores, adj, tiers, forfeited, pending, finals.get(j))))
            new_lines.append((streak, held, hist))
            t_pay += payable
        window = notice_hist
        nw = self.notice_window
        if notices or (nw is not None and window and window[0] <= month - nw[1]):
            lo = month - nw[1] if nw is not None else -1
            window = tuple(m for m in notice_hist if m > lo) + (month,) * len(notices)
        triggers: tuple[int, ...] = ()
        cons = self.consecutive
        if notices and cons is not None:
            triggers = tuple(j for j, nl in enumerate(new_lines) if nl[0] >= cons)
        contract_trigger = nw is not None and len(window) >= nw[0]
        total_cap = (None if not any_ded or self.total_cap is None else
                     (2 * fee_total * self.total_cap + RATE_DEN) // _HALF)
        return (i, tuple(recs), (fee_total, t_withheld, t_pay), total_cap, ded_sum,
                tuple(notices), triggers, contract_trigger, (tuple(new_lines), window), release)

    def _clock(self, payable: int, accepted_on: date | None, acceptance_due: date | None,
               paid_on: date | None) -> tuple[Any, ...]:
        """The payment clock: (accepted, deadline, clock start, days, due, paid, late days,
        interest in fen)."""
        if accepted_on is None:
            return (None, acceptance_due, None, 0, None, paid_on, 0, 0)
        clock = (acceptance_due if acceptance_due is not None and accepted_on > acceptance_due
                 else accepted_on)
        term = self.due_term(clock)
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
            rate = interest_term(self.contract, self.rulebook, due).daily
            if rate is not None:
                q = Fraction(rate)
                interest = div_half_up(payable * q.numerator * late, q.denominator)
        return (accepted_on, acceptance_due, clock, days, due, paid_on, late, interest)

    def base_fee(self, pl: PreparedLine, i: int, of: str, line: str, fee: int) -> int:
        """The fee a share deduction is a share of, in fen: the period's (``fee``), or the
        scheduled fees of the calendar quarter, year or term holding period ``i``, of the
        line itself or of the line ``line`` names."""
        other = self.lines[self.line_index[line]] if line else pl
        if of == "period":
            return fee if other is pl else other.fees[i]
        if of == "term":
            return sum(other.fees)
        p = self.periods[i].start
        if of == "year":
            same = [k for k, q in enumerate(self.periods) if q.start.year == p.year]
        else:
            qtr = (p.year, (p.month - 1) // 3)
            same = [k for k, q in enumerate(self.periods)
                    if (q.start.year, (q.start.month - 1) // 3) == qtr]
        return sum(other.fees[k] for k in same)

    def _deduct(self, pl: PreparedLine, kinds: tuple[str, ...],
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
                base = div_half_up(self.base_fee(pl, i, of, other, fee) * sh, RATE_DEN)
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

    # --- the rich statement ------------------------------------------------------------
    def statement(
        self,
        record: tuple[Any, ...],
        *,
        assessments: Mapping[int, Assessment] | None = None,
        sources: Mapping[int, Mapping[str, str]] | None = None,
        findings: Sequence[Finding] = (),
        actuals: Mapping[int, ActualFee] | None = None,
    ) -> Statement:
        """The full statement of a settled record, every figure with its explanation."""
        (i, recs, (fee_total, t_withheld, t_pay), total_cap, ded_sum, notices, triggers,
         contract_trigger, new_state, release, accepted_on, acceptance_due, clock, days, due,
         paid_on, late, interest) = record
        c = self.contract
        period = self.periods[i]
        span = self.spans[i]
        assessments = assessments or {}
        sources = sources or {}
        out_lines = []
        found = list(findings)
        for pl, rec in zip(self.lines, recs, strict=True):
            out_lines.append(self._line(pl, rec, i, assessments.get(pl.index),
                                        sources.get(pl.index, {}), total_cap, release, found,
                                        (actuals or {}).get(pl.index)))
        t_perf = sum(r[5] for r in recs)
        t_applied = sum(r[10] for r in recs)
        t_hb = sum(r[11] for r in recs)
        t_rel = sum(r[12] for r in recs)
        t_forf = sum(r[18][4] for r in recs)
        used: dict[str, tuple[Resolved, list[str]]] = {}
        for pl in self.lines:
            for r in pl.defaults:
                used.setdefault(r.rule_id, (r, []))[1].append(pl.line.id)
        for r in self.defaults:
            used.setdefault(r.rule_id, (r, []))
        for rid, (r, lids) in used.items():
            term = r.parameter.term or rid
            where = f" for {', '.join(lids)}" if lids else " for the whole contract"
            found.append(Finding(
                "payment.illustrative_default",
                f"the contract states no {term}{where}: settlement uses the illustrative "
                f"default {rid} = {_show(r.value)} — adopt it explicitly or state the "
                "contract's own term", severity=Severity.WARNING, field=rid, rule_id=rid,
                citation=r.citation, term=f"{term}（示例默认，合同未约定）"))
        explanations = [Explanation(
            "应付金额合计", Money.from_fen(t_pay).format(), "settlement.payable",
            "各服务项目应付金额之和",
            tuple((x.line_id, x.payable.format()) for x in out_lines))]
        if total_cap is not None:
            tc = self.rules.total_cap
            assert tc is not None
            explanations.append(Explanation(
                "扣款上限（合计）", Money.from_fen(total_cap).format(), tc.rule_id, tc.citation,
                (("当期合同费用合计", Money.from_fen(fee_total).format()),
                 ("比例", _pct(tc.share)),
                 ("各项目扣款（单项上限后）", Money.from_fen(ded_sum).format()),
                 ("是否触及", "是，按比例分摊 (allocate)" if ded_sum > total_cap else "否"))))
        dterm = self.due_term(clock) if clock is not None else None
        if due is not None and dterm is not None:
            src = (dterm.rule_id, dterm.citation)
            ins: list[tuple[str, str]] = [("验收日期", accepted_on.isoformat()),
                                          ("起算日", clock.isoformat()),
                                          ("天数", dterm.describe())]
            if acceptance_due is not None:
                ins.append(("约定验收期限", acceptance_due.isoformat()))
            if not c.supplier.size.is_sme:
                ins.append(("供应商规模", "大型企业: 条例不适用（第二条），按合同约定"))
            explanations.append(Explanation("到期日", due.isoformat(), src[0], src[1],
                                            tuple(ins)))
            if dterm.cut:
                found.append(Finding(
                    "payment.term_too_long",
                    f"agreed payment term {c.payment_days} "
                    f"{'working days' if c.payment_working_days else 'days'} runs past "
                    f"{dterm.days} days for an SME; the statement uses {dterm.days} days",
                    severity=Severity.WARNING,
                    field="payment_days", rule_id=src[0], citation=src[1], term="付款期限"))
        elif dterm is not None:
            found.append(Finding(
                "payment.no_agreed_term",
                f"{c.supplier.name} is a large enterprise: 保障中小企业款项支付条例 does not apply "
                "(第二条) and the contract states no payment term, so the statement has no due "
                "date and no late interest", severity=Severity.INFO, field="payment_days",
                rule_id=dterm.rule_id, citation=dterm.citation, term="付款期限"))
        else:
            found.append(Finding(
                "settlement.no_acceptance_date",
                f"no acceptance date for {period}: the due date cannot be set",
                severity=Severity.WARNING, field="accepted_on", citation=_PAYMENT_LAW,
                term="验收日期"))
        if paid_on is not None and due is not None:
            it = interest_term(c, self.rulebook, due)
            explanations.append(Explanation(
                "逾期利息", Money.from_fen(interest).format(), it.rule_id, it.citation,
                (("应付金额", Money.from_fen(t_pay).format()), ("到期日", due.isoformat()),
                 ("支付日", paid_on.isoformat()), ("逾期天数", str(late)),
                 ("日利率", str(it.daily) if it.daily is not None else "—"))))
        trig = []
        cons = self.rules.consecutive
        for j in triggers:
            pl = self.lines[j]
            assert cons is not None
            trig.append(Trigger(
                "line", pl.line.id, cons.rule_id, cons.citation,
                f"服务项目 {pl.line.id} 连续 {recs[j][16]} 期未达标，达到更换社会化单位的阈值"
                f"（{cons.periods} 期）"))
        nw = self.rules.notices
        window = new_state[1]
        if contract_trigger and nw is not None:
            trig.append(Trigger(
                "contract", None, nw.rule_id, nw.citation,
                f"{nw.window_months} 个月内预警通知累计 {len(window)} 次，达到解除合同的阈值"
                f"（{nw.notices} 次）"))
        for t in trig:
            found.append(Finding("performance.replacement_threshold", t.message,
                                 severity=Severity.WARNING, field=t.line_id, rule_id=t.rule_id,
                                 citation=t.citation,
                                 term="更换社会化单位" if t.scope == "line" else "解除合同"))
        carry = Carry(period, tuple(
            LineCarry(pl.line.id, Money.from_fen(ls[1]), ls[0],
                      tuple((_month_str(m), k) for m, k in ls[2]))
            for pl, ls in zip(self.lines, new_state[0], strict=True)),
            tuple(_month_str(m) for m in window))
        return Statement(
            contract_id=c.id, title=c.title, purchaser=c.purchaser.name,
            supplier=c.supplier.name, supplier_size=f"{c.supplier.size.zh}企业",
            period=period, span=span, lines=tuple(out_lines),
            fee=Money.from_fen(fee_total), performance_amount=Money.from_fen(t_perf),
            deductions=Money.from_fen(t_applied), holdback=Money.from_fen(t_hb),
            released=Money.from_fen(t_rel), withheld=Money.from_fen(t_withheld),
            payable=Money.from_fen(t_pay),
            total_cap=None if total_cap is None else Money.from_fen(total_cap),
            accepted_on=accepted_on, clock_start=clock,
            payment_days=days if due is not None else None, due_on=due, paid_on=paid_on,
            payment_working_days=bool(due is not None and dterm is not None and dterm.working),
            late_days=late, late_interest=Money.from_fen(interest),
            notices=tuple(self.lines[j].line.id for j in notices), triggers=tuple(trig),
            findings=tuple(found), explanations=tuple(explanations), carry=carry,
            forfeited=Money.from_fen(t_forf))

    def _line(self, pl: PreparedLine, rec: tuple[Any, ...], i: int, a: Assessment | None,
              sources: Mapping[str, str], total_cap: int | None, release: bool | None,
              found: list[Finding], actual: ActualFee | None = None) -> StatementLine:
        (status, fee, values, score, rate, perf, items, raw, cap, ded, applied, hb, released,
         withheld, payable, notice, streak, held, info) = rec
        base_score, site_scores, adj, tiers, forfeited, pending, final = info
        line = pl.line
        lid = line.id
        rule = pl.rule
        period = self.periods[i]
        ex: list[Explanation] = []

        def add(figure: str, value: str, rule_id: str, citation: str,
                *inputs: tuple[str, str]) -> None:
            ex.append(Explanation(figure, value, rule_id, citation, tuple(inputs), lid))

        if actual is not None:
            add("合同费用", Money.from_fen(fee).format(), actual.rule_id, actual.citation,
                *actual.inputs)
        else:
            pieces = [(r.overlap(self.periods[i].range), m) for r, m in pl.schedule]
            add("合同费用", Money.from_fen(fee).format(), "accrual.pro_rata",
                f"合同 {self.contract.id} 服务项目 {lid} 计价; 不足整月按日折算 "
                f"({self.contract.day_count.value}); 按累计金额四舍五入到分",
                *[(str(s), f"{Money.round(m).format()}/月") for s, m in pieces
                  if s is not None])
        kres: list[KpiResult] = []
        missing: tuple[str, ...] = ()
        st = _STATUS[status]
        if status == ASSESSED:
            if pl.sites is None:
                self._kpi_lines(pl, values, sources, kres, add)
                add("考核得分", str(from_centi(score)), "performance.score",
                    "各项指标得分之和（满分100，每项四舍五入到0.01）"
                    + ("，加减分后" if adj else ""),
                    *[(k.id, str(k.points)) for k in kres],
                    *((("基础得分", str(from_centi(base_score))), ("加减分", _signed(adj)))
                      if adj else ()))
            else:
                ss = rule.sites
                assert ss is not None
                for site, v, sc in zip(ss.sites, values, site_scores, strict=True):
                    pts = pl.kpis.points(v)
                    add(f"点位得分 {site}", str(from_centi(sc)), "performance.score",
                        "该点位各项指标得分之和",
                        *[(spec.id, str(from_centi(p)))
                          for spec, p in zip(pl.kpis.specs, pts, strict=True)])
                how = {"min": "取最低点位得分", "mean": "各点位得分平均，四舍五入到0.01",
                       "fee_weighted": "按点位费用加权平均，四舍五入到0.01"}[ss.aggregate]
                add("考核得分", str(from_centi(score)), ss.rule_id, f"{ss.citation}: {how}",
                    *[(site, str(from_centi(sc)))
                      for site, sc in zip(ss.sites, site_scores, strict=True)],
                    *[(f"权重 {k}", m.format()) for k, m in ss.weights],
                    *((("汇总得分", str(from_centi(base_score))), ("加减分", _signed(adj)))
                      if adj else ()))
            if rule.adjustments is not None and a is not None and (
                    evs := [x for x in sorted(a.incidents, key=lambda x: (x.on, x.kind))
                            if rule.adjustments.of(x.kind) is not None]):
                ra = rule.adjustments
                add("加减分", _signed(adj), ra.rule_id, ra.citation,
                    *[(f"{x.on} {LABELS.get(x.kind, x.kind)}",
                       f"{ra.of(x.kind):+}") for x in evs],
                    ("加分上限", "未约定" if ra.bonus_cap is None else str(ra.bonus_cap)),
                    ("减分上限", "未约定" if ra.penalty_cap is None else str(ra.penalty_cap)),
                    ("基础得分", str(from_centi(base_score))),
                    ("调整后得分", str(from_centi(score))))
            if tiers is not None and isinstance(rule.rate, TierTable):
                dg = rule.downgrade
                assert dg is not None
                bands = rule.rate.bands
                serious = [f"{x.on} {LABELS.get(x.kind, x.kind)}"
                           for x in (a.incidents if a is not None else ())
                           if x.kind in dg.kinds]
                add("降档", f"{_tier(bands[tiers[0]])} → {_tier(bands[tiers[1]])}",
                    dg.rule_id, dg.citation, ("严重事件", "、".join(serious)),
                    ("规则", f"降至 {dg.to}" if dg.to else "降一档"))
            r = rule.rate
            pay_rate = Decimal(rate) / RATE_DEN
            if isinstance(r, TierTable):
                band = (r.band_for(from_centi(score)) if tiers is None
                        else r.bands[tiers[1]])
                add("支付比例", _pct(pay_rate), r.rule_id, r.citation,
                    ("得分", str(from_centi(score))), ("档位", _tier(band)),
                    *((("降档", "是"),) if tiers is not None else ()),
                    ("分档表", r.describe()))
            elif isinstance(r, LinearFormula):
                add("支付比例", _pct(pay_rate), r.rule_id, r.citation,
                    ("得分", str(from_centi(score))), ("公式", r.describe()))
            else:
                add("支付比例", _pct(pay_rate), r.rule_id, r.citation)
            add("考核后金额", Money.from_fen(perf).format(), r.rule_id,
                "合同费用 × 支付比例，四舍五入到分",
                ("合同费用", Money.from_fen(fee).format()), ("支付比例", _pct(pay_rate)))
            if notice and rule.warning is not None:
                add("预警通知", "是", rule.warning.rule_id, rule.warning.citation,
                    ("得分", str(from_centi(score))), ("预警分数线", str(rule.warning.min_score)),
                    ("连续未达标期数", str(streak)))
        elif status == INCOMPLETE:
            missing = values
            names = {s.id: s.name_zh for s in pl.kpis.specs}
            found.append(Finding(
                "assessment.incomplete",
                f"line {lid}: KPIs not measured for {period}: "
                + ", ".join(f"site {k[1:]} not assessed (点位未考核)" if k.startswith("@")
                            else f"{k} ({names.get(k.rpartition(':')[2], k)})"
                            for k in missing)
                + f"; its fee {Money.from_fen(fee).format()} is withheld until they are",
                field=f"assessments[{lid}]", citation=_PAYMENT_LAW, term="考核不完整"))
        elif status == MISSING:
            found.append(Finding(
                "assessment.missing",
                f"line {lid} ran in {period} but has no assessment; its fee "
                f"{Money.from_fen(fee).format()} is withheld until it is assessed",
                field=f"assessments[{lid}]", citation=_PAYMENT_LAW, term="考核缺失"))
        if withheld:
            add("暂缓支付", Money.from_fen(withheld).format(), "performance.assessment_required",
                _PAYMENT_LAW, ("状态", st.zh))
        deds: list[Deduction] = []
        if items:
            dr = rule.deductions
            rat = rule.ratchet
            assert dr is not None
            priced = set(pl.compiled.deductions) | set(pl.compiled.shares)
            incs = (sorted((x for x in a.incidents if x.kind in priced),
                           key=lambda x: (x.on, x.kind)) if a is not None else [])
            for n, (kind, base, num, den, occ, amount) in enumerate(items):
                factor = Decimal(num) / Decimal(den)
                on = incs[n].on if n < len(incs) else None
                deds.append(Deduction(kind, LABELS.get(kind, kind),
                                      Money.from_fen(base), factor, Money.from_fen(amount),
                                      occ, on))
                ins = [("事件", LABELS.get(kind, kind)),
                       ("标准", Money.from_fen(base).format()), ("同类第几次", str(occ))]
                if kind in pl.compiled.shares:
                    fs = dr.share(kind)
                    ins[1:1] = [("按比例", fs.describe()), ("扣款基数", Money.from_fen(
                        self.base_fee(pl, i, fs.of, fs.line, fee)).format())]
                    applied_share = incs[n].share if n < len(incs) else None
                    if applied_share is not None:
                        ins.insert(2, ("本次比例", _pct(applied_share)))
                if on is not None:
                    ins.append(("日期", on.isoformat()))
                rid, cit = dr.rule_id, dr.citation
                if num != den and rat is not None:
                    ins.append(("加重倍数", str(factor)))
                    rid, cit = f"{dr.rule_id}+{rat.rule_id}", f"{dr.citation}; {rat.citation}"
                add(f"扣款 {LABELS.get(kind, kind)}", Money.from_fen(amount).format(),
                    rid, cit, *ins)
            if cap is not None and rule.cap is not None:
                add("扣款上限（单项）", Money.from_fen(cap).format(), rule.cap.rule_id,
                    rule.cap.citation, ("合同费用", Money.from_fen(fee).format()),
                    ("比例", _pct(rule.cap.share)),
                    ("扣款合计", Money.from_fen(raw).format()),
                    ("是否触及", "是" if raw > cap else "否"))
            tc = self.rules.total_cap
            add("实际扣款", Money.from_fen(applied).format(), "settlement.deductions",
                "扣款不超过单项上限与合计上限，且不超过考核后金额",
                ("扣款合计", Money.from_fen(raw).format()),
                ("单项上限后", Money.from_fen(raw if cap is None else min(raw, cap)).format()),
                ("合计上限分摊后", Money.from_fen(ded).format()),
                ("考核后金额", Money.from_fen(perf).format()),
                *((("合计上限规则", tc.rule_id),) if tc is not None and total_cap is not None
                  else ()))
        hbr = rule.holdback
        if hbr is not None and status == ASSESSED:
            add("暂扣款", Money.from_fen(hb).format(), hbr.rule_id, hbr.citation,
                ("考核后金额减扣款", Money.from_fen(perf - applied).format()),
                ("比例", _pct(hbr.share)))
        by_result: list[tuple[str, str]] = []
        if hbr is not None and hbr.needs_result and final is not None:
            by_result = [("期满考核得分", str(from_centi(final))),
                         ("释放方式", {"full": "全额释放", "proportional": "按考核得分比例释放"}[
                             hbr.by_result])]
            if hbr.forfeit_below is not None:
                by_result.append(("不予退还分数线", str(hbr.forfeit_below)))
        if released:
            why = ("结算时指定释放" if release else
                   f"释放时点 {hbr.release}" if hbr is not None else "结算时指定释放")
            add("释放暂扣款", Money.from_fen(released).format(),
                hbr.rule_id if hbr else "payment.holdback", hbr.citation if hbr else "",
                ("暂扣款余额", Money.from_fen(released + forfeited).format()), ("依据", why),
                *by_result)
        if forfeited and hbr is not None:
            add("暂扣款不予退还", Money.from_fen(forfeited).format(), hbr.rule_id, hbr.citation,
                ("暂扣款余额", Money.from_fen(released + forfeited).format()),
                ("释放暂扣款", Money.from_fen(released).format()), *by_result)
        if pending and hbr is not None:
            found.append(Finding(
                "holdback.final_assessment_missing",
                f"line {lid}: the held balance {Money.from_fen(held).format()} is released by "
                f"the final assessment's result, and no final score was given for {period}; "
                "it stays held (give final_scores)", field=f"final_scores.{lid}",
                rule_id=hbr.rule_id, citation=hbr.citation, term="期满考核得分"))
        add("应付金额", Money.from_fen(payable).format(), "settlement.payable",
            "考核后金额 − 实际扣款 − 暂扣款 + 释放暂扣款",
            ("考核后金额", Money.from_fen(perf).format()),
            ("实际扣款", Money.from_fen(applied).format()),
            ("暂扣款", Money.from_fen(hb).format()),
            ("释放暂扣款", Money.from_fen(released).format()))
        return StatementLine(
            line_id=lid, service=line.service, service_zh=self._service_zh(line.service),
            site=line.site, status=st, fee=Money.from_fen(fee),
            score=from_centi(score) if status == ASSESSED else None, kpis=tuple(kres),
            missing_kpis=missing,
            pay_rate=Decimal(rate) / RATE_DEN if status == ASSESSED else None,
            performance_amount=Money.from_fen(perf), deductions=tuple(deds),
            deductions_total=Money.from_fen(raw),
            line_cap=None if cap is None else Money.from_fen(cap),
            deductions_capped=Money.from_fen(ded), deductions_applied=Money.from_fen(applied),
            holdback=Money.from_fen(hb), released=Money.from_fen(released),
            withheld=Money.from_fen(withheld), payable=Money.from_fen(payable),
            held_balance=Money.from_fen(held), warning_notice=bool(notice),
            failing_streak=streak, explanations=tuple(ex),
            base_score=from_centi(base_score) if base_score is not None else None,
            adjustment=from_centi(adj), downgraded=tiers is not None and tiers[0] != tiers[1],
            site_scores=tuple(zip(rule.sites.sites, map(from_centi, site_scores), strict=True))
            if rule.sites is not None and site_scores else (),
            forfeited=Money.from_fen(forfeited), defaults=tuple(r.rule_id for r in pl.defaults))

    def _kpi_lines(self, pl: PreparedLine, values: Sequence[int],
                   sources: Mapping[str, str], kres: list[KpiResult], add: Any) -> None:
        line = pl.line
        pts = pl.kpis.points(values)
        for spec, v, p in zip(pl.kpis.specs, values, pts, strict=True):
            kres.append(KpiResult(spec.id, spec.name_zh, spec.unit, spec.target,
                                  spec.weight, from_centi(v), sources.get(spec.id, ""),
                                  from_centi(p)))
            add(f"指标 {spec.name_zh}", str(from_centi(p)), f"kpi.{line.service}.{spec.id}",
                spec.citation, ("实测", f"{from_centi(v)}{unit_zh(spec.unit)}"),
                ("目标", f"{spec.target}{unit_zh(spec.unit)}"), ("方向", spec.direction.value),
                ("计分", spec.scoring.value), ("权重", str(spec.weight)),
                *((("来源", sources[spec.id]),) if spec.id in sources else ()))

    def _service_zh(self, code: str) -> str:
        cat = getattr(self.rulebook.host, "catalogue", None) or _core_catalogue()
        return cat.get(code).name_zh if code in cat else code

    # --- the public verb ---------------------------------------------------------------
    def settle(
        self,
        period: Period | str,
        assessments: Iterable[Assessment] = (),
        *,
        previous: Statement | Carry | None = None,
        accepted_on: date | None = None,
        acceptance_due: date | None = None,
        paid_on: date | None = None,
        release_holdback: bool | None = None,
        usage: Iterable[Usage] = (),
        final_scores: Mapping[str, Any] | None = None,
    ) -> Statement:
        """Settle one period; see :func:`settle` (``previous`` may be the previous statement
        or only its carry)."""
        i = self.period_index(period)
        finals = self.final_scores(final_scores or {})
        readings, by_line, sources = self.readings(i, assessments)
        actuals = self.actual_fees(i, usage)
        state, found = self.state_from(previous, i)
        if accepted_on is None and by_line:
            accepted_on = max(a.assessed_on for a in by_line.values())
        record = self.settle_readings(i, readings, state, accepted_on=accepted_on,
                                      acceptance_due=acceptance_due, paid_on=paid_on,
                                      release=release_holdback,
                                      fees={j: a.fen for j, a in actuals.items()},
                                      finals=finals)
        for a in actuals.values():
            found.extend(a.findings)
        return self.statement(record, assessments=by_line, sources=sources, findings=found,
                              actuals=actuals)

    def final_scores(self, scores: Mapping[str, Any]) -> dict[int, int]:
        """Final assessment scores by line id (年度/期满考核得分) → hundredths by line index;
        they decide a result-based holdback release."""
        out = {}
        for lid, v in scores.items():
            if lid not in self.line_index:
                raise SettlementError(f"no such line; lines: {', '.join(self.line_index)}",
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
            out[self.line_index[lid]] = int(c)
        return out

    def actual_fees(self, i: int, usage: Iterable[Usage]) -> dict[int, ActualFee]:
        """Period ``i``'s fees from recorded usage (按实结算), by line index.

        A line without a usage keeps its scheduled fee.  The version of the line in force on
        the last day it ran in the period prices the usage.
        """
        out: dict[int, ActualFee] = {}
        period_range = self.periods[i].range
        as_of = getattr(self.source, "as_of", None)
        for n, u in enumerate(usage):
            if not isinstance(u, Usage):
                raise SettlementError(f"a {type(u).__name__} is not a Usage",
                                      field=f"usage[{n}]", value=repr(u), term="实际用量")
            if u.period != self.periods[i]:
                raise SettlementError(f"usage for {u.period} given when settling "
                                      f"{self.periods[i]}", field=f"usage[{n}].period",
                                      value=str(u.period), term="结算期间")
            j = self.line_index.get(u.line)
            if j is None:
                raise SettlementError(f"no such line; lines: {', '.join(self.line_index)}",
                                      field=f"usage[{n}].line", value=u.line, term="服务项目")
            if j in out:
                raise SettlementError("usage recorded twice for this line and period",
                                      field=f"usage[{n}].line", value=u.line, term="实际用量")
            pl = self.lines[j]
            running = [r for r in (span.overlap(period_range) for span, _ in pl.schedule)
                       if r is not None]
            line = pl.line
            if running and callable(as_of):
                version = as_of(running[-1].end)
                if version.has_line(u.line):
                    line = version.line(u.line)
            out[j] = actual_fee(u, line, running, self.contract.day_count)
        return out


def _pct(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


PAYMENT_DEFAULTS = ("payment.tier_table", "payment.linear_formula",
                    "payment.incident_deductions", "payment.repeat_ratchet",
                    "payment.deduction_cap_line", "payment.holdback", "payment.warning_score",
                    "payment.deduction_cap_total", "payment.termination_consecutive",
                    "payment.termination_notices")
"""The payment terms a jurisdiction may supply as illustrative defaults; a contract adopts
one explicitly by naming it (``adopt=``) or replaces it with its own term."""


def _adopted(adopt: Iterable[str]) -> frozenset[str]:
    if isinstance(adopt, str):
        adopt = (adopt,)
    out = frozenset(adopt)
    if "*" in out:
        return frozenset(PAYMENT_DEFAULTS)
    odd = sorted(out - set(PAYMENT_DEFAULTS))
    if odd:
        raise SettlementError(
            f"adopt names payment defaults; known: {', '.join(PAYMENT_DEFAULTS)}, or '*'",
            field="adopt", value=odd, term="采用示例默认条款",
            code="settlement.adopt_unknown", zh="采用的默认条款不是已知的支付规则参数")
    return out


def _rule_ids(rule: PaymentRule) -> list[str]:
    parts = (rule.rate, rule.deductions, rule.ratchet, rule.cap, rule.holdback, rule.warning)
    return [x.rule_id for x in parts if x is not None]


def _unadopted(rb: RuleBook, on: date, ids: Iterable[str], adopted: frozenset[str]
               ) -> tuple[Resolved, ...]:
    """The illustrative defaults among ``ids`` the contract did not adopt."""
    out = []
    for pid in ids:
        if pid in adopted or pid not in PAYMENT_DEFAULTS:
            continue
        r = _resolve(rb, pid, on)
        if r is not None and r.parameter.illustrative:
            out.append(r)
    return tuple(out)


def _show(v: Any) -> str:
    if isinstance(v, Mapping):
        return "{" + ", ".join(f"{k}: {_show(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_show(x) for x in v) + "]"
    return str(v)


def _signed(c: int) -> str:
    return f"{from_centi(c):+}"


def _tier(b: Any) -> str:
    return f"{b.name}（≥{b.min_score}）" if b.name else f"≥{b.min_score}"


def _kpi_score(pl: PreparedLine, values: Sequence[int]) -> int:
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


@lru_cache(maxsize=256)
def _bounds(term: DateRange, kind: PeriodKind) -> Bounds:
    """The period boundaries of a term, shared by every line and contract with that term."""
    return period_bounds(_calendar(term, kind)[2])


@lru_cache(maxsize=256)
def _calendar(term: DateRange, kind: PeriodKind) -> tuple[
        list[Period], dict[Period, int], list[DateRange], list[DateRange], list[int],
        frozenset[int]]:
    """The settlement periods of a term, built once per distinct term."""
    periods = periods_between(term, kind)
    ranges = [p.range for p in periods]
    return (periods, {p: i for i, p in enumerate(periods)}, ranges,
            [r.overlap(term) or r for r in ranges], [_month(p.start) for p in periods],
            frozenset(i for i, p in enumerate(periods) if p.end.month == 12))


def _unknown(catalogue: Catalogue, n: int, line: ServiceLine) -> None:
    raise ModelError(f"unknown service in line {line.id!r}; known: "
                     f"{', '.join(sorted(k.code for k in catalogue))}",
                     field=f"lines[{n}].service", value=line.service, term="服务类别",
                     code="model.service.unknown", zh="未知的服务类别代码")


@lru_cache(maxsize=1)
def _core_catalogue() -> Catalogue:
    return Catalogue(CORE_SERVICE_KINDS)


def settle(
    source: SettlementSource,
    period: Period | str,
    assessments: Iterable[Assessment],
    rulebook: RuleBook,
    *,
    previous: Statement | None = None,
    accepted_on: date | None = None,
    acceptance_due: date | None = None,
    paid_on: date | None = None,
    release_holdback: bool | None = None,
    rules: Mapping[str, PaymentRule] | None = None,
    kpis: Mapping[str, Sequence[KpiSpec]] | None = None,
    usage: Iterable[Usage] = (),
    final_scores: Mapping[str, Any] | None = None,
    contract_rules: ContractRules | None = None,
    adopt: Iterable[str] = (),
) -> Statement:
    """Settle one period of a contract (or its timeline) and return the :class:`Statement`.

    ``usage`` records what unit-rate and labour-plus-materials lines actually delivered or
    cost in the period (按实结算, :mod:`outsourcing.usage`); other lines, and lines without a
    usage, are paid their scheduled fee.

    ``assessments`` are this period's, one per line at most.  ``previous`` is the previous
    period's statement (holdback balance, failing streaks, notices in the window); without
    it the first period starts clean and a later one says so in a finding.  ``accepted_on``
    is the day of acceptance or of confirming the settled amount (default: the latest
    assessment's day); ``acceptance_due`` the agreed acceptance deadline (a later acceptance
    counts from it); ``paid_on`` the day paid, for late interest.  ``release_holdback``
    forces (True) or stops (False) the holdback release; by default the rule's release point
    decides.  ``final_scores`` gives a line's final assessment score (年度/期满考核得分), which
    decides a result-based holdback release (:class:`~outsourcing.payment.Holdback`
    ``by_result``, ``forfeit_below``).  ``contract_rules`` and ``adopt``: see :func:`prepare`.
    To settle many periods, :func:`prepare` once and call ``.settle`` on it.
    """
    prepared = prepare(source, rulebook, rules=rules, kpis=kpis,
                       contract_rules=contract_rules, adopt=adopt)
    return prepared.settle(period, assessments, previous=previous, accepted_on=accepted_on,
                           acceptance_due=acceptance_due, paid_on=paid_on,
                           release_holdback=release_holdback, usage=usage,
                           final_scores=final_scores)


def settle_term(
    source: SettlementSource,
    assessments: Iterable[Assessment],
    rulebook: RuleBook,
    *,
    upto: Period | str | None = None,
    rules: Mapping[str, PaymentRule] | None = None,
    kpis: Mapping[str, Sequence[KpiSpec]] | None = None,
    usage: Iterable[Usage] = (),
    final_scores: Mapping[str, Any] | None = None,
    contract_rules: ContractRules | None = None,
    adopt: Iterable[str] = (),
) -> list[Statement]:
    """Settle every period of the term in order (through ``upto``), each carrying the
    previous one's state; the assessments are grouped by period.  ``final_scores`` are
    given to every period (they matter where a result-based holdback is released)."""
    prepared = prepare(source, rulebook, rules=rules, kpis=kpis,
                       contract_rules=contract_rules, adopt=adopt)
    by_period: dict[Period, list[Assessment]] = {}
    for n, a in enumerate(assessments):
        if not isinstance(a, Assessment):
            raise SettlementError(f"a {type(a).__name__} is not an Assessment",
                                  field=f"assessments[{n}]", value=repr(a), term="考核记录")
        if prepared.term.overlap(a.period.range) is None:
            raise SettlementError(f"assessment for {a.period}, outside the term {prepared.term}",
                                  field=f"assessments[{n}].period", value=str(a.period),
                                  term="考核期间超出履行期限")
        by_period.setdefault(a.period, []).append(a)
    stray = [p for p in by_period if p not in prepared.index_of]
    if stray:
        raise SettlementError(f"assessments for periods that are not settlement periods "
                              f"({prepared.kind.value}): {', '.join(map(str, stray))}",
                              field="assessments", value=[str(p) for p in stray],
                              term="考核期间")
    used: dict[Period, list[Usage]] = {}
    for u in usage:
        used.setdefault(u.period, []).append(u)
    if set(used) - set(prepared.index_of):
        odd = sorted(str(p) for p in set(used) - set(prepared.index_of))
        raise SettlementError(f"usage for periods that are not settlement periods: "
                              f"{', '.join(odd)}", field="usage", value=odd, term="结算期间")
    last = prepared.period_index(upto) if upto is not None else len(prepared.periods) - 1
    out: list[Statement] = []
    prev: Statement | None = None
    for i in range(last + 1):
        prev = prepared.settle(prepared.periods[i], by_period.get(prepared.periods[i], ()),
                               previous=prev, usage=used.get(prepared.periods[i], ()),
                               final_scores=final_scores)
        out.append(prev)
    return out
