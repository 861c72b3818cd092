"""Compile: everything settlement needs from a contract, done once (合同条款编译).

:class:`CompiledContract` reads a contract (or a timeline of its changes) and its rulebook
once: the settlement periods of the term, every period's fee per line (one pass, the one
accrual rule), each line's KPIs and payment rule — explicit per line, else from the
``outsourcing_payment_rule`` hook (called once per line), else the rulebook's defaults —
compiled to integer tables, and the contract-wide terms.  The compute stage
(:mod:`.compute`) reads only these tables.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from functools import lru_cache
from typing import Any, NamedTuple, cast

from ..accrual import Schedule
from ..catalogue import Catalogue, KpiSpec
from ..dates import DateRange, Period, PeriodKind
from ..due import DueTerm, InterestTerm, check_agreed_interest, due_term, interest_term
from ..errors import SettlementError
from ..kpi_schedule import NotDueRule
from ..model import PaymentSchedule, ServiceLine
from ..payment import (
    RATE_DEN,
    CompiledRule,
    ContractRules,
    PaymentRule,
    compile_rule,
    default_payment_rule,
)
from ..payment import contract_rules as default_contract_rules
from ..performance import CompiledKpis, compile_kpis, default_kpis, legal_targets
from ..rules import Resolved, RuleBook
from ..statement.record import State
from .fees import FeeTable, calendar, same_periods
from .keys import FORMAT, compiled_key, default_documents, kept_rules, settle_rules
from .options import ContractTerms
from .sources import SettlementSource, base_contract, catalogue_of, check_known

__all__ = ["PAYMENT_DEFAULTS", "CompiledContract", "Header", "HotLine", "PreparedLine",
           "SettlementSource"]


@lru_cache(maxsize=8192)
def resolve(rb: RuleBook, pid: str, on: date) -> Resolved | None:
    """``rb.find(pid, on)``, remembered: preparing a region asks the same rulebook for the
    same parameters on the same signing days for contract after contract.

    The key is the rulebook *object* (a :class:`~outsourcing.rules.RuleBook` hashes by
    identity; a registry builds one per jurisdiction and keeps it), the parameter id and the
    day; the bound, 8,192 answers, holds every parameter of a few rulebooks over years of
    signing days and keeps the memory bounded when many are built (least recently used
    first out).  It is safe because a rulebook does not change once built (its layers are
    fixed in ``RuleBook.__init__``) and a :class:`~outsourcing.rules.Resolved` is frozen: the
    same key always has the same answer.  The cache holds its rulebooks alive until they
    fall out; ``resolve.cache_clear()`` empties it."""
    return rb.find(pid, on)


class PreparedLine:
    """One line ready to settle: its fees per period, KPIs and compiled payment rule."""

    __slots__ = ("carry", "carry_keys", "compiled", "defaults", "due", "fee_table", "index",
                 "kpis", "line", "not_due", "not_due_rule", "release_at", "rule",
                 "rule_source", "running", "schedule", "sites")

    def __init__(self, index: int, line: ServiceLine, schedule: Schedule, fees: FeeTable,
                 running: list[bool], kpis: CompiledKpis, rule: PaymentRule,
                 rule_source: str, release_at: frozenset[int]) -> None:
        self.index = index
        self.line = line
        self.schedule = schedule
        self.fee_table = fees
        """The contract's fees, shared by its lines and worked out per period when read."""
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
        self.due: list[tuple[bool, ...]] | None = None
        """Per period, which KPIs are due (None: every KPI every period, as without
        schedules; set by prepare)."""
        self.not_due: tuple[NotDueRule, ...] = ()
        """Per KPI, the rule for a period without it (its own, else the default)."""
        self.not_due_rule: Resolved | None = None
        """The rulebook's ``payment.kpi_not_due``, where a KPI of the line relies on it."""
        self.carry: tuple[bool, ...] = ()
        """Per KPI, whether its last result is carried forward (``carry_forward``)."""
        self.carry_keys: tuple[tuple[str, ...], ...] = ()
        """Per site (one group for a line scored as a whole), each KPI's key in the carried
        results: the KPI id, or ``site/KPI id``."""

    @property
    def fees(self) -> list[int]:
        """The line's fee in every period of the term, in fen (fills every period)."""
        return self.fee_table.line(self.index)

    def __getstate__(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__slots__}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for k, v in state.items():
            setattr(self, k, v)


class HotLine(NamedTuple):
    """What the monthly loop (:mod:`.compute`) reads of a line, unpacked once per line and
    period: its index, fees and running flags per period, KPI points tables, pay rates by
    score, holdback share, warning score, deduction cap share, release periods and the
    prepared line itself.  A period's fees are None until :class:`~.fees.FeeTable` fills
    it (the monthly loop fills the period first)."""

    line_index: int
    fees: list[int]
    running: list[bool]
    tables: tuple[list[int], ...]
    rates: list[int]
    holdback: int
    warn: int | None
    cap: int | None
    release_at: frozenset[int]
    line: PreparedLine


class Header(NamedTuple):
    """What a statement says of its contract, the same every period."""

    contract_id: str
    title: str
    purchaser: str
    supplier: str
    supplier_size: str


class CompiledContract:
    """A contract's terms compiled for settlement (see the module); built once."""

    def __init__(self, source: SettlementSource, rulebook: RuleBook,
                 terms: ContractTerms | None = None) -> None:
        terms = terms if terms is not None else ContractTerms()
        self.format = FORMAT
        """The compiled form's format (:data:`~.keys.FORMAT`)."""
        contract = base_contract(source)
        self.source = source
        self.contract = contract
        self.rulebook = rulebook
        """The rulebook it was compiled with; after crossing a process (pickle), the part of
        it settlement reads (:attr:`settle_rules`)."""
        self.settle_rules = settle_rules(rulebook)
        """The dated rules settling a period reads (payment terms, late interest), without
        the plugin host: what the compiled form keeps of the rulebook."""
        check_agreed_interest(contract, rulebook)  # 2020 text 第十五条: refused, not settled
        self._due_terms: dict[date, DueTerm] = {}
        self._interest: dict[date, InterestTerm] = {}
        self.term: DateRange = getattr(source, "term", contract.term)
        self.terms = terms
        """The contract's own terms it was prepared with."""
        self.on = terms.on or contract.signed_on or contract.term.start
        self.kind = (PeriodKind.QUARTER if contract.schedule is PaymentSchedule.QUARTERLY
                     else PeriodKind.MONTH)
        (self.periods, self.index_of, ranges, self.spans, self.months,
         year_ends) = calendar(self.term, self.kind)
        self.months_per_period = 3 if self.kind is PeriodKind.QUARTER else 1
        self.same = same_periods(self.term, self.kind)
        """The periods in the same calendar year (quarter) as each period."""
        self.catalogue = catalogue_of(rulebook)
        self.lines = self._lines(terms.rules or {}, terms.kpis or {}, ranges, year_ends)
        self.line_index = {pl.line.id: pl.index for pl in self.lines}
        adopted = _adopted(terms.adopt)
        self.rules, self.defaults = _contract_rules(rulebook, self.on, terms.contract_rules,
                                                    adopted)
        for pl in self.lines:
            if pl.rule_source == "default":
                pl.defaults = _unadopted(rulebook, self.on, tuple(_rule_ids(pl.rule)), adopted)
            if pl.kpis.scheduled:
                self._schedule(pl, ranges, adopted)
        self._derive()

    # --- the compiled form crosses processes (pickle) as plain data ---------------------
    def __getstate__(self) -> dict[str, Any]:
        """Everything compiled, without what is derived or lives in the process: the
        rulebook (its plugin host holds modules) becomes :attr:`settle_rules`, the
        catalogue the service kinds of the contract's lines, and the hot tables and the
        payment-term caches are rebuilt on the other side."""
        self.key  # noqa: B018 (worked out while the whole rulebook is at hand)
        state = dict(self.__dict__)
        for k in ("rulebook", "hot", "_due_terms", "_interest"):
            state.pop(k, None)
        state["catalogue"] = _kinds_of(self.catalogue, (pl.line.service for pl in self.lines))
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        if state.get("format") != FORMAT:
            raise SettlementError(
                f"a compiled contract of format {state.get('format')}; this library reads "
                f"format {FORMAT}: compile the contract again", field="format",
                value=state.get("format"), term="合同编译格式",
                code="settlement.compiled_format", params={"format": FORMAT})
        self.__dict__.update(state)
        self.settle_rules = kept_rules(self.settle_rules)
        self.rulebook = self.settle_rules
        self._due_terms = {}
        self._interest = {}
        self._derive()

    @property
    def key(self) -> str:
        """The hash of the documents compiled and the rules in force
        (:func:`~.keys.compiled_key`): equal keys, the same compiled contract."""
        key: str | None = self.__dict__.get("_key")
        if key is None:
            key = self._key = compiled_key(default_documents(self.source, self.terms),
                                           self.rulebook)
        return key

    @key.setter
    def key(self, value: str) -> None:
        self._key = value

    def _lines(self, rules: Mapping[str, PaymentRule], kpis: Mapping[str, Sequence[KpiSpec]],
               ranges: Sequence[DateRange], year_ends: frozenset[int]
               ) -> tuple[PreparedLine, ...]:
        """Every line prepared: its fees of every period (one pass, the one accrual rule),
        the periods it runs in, its KPIs, payment rule and release periods."""
        source, contract = self.source, self.contract
        all_lines = dict(source.all_lines())
        schedules = source.line_schedules()
        unknown = (set(rules) | set(kpis)) - set(all_lines)
        if unknown:
            raise SettlementError(f"rules or KPIs for lines the contract does not have; lines: "
                                  f"{', '.join(all_lines)}", field="rules",
                                  value=sorted(unknown), term="服务项目",
                                  code="settlement.terms_unknown_line")
        check_known(self.rulebook, self.catalogue, contract, all_lines.values())
        last = len(self.periods) - 1
        starts = [r.start for r in ranges]
        ends = [r.end for r in ranges]
        # one accrual rule: cumulative rounding, the difference to the main line (accrual)
        # a line rounded on its own (rounding = "period", a literal split): per period, alone;
        # each period's fees worked out when it is first settled (FeeTable)
        self.alone = contract.rounded_alone(all_lines.values())
        self.fee_table = FeeTable([list(schedules.get(lid, ())) for lid in all_lines],
                                  self.term, self.kind, contract.day_count, self.alone)
        lines = []
        for idx, (lid, line) in enumerate(all_lines.items()):
            sched = list(schedules.get(lid, ()))
            running = [False] * len(ranges)
            for span, _ in sched:
                lo, hi = bisect_left(ends, span.start), bisect_right(starts, span.end)
                running[lo:hi] = [True] * (hi - lo)
            rule, origin = self._rule(lid, line, rules)
            specs = self._kpis(lid, line, kpis, self.catalogue)
            release = rule.holdback.release if rule.holdback else ""
            release_at = (frozenset({last}) if release == "term_end" else
                          year_ends | {last} if release == "year_end" else frozenset())
            lines.append(PreparedLine(idx, line, sched, self.fee_table, running, specs, rule,
                                      origin, release_at))
        return tuple(lines)

    def _derive(self) -> None:
        """What the monthly loop and the record read, derived once from the prepared lines
        and the contract-wide rules."""
        self.hot = tuple(
            HotLine(pl.index, cast(list[int], self.fee_table.per_line[pl.index]), pl.running,
                    pl.kpis.tables, pl.compiled.rates, pl.compiled.holdback, pl.compiled.warn,
                    pl.compiled.cap, pl.release_at, pl)
            for pl in self.lines)
        tc = self.rules.total_cap
        self.total_cap = None if tc is None else int(tc.share * RATE_DEN)
        cons = self.rules.consecutive
        self.consecutive = None if cons is None else cons.periods
        nw = self.rules.notices
        self.notice_window = None if nw is None else (nw.notices, nw.window_months)
        self.carrying = any(any(pl.carry) for pl in self.lines)
        """Some KPI's result is carried forward into periods without it."""
        self.initial: State = (tuple((0, 0, ()) for _ in self.lines), (),
                               tuple(() for _ in self.lines) if self.carrying else ())
        c = self.contract
        self.header = Header(c.id, c.title, c.purchaser.name, c.supplier.name,
                             f"{c.supplier.size.zh}企业")
        self.line_keys = tuple((pl.line.id, pl.line.service, pl.line.site) for pl in self.lines)
        self.line_ids = [pl.line.id for pl in self.lines]
        """The line ids in order (a list: what a record's line ids are compared with)."""

    def _rule(self, lid: str, line: ServiceLine,
              rules: Mapping[str, PaymentRule]) -> tuple[PaymentRule, str]:
        if lid in rules:
            rule = rules[lid]
            if not isinstance(rule, PaymentRule):
                raise SettlementError(f"a {type(rule).__name__} is not a PaymentRule",
                                      field=f"rules[{lid}]", value=repr(rule), term="支付规则",
                                      code="settlement.rule_type")
            return rule, "contract"
        host = self.rulebook.host
        if host is not None and hasattr(host, "payment_rule"):
            chosen = host.payment_rule(self.contract, line, self.rulebook)
            if chosen is not None:
                if not isinstance(chosen, PaymentRule):
                    raise SettlementError(
                        f"the outsourcing_payment_rule hook returned a {type(chosen).__name__}"
                        ", not a PaymentRule", field=f"rules[{lid}]", value=repr(chosen),
                        term="支付规则", code="settlement.hook_rule_type")
                return chosen, "plugin"
        return default_payment_rule(self.rulebook, self.on), "default"

    def _kpis(self, lid: str, line: ServiceLine, kpis: Mapping[str, Sequence[KpiSpec]],
              catalogue: Catalogue) -> CompiledKpis:
        own = lid in kpis
        specs = tuple(kpis[lid]) if own else default_kpis(catalogue, line.service)
        resolved = {s.parameter: r for s in specs if s.parameter
                    and (r := resolve(self.rulebook, s.parameter, self.on)) is not None}
        where = f"kpis[{lid}]"
        specs = legal_targets(specs, resolved, default=not own, where=where)
        return compile_kpis(specs, where)

    def _schedule(self, pl: PreparedLine, ranges: Sequence[DateRange],
                  adopted: frozenset[str]) -> None:
        """A line whose KPIs may be left out of a period: which are due in each period, and
        each KPI's rule for a period without it — the contract's own, else the rulebook's
        (illustrative) ``payment.kpi_not_due``, named on the statement unless adopted."""
        pl.due = [pl.kpis.due(r) for r in ranges]
        own = [s.when_not_due for s in pl.kpis.specs]
        fallback = NotDueRule.RESCALE
        if any(r is None for r, s in zip(own, pl.kpis.specs, strict=True) if s.scheduled):
            found = pl.not_due_rule = resolve(self.rulebook, KPI_NOT_DUE, self.on)
            if found is not None:
                try:
                    fallback = NotDueRule(found.value)
                except ValueError:
                    raise SettlementError(
                        f"{KPI_NOT_DUE} is rescale or carry_forward", field=KPI_NOT_DUE,
                        value=found.value, rule_id=found.rule_id, citation=found.citation,
                        term="本期不考核指标的处理",
                        code="settlement.kpi_not_due_invalid") from None
                pl.defaults += _unadopted(self.rulebook, self.on, (KPI_NOT_DUE,), adopted)
        pl.not_due = tuple(fallback if r is None else r for r in own)
        pl.carry = tuple(r is NotDueRule.CARRY_FORWARD for r in pl.not_due)
        ids = [s.id for s in pl.kpis.specs]
        ss = pl.rule.sites
        pl.carry_keys = ((tuple(ids),) if ss is None else
                         tuple(tuple(f"{site}/{k}" for k in ids) for site in ss.sites))

    def period_index(self, period: Period | str) -> int:
        """The index of a settlement period; a clear error if it is not one of the term's."""
        p = Period.parse(period) if isinstance(period, str) else period
        if p.kind is not self.kind:
            raise SettlementError(
                f"contract {self.contract.id} settles by {self.kind.value}; {p} is a "
                f"{p.kind.value}", field="period", value=str(p), term="结算周期",
                code="settlement.period_kind")
        i = self.index_of.get(p)
        if i is None:
            raise SettlementError(f"period {p} is outside the term {self.term}",
                                  field="period", value=str(p), term="履行期限",
                                  code="settlement.period_outside_term")
        return i

    def due_term(self, start: date) -> DueTerm:
        """The payment term that applies for a clock starting ``start``: the regulation's
        for an SME (an agreed term at most its maximum), the contract's own for a large
        supplier (see :mod:`outsourcing.due`)."""
        term = self._due_terms.get(start)
        if term is None:
            c = self.contract
            key = (self.settle_rules, c.supplier.size.is_sme, c.payment_days,
                   c.payment_working_days, start)
            term = _DUE_TERMS.get(key)
            if term is None:
                if len(_DUE_TERMS) >= _DUE_TERMS_BOUND:
                    _DUE_TERMS.clear()
                term = _DUE_TERMS[key] = due_term(c, self.settle_rules, start)
            self._due_terms[start] = term
        return term

    def interest_term(self, due: date) -> InterestTerm:
        """The late-interest term in force on a due date (see :mod:`outsourcing.due`)."""
        term = self._interest.get(due)
        if term is None:
            term = self._interest[due] = interest_term(self.contract, self.settle_rules, due)
        return term


_DUE_TERMS: dict[tuple[RuleBook, bool, int | None, bool, date], DueTerm] = {}
"""Payment terms shared by every contract settled in the process: a region's contracts are
accepted on the same few days, and :func:`~outsourcing.due.due_term` reads of a contract
only whether its supplier is an SME, its agreed days and whether they are working days — the
key, with the rulebook (which does not change once built) and the day the clock starts.  A
:class:`~outsourcing.due.DueTerm` is frozen.  ``tests/settlement`` checks that a shared term
is the one :func:`~outsourcing.due.due_term` gives for every contract it is shared with."""
_DUE_TERMS_BOUND = 8192
"""At most this many terms are kept; the store is emptied when it is full."""

KPI_NOT_DUE = "payment.kpi_not_due"
"""The rule parameter for a period without a KPI (本期不考核指标的处理), when the KPI does not
state its own (:class:`~outsourcing.kpi_schedule.NotDueRule`)."""

PAYMENT_DEFAULTS = ("payment.tier_table", "payment.linear_formula",
                    "payment.incident_deductions", "payment.repeat_ratchet",
                    "payment.deduction_cap_line", "payment.holdback", "payment.warning_score",
                    "payment.deduction_cap_total", "payment.termination_consecutive",
                    "payment.termination_notices", KPI_NOT_DUE)
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
            code="settlement.adopt_unknown")
    return out


def _rule_ids(rule: PaymentRule) -> list[str]:
    parts = (rule.rate, rule.deductions, rule.ratchet, rule.cap, rule.holdback, rule.warning)
    return [x.rule_id for x in parts if x is not None]


@lru_cache(maxsize=4096)
def _unadopted(rb: RuleBook, on: date, ids: tuple[str, ...], adopted: frozenset[str]
               ) -> tuple[Resolved, ...]:
    """The illustrative defaults among ``ids`` the contract did not adopt (remembered like
    :func:`resolve`: a region's contracts ask the same question on the same days)."""
    out = []
    for pid in ids:
        if pid in adopted or pid not in PAYMENT_DEFAULTS:
            continue
        r = resolve(rb, pid, on)
        if r is not None and r.parameter.illustrative:
            out.append(r)
    return tuple(out)


def service_zh(catalogue: Catalogue, code: str) -> str:
    return catalogue.get(code).name_zh if code in catalogue else code


def _kinds_of(catalogue: Catalogue, codes: Iterable[str]) -> Catalogue:
    """The part of a catalogue a compiled contract's explanations read: its lines' service
    kinds and the kinds above them."""
    kinds: dict[str, Any] = {}
    for code in codes:
        while code and code in catalogue and code not in kinds:
            kinds[code] = kind = catalogue.get(code)
            code = kind.parent or ""
    return Catalogue(list(reversed(kinds.values())))


def _contract_rules(rulebook: RuleBook, on: date, given: ContractRules | None,
                    adopted: frozenset[str]) -> tuple[ContractRules, tuple[Resolved, ...]]:
    """The contract-wide terms — the contract's own, else the rulebook's defaults — and the
    illustrative defaults among them the contract did not adopt."""
    if given is None:
        rules = default_contract_rules(rulebook, on)
        wide = [x for x in (rules.total_cap, rules.consecutive, rules.notices) if x is not None]
        return rules, _unadopted(rulebook, on, tuple(x.rule_id for x in wide), adopted)
    if not isinstance(given, ContractRules):
        raise SettlementError(f"a {type(given).__name__} is not ContractRules",
                              field="contract_rules", value=repr(given),
                              term="合同整体支付条款", code="settlement.contract_rules_invalid")
    return given, ()


