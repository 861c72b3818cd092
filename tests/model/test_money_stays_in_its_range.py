"""Money's arithmetic keeps every result within the documented range (10¹⁸ yuan either
way), so the 大写金额 writer never meets an amount the type allowed but cannot write."""

from __future__ import annotations

from decimal import Decimal

import pytest

import outsourcing as o
from outsourcing.desk.capitals import amount_in_capitals, parse_capitals


def test_adding_past_the_range_is_a_clear_money_error() -> None:
    with pytest.raises(o.MoneyError) as e:
        o.Money("1e18") + o.Money("1e18")
    assert e.value.code == "money.result_out_of_range"
    assert "10¹⁸" in e.value.message_zh


@pytest.mark.parametrize("make", [
    lambda: o.Money("-1e18") - o.Money("0.01"),
    lambda: o.Money("1e18") * Decimal("1.5"),
    lambda: o.Money.sum([o.Money("1e18"), o.Money("1")]),
    lambda: o.Money.round(Decimal("1e18") + 1),
    lambda: o.Money.from_fen(10**20 + 1),
])
def test_every_arithmetic_result_past_the_range_is_refused(make: object) -> None:
    with pytest.raises(o.MoneyError) as e:
        make()  # type: ignore[operator]
    assert e.value.code == "money.result_out_of_range"


def test_the_range_edge_itself_is_money_and_is_written_in_capitals() -> None:
    top = o.Money("1e18")
    assert (top - o.Money("0.01")) + o.Money("0.01") == top
    assert amount_in_capitals(top) == "壹佰亿亿元整"
    assert parse_capitals(amount_in_capitals(-top + o.Money("0.01"))) == -top + o.Money("0.01")
