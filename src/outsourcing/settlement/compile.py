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
from typing import Protocol

from ..accrual import Bounds, Schedule, contract_period_fen, period_bounds
from ..catalogue import CORE_SERVICE_KINDS, Catalogue, KpiSpec
from ..dates import DateRange, Period, PeriodKind, periods_between
from ..due import DueTerm, InterestTerm, check_agreed_interest, due_term, interest_term
from ..errors import ModelError, SettlementError
from ..kpi_schedule import NotDueRule
from ..model import Contract, PaymentSchedule, ServiceLine
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
from ..statement.record import State, month_of

__all__ = ["PAYMENT_DEFAULTS", "CompiledContract", "PreparedLine", "SettlementSource"]


class SettlementSource(Protocol):
    """What settlement reads: a contract or a timeline of its changes."""

    def line_schedules(self) -> Mapping[str, Schedule]: ...

    def all_lines(self) -> Mapping[str, ServiceLine]: ...


@lru_cache(maxsize=8192)
def resolve(rb: RuleBook, pid: str, on: date) -> Resolved | None:
    return rb.find(pid, on)


class PreparedLine:
    """One line ready to settle: its fees per period, KPIs and compiled payment rule."""

    __slots__ = ("carry", "carry_keys", "compiled", "defaults", "due", "fees", "index", "kpis",
                 "line", "not_due", "not_due_rule", "release_at", "rule", "rule_source",
                 "running", "schedule", "sites")

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



class CompiledContract:
    """A contract's terms compiled for settlement (see the module); built once."""

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
        self._interest: dict[date, InterestTerm] = {}
        self.term: DateRange = getattr(source, "term", contract.term)
        self.on = on or contract.signed_on or contract.term.start
        self.kind = (PeriodKind.QUARTER if contract.schedule is PaymentSchedule.QUARTERLY
                     else PeriodKind.MONTH)
        (self.periods, self.index_of, ranges, self.spans, self.months,
         year_ends) = _calendar(self.term, self.kind)
        self.months_per_period = 3 if self.kind is PeriodKind.QUARTER else 1
        self.same = _same(self.term, self.kind)
        """The periods in the same calendar year (quarter) as each period."""
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
        self.catalogue = catalogue
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
        # a line rounded on its own (rounding = "period", a literal split): per period, alone
        self.alone = contract.rounded_alone(all_lines.values())
        all_fees = contract_period_fen([list(schedules.get(lid, ())) for lid in all_lines],
                                       bounds, contract.day_count, self.alone)
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
        self.hot = tuple(
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
            if pl.kpis.scheduled:
                self._schedule(pl, ranges, adopted)
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
        c = contract
        self.header = (c.id, c.title, c.purchaser.name, c.supplier.name,
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
                        term="本期不考核指标的处理", code="settlement.kpi_not_due_invalid",
                        zh="本期不考核指标的处理规则须为 rescale 或 carry_forward") from None
                pl.defaults += _unadopted(self.rulebook, self.on, [KPI_NOT_DUE], adopted)
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
                f"{p.kind.value}", field="period", value=str(p), term="结算周期")
        i = self.index_of.get(p)
        if i is None:
            raise SettlementError(f"period {p} is outside the term {self.term}",
                                  field="period", value=str(p), term="履行期限")
        return i

    def due_term(self, start: date) -> DueTerm:
        """The payment term that applies for a clock starting ``start``: the regulation's
        for an SME (an agreed term at most its maximum), the contract's own for a large
        supplier (see :mod:`outsourcing.due`)."""
        term = self._due_terms.get(start)
        if term is None:
            term = self._due_terms[start] = due_term(self.contract, self.rulebook, start)
        return term

    def interest_term(self, due: date) -> InterestTerm:
        """The late-interest term in force on a due date (see :mod:`outsourcing.due`)."""
        term = self._interest.get(due)
        if term is None:
            term = self._interest[due] = interest_term(self.contract, self.rulebook, due)
        return term


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
        r = resolve(rb, pid, on)
        if r is not None and r.parameter.illustrative:
            out.append(r)
    return tuple(out)


def service_zh(catalogue: Catalogue, code: str) -> str:
    return catalogue.get(code).name_zh if code in catalogue else code


@lru_cache(maxsize=256)
def _same(term: DateRange, kind: PeriodKind) -> dict[str, list[tuple[int, ...]]]:
    """Per period of a term, the periods in the same calendar year and quarter (shared by
    every contract with that term; one tuple per year or quarter)."""
    periods = _calendar(term, kind)[0]
    groups: dict[tuple[str, int, int], list[int]] = {}
    keys = [(("year", q.start.year, 0), ("quarter", q.start.year, (q.start.month - 1) // 3))
            for q in periods]
    for k, pair in enumerate(keys):
        for key in pair:
            groups.setdefault(key, []).append(k)
    shared = {key: tuple(v) for key, v in groups.items()}
    return {"year": [shared[y] for y, _ in keys], "quarter": [shared[q] for _, q in keys]}


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
            [r.overlap(term) or r for r in ranges], [month_of(p.start) for p in periods],
            frozenset(i for i, p in enumerate(periods) if p.end.month == 12))


def _unknown(catalogue: Catalogue, n: int, line: ServiceLine) -> None:
    raise ModelError(f"unknown service in line {line.id!r}; known: "
                     f"{', '.join(sorted(k.code for k in catalogue))}",
                     field=f"lines[{n}].service", value=line.service, term="服务类别",
                     code="model.service.unknown", zh="未知的服务类别代码")


@lru_cache(maxsize=1)
def _core_catalogue() -> Catalogue:
    return Catalogue(CORE_SERVICE_KINDS)


