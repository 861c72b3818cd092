from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from outsourcing import Money, MoneyError
from outsourcing.money import allocate


def test_float_is_refused_with_the_reason() -> None:
    with pytest.raises(MoneyError) as exc:
        Money(0.1)  # type: ignore[arg-type]
    assert "float" in str(exc.value) and "金额" in str(exc.value)


def test_money_is_to_the_fen_three_decimals_refused() -> None:
    with pytest.raises(MoneyError, match="two decimal places"):
        Money("1.005")


def test_money_from_str_int_decimal() -> None:
    assert Money("1234.5") == Money(Decimal("1234.50")) == Money.from_fen(123450)
    assert Money(12).fen == 1200
    assert Money("¥1,234.56").fen == 123456


def test_rounding_is_half_up_si_she_wu_ru() -> None:
    assert Money("0.01") * Decimal("0.5") == Money("0.01")  # 0.005 → 0.01
    assert Money("-0.01") * Decimal("0.5") == Money("-0.01")  # away from zero
    assert Money("100") * Decimal("0.333") == Money("33.30")
    assert Money.round(Fraction(1, 3)) == Money("0.33")
    assert Money.round(Decimal("2.675")) == Money("2.68")


def test_rate_as_float_refused() -> None:
    with pytest.raises(MoneyError, match="float"):
        Money("10") * 0.5  # type: ignore[operator]


def test_format_yuan_with_separators() -> None:
    assert Money("1234567.8").format() == "¥1,234,567.80"
    assert Money("-5").format() == "-¥5.00"
    assert str(Money("3")) == "3.00"


def test_allocate_three_ways_gives_the_odd_fen_to_the_first() -> None:
    assert allocate(Money("100"), [1, 1, 1]) == [Money("33.34"), Money("33.33"), Money("33.33")]


def test_allocate_refuses_negative_and_all_zero_weights() -> None:
    with pytest.raises(MoneyError, match="negative"):
        allocate(Money("1"), [1, -1])
    with pytest.raises(MoneyError, match="zero"):
        allocate(Money("1"), [0, 0])


@given(
    st.integers(min_value=-10**9, max_value=10**9),
    st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=12).filter(any),
)
def test_allocate_parts_add_back_and_each_is_within_one_fen(fen: int, weights: list[int]) -> None:
    total = Money.from_fen(fen)
    parts = allocate(total, weights)
    assert Money.sum(parts) == total
    wsum = sum(weights)
    for part, w in zip(parts, weights, strict=True):
        exact = Fraction(fen * w, wsum)
        assert abs(part.fen - exact) < 1
