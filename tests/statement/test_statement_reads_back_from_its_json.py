"""A statement reads back from its own JSON exactly (结算单 JSON 往返)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from test_settlement_properties import months

import outsourcing as o
from outsourcing.serialize import from_json, to_json
from outsourcing.settlement import settle_term
from outsourcing.statement import Statement


@settings(max_examples=25)
@given(months())
def test_statement_json_round_trip_is_the_identity(
    case: tuple[o.Contract, list[o.Assessment], o.RuleBook],
) -> None:
    c, assessments, rb = case
    for s in settle_term(c, assessments, rb):
        back = from_json(s.to_json(), Statement)
        assert back == s
        assert back.payable == s.payable
        assert to_json(back) == s.to_json()


def test_statement_json_with_a_wrong_amount_due_is_refused() -> None:
    c, assessments, rb = _one()
    s = settle_term(c, assessments, rb)[0]
    data = s.to_dict()
    data["payment"]["amount_due"] = "1.00"
    with pytest.raises(o.SerializationError) as e:
        from_json(json.dumps(data), Statement)
    assert "payment.amount_due" in str(e.value)
    assert "amount_due is not payable + late_interest" in str(e.value)


def _one() -> tuple[o.Contract, list[o.Assessment], o.RuleBook]:
    from datetime import date

    from payment_cases import contract

    c = contract((("property", "property", "10000.00"),), start=date(2022, 12, 1))
    p = o.Period.month(2022, 12)
    a = o.Assessment("property", p, "考核小组", p.end,
                     metrics=[o.Metric("repair_pass_rate", "95")])
    return c, [a], o.load().rulebook("CN")


def test_a_line_record_lists_the_figures_in_the_order_compute_gives_them() -> None:
    # settlement.record builds LineRecord straight from compute's tuples, in field order
    from outsourcing.statement.record import LineRecord

    assert LineRecord._fields[13:29] == (
        "performance", "items", "deductions_total", "line_cap", "deductions_capped",
        "deductions_applied", "holdback", "released", "withheld", "payable", "notice",
        "streak", "held", "forfeited", "pending", "final")
    assert len(LineRecord._fields) == 32
