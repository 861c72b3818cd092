"""The keywords of settle, settle_term, prepare and PreparedContract.settle are declared once,
as the fields of ContractTerms and PeriodTerms, and reach settlement as those values."""

from __future__ import annotations

from datetime import date
from typing import get_type_hints

import attrs
import pytest
from payment_cases import contract

import outsourcing as o
from outsourcing.settlement import (
    ContractTerms,
    PeriodKeywords,
    PeriodTerms,
    PrepareKeywords,
    SettleKeywords,
    TermKeywords,
    prepare,
    settle,
    settle_term,
)


def test_each_keyword_dictionary_has_exactly_its_values_fields() -> None:
    assert set(PrepareKeywords.__annotations__) == set(attrs.fields_dict(ContractTerms))
    assert set(PeriodKeywords.__annotations__) == set(attrs.fields_dict(PeriodTerms))
    assert set(get_type_hints(SettleKeywords)) == (
        set(attrs.fields_dict(ContractTerms)) | set(attrs.fields_dict(PeriodTerms)))
    assert set(get_type_hints(TermKeywords)) == (
        set(attrs.fields_dict(ContractTerms)) | {"usage", "final_scores"})


def test_a_periods_keywords_give_the_same_statement_as_its_terms_value() -> None:
    rb = o.load().rulebook("CN")
    c = contract((("canteen", "canteen", "30000.00"),))
    p = o.Period.month(2022, 10)
    kw: PeriodKeywords = {"accepted_on": date(2022, 11, 5), "paid_on": date(2023, 1, 30)}
    by_keywords = settle(c, p, [], rb, **kw)
    by_value = prepare(c, rb).settle_period(p, [], None, PeriodTerms(**kw))
    assert by_keywords.to_json() == by_value.to_json()
    assert by_keywords.late_interest == by_value.late_interest


def test_an_unknown_keyword_is_a_type_error_naming_the_keywords_taken() -> None:
    rb = o.load().rulebook("CN")
    c = contract((("canteen", "canteen", "30000.00"),))
    with pytest.raises(TypeError, match=r"acceptd_on.*accepted_on"):
        settle(c, "2022-10", [], rb, acceptd_on=date(2022, 11, 5))  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="accepted_on"):
        settle_term(c, [], rb, accepted_on=date(2022, 11, 5))  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        prepare(c, rb).settle("2022-10", paid=date(2022, 12, 1))  # type: ignore[call-arg]
