"""A statement stored by the previous release (JSON ``statement/1``) reads back as issued
(旧格式结算单按原样读取)."""

from __future__ import annotations

import json
import zlib
from datetime import date
from pathlib import Path

import pytest
from payment_cases import contract, property_assessment

import outsourcing as o
from outsourcing.performance import Incident
from outsourcing.registry.documents import unpack_statement
from outsourcing.serialize import from_json
from outsourcing.settlement import prepare
from outsourcing.statement import Statement

# made by the release before compact statements (commit 6b82e71): its JSON and its text
V1 = json.loads((Path(__file__).parents[1] / "golden" / "statements_v1.json").read_text("utf-8"))


MOVED_CITATION = (
    "《标准化助推机关事务治理体系和治理能力现代化的实践与探索》（宁夏机关事务 2022）: "
    "物业维修合格率100%",
    "政府采购法实施条例 第四十五条（按合同约定的技术、服务标准验收）; 合格率目标为示例")


def _contract() -> o.Contract:
    return contract((("property", "property", "80000.00"), ("cleaning", "cleaning", "20000.00")),
                    start=date(2022, 9, 1), payment_days=30)


def test_a_statement_of_the_previous_release_renders_exactly_as_it_was_issued() -> None:
    for old in V1:
        st = from_json(json.dumps(old["json"]), Statement)
        assert st.render() == old["zh"]
        assert st.render("en") == old["en"]
        assert str(st.payable) == old["json"]["totals"]["payable"]
        assert st.line("property").explain("应付金额").value == next(
            e["value"] for e in old["json"]["lines"][0]["explanations"]
            if e["figure"] == "应付金额")


def test_the_next_period_settles_from_a_statement_of_the_previous_release() -> None:
    rb = o.load().rulebook("CN")
    september = from_json(json.dumps(V1[0]["json"]), Statement)
    october = prepare(_contract(), rb).settle(
        "2022-10", [property_assessment("2022-10", incidents=[
            Incident("ordinary", date(2022, 10, 8))])], previous=september)
    # the ratchet and holdback carried across; the one difference: in 0.3 the core KPI's
    # target no longer cites the Ningxia journal (it moved to the Ningxia plugin)
    assert october.render() == V1[1]["zh"].replace(*MOVED_CITATION)


def test_the_registry_reads_a_stored_document_of_format_1_as_issued() -> None:
    rb = o.load().rulebook("CN")
    blob = zlib.compress(json.dumps({"format": 1, "statement": V1[0]["json"]}).encode())
    st = unpack_statement(blob, prepare(_contract(), rb))
    assert st.render() == V1[0]["zh"]
    blob = zlib.compress(json.dumps({"format": 9, "statement": V1[0]["json"]}).encode())
    with pytest.raises(o.RegistryError) as e:
        unpack_statement(blob, prepare(_contract(), rb))
    assert e.value.code == "registry.statement_format"


def test_a_damaged_statement_of_the_previous_release_is_a_clear_error() -> None:
    data = json.loads(json.dumps(V1[0]["json"]))
    data["payment"]["amount_due"] = "1.00"
    with pytest.raises(o.SerializationError) as e:
        from_json(json.dumps(data), Statement)
    assert "amount_due" in str(e.value)
    del data["lines"][0]["fee"]
    with pytest.raises(o.SerializationError):
        from_json(json.dumps(data), Statement)
