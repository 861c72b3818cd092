"""Contracts share a payment term (settlement.compile's store of due terms) only where the
term is the one the law and their own clauses give each of them: every contract gets exactly
what outsourcing.due.due_term computes for it, whatever else differs between them."""

from __future__ import annotations

from datetime import date

import attrs
import pytest
from payment_cases import contract

import outsourcing as o
from outsourcing.due import due_term
from outsourcing.settlement import prepare


@pytest.mark.parametrize("size", ["small", "large"])
@pytest.mark.parametrize(("days", "working"), [(None, False), (45, False), (90, False),
                                                (15, True)])
def test_a_shared_payment_term_is_each_contracts_own(size: str, days: int | None,
                                                       working: bool) -> None:
    rb = o.load().rulebook("CN")
    first = contract((("canteen", "canteen", "30000.00"),), size=size, payment_days=days)
    first = attrs.evolve(first, payment_working_days=working)
    other = attrs.evolve(first, id="NX-OTHER", title="另一份合同", supplier=attrs.evolve(
        first.supplier, id="S-2", name="另一家供应商"))
    for start in (date(2022, 11, 5), date(2022, 12, 30), date(2023, 2, 1)):
        for c in (first, other):
            assert prepare(c, rb).due_term(start) == due_term(c, rb, start)
