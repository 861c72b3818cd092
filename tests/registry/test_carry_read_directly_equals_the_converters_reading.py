"""The carry column is read directly on the month's hot path (``documents.carry_of``); what
it builds equals what the library's converter reads from the same text, and a text of
another shape goes through the converter (its clear error)."""

from __future__ import annotations

import json

import pytest
from cattrs.errors import ClassValidationError
from hypothesis import given
from hypothesis import strategies as st

from outsourcing.errors import OutsourcingError
from outsourcing.registry.documents import _CARRY, carry_of
from outsourcing.statement import Carry

month = st.sampled_from(["2021-12", "2022-01", "2022-02"])
line = st.fixed_dictionaries(
    {"line_id": st.sampled_from(["L0", "property", "电梯"]),
     "held": st.integers(0, 10**9).map(lambda f: f"{f // 100}.{f % 100:02d}"),
     "streak": st.integers(0, 12),
     "incidents": st.lists(st.tuples(month, st.sampled_from(["ordinary", "media_exposure"]))
                           .map(list), max_size=3)},
    optional={"results": st.lists(st.tuples(st.text(min_size=1, max_size=8), month,
                                            st.integers(0, 10000).map(
                                                lambda c: f"{c // 100}.{c % 100:02d}"))
                                  .map(list), max_size=3)})
carry = st.fixed_dictionaries({"period": month, "lines": st.lists(line, max_size=4),
                               "notice_months": st.lists(month, max_size=3)})


@given(carry)
def test_the_carry_read_directly_equals_the_converters_reading(data: dict[str, object]
                                                                ) -> None:
    text = json.dumps(data, ensure_ascii=False)
    assert carry_of(text) == _CARRY.structure(json.loads(text), Carry)


def test_a_carry_of_another_shape_is_read_by_the_converter_with_its_error() -> None:
    text = json.dumps({"period": "2022-01", "lines": [{"line_id": "L0", "held": 1.5,
                                                       "streak": 0, "incidents": []}],
                       "notice_months": []})
    with pytest.raises(ClassValidationError) as exc:  # the converter's, never a float held
        carry_of(text)
    found: list[BaseException] = [exc.value]
    while isinstance(found[-1], BaseExceptionGroup):
        found.append(found[-1].exceptions[0])
    cause = found[-1]
    assert isinstance(cause, OutsourcingError)
    assert cause.code == "serialization.money_not_string"
