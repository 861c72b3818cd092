"""What a payment rule adds to the rate (private; see :mod:`outsourcing.payment`): the holdback
(暂扣款), deductions per incident (扣款), score adjustments, downgrades, site scores, caps,
the repeat ratchet, warning notices."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any

import attrs

from .._convert import decimal_of
from ..errors import ModelError
from ..money import Money, pct
from ..performance import CENTI, EVENT_LABELS, INCIDENT_LABELS
from ._rates import CITATION, RULE_ID, _dec, _millionths, _score_centi

RELEASES = ("term_end", "year_end")
HOLDBACK_RESULTS = ("full", "proportional")
HOLDBACK_BASES = ("earned", "fee")
"""What a holdback is a share of: ``earned`` — the period's amount after the score and the
deductions (考核后金额减扣款, the default); ``fee`` — the period's contract fee (当期合同费用,
考核费用: 每月物业费的5%)."""


def _share(v: Any) -> Decimal:
    d = _dec(v, "share", "比例")
    if d > 1:
        raise ModelError("a share is at most 1", field="share", value=str(d), term="比例",
                         code="payment.share_over_one")
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
    rule_id: str = attrs.field(default="payment.holdback", validator=RULE_ID)
    citation: str = attrs.field(default="合同约定", validator=CITATION)
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
                code="payment.holdback_base_unknown")
        if self.release not in RELEASES:
            raise ModelError(f"release is one of {RELEASES}", field="release",
                             value=self.release, term="暂扣款释放",
                             code="payment.holdback_release_unknown",
                             params={"allowed": "、".join(RELEASES)})
        if self.by_result not in HOLDBACK_RESULTS:
            raise ModelError(f"by_result is one of {HOLDBACK_RESULTS}", field="by_result",
                             value=self.by_result, term="暂扣款按考核结果释放",
                             code="payment.holdback_by_result_unknown")

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
                             value=str(m), term="扣款", code="payment.deduction_negative")
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
                         params={"allowed": "、".join(FEE_BASES)})


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
                             code="payment.share_range_invalid")

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
                                 says="payment.share_deduction_shape.keys")
            body = FeeShare(body["share"], str(body.get("of", "period")),
                            str(body.get("line", "")), body.get("up_to"))
        if not isinstance(body, FeeShare):
            raise ModelError(f"a {type(body).__name__} is not a FeeShare",
                             field=f"shares.{kind}", value=repr(body), term="按比例扣款",
                             code="payment.share_deduction_shape")
        out.append((kind, body))
    return tuple(sorted(out, key=lambda x: x[0]))


@attrs.frozen
class IncidentDeductions:
    """The deduction per incident, by kind (扣款标准): a fixed amount (``amounts``) or a
    share of a fee (``shares``, :class:`FeeShare`)."""

    amounts: tuple[tuple[str, Money], ...] = attrs.field(default=(), converter=_amounts)
    rule_id: str = attrs.field(default="payment.incident_deductions", validator=RULE_ID)
    citation: str = attrs.field(default="合同约定", validator=CITATION)
    shares: tuple[tuple[str, FeeShare], ...] = attrs.field(default=(), converter=_shares)

    def __attrs_post_init__(self) -> None:
        both = {k for k, _ in self.amounts} & {k for k, _ in self.shares}
        if both:
            raise ModelError("an incident kind has both a fixed amount and a share",
                             field="shares", value=sorted(both), term="扣款标准",
                             code="payment.deduction_twice")

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
                         value=v, term="加减分", code="payment.points_invalid")
    try:
        d = decimal_of(v, field, "加减分", code="payment.points")
    except ModelError as exc:
        if exc.code not in ("payment.points.invalid", "payment.points.type"):
            raise
        raise ModelError("not a number", field=field, value=v, term="加减分",
                         code="payment.points_not_a_number") from None
    if not d.is_finite() or abs(d) > 100 or d * CENTI != (d * CENTI).to_integral_value():
        raise ModelError("points are −100..100 with at most two decimals", field=field,
                         value=str(d), term="加减分", code="payment.points_range")
    return d


def _points_table(v: Mapping[str, Any] | Iterable[tuple[str, Any]]
                  ) -> tuple[tuple[str, Decimal], ...]:
    out = []
    for kind, pts in _kind_items(v, field="points", what="event", term="加减分事件"):
        d = _signed(pts, f"points.{kind}")
        if d == 0:
            raise ModelError("an adjustment of 0 points", field=f"points.{kind}", value="0",
                             term="加减分", code="payment.points_zero")
        out.append((kind, d))
    if not out:
        raise ModelError("score adjustments need at least one event kind", field="points",
                         value={}, term="加减分", code="payment.points_empty")
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
    rule_id: str = attrs.field(default="payment.score_adjustments", validator=RULE_ID)
    citation: str = attrs.field(default="合同约定", validator=CITATION)

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
                         value=list(out), term="降档事件", code="payment.downgrade_kinds_empty")
    return out


@attrs.frozen
class Downgrade:
    """A serious incident (安全事故, 困人超时…) of one of ``kinds`` in the period lowers the
    result (降档): one tier below the score's tier, or to the tier ``to`` names (a band's
    ``name`` or its ``min_score``) when that is lower.  Only a tier table has tiers."""

    kinds: tuple[str, ...] = attrs.field(converter=_kinds)
    to: str = ""
    rule_id: str = attrs.field(default="payment.downgrade", validator=RULE_ID)
    citation: str = attrs.field(default="合同约定", validator=CITATION)


AGGREGATES = ("min", "mean", "fee_weighted")


def _sites(v: Iterable[str]) -> tuple[str, ...]:
    out = tuple(v)
    if len(out) < 2 or not all(isinstance(s, str) and s for s in out) or (
            len(set(out)) != len(out)):
        raise ModelError("a site score names at least two distinct sites", field="sites",
                         value=list(out), term="考核点位", code="payment.sites_invalid")
    return out


def _aggregate(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value == "":
        raise ModelError("the contract states how the sites' scores make the line's score; "
                         f"there is no default: one of {', '.join(AGGREGATES)}",
                         field="aggregate", value=value, term="多点位汇总方式",
                         code="payment.site_aggregate_missing",
                         says="payment.site_aggregate_missing.choices")
    if value not in AGGREGATES:
        raise ModelError(f"aggregate is one of {', '.join(AGGREGATES)}", field="aggregate",
                         value=value, term="多点位汇总方式", code="payment.site_aggregate_unknown")


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
    rule_id: str = attrs.field(default="payment.site_score", validator=RULE_ID)
    citation: str = attrs.field(default="合同约定", validator=CITATION)

    def __attrs_post_init__(self) -> None:
        named = {k for k, _ in self.weights}
        if self.aggregate == "fee_weighted":
            if named != set(self.sites):
                raise ModelError("fee_weighted needs a fee for every site and no other",
                                 field="weights", value=sorted(named), term="点位费用权重",
                                 code="payment.site_weights_invalid")
            if all(m.fen == 0 for _, m in self.weights):
                raise ModelError("the site fees add up to zero", field="weights",
                                 value=sorted(named), term="点位费用权重",
                                 code="payment.site_weights_zero")
        elif named:
            raise ModelError(f"weights are only for fee_weighted, not {self.aggregate}",
                             field="weights", value=sorted(named), term="点位费用权重",
                             code="payment.site_weights_not_weighted")


def _factor(v: Any) -> Decimal:
    d = _dec(v, "factor", "加重倍数")
    if d < 1:
        raise ModelError("a ratchet factor is at least 1", field="factor", value=str(d),
                         term="加重倍数", code="payment.ratchet_factor")
    return d


def _whole(name: str, low: int) -> Any:
    def check(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ModelError(f"must be a whole number ≥ {low}", field=attribute.name,
                             value=value, term=name, code="payment.whole_number",
                             params={"low": low})
    return check


@attrs.frozen
class RepeatRatchet:
    """Beyond the ``after``-th incident of one kind on one line within ``window_months``
    months (this period included), each deduction is multiplied by ``factor`` (重复扣款加重)."""

    factor: Decimal = attrs.field(converter=_factor)
    after: int = attrs.field(validator=_whole("加重起算次数", 0))
    window_months: int = attrs.field(validator=_whole("滚动期间", 1))
    rule_id: str = attrs.field(default="payment.repeat_ratchet", validator=RULE_ID)
    citation: str = attrs.field(default="合同约定", validator=CITATION)


@attrs.frozen
class LineCap:
    """Incident deductions of one line in one period are at most ``share`` of its fee."""

    share: Decimal = attrs.field(converter=_share)
    rule_id: str = attrs.field(default="payment.deduction_cap_line", validator=RULE_ID)
    citation: str = attrs.field(default="合同约定", validator=CITATION)


@attrs.frozen
class TotalCap:
    """Incident deductions of the whole contract in one period are at most ``share`` of the
    period's fee; where the lines' deductions exceed it, it is split over them in proportion
    (:func:`~outsourcing.money.allocate`)."""

    share: Decimal = attrs.field(converter=_share)
    rule_id: str = attrs.field(default="payment.deduction_cap_total", validator=RULE_ID)
    citation: str = attrs.field(default="合同约定", validator=CITATION)


def _warn_score(v: Any) -> Decimal:
    d = _dec(v, "min_score", "预警分数线")
    _score_centi(d, "min_score", "预警分数线")
    return d


@attrs.frozen
class WarningRule:
    """A line scoring below ``min_score`` in a period gets a warning notice (预警通知)."""

    min_score: Decimal = attrs.field(converter=_warn_score)
    rule_id: str = attrs.field(default="payment.warning_score", validator=RULE_ID)
    citation: str = attrs.field(default="合同约定", validator=CITATION)


@attrs.frozen
class ConsecutiveFailures:
    """A line with warning notices in ``periods`` consecutive periods: the purchaser may
    replace its supplier (更换社会化单位)."""

    periods: int = attrs.field(validator=_whole("连续未达标期数", 1))
    rule_id: str = attrs.field(default="payment.termination_consecutive", validator=RULE_ID)
    citation: str = attrs.field(default="合同约定", validator=CITATION)


@attrs.frozen
class NoticeWindow:
    """``notices`` warning notices on the contract within ``window_months`` months: the
    purchaser may terminate the contract (解除合同)."""

    notices: int = attrs.field(validator=_whole("预警通知次数", 1))
    window_months: int = attrs.field(validator=_whole("滚动期间", 1))
    rule_id: str = attrs.field(default="payment.termination_notices", validator=RULE_ID)
    citation: str = attrs.field(default="合同约定", validator=CITATION)
