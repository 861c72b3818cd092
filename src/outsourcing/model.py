"""The nouns: parties, qualifications, pricing, service lines and the contract (合同模型).

Every class is a frozen attrs class, validated when built; a change makes a new object with
``attrs.evolve`` and never mutates.  Money is :class:`~outsourcing.money.Money`, dates are
``datetime.date`` and a term is an inclusive :class:`~outsourcing.dates.DateRange`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import attrs

from ._limits import MAX_TERM_YEARS, enum_converter, exact_decimal, typed_tuple
from .accrual import accrue
from .dates import DateRange, DayCount
from .errors import ModelError
from .money import Money

E = TypeVar("E", bound=StrEnum)

if TYPE_CHECKING:
    from .findings import Finding
    from .rules import RuleBook

__all__ = [
    "MULTI_YEAR_CONDITIONS",
    "Contract",
    "EnterpriseSize",
    "FixedMonthly",
    "LabourPlusMaterials",
    "PaymentSchedule",
    "Pricing",
    "Purchaser",
    "Qualification",
    "QualificationRequirement",
    "ServiceLine",
    "Supplier",
    "UnitRate",
    "level_rank",
]


def _as_money(v: Any, field: str) -> Money:
    return v if isinstance(v, Money) else Money(v, field=field)


def _monthly_fee(v: Any) -> Money:
    return _as_money(v, "monthly_fee")


def _unit_price(v: Any) -> Money:
    return _as_money(v, "unit_price")


def _labour_monthly(v: Any) -> Money:
    return _as_money(v, "labour_monthly")


def _materials_budget(v: Any) -> Money:
    return _as_money(v, "materials_budget")


def as_quantity(v: Any, field: str = "quantity") -> Decimal:
    """An exact quantity (数量) from a str, int or Decimal; a float is refused, and so is a
    number past the input limits (see :mod:`outsourcing._limits`)."""
    return exact_decimal(v, field=field, term="数量", error=ModelError, code="model.quantity",
                         what="quantity")


def _enum(cls: type[E], field: str, term: str) -> Callable[[Any], E]:
    return enum_converter(cls, field=field, term=term, error=ModelError, code="model")


def _items(v: Any, field: str, cls: type[Any] | tuple[type[Any], ...], term: str
           ) -> tuple[Any, ...]:
    return typed_tuple(v, field=field, cls=cls, term=term, error=ModelError, code="model")


def _qualifications(v: Iterable[Qualification]) -> tuple[Qualification, ...]:
    return _items(v, "qualifications", Qualification, "资质")


def _lines(v: Iterable[ServiceLine]) -> tuple[ServiceLine, ...]:
    return _items(v, "lines", ServiceLine, "服务项目")


def _conditions(v: Iterable[str]) -> frozenset[str]:
    return frozenset(_items(v, "multi_year_conditions", str, "跨年度条件"))


def _nonneg(term: str) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    def check(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value < (Money.ZERO if isinstance(value, Money) else 0):
            raise ModelError("must not be negative", field=attribute.name, value=str(value),
                             term=term)
    return check


def _nonempty(term: str) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    def check(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, str) or not value.strip():
            raise ModelError("must be a non-empty string", field=attribute.name, value=value,
                             term=term)
    return check


SERVICE_CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
"""The form of a service-kind code (``elevator_maintenance``); whether the code is known is
checked against the catalogue in use when the contract is first used with a registry."""
JURISDICTION_CODE_RE = re.compile(r"^[A-Z]{2}(?:-[A-Z0-9]{1,16}){0,4}$")
"""The form of a jurisdiction code (``CN``, ``NX``, ``NX-SZS``)."""


def _code(pattern: re.Pattern[str], term: str, example: str
          ) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    def check(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, str) or not pattern.match(value):
            raise ModelError(f"not a {attribute.name} code (like {example})",
                             field=attribute.name, value=value, term=term,
                             code=f"model.{attribute.name}.form",
                             zh=f"{term}代码格式无效（如 {example}）")
    return check


def _is(*classes: type[Any], term: str) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    def check(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, classes):
            names = " or ".join(c.__name__ for c in classes)
            raise ModelError(f"a {type(value).__name__} is not a {names}",
                             field=attribute.name, value=value, term=term,
                             code=f"model.{attribute.name}.type", zh=f"{term}的类型无效")
    return check


def _is_pricing(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    _is(*PRICING_KINDS.values(), term="计价方式")(_, attribute, value)


class EnterpriseSize(StrEnum):
    """Enterprise size under 工信部联企业〔2011〕300号 (企业规模)."""

    LARGE = "large"
    MEDIUM = "medium"
    SMALL = "small"
    MICRO = "micro"

    @property
    def zh(self) -> str:
        return {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型"}[self.value]

    @property
    def is_sme(self) -> bool:
        """Medium, small or micro: an SME (中小企业) for the payment rules."""
        return self is not EnterpriseSize.LARGE

    @property
    def is_small_or_micro(self) -> bool:
        """Small or micro (小微企业): eligible for the price deduction."""
        return self in (EnterpriseSize.SMALL, EnterpriseSize.MICRO)


def _size(v: Any) -> EnterpriseSize:
    return _enum(EnterpriseSize, "size", "企业规模")(v)


def _day_count(v: Any) -> DayCount:
    return _enum(DayCount, "day_count", "计费天数惯例")(v)


_LEVELS = {
    "一级": 1, "二级": 2, "三级": 3, "甲级": 1, "乙级": 2, "丙级": 3,
    "A级": 1, "B级": 2, "C级": 3, "A": 1, "B": 2, "C": 3,
}


def level_rank(level: str) -> int | None:
    """The rank of a qualification level, 1 the highest (一级/甲级/A级), None if unranked."""
    return _LEVELS.get(level.strip())


@attrs.frozen
class QualificationRequirement:
    """A qualification a supplier must hold, e.g. a grade-B elevator licence (资质要求).

    ``level`` empty means any level; otherwise a held level at least as high satisfies it
    (一级 satisfies a 二级 requirement).
    """

    kind: str
    level: str = ""
    name: str = ""
    issuer: str = ""
    """When set, the issuing level must match (e.g. ``自治区`` for a regional licence)."""


@attrs.frozen
class Qualification:
    """A qualification a supplier holds (资质): kind, level, issuer, validity."""

    kind: str = attrs.field(validator=_nonempty("资质类别"))
    level: str = ""
    issuer: str = ""
    valid_until: date | None = None
    valid_from: date | None = None
    number: str = ""

    def __attrs_post_init__(self) -> None:
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ModelError("valid_until is before valid_from", field="valid_until",
                             value=self.valid_until.isoformat(), term="资质有效期")

    def valid_on(self, on: date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_until is None or on <= self.valid_until)

    def satisfies(self, req: QualificationRequirement) -> bool:
        """Same kind, level at least the one required, issuer matching where one is named."""
        if self.kind != req.kind:
            return False
        if req.issuer and req.issuer not in self.issuer:
            return False
        if not req.level:
            return True
        held, need = level_rank(self.level), level_rank(req.level)
        if held is None or need is None:
            return self.level == req.level
        return held <= need


@attrs.frozen
class Purchaser:
    """The buying agency (采购人), e.g. a 机关事务管理局."""

    id: str = attrs.field(validator=_nonempty("采购人"))
    name: str = attrs.field(validator=_nonempty("采购人名称"))


@attrs.frozen
class Supplier:
    """The company that provides the service (供应商)."""

    id: str = attrs.field(validator=_nonempty("供应商"))
    name: str = attrs.field(validator=_nonempty("供应商名称"))
    size: EnterpriseSize = attrs.field(converter=_size)
    qualifications: tuple[Qualification, ...] = attrs.field(default=(),
                                                          converter=_qualifications)
    credit_code: str = ""
    """统一社会信用代码."""

    def holds(self, req: QualificationRequirement, on: date) -> Qualification | None:
        """A qualification satisfying ``req`` valid on ``on``, if any."""
        for q in self.qualifications:
            if q.satisfies(req) and q.valid_on(on):
                return q
        return None


@attrs.frozen
class FixedMonthly:
    """A fixed fee per month (固定月费), times a quantity (e.g. per elevator)."""

    KIND: ClassVar[str] = "fixed_monthly"
    monthly_fee: Money = attrs.field(converter=_monthly_fee, validator=_nonneg("月费"))
    quantity: Decimal = attrs.field(default=Decimal(1), converter=as_quantity,
                                    validator=_nonneg("数量"))
    unit: str = "月"

    def monthly_amount(self) -> Fraction:
        return self.monthly_fee.exact() * Fraction(self.quantity)


@attrs.frozen
class UnitRate:
    """A unit price × a planned quantity per month (单价 × 数量: per trip, per event, per m²).

    The plan makes the contract amount; a period's actual quantity, recorded with
    :class:`outsourcing.usage.Usage`, makes its bill (按实结算).
    """

    KIND: ClassVar[str] = "unit_rate"
    unit_price: Money = attrs.field(converter=_unit_price, validator=_nonneg("单价"))
    quantity: Decimal = attrs.field(converter=as_quantity, validator=_nonneg("数量"))
    """Planned quantity per month."""
    unit: str = attrs.field(validator=_nonempty("计量单位"))

    def monthly_amount(self) -> Fraction:
        return self.unit_price.exact() * Fraction(self.quantity)


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


Pricing = FixedMonthly | UnitRate | LabourPlusMaterials
PRICING_KINDS: dict[str, type[FixedMonthly] | type[UnitRate] | type[LabourPlusMaterials]] = {
    c.KIND: c for c in (FixedMonthly, UnitRate, LabourPlusMaterials)
}


@attrs.frozen
class ServiceLine:
    """One service bought under a contract, at one site, with its pricing (服务项目)."""

    id: str = attrs.field(validator=_nonempty("服务项目编号"))
    service: str = attrs.field(validator=[_nonempty("服务类别"), _code(
        SERVICE_CODE_RE, "服务类别", "elevator_maintenance")])
    """A service-kind code from the catalogue (``property``, ``elevator_maintenance``…)."""
    site: str = attrs.field(validator=_nonempty("办公区"))
    """The office area served (办公区)."""
    pricing: Pricing = attrs.field(validator=_is_pricing)
    description: str = ""

    def monthly_amount(self) -> Fraction:
        return self.pricing.monthly_amount()


class PaymentSchedule(StrEnum):
    """How often the contract is settled (结算周期)."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


def _schedule(v: Any) -> PaymentSchedule:
    return _enum(PaymentSchedule, "schedule", "结算周期")(v)


MULTI_YEAR_CONDITIONS = {
    "budget_secured": "年度预算能保障",
    "stable_continuous": "服务需求相对固定、具有延续性",
    "price_stable": "价格变化幅度小",
}
"""The conditions under which a term may run to 3 years (财政部令第102号 第二十四条)."""


@attrs.frozen
class Contract:
    """A government service contract (政府采购服务合同).

    ``original_amount`` is derived from the lines and the term (原合同金额), the base of the
    10% cap on supplementary contracts.  ``multi_year_conditions`` declares which of
    :data:`MULTI_YEAR_CONDITIONS` hold; all three are needed for a term over one year.
    """

    id: str = attrs.field(validator=_nonempty("合同编号"))
    title: str = attrs.field(validator=_nonempty("合同名称"))
    jurisdiction: str = attrs.field(validator=[_nonempty("辖区"), _code(
        JURISDICTION_CODE_RE, "辖区", "NX-SZS")])
    purchaser: Purchaser = attrs.field(validator=_is(Purchaser, term="采购人"))
    supplier: Supplier = attrs.field(validator=_is(Supplier, term="供应商"))
    term: DateRange = attrs.field(validator=_is(DateRange, term="履行期限"))
    lines: tuple[ServiceLine, ...] = attrs.field(converter=_lines)
    schedule: PaymentSchedule = attrs.field(default=PaymentSchedule.MONTHLY,
                                            converter=_schedule)
    day_count: DayCount = attrs.field(default=DayCount.ACTUAL,
                                      converter=_day_count)
    budget: Money | None = None
    signed_on: date | None = None
    multi_year_conditions: frozenset[str] = attrs.field(default=frozenset(),
                                                        converter=_conditions)
    price_adjustment_clause: str = ""
    """The contract's clause allowing price adjustment, if any (价格调整条款)."""
    payment_days: int | None = None
    """Agreed days from acceptance to payment; None means the statutory term."""

    def __attrs_post_init__(self) -> None:
        if self.term.end.year - self.term.start.year >= MAX_TERM_YEARS:
            raise ModelError(f"a term of more than {MAX_TERM_YEARS} years is out of range",
                             field="term", value=str(self.term), term="履行期限",
                             code="model.term.too_long",
                             zh=f"履行期限超过{MAX_TERM_YEARS}年，超出范围")
        if not self.lines:
            raise ModelError("a contract needs at least one service line", field="lines",
                             value=[], term="服务项目")
        seen: set[str] = set()
        for i, line in enumerate(self.lines):
            if not isinstance(line, ServiceLine):
                raise ModelError("not a ServiceLine", field=f"lines[{i}]", value=line)
            if line.id in seen:
                raise ModelError("duplicate line id", field=f"lines[{i}].id", value=line.id,
                                 term="服务项目编号")
            seen.add(line.id)
        bad = self.multi_year_conditions - MULTI_YEAR_CONDITIONS.keys()
        if bad:
            raise ModelError(f"unknown condition; known: {sorted(MULTI_YEAR_CONDITIONS)}",
                             field="multi_year_conditions", value=sorted(bad))
        for name, cls, term in (("budget", Money, "预算"), ("signed_on", date, "签订日期"),
                                ("price_adjustment_clause", str, "价格调整条款")):
            v = getattr(self, name)
            if v is not None and not isinstance(v, cls):
                raise ModelError(f"a {type(v).__name__} is not a {cls.__name__}", field=name,
                                 value=v, term=term, code=f"model.{name}.type",
                                 zh=f"{term}的类型无效")
        if self.payment_days is not None and (isinstance(self.payment_days, bool) or
                                              not isinstance(self.payment_days, int) or
                                              self.payment_days > 3650):
            raise ModelError("a whole number of days, at most 3650", field="payment_days",
                             value=self.payment_days, term="付款期限",
                             code="model.payment_days.type", zh="付款期限须为不超过3650的整天数")
        if self.budget is not None and self.budget < Money.ZERO:
            raise ModelError("must not be negative", field="budget", value=str(self.budget),
                             term="预算")
        if self.payment_days is not None and self.payment_days < 0:
            raise ModelError("must not be negative", field="payment_days",
                             value=self.payment_days, term="付款期限")

    def line(self, line_id: str) -> ServiceLine:
        for line in self.lines:
            if line.id == line_id:
                return line
        raise ModelError(f"no such line in contract {self.id}; lines: "
                         f"{', '.join(x.id for x in self.lines)}",
                         field="line", value=line_id, term="服务项目")

    def has_line(self, line_id: str) -> bool:
        return any(x.id == line_id for x in self.lines)

    def line_amount(self, line_id: str, span: DateRange | None = None) -> Money:
        """A line's fee over ``span`` (the whole term by default), rounded once."""
        span = span or self.term
        return Money.round(accrue(self.line(line_id).monthly_amount(), span, self.day_count))

    def all_lines(self) -> dict[str, ServiceLine]:
        """Every line by id (a timeline of changes answers with every line it ever had)."""
        return {x.id: x for x in self.lines}

    def line_schedules(self) -> dict[str, list[tuple[DateRange, Fraction]]]:
        """Each line's accrual schedule: the days it runs, with its monthly amount.

        For a contract as signed, every line runs the whole term at its own price.  A
        timeline of changes offers the same method, so settlement reads either alike
        (see :mod:`outsourcing.accrual`).
        """
        return {x.id: [(self.term, x.monthly_amount())] for x in self.lines}

    @property
    def original_amount(self) -> Money:
        """原合同金额: every line over the whole term, exact, rounded once half-up."""
        exact = sum((accrue(x.monthly_amount(), self.term, self.day_count) for x in self.lines),
                    Fraction(0))
        return Money.round(exact)

    @property
    def sites(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(x.site for x in self.lines))

    def check(self, rulebook: RuleBook) -> list[Finding]:
        """Findings from the core rules and every plugin for this contract.

        ``rulebook`` comes from :meth:`outsourcing.plugins.Registry.rulebook`; its plugins
        are called once for the contract.
        """
        host = rulebook.host
        if host is None:
            raise ModelError("this rulebook was not built by a plugin registry; use "
                             "outsourcing.load().rulebook(code)", field="rulebook",
                             value=repr(rulebook))
        result: list[Finding] = host.check_contract(self, rulebook)
        return result
