"""A statement on the desk (结算单): viewed, printed (the printable page of
:mod:`outsourcing.desk.printable`, its Chinese font embedded) and downloaded as a workbook
(:mod:`outsourcing.desk.xlsx_statement`); and what is due (应付款项)."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

from litestar import Request, Response, get
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from ...dates import Period
from ...desk.capitals import amount_in_capitals
from ...desk.printable import statement_html, statement_text
from ...desk.xlsx_statement import export_statements
from ...errors import OutsourcingError
from ...messages_zh import citation_for_people
from ...money import Money, pct
from ..auth import CurrentPrincipal, StoreDependency, contract_in_scope
from .common import page
from .contracts import visible_contracts

__all__ = ["due_page", "statement_page", "statement_print", "statement_xlsx"]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class PeriodError(OutsourcingError):
    """A period in an address the desk cannot read (期间)."""

    default_code = "service.web.period"


def _period(text: str) -> str:
    try:
        return str(Period.parse(text))
    except (OutsourcingError, ValueError):
        raise PeriodError("not a period like 2022-10, 2022-Q4 or 2022", field="period",
                          value=text[:40], term="期间", code="service.web.unknown_period"
                          ) from None


def _lines(s: Any) -> list[dict[str, str]]:
    return [{"service": x.service_zh, "site": x.site,
             "score": "—" if x.score is None else str(x.score),
             "rate": "—" if x.pay_rate is None else pct(x.pay_rate), "fee": x.fee.format(),
             "deductions": x.deductions_applied.format(), "holdback": x.holdback.format(),
             "payable": x.payable.format()}
            for x in s.lines]


@get("/contracts/{cid:str}/statements/{period:str}", sync_to_thread=True,
     include_in_schema=False)
def statement_page(request: Request[Any, Any, Any], principal: CurrentPrincipal,
                   store: StoreDependency, cid: FromPath[str], period: FromPath[str]
                   ) -> Template:
    """The statement in force of a period, with its figures and their basis in Chinese."""
    contract_in_scope(store, principal, cid)
    p = _period(period)
    s = store.statement(cid, p)
    v = store.statement_version(cid, p)
    (info,) = [c for c in store.contracts() if c.id == cid]
    view = {"supplier_name": store.contract(cid).supplier.name,
            "fee": s.fee.format(), "deductions": s.deductions.format(),
            "holdback": s.holdback.format(),
            "payable": s.payable.format(), "due_on": s.due_on, "lines": _lines(s),
            "capitals": amount_in_capitals(s.payable),
            "findings": [{"severity": f.severity.value, "text": f.message_zh,
                          "citation": citation_for_people(f.citation or "")}
                         for f in s.findings]}
    return page(request, store, principal, "statement.html", "contracts", {
        "c": info, "period": p, "s": view, "version": v, "version_lines": v.lines_zh(),
        "text": statement_text(s, version=v)})


@get("/contracts/{cid:str}/statements/{period:str}/print", sync_to_thread=True,
     include_in_schema=False)
def statement_print(principal: CurrentPrincipal, store: StoreDependency,
                    cid: FromPath[str], period: FromPath[str]) -> Response[str]:
    """The printable statement (打印版): one self-contained page, the font embedded."""
    contract_in_scope(store, principal, cid)
    p = _period(period)
    html = statement_html(store.statement(cid, p), version=store.statement_version(cid, p))
    return Response(html, media_type="text/html; charset=utf-8")


@get("/contracts/{cid:str}/statements/{period:str}/xlsx", sync_to_thread=True,
     include_in_schema=False)
def statement_xlsx(principal: CurrentPrincipal, store: StoreDependency,
                   cid: FromPath[str], period: FromPath[str]) -> Response[bytes]:
    """The statement as a workbook (结算单.xlsx)."""
    contract_in_scope(store, principal, cid)
    p = _period(period)
    s = store.statement(cid, p)
    with tempfile.TemporaryDirectory() as d:
        path = export_statements([s], Path(d) / "statement.xlsx",
                                 versions=[store.statement_version(cid, p)])
        body = path.read_bytes()
    name = quote(f"结算单-{cid}-{p}.xlsx")
    return Response(body, media_type=XLSX, headers={
        "Content-Disposition": "attachment; filename=\"statement.xlsx\"; "
                               f"filename*=UTF-8''{name}"})


@get("/due", sync_to_thread=True, include_in_schema=False)
def due_page(request: Request[Any, Any, Any], principal: CurrentPrincipal,
             store: StoreDependency, on: FromQuery[str] = "", every: FromQuery[str] = ""
             ) -> Template:
    """What is due on a day over the contracts the signed-in person sees (a supplier: what is
    due to it)."""
    try:
        day = date.fromisoformat(on) if on else date.today()
    except ValueError:
        day = date.today()
    seen = {c.id for c in visible_contracts(store, principal)}
    rows = [d for d in store.due(day, every=every == "1") if d.contract_id in seen]
    positive = [d.outstanding for d in rows if d.outstanding > Money.ZERO]
    names = {u.id: u.name for u in store.units()}
    scope = ("本供应商的合同" if principal.supplier else
             "、".join(names.get(u, u) for u in sorted(principal.units)) + " 及下级单位")
    return page(request, store, principal, "due.html", "due", {
        "rows": rows, "on": day.isoformat(), "every": every == "1", "scope_zh": scope,
        "total": Money.sum(positive).format(),
        "overdue_total": Money.sum(d.outstanding for d in rows if d.overdue).format(),
        "interest_total": Money.sum(d.late_interest for d in rows).format()})
