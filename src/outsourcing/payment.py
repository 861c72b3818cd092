"""Payment rules: how a line's score and incidents decide what is paid (支付规则).

A :class:`PaymentRule` is assembled from shapes a plugin or a contract picks and sets:

* a **pay rate** from the score — :class:`TierTable` (score bands → rate, 分档支付),
  :class:`LinearFormula` (m ≥ 85 pays in full, else (15 + m)%), or :class:`FullPay`;
* :class:`IncidentDeductions` — a fixed amount per incident kind (扣款), made heavier by a
  :class:`RepeatRatchet` for repeats in a rolling window, and limited by a :class:`LineCap`
  per line (and a contract-wide :class:`TotalCap`, see :class:`ContractRules`);
* a :class:`Holdback` — a share of each period's amount kept until the assessment (暂扣款);
* a :class:`WarningRule` — the score below which a warning notice is issued (预警通知).

Every shape carries the ``rule_id`` and ``citation`` it came from, so a statement can say
which rule produced each figure.  :func:`default_payment_rule` builds the rule from the
rulebook's parameters (the published examples, marked *illustrative*); a contract replaces
them with ``RuleBook.override(pid, value, citation="合同 第…条")`` or by giving a line its own
rule.  :func:`compile_rule` turns a rule into integer tables for the monthly loop.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Any
from weakref import WeakKeyDictionary

import attrs

from ._limits import exact_decimal
from .errors import ModelError
from .money import Money
from .performance import CENTI, INCIDENT_LABELS
from .rules import Resolved, RuleBook

__all__ = [
    "RATE_DEN",
    "RATE_RULE_KINDS",
    "Band",
    "CompiledRule",
    "ContractRules",
    "FullPay",
    "Holdback",
    "IncidentDeductions",
    "LineCap",
    "LinearFormula",
    "PaymentRule",
    "RepeatRatchet",
    "TierTable",
    "TotalCap",
    "WarningRule",
    "compile_rule",
    "contract_rules",
    "default_payment_rule",
]

RATE_DEN = 1_000_000
"""Pay rates and shares are held as whole millionths."""

SCORE_MAX = 100 * CENTI


def _dec(v: Any, field: str, term: str) -> Decimal:
    d = exact_decimal(v, field=field, term=term, error=ModelError, code="payment.number")
    if d < 0:
        raise ModelError("must be a finite number, not negative", field=field, value=str(d),
                         term=term)
    return d


def _millionths(d: Decimal, field: str, term: str) -> int:
    scaled = d * RATE_DEN
    if scaled != scaled.to_integral_value():
        raise ModelError("at most six decimal places", field=field, value=str(d), term=term)
    return int(scaled)


def _score_centi(d: Decimal, field: str, term: str) -> int:
    scaled = d * CENTI
    if scaled != scaled.to_integral_value() or d > 100:
        raise ModelError("a score is 0..100 with at most two decimals", field=field,
                         value=str(d), term=term)
    return int(scaled)


def _min_score(v: Any) -> Decimal:
    return _dec(v, "min_score", "分档得分")


def _rate(v: Any) -> Decimal:
    return _dec(v, "rate", "支付比例")


@attrs.frozen
class Band:
    """A score band: a score of at least ``min_score`` pays ``rate`` of the fee."""

    min_score: Decimal = attrs.field(converter=_min_score)
    rate: Decimal = attrs.field(converter=_rate)


def _bands(v: Iterable[Band | Mapping[str, Any]]) -> tuple[Band, ...]:
    out = []
    for b in v:
        if isinstance(b, Band):
            out.append(b)
        elif isinstance(b, Mapping):
            if set(b) != {"min_score", "rate"}:
                raise ModelError("a band is a table with min_score and rate", field="bands",
                                 value=dict(b), term="分档支付")
            out.append(Band(b["min_score"], b["rate"]))
        else:
            raise ModelError(f"a {type(b).__name__} is not a band", field="bands", value=b)
    return tuple(sorted(out, key=lambda b: b.min_score, reverse=True))


@attrs.frozen
class TierTable:
    """Score bands → pay rate (分档支付): the highest band whose minimum the score reaches.

    The lowest band must start at 0 so that every score has a rate.  A rate above 1 is a
    bonus (奖励): only then may a line be paid more than its contractual fee.
    """

    bands: tuple[Band, ...] = attrs.field(converter=_bands)
    rule_id: str = "payment.tier_table"
    citation: str = "合同约定"

    def __attrs_post_init__(self) -> None:
        if not self.bands:
            raise ModelError("a tier table needs at least one band", field="bands", value=[],
                             term="分档支付")
        mins = [b.min_score for b in self.bands]
        if len(set(mins)) != len(mins):
            raise ModelError("two bands start at the same score", field="bands",
                             value=[str(m) for m in mins], term="分档支付")
        if mins[-1] != 0:
            raise ModelError("the lowest band must start at 0 so every score has a rate",
                             field="bands", value=str(mins[-1]), term="分档支付")
        for i, b in enumerate(self.bands):
            _score_centi(b.min_score, f"bands[{i}].min_score", "分档得分")
            _millionths(b.rate, f"bands[{i}].rate", "支付比例")

    @property
    def bonus(self) -> bool:
        return any(b.rate > 1 for b in self.bands)

    def rate_for(self, score: Decimal) -> Decimal:
        for b in self.bands:
            if score >= b.min_score:
                return b.rate
        return self.bands[-1].rate

    def band_for(self, score: Decimal) -> Band:
        for b in self.bands:
            if score >= b.min_score:
                return b
        return self.bands[-1]

    def describe(self) -> str:
        return "; ".join(f"≥{b.min_score}→{(b.rate * 100).normalize():f}%" for b in self.bands)


def _threshold(v: Any) -> Decimal:
    return _dec(v, "threshold", "全额支付分数线")


def _offset(v: Any) -> Decimal:
    return _dec(v, "offset", "公式常数")


@attrs.frozen
class LinearFormula:
    """A score m of at least ``threshold`` pays in full, else (``offset`` + m)% (at most 100%)."""

    threshold: Decimal = attrs.field(default=Decimal(85), converter=_threshold)
    offset: Decimal = attrs.field(default=Decimal(15), converter=_offset)
    rule_id: str = "payment.linear_formula"
    citation: str = "合同约定"

    def __attrs_post_init__(self) -> None:
        _score_centi(self.threshold, "threshold", "全额支付分数线")
        _score_centi(self.offset, "offset", "公式常数")

    bonus = False

    def describe(self) -> str:
        return f"m≥{self.threshold}→100%; else ({self.offset}+m)%"


@attrs.frozen
class FullPay:
    """The whole fee, whatever the score (the score still decides warnings)."""

    rule_id: str = "payment.full_pay"
    citation: str = "合同约定: 按月全额支付"
    bonus = False

    def describe(self) -> str:
        return "100%"


RateRule = TierTable | LinearFormula | FullPay

RATE_RULE_KINDS: dict[str, type[TierTable] | type[LinearFormula] | type[FullPay]] = {
    "tier_table": TierTable, "linear_formula": LinearFormula, "full_pay": FullPay}
"""The pay-rate shapes by the ``kind`` that names them in JSON and scenario files."""

RELEASES = ("term_end", "year_end")


def _share(v: Any) -> Decimal:
    d = _dec(v, "share", "比例")
    if d > 1:
        raise ModelError("a share is at most 1", field="share", value=str(d), term="比例")
    _millionths(d, "share", "比例")
    return d


@attrs.frozen
class Holdback:
    """A share of each period's earned amount kept until the assessment (暂扣款).

    ``release``: ``term_end`` releases the balance in the last period of the term;
    ``year_end`` in each December period and the last one.  A settlement may release
    earlier, or keep holding, by saying so (``release_holdback=``).
    """

    share: Decimal = attrs.field(converter=_share)
    release: str = "term_end"
    rule_id: str = "payment.holdback"
    citation: str = "合同约定"

    def __attrs_post_init__(self) -> None:
        if self.release not in RELEASES:
            raise ModelError(f"release is one of {RELEASES}", field="release",
                             value=self.release, term="暂扣款释放")


def _amounts(v: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> tuple[tuple[str, Money], ...]:
    items = v.items() if isinstance(v, Mapping) else v
    out = []
    for kind, amount in items:
        if not isinstance(kind, str) or not kind:
            raise ModelError("an incident kind is a non-empty string", field="amounts",
                             value=kind, term="事件类别")
        m = amount if isinstance(amount, Money) else Money(amount, field=f"amounts.{kind}")
        if m < Money.ZERO:
            raise ModelError("a deduction must not be negative", field=f"amounts.{kind}",
                             value=str(m), term="扣款")
        out.append((kind, m))
    return tuple(sorted(out))


@attrs.frozen
class IncidentDeductions:
    """A fixed deduction per incident, by kind (扣款标准)."""

    amounts: tuple[tuple[str, Money], ...] = attrs.field(converter=_amounts)
    rule_id: str = "payment.incident_deductions"
    citation: str = "合同约定"

    def amount(self, kind: str) -> Money:
        for k, m in self.amounts:
            if k == kind:
                return m
        raise KeyError(kind)

    def label(self, kind: str) -> str:
        return INCIDENT_LABELS.get(kind, kind)


def _factor(v: Any) -> Decimal:
    d = _dec(v, "factor", "加重倍数")
    if d < 1:
        raise ModelError("a ratchet factor is at least 1", field="factor", value=str(d),
                         term="加重倍数")
    return d


def _whole(name: str, low: int) -> Any:
    def check(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ModelError(f"must be a whole number ≥ {low}", field=attribute.name,
                             value=value, term=name)
    return check


@attrs.frozen
class RepeatRatchet:
    """Beyond the ``after``-th incident of one kind on one line within ``window_months``
    months (this period included), each deduction is multiplied by ``factor`` (重复扣款加重)."""

    factor: Decimal = attrs.field(converter=_factor)
    after: int = attrs.field(validator=_whole("加重起算次数", 0))
    window_months: int = attrs.field(validator=_whole("滚动期间", 1))
    rule_id: str = "payment.repeat_ratchet"
    citation: str = "合同约定"


@attrs.frozen
class LineCap:
    """Incident deductions of one line in one period are at most ``share`` of its fee."""

    share: Decimal = attrs.field(converter=_share)
    rule_id: str = "payment.deduction_cap_line"
    citation: str = "合同约定"


@attrs.frozen
class TotalCap:
    """Incident deductions of the whole contract in one period are at most ``share`` of the
    period's fee; where the lines' deductions exceed it, it is split over them in proportion
    (:func:`~outsourcing.money.allocate`)."""

    share: Decimal = attrs.field(converter=_share)
    rule_id: str = "payment.deduction_cap_total"
    citation: str = "合同约定"


def _warn_score(v: Any) -> Decimal:
    d = _dec(v, "min_score", "预警分数线")
    _score_centi(d, "min_score", "预警分数线")
    return d


@attrs.frozen
class WarningRule:
    """A line scoring below ``min_score`` in a period gets a warning notice (预警通知)."""

    min_score: Decimal = attrs.field(converter=_warn_score)
    rule_id: str = "payment.warning_score"
    citation: str = "合同约定"


@attrs.frozen
class ConsecutiveFailures:
    """A line with warning notices in ``periods`` consecutive periods: the purchaser may
    replace its supplier (更换社会化单位)."""

    periods: int = attrs.field(validator=_whole("连续未达标期数", 1))
    rule_id: str = "payment.termination_consecutive"
    citation: str = "合同约定"


@attrs.frozen
class NoticeWindow:
    """``notices`` warning notices on the contract within ``window_months`` months: the
    purchaser may terminate the contract (解除合同)."""

    notices: int = attrs.field(validator=_whole("预警通知次数", 1))
    window_months: int = attrs.field(validator=_whole("滚动期间", 1))
    rule_id: str = "payment.termination_notices"
    citation: str = "合同约定"


@attrs.frozen(cache_hash=True)
class PaymentRule:
    """How one service line is paid: a pay-rate rule and optional deductions, caps,
    holdback and warning threshold.  ``name`` says where it comes from."""

    rate: RateRule
    deductions: IncidentDeductions | None = None
    ratchet: RepeatRatchet | None = None
    cap: LineCap | None = None
    holdback: Holdback | None = None
    warning: WarningRule | None = None
    name: str = ""

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.rate, TierTable | LinearFormula | FullPay):
            raise ModelError(f"a {type(self.rate).__name__} is not a pay-rate rule; use "
                             "TierTable, LinearFormula or FullPay", field="rate",
                             value=repr(self.rate), term="支付比例规则")

    @property
    def bonus(self) -> bool:
        """True when the rate rule can pay more than the fee (a bonus band)."""
        return bool(self.rate.bonus)


@attrs.frozen
class ContractRules:
    """Rules over the whole contract: the total deduction cap and the replacement rules."""

    total_cap: TotalCap | None = None
    consecutive: ConsecutiveFailures | None = None
    notices: NoticeWindow | None = None


# --- defaults from the rulebook ----------------------------------------------------------

def _table(r: Resolved, keys: set[str]) -> Mapping[str, Any]:
    v = r.value
    if not isinstance(v, Mapping) or not keys <= set(v):
        raise ModelError(f"parameter {r.rule_id} must be a table with {sorted(keys)}",
                         field=r.rule_id, value=v, rule_id=r.rule_id, citation=r.citation)
    return v


def _built(r: Resolved, build: Any) -> Any:
    """Build a shape from a parameter value; a bad value names the parameter and its source."""
    try:
        return build()
    except ModelError as exc:
        raise ModelError(f"parameter {r.rule_id} ({r.parameter.source}): {exc.reason}",
                         field=f"{r.rule_id}.{exc.field}", value=exc.value,
                         rule_id=r.rule_id, citation=r.citation, term=exc.term) from None


_DEFAULTS: WeakKeyDictionary[RuleBook, dict[date, tuple[PaymentRule, ContractRules]]] = (
    WeakKeyDictionary())


def _defaults(rb: RuleBook, on: date) -> tuple[PaymentRule, ContractRules]:
    per_book = _DEFAULTS.setdefault(rb, {})
    if on not in per_book:
        per_book[on] = (_build_rule(rb, on), _build_contract_rules(rb, on))
    return per_book[on]


def default_payment_rule(rulebook: RuleBook, on: date) -> PaymentRule:
    """The payment rule the rulebook's parameters give on ``on`` (built once, cached).

    ``payment.rate_rule`` picks the shape (``tier_table`` or ``linear_formula``); the others
    (``payment.incident_deductions``, ``payment.repeat_ratchet``, ``payment.deduction_cap_line``,
    ``payment.holdback``, ``payment.warning_score``) are included where the rulebook has them.
    """
    return _defaults(rulebook, on)[0]


def contract_rules(rulebook: RuleBook, on: date) -> ContractRules:
    """The contract-wide rules the parameters give on ``on`` (cached)."""
    return _defaults(rulebook, on)[1]


def _build_rule(rb: RuleBook, on: date) -> PaymentRule:
    rate: RateRule
    choice = rb.find("payment.rate_rule", on)
    shape = choice.value if choice is not None else "tier_table"
    if shape == "tier_table" and (r := rb.find("payment.tier_table", on)) is not None:
        table = r
        rate = _built(r, lambda: TierTable(table.value, r.rule_id, r.citation))
    elif shape == "linear_formula" and (
            r := rb.find("payment.linear_formula", on)) is not None:
        t = _table(r, {"threshold", "offset"})
        rate = _built(r, lambda: LinearFormula(t["threshold"], t["offset"], r.rule_id,
                                               r.citation))
    elif shape in ("tier_table", "linear_formula", "full_pay"):
        rate = FullPay()
    else:
        raise ModelError("payment.rate_rule is tier_table, linear_formula or full_pay",
                         field="payment.rate_rule", value=shape, rule_id="payment.rate_rule")
    ded = rat = None
    cap = hb = warn = None
    if (r := rb.find("payment.incident_deductions", on)) is not None:
        rd = r
        ded = _built(r, lambda: IncidentDeductions(_table(rd, set()), rd.rule_id, rd.citation))
    if (r := rb.find("payment.repeat_ratchet", on)) is not None:
        rr, tr = r, _table(r, {"factor", "after", "window_months"})
        rat = _built(r, lambda: RepeatRatchet(tr["factor"], tr["after"], tr["window_months"],
                                              rr.rule_id, rr.citation))
    if (r := rb.find("payment.deduction_cap_line", on)) is not None:
        rc = r
        cap = _built(r, lambda: LineCap(rc.value, rc.rule_id, rc.citation))
    if (r := rb.find("payment.holdback", on)) is not None:
        rh, th = r, _table(r, {"share"})
        hb = _built(r, lambda: Holdback(th["share"], th.get("release", "term_end"),
                                        rh.rule_id, rh.citation))
    if (r := rb.find("payment.warning_score", on)) is not None:
        rw, tw = r, _table(r, {"min_score"})
        warn = _built(r, lambda: WarningRule(tw["min_score"], rw.rule_id, rw.citation))
    return PaymentRule(rate, ded, rat, cap, hb, warn,
                       name=f"defaults of {rb.code} on {on.isoformat()}")


def _build_contract_rules(rb: RuleBook, on: date) -> ContractRules:
    total = cons = notices = None
    if (r := rb.find("payment.deduction_cap_total", on)) is not None:
        rt = r
        total = _built(r, lambda: TotalCap(rt.value, rt.rule_id, rt.citation))
    if (r := rb.find("payment.termination_consecutive", on)) is not None:
        rc = r
        cons = _built(r, lambda: ConsecutiveFailures(rc.value, rc.rule_id, rc.citation))
    if (r := rb.find("payment.termination_notices", on)) is not None:
        rn, tn = r, _table(r, {"notices", "window_months"})
        notices = _built(r, lambda: NoticeWindow(tn["notices"], tn["window_months"],
                                                 rn.rule_id, rn.citation))
    return ContractRules(total, cons, notices)


# --- compiled form -----------------------------------------------------------------------

class CompiledRule:
    """A payment rule as integers for the monthly loop (built once per distinct rule).

    ``rates[score]`` is the pay rate in millionths for every score 0..10000 (hundredths);
    ``deductions`` maps an incident kind to fen; shares are millionths.
    """

    __slots__ = ("cap", "deductions", "holdback", "ratchet", "rates", "release", "rule",
                 "warn")

    def __init__(self, rule: PaymentRule) -> None:
        self.rule = rule
        rate = rule.rate
        if isinstance(rate, TierTable):
            bands = [(_score_centi(b.min_score, "min_score", ""), _millionths(b.rate, "rate", ""))
                     for b in rate.bands]
            rates = []
            for s in range(SCORE_MAX + 1):
                rates.append(next(r for lo, r in bands if s >= lo))
            self.rates = rates
        elif isinstance(rate, LinearFormula):
            th = _score_centi(rate.threshold, "threshold", "")
            off = _score_centi(rate.offset, "offset", "")
            # (offset + m)% in millionths = (offset_c + m_c) × 100
            self.rates = [RATE_DEN if s >= th else min(RATE_DEN, (off + s) * 100)
                          for s in range(SCORE_MAX + 1)]
        else:
            self.rates = [RATE_DEN] * (SCORE_MAX + 1)
        self.deductions = ({k: m.fen for k, m in rule.deductions.amounts}
                           if rule.deductions else {})
        r = rule.ratchet
        if r is not None:
            f = Fraction(r.factor)
            self.ratchet: tuple[int, int, int, int] | None = (
                f.numerator, f.denominator, r.after, r.window_months)
        else:
            self.ratchet = None
        self.cap = _millionths(rule.cap.share, "share", "") if rule.cap else None
        self.holdback = _millionths(rule.holdback.share, "share", "") if rule.holdback else 0
        self.release = rule.holdback.release if rule.holdback else ""
        self.warn = (_score_centi(rule.warning.min_score, "min_score", "")
                     if rule.warning else None)


@lru_cache(maxsize=1024)
def compile_rule(rule: PaymentRule) -> CompiledRule:
    """The integer form of a rule, built once per distinct rule and shared."""
    return CompiledRule(rule)
