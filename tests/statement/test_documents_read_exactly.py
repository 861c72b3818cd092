"""Documents read exactly (issue 22): the statement and timeline JSON readers use the money
limits of ``Money`` and never round; a document that is accepted reads back as itself
(hypothesis: mutated documents of both statement forms and of a timeline either raise the
library's error or round-trip); timeline changes out of order are refused at reading."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from payment_cases import contract as case_contract
from payment_cases import property_assessment
from test_changes_worked_example_and_rules import change, line

import outsourcing as o
from outsourcing.changes import AddLine, Timeline
from outsourcing.errors import OutsourcingError
from outsourcing.performance import Incident
from outsourcing.serialize import from_json, to_json
from outsourcing.statement import Statement

ROOT = Path(__file__).resolve().parents[2]
RB = o.load().rulebook("CN")
CONTRACT = case_contract((("property", "property", "80000.00"),
                          ("cleaning", "cleaning", "20000.00")),
                         start=date(2022, 9, 1), payment_days=30)
PC = o.prepare(CONTRACT, RB)
V2 = PC.settle("2022-09", [property_assessment("2022-09", incidents=[
    Incident("ordinary", date(2022, 9, 8))])], paid_on=date(2022, 12, 1)).to_dict()
V1 = json.loads((ROOT / "tests" / "golden" / "statements_v1.json").read_text("utf-8"))[0][
    "json"]
V1 = json.loads(V1) if isinstance(V1, str) else V1


def _timeline() -> Timeline:
    nx = o.load().rulebook("NX")
    from test_changes_worked_example_and_rules import contract as changes_contract

    tl = Timeline(changes_contract())
    for c, signed in ((change("A", AddLine(line("d", "disinfection", "8000.00")),
                              date(2022, 10, 10), None), date(2022, 10, 9)),
                      (change("B", AddLine(line("e", "disinfection", "3000.00")),
                              date(2022, 11, 1), None), date(2022, 10, 20))):
        tl = tl.propose(c).sign(c.id, nx, today=date(2022, 12, 1), signed_on=signed,
                                approved_by="局长")
    return tl


TIMELINE = json.loads(to_json(_timeline()))


def _read_statement(doc: Any) -> Statement:
    s = from_json(json.dumps(doc, ensure_ascii=False), Statement)
    return s if s.terms is not None else s.with_terms(PC)


@pytest.mark.parametrize("amount", ["99999999999999999999999999.995", "1000000000000000000.01",
                                    "-1000000000000000000.01", "1e30", "0.001"])
def test_a_statement_amount_beyond_money_or_not_to_the_fen_is_refused(amount: str) -> None:
    doc = json.loads(json.dumps(V2))
    doc["totals"]["withheld"] = amount
    with pytest.raises(o.SerializationError) as e:
        from_json(json.dumps(doc), Statement)
    assert "withheld" in str(e.value)


@pytest.mark.parametrize("count", [10 ** 18 + 1, -(10 ** 18) - 1, 10 ** 4000])
def test_a_statement_count_beyond_the_library_limit_is_refused(count: int) -> None:
    """An incident count too large to write back (found by the statement_json fuzz target:
    a 4,300-digit count was read, then failed to be written) is refused when read."""
    doc = json.loads(json.dumps(V2))
    doc["lines"][0]["items"][0][2] = count
    with pytest.raises(o.SerializationError) as e:
        from_json(json.dumps(doc), Statement)
    assert "items" in str(e.value)


def test_the_largest_amount_money_takes_reads_exactly() -> None:
    doc = json.loads(json.dumps(V2))
    doc["totals"]["withheld"] = "1000000000000000000.00"
    s = from_json(json.dumps(doc), Statement)
    assert s.withheld == o.Money("1000000000000000000.00")


def test_a_statement_1_line_without_a_base_score_reads_back_as_itself() -> None:
    doc = json.loads(json.dumps(V1))
    assessed = next(x for x in doc["lines"] if x.get("score") is not None)
    assessed["base_score"] = None
    s = _read_statement(doc)
    assert from_json(s.to_json(), Statement) == s


def test_timeline_changes_out_of_signing_order_are_refused_at_reading() -> None:
    doc = json.loads(json.dumps(TIMELINE))
    doc["changes"] = doc["changes"][::-1]
    with pytest.raises(o.SerializationError) as e:
        from_json(json.dumps(doc), Timeline)
    assert "changes[1].signed_on" in str(e.value) and "须按签订先后排列" in str(e.value)
    with pytest.raises(o.ModelError) as m:
        Timeline(_timeline().contract, changes=_timeline().changes[::-1]).check_read()
    assert m.value.code == "change.signed_out_of_order"


LEAVES = st.one_of(
    st.none(), st.booleans(), st.integers(-10**20, 10**20), st.text(max_size=8),
    st.sampled_from(["99999999999999999999999999.995", "1000000000000000000.00", "1e3",
                     "-0.00", "0.005", "NaN", "100.00", "2022-13-01", "2022-09-30",
                     "9999-12-31", "0001-01-01"]),
    st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str))


def _paths(v: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [at]
    if isinstance(v, dict):
        for k, x in v.items():
            out += _paths(x, (*at, k))
    elif isinstance(v, list):
        for k, x in enumerate(v):
            out += _paths(x, (*at, k))
    return out


@st.composite
def mutated(draw: st.DrawFn, seed: Any) -> Any:
    doc = json.loads(json.dumps(seed))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_paths(doc)[1:]))
        parent = doc
        for k in path[:-1]:
            parent = parent[k]
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(LEAVES)
    return doc


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=st.one_of(mutated(V2), mutated(V1)))
def test_every_accepted_statement_document_reads_back_as_itself(doc: Any) -> None:
    try:
        s = _read_statement(doc)
        s.render()
    except OutsourcingError:
        return
    assert from_json(s.to_json(), Statement) == s


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=mutated(TIMELINE))
def test_every_accepted_timeline_document_reads_back_as_itself(doc: Any) -> None:
    try:
        tl = from_json(json.dumps(doc, ensure_ascii=False), Timeline)
        tl.effects()
    except OutsourcingError:
        return
    assert from_json(to_json(tl), Timeline) == tl
