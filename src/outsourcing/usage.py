"""What a line actually delivered or cost in a period (实际用量，按实结算).

A :class:`~outsourcing.model.UnitRate` line (per trip, per day, per event) states a planned
quantity per month; the contract amount and the 10% cap count that plan.  Settlement pays the
plan unless the period's actual quantity is recorded: then the fee is the unit price × the
quantity actually delivered, rounded half-up once.  A
:class:`~outsourcing.model.LabourPlusMaterials` line (劳务承包 canteens) pays its labour fee
pro rata and its materials at cost: the materials actually bought, at most the period's
materials budget; the excess is reported, not paid (paying it needs a change to the
contract).  Pass a :class:`Usage` per line and period to
:func:`outsourcing.settlement.settle`.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs

from ._convert import money_of, text
from .accrual import accrue
from .dates import DateRange, DayCount, Period, as_period
from .errors import ModelError, SettlementError
from .findings import Finding, Severity
from .messages_zh import say
from .model import LabourPlusMaterials, ServiceLine, UnitRate, as_quantity
from .money import Money

__all__ = ["MATERIALS_RULE", "MISSING_RULE", "QUANTITY_RULE", "ActualFee", "Usage",
           "actual_fee", "missing_usage_fee", "settled_on_usage"]

QUANTITY_RULE = ("settlement.actual_quantity",
                 "合同约定: 按单价 × 实际数量结算（按实结算）; 计划数量仅用于合同金额")
MATERIALS_RULE = ("settlement.materials_at_cost",
                  "合同约定: 劳务费按月计付、原材料按实结算（劳务承包），原材料以当期预算为限")
MISSING_RULE = ("usage.missing",
                "合同约定: 按实结算的部分以当期实际用量为准；实际用量未录入的，该部分暂缓支付，"
                "不按计划数量或预算支付")


def _period(v: Any) -> Period:
    return as_period(v, term="结算期间")


def _optional_quantity(v: Any) -> Decimal | None:
    if v is None:
        return None
    q = as_quantity(v)
    if q < 0:
        raise ModelError("must not be negative", field="quantity", value=str(q), term="实际数量",
                         code="model.negative")
    return q


def _optional_money(v: Any) -> Money | None:
    if v is None:
        return None
    m = money_of(v, "materials")
    if m < Money.ZERO:
        raise ModelError("must not be negative", field="materials", value=str(m),
                         term="原材料实际金额", code="model.negative")
    return m


@attrs.frozen
class Usage:
    """A line's actual quantity or materials cost in one period (实际用量).

    ``quantity`` for a unit-rate line (trips, days, events actually delivered);
    ``materials`` for a labour-plus-materials line (materials actually bought, at cost).
    """

    line: str
    period: Period = attrs.field(converter=_period)
    quantity: Decimal | None = attrs.field(default=None, converter=_optional_quantity)
    materials: Money | None = attrs.field(default=None, converter=_optional_money)
    recorded_by: str = attrs.field(default="", validator=text("录入人"))
    note: str = attrs.field(default="", validator=text("备注"))

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.line, str) or not self.line.strip():
            raise ModelError("must be a line id", field="line", value=self.line,
                             term="服务项目", code="usage.line_id")
        if (self.quantity is None) == (self.materials is None):
            raise ModelError("give either the quantity (unit-rate line) or the materials "
                             "cost (labour-plus-materials line)", field="quantity",
                             value=None, term="实际用量", code="usage.quantity_or_materials")


@attrs.frozen
class ActualFee:
    """The fee a period's usage gives, with what explains it."""

    fen: int
    rule_id: str
    citation: str
    inputs: tuple[tuple[str, str], ...]
    findings: tuple[Finding, ...] = ()


def actual_fee(usage: Usage, line: ServiceLine, running: Sequence[DateRange],
               convention: DayCount) -> ActualFee:
    """The fee of ``line`` for a period from its recorded usage.

    ``line`` is the version in force on the last day the line ran in the period; ``running``
    are the days it ran (its schedule cut to the period).  A usage that does not fit the line's
    pricing, or for a line that did not run, is a :class:`SettlementError`.
    """
    where = f"usage[{usage.line}]"
    if not running:
        raise SettlementError(f"line {line.id} did not run in {usage.period}; nothing to pay",
                              field=where, value=str(usage.period), term="实际用量",
                              code="usage.line_not_running", params={"line": line.id})
    days = ", ".join(str(r) for r in running)
    p = line.pricing
    if isinstance(p, UnitRate):
        if usage.quantity is None:
            raise SettlementError(f"line {line.id} is priced per {p.unit}: record its quantity",
                                  field=f"{where}.quantity", value=None, term="实际数量",
                                  code="usage.quantity_needed",
                                  params={"line": line.id, "unit": p.unit})
        fee = Money.round(p.unit_price.exact() * Fraction(usage.quantity))
        return ActualFee(fee.fen, *QUANTITY_RULE, (
            ("单价", f"{p.unit_price.format()}/{p.unit}"),
            ("实际数量", f"{usage.quantity.normalize():f} {p.unit}"),
            ("计划数量", f"{p.quantity.normalize():f} {p.unit}/月"), ("服务期间", days)))
    if isinstance(p, LabourPlusMaterials):
        if usage.materials is None:
            raise SettlementError(f"line {line.id} pays materials at cost: record the "
                                  "materials bought", field=f"{where}.materials", value=None,
                                  term="原材料实际金额", code="usage.materials_needed",
                                  params={"line": line.id})
        labour = sum((accrue(p.labour_monthly.exact(), r, convention) for r in running),
                     Fraction(0))
        budget = Money.round(sum((accrue(p.materials_budget.exact(), r, convention)
                                  for r in running), Fraction(0)))
        paid = min(usage.materials, budget)
        found: tuple[Finding, ...] = ()
        if usage.materials > budget:
            found = (Finding(
                "settlement.materials_over_budget",
                f"line {line.id}: materials {usage.materials.format()} exceed the period's "
                f"budget {budget.format()}; the excess {(usage.materials - budget).format()} "
                "is not paid without a change to the contract",
                severity=Severity.WARNING, field=f"{where}.materials", rule_id=MATERIALS_RULE[0],
                citation=MATERIALS_RULE[1], term="原材料超预算"),)
        fee = Money.round(labour) + paid
        return ActualFee(fee.fen, *MATERIALS_RULE, (
            ("劳务费", f"{Money.round(labour).format()}（{p.labour_monthly.format()}/月，"
                       f"{days}）"),
            ("原材料实际", usage.materials.format()), ("原材料预算", budget.format()),
            ("原材料计付", paid.format())), found)
    raise SettlementError(f"line {line.id} has a fixed monthly fee: it is not settled on "
                          "actual usage", field=where, value=type(p).__name__,
                          term="按实结算", code="usage.fixed_fee_line", params={"line": line.id})


def settled_on_usage(line: ServiceLine) -> bool:
    """True for a line whose period fee depends on its actual usage: a unit-rate line (按量)
    and a labour-plus-materials line (its materials, 按实结算)."""
    return isinstance(line.pricing, UnitRate | LabourPlusMaterials)


def missing_usage_fee(line: ServiceLine, period: Period, running: Sequence[DateRange],
                      convention: DayCount) -> ActualFee:
    """The fee of a usage-priced line whose usage for ``period`` is not recorded: the part
    that depends on usage is withheld (暂缓支付) — a unit-rate line pays nothing, a
    labour-plus-materials line its labour only — with an error finding ``usage.missing``
    naming the plan or budget it does **not** pay.  Recording the usage and settling again
    makes a correction that pays it."""
    p = line.pricing
    days = ", ".join(str(r) for r in running)
    if isinstance(p, UnitRate):
        planned = Money.round(sum((accrue(p.monthly_amount(), r, convention) for r in running),
                                  Fraction(0)))
        paid = Money.ZERO
        inputs: tuple[tuple[str, str], ...] = (
            ("单价", f"{p.unit_price.format()}/{p.unit}"), ("实际数量", "未录入"),
            ("计划数量", f"{p.quantity.normalize():f} {p.unit}/月"),
            ("计划金额（未支付）", planned.format()), ("服务期间", days))
        what, zh_what = "its actual quantity", "实际数量"
    elif isinstance(p, LabourPlusMaterials):
        paid = Money.round(sum((accrue(p.labour_monthly.exact(), r, convention)
                                for r in running), Fraction(0)))
        planned = Money.round(sum((accrue(p.materials_budget.exact(), r, convention)
                                   for r in running), Fraction(0)))
        inputs = (("劳务费", f"{paid.format()}（{p.labour_monthly.format()}/月，{days}）"),
                  ("原材料实际", "未录入"), ("原材料预算（未支付）", planned.format()),
                  ("原材料计付", Money.ZERO.format()))
        what, zh_what = "the materials actually bought", "原材料实际金额"
    else:
        raise SettlementError(f"line {line.id} is not settled on actual usage", field="line",
                              value=line.id, term="按实结算", code="usage.fixed_fee_line",
                              params={"line": line.id})
    finding = Finding(
        "usage.missing",
        f"line {line.id}: {what} in {period} is not recorded; {planned.format()} "
        "(the plan or budget) is withheld, not paid, until it is recorded",
        severity=Severity.ERROR, field=f"usage[{line.id}]", rule_id=MISSING_RULE[0],
        citation=MISSING_RULE[1], term="实际用量未录入",
        zh=say("usage.missing.detail", line=line.id, period=period, what=zh_what,
               planned=planned.format()))
    return ActualFee(paid.fen, *MISSING_RULE, inputs, (finding,))
