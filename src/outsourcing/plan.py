"""Payment plans: instalments by share, periodic payments, prepayment offsets (付款计划).

Two shapes a contract writes:

* :class:`InstalmentPlan` — instalments by share of the contract amount, each on a milestone
  (e.g. 30% 合同签订后, 40% 中期验收合格后, 20% 终验合格后, 10% 质保期满后).  The shares must add
  to exactly 100% (else ``payment.shares_not_100``, naming the field); the amounts are split
  with :func:`~outsourcing.money.allocate`, so they add back to the contract amount to the fen.
* :class:`PeriodicPlan` — 定期结算: monthly or quarterly after assessment, each period paying
  its statement's payable amount.

Either may have a :class:`Prepayment` (预付款): a share of the contract amount paid on signing
and recovered (抵扣) from later payments, in proportion to them (``pro_rata``) or from the
first payments until recovered (``in_order``).  Every payment's due date follows the
contract's payment term (:func:`outsourcing.due.due_term`: the regulation's for an SME, the
contract's own for a large supplier; calendar or working days); the clock starts on the
milestone's day, and for periodic settlement on the day both sides confirm the amount
(保障中小企业款项支付条例 2020 text 第九条).

No national rule sets a prepayment share or instalment shares: they are the contract's terms.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import attrs

from ._limits import exact_decimal
from .accrual import contract_period_fen
from .dates import PeriodKind, periods_between
from .due import due_term
from .errors import ModelError
from .model import PaymentSchedule
from .money import Money, allocate, pct

if TYPE_CHECKING:
    from .model import Contract
    from .rules import RuleBook
    from .statement import Statement
    from .workdays import WorkCalendar

__all__ = [
    "MILESTONE_LABELS",
    "Instalment",
    "InstalmentPlan",
    "PeriodicPlan",
    "PlanSchedule",
    "PlannedPayment",
    "Prepayment",
    "Recovery",
    "instalment_payments",
    "periodic_payments",
]

MILESTONE_LABELS = {
    "signing": "合同签订后",
    "mid_term_acceptance": "中期验收合格后",
    "final_acceptance": "终验合格后",
    "retention_end": "质保期满后",
    "prepayment": "预付款",
}
"""Chinese labels of the usual milestones; any other milestone name is allowed."""

_CONTRACT = "合同约定"


def _share(field: str) -> Callable[[Any], Decimal]:
    def conv(v: Any) -> Decimal:
        if isinstance(v, float | bool):
            raise ModelError("a float is not an exact share; pass a str such as '0.30'",
                             field=field, value=v, term="付款比例", code="payment.float_share")
        try:  # the one exact-number reader: a wild exponent or 40+ digits refused at once
            d = exact_decimal(v, field=field, term="付款比例", error=ModelError,
                              code="payment.share", what="share")
        except ModelError as exc:
            if exc.code in ("payment.share.type", "payment.share.invalid"):
                raise ModelError("not a number", field=field, value=v, term="付款比例",
                                 code="payment.not_a_share") from None
            if exc.code != "payment.share.not_finite":
                raise
            d = Decimal(str(v))  # NaN or Infinity: out of the range below
        if not d.is_finite() or not 0 <= d <= 1:
            raise ModelError("a share is between 0 and 1", field=field, value=str(d),
                             term="付款比例", code="payment.share_range")
        return d
    return conv


def _instalment_share(v: Any) -> Decimal:
    return _share("share")(v)


def _prepayment_share(v: Any) -> Decimal:
    return _share("prepayment.share")(v)


def _milestone(_: Any, a: attrs.Attribute[Any], v: Any) -> None:
    if not isinstance(v, str) or not v.strip():
        raise ModelError("a milestone is a non-empty name", field=a.name, value=v,
                         term="付款节点", code="payment.milestone")


@attrs.frozen
class Instalment:
    """One instalment: a share of the contract amount, due after a milestone (分期付款)."""

    milestone: str = attrs.field(validator=_milestone)
    share: Decimal = attrs.field(converter=_instalment_share)
    label: str = ""

    @property
    def label_zh(self) -> str:
        return self.label or MILESTONE_LABELS.get(self.milestone, self.milestone)


class Recovery(StrEnum):
    """How a prepayment is recovered from later payments (预付款抵扣方式)."""

    PRO_RATA = "pro_rata"
    """In proportion to the later payments (按比例抵扣)."""
    IN_ORDER = "in_order"
    """From the first later payments until recovered (依次抵扣)."""


def _recovery(v: Any) -> Recovery:
    try:
        return Recovery(v)
    except ValueError:
        raise ModelError("recovery is pro_rata or in_order", field="prepayment.recovery",
                         value=v, term="预付款抵扣方式", code="payment.recovery") from None


@attrs.frozen
class Prepayment:
    """A prepayment (预付款): ``share`` of the contract amount paid on signing, recovered from
    later payments by ``recovery``."""

    share: Decimal = attrs.field(converter=_prepayment_share)
    recovery: Recovery = attrs.field(default=Recovery.PRO_RATA, converter=_recovery)
    citation: str = _CONTRACT


def _instalments(v: Iterable[Instalment]) -> tuple[Instalment, ...]:
    return tuple(v)


@attrs.frozen
class InstalmentPlan:
    """Instalments by share of the contract amount (分期付款计划); shares add to 100%."""

    instalments: tuple[Instalment, ...] = attrs.field(converter=_instalments)
    prepayment: Prepayment | None = None
    citation: str = _CONTRACT

    def __attrs_post_init__(self) -> None:
        if not self.instalments:
            raise ModelError("a plan needs at least one instalment", field="instalments",
                             value=[], term="分期付款", code="payment.no_instalments")
        seen: set[str] = set()
        for i, x in enumerate(self.instalments):
            if not isinstance(x, Instalment):
                raise ModelError("not an Instalment", field=f"instalments[{i}]", value=x,
                                 term="分期付款", code="payment.not_instalment")
            if x.milestone in seen:
                raise ModelError("two instalments on the same milestone",
                                 field=f"instalments[{i}].milestone", value=x.milestone,
                                 term="付款节点", code="payment.duplicate_milestone")
            seen.add(x.milestone)
        total = sum((x.share for x in self.instalments), Decimal(0))
        if total != 1:
            shares = [pct(x.share) for x in self.instalments]
            raise ModelError(
                f"the instalment shares add to {pct(total)}, not 100%",
                field="instalments[*].share", value=shares, term="付款比例",
                code="payment.shares_not_100", citation=self.citation,
                params={"total": pct(total)})


@attrs.frozen
class PeriodicPlan:
    """Periodic payments after assessment (定期结算): each period pays its statement."""

    prepayment: Prepayment | None = None
    citation: str = _CONTRACT


@attrs.frozen
class PlannedPayment:
    """One payment of a plan (付款)."""

    milestone: str
    label: str
    gross: Money
    """The instalment (or the period's payable amount) before the prepayment offset."""
    offset: Money
    """Prepayment recovered from it (预付款抵扣)."""
    net: Money
    event_on: date | None
    """The milestone's day, or for periodic settlement the day both sides confirmed."""
    due_on: date | None
    share: Decimal | None = None


@attrs.frozen
class PlanSchedule:
    """The payments of a plan, in order, with what they add to (付款计划表)."""

    contract_id: str
    amount: Money
    payments: tuple[PlannedPayment, ...]
    due_rule: str
    unrecovered: Money = Money.ZERO
    """Prepayment not yet recovered after the last payment listed."""

    @property
    def total_net(self) -> Money:
        return Money.sum(p.net for p in self.payments)

    def render(self) -> str:
        """A text table with Chinese labels (columns aligned for CJK widths)."""
        rows = [f"付款计划  合同 {self.contract_id}  合同金额 {self.amount.format()}",
                f"  付款期限: {self.due_rule}",
                "  " + _cols(("付款节点", "比例", "应付", "预付款抵扣", "实付", "节点日期",
                              "到期日"))]
        for p in self.payments:
            share = "" if p.share is None else pct(p.share)
            rows.append("  " + _cols((
                p.label, share, p.gross.format(), (-p.offset).format(), p.net.format(),
                p.event_on.isoformat() if p.event_on else "—",
                p.due_on.isoformat() if p.due_on else "—")))
        rows.append("  " + _cols(("合计", "", "", "", self.total_net.format(), "", "")))
        if self.unrecovered:
            rows.append(f"  未抵扣预付款 {self.unrecovered.format()}")
        return "\n".join(r.rstrip() for r in rows)


_WIDTHS = (16, 6, 14, 13, 14, 12, 10)


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _cols(cells: Sequence[str]) -> str:
    out = []
    for k, (cell, w) in enumerate(zip(cells, _WIDTHS, strict=True)):
        gap = " " * max(1, w - _width(cell))
        out.append(cell + gap if k in (0, 5, 6) else gap + cell + " ")
    return "".join(out)


def _recover(prepaid: Money, gross: Sequence[Money], recovery: Recovery) -> list[Money]:
    """The prepayment recovered from each payment; never more than the payment."""
    if not prepaid or not gross:
        return [Money.ZERO] * len(gross)
    if recovery is Recovery.PRO_RATA and any(gross):
        return allocate(prepaid, list(gross))
    out: list[Money] = []
    left = prepaid
    for g in gross:
        take = min(left, g)
        out.append(take)
        left -= take
    return out


def _due(contract: Contract, rulebook: RuleBook, on: date | None,
         calendar: WorkCalendar | None) -> date | None:
    if on is None:
        return None
    return due_term(contract, rulebook, on, calendar).due_on(on, calendar)


def _due_rule(contract: Contract, rulebook: RuleBook) -> str:
    t = due_term(contract, rulebook, contract.signed_on or contract.term.start)
    return f"{t.describe()}{'' if t.working or t.days is None else ' 日'} [{t.citation}]"


def instalment_payments(
    contract: Contract, plan: InstalmentPlan, rulebook: RuleBook,
    events: Mapping[str, date] | None = None, *, calendar: WorkCalendar | None = None,
) -> PlanSchedule:
    """The payments of an instalment plan on ``contract``'s amount (原合同金额).

    ``events`` gives each milestone's day (``signing`` defaults to the signing date); a
    milestone not yet reached has no due date.  The net payments add back exactly to the
    contract amount: instalments by :func:`allocate`, the prepayment recovered from them.
    """
    amount = contract.original_amount
    ev = dict(events or {})
    if contract.signed_on is not None:
        ev.setdefault("signing", contract.signed_on)
    for k in ev:
        if k not in {x.milestone for x in plan.instalments} | {"signing", "prepayment"}:
            raise ModelError(f"no instalment on this milestone; milestones: "
                             f"{', '.join(x.milestone for x in plan.instalments)}",
                             field=f"events.{k}", value=k, term="付款节点",
                             code="payment.unknown_milestone")
    gross = allocate(amount, [x.share for x in plan.instalments])
    rows: list[PlannedPayment] = []
    offsets = [Money.ZERO] * len(gross)
    if plan.prepayment is not None:
        prepaid = amount * plan.prepayment.share
        on = ev.get("prepayment", ev.get("signing"))
        rows.append(PlannedPayment("prepayment", MILESTONE_LABELS["prepayment"], prepaid,
                                   Money.ZERO, prepaid, on, _due(contract, rulebook, on,
                                                                 calendar),
                                   plan.prepayment.share))
        offsets = _recover(prepaid, gross, plan.prepayment.recovery)
    for x, g, off in zip(plan.instalments, gross, offsets, strict=True):
        on = ev.get(x.milestone)
        rows.append(PlannedPayment(x.milestone, x.label_zh, g, off, g - off, on,
                                   _due(contract, rulebook, on, calendar), x.share))
    return PlanSchedule(contract.id, amount, tuple(rows), _due_rule(contract, rulebook))


def periodic_payments(
    contract: Contract, plan: PeriodicPlan, rulebook: RuleBook,
    statements: Sequence[Statement], confirmed: Mapping[str, date] | None = None, *,
    calendar: WorkCalendar | None = None,
) -> PlanSchedule:
    """The payments of periodic settlement (定期结算) from the periods' statements.

    Each period pays its statement's payable amount; the due date counts from the day both
    sides confirmed it (``confirmed``, by period text such as ``2024-Q1``).  A prepayment is
    recovered ``pro_rata`` — split over the periods in proportion to their contract fees
    (:func:`allocate`), never more than a period pays, any shortfall carried to the next —
    or ``in_order``.
    """
    amount = contract.original_amount
    conf = dict(confirmed or {})
    rows: list[PlannedPayment] = []
    gross = [s.payable for s in statements]
    offsets = [Money.ZERO] * len(gross)
    unrecovered = Money.ZERO
    if plan.prepayment is not None:
        prepaid = amount * plan.prepayment.share
        on = contract.signed_on
        rows.append(PlannedPayment("prepayment", MILESTONE_LABELS["prepayment"], prepaid,
                                   Money.ZERO, prepaid, on,
                                   _due(contract, rulebook, on, calendar),
                                   plan.prepayment.share))
        if plan.prepayment.recovery is Recovery.PRO_RATA and statements:
            # split over every period of the term by its contract fee, so a period's share
            # does not depend on how many periods are listed so far
            planned_by = _term_split(contract, prepaid)
            carry = Money.ZERO
            for k, (g, st) in enumerate(zip(gross, statements, strict=True)):
                want = planned_by.get(str(st.period), Money.ZERO) + carry
                take = min(g, want)
                carry = want - take
                offsets[k] = take
            unrecovered = prepaid - Money.sum(offsets)
        else:
            offsets = _recover(prepaid, gross, Recovery.IN_ORDER)
            unrecovered = prepaid - Money.sum(offsets)
    for s, off in zip(statements, offsets, strict=True):
        key = str(s.period)
        on = conf.get(key)
        rows.append(PlannedPayment(key, f"{key} 结算", s.payable, off, s.payable - off, on,
                                   _due(contract, rulebook, on, calendar)))
    return PlanSchedule(contract.id, amount, tuple(rows), _due_rule(contract, rulebook),
                        unrecovered)


def _term_split(contract: Contract, prepaid: Money) -> dict[str, Money]:
    """The prepayment split over every settlement period of the term by its fee."""
    kind = (PeriodKind.QUARTER if contract.schedule is PaymentSchedule.QUARTERLY
            else PeriodKind.MONTH)
    periods = periods_between(contract.term, kind)
    spans = [p.range.overlap(contract.term) for p in periods]
    fen = contract_period_fen(list(contract.line_schedules().values()),
                              [sp for sp in spans if sp is not None], contract.day_count,
                              contract.rounded_alone(contract.lines))
    fees = [Money.from_fen(sum(col)) for col in zip(*fen, strict=True)]
    if not any(fees):
        return {}
    return {str(p): m for p, m in zip(periods, allocate(prepaid, fees), strict=True)}
