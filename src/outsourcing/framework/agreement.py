"""The framework agreement itself (框架协议): its admitted suppliers and price list, who
may join or leave, and whose turn it is in a rotation; see :mod:`outsourcing.framework`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any

import attrs

from .._validators import nonempty
from ..dates import DateRange
from ..errors import ModelError, ProcurementError
from ..findings import Finding
from ..model import Purchaser, Supplier
from ..money import Money
from ..rules import RuleBook

__all__ = [
    "CEILING_RULE",
    "CallOffMethod",
    "FrameworkAgreement",
    "FrameworkKind",
    "PriceListItem",
    "check_agreement",
    "join",
    "next_in_rotation",
    "require_rulebook",
    "withdraw",
]

CEILING_RULE = "framework.call_off_price_ceiling"
_LIST_TERM = "统一报价表"


class FrameworkKind(StrEnum):
    """Closed or open framework (封闭式 / 开放式框架协议)."""

    CLOSED = "closed"
    OPEN = "open"

    @property
    def zh(self) -> str:
        return {"closed": "封闭式", "open": "开放式"}[self.value]


class CallOffMethod(StrEnum):
    """How a using unit chooses the supplier of a call-off (确定成交供应商的方式)."""

    DIRECT = "direct"
    SECOND_BIDDING = "second_bidding"
    ROTATION = "rotation"

    @property
    def zh(self) -> str:
        return {"direct": "直接选定", "second_bidding": "二次竞价",
                "rotation": "顺序轮候"}[self.value]


def _max_price(v: Any) -> Money:
    return v if isinstance(v, Money) else Money(v, field="max_price")


@attrs.frozen
class PriceListItem:
    """One row of the unified price list (统一报价表): an item, its unit and maximum price.

    ``service`` is the catalogue code the call-off line is filed under
    (``official_transport`` for a car hire).
    """

    code: str = attrs.field(validator=nonempty("报价项目编号"))
    name_zh: str = attrs.field(validator=nonempty("报价项目"))
    service: str = attrs.field(validator=nonempty("服务类别"))
    unit: str = attrs.field(validator=nonempty("计量单位"))
    max_price: Money = attrs.field(converter=_max_price)

    def __attrs_post_init__(self) -> None:
        if self.max_price <= Money.ZERO:
            raise ModelError("the list price must be positive", field="max_price",
                             value=str(self.max_price), term="最高单价",
                             code="framework.list_price_not_positive")


def _suppliers(v: Iterable[Supplier]) -> tuple[Supplier, ...]:
    return tuple(v)


def _items(v: Iterable[PriceListItem]) -> tuple[PriceListItem, ...]:
    return tuple(v)


def _units(v: Iterable[str]) -> frozenset[str]:
    return frozenset(v)


@attrs.frozen
class FrameworkAgreement:
    """A framework agreement from a public tender or solicitation (框架协议).

    ``suppliers`` are those admitted and still in it (入围供应商), in the order they were
    admitted; ``admitted_count`` how many were admitted at the solicitation (the base of the
    70% rule for a closed framework; defaults to ``len(suppliers)``).  ``using_units`` lists
    the purchaser ids allowed to call off (empty: any unit of the jurisdiction).
    ``subject`` is ``services`` or ``goods`` and decides the longest term.
    """

    id: str = attrs.field(validator=nonempty("框架协议编号"))
    title: str = attrs.field(validator=nonempty("框架协议名称"))
    jurisdiction: str = attrs.field(validator=nonempty("辖区"))
    organiser: Purchaser
    """The body that ran the first stage (集中采购机构 or 主管预算单位)."""
    suppliers: tuple[Supplier, ...] = attrs.field(converter=_suppliers)
    price_list: tuple[PriceListItem, ...] = attrs.field(converter=_items)
    term: DateRange
    kind: FrameworkKind = attrs.field(default=FrameworkKind.CLOSED, converter=FrameworkKind)
    subject: str = "services"
    using_units: frozenset[str] = attrs.field(default=frozenset(), converter=_units)
    procedure: str = "公开招标"
    """How stage one was run (公开招标, 公开征集)."""
    admitted_count: int | None = None

    def __attrs_post_init__(self) -> None:
        if not self.suppliers:
            raise ModelError("a framework needs at least one admitted supplier",
                             field="suppliers", value=[], term="入围供应商",
                             code="framework.no_supplier")
        ids = [s.id for s in self.suppliers]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ModelError("a supplier is admitted twice", field="suppliers", value=dup,
                             term="入围供应商", code="framework.supplier_twice")
        if not self.price_list:
            raise ModelError("a framework needs a price list", field="price_list", value=[],
                             term=_LIST_TERM, code="framework.no_price_list")
        codes = [x.code for x in self.price_list]
        dup = sorted({c for c in codes if codes.count(c) > 1})
        if dup:
            raise ModelError("an item appears twice in the price list", field="price_list",
                             value=dup, term=_LIST_TERM, code="framework.item_twice")
        if self.subject not in ("services", "goods"):
            raise ModelError("subject is 'services' or 'goods'", field="subject",
                             value=self.subject, term="采购标的", code="framework.subject")
        if self.admitted_count is not None and self.admitted_count < len(self.suppliers):
            raise ModelError("fewer admitted than now in the framework", field="admitted_count",
                             value=self.admitted_count, term="入围供应商",
                             code="framework.admitted_count")

    @property
    def admitted(self) -> int:
        return len(self.suppliers) if self.admitted_count is None else self.admitted_count

    def supplier(self, supplier_id: str) -> Supplier:
        for s in self.suppliers:
            if s.id == supplier_id:
                return s
        raise ProcurementError(
            f"not an admitted supplier of framework {self.id}; admitted: "
            f"{', '.join(s.id for s in self.suppliers)}",
            field="supplier", value=supplier_id, term="入围供应商",
            code="framework.unknown_supplier")

    def item(self, code: str) -> PriceListItem:
        for x in self.price_list:
            if x.code == code:
                return x
        raise ProcurementError(
            f"not on the price list of framework {self.id}; items: "
            f"{', '.join(x.code for x in self.price_list)}",
            field="items", value=code, term=_LIST_TERM, code="framework.unknown_item")


def _reference(agreement: FrameworkAgreement) -> date:
    return agreement.term.start


def check_agreement(agreement: FrameworkAgreement, rulebook: RuleBook) -> list[Finding]:
    """Findings about the agreement itself: its term against the longest allowed term.

    Before 2022-03-01 (财政部令第110号) the parameters have no value and nothing is checked:
    the same practice then ran as 协议供货/定点采购.
    """
    pid = f"framework.max_years_{agreement.subject}"
    on = _reference(agreement)
    if rulebook.get(pid, on) is None:
        return []
    top = rulebook.resolve(pid, on)
    length = agreement.term.years()
    over = (length.years, length.months, length.days) > (top.value, 0, 0)
    if not over:
        return []
    return [Finding(
        "framework.term_too_long",
        f"framework {agreement.id} runs {agreement.term} ({length.years} y {length.months} m "
        f"{length.days} d), over {top.value} years for {agreement.subject}",
        field="term", rule_id=top.rule_id, citation=top.citation, term="框架协议有效期")]


def require_rulebook(agreement: FrameworkAgreement, rulebook: RuleBook) -> None:
    if not rulebook.applies_to(agreement.jurisdiction):
        raise ProcurementError(
            f"framework {agreement.id} is under {agreement.jurisdiction}, rulebook is for "
            f"{rulebook.code}", field="jurisdiction", value=agreement.jurisdiction, term="辖区",
            code="jurisdiction.wrong_rulebook", params={"rulebook": rulebook.code})


def join(agreement: FrameworkAgreement, supplier: Supplier, rulebook: RuleBook,
         on: date) -> FrameworkAgreement:
    """A new agreement with ``supplier`` added (加入框架协议).

    Open frameworks take any supplier accepting the published prices.  A closed one takes
    a new supplier only by supplementary solicitation (补充征集), allowed once fewer than
    ``framework.closed_supplementary_share`` (70%) of those admitted remain.
    """
    require_rulebook(agreement, rulebook)
    if on not in agreement.term:
        raise ProcurementError(f"the framework runs {agreement.term}", field="on",
                               value=on.isoformat(), term="框架协议有效期",
                               code="framework.join_outside_term")
    if any(s.id == supplier.id for s in agreement.suppliers):
        raise ProcurementError("already in the framework", field="supplier", value=supplier.id,
                               term="入围供应商", code="framework.already_in")
    if agreement.kind is FrameworkKind.CLOSED:
        share = rulebook.resolve("framework.closed_supplementary_share", on)
        remaining = Fraction(len(agreement.suppliers), agreement.admitted)
        if remaining >= Fraction(share.value):
            raise ProcurementError(
                f"closed framework {agreement.id}: {len(agreement.suppliers)} of "
                f"{agreement.admitted} admitted suppliers remain, not fewer than "
                f"{Decimal(share.value):.0%}; no supplier may join",
                field="supplier", value=supplier.id, rule_id=share.rule_id,
                citation=share.citation, term="补充征集", code="framework.closed_no_joining")
    return attrs.evolve(agreement, suppliers=(*agreement.suppliers, supplier),
                        admitted_count=agreement.admitted + 1)


def withdraw(agreement: FrameworkAgreement, supplier_id: str) -> FrameworkAgreement:
    """A new agreement without ``supplier_id`` (退出, e.g. after a breach); the admitted
    count stays, so the 70% rule sees the loss."""
    agreement.supplier(supplier_id)
    rest = tuple(s for s in agreement.suppliers if s.id != supplier_id)
    if not rest:
        raise ProcurementError("the last supplier cannot leave; end the framework instead",
                               field="supplier", value=supplier_id, term="入围供应商",
                               code="framework.last_supplier")
    return attrs.evolve(agreement, suppliers=rest, admitted_count=agreement.admitted)


def next_in_rotation(agreement: FrameworkAgreement, awarded: Sequence[str]) -> Supplier:
    """The supplier whose turn it is (顺序轮候).

    ``awarded`` is the call-offs awarded so far under the rotation, oldest first.  A round
    gives each supplier one award in admission order; when every supplier in the framework
    has had one, a new round begins.
    """
    order = [s.id for s in agreement.suppliers]
    this_round: set[str] = set()
    for i, sid in enumerate(awarded):
        if sid not in order:
            agreement.supplier(sid)  # unknown id: raises naming the admitted ones
        if sid in this_round:
            raise ProcurementError(
                f"{sid} was awarded twice in one round; every admitted supplier takes one "
                f"turn per round", field=f"awarded[{i}]", value=sid, term="顺序轮候",
                code="framework.rotation_twice")
        this_round.add(sid)
        if this_round >= set(order):
            this_round = set()
    return next(s for s in agreement.suppliers if s.id not in this_round)


