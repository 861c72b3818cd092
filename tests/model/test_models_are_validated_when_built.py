"""Every model is validated when built: dates are dates and money is money at construction,
so a bad value is refused naming its field, never found later by a check or a plugin."""

from __future__ import annotations

from datetime import date

import pytest

import outsourcing as o
from outsourcing.model import QualificationRequirement


def test_qualification_valid_until_text_is_read_as_a_date_when_built() -> None:
    q = o.Qualification("property_management", valid_until="2025-12-31")
    assert q.valid_until == date(2025, 12, 31)
    assert q.valid_on(date(2025, 12, 31)) and not q.valid_on(date(2026, 1, 1))


def test_qualification_from_text_lets_the_contract_check_run() -> None:
    supplier = o.Supplier("S-1", "某物业公司", "small", qualifications=[
        o.Qualification("property_management", valid_until="2025-12-31")])
    contract = o.Contract(
        id="C-1", title="物业服务", jurisdiction="CN",
        purchaser=o.Purchaser("P-1", "某机关事务管理局"), supplier=supplier,
        term=o.DateRange("2024-01-01", "2024-12-31"),
        lines=[o.ServiceLine("prop", "property", "办公区", o.FixedMonthly("10000.00"))])
    findings = contract.check(o.load().rulebook("CN"))
    assert all(isinstance(f, o.Finding) for f in findings)


@pytest.mark.parametrize("kw, code", [
    ({"valid_until": "2025-02-30"}, "date.day_out_of_range"),
    ({"valid_until": 20251231}, "date.type"),
    ({"valid_from": "soon"}, "date.invalid"),
    ({"level": 1}, "model.text.type"),
    ({"issuer": None}, "model.text.type"),
    ({"number": 7}, "model.text.type"),
])
def test_a_qualification_with_a_bad_field_is_refused_when_built(kw: dict[str, object],
                                                                code: str) -> None:
    with pytest.raises(o.OutsourcingError) as e:
        o.Qualification("property_management", **kw)  # type: ignore[arg-type]
    assert e.value.code == code
    assert e.value.field == next(iter(kw))


def test_a_qualification_requirement_refuses_what_is_not_text() -> None:
    with pytest.raises(o.ModelError) as e:
        QualificationRequirement("property_management", level=2)  # type: ignore[arg-type]
    assert e.value.code == "model.text.type" and e.value.field == "level"


def test_a_qualification_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(o.ModelError) as e:
        o.Qualification("x", valid_from="2025-01-01", valid_until="2024-12-31")
    assert e.value.code == "model.qualification.ends_before_start"


def _contract(**kw: object) -> o.Contract:
    return o.Contract(
        id="C-2", title="物业服务", jurisdiction="CN",
        purchaser=o.Purchaser("P-1", "某机关事务管理局"),
        supplier=o.Supplier("S-1", "某物业公司", "small"),
        term=o.DateRange("2024-01-01", "2024-12-31"),
        lines=[o.ServiceLine("prop", "property", "办公区", o.FixedMonthly("10000.00"))],
        **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("kw, field, code", [
    ({"payment_working_days": "yes"}, "payment_working_days", "model.flag.type"),
    ({"payment_working_days": 1}, "payment_working_days", "model.flag.type"),
    ({"rounding_clause": None}, "rounding_clause", "model.text.type"),
])
def test_a_contract_flag_or_clause_of_the_wrong_type_is_refused_when_built(
        kw: dict[str, object], field: str, code: str) -> None:
    with pytest.raises(o.ModelError) as e:
        _contract(**kw)
    assert (e.value.field, e.value.code) == (field, code)
    assert _contract(payment_working_days=True).payment_working_days is True


def test_a_line_description_and_a_unit_are_text_when_built() -> None:
    with pytest.raises(o.ModelError) as e:
        o.ServiceLine("prop", "property", "办公区", o.FixedMonthly("1.00"), description=3)  # type: ignore[arg-type]
    assert (e.value.field, e.value.code) == ("description", "model.text.type")
    with pytest.raises(o.ModelError) as e:
        o.FixedMonthly("1.00", unit=None)  # type: ignore[arg-type]
    assert (e.value.field, e.value.code) == ("unit", "model.text.type")


def test_usage_notes_are_text_when_built() -> None:
    with pytest.raises(o.ModelError) as e:
        o.Usage("prop", "2024-01", quantity="3", note=5)  # type: ignore[arg-type]
    assert (e.value.field, e.value.code) == ("note", "model.text.type")
