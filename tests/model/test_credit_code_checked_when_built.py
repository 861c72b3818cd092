"""统一社会信用代码 (GB 32100-2015) checked when a supplier or a purchaser is built."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import uscc

import outsourcing as o

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALID = "91640100MA76ABCD11"


def test_a_valid_credit_code_is_kept_compact() -> None:
    s = o.Supplier("S1", "宁夏某物业服务有限公司", "small", credit_code=" 91640100 MA76ABCD11 ")
    assert s.credit_code == VALID
    assert o.Purchaser("P1", "某局", VALID).credit_code == VALID


def test_an_empty_credit_code_means_unknown() -> None:
    assert o.Supplier("S1", "某公司", "small").credit_code == ""
    assert o.Purchaser("P1", "某局").credit_code == ""


@pytest.mark.parametrize("bad, code", [
    ("NOT-A-CODE", "model.credit_code.length"),
    ("91640100MA76ABCD1", "model.credit_code.length"),
    ("A1640100MA76ABCD11", "model.credit_code.form"),
    ("91640100MA76OBCD11", "model.credit_code.form"),
    ("91640100MA76ABCD12", "model.credit_code.checksum"),
])
def test_a_bad_credit_code_is_refused_at_entry_naming_the_term(bad: str, code: str) -> None:
    for build in (lambda: o.Supplier("S1", "某公司", "small", credit_code=bad),
                  lambda: o.Purchaser("P1", "某局", bad)):
        with pytest.raises(o.ModelError) as e:
            build()
        assert e.value.code == code
        assert e.value.field == "credit_code"
        assert "统一社会信用代码" in e.value.message_zh
        assert "GB 32100-2015" in e.value.message_zh


def test_a_wrong_check_character_names_the_right_one() -> None:
    with pytest.raises(o.ModelError) as e:
        o.Supplier("S1", "某公司", "small", credit_code="91640100MA76ABCD12")
    assert "应为 1，却是 2" in e.value.message_zh


@given(st.text(ALPHABET, min_size=9, max_size=9), st.sampled_from(list(ALPHABET)))
def test_exactly_one_check_character_is_accepted(body: str, check: str) -> None:
    first17 = "91640100" + body
    ok = check == uscc.calc_check_digit(first17)
    try:
        o.Supplier("S1", "某公司", "small", credit_code=first17 + check)
    except o.ModelError as exc:
        assert not ok and exc.code == "model.credit_code.checksum"
    else:
        assert ok
