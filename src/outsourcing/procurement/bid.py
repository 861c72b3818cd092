"""A bid or response (投标、响应): one supplier's line prices, earlier quotes, evaluators'
points and what it claims for the small-enterprise deduction.

The bid price (投标报价) is derived from the line prices over the tender's term
(:func:`priced_over`), exactly as the awarded contract's original amount is.  Structural
rules (each line priced once, no negative points) are checked when a :class:`Bid` is built.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs

from ..accrual import accrue
from ..dates import DateRange, DayCount
from ..errors import OutsourcingError, ProcurementError
from ..model import PRICING_KINDS, FixedMonthly, Pricing, Supplier
from ..money import Money, as_rate
from .tender import _nonempty

__all__ = ["Bid", "priced_over"]


_SHAPES = tuple(PRICING_KINDS.values())


def _pricing(line_id: str, v: Any) -> Pricing:
    """A line's pricing, in any shape a contract line has (a monthly fee, a unit rate, a
    yearly price, an area rate, a term total …); a bare amount means a fixed monthly fee."""
    if isinstance(v, _SHAPES):
        return v
    if not isinstance(v, str | int | Decimal) or isinstance(v, bool):
        shapes = "、".join(PRICING_KINDS)
        raise ProcurementError(
            f"a line's price is an amount (a monthly fee) or a pricing of the contract's "
            f"shapes ({', '.join(PRICING_KINDS)}), not a {type(v).__name__}",
            field=f"prices[{line_id}]", value=repr(v), term="投标报价",
            code="procurement.price_shape",
            params={"line_id": line_id, "shapes": shapes})
    try:
        return FixedMonthly(v)
    except OutsourcingError as exc:
        raise ProcurementError(exc.reason, field=f"prices[{line_id}]", value=v,
                               term="投标报价",
                               code="procurement.bid.price_not_money", zh=exc.zh) from None


def priced_over(prices: Iterable[tuple[str, Pricing]], term: DateRange,
                day_count: DayCount) -> Money:
    """Line prices over ``term``: each line's accrual schedule (a monthly fee, a yearly price
    split over its months, an area rate, a term total spread over its months) accrued
    exactly, every line added, rounded once half-up to the fen — the contract's own rule, so
    a bid priced per year and the same bid priced per month over the term are the same."""
    exact = Fraction(0)
    for _, p in prices:
        for span, monthly in p.schedule(term, term, day_count):
            exact += accrue(monthly, span, day_count)
    return Money.round(exact)


def _prices(v: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> tuple[tuple[str, Pricing], ...]:
    items = v.items() if isinstance(v, Mapping) else v
    out: list[tuple[str, Pricing]] = []
    for k, p in items:
        out.append((str(k), _pricing(str(k), p)))
    return tuple(out)


def _point(where: str, v: Any) -> Decimal:
    try:
        r = as_rate(v, field=where)
    except OutsourcingError as exc:
        raise ProcurementError(exc.reason, field=where, value=v, term="评委打分",
            code="procurement.bid.points_not_decimal", zh=exc.zh) from None
    if isinstance(r, Fraction):
        raise ProcurementError("points are decimals (e.g. '52.5')", field=where, value=v,
                               term="评委打分",
            code="procurement.bid.points_fraction")
    return Decimal(r)


def _points(
    v: Mapping[str, Sequence[Any]] | Iterable[tuple[str, Sequence[Any]]],
) -> tuple[tuple[str, tuple[Decimal, ...]], ...]:
    items = v.items() if isinstance(v, Mapping) else v
    return tuple((str(k), tuple(_point(f"points[{k}][{i}]", x) for i, x in enumerate(ps)))
                 for k, ps in items)


def _rounds(v: Iterable[Any]) -> tuple[tuple[tuple[str, Pricing], ...], ...]:
    return tuple(_prices(r) for r in v)


def _share(v: Any) -> Decimal | None:
    if v is None:
        return None
    try:
        r = as_rate(v, field="sme_share")
    except OutsourcingError as exc:
        raise ProcurementError(exc.reason, field="sme_share", value=v,
                               term="小微企业合同份额", code="procurement.sme_share_rate"
                               ) from None
    d = Decimal(r) if isinstance(r, int) else (
        r if isinstance(r, Decimal) else Decimal(r.numerator) / Decimal(r.denominator))
    if not Decimal(0) < d <= 1:
        raise ProcurementError("a share lies in (0, 1]", field="sme_share", value=str(d),
                               term="小微企业合同份额", code="procurement.sme_share_range")
    return d


@attrs.frozen
class Bid:
    """One supplier's bid or response (投标、响应): line prices and, for 综合评分法, the
    evaluators' points.

    ``prices`` maps each tender line id to a pricing (a bare amount is a fixed monthly fee):
    under 磋商, 谈判 and 单一来源 it is the last quote (最后报价), and ``rounds`` holds the
    earlier quotes in order, each a full set of line prices (多轮报价); a tender or a 询价
    takes one quote only.  ``points`` maps each non-price factor id to the points each
    evaluator gave (评委打分), in the same evaluator order for every factor and bid.  The
    supplier carries the enterprise size (企业规模) and the qualifications it declares.

    The small-enterprise deduction is given only as claimed: ``sme_declaration`` is True
    when the bid carries the enterprise's declaration (中小企业声明函); ``sme_share`` is the
    share of the contract that a consortium agreement or subcontracting letter gives to
    small and micro firms (联合体协议/分包意向协议约定的小微企业合同份额).
    Bids are passed to ``evaluate`` in the order received (递交顺序).
    """

    id: str = attrs.field(validator=_nonempty("投标编号"))
    supplier: Supplier
    prices: tuple[tuple[str, Pricing], ...] = attrs.field(converter=_prices)
    points: tuple[tuple[str, tuple[Decimal, ...]], ...] = attrs.field(default=(),
                                                                      converter=_points)
    rounds: tuple[tuple[tuple[str, Pricing], ...], ...] = attrs.field(default=(),
                                                                      converter=_rounds)
    sme_declaration: bool = False
    sme_share: Decimal | None = attrs.field(default=None, converter=_share)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.sme_declaration, bool):
            raise ProcurementError("true or false", field="sme_declaration",
                                   value=self.sme_declaration, term="中小企业声明函",
                                   code="procurement.sme_declaration_flag")
        if self.sme_declaration and not self.supplier.size.is_sme:
            raise ProcurementError(
                "a large enterprise cannot declare itself an SME", field="sme_declaration",
                value=True, citation="财库〔2020〕46号 第四条、第十一条: 中小企业声明函",
                term="中小企业声明函", code="procurement.sme_declaration_large",
                params={"supplier": self.supplier.name})
        for n, quote in enumerate(self.rounds):
            ids = [k for k, _ in quote]
            if not ids or len(set(ids)) != len(ids):
                raise ProcurementError("each earlier round prices every line once",
                                       field=f"rounds[{n}]", value=ids, term="多轮报价",
                                       code="procurement.round_lines",
                                       params={"round": n + 1})
        ids = [k for k, _ in self.prices]
        if len(set(ids)) != len(ids):
            raise ProcurementError("a line is priced twice", field="prices", value=ids,
                                   term="分项报价",
                code="procurement.bid.line_priced_twice")
        if not ids:
            raise ProcurementError("a bid prices at least one line", field="prices", value=[],
                                   term="分项报价",
                code="procurement.bid.no_prices")
        fids = [k for k, _ in self.points]
        if len(set(fids)) != len(fids):
            raise ProcurementError("a factor is scored twice", field="points", value=fids,
                                   term="评委打分",
                code="procurement.bid.factor_scored_twice")
        for fid, ps in self.points:
            if not ps:
                raise ProcurementError("no evaluator's points", field=f"points[{fid}]",
                                       value=[], term="评委打分",
                    code="procurement.bid.no_points", params={"factor": fid})
            for i, p in enumerate(ps):
                if p < 0:
                    raise ProcurementError("points must not be negative",
                                           field=f"points[{fid}][{i}]", value=str(p),
                                           term="评委打分",
                        code="procurement.bid.points_negative")

    @property
    def quotes(self) -> int:
        """How many quotes the bid made (报价次数): the earlier rounds and the last."""
        return len(self.rounds) + 1

    def round_price(self, n: int, term: DateRange, day_count: DayCount = DayCount.ACTUAL) -> Money:
        """The price of earlier round ``n`` (0 the first) over ``term``, as :meth:`price_over`."""
        return priced_over(self.rounds[n], term, day_count)

    def price_of(self, line_id: str) -> Pricing | None:
        for k, p in self.prices:
            if k == line_id:
                return p
        return None

    def points_for(self, factor_id: str) -> tuple[Decimal, ...] | None:
        for k, ps in self.points:
            if k == factor_id:
                return ps
        return None

    def price_over(self, term: DateRange, day_count: DayCount = DayCount.ACTUAL) -> Money:
        """投标报价: every priced line over ``term``, exact, rounded once half-up to the fen.

        The same computation as :attr:`outsourcing.Contract.original_amount`, so the
        awarded contract's amount equals the bid price.
        """
        return priced_over(self.prices, term, day_count)
