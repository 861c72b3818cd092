"""The framework agreement itself (框架协议): its kind, the call-off methods, the unified
price list (统一报价表) and the agreement's terms, validated when built.  The verbs (join,
withdraw, rotation, call-offs) are in :mod:`outsourcing.framework`, which exports these names.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Any

import attrs

from ._validators import nonempty
from .dates import DateRange
from .errors import ModelError, ProcurementError
from .model import Purchaser, Supplier
from .money import Money

_CEILING = "framework.call_off_price_ceiling"
_LIST_TERM = "统一报价表"
_LIST_CITATION = "框架协议 统一报价表: 入围价格为采购合同的最高单价"


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
                code="framework.max_price_not_positive")


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
                code="framework.no_suppliers")
        ids = [s.id for s in self.suppliers]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ModelError("a supplier is admitted twice", field="suppliers", value=dup,
                             term="入围供应商",
                code="framework.supplier_twice", params={"ids": ", ".join(dup)})
        if not self.price_list:
            raise ModelError("a framework needs a price list", field="price_list", value=[],
                             term=_LIST_TERM,
                code="framework.no_price_list")
        codes = [x.code for x in self.price_list]
        dup = sorted({c for c in codes if codes.count(c) > 1})
        if dup:
            raise ModelError("an item appears twice in the price list", field="price_list",
                             value=dup, term=_LIST_TERM,
                code="framework.item_twice", params={"codes": ", ".join(dup)})
        if self.subject not in ("services", "goods"):
            raise ModelError("subject is 'services' or 'goods'", field="subject",
                             value=self.subject, term="采购标的",
                code="framework.subject_unknown")
        if self.admitted_count is not None and self.admitted_count < len(self.suppliers):
            raise ModelError("fewer admitted than now in the framework", field="admitted_count",
                             value=self.admitted_count, term="入围供应商",
                code="framework.admitted_below_current",
                             params={"current": len(self.suppliers)})

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
            code="framework.not_admitted",
            params={"agreement": self.id, "admitted": ", ".join(s.id for s in self.suppliers)})

    def item(self, code: str) -> PriceListItem:
        for x in self.price_list:
            if x.code == code:
                return x
        raise ProcurementError(
            f"not on the price list of framework {self.id}; items: "
            f"{', '.join(x.code for x in self.price_list)}",
            field="items", value=code, term=_LIST_TERM,
            code="framework.item_not_listed",
            params={"agreement": self.id, "items": ", ".join(x.code for x in self.price_list)})
