"""The nouns of a contract change: what it does, why, and who signed it (合同变更).

A :class:`Change` carries one *action* — add a line, remove a line, change a line's price or
quantity, suspend or resume a line or the whole contract, change the term, terminate — with
a rationale from a closed list, a written reason, the day it takes effect, and its status
(pending → signed or rejected) with who asked for it and who approved it.

Effective dates are *first days*: a line added on the 10th runs from the 10th; a line
removed on the 10th last runs on the 9th; a suspension from the 8th stops service on the 8th;
a resumption on the 12th runs again on the 12th; a termination on the 1st leaves the 31st
before it as the last day of the term.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar

import attrs

from .._limits import enum_converter
from .._validators import nonempty
from ..dates import as_date
from ..errors import ModelError
from ..model import ServiceLine, as_quantity
from ..money import Money

__all__ = [
    "ACTION_KINDS",
    "PRICE_RATIONALES",
    "Action",
    "AddLine",
    "Change",
    "ChangeLinePrice",
    "ChangeLineQuantity",
    "ChangeStatus",
    "ChangeTerm",
    "Rationale",
    "RemoveLine",
    "Resume",
    "Suspend",
    "Terminate",
]


class Rationale(StrEnum):
    """Why a contract is changed: a closed list (变更理由类型).

    Anchored on Prozorro's rationale types (``../shared/domain/rules.md``) and the Chinese
    grounds for a change: 政府采购法 第四十九条 (追加), 第五十条 (变更、中止、终止),
    民法典 第五百三十三条 (情势变更).
    """

    FORCE_MAJEURE = "force_majeure"
    """不可抗力或突发事件 (e.g. the October 2022 epidemic closures)."""
    SERVICE_STOPPED = "service_stopped"
    """服务停止: the service is no longer needed."""
    VOLUME_CHANGE = "volume_change"
    """服务量变化: more or fewer units (elevators, square metres, trips)."""
    PRICE_CHANGE = "price_change"
    """价格调整: under the contract's own price-adjustment clause (价格调整条款)."""
    TAX_CHANGE = "tax_change"
    """税率调整: a change in the tax rate."""
    CHANGED_CIRCUMSTANCES = "changed_circumstances"
    """情势变更 (民法典 第五百三十三条)."""
    POLICY_CHANGE = "policy_change"
    """政策调整."""
    TERM_EXTENSION = "term_extension"
    """履行期限延长."""
    QUALITY_IMPROVEMENT = "quality_improvement"
    """服务质量提升."""

    @property
    def zh(self) -> str:
        return _RATIONALE_ZH[self.value]


_RATIONALE_ZH = {
    "force_majeure": "不可抗力或突发事件",
    "service_stopped": "服务停止",
    "volume_change": "服务量变化",
    "price_change": "依合同价格调整条款调价",
    "tax_change": "税率调整",
    "changed_circumstances": "情势变更",
    "policy_change": "政策调整",
    "term_extension": "履行期限延长",
    "quality_improvement": "服务质量提升",
}

PRICE_RATIONALES = frozenset({Rationale.TAX_CHANGE, Rationale.CHANGED_CIRCUMSTANCES,
                              Rationale.PRICE_CHANGE})
"""Rationales that may change a price; ``price_change`` only where the contract has a
price-adjustment clause (政府采购法 第四十九条: other terms unchanged)."""


class ChangeStatus(StrEnum):
    """Where a change stands (变更状态)."""

    PENDING = "pending"
    """Proposed, not yet signed (待签)."""
    SIGNED = "signed"
    """Signed by both parties and in force from its effective date (已签订)."""
    REJECTED = "rejected"
    """Refused before signing (已驳回)."""


def _optional_date(v: Any) -> date | None:
    return None if v is None else as_date(v, field="until")


def _price(v: Any) -> Money:
    return v if isinstance(v, Money) else Money(v, field="price")


def _quantity(v: Any) -> Decimal:
    d = as_quantity(v)
    if d < 0:
        raise ModelError("must not be negative", field="quantity", value=str(d), term="数量",
                         code="change.quantity_negative")
    return d


def _nonneg_price(_: Any, attribute: attrs.Attribute[Any], value: Money) -> None:
    if value < Money.ZERO:
        raise ModelError("must not be negative", field=attribute.name, value=str(value),
                         term="单价", code="change.price_negative")


@attrs.frozen
class AddLine:
    """Add a service line of the same subject matter (追加同一标的的服务, 第四十九条)."""

    KIND: ClassVar[str] = "add_line"
    line: ServiceLine

    def describe(self) -> str:
        return f"add line {self.line.id} ({self.line.service})"


@attrs.frozen
class RemoveLine:
    """Remove a line from the effective date on (服务项目终止)."""

    KIND: ClassVar[str] = "remove_line"
    line_id: str = attrs.field(validator=nonempty("服务项目编号"))

    def describe(self) -> str:
        return f"remove line {self.line_id}"


@attrs.frozen
class ChangeLinePrice:
    """Change a line's price: the monthly fee (固定月费), the unit price (单价) or the labour
    fee (劳务费), by pricing model.  Needs a rationale that allows a price change."""

    KIND: ClassVar[str] = "change_price"
    line_id: str = attrs.field(validator=nonempty("服务项目编号"))
    price: Money = attrs.field(converter=_price, validator=_nonneg_price)

    def describe(self) -> str:
        return f"price of {self.line_id} to {self.price.format()}"


@attrs.frozen
class ChangeLineQuantity:
    """Change a line's quantity (数量: elevators, square metres, trips per month)."""

    KIND: ClassVar[str] = "change_quantity"
    line_id: str = attrs.field(validator=nonempty("服务项目编号"))
    quantity: Decimal = attrs.field(converter=_quantity)

    def describe(self) -> str:
        return f"quantity of {self.line_id} to {self.quantity}"


@attrs.frozen
class Suspend:
    """Suspend a line, or the whole contract when ``line_id`` is None (中止, 第五十条).

    Service stops on the change's effective date; ``until`` is the last suspended day, or
    None for "until resumed" (:class:`Resume`).
    """

    KIND: ClassVar[str] = "suspend"
    line_id: str | None = None
    until: date | None = attrs.field(default=None, converter=_optional_date)

    def describe(self) -> str:
        what = f"line {self.line_id}" if self.line_id else "the whole contract"
        return f"suspend {what}" + (f" until {self.until}" if self.until else "")


@attrs.frozen
class Resume:
    """Resume a suspended line (or the whole contract) on the effective date (恢复履行)."""

    KIND: ClassVar[str] = "resume"
    line_id: str | None = None

    def describe(self) -> str:
        return f"resume {f'line {self.line_id}' if self.line_id else 'the whole contract'}"


@attrs.frozen
class ChangeTerm:
    """Extend or shorten the term to end on ``end`` (履行期限变更).

    The change takes effect on its effective date; a shortened term must still include the
    day before it (``end`` ≥ effective − 1 day).
    """

    KIND: ClassVar[str] = "change_term"
    end: date = attrs.field(converter=as_date)

    def describe(self) -> str:
        return f"term to end {self.end}"


@attrs.frozen
class Terminate:
    """End the contract: the day before the effective date is its last (合同终止)."""

    KIND: ClassVar[str] = "terminate"

    def describe(self) -> str:
        return "terminate the contract"


Action = (AddLine | RemoveLine | ChangeLinePrice | ChangeLineQuantity | Suspend | Resume
          | ChangeTerm | Terminate)
ACTION_KINDS: dict[str, type[Any]] = {
    c.KIND: c for c in (AddLine, RemoveLine, ChangeLinePrice, ChangeLineQuantity, Suspend,
                        Resume, ChangeTerm, Terminate)
}


def _action(v: Any) -> Any:
    if not isinstance(v, tuple(ACTION_KINDS.values())):
        raise ModelError(f"not a change action; one of {', '.join(ACTION_KINDS)}",
                         field="action", value=repr(v), term="变更事项",
                         code="change.action_unknown", params={"kinds": "、".join(ACTION_KINDS)})
    return v


_RATIONALE = enum_converter(Rationale, field="rationale", term="变更理由", error=ModelError,
                            code="change")
_STATUS = enum_converter(ChangeStatus, field="status", term="变更状态", error=ModelError,
                         code="change")


def _rationale(v: Any) -> Rationale:
    return _RATIONALE(v)


def _status(v: Any) -> ChangeStatus:
    return _STATUS(v)


def _effective(v: Any) -> date:
    return as_date(v, field="effective")


def _signed_on(v: Any) -> date | None:
    return None if v is None else as_date(v, field="signed_on")


@attrs.frozen
class Change:
    """One contract change (合同变更 / 补充合同).

    ``effective`` is the first day the change applies; ``signed_on`` the day both parties
    signed (None while pending).  ``reason`` is the written rationale (变更理由);
    ``rejection`` says why a rejected change was refused.
    """

    id: str = attrs.field(validator=nonempty("变更编号"))
    action: Action = attrs.field(converter=_action)
    rationale: Rationale = attrs.field(converter=_rationale)
    reason: str = attrs.field(validator=nonempty("变更理由"))
    effective: date = attrs.field(converter=_effective)
    requested_by: str = attrs.field(validator=nonempty("提出方"))
    signed_on: date | None = attrs.field(default=None, converter=_signed_on)
    approved_by: str = ""
    status: ChangeStatus = attrs.field(default=ChangeStatus.PENDING, converter=_status)
    rejection: str = ""

    def __attrs_post_init__(self) -> None:
        if self.status is ChangeStatus.SIGNED and (self.signed_on is None
                                                   or not self.approved_by.strip()):
            raise ModelError("a signed change needs signed_on and approved_by",
                             field="signed_on", value=self.signed_on, term="签订日期",
                             code="change.signed_without_date_or_approver")

    @property
    def line_id(self) -> str | None:
        """The line the change is about, or None for the whole contract."""
        a = self.action
        if isinstance(a, AddLine):
            return a.line.id
        return getattr(a, "line_id", None)

    def describe(self) -> str:
        return f"{self.id}: {self.action.describe()} from {self.effective}"
