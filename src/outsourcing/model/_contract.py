"""The contract: its term, lines, payment schedule, amounts and rounding (private; see
:mod:`outsourcing.model`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from .._convert import flag, opt_money_of, text
from .._limits import MAX_TERM_YEARS, exact_decimal
from .._validators import nonempty
from ..accrual import Rounding, contract_span_amount, line_span_amount
from ..dates import DateRange, DayCount, PeriodKind, periods_between
from ..errors import ModelError
from ..money import Money
from ..pricing import MonthSplit
from ._checks import JURISDICTION_CODE_RE, _code, _enum, _is, _items
from ._lines import ServiceLine
from ._parties import Purchaser, Supplier

E = TypeVar("E", bound=StrEnum)

if TYPE_CHECKING:
    from ..findings import Finding
    from ..rules import RuleBook


def _stated_amount(v: Any) -> Money | None:
    return opt_money_of(v, "stated_amount")


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


def _lines(v: Iterable[ServiceLine]) -> tuple[ServiceLine, ...]:
    return _items(v, "lines", ServiceLine, "服务项目")


def _conditions(v: Iterable[str]) -> frozenset[str]:
    return frozenset(_items(v, "multi_year_conditions", str, "跨年度条件"))


def _day_count(v: Any) -> DayCount:
    return _enum(DayCount, "day_count", "计费天数惯例")(v)


def _rounding(v: Any) -> Rounding:
    return _enum(Rounding, "rounding", "计费取整方式")(v)


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
    payment_working_days: bool = attrs.field(default=False, validator=flag("按工作日计付款期限"))
    """``payment_days`` counts working days (``15 个工作日内``), see :mod:`outsourcing.due`."""
    late_interest_daily: Decimal | None = attrs.field(default=None, converter=_daily_rate)
    """The agreed late-interest rate per day (约定逾期利息日利率); None: the contract agrees
    none (an SME then gets the statutory rate, a large supplier none)."""
    rounding: Rounding = attrs.field(default=Rounding.RUNNING, converter=_rounding)
    """How a period's fee is rounded (计费取整方式): ``running`` — the running total (累计
    取整, the default) — or ``period`` — each settlement period on its own, the term total
    the sum of the periods (每期单独取整); see :class:`~outsourcing.accrual.Rounding`."""
    rounding_clause: str = attrs.field(default="", validator=text("取整条款"))
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

        ``rulebook`` comes from :meth:`outsourcing.plugins.PluginHost.rulebook`; its plugins
        are called once for the contract.
        """
        host = rulebook.host
        if host is None:
            raise ModelError("this rulebook was not built by a plugin registry; use "
                             "outsourcing.load().rulebook(code)", field="rulebook",
                             value=repr(rulebook), code="model.rulebook.no_host")
        result: list[Finding] = host.check_contract(self, rulebook)
        return result
