"""The OpenAPI document describes every endpoint of ``/api/v1`` in Chinese, with the
library's models as their schemas (money and periods as the strings they travel as); usage
(实际用量) goes in as JSON or the desk's workbook, and a line priced without usage refuses it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from api_cases import Client, problem

from outsourcing.messages_zh import has_cjk


def test_every_api_operation_has_a_chinese_summary_and_the_models_as_schemas(
        client: Client) -> None:
    doc: dict[str, Any] = client.get("/api/v1/openapi.json").json()
    ops = [(path, method, op) for path, item in doc["paths"].items()
           if path.startswith("/api/v1/") and path != "/api/v1/me"
           for method, op in item.items() if isinstance(op, dict) and "responses" in op]
    assert len(ops) >= 40
    assert [(p, m) for p, m, op in ops if not has_cjk(op.get("summary", ""))] == []
    schemas = doc["components"]["schemas"]
    assert schemas["StatementVersion"]["properties"]["payable"]["type"] == "string"
    assert schemas["StatementVersion"]["properties"]["period"]["type"] == "string"
    assert "$ref" in str(doc["paths"]["/api/v1/contracts/{contract_id}/changes"]["post"]
                         ["requestBody"])
    params = doc["paths"]["/api/v1/contracts"]["get"]["parameters"]
    assert {p["name"] for p in params} >= {"unit", "service", "status", "supplier"}
    assert all(has_cjk(p.get("description", "")) for p in params)


def test_usage_of_a_fixed_fee_line_is_refused_and_the_template_downloads(
        signed_in: Callable[[str], Client]) -> None:
    zhao = signed_in("zhao")
    r = zhao.get("/api/v1/contracts/NX-001/usage/2022-01/template.xlsx")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    body = {"usage": [{"line": "property", "period": "2022-01", "quantity": "3"}]}
    r = zhao.post("/api/v1/contracts/NX-001/usage/2022-01", json=body)
    assert r.status_code == 422 and r.json()["code"].startswith(("registry.", "usage."))
    assert r.json()["detail"]
    problem(zhao.post("/api/v1/contracts/NX-001/usage/2022-02", json=body), 422,
            "api.period_mismatch")
    problem(signed_in("finance").post("/api/v1/contracts/NX-001/usage/2022-01", json=body),
            403, "service.denied.role")
    assert zhao.get("/api/v1/contracts/NX-001/usage/2022-01").json() == []
