"""Entering a period's assessment on the desk (录入考核): a form per KPI of each line
running in the period, or the assessment workbook (the template to download, the filled one
to upload) — the same template and reader the command line uses
(:mod:`outsourcing.desk.xlsx_assess`)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect

from ...desk.xlsx_assess import assessment_template, import_assessments
from ...desk.xlsx_assess_template import Template as AssessTemplate
from ...desk.xlsx_assess_template import template_for
from ...errors import OutsourcingError
from ...registry import Imported, Role, Store
from ..auth import CurrentPrincipal, StoreDependency, contract_in_scope, require_role
from .actions import Form, back
from .common import fail, page, succeed
from .forms import FormError, assessment_fields, assessments_from
from .statements import XLSX, _period

__all__ = ["assessment_form", "assessment_submit", "assessment_template_xlsx",
           "assessment_upload"]

MAX_UPLOAD = 5 * 1024 * 1024
"""The largest workbook the desk takes (the reader checks it again within its limits)."""


def _here(cid: str, period: str) -> str:
    return f"{back(cid)}/assessments/{period}"


# the form posts to ``…/record``, not to its own address: Litestar 2.25 mis-dispatches a
# sync GET handler that shares its path with a POST handler
def _done(period: str, done: Imported) -> str:
    parts = [f"新录入 {'、'.join(done.new)}" if done.new else "",
             f"更正 {'、'.join(done.corrected)}" if done.corrected else "",
             f"内容未变 {'、'.join(done.same)}" if done.same else ""]
    return f"已录入 {period} 考核：" + "；".join(x for x in parts if x)


def _template(store: Store, cid: str, period: str) -> tuple[AssessTemplate, Any, Any, Any]:
    tl = store.timeline(cid)
    rb = store.plugins.rulebook(tl.contract.jurisdiction)
    _, kpis = store.terms(cid)
    return template_for(tl, period, rb, kpis=kpis or None), tl, rb, kpis


@get("/contracts/{cid:str}/assessments/{period:str}", sync_to_thread=True,
     include_in_schema=False)
def assessment_form(request: Request[Any, Any, Any], principal: CurrentPrincipal,
                    store: StoreDependency, cid: FromPath[str], period: FromPath[str]
                    ) -> Response[Any]:
    """The assessment form of a period: each running line's KPIs, as measured."""
    contract_in_scope(store, principal, cid)
    require_role(store, principal, Role.ASSESSOR, action="record_assessment",
                 obj=f"assessments:{cid}")
    given = request.query_params.get("period")
    if given and given != period:
        return Redirect(_here(cid, _period(given)), status_code=303)
    p = _period(period)
    try:
        t, *_ = _template(store, cid, p)
    except OutsourcingError as exc:
        return fail(request, exc, back(cid))
    recorded = [a.line for a in store.assessments(cid, p)]
    (info,) = [c for c in store.contracts() if c.id == cid]
    return page(request, store, principal, "assessment.html", "contracts", {
        "c": info, "period": p, "lines": assessment_fields(t), "recorded": recorded,
        "assessor": principal.name})


@post("/contracts/{cid:str}/assessments/{period:str}/record", sync_to_thread=True,
      include_in_schema=False, status_code=303)
def assessment_submit(request: Request[Any, Any, Any], principal: CurrentPrincipal,
                      store: StoreDependency, cid: FromPath[str], period: FromPath[str],
                      data: Form) -> Redirect:
    """Record the form's assessments, all lines in one transaction."""
    contract_in_scope(store, principal, cid)
    require_role(store, principal, Role.ASSESSOR, action="record_assessment",
                 obj=f"assessments:{cid}")
    p = _period(period)
    correction = str(data.get("correction") or "").strip()[:2000] or None
    try:
        t, *_ = _template(store, cid, p)
        found = assessments_from(data, t)
        done = store.import_assessments(cid, found, by=principal.actor, correction=correction)
    except OutsourcingError as exc:
        return fail(request, exc, _here(cid, p))
    return succeed(request, _done(p, done), back(cid))


@post("/contracts/{cid:str}/assessments/{period:str}/upload", sync_to_thread=True,
      include_in_schema=False, status_code=303)
def assessment_upload(request: Request[Any, Any, Any], principal: CurrentPrincipal,
                      store: StoreDependency, cid: FromPath[str], period: FromPath[str],
                      data: Annotated[dict[str, Any],
                                      Body(media_type=RequestEncodingType.MULTI_PART)]
                      ) -> Redirect:
    """Import a filled assessment workbook, in one transaction."""
    contract_in_scope(store, principal, cid)
    require_role(store, principal, Role.ASSESSOR, action="record_assessment",
                 obj=f"assessments:{cid}")
    p = _period(period)
    upload = data.get("workbook")
    correction = str(data.get("correction") or "").strip()[:2000] or None
    try:
        if not isinstance(upload, UploadFile):
            raise FormError("no workbook uploaded", field="workbook", term="考核表",
                            code="service.web.no_workbook")
        body = upload.file.read(MAX_UPLOAD + 1)
        if len(body) > MAX_UPLOAD:
            raise FormError("the workbook is too large", field="workbook", value=len(body),
                            term="考核表", code="service.web.workbook_too_large",
                            params={"limit": MAX_UPLOAD // (1024 * 1024)})
        _, tl, rb, kpis = _template(store, cid, p)
        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / "assessment.xlsx"
            path.write_bytes(body)
            found = import_assessments(path, tl, p, rb, kpis=kpis or None)
        done = store.import_assessments(cid, found, by=principal.actor, correction=correction)
    except OutsourcingError as exc:
        return fail(request, exc, _here(cid, p))
    return succeed(request, _done(p, done), back(cid))


@get("/contracts/{cid:str}/assessments/{period:str}/template.xlsx", sync_to_thread=True,
     include_in_schema=False)
def assessment_template_xlsx(principal: CurrentPrincipal, store: StoreDependency,
                             cid: FromPath[str], period: FromPath[str]) -> Response[bytes]:
    """The period's assessment workbook to fill (考核表模板)."""
    contract_in_scope(store, principal, cid)
    p = _period(period)
    _, tl, rb, kpis = _template(store, cid, p)
    with tempfile.TemporaryDirectory() as d:
        path = assessment_template(tl, p, rb, Path(d) / "template.xlsx", kpis=kpis or None)
        body = path.read_bytes()
    name = quote(f"考核表-{cid}-{p}.xlsx")
    return Response(body, media_type=XLSX, headers={
        "Content-Disposition": "attachment; filename=\"assessment.xlsx\"; "
                               f"filename*=UTF-8''{name}"})
