"""An assessment settles only the period it was made for: one of another period of the term,
or outside the term, is refused naming the field, not settled into this period."""

from __future__ import annotations

from datetime import date

import pytest
from payment_cases import contract

import outsourcing as o
from outsourcing.settlement import prepare


def _assessment(period: o.Period) -> o.Assessment:
    return o.Assessment("canteen", period, "考核小组", period.end, metrics=[])


@pytest.mark.parametrize(("given", "says"), [
    (o.Period.month(2022, 9), "given to settle 2022-10"),
    (o.Period.month(2023, 3), "outside the term"),
])
def test_an_assessment_of_another_period_is_refused(given: o.Period, says: str) -> None:
    pc = prepare(contract((("canteen", "canteen", "30000.00"),)), o.load().rulebook("CN"))
    with pytest.raises(o.SettlementError, match=says) as e:
        pc.settle("2022-10", [_assessment(given)], accepted_on=date(2022, 11, 5))
    assert e.value.field == "assessments[0].period"
    assert e.value.value == str(given)
