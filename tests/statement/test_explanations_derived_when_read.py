"""Explanations are derived from the compact record when read, exactly as they were built
eagerly before (计算依据按需生成，与原先逐项生成的完全一致)."""

from __future__ import annotations

import sys
from pathlib import Path

from hypothesis import given, settings
from test_settlement_properties import months

import outsourcing as o
from outsourcing.serialize import from_json
from outsourcing.settlement import settle_term
from outsourcing.statement import Statement

sys.path.insert(0, str(Path(__file__).parents[1] / "golden"))
from statements import rendered

GOLDEN = Path(__file__).parents[1] / "golden" / "statements.sha256"


def test_lazy_explanations_equal_the_eager_ones_on_every_scenario_example_and_random_case(
) -> None:
    # the hashes were taken on the code that built every explanation when settling
    want = GOLDEN.read_text(encoding="utf-8").splitlines()
    got = rendered()
    assert len(got) == len(want)
    assert [g for g, w in zip(got, want, strict=True) if g != w] == []


@settings(max_examples=25, deadline=None)
@given(months())
def test_a_statement_read_back_and_bound_to_its_terms_explains_itself_the_same(
    case: tuple[o.Contract, list[o.Assessment], o.RuleBook],
) -> None:
    c, assessments, rb = case
    for s in settle_term(c, assessments, rb):
        back = from_json(s.to_json(), Statement)
        assert back == s and back.terms is None
        alone = back.with_terms(s.terms)  # type: ignore[arg-type]
        # findings and thresholds read first come without building any explanation
        assert alone.findings == s.findings and alone.triggers == s.triggers
        bound = back.with_terms(s.terms)  # type: ignore[arg-type]
        assert bound.lines == s.lines
        assert bound.findings == s.findings
        assert bound.all_explanations() == s.all_explanations()
        assert bound.render() == s.render()


def _four_lines() -> tuple[o.Contract, list[o.Assessment], o.RuleBook]:
    from datetime import date
    from decimal import Decimal

    from payment_cases import contract

    from outsourcing.settlement import prepare

    rb = o.load().rulebook("NX")
    c = contract((("property", "property", "80000.00"),
                  ("elevator", "elevator_maintenance", "12345.67"),
                  ("fire", "fire_maintenance", "9876.54"),
                  ("canteen", "canteen", "45678.90")), start=date(2022, 1, 1))
    c = o.Contract(**{**{f: getattr(c, f) for f in ("id", "title", "purchaser", "supplier",
                                                    "term", "lines")}, "jurisdiction": "NX"})
    p = o.Period.month(2022, 3)
    shape = prepare(c, rb)
    out = [o.Assessment(pl.line.id, p, "考核小组", date(2022, 4, 5), metrics=[
        o.Metric(s.id, Decimal("91.5") if s.unit in ("%", "percent") else s.target)
        for s in pl.kpis.specs]) for pl in shape.lines]
    return c, out, rb


def test_a_typical_monthly_statement_of_four_lines_is_at_most_4_kb_of_json() -> None:
    c, assessments, rb = _four_lines()
    s = settle_term(c, assessments, rb, upto="2022-03")[-1]
    assert all(x.status.value == "assessed" for x in s.lines)
    text = s.to_json()
    assert len(text.encode()) <= 4096, len(text.encode())
    assert from_json(text, Statement) == s
    assert len(s.to_json(explanations=True).encode()) > 4 * len(text.encode())


def test_a_statement_without_its_terms_has_its_figures_and_asks_for_the_terms() -> None:
    import pytest

    c, assessments, rb = _four_lines()
    s = settle_term(c, assessments, rb, upto="2022-03")[-1]
    back = from_json(s.to_json(), Statement)
    assert back.payable == s.payable and back.carry == s.carry and back.due_on == s.due_on
    with pytest.raises(o.SettlementError) as e:
        back.render()
    assert e.value.code == "statement.terms_needed" and "with_terms" in str(e.value)
    other = settle_term(o.Contract(**{**{f: getattr(c, f) for f in (
        "title", "jurisdiction", "purchaser", "supplier", "term", "lines")}, "id": "NX-X"}),
        [], rb, upto="2022-01")[0]
    with pytest.raises(o.SettlementError) as e:
        back.with_terms(other.terms)  # type: ignore[arg-type]
    assert e.value.code == "statement.terms_mismatch"


def test_a_statement_bound_to_terms_it_does_not_fit_is_refused_by_name() -> None:
    import json

    import pytest

    c, assessments, rb = _four_lines()
    s = settle_term(c, assessments, rb, upto="2022-03")[-1]
    data = json.loads(s.to_json())
    del data["lines"][1]["values"]  # an assessed line without its KPI values
    with pytest.raises(o.SettlementError) as e:
        from_json(json.dumps(data), Statement).with_terms(s.terms)  # type: ignore[arg-type]
    assert e.value.code == "statement.terms_mismatch" and e.value.field == "lines[1].values"
    data = json.loads(s.to_json())
    data["lines"].reverse()  # the lines in another order
    with pytest.raises(o.SettlementError) as e:
        from_json(json.dumps(data), Statement).with_terms(s.terms)  # type: ignore[arg-type]
    assert e.value.field == "lines"


def test_a_statement_pickles_with_its_parts_and_reads_the_same() -> None:
    import pickle

    c, assessments, rb = _four_lines()
    s = settle_term(c, assessments, rb, upto="2022-03")[-1]
    back = pickle.loads(pickle.dumps(s))  # e.g. returned from a process pool
    assert back == s and back.render() == s.render() and back.findings == s.findings
    bare = pickle.loads(pickle.dumps(from_json(s.to_json(), Statement)))
    assert bare == s and bare.terms is None
