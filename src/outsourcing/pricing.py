"""Prices by the year, by the term and by the square metre (年服务费、合同总价、按面积计价).

Property contracts are mostly priced per year (年服务费 ¥N/年), as a total for the term
(合同总价) or per m² of floor area (元/m²·月 or 元/m²·年).  Each shape here gives, for the days
a line runs, its **accrual schedule**: calendar months, each with the monthly amount in force
(see :mod:`outsourcing.accrual`, which rounds cumulatively).  A yearly price is split over
the twelve months of the year exactly, by a rule the contract states (:class:`MonthSplit`):

* ``allocate`` — the year's price in whole fen split over the twelve months of the contract
  year by :func:`~outsourcing.money.allocate` (the spare fen go one each to the first months of
  the contract year);
* ``equal_remainder`` — each month the year's price ÷ 12 cut down to the fen, the remainder in
  a named calendar month (``remainder_month``; the last month of the contract year when not
  named);
* ``actual_365`` — "年费 ÷ 365 × 实际天数": each month is the year's price × its days ÷ 365,
  and a part month pro-rata by its days.  Leap years: by default 29 February is **not** counted
  (February is 28/365 of the year in every year, the *NL/365* convention, as China's bond
  market counts accrued interest: 实际天数/365, 闰年2月29日不计息), so that every
  contract year pays exactly the year's price; ``count_leap_day=True`` reads the formula
  literally (a leap year pays the price × 366/365), and the contract's stated amount then
  shows the difference as a finding;
* ``literal`` — "全年 × 1/4": each settlement period is the year's price × its share of the
  year (a quarter ¼, a month 1/12; part months pro-rata by days), computed literally and
  rounded on its own; the periods of a year then add to the year's price give or take a
  few fen (at most the number of periods less one), as such a contract says.  The term must
  be whole settlement periods.

The months of ``allocate`` and ``equal_remainder`` are contract months anchored on the
term's first day (15 March – 14 April, … for a term from 15 March; calendar months for a term
from the 1st), each accruing its amount pro rata to its days.  Every contract year therefore
adds back to the year's price to the fen, under every rule, whatever day the term starts.
Amounts are exact fractions of yuan until the cumulative rounding step.
"""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any, ClassVar

import attrs
from dateutil.relativedelta import relativedelta

from ._convert import money_of, nonneg_decimal
from .accrual import accrue
from .dates import ONE_DAY, DateRange, DayCount
from .errors import ModelError
from .money import Money, UnitPrice, allocate, unit_price

__all__ = ["AnnualFee", "AreaRate", "AreaUnit", "MonthSplit", "TermTotal", "merge_run", "months_in"]


class MonthSplit(StrEnum):
    """How a yearly price is split over the months of the year (年费分月规则)."""

    ALLOCATE = "allocate"
    """Whole fen, the spare fen to the first months of the contract year (最大余额法)."""
    EQUAL_REMAINDER = "equal_remainder"
    """Equal months cut to the fen; the remainder in a named month (尾差计入指定月份)."""
    ACTUAL_365 = "actual_365"
    """年费 ÷ 365 × 实际天数 (actual/365; 29 February not counted unless stated)."""
    LITERAL = "literal"
    """全年 × 1/4 (or 1/12) computed literally for each settlement period and rounded on its
    own (按期直接折算): the periods of a year may add to a few fen more or less than the
    year's price, as the contract says; the term must be whole settlement periods."""


class AreaUnit(StrEnum):
    """What an area rate is per (面积单价单位)."""

    MONTH = "month"
    """元/m²·月."""
    YEAR = "year"
    """元/m²·年."""


def _nonneg_decimal(v: Any, field: str, term: str) -> Decimal:
    return nonneg_decimal(v, field, term, code=f"model.{field}", negative="model.negative")


def _annual_fee(v: Any) -> Money:
    return money_of(v, "annual_fee")


def _rate(v: Any) -> Money | UnitPrice:
    return unit_price(v, field="rate", term="面积单价")


def _total(v: Any) -> Money:
    return money_of(v, "total")


def _quantity(v: Any) -> Decimal:
    return _nonneg_decimal(v, "quantity", "数量")


def _area(v: Any) -> Decimal:
    return _nonneg_decimal(v, "area", "建筑面积")


def _nonneg_money(term: str) -> Any:
    def check(_: Any, a: attrs.Attribute[Any], v: Money | UnitPrice) -> None:
        if v < Money.ZERO:
            raise ModelError("must not be negative", field=a.name, value=str(v), term=term,
                             code="model.negative")
    return check


def _month(_: Any, a: attrs.Attribute[Any], v: int | None) -> None:
    if v is not None and (isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 12):
        raise ModelError("a calendar month 1..12, or None for the last month of the contract "
                         "year", field=a.name, value=v, term="尾差月份",
                         code="model.remainder_month")


def months_in(span: DateRange, convention: DayCount) -> Fraction:
    """The length of ``span`` in months under a day-count convention (part months pro-rata)."""
    return accrue(Fraction(1), span, convention)


def _year_months(year_fen: int, split: MonthSplit, remainder_month: int | None,
                 first_month: int) -> list[Fraction]:
    """The monthly amount (yuan) of calendar months 1..12 for ``allocate`` and
    ``equal_remainder``; ``first_month`` is the first calendar month of the contract year."""
    order = [(first_month - 1 + k) % 12 + 1 for k in range(12)]  # contract-year order
    out = [Fraction(0)] * 13
    if split is MonthSplit.ALLOCATE:
        parts = allocate(Money.from_fen(year_fen), [1] * 12)
        for m, part in zip(order, parts, strict=True):
            out[m] = part.exact()
    else:
        base, rest = divmod(year_fen, 12)
        named = remainder_month if remainder_month is not None else order[-1]
        for m in order:
            out[m] = Fraction(base + (rest if m == named else 0), 100)
    return out[1:]


def merge_run(out: list[tuple[DateRange, Fraction]], piece: DateRange, monthly: Fraction) -> None:
    """Append ``piece`` at ``monthly`` to the runs ``out``, extending the last run instead when
    it ends the day before ``piece`` starts at the same monthly amount.

    The one run-merging rule for schedules: a pricing's own schedule and the schedule of a
    line across changes and suspensions (:mod:`outsourcing.changes`) merge alike.
    """
    if out and out[-1][1] == monthly and out[-1][0].end + ONE_DAY == piece.start:
        out[-1] = (DateRange(out[-1][0].start, piece.end), monthly)
    else:
        out.append((piece, monthly))


def _actual_365(year: Fraction, count_leap_day: bool,
                span: DateRange) -> list[tuple[DateRange, Fraction]]:
    """Each day the year's price ÷ 365; 29 February nothing unless counted."""
    out: list[tuple[DateRange, Fraction]] = []
    for piece in span.months():
        y, m = piece.start.year, piece.start.month
        dim = calendar.monthrange(y, m)[1]
        if m == 2 and dim == 29 and not count_leap_day:
            # 1–28 February at the price ÷ 365 a day (the month's amount × days ÷ 29),
            # 29 February at nothing
            if piece.start.day <= 28:
                merge_run(out, DateRange(piece.start, min(piece.end, date(y, 2, 28))),
                       year * 29 / 365)
            if piece.end.day == 29:
                merge_run(out, DateRange(max(piece.start, date(y, 2, 29)), piece.end),
                       Fraction(0))
        else:
            merge_run(out, piece, year * dim / 365)
    return out


def yearly_schedule(year: Fraction, split: MonthSplit, remainder_month: int | None,
                    count_leap_day: bool, span: DateRange, term: DateRange,
                    convention: DayCount = DayCount.ACTUAL) -> list[tuple[DateRange, Fraction]]:
    """Calendar-month pieces of ``span`` with the monthly amount a yearly price gives them.

    ``year`` is the year's price in yuan.  For ``actual_365`` every day accrues the price ÷
    365 (29 February nothing unless ``count_leap_day``).  For ``allocate`` and
    ``equal_remainder`` the price is rounded half-up to the fen (one named step: the year's
    price in fen) and split over the twelve **contract months** of each contract year —
    anchored on the first day of ``term`` (a term from 15 March has months 15 March – 14 April,
    …) — and a contract month accrues its amount pro rata to its days (under ``30/360`` to
    its 30-day count).  A term starting on the 1st has calendar months as contract months.
    Hence every contract year accrues exactly the year's price, whatever day it starts.
    """
    if split is MonthSplit.ACTUAL_365:
        return _actual_365(year, count_leap_day, span)
    if split is MonthSplit.LITERAL:  # each month exactly the year ÷ 12, never cut to the fen
        return [(span, year / 12)]
    by_month = _year_months(Money.round(year).fen, split, remainder_month, term.start.month)
    out: list[tuple[DateRange, Fraction]] = []
    k = 0
    first = term.start
    while True:
        cm_start = first + relativedelta(months=k)
        cm_end = first + relativedelta(months=k + 1) - ONE_DAY
        k += 1
        if cm_end < span.start:
            continue
        if cm_start > span.end:
            break
        amount = by_month[(first.month - 1 + k - 1) % 12]
        length = (cm_end - cm_start).days + 1
        part = DateRange(max(cm_start, span.start), min(cm_end, span.end))
        for piece in part.months():
            if convention is DayCount.THIRTY or first.day == 1:
                monthly = amount
            else:
                dim = calendar.monthrange(piece.start.year, piece.start.month)[1]
                monthly = amount * dim / length
            merge_run(out, piece, monthly)
    return out


def _split(v: Any) -> MonthSplit:
    try:
        return MonthSplit(v)
    except (ValueError, TypeError):
        raise ModelError(f"the month split is one of {[s.value for s in MonthSplit]}",
                         field="split", value=v, term="年费分月规则", code="model.month_split"
                         ) from None


def _per(v: Any) -> AreaUnit:
    try:
        return AreaUnit(v)
    except (ValueError, TypeError):
        raise ModelError("an area rate is per month or per year", field="per", value=v,
                         term="面积单价单位", code="model.area_unit") from None


@attrs.frozen
class AnnualFee:
    """A price per year (年服务费), times a quantity, split over the months by ``split``."""

    KIND: ClassVar[str] = "annual_fee"
    annual_fee: Money = attrs.field(converter=_annual_fee,
                                    validator=_nonneg_money("年服务费"))
    quantity: Decimal = attrs.field(default=Decimal(1), converter=_quantity)
    split: MonthSplit = attrs.field(default=MonthSplit.ALLOCATE, converter=_split)
    remainder_month: int | None = attrs.field(default=None, validator=_month)
    count_leap_day: bool = False
    unit: str = "年"

    def yearly_amount(self) -> Fraction:
        return self.annual_fee.exact() * Fraction(self.quantity)

    def monthly_amount(self) -> Fraction:
        """The average month (the year's price ÷ 12), for display and price comparisons."""
        return self.yearly_amount() / 12

    def schedule(self, span: DateRange, term: DateRange,
                 convention: DayCount) -> list[tuple[DateRange, Fraction]]:
        return yearly_schedule(self.yearly_amount(), self.split, self.remainder_month,
                               self.count_leap_day, span, term, convention)


@attrs.frozen
class AreaRate:
    """Floor area × a rate per m² per month or per year (建筑面积 × 元/m²·月 or 元/m²·年).

    A change of area (``change_quantity``) takes effect on its first day, pro-rata to the day
    within its month.  A rate per year is split over the months like :class:`AnnualFee`.
    """

    KIND: ClassVar[str] = "area_rate"
    area: Decimal = attrs.field(converter=_area)
    """Square metres (m²)."""
    rate: Money | UnitPrice = attrs.field(converter=_rate, validator=_nonneg_money("面积单价"))
    """The rate per m², to at most four decimals (``3.865`` 元/m²·月): the amount of a
    period is area × rate, rounded half-up to the fen once (see :mod:`outsourcing.accrual`)."""
    per: AreaUnit = attrs.field(default=AreaUnit.MONTH, converter=_per)
    split: MonthSplit = attrs.field(default=MonthSplit.ALLOCATE, converter=_split)
    remainder_month: int | None = attrs.field(default=None, validator=_month)
    count_leap_day: bool = False
    unit: str = "m²"

    @property
    def quantity(self) -> Decimal:
        """The area, under the name every quantity-priced shape uses."""
        return self.area

    def monthly_amount(self) -> Fraction:
        amount = self.rate.exact() * Fraction(self.area)
        return amount if self.per is AreaUnit.MONTH else amount / 12

    def schedule(self, span: DateRange, term: DateRange,
                 convention: DayCount) -> list[tuple[DateRange, Fraction]]:
        if self.per is AreaUnit.MONTH:
            return [(span, self.monthly_amount())]
        return yearly_schedule(self.rate.exact() * Fraction(self.area), self.split,
                               self.remainder_month, self.count_leap_day, span, term,
                               convention)


@attrs.frozen
class TermTotal:
    """A total price for a stated service period (合同总价), spread evenly over its months.

    ``over`` is the period the total pays for (usually the contract term).  Each month accrues
    ``total`` ÷ the months of ``over`` (part months pro-rata, by the contract's day count), so
    the whole of ``over`` accrues exactly ``total``.
    """

    KIND: ClassVar[str] = "term_total"
    total: Money = attrs.field(converter=_total, validator=_nonneg_money("合同总价"))
    over: DateRange
    unit: str = "期"

    def monthly_amount(self) -> Fraction:
        return self.total.exact() / months_in(self.over, DayCount.ACTUAL)

    def schedule(self, span: DateRange, term: DateRange,
                 convention: DayCount) -> list[tuple[DateRange, Fraction]]:
        return [(span, self.total.exact() / months_in(self.over, convention))]
