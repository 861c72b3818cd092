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

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs

from ._framework_agreement import (
    _CEILING,
    _LIST_CITATION,
    CallOffMethod,
    FrameworkAgreement,
    FrameworkKind,
    PriceListItem,
)
from ._limits import exact_decimal
from .dates import DateRange
from .errors import ProcurementError
from .findings import Finding
from .model import Contract, Purchaser, ServiceLine, Supplier, UnitRate
from .money import Money
from .rules import RuleBook

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


def _require_rulebook(agreement: FrameworkAgreement, rulebook: RuleBook) -> None:
    if not rulebook.applies_to(agreement.jurisdiction):
        raise ProcurementError(
            f"framework {agreement.id} is under {agreement.jurisdiction}, rulebook is for "
            f"{rulebook.code}", field="jurisdiction", value=agreement.jurisdiction, term="辖区",
            code="framework.rulebook_jurisdiction",
            params={"agreement": agreement.id, "rulebook": rulebook.code})


def join(agreement: FrameworkAgreement, supplier: Supplier, rulebook: RuleBook,
         on: date) -> FrameworkAgreement:
    """A new agreement with ``supplier`` added (加入框架协议).

    Open frameworks take any supplier accepting the published prices.  A closed one takes
    a new supplier only by supplementary solicitation (补充征集), allowed once fewer than
    ``framework.closed_supplementary_share`` (70%) of those admitted remain.
    """
    _require_rulebook(agreement, rulebook)
    if on not in agreement.term:
        raise ProcurementError(f"the framework runs {agreement.term}", field="on",
                               value=on.isoformat(), term="框架协议有效期",
            code="framework.join_outside_term",
                               params={"period": str(agreement.term)})
    if any(s.id == supplier.id for s in agreement.suppliers):
        raise ProcurementError("already in the framework", field="supplier", value=supplier.id,
                               term="入围供应商",
            code="framework.already_admitted")
    if agreement.kind is FrameworkKind.CLOSED:
        share = rulebook.resolve("framework.closed_supplementary_share", on)
        remaining = Fraction(len(agreement.suppliers), agreement.admitted)
        if remaining >= Fraction(share.value):
            raise ProcurementError(
                f"closed framework {agreement.id}: {len(agreement.suppliers)} of "
                f"{agreement.admitted} admitted suppliers remain, not fewer than "
                f"{Decimal(share.value):.0%}; no supplier may join",
                field="supplier", value=supplier.id, rule_id=share.rule_id,
                citation=share.citation, term="补充征集",
                code="framework.closed_no_join",
                params={"agreement": agreement.id, "admitted": agreement.admitted,
                        "remaining": len(agreement.suppliers),
                        "share": f"{Decimal(share.value):.0%}"})
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


def _total(prices: Mapping[str, Money], qty: Mapping[str, Decimal]) -> Fraction:
    return sum((prices[c].exact() * Fraction(q) for c, q in qty.items()), Fraction(0))


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
    _require_rulebook(agreement, rulebook)
    method = CallOffMethod(method)
    _check_call(agreement, rulebook, using_unit, signed_on, items)
    offers = _Offers.of(agreement, rulebook, items, signed_on)
    unused = {"direct": ("bids", bids), "rotation": ("bids", bids),
              "second_bidding": ("prices", prices)}[method.value]
    if unused[1] is not None or (method is not CallOffMethod.DIRECT and supplier is not None):
        name = unused[0] if unused[1] is not None else "supplier"
        raise ProcurementError(f"{method.zh} ({method.value}) does not take {name}", field=name,
                               value="given", term=method.zh,
            code="framework.call_off_extra_argument",
                               params={"method": method.zh, "name": name})
    if method is CallOffMethod.DIRECT:
        if supplier is None:
            raise ProcurementError("direct choice names the supplier", field="supplier",
                                   value=None, term="直接选定",
                code="framework.direct_needs_supplier")
        chosen = agreement.supplier(supplier)
        final = offers.checked(prices or {}, chosen.name, "prices")
        why = [f"{method.zh}: {using_unit.name} chose {chosen.name} among "
               f"{len(agreement.suppliers)} admitted suppliers"]
    elif method is CallOffMethod.SECOND_BIDDING:
        chosen, final, why = _second_bidding(agreement, offers, bids)
    else:
        chosen = next_in_rotation(agreement, awarded_before)
        final = offers.checked(prices or {}, chosen.name, "prices")
        why = [f"{method.zh}: {len(awarded_before)} awards before; it is "
               f"{chosen.name}'s turn"]
    listed, qty = offers.listed, offers.qty
    rule = f"{offers.rule_id}; " if offers.rule_id else ""
    why += [f"{code} {listed[code].name_zh}: {p.format()} per {listed[code].unit} (list price "
            f"{listed[code].max_price.format()}, ceiling {offers.ceiling(code).format()} "
            f"[{rule}{offers.citation}])" for code, p in final.items()]
    lines = [ServiceLine(code, listed[code].service, site,
                         UnitRate(final[code], qty[code], unit=listed[code].unit),
                         listed[code].name_zh) for code in qty]
    contract = Contract(
        id=id,
        title=title or f"{agreement.title} — {using_unit.name}",
        jurisdiction=agreement.jurisdiction,
        purchaser=using_unit,
        supplier=chosen,
        term=term,
        lines=lines,
        signed_on=signed_on,
    )
    return CallOff(agreement.id, method, contract, tuple(why))


def _check_call(agreement: FrameworkAgreement, rulebook: RuleBook, using_unit: Purchaser,
                signed_on: date, items: Mapping[str, Any]) -> None:
    """The agreement in order and in force on ``signed_on``, the using unit one of its
    units, at least one item called off."""
    problems = check_agreement(agreement, rulebook)
    if problems:
        f = problems[0]
        raise ProcurementError(f.message, field=f.field, value=str(agreement.term),
                               rule_id=f.rule_id, citation=f.citation, term=f.term,
            code="framework.agreement_term_too_long",
                               params={"period": str(agreement.term)})
    if signed_on not in agreement.term:
        raise ProcurementError(
            f"framework {agreement.id} runs {agreement.term}; a call-off is signed within it",
            field="signed_on", value=signed_on.isoformat(), term="框架协议有效期",
            code="framework.call_off_outside_term",
            params={"agreement": agreement.id, "period": str(agreement.term)})
    if agreement.using_units and using_unit.id not in agreement.using_units:
        raise ProcurementError(
            f"not a using unit of framework {agreement.id}; units: "
            f"{', '.join(sorted(agreement.using_units))}",
            field="using_unit", value=using_unit.id, term="采购人",
            code="framework.not_using_unit",
            params={"agreement": agreement.id, "units": ", ".join(sorted(agreement.using_units))})
    if not items:
        raise ProcurementError("a call-off needs at least one item", field="items", value={},
                               term="采购内容",
            code="framework.call_off_no_items")


@attrs.frozen
class _Offers:
    """The items called off (quantity per month, price-list entry) and the price ceiling
    in force: every offered price is checked against it."""

    qty: dict[str, Decimal]
    listed: dict[str, PriceListItem]
    share: Decimal
    rule_id: str | None
    citation: str

    @classmethod
    def of(cls, agreement: FrameworkAgreement, rulebook: RuleBook, items: Mapping[str, Any],
           signed_on: date) -> _Offers:
        qty = {code: _qty(q, f"items[{code}]") for code, q in items.items()}
        listed = {code: agreement.item(code) for code in qty}
        if rulebook.get(_CEILING, signed_on) is not None:
            ceil = rulebook.resolve(_CEILING, signed_on)
            return cls(qty, listed, Decimal(ceil.value), ceil.rule_id, ceil.citation)
        return cls(qty, listed, Decimal(1), None, _LIST_CITATION)

    def ceiling(self, code: str) -> Money:
        return Money.round(self.listed[code].max_price.exact() * Fraction(self.share))

    def checked(self, offer: Mapping[str, Any], who: str, where: str) -> dict[str, Money]:
        """``offer``'s price per item called off (the ceiling where it names none), each
        positive and within the ceiling; no price for an item not called off."""
        out: dict[str, Money] = {}
        for code in self.qty:
            field = f"{where}[{code}]"
            top = self.ceiling(code)
            v = offer.get(code, top)
            p = v if isinstance(v, Money) else Money(v, field=field)
            if p <= Money.ZERO:
                raise ProcurementError("a price must be positive", field=field, value=str(p),
                                       term="单价",
                    code="framework.price_not_positive")
            if p > top:
                item = self.listed[code]
                limit = (f"the list price {item.max_price.format()}" if self.share == 1 else
                         f"the ceiling {top.format()} (list price {item.max_price.format()} × "
                         f"{self.share})")
                raise ProcurementError(
                    f"{who} offers {p.format()} per {item.unit} for {item.name_zh}, above "
                    f"{limit}; a call-off price never exceeds the admitted price",
                    field=field, value=str(p), rule_id=self.rule_id, citation=self.citation,
                    term="入围价格",
                    code="framework.price_above_ceiling",
                    params={"who": who, "item": item.name_zh, "price": p.format(),
                            "ceiling": top.format(), "listed": item.max_price.format()})
            out[code] = p
        extra = sorted(set(offer) - set(self.qty))
        if extra:
            raise ProcurementError("prices for items not called off", field=where,
                                   value=extra, term="采购内容",
                code="framework.price_for_item_not_called", params={"items": ", ".join(extra)})
        return out


def _second_bidding(agreement: FrameworkAgreement, offers: _Offers,
                    bids: Mapping[str, Mapping[str, Any]] | None
                    ) -> tuple[Supplier, dict[str, Money], list[str]]:
    """二次竞价: the lowest monthly total wins, ties to the supplier admitted first."""
    method = CallOffMethod.SECOND_BIDDING
    if not bids:
        raise ProcurementError("second bidding needs bids from admitted suppliers",
                               field="bids", value=None, term="二次竞价",
            code="framework.second_bidding_no_bids")
    order = {s.id: i for i, s in enumerate(agreement.suppliers)}
    ranked: list[tuple[Fraction, int, str, dict[str, Money]]] = []
    for sid, offer in bids.items():
        s = agreement.supplier(sid)
        missing = sorted(set(offers.qty) - set(offer))
        if missing:
            raise ProcurementError("a bid must price every item called off",
                                   field=f"bids[{sid}]", value=missing, term="二次竞价",
                code="framework.bid_missing_items", params={"missing": ", ".join(missing)})
        priced = offers.checked(offer, s.name, f"bids[{sid}]")
        ranked.append((_total(priced, offers.qty), order[sid], sid, priced))
    ranked.sort(key=lambda o: (o[0], o[1]))
    total, _, sid, final = ranked[0]
    chosen = agreement.supplier(sid)
    tie = [o[2] for o in ranked if o[0] == total]
    return chosen, final, [f"{method.zh}: {len(ranked)} bids, lowest monthly total "
                           f"{Money.round(total).format()} by {chosen.name}"
                           + (f" (tied with {', '.join(tie[1:])}; the earlier admitted wins)"
                              if len(tie) > 1 else "")]
