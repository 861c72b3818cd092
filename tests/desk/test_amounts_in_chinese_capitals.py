"""大写金额: amounts in Chinese capitals (会计基础工作规范 第五十二条)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from outsourcing import Money, MoneyError
from outsourcing.desk.capitals import LIMIT_FEN, amount_in_capitals, parse_capitals


@pytest.mark.parametrize(("amount", "capitals"), [
    ("144461.29", "壹拾肆万肆仟肆佰陆拾壹元贰角玖分"),
    ("100.00", "壹佰元整"),                        # whole yuan ends with 整
    ("20000", "贰万元整"),
    ("10", "壹拾元整"),                            # a leading 1 is written 壹拾
    ("0.05", "伍分"),                              # fen only
    ("0.50", "伍角整"),                            # ends at 角: 整
    ("0.56", "伍角陆分"),                          # ends at 分: no 整
    ("16409.02", "壹万陆仟肆佰零玖元零贰分"),       # zero inside; 角 zero but 分 not: 元零
    ("1010101.01", "壹佰零壹万零壹佰零壹元零壹分"),   # zeros in every group
    ("100001", "壹拾万零壹元整"),                   # a run of zeros: one 零
    ("100000010", "壹亿零壹拾元整"),
    ("1000000000000", "壹万亿元整"),
    ("1000100000000", "壹万零壹亿元整"),
    ("-3.10", "负叁元壹角整"),                      # negative
    ("0", "零元整"),
])
def test_amount_in_capitals_follows_the_accounting_rules(amount: str, capitals: str) -> None:
    assert amount_in_capitals(Money(amount)) == capitals
    assert parse_capitals(capitals) == Money(amount)


amounts = st.integers(min_value=-(LIMIT_FEN - 1), max_value=LIMIT_FEN - 1).map(Money.from_fen)


@given(amounts)
def test_amount_in_capitals_reads_back_to_the_same_fen(amount: Money) -> None:
    assert parse_capitals(amount_in_capitals(amount)) == amount


@given(amounts)
def test_amount_in_capitals_has_no_double_zero_and_ends_by_the_rule(amount: Money) -> None:
    text = amount_in_capitals(amount)
    if not amount:
        assert text == "零元整"
        return
    assert "零零" not in text
    assert not re.search(r"零[元万亿]", text)           # no zero before a unit
    assert text.endswith("分") == (amount.fen % 10 != 0)
    assert text.endswith("整") == (amount.fen % 10 == 0)
    assert text.startswith("负") == (amount.fen < 0)
    assert set(text) <= set("零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整负")


def test_amount_in_capitals_writes_every_amount_money_takes() -> None:
    largest = Money("1000000000000000000")
    assert amount_in_capitals(largest) == "壹佰亿亿元整"
    assert amount_in_capitals(-largest) == "负壹佰亿亿元整"
    assert amount_in_capitals(Money("10000000700000000")) == "壹亿零柒亿元整"
    assert parse_capitals("壹亿零柒亿元整") == Money("10000000700000000")
    with pytest.raises(MoneyError) as exc:
        Money.from_fen(LIMIT_FEN)  # beyond what money takes: refused before any writer
    assert exc.value.code == "money.result_out_of_range"
    with pytest.raises(MoneyError):
        parse_capitals("壹佰元伍")
