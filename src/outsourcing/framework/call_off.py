"""Call-offs under a framework agreement (采购合同): the three ways of choosing the supplier
and the ceiling on every price; see :mod:`outsourcing.framework`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs

from .._limits import exact_decimal
from ..dates import DateRange
from ..errors import ProcurementError
from ..model import Contract, Purchaser, ServiceLine, Supplier, UnitRate
from ..money import Money
from ..rules import RuleBook
from .agreement import (
    CEILING_RULE,
    CallOffMethod,
    FrameworkAgreement,
    check_agreement,
    next_in_rotation,
    require_rulebook,
)

__all__ = ["CallOff", "call_off"]

_LIST_CITATION = "框架协议 统一报价表: 入围价格为采购合同的最高单价"


@attrs.frozen
class CallOff:
    """A call-off under a framework (采购合同): the contract and how it was awarded."""

    agreement_id: str
    method: CallOffMethod
    contract: Contract
    explanation: tuple[str, ...]
    """How the supplier and each price were decided, one sentence each, with the rule."""


def _qty(v: Any, field: str) -> Decimal:
    d = exact_decimal(v, field=field, term="数量", error=ProcurementError,
                      code="framework.quantity", what="quantity")
    if d <= 0:
        raise ProcurementError("must be a positive number", field=field, value=v, term="数量",
                               code="framework.quantity_not_positive")
    return d


def _price(v: Any, field: str) -> Money:
    if isinstance(v, Money):
        return v
    return Money(v, field=field)


def _total(prices: Mapping[str, Money], qty: Mapping[str, Decimal]) -> Fraction:
    return sum((prices[c].exact() * Fraction(q) for c, q in qty.items()), Fraction(0))


def _call_off_inputs(agreement: FrameworkAgreement, rulebook: RuleBook, using_unit: Purchaser,
                     items: Mapping[str, Any], signed_on: date) -> dict[str, Decimal]:
    """The quantity per item, once the agreement, the day and the unit allow a call-off."""
    require_rulebook(agreement, rulebook)
    problems = check_agreement(agreement, rulebook)
    if problems:
        f = problems[0]
        raise ProcurementError(f.message, field=f.field, value=str(agreement.term),
                               rule_id=f.rule_id, citation=f.citation, term=f.term,
                               code="framework.call_off.agreement_invalid")
    if signed_on not in agreement.term:
        raise ProcurementError(
            f"framework {agreement.id} runs {agreement.term}; a call-off is signed within it",
            field="signed_on", value=signed_on.isoformat(), term="框架协议有效期",
            code="framework.call_off.outside_term")
    if agreement.using_units and using_unit.id not in agreement.using_units:
        raise ProcurementError(
            f"not a using unit of framework {agreement.id}; units: "
            f"{', '.join(sorted(agreement.using_units))}",
            field="using_unit", value=using_unit.id, term="采购人",
            code="framework.call_off.not_a_using_unit")
    if not items:
        raise ProcurementError("a call-off needs at least one item", field="items", value={},
                               term="采购内容", code="framework.call_off.no_items")
    return {code: _qty(q, f"items[{code}]") for code, q in items.items()}


class _Ceilings:
    """The admitted prices of the items called off and the ceiling on each (入围价格)."""

    def __init__(self, agreement: FrameworkAgreement, rulebook: RuleBook,
                 qty: Mapping[str, Decimal], signed_on: date) -> None:
        self.qty = qty
        self.listed = {code: agreement.item(code) for code in qty}
        self.rule_id: str | None
        if rulebook.get(CEILING_RULE, signed_on) is not None:
            ceil = rulebook.resolve(CEILING_RULE, signed_on)
            self.share, self.rule_id, self.citation = (Decimal(ceil.value), ceil.rule_id,
                                                       ceil.citation)
        else:
            self.share, self.rule_id, self.citation = Decimal(1), None, _LIST_CITATION

    def ceiling(self, code: str) -> Money:
        return Money.round(self.listed[code].max_price.exact() * Fraction(self.share))

    def limit_text(self, code: str) -> str:
        listed_price = self.listed[code].max_price.format()
        if self.share == 1:
            return f"the list price {listed_price}"
        return (f"the ceiling {self.ceiling(code).format()} (list price {listed_price} × "
                f"{self.share})")

    def checked(self, offer: Mapping[str, Any], who: str, where: str) -> dict[str, Money]:
        """An offer's price per item (the ceiling where it names none), each within it."""
        out: dict[str, Money] = {}
        for code in self.qty:
            field, top, item = f"{where}[{code}]", self.ceiling(code), self.listed[code]
            p = _price(offer[code], field) if code in offer else top
            if p <= Money.ZERO:
                raise ProcurementError("a price must be positive", field=field, value=str(p),
                                       term="单价", code="framework.call_off.price_not_positive")
            if p > top:
                raise ProcurementError(
                    f"{who} offers {p.format()} per {item.unit} for {item.name_zh}, above "
                    f"{self.limit_text(code)}; a call-off price never exceeds the admitted "
                    "price", field=field, value=str(p), rule_id=self.rule_id,
                    citation=self.citation, term="入围价格",
                    code="framework.call_off.price_above_ceiling")
            out[code] = p
        extra = sorted(set(offer) - set(self.qty))
        if extra:
            raise ProcurementError("prices for items not called off", field=where,
                                   value=extra, term="采购内容",
                                   code="framework.call_off.price_for_other_item")
        return out

    def why(self, final: Mapping[str, Money]) -> list[str]:
        cite = f"{self.rule_id + '; ' if self.rule_id else ''}{self.citation}"
        return [f"{code} {self.listed[code].name_zh}: {p.format()} per {self.listed[code].unit} "
                f"(list price {self.listed[code].max_price.format()}, ceiling "
                f"{self.ceiling(code).format()} [{cite}])" for code, p in final.items()]


def _second_bidding(agreement: FrameworkAgreement, prices: _Ceilings,
                    bids: Mapping[str, Mapping[str, Any]] | None
                    ) -> tuple[Supplier, dict[str, Money], str]:
    """The lowest monthly total for the items wins; ties go to the supplier admitted first."""
    if not bids:
        raise ProcurementError("second bidding needs bids from admitted suppliers",
                               field="bids", value=None, term="二次竞价",
                               code="framework.call_off.no_bids")
    order = {s.id: i for i, s in enumerate(agreement.suppliers)}
    offers: list[tuple[Fraction, int, str, dict[str, Money]]] = []
    for sid, offer in bids.items():
        s = agreement.supplier(sid)
        missing = sorted(set(prices.qty) - set(offer))
        if missing:
            raise ProcurementError("a bid must price every item called off",
                                   field=f"bids[{sid}]", value=missing, term="二次竞价",
                                   code="framework.call_off.bid_incomplete")
        priced = prices.checked(offer, s.name, f"bids[{sid}]")
        offers.append((_total(priced, prices.qty), order[sid], sid, priced))
    offers.sort(key=lambda o: (o[0], o[1]))
    total, _, sid, final = offers[0]
    chosen = agreement.supplier(sid)
    tie = [o[2] for o in offers if o[0] == total]
    why = (f"{CallOffMethod.SECOND_BIDDING.zh}: {len(offers)} bids, lowest monthly total "
           f"{Money.round(total).format()} by {chosen.name}"
           + (f" (tied with {', '.join(tie[1:])}; the earlier admitted wins)"
              if len(tie) > 1 else ""))
    return chosen, final, why


def call_off(
    agreement: FrameworkAgreement,
    rulebook: RuleBook,
    *,
    id: str,
    using_unit: Purchaser,
    items: Mapping[str, Any],
    term: DateRange,
    signed_on: date,
    site: str,
    method: CallOffMethod | str = CallOffMethod.DIRECT,
    supplier: str | None = None,
    prices: Mapping[str, Any] | None = None,
    bids: Mapping[str, Mapping[str, Any]] | None = None,
    awarded_before: Sequence[str] = (),
    title: str | None = None,
) -> CallOff:
    """Sign a call-off under ``agreement`` for ``using_unit`` (签订采购合同).

    ``items`` maps price-list codes to the planned quantity per month.  By method:

    * ``direct``: name ``supplier``; ``prices`` (optional) are agreed prices per item,
      the list price otherwise;
    * ``second_bidding``: ``bids`` maps each bidding supplier's id to its price per item;
      the lowest total for ``items`` wins, ties to the supplier admitted first;
    * ``rotation``: ``awarded_before`` lists earlier rotation awards, oldest first; the
      supplier whose turn it is wins, at ``prices`` or the list price.

    Every price above the list price times ``framework.call_off_price_ceiling`` is a
    :class:`ProcurementError` naming the item, the price and the ceiling; nothing is signed.
    """
    method = CallOffMethod(method)
    qty = _call_off_inputs(agreement, rulebook, using_unit, items, signed_on)
    ceilings = _Ceilings(agreement, rulebook, qty, signed_on)
    unused = {"direct": ("bids", bids), "rotation": ("bids", bids),
              "second_bidding": ("prices", prices)}[method.value]
    if unused[1] is not None or (method is not CallOffMethod.DIRECT and supplier is not None):
        name = unused[0] if unused[1] is not None else "supplier"
        raise ProcurementError(f"{method.zh} ({method.value}) does not take {name}", field=name,
                               value="given", term=method.zh,
                               code="framework.call_off.argument_not_taken",
                               params={"method": method.zh, "argument": name})
    if method is CallOffMethod.DIRECT:
        if supplier is None:
            raise ProcurementError("direct choice names the supplier", field="supplier",
                                   value=None, term="直接选定",
                                   code="framework.call_off.no_supplier")
        chosen = agreement.supplier(supplier)
        final = ceilings.checked(prices or {}, chosen.name, "prices")
        why = (f"{method.zh}: {using_unit.name} chose {chosen.name} among "
               f"{len(agreement.suppliers)} admitted suppliers")
    elif method is CallOffMethod.SECOND_BIDDING:
        chosen, final, why = _second_bidding(agreement, ceilings, bids)
    else:
        chosen = next_in_rotation(agreement, awarded_before)
        final = ceilings.checked(prices or {}, chosen.name, "prices")
        why = f"{method.zh}: {len(awarded_before)} awards before; it is {chosen.name}'s turn"
    listed = ceilings.listed
    lines = [ServiceLine(code, listed[code].service, site,
                         UnitRate(final[code], qty[code], unit=listed[code].unit),
                         listed[code].name_zh) for code in qty]
    contract = Contract(
        id=id, title=title or f"{agreement.title} — {using_unit.name}",
        jurisdiction=agreement.jurisdiction, purchaser=using_unit, supplier=chosen, term=term,
        lines=lines, signed_on=signed_on)
    return CallOff(agreement.id, method, contract, (why, *ceilings.why(final)))
