"""Framework agreements and their call-offs (框架协议采购, 财政部令第110号).

For standard services bought again and again — official-car hire is the usual case — a
first stage admits suppliers (入围) by public solicitation or tender and fixes a **unified
price list** (统一报价表): for each item a maximum unit price and its unit.  In the second
stage each using unit (用车单位) signs its own call-off (采购合同) with one admitted
supplier, chosen by

* **直接选定** (:attr:`CallOffMethod.DIRECT`): the unit names the supplier — the main way;
* **二次竞价** (:attr:`CallOffMethod.SECOND_BIDDING`): the admitted suppliers bid again with the
  list price as ceiling; the lowest total for the quantities asked wins (a tie goes to the
  supplier admitted first);
* **顺序轮候** (:attr:`CallOffMethod.ROTATION`): the suppliers take turns in the order they
  were admitted, one award each per round.

A call-off's unit price is never above the list price (times the ceiling
``framework.call_off_price_ceiling``, 1.00 nationally; a city may tighten it), and the
call-off is an ordinary :class:`~outsourcing.model.Contract` with one
:class:`~outsourcing.model.UnitRate` line per item, so it settles like any other contract.

A framework is **closed** (封闭式: no supplier joins during the term, except by a
supplementary solicitation once fewer than 70% of those admitted remain) or **open**
(开放式: any supplier accepting the published prices may join).  Its term is at most
``framework.max_years_services`` (2) years for services, ``framework.max_years_goods`` (1)
for goods.
"""

from .agreement import (
    CallOffMethod,
    FrameworkAgreement,
    FrameworkKind,
    PriceListItem,
    check_agreement,
    join,
    next_in_rotation,
    withdraw,
)
from .call_off import CallOff, call_off

__all__ = [
    "CallOff",
    "CallOffMethod",
    "FrameworkAgreement",
    "FrameworkKind",
    "PriceListItem",
    "call_off",
    "check_agreement",
    "join",
    "next_in_rotation",
    "withdraw",
]
