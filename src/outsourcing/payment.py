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

from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Any
from weakref import WeakKeyDictionary

import attrs

from ._limits import exact_decimal
from .errors import ModelError
from .money import Money, pct
from .performance import CENTI, EVENT_LABELS, INCIDENT_LABELS
from .rules import Resolved, RuleBook

__all__ = [
    "AGGREGATES",
    "FEE_BASES",
    "HOLDBACK_BASES",
    "RATE_DEN",
    "RATE_RULE_KINDS",
    "Band",
    "CompiledRule",
    "ContractRules",
    "Downgrade",
    "FeeShare",
    "FullPay",
    "Holdback",
    "IncidentDeductions",
    "LineCap",
    "LinearFormula",
    "PaymentRule",
    "RepeatRatchet",
    "ScoreAdjustments",
    "SiteScore",
    "TierTable",
    "TotalCap",
    "WarningRule",
    "adopted_rate",
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
    name: str = ""
    """The tier's name in the contract (优秀, 良好, 合格…), for a downgrade to name it."""


def _bands(v: Iterable[Band | Mapping[str, Any]]) -> tuple[Band, ...]:
    if isinstance(v, str | Mapping) or not isinstance(v, Iterable):
        raise ModelError("the bands are a list of tables with min_score and rate",
                         field="bands", value=v, term="分档支付", code="payment.bands_not_a_list")
    out = []
    for b in v:
        if isinstance(b, Band):
            out.append(b)
        elif isinstance(b, Mapping):
            if not {"min_score", "rate"} <= set(b) <= {"min_score", "rate", "name"}:
                raise ModelError("a band is a table with min_score, rate and an optional name",
                                 field="bands", value=dict(b), term="分档支付")
            out.append(Band(b["min_score"], b["rate"], str(b.get("name", ""))))
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
        names = [b.name for b in self.bands if b.name]
        if len(set(names)) != len(names):
            raise ModelError("two bands have the same name", field="bands", value=names,
                             term="档位名称", code="payment.tier_name_twice",
                             zh="分档表中有两个档位同名")
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
        return "; ".join(f"{b.name + ' ' if b.name else ''}≥{b.min_score}→{pct(b.rate)}"
                         for b in self.bands)

    def band_index(self, tier: str) -> int | None:
        """The index of the band a contract names, by its name or its minimum score."""
        for i, b in enumerate(self.bands):
            if tier == b.name:
                return i
        try:
            d = Decimal(tier)
        except Exception:
            return None
        for i, b in enumerate(self.bands):
            if d == b.min_score:
                return i
        return None


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
HOLDBACK_RESULTS = ("full", "proportional")
HOLDBACK_BASES = ("earned", "fee")
"""What a holdback is a share of: ``earned`` — the period's amount after the score and the
deductions (考核后金额减扣款, the default); ``fee`` — the period's contract fee (当期合同费用,
考核费用: 每月物业费的5%)."""


def _share(v: Any) -> Decimal:
    d = _dec(v, "share", "比例")
    if d > 1:
        raise ModelError("a share is at most 1", field="share", value=str(d), term="比例")
    _millionths(d, "share", "比例")
    return d


def _opt_points(v: Any) -> Decimal | None:
    if v is None:
        return None
    d = _dec(v, "cap", "加减分上限")
    _score_centi(d, "cap", "加减分上限")
    return d


@attrs.frozen
class Holdback:
    """A share of each period's amount kept until the assessment (暂扣款).

    ``base`` says of which amount (:data:`HOLDBACK_BASES`): the earned amount (考核后金额减
    扣款, the default when the contract is silent) or the period's contract fee (考核费用:
    "每月物业费的5%作为考核费用"); a share of the fee is never more than the period's earned
    amount (what is held is never more than what is payable).

    ``release``: ``term_end`` releases the balance in the last period of the term;
    ``year_end`` in each December period and the last one.  A settlement may release
    earlier, or keep holding, by saying so (``release_holdback=``).
    """

    share: Decimal = attrs.field(converter=_share)
    release: str = "term_end"
    rule_id: str = "payment.holdback"
    citation: str = "合同约定"
    by_result: str = "full"
    """``full``: the balance is released whatever the result; ``proportional``: the final
    assessment's score (年度/期满考核得分) as a share of 100 is released, the rest forfeited."""
    forfeit_below: Decimal | None = attrs.field(default=None, converter=_opt_points)
    """A final score below it forfeits the whole balance (考核不合格不予退还)."""
    base: str = "earned"
    """What the share is of: ``earned`` (the default) or ``fee`` (see :data:`HOLDBACK_BASES`)."""

    def __attrs_post_init__(self) -> None:
        if self.base not in HOLDBACK_BASES:
            raise ModelError(
                f"base is one of {HOLDBACK_BASES}: the earned amount or the period's contract "
                "fee", field="base", value=self.base, term="暂扣款基数",
                code="payment.holdback_base_unknown",
                zh="暂扣款基数须为 earned（考核后金额减扣款）或 fee（当期合同费用）")
        if self.release not in RELEASES:
            raise ModelError(f"release is one of {RELEASES}", field="release",
                             value=self.release, term="暂扣款释放")
        if self.by_result not in HOLDBACK_RESULTS:
            raise ModelError(f"by_result is one of {HOLDBACK_RESULTS}", field="by_result",
                             value=self.by_result, term="暂扣款按考核结果释放",
                             code="payment.holdback_by_result_unknown",
                             zh="暂扣款释放方式须为 full（全额）或 proportional（按考核得分比例）")

    @property
    def needs_result(self) -> bool:
        """True when the release depends on a final assessment."""
        return self.by_result != "full" or self.forfeit_below is not None


def _kind_items(v: Mapping[str, Any] | Iterable[tuple[str, Any]], *, field: str,
                what: str, term: str, coded: bool = True) -> Iterator[tuple[str, Any]]:
    """A table keyed by incident or event kind, as (kind, value) pairs; an empty or
    non-text kind is refused, naming the table."""
    for kind, body in (v.items() if isinstance(v, Mapping) else v):
        if not isinstance(kind, str) or not kind:
            raise ModelError(f"an {what} kind is a non-empty string", field=field, value=kind,
                             term=term, code="payment.event_kind_empty" if coded else None)
        yield kind, body


def _amounts(v: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> tuple[tuple[str, Money], ...]:
    out = []
    for kind, amount in _kind_items(v, field="amounts", what="incident", term="事件类别",
                                    coded=False):
        m = amount if isinstance(amount, Money) else Money(amount, field=f"amounts.{kind}")
        if m < Money.ZERO:
            raise ModelError("a deduction must not be negative", field=f"amounts.{kind}",
                             value=str(m), term="扣款")
        out.append((kind, m))
    return tuple(sorted(out))


FEE_BASES = ("period", "quarter", "year", "term")
"""What a share deduction is a share of: the line's fee in the settlement period, in the
calendar quarter or year holding it, or over the whole term (a named line's, if given)."""


def _base(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value not in FEE_BASES:
        raise ModelError(f"a share deduction is of one of {', '.join(FEE_BASES)}",
                         field=attribute.name, value=value, term="扣款基数",
                         code="payment.deduction_base_unknown",
                         zh=f"扣款基数须为 {'、'.join(FEE_BASES)} 之一")


def _opt_share(v: Any) -> Decimal | None:
    return None if v is None else _share(v)


@attrs.frozen
class FeeShare:
    """A deduction of ``share`` of a fee (按比例扣款): the line's fee in the period
    (``of = "period"``, e.g. 2% of the month's fee per late response), or in the quarter,
    year or term holding it (30% of the quarter's maintenance fee); ``line`` names another
    line whose fee is the base (default: the line deducted)."""

    share: Decimal = attrs.field(converter=_share)
    of: str = attrs.field(default="period", validator=_base)
    line: str = ""
    up_to: Decimal | None = attrs.field(default=None, converter=_opt_share)
    """With a range (``share`` … ``up_to``, e.g. 1%–3%), each incident states the share the
    assessor applied (``Incident.share``) within it."""

    def __attrs_post_init__(self) -> None:
        if self.up_to is not None and self.up_to < self.share:
            raise ModelError("up_to is below share: the range is share … up_to",
                             field="up_to", value=str(self.up_to), term="扣款比例范围",
                             code="payment.share_range_invalid",
                             zh="扣款比例范围的上限低于下限")

    def describe(self) -> str:
        whose = f"{self.line} " if self.line else ""
        base = {"period": "当期费用", "quarter": "当季度费用", "year": "当年度费用",
                "term": "合同期费用"}[self.of]
        share = pct(self.share)
        if self.up_to is not None:
            share += f"–{pct(self.up_to)}"
        return f"{whose}{base} × {share}"


def _shares(v: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> tuple[tuple[str, FeeShare], ...]:
    out = []
    for kind, body in _kind_items(v, field="shares", what="incident", term="事件类别"):
        if isinstance(body, Mapping):
            extra = set(body) - {"share", "of", "line", "up_to"}
            if extra or "share" not in body:
                raise ModelError("a share deduction is a table with share, of, line, up_to",
                                 field=f"shares.{kind}", value=dict(body), term="按比例扣款",
                                 code="payment.share_deduction_shape",
                                 zh="按比例扣款须写明 share（比例），"
                                    "可选 of（基数）与 line（服务项目）")
            body = FeeShare(body["share"], str(body.get("of", "period")),
                            str(body.get("line", "")), body.get("up_to"))
        if not isinstance(body, FeeShare):
            raise ModelError(f"a {type(body).__name__} is not a FeeShare",
                             field=f"shares.{kind}", value=repr(body), term="按比例扣款",
                             code="payment.share_deduction_shape", zh="按比例扣款格式不正确")
        out.append((kind, body))
    return tuple(sorted(out, key=lambda x: x[0]))


@attrs.frozen
class IncidentDeductions:
    """The deduction per incident, by kind (扣款标准): a fixed amount (``amounts``) or a
    share of a fee (``shares``, :class:`FeeShare`)."""

    amounts: tuple[tuple[str, Money], ...] = attrs.field(default=(), converter=_amounts)
    rule_id: str = "payment.incident_deductions"
    citation: str = "合同约定"
    shares: tuple[tuple[str, FeeShare], ...] = attrs.field(default=(), converter=_shares)

    def __attrs_post_init__(self) -> None:
        both = {k for k, _ in self.amounts} & {k for k, _ in self.shares}
        if both:
            raise ModelError("an incident kind has both a fixed amount and a share",
                             field="shares", value=sorted(both), term="扣款标准",
                             code="payment.deduction_twice",
                             zh="同一事件类别不能同时约定固定扣款和按比例扣款")

    def amount(self, kind: str) -> Money:
        for k, m in self.amounts:
            if k == kind:
                return m
        raise KeyError(kind)

    def share(self, kind: str) -> FeeShare:
        for k, f in self.shares:
            if k == kind:
                return f
        raise KeyError(kind)

    def kinds(self) -> tuple[str, ...]:
        return tuple(sorted([k for k, _ in self.amounts] + [k for k, _ in self.shares]))

    def label(self, kind: str) -> str:
        return INCIDENT_LABELS.get(kind) or EVENT_LABELS.get(kind, kind)


def _signed(v: Any, field: str) -> Decimal:
    if isinstance(v, float | bool):
        raise ModelError("a float is not exact; pass a str, int or Decimal", field=field,
                         value=v, term="加减分", code="payment.points_invalid",
                         zh="加减分须为精确数值（字符串或整数），不能是浮点数")
    try:
        d = v if isinstance(v, Decimal) else Decimal(str(v))
    except Exception:
        raise ModelError("not a number", field=field, value=v, term="加减分",
                         code="payment.points_invalid", zh="加减分不是数字") from None
    if not d.is_finite() or abs(d) > 100 or d * CENTI != (d * CENTI).to_integral_value():
        raise ModelError("points are −100..100 with at most two decimals", field=field,
                         value=str(d), term="加减分", code="payment.points_invalid",
                         zh="加减分须在−100到100之间，至多两位小数")
    return d


def _points_table(v: Mapping[str, Any] | Iterable[tuple[str, Any]]
                  ) -> tuple[tuple[str, Decimal], ...]:
    out = []
    for kind, pts in _kind_items(v, field="points", what="event", term="加减分事件"):
        d = _signed(pts, f"points.{kind}")
        if d == 0:
            raise ModelError("an adjustment of 0 points", field=f"points.{kind}", value="0",
                             term="加减分", code="payment.points_invalid",
                             zh="加减分不能为0分")
        out.append((kind, d))
    if not out:
        raise ModelError("score adjustments need at least one event kind", field="points",
                         value={}, term="加减分", code="payment.points_empty",
                         zh="加减分规则至少约定一种事件")
    return tuple(sorted(out))


@attrs.frozen
class ScoreAdjustments:
    """Bonus and penalty points per event (加减分), added to the score before the pay-rate
    lookup: ``points`` maps an event kind (an :class:`~outsourcing.performance.Incident`
    kind such as ``commendation`` or ``complaint``) to signed points (+2, −2).  At most
    ``bonus_cap`` points are added and ``penalty_cap`` taken in a period (no cap where the
    contract states none); the result stays within 0..100."""

    points: tuple[tuple[str, Decimal], ...] = attrs.field(converter=_points_table)
    bonus_cap: Decimal | None = attrs.field(default=None, converter=_opt_points)
    penalty_cap: Decimal | None = attrs.field(default=None, converter=_opt_points)
    rule_id: str = "payment.score_adjustments"
    citation: str = "合同约定"

    def of(self, kind: str) -> Decimal | None:
        for k, d in self.points:
            if k == kind:
                return d
        return None


def _kinds(v: Iterable[str]) -> tuple[str, ...]:
    if isinstance(v, str):
        v = (v,)
    out = tuple(v)
    if not out or not all(isinstance(k, str) and k for k in out):
        raise ModelError("a downgrade names at least one event kind", field="kinds",
                         value=list(out), term="降档事件", code="payment.downgrade_kinds_empty",
                         zh="降档规则至少约定一种严重事件")
    return out


@attrs.frozen
class Downgrade:
    """A serious incident (安全事故, 困人超时…) of one of ``kinds`` in the period lowers the
    result (降档): one tier below the score's tier, or to the tier ``to`` names (a band's
    ``name`` or its ``min_score``) when that is lower.  Only a tier table has tiers."""

    kinds: tuple[str, ...] = attrs.field(converter=_kinds)
    to: str = ""
    rule_id: str = "payment.downgrade"
    citation: str = "合同约定"


AGGREGATES = ("min", "mean", "fee_weighted")


def _sites(v: Iterable[str]) -> tuple[str, ...]:
    out = tuple(v)
    if len(out) < 2 or not all(isinstance(s, str) and s for s in out) or (
            len(set(out)) != len(out)):
        raise ModelError("a site score names at least two distinct sites", field="sites",
                         value=list(out), term="考核点位", code="payment.sites_invalid",
                         zh="多点位考核须约定至少两个不同的点位")
    return out


def _aggregate(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value == "":
        raise ModelError("the contract states how the sites' scores make the line's score; "
                         f"there is no default: one of {', '.join(AGGREGATES)}",
                         field="aggregate", value=value, term="多点位汇总方式",
                         code="payment.site_aggregate_missing",
                         zh="多点位考核须按合同写明汇总方式：min（最低）、mean（平均）"
                            "或 fee_weighted（按费用加权），不设默认")
    if value not in AGGREGATES:
        raise ModelError(f"aggregate is one of {', '.join(AGGREGATES)}", field="aggregate",
                         value=value, term="多点位汇总方式", code="payment.site_aggregate_unknown",
                         zh="多点位汇总方式须为 min（最低）、mean（平均）"
                            "或 fee_weighted（按费用加权）")


@attrs.frozen
class SiteScore:
    """A line assessed at several sites (办公区) scored by one aggregate (多点位考核):
    ``min`` the lowest site, ``mean`` the mean (half-up to 0.01), ``fee_weighted`` the mean
    weighted by each site's fee in ``weights`` (half-up to 0.01).  Every site needs its own
    assessment (``Assessment.site``); a site not assessed withholds the line's fee.  The
    aggregate is the contract's term and has no default: neither law nor published practice
    sets one."""

    sites: tuple[str, ...] = attrs.field(converter=_sites)
    aggregate: str = attrs.field(default="", validator=_aggregate)
    weights: tuple[tuple[str, Money], ...] = attrs.field(default=(), converter=_amounts)
    rule_id: str = "payment.site_score"
    citation: str = "合同约定"

    def __attrs_post_init__(self) -> None:
        named = {k for k, _ in self.weights}
        if self.aggregate == "fee_weighted":
            if named != set(self.sites):
                raise ModelError("fee_weighted needs a fee for every site and no other",
                                 field="weights", value=sorted(named), term="点位费用权重",
                                 code="payment.site_weights_invalid",
                                 zh="按费用加权须为每个点位且仅为这些点位约定费用")
            if all(m.fen == 0 for _, m in self.weights):
                raise ModelError("the site fees add up to zero", field="weights",
                                 value=sorted(named), term="点位费用权重",
                                 code="payment.site_weights_invalid", zh="各点位费用之和为零")
        elif named:
            raise ModelError(f"weights are only for fee_weighted, not {self.aggregate}",
                             field="weights", value=sorted(named), term="点位费用权重",
                             code="payment.site_weights_invalid",
                             zh="只有按费用加权（fee_weighted）才约定点位费用")


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
    adjustments: ScoreAdjustments | None = None
    downgrade: Downgrade | None = None
    sites: SiteScore | None = None

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.rate, TierTable | LinearFormula | FullPay):
            raise ModelError(f"a {type(self.rate).__name__} is not a pay-rate rule; use "
                             "TierTable, LinearFormula or FullPay", field="rate",
                             value=repr(self.rate), term="支付比例规则")
        dg = self.downgrade
        if dg is not None:
            if not isinstance(self.rate, TierTable):
                raise ModelError(
                    "a downgrade needs a tier table (only a tier table has tiers)",
                    field="downgrade", value=type(self.rate).__name__, term="降档",
                    rule_id=dg.rule_id, citation=dg.citation,
                    code="payment.downgrade_without_tiers", zh="降档规则须配合分档支付表使用")
            if dg.to and self.rate.band_index(dg.to) is None:
                tiers = ", ".join(b.name or str(b.min_score) for b in self.rate.bands)
                raise ModelError(
                    f"downgrade to a tier the tier table does not have (its tiers: {tiers})",
                    field="downgrade.to", value=dg.to, term="降档档位",
                    rule_id=dg.rule_id, citation=dg.citation,
                    code="payment.downgrade_unknown_tier",
                    zh=f"降档目标档位不存在；分档表的档位为：{tiers}")

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
                                        rh.rule_id, rh.citation,
                                        base=th.get("base", "earned")))
    if (r := rb.find("payment.warning_score", on)) is not None:
        rw, tw = r, _table(r, {"min_score"})
        warn = _built(r, lambda: WarningRule(tw["min_score"], rw.rule_id, rw.citation))
    return PaymentRule(rate, ded, rat, cap, hb, warn,
                       name=f"defaults of {rb.code} on {on.isoformat()}")


def adopted_rate(rate: Mapping[str, Any], rulebook: RuleBook, on: date,
                 adopt: Iterable[str], *, field: str = "rate") -> dict[str, Any]:
    """A line's pay-rate table as the contract writes it, with an adopted default filled in.

    A contract that adopts the jurisdiction's tier table (``adopt`` names
    ``payment.tier_table``, or ``*``) writes ``rate = { kind = "tier_table" }`` without
    ``bands`` and adds its own terms beside it (deductions, a holdback…): the bands are the
    rulebook's ``payment.tier_table`` in force on ``on``, cited as such.  Any other table is
    returned as given.  Without bands and without adopting the default the table is refused,
    naming the field (``payment.tier_table_bands``).
    """
    if rate.get("kind") != "tier_table" or "bands" in rate:
        return dict(rate)
    names = {adopt} if isinstance(adopt, str) else set(adopt)
    if not names & {"payment.tier_table", "*"}:
        raise ModelError(
            "a tier table lists its bands, or the contract adopts the default tier table "
            "(adopt = [\"payment.tier_table\"])", field=f"{field}.bands", value=None,
            term="分档支付", code="payment.tier_table_bands",
            zh="分档支付表须列明各档（bands），或在 adopt 中写明采用示例默认分档表 "
               "payment.tier_table")
    r = rulebook.find("payment.tier_table", on)
    if r is None:
        raise ModelError(
            f"the contract adopts payment.tier_table, but {rulebook.code} has none in force "
            f"on {on.isoformat()}: list the bands", field=f"{field}.bands", value=None,
            term="分档支付", rule_id="payment.tier_table",
            code="payment.tier_table_not_in_force",
            zh=f"合同采用示例默认分档表，但 {rulebook.code} 在 {on.isoformat()} "
               "无此参数，须列明各档")
    return {"rule_id": r.rule_id, "citation": r.citation, **rate, "bands": r.value}


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

    __slots__ = ("adjust", "cap", "deductions", "downgrade", "holdback", "holdback_on_fee",
                 "kinds", "ranges",
                 "ratchet", "rates", "release", "rule", "shares", "tier_of", "tier_rates",
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
        self.shares: dict[str, tuple[int, str, str]] = (
            {k: (_millionths(f.share, "share", ""), f.of, f.line)
             for k, f in rule.deductions.shares} if rule.deductions else {})
        self.ranges: dict[str, tuple[int, int]] = (
            {k: (_millionths(f.share, "share", ""), _millionths(f.up_to, "up_to", ""))
             for k, f in rule.deductions.shares if f.up_to is not None}
            if rule.deductions else {})
        adj = rule.adjustments
        self.adjust: tuple[dict[str, int], int | None, int | None] | None = None if (
            adj is None) else ({k: int(d * CENTI) for k, d in adj.points},
                               None if adj.bonus_cap is None else int(adj.bonus_cap * CENTI),
                               None if adj.penalty_cap is None else int(adj.penalty_cap * CENTI))
        # tiers for a downgrade: the band index of every score, the rate of every band
        self.tier_of: list[int] = []
        self.tier_rates: list[int] = []
        self.downgrade: tuple[frozenset[str], int | None] | None = None
        if rule.downgrade is not None and isinstance(rate, TierTable):
            mins = [_score_centi(b.min_score, "min_score", "") for b in rate.bands]
            self.tier_of = [next(n for n, lo in enumerate(mins) if s >= lo)
                            for s in range(SCORE_MAX + 1)]
            self.tier_rates = [_millionths(b.rate, "rate", "") for b in rate.bands]
            to = rate.band_index(rule.downgrade.to) if rule.downgrade.to else None
            self.downgrade = (frozenset(rule.downgrade.kinds), to)
        self.kinds = (frozenset(self.deductions) | frozenset(self.shares)
                      | frozenset(self.adjust[0] if self.adjust else ())
                      | (self.downgrade[0] if self.downgrade else frozenset()))
        """Every incident kind the rule knows (priced, scored or serious)."""
        r = rule.ratchet
        if r is not None:
            f = Fraction(r.factor)
            self.ratchet: tuple[int, int, int, int] | None = (
                f.numerator, f.denominator, r.after, r.window_months)
        else:
            self.ratchet = None
        self.cap = _millionths(rule.cap.share, "share", "") if rule.cap else None
        self.holdback = _millionths(rule.holdback.share, "share", "") if rule.holdback else 0
        self.holdback_on_fee = rule.holdback is not None and rule.holdback.base == "fee"
        self.release = rule.holdback.release if rule.holdback else ""
        self.warn = (_score_centi(rule.warning.min_score, "min_score", "")
                     if rule.warning else None)


@lru_cache(maxsize=1024)
def compile_rule(rule: PaymentRule) -> CompiledRule:
    """The integer form of a rule, built once per distinct rule and shared."""
    return CompiledRule(rule)
