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

from ._convert import money_of, opt_date_of, opt_money_of, text
from ._limits import MAX_TERM_YEARS, enum_converter, exact_decimal, typed_tuple
from ._validators import nonempty
from .accrual import Rounding, contract_span_amount, line_span_amount
from .dates import DateRange, DayCount, PeriodKind, periods_between
from .errors import ModelError
from .money import Money, UnitPrice, unit_price
from .pricing import AnnualFee, AreaRate, MonthSplit, TermTotal

E = TypeVar("E", bound=StrEnum)

if TYPE_CHECKING:
    from .findings import Finding
    from .rules import RuleBook

__all__ = [
    "MULTI_YEAR_CONDITIONS",
    "QUALIFICATION_KINDS",
    "AnnualFee",
    "AreaRate",
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
    "TermTotal",
    "UnitRate",
    "level_rank",
    "qualification_kind",
]


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


def _enum(cls: type[E], field: str, term: str) -> Callable[[Any], E]:
    return enum_converter(cls, field=field, term=term, error=ModelError, code="model")


def _items(v: Any, field: str, cls: type[Any] | tuple[type[Any], ...], term: str
           ) -> tuple[Any, ...]:
    return typed_tuple(v, field=field, cls=cls, term=term, error=ModelError, code="model")


def _stated_amount(v: Any) -> Money | None:
    return opt_money_of(v, "stated_amount")


def _valid_until(v: Any) -> date | None:
    return opt_date_of(v, "valid_until")


def _valid_from(v: Any) -> date | None:
    return opt_date_of(v, "valid_from")


def _daily_rate(v: Any) -> Decimal | None:
    if v is None:
        return None
    if isinstance(v, float | bool):
        raise ModelError("a float is not an exact rate; pass a str or Decimal",
                         field="late_interest_daily", value=v, term="逾期利息日利率",
                         code="model.float_rate")
    try:  # the one exact-number reader: a wild exponent or 40+ digits refused at once
        d = exact_decimal(v, field="late_interest_daily", term="逾期利息日利率",
                          error=ModelError, code="model.late_interest_daily", what="rate")
    except ModelError as exc:
        if exc.code in ("model.late_interest_daily.type", "model.late_interest_daily.invalid"):
            raise ModelError("not a number", field="late_interest_daily", value=v,
                             term="逾期利息日利率", code="model.not_a_number") from None
        if exc.code != "model.late_interest_daily.not_finite":
            raise
        d = Decimal(str(v))  # NaN or Infinity: refused below
    if not d.is_finite() or d < 0:
        raise ModelError("must be a finite rate, not negative", field="late_interest_daily",
                         value=str(d), term="逾期利息日利率", code="model.negative")
    return d


def _qualifications(v: Iterable[Qualification]) -> tuple[Qualification, ...]:
    return _items(v, "qualifications", Qualification, "资质")


def _lines(v: Iterable[ServiceLine]) -> tuple[ServiceLine, ...]:
    return _items(v, "lines", ServiceLine, "服务项目")


def _conditions(v: Iterable[str]) -> frozenset[str]:
    return frozenset(_items(v, "multi_year_conditions", str, "跨年度条件"))


def _nonneg(term: str) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    def check(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value < (Money.ZERO if isinstance(value, Money | UnitPrice) else 0):
            raise ModelError("must not be negative", field=attribute.name, value=str(value),
                             term=term, code="model.negative")
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
                             code=f"model.{attribute.name}.form", says="model.code_form",
                             params={"example": example})
    return check


def _is(*classes: type[Any], term: str) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    def check(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, classes):
            names = " or ".join(c.__name__ for c in classes)
            raise ModelError(f"a {type(value).__name__} is not a {names}",
                             field=attribute.name, value=value, term=term,
                             code=f"model.{attribute.name}.type", says="model.type",
                             params={"expected": names})
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


CREDIT_CODE_CITATION = "GB 32100-2015《法人和其他组织统一社会信用代码编码规则》"


def credit_code(v: Any) -> str:
    """A 统一社会信用代码 checked (GB 32100-2015: 18 characters, the last a check character
    over the first 17) and written compactly; empty when unknown.

    Refused with a :class:`~outsourcing.errors.ModelError` naming 统一社会信用代码: a wrong
    length, a character outside the code's alphabet, or a check character that does not
    match (checked with python-stdnum's ``stdnum.cn.uscc``).
    """
    from stdnum.cn import uscc
    from stdnum.exceptions import InvalidChecksum, InvalidLength, ValidationError

    if not isinstance(v, str):
        raise ModelError("a credit code is text", field="credit_code", value=v,
                         term="统一社会信用代码", code="model.credit_code.type",
                         citation=CREDIT_CODE_CITATION)
    if not v.strip():
        return ""
    try:
        return str(uscc.validate(v))
    except InvalidChecksum:
        got, want = uscc.compact(v)[-1], uscc.calc_check_digit(uscc.compact(v)[:17])
        raise ModelError(f"the check character is {got}, the first 17 characters call for "
                         f"{want}", field="credit_code", value=v, term="统一社会信用代码",
                         code="model.credit_code.checksum", citation=CREDIT_CODE_CITATION,
                         params={"got": got, "want": want}) from None
    except InvalidLength:
        raise ModelError("a credit code has 18 characters", field="credit_code", value=v,
                         term="统一社会信用代码", code="model.credit_code.length",
                         citation=CREDIT_CODE_CITATION) from None
    except ValidationError:
        raise ModelError("not a credit code: 8 digits, then digits or capital letters but "
                         "I, O, Z, S, V", field="credit_code", value=v,
                         term="统一社会信用代码", code="model.credit_code.form",
                         citation=CREDIT_CODE_CITATION) from None


def _size(v: Any) -> EnterpriseSize:
    return _enum(EnterpriseSize, "size", "企业规模")(v)


def _day_count(v: Any) -> DayCount:
    return _enum(DayCount, "day_count", "计费天数惯例")(v)


def _rounding(v: Any) -> Rounding:
    return _enum(Rounding, "rounding", "计费取整方式")(v)


QUALIFICATION_KINDS: dict[str, str] = {
    "special_equipment_installation_repair": "特种设备安装改造修理许可（电梯）",
    "fire_technical_service": "消防设施维护保养检测机构资质",
    "property_management": "物业服务企业资质",
}
"""The qualification kinds (资质类别) the rules name, by code → Chinese name; a workbook
may name a kind by either (:func:`qualification_kind`)."""


def qualification_kind(text: str) -> str | None:
    """The code of a qualification kind named by its code or its Chinese name; None when
    unknown."""
    t = text.strip()
    if t in QUALIFICATION_KINDS:
        return t
    return next((k for k, v in QUALIFICATION_KINDS.items() if v == t), None)


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

    kind: str = attrs.field(validator=nonempty("资质类别", "model.qualification.kind"))
    level: str = attrs.field(default="", validator=text("资质等级"))
    name: str = attrs.field(default="", validator=text("资质名称"))
    issuer: str = attrs.field(default="", validator=text("发证机关"))
    """When set, the issuing level must match (e.g. ``自治区`` for a regional licence)."""


@attrs.frozen
class Qualification:
    """A qualification a supplier holds (资质): kind, level, issuer, validity."""

    kind: str = attrs.field(validator=nonempty("资质类别", "model.qualification.kind"))
    level: str = attrs.field(default="", validator=text("资质等级"))
    issuer: str = attrs.field(default="", validator=text("发证机关"))
    valid_until: date | None = attrs.field(default=None, converter=_valid_until)
    """The last day of validity: a ``date`` (or ``YYYY-MM-DD`` text, read when built)."""
    valid_from: date | None = attrs.field(default=None, converter=_valid_from)
    number: str = attrs.field(default="", validator=text("证书编号"))

    def __attrs_post_init__(self) -> None:
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ModelError("valid_until is before valid_from", field="valid_until",
                             value=self.valid_until.isoformat(), term="资质有效期",
                             code="model.qualification.ends_before_start",
                             params={"start": self.valid_from})

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

    id: str = attrs.field(validator=nonempty("采购人"))
    name: str = attrs.field(validator=nonempty("采购人名称"))
    credit_code: str = attrs.field(default="", converter=credit_code)
    """统一社会信用代码 (checked; empty when unknown, but an OCDS release needs it)."""


@attrs.frozen
class Supplier:
    """The company that provides the service (供应商)."""

    id: str = attrs.field(validator=nonempty("供应商"))
    name: str = attrs.field(validator=nonempty("供应商名称"))
    size: EnterpriseSize = attrs.field(converter=_size)
    qualifications: tuple[Qualification, ...] = attrs.field(default=(),
                                                          converter=_qualifications)
    credit_code: str = attrs.field(default="", converter=credit_code)
    """统一社会信用代码 (checked when built, see :func:`credit_code`; empty when unknown)."""

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
    description: str = ""

    def monthly_amount(self) -> Fraction:
        """The monthly amount (for a yearly price, the average month: price ÷ 12)."""
        return self.pricing.monthly_amount()

    def schedule(self, span: DateRange, term: DateRange,
                 convention: DayCount) -> list[tuple[DateRange, Fraction]]:
        """The line's accrual schedule over ``span`` of a contract whose term is ``term``."""
        return self.pricing.schedule(span, term, convention)


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

    ``original_amount`` (原合同金额), the base of the 10% cap on supplementary contracts, is
    the amount the contract states (``stated_amount``, 合同金额) when it states one, else the
    lines over the term (:attr:`lines_amount`).  A stated amount the lines do not add up to
    exactly is a finding (``contract.amount_mismatch``), never a silent difference.
    ``multi_year_conditions`` declares which of
    :data:`MULTI_YEAR_CONDITIONS` hold; all three are needed for a term over one year.
    """

    id: str = attrs.field(validator=nonempty("合同编号"))
    title: str = attrs.field(validator=nonempty("合同名称"))
    jurisdiction: str = attrs.field(validator=[nonempty("辖区"), _code(
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
    stated_amount: Money | None = attrs.field(default=None,
                                              converter=_stated_amount)
    """The contract amount as the contract states it (合同金额), if it states one."""
    payment_working_days: bool = False
    """``payment_days`` counts working days (``15 个工作日内``), see :mod:`outsourcing.due`."""
    late_interest_daily: Decimal | None = attrs.field(default=None, converter=_daily_rate)
    """The agreed late-interest rate per day (约定逾期利息日利率); None: the contract agrees
    none (an SME then gets the statutory rate, a large supplier none)."""
    rounding: Rounding = attrs.field(default=Rounding.RUNNING, converter=_rounding)
    """How a period's fee is rounded (计费取整方式): ``running`` — the running total (累计
    取整, the default) — or ``period`` — each settlement period on its own, the term total
    the sum of the periods (每期单独取整); see :class:`~outsourcing.accrual.Rounding`."""
    rounding_clause: str = ""
    """The clause that states the rounding or a literal split (e.g. ``"合同 第六条:
    每季度确认单金额四舍五入到分"``), shown on the statement."""

    def __attrs_post_init__(self) -> None:
        if self.term.end.year - self.term.start.year >= MAX_TERM_YEARS:
            raise ModelError(f"a term of more than {MAX_TERM_YEARS} years is out of range",
                             field="term", value=str(self.term), term="履行期限",
                             code="model.term.too_long", params={"years": MAX_TERM_YEARS})
        if not self.lines:
            raise ModelError("a contract needs at least one service line", field="lines",
                             value=[], term="服务项目", code="model.lines.empty")
        seen: set[str] = set()
        for i, line in enumerate(self.lines):
            if not isinstance(line, ServiceLine):
                raise ModelError("not a ServiceLine", field=f"lines[{i}]", value=line,
                                 code="model.lines.type", says="model.type",
                                 params={"expected": "ServiceLine"})
            if line.id in seen:
                raise ModelError("duplicate line id", field=f"lines[{i}].id", value=line.id,
                                 term="服务项目编号", code="model.lines.duplicate_id")
            seen.add(line.id)
        bad = self.multi_year_conditions - MULTI_YEAR_CONDITIONS.keys()
        if bad:
            raise ModelError(f"unknown condition; known: {sorted(MULTI_YEAR_CONDITIONS)}",
                             field="multi_year_conditions", value=sorted(bad),
                             code="model.multi_year_conditions.unknown",
                             params={"allowed": "、".join(MULTI_YEAR_CONDITIONS)})
        for name, cls, term in (("budget", Money, "预算"), ("signed_on", date, "签订日期"),
                                ("price_adjustment_clause", str, "价格调整条款")):
            v = getattr(self, name)
            if v is not None and not isinstance(v, cls):
                raise ModelError(f"a {type(v).__name__} is not a {cls.__name__}", field=name,
                                 value=v, term=term, code=f"model.{name}.type",
                                 says="model.type", params={"expected": cls.__name__})
        if self.payment_days is not None and (isinstance(self.payment_days, bool) or
                                              not isinstance(self.payment_days, int) or
                                              self.payment_days > 3650):
            raise ModelError("a whole number of days, at most 3650", field="payment_days",
                             value=self.payment_days, term="付款期限",
                             code="model.payment_days.type")
        if self.budget is not None and self.budget < Money.ZERO:
            raise ModelError("must not be negative", field="budget", value=str(self.budget),
                             term="预算", code="model.negative")
        if self.payment_days is not None and self.payment_days < 0:
            raise ModelError("must not be negative", field="payment_days",
                             value=self.payment_days, term="付款期限", code="model.negative")
        if self.stated_amount is not None and self.stated_amount < Money.ZERO:
            raise ModelError("must not be negative", field="stated_amount",
                             value=str(self.stated_amount), term="合同金额",
                             code="model.negative")
        for i, line in enumerate(self.lines):
            if getattr(line.pricing, "split", None) is MonthSplit.LITERAL:
                self._check_whole_periods(i)
        if self.day_count is DayCount.THIRTY:
            for i, line in enumerate(self.lines):
                p = line.pricing
                if getattr(p, "split", None) is MonthSplit.ACTUAL_365:
                    raise ModelError(
                        "a line priced 年费 ÷ 365 × 实际天数 counts actual days; the contract's "
                        "30/360 day count contradicts it", field=f"lines[{i}].pricing.split",
                        value="actual_365", term="计费天数", code="model.day_count_conflict")

    def _check_whole_periods(self, i: int) -> None:
        """A literal split (全年 × 1/4) needs a term of whole settlement periods."""
        kind = self.period_kind
        periods = periods_between(self.term, kind)
        if periods[0].start != self.term.start or periods[-1].end != self.term.end:
            per = {PeriodKind.QUARTER: "季度", PeriodKind.MONTH: "月"}[kind]
            raise ModelError(
                f"a literal split (全年 × 1/4) settles whole {kind.value}s; the term "
                f"{self.term} is not a whole number of them", field=f"lines[{i}].pricing.split",
                value=str(self.term), term="按期直接折算", code="model.literal_split_periods",
                params={"per": per})

    @property
    def period_kind(self) -> PeriodKind:
        """The settlement period (结算周期): a quarter or a month."""
        return (PeriodKind.QUARTER if self.schedule is PaymentSchedule.QUARTERLY
                else PeriodKind.MONTH)

    def rounded_alone(self, lines: Iterable[ServiceLine]) -> list[bool]:
        """Per line, whether its periods are rounded on their own: every line when the
        contract says so (``rounding = "period"``), and a line split literally."""
        every = self.rounding is Rounding.PERIOD
        return [every or getattr(x.pricing, "split", None) is MonthSplit.LITERAL
                for x in lines]

    def settlement_ranges(self) -> list[DateRange]:
        """The settlement periods of the term, cut to it."""
        return [r for p in periods_between(self.term, self.period_kind)
                if (r := p.range.overlap(self.term)) is not None]

    def line(self, line_id: str) -> ServiceLine:
        for line in self.lines:
            if line.id == line_id:
                return line
        raise ModelError(f"no such line in contract {self.id}; lines: "
                         f"{', '.join(x.id for x in self.lines)}",
                         field="line", value=line_id, term="服务项目", code="model.line.unknown",
                         params={"known": "、".join(x.id for x in self.lines)})

    def has_line(self, line_id: str) -> bool:
        return any(x.id == line_id for x in self.lines)

    def line_amount(self, line_id: str, span: DateRange | None = None) -> Money:
        """A line's fee over ``span`` (the whole term by default), by the one accrual rule
        (:func:`~outsourcing.accrual.contract_period_fen`: cumulative rounding, the
        contract's rounding difference to the main line), exactly as settlement pays it."""
        self.line(line_id)
        part = self.term if span is None else self.term.overlap(span)
        if part is None:
            return Money.ZERO
        alone = self.rounded_alone(self.lines)
        return line_span_amount(self.line_schedules(), line_id, part, self.day_count, alone,
                                self.settlement_ranges() if any(alone) else None)

    def all_lines(self) -> dict[str, ServiceLine]:
        """Every line by id (a timeline of changes answers with every line it ever had)."""
        return {x.id: x for x in self.lines}

    def line_schedules(self) -> dict[str, list[tuple[DateRange, Fraction]]]:
        """Each line's accrual schedule: the days it runs, with its monthly amount.

        For a contract as signed, every line runs the whole term at its own price.  A
        timeline of changes offers the same method, so settlement reads either alike
        (see :mod:`outsourcing.accrual`).
        """
        return {x.id: x.schedule(self.term, self.term, self.day_count) for x in self.lines}

    @property
    def lines_amount(self) -> Money:
        """Every line over the whole term, exact, rounded once half-up (what the lines add
        up to; settlement pays exactly this over the term when nothing is deducted)."""
        alone = self.rounded_alone(self.lines)
        return contract_span_amount(self.line_schedules(), self.term, self.day_count, alone,
                                    self.settlement_ranges() if any(alone) else None)

    @property
    def original_amount(self) -> Money:
        """原合同金额: the stated amount (合同金额) when the contract states one, else
        :attr:`lines_amount`."""
        if self.stated_amount is not None:
            return self.stated_amount
        return self.lines_amount

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
                             value=repr(rulebook), code="model.rulebook.no_host")
        result: list[Finding] = host.check_contract(self, rulebook)
        return result
