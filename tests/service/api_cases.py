"""Builders for the API tests (not a test module): the library's JSON of the registry tests'
contracts and assessments, and the month of one contract through the API."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Litestar
from litestar.testing import TestClient
from service_cases import contract, registry_cases

import outsourcing as o
from outsourcing.serialize import unstructure

Client = TestClient[Litestar]
JAN = o.Period.parse("2022-01")


def contract_json(cid: str, **kw: Any) -> dict[str, Any]:
    """A contract as the library's JSON (what ``POST /api/v1/contracts`` reads)."""
    data: dict[str, Any] = unstructure(contract(cid, **kw))
    return data


def assessments_json(period: o.Period = JAN, score: str = "95") -> dict[str, Any]:
    """The period's assessments of both lines, as ``POST …/assessments/{period}`` reads."""
    return {"assessments": [unstructure(registry_cases.assessment(line, period, score=score))
                            for line in ("property", "cleaning")]}


def settled_january(assessor: Client, officer: Client, cid: str = "NX-001") -> dict[str, Any]:
    """January of ``cid`` assessed (by the assessor) and settled (by the officer)."""
    r = assessor.post(f"/api/v1/contracts/{cid}/assessments/2022-01", json=assessments_json())
    assert r.status_code == 200, r.text
    r = officer.post(f"/api/v1/contracts/{cid}/settle/2022-01")
    assert r.status_code == 200, r.text
    out: dict[str, Any] = r.json()
    return out


def problem(r: Any, status: int, code: str) -> dict[str, Any]:
    """The problem details of a refusal, checked: the status, the media type, the code
    (``area.*``: any code of the area) and a Chinese sentence."""
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = r.json()
    if code.endswith(".*"):
        assert body["code"].split(".")[0] == code[:-2], body
    else:
        assert body["code"] == code, body
    assert body["status"] == status and body["detail"]
    return body


TODAY = date.today()
