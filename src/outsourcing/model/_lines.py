"""The pricing a service line takes — fixed monthly, unit rate, labour plus materials (and the
yearly, per-m² and per-term shapes of :mod:`outsourcing.pricing`) — and the service line
(private; see :mod:`outsourcing.model`)."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any, ClassVar, TypeVar

import attrs

from .._convert import money_of, text
from .._limits import exact_decimal
from .._validators import nonempty
from ..dates import DateRange, DayCount
from ..errors import ModelError
from ..money import Money, UnitPrice, unit_price
from ..pricing import AnnualFee, AreaRate, TermTotal
from ._checks import SERVICE_CODE_RE, _code, _is, _nonneg

E = TypeVar("E", bound=StrEnum)



def _monthly_fee(v: Any) -> Money:
    return money_of(v, "monthly_fee")


def _unit_price(v: Any) -> Money | UnitPrice:
    return unit_price(v, field="unit_price")


def _labour_monthly(v: Any) -> Money:
    return money_of(v, "labour_monthly")


def _materials_budget(v: Any) -> Money:
    return money_of(v, "materials_budget")


def as_quantity(v: Any, field: str = "quantity") -> Decimal:
    """An exact quantity (数量) from a str, int or Decimal; a float is refused, and so is a
    number past the input limits (see :mod:`outsourcing._limits`)."""
    return exact_decimal(v, field=field, term="数量", error=ModelError, code="model.quantity",
                         what="quantity")


def _is_pricing(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    _is(*PRICING_KINDS.values(), term="计价方式")(_, attribute, value)


@attrs.frozen
class FixedMonthly:
    """A fixed fee per month (固定月费), times a quantity (e.g. per elevator)."""

    KIND: ClassVar[str] = "fixed_monthly"
    monthly_fee: Money = attrs.field(converter=_monthly_fee, validator=_nonneg("月费"))
    quantity: Decimal = attrs.field(default=Decimal(1), converter=as_quantity,
                                    validator=_nonneg("数量"))
    unit: str = attrs.field(default="月", validator=text("计量单位"))

    def monthly_amount(self) -> Fraction:
        return self.monthly_fee.exact() * Fraction(self.quantity)

    def schedule(self, span: DateRange, term: DateRange,
                 convention: DayCount) -> list[tuple[DateRange, Fraction]]:
        """The days of ``span`` with the monthly amount in force (one flat piece)."""
        return [(span, self.monthly_amount())]


@attrs.frozen
class UnitRate:
    """A unit price × a planned quantity per month (单价 × 数量: per trip, per event, per m²).

    The plan makes the contract amount; a period's actual quantity, recorded with
    :class:`outsourcing.usage.Usage`, makes its bill (按实结算).
    """

    KIND: ClassVar[str] = "unit_rate"
    unit_price: Money | UnitPrice = attrs.field(converter=_unit_price,
                                                validator=_nonneg("单价"))
    """To at most four decimals (a price per unit, 万分之一元); amounts round to the fen."""
    quantity: Decimal = attrs.field(converter=as_quantity, validator=_nonneg("数量"))
    """Planned quantity per month."""
    unit: str = attrs.field(validator=nonempty("计量单位"))

    def monthly_amount(self) -> Fraction:
        return self.unit_price.exact() * Fraction(self.quantity)

    def schedule(self, span: DateRange, term: DateRange,
                 convention: DayCount) -> list[tuple[DateRange, Fraction]]:
        """The days of ``span`` with the monthly amount in force (one flat piece)."""
        return [(span, self.monthly_amount())]


@attrs.frozen
class LabourPlusMaterials:
    """Labour at a monthly fee plus materials at cost (劳务承包 + 原材料按实结算).

    The contract amount counts ``materials_budget`` per month; settlement pays the
    materials actually bought, at most the period's budget, when they are recorded with
    :class:`outsourcing.usage.Usage` (the budget otherwise).
    """

    KIND: ClassVar[str] = "labour_plus_materials"
    labour_monthly: Money = attrs.field(converter=_labour_monthly,
                                        validator=_nonneg("劳务费"))
    materials_budget: Money = attrs.field(converter=_materials_budget,
                                          validator=_nonneg("原材料预算"))

    def monthly_amount(self) -> Fraction:
        return self.labour_monthly.exact() + self.materials_budget.exact()

    def schedule(self, span: DateRange, term: DateRange,
                 convention: DayCount) -> list[tuple[DateRange, Fraction]]:
        """The days of ``span`` with the monthly amount in force (one flat piece)."""
        return [(span, self.monthly_amount())]


Pricing = FixedMonthly | UnitRate | LabourPlusMaterials | AnnualFee | AreaRate | TermTotal
PRICING_KINDS: dict[str, type[Pricing]] = {
    c.KIND: c for c in (FixedMonthly, UnitRate, LabourPlusMaterials, AnnualFee, AreaRate,
                        TermTotal)
}
"""Every pricing shape by the ``kind`` that names it in JSON and scenario files."""


@attrs.frozen
class ServiceLine:
    """One service bought under a contract, at one site, with its pricing (服务项目)."""

    id: str = attrs.field(validator=nonempty("服务项目编号"))
    service: str = attrs.field(validator=[nonempty("服务类别"), _code(
        SERVICE_CODE_RE, "服务类别", "elevator_maintenance")])
    """A service-kind code from the catalogue (``property``, ``elevator_maintenance``…)."""
    site: str = attrs.field(validator=nonempty("办公区"))
    """The office area served (办公区)."""
    pricing: Pricing = attrs.field(validator=_is_pricing)
    description: str = attrs.field(default="", validator=text("服务说明"))

    def monthly_amount(self) -> Fraction:
        """The monthly amount (for a yearly price, the average month: price ÷ 12)."""
        return self.pricing.monthly_amount()

    def schedule(self, span: DateRange, term: DateRange,
                 convention: DayCount) -> list[tuple[DateRange, Fraction]]:
        """The line's accrual schedule over ``span`` of a contract whose term is ``term``."""
        return self.pricing.schedule(span, term, convention)
