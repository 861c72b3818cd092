"""The pieces of an OCDS release (private): the constants, the OCID, days in China time,
values, parties, a line's unit, and :class:`Payment` (see :mod:`outsourcing.ocds`)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from .._validators import nonempty
from ..errors import ModelError
from ..model import (
    AnnualFee,
    AreaRate,
    EnterpriseSize,
    FixedMonthly,
    LabourPlusMaterials,
    Purchaser,
    ServiceLine,
    Supplier,
    TermTotal,
    UnitRate,
)
from ..money import Money, UnitPrice
from ..pricing import AreaUnit

if TYPE_CHECKING:
    from ..statement import Statement

DEFAULT_PREFIX = "ocds-xxxxxx"
"""A placeholder: a publisher registers its own prefix with the Open Contracting Partnership."""
CURRENCY = "CNY"
CHINA = timezone(timedelta(hours=8), "CST")
IDENTIFIER_SCHEME = "CN-USCI"
"""org-id.guide's scheme for the 统一社会信用代码 (Unified Social Credit Identifier)."""
ITEM_SCHEME = "CN-ZFCGPMML"
"""The 政府采购品目分类目录 (an open itemClassificationScheme code: 政府采购品目目录)."""

_METHOD = {
    "public_tender": "open", "invited_tender": "selective",
    "competitive_negotiation": "limited", "competitive_consultation": "limited",
    "inquiry": "limited", "single_source": "direct",
}
_CRITERIA = {"weighted_score": "ratedCriteria", "lowest_price": "priceOnly"}
SCALE = {EnterpriseSize.LARGE: "large", EnterpriseSize.MEDIUM: "medium",
         EnterpriseSize.SMALL: "small", EnterpriseSize.MICRO: "micro"}
"""企业规模 → the partyScale extension's code (大型 large, 中型 medium, 小型 small, 微型 micro)."""

# the order of events on one day
_TENDER, _AWARD, _CONTRACT, _AMENDMENT, _MILESTONES, _PAYMENT, _END = range(7)
_TAGS = {_TENDER: ["planning", "tender"], _AWARD: ["award"], _CONTRACT: ["contract"],
         _AMENDMENT: ["contractAmendment"], _MILESTONES: ["implementation"],
         _PAYMENT: ["implementation"], _END: ["contractTermination"]}


def ocid(contract_id: str, prefix: str = DEFAULT_PREFIX) -> str:
    """The stable OCID of a contract: ``<prefix>-<contract id>``."""
    if not prefix.strip() or not contract_id.strip():
        raise ModelError("an OCID needs a prefix and a contract id", field="prefix",
                         value=prefix, term="开放合同编号", code="ocds.empty_ocid")
    return f"{prefix}-{contract_id}"


def day_start(d: date) -> str:
    """The first instant of a day in China time (``2022-10-01T00:00:00+08:00``)."""
    return datetime.combine(d, time(0, 0), CHINA).isoformat()


def day_end(d: date) -> str:
    """The last instant of a day in China time (``2022-12-31T23:59:59+08:00``)."""
    return datetime.combine(d, time(23, 59, 59), CHINA).isoformat()


def _value(m: Money | UnitPrice) -> dict[str, Any]:
    return {"amount": m.yuan, "currency": CURRENCY}


def _period(start: date, end: date) -> dict[str, str]:
    return {"startDate": day_start(start), "endDate": day_end(end)}


def _nonzero(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, Money) or value == Money.ZERO:
        raise ModelError("a payment is a non-zero Money", field=attribute.name,
                         value=repr(value), term="付款金额", code="ocds.payment_amount")


@attrs.frozen
class Payment:
    """A payment made (实际支付) against a settled period: a transaction in OCDS.

    ``amount`` negative is a recovery (追回): the supplier pays the purchaser back.
    """

    id: str = attrs.field(validator=nonempty("付款编号", "ocds.payment_id"))
    period: str
    amount: Money = attrs.field(validator=_nonzero)
    paid_on: date
    reference: str = ""


@attrs.frozen
class _Event:
    on: date
    kind: int
    key: str
    statement: Statement | None = None
    payment: Payment | None = None


def _party_id(id_: str, code: str) -> str:
    return f"{IDENTIFIER_SCHEME}-{code}" if code else id_


def _party(who: Purchaser | Supplier, roles: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"id": _party_id(who.id, who.credit_code), "name": who.name}
    if who.credit_code:
        out["identifier"] = {"scheme": IDENTIFIER_SCHEME, "id": who.credit_code,
                             "legalName": who.name}
    out["roles"] = roles
    if isinstance(who, Supplier):
        out["details"] = {"scale": SCALE[who.size]}
    return out


def _ref(who: Purchaser | Supplier) -> dict[str, str]:
    return {"id": _party_id(who.id, who.credit_code), "name": who.name}


def _unit(line: ServiceLine) -> tuple[Decimal, str, Money | UnitPrice]:
    """A line's quantity, unit name and unit price, by how it is priced."""
    p = line.pricing
    if isinstance(p, FixedMonthly):
        return p.quantity, f"{p.unit}（月费）" if p.unit != "月" else "月", p.monthly_fee
    if isinstance(p, UnitRate):
        return p.quantity, f"{p.unit}（每月计划数量）", p.unit_price
    if isinstance(p, LabourPlusMaterials):
        return Decimal(1), "月（劳务费，原材料按实结算）", p.labour_monthly
    if isinstance(p, AnnualFee):
        return p.quantity, p.unit if p.unit != "年" else "年（年服务费）", p.annual_fee
    if isinstance(p, AreaRate):
        area = "平方米" if p.unit == "m²" else p.unit
        return p.area, f"{area}·{'月' if p.per is AreaUnit.MONTH else '年'}", p.rate
    if isinstance(p, TermTotal):
        return Decimal(1), f"{p.unit}（合同总价）", p.total
    raise ModelError(f"no OCDS unit for pricing {type(p).__name__}", field="pricing",
                     value=type(p).__name__, term="计价方式", code="ocds.pricing")
