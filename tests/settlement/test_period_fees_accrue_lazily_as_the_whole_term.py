"""A period's fees worked out alone (lazily, when it is first settled) are the fees of the
same period worked out with the whole term (按日折算, 按需计算): the one accrual rule rounds the
running total at a period's boundary days only."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

from contract_strategies import contract_terms
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import outsourcing as o
from outsourcing.accrual import contract_period_fen
from outsourcing.dates import DayCount, PeriodKind
from outsourcing.errors import OutsourcingError
from outsourcing.settlement import prepare
from outsourcing.settlement.fees import FeeTable, term_bounds
from outsourcing.terms import ContractTerms

TERM = o.DateRange(date(2021, 3, 17), date(2024, 2, 10))


@st.composite
def line_schedules(draw: st.DrawFn) -> list[tuple[o.DateRange, Fraction]]:
    """Disjoint pieces inside the term, with gaps (suspensions), mid-month edges and odd
    monthly amounts (a price change is a new piece)."""
    day = TERM.start + timedelta(days=draw(st.integers(0, 60)))
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        end = min(day + timedelta(days=draw(st.integers(0, 400))), TERM.end)
        amount = Fraction(draw(st.integers(0, 10**8)), 100) * Fraction(
            draw(st.integers(1, 7)), draw(st.integers(1, 3)))
        parts.append((o.DateRange(day, end), amount))
        day = end + timedelta(days=1 + draw(st.integers(0, 40)))
        if day > TERM.end:
            break
    return parts


@settings(max_examples=150, deadline=None)
@given(schedules=st.lists(line_schedules(), min_size=1, max_size=4),
       kind=st.sampled_from([PeriodKind.MONTH, PeriodKind.QUARTER]),
       convention=st.sampled_from(list(DayCount)), data=st.data())
def test_each_period_alone_equals_the_whole_term_for_every_period(
        schedules: list[list[tuple[o.DateRange, Fraction]]], kind: PeriodKind,
        convention: DayCount, data: st.DataObject) -> None:
    alone = data.draw(st.lists(st.booleans(), min_size=len(schedules),
                               max_size=len(schedules)))
    eager = contract_period_fen(schedules, term_bounds(TERM, kind), convention, alone)
    lazy = FeeTable(schedules, TERM, kind, convention, alone)
    order = data.draw(st.permutations(range(len(lazy.ranges))))
    for i in order:  # in any order, each period on its own
        for j in range(len(schedules)):
            assert lazy.fee(j, i) == eager[j][i]
    assert [lazy.line(j) for j in range(len(schedules))] == eager


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(terms=contract_terms(), data=st.data())
def test_a_compiled_contract_settles_any_period_with_the_fees_of_the_whole_term(
        registry: o.PluginHost, terms: ContractTerms, data: st.DataObject) -> None:
    rb = registry.rulebook(terms.contract.jurisdiction)
    try:
        whole = prepare(terms.contract, rb, rules=terms.rules, kpis=terms.kpis,
                        contract_rules=terms.contract_rules, adopt=terms.adopt)
        lazy = prepare(terms.contract, rb, rules=terms.rules, kpis=terms.kpis,
                       contract_rules=terms.contract_rules, adopt=terms.adopt)
    except OutsourcingError:
        assume(False)
        return
    every = [pl.fees for pl in whole.lines]  # fills every period at once
    i = data.draw(st.integers(0, len(lazy.periods) - 1))
    st_lazy = lazy.settle(lazy.periods[i], [])  # only period i is worked out
    assert sum(lazy.fee_table.filled) == 1
    assert [x.fee.fen for x in st_lazy.lines] == [fees[i] for fees in every]
    assert st_lazy.to_json() == whole.settle(whole.periods[i], []).to_json()
