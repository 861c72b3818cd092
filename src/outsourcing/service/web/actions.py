"""The forms of the contract page (合同操作): propose, sign or reject a change; record an
acceptance; settle a period; record a payment.

Each handler first finds the contract in the signed-in person's scope (404 otherwise,
audited), then refuses a role that may not act (403, audited); the store does the rest —
its own role and four-eyes checks, in one transaction — and a refusal of the library comes
back to the contract page as its Chinese sentence with its code, nothing written.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from litestar import Request, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect

from ...dates import Period, as_date
from ...errors import OutsourcingError
from ...money import Money
from ...registry import Role
from ..auth import CurrentPrincipal, StoreDependency, contract_in_scope, require_role
from .common import fail, succeed
from .forms import change_from

__all__ = ["accept_period", "propose_change", "record_payment", "reject_change",
           "settle_period", "sign_change"]

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


def back(cid: str, anchor: str = "") -> str:
    """The contract page's address (with an anchor)."""
    return f"/contracts/{quote(cid, safe='')}" + (f"#{anchor}" if anchor else "")


def _text(data: dict[str, Any], key: str) -> str:
    v = data.get(key, "")
    return (v if isinstance(v, str) else "").strip()[:2000]


@post("/contracts/{cid:str}/changes", sync_to_thread=True, include_in_schema=False,
      status_code=303)
def propose_change(request: Request[Any, Any, Any], principal: CurrentPrincipal,
                   store: StoreDependency, cid: FromPath[str], data: Form) -> Redirect:
    """Propose a change (提出变更): pending until an approver signs it."""
    contract_in_scope(store, principal, cid)
    require_role(store, principal, Role.OFFICER, action="propose_change",
                 obj=f"contracts:{cid}")
    try:
        change = change_from(data)
        store.propose_change(cid, change, by=principal.actor)
    except OutsourcingError as exc:
        return fail(request, exc, back(cid, "propose"))
    return succeed(request, f"已提出变更 {change.id}（待签）：须由另一位审批人签订", back(cid))


@post("/contracts/{cid:str}/changes/{change_id:str}/sign", sync_to_thread=True,
      include_in_schema=False, status_code=303)
def sign_change(request: Request[Any, Any, Any], principal: CurrentPrincipal,
                store: StoreDependency, cid: FromPath[str], change_id: FromPath[str]
                ) -> Redirect:
    """Sign a pending change after the library's checks (政府采购法 第四十九条、第五十条)."""
    contract_in_scope(store, principal, cid)
    require_role(store, principal, Role.APPROVER, action="sign_change",
                 obj=f"changes:{cid}/{change_id}")
    try:
        store.sign_change(cid, change_id, by=principal.actor, today=date.today())
    except OutsourcingError as exc:
        return fail(request, exc, back(cid))
    return succeed(request, f"已签订变更 {change_id}", back(cid))


@post("/contracts/{cid:str}/changes/{change_id:str}/reject", sync_to_thread=True,
      include_in_schema=False, status_code=303)
def reject_change(request: Request[Any, Any, Any], principal: CurrentPrincipal,
                  store: StoreDependency, cid: FromPath[str], change_id: FromPath[str],
                  data: Form) -> Redirect:
    """Reject a pending change with the reason (驳回)."""
    contract_in_scope(store, principal, cid)
    require_role(store, principal, Role.APPROVER, action="reject_change",
                 obj=f"changes:{cid}/{change_id}")
    try:
        store.reject_change(cid, change_id, _text(data, "reason"), by=principal.actor)
    except OutsourcingError as exc:
        return fail(request, exc, back(cid))
    return succeed(request, f"已驳回变更 {change_id}", back(cid))


@post("/contracts/{cid:str}/acceptances", sync_to_thread=True, include_in_schema=False,
      status_code=303)
def accept_period(request: Request[Any, Any, Any], principal: CurrentPrincipal,
                  store: StoreDependency, cid: FromPath[str], data: Form) -> Redirect:
    """Record a period's acceptance (验收): the payment clock starts on it."""
    contract_in_scope(store, principal, cid)
    require_role(store, principal, Role.OFFICER, Role.ASSESSOR, action="accept",
                 obj=f"acceptances:{cid}")
    try:
        period = Period.parse(_text(data, "period"))
        on = as_date(_text(data, "accepted_on"), field="accepted_on")
        store.accept(cid, period, on, by=principal.actor)
    except OutsourcingError as exc:
        return fail(request, exc, back(cid, "accept"))
    return succeed(request, f"已记录 {period} 的验收（{on}）", back(cid))


@post("/contracts/{cid:str}/settle", sync_to_thread=True, include_in_schema=False,
      status_code=303)
def settle_period(request: Request[Any, Any, Any], principal: CurrentPrincipal,
                  store: StoreDependency, cid: FromPath[str], data: Form) -> Redirect:
    """Settle a period from what the store holds (结算)."""
    contract_in_scope(store, principal, cid)
    require_role(store, principal, Role.FINANCE, Role.OFFICER, action="settle",
                 obj=f"statements:{cid}")
    try:
        period = Period.parse(_text(data, "period"))
        done = store.settle(cid, period, by=principal.actor)
    except OutsourcingError as exc:
        return fail(request, exc, back(cid, "settle"))
    what = ("结算内容未变，未生成新版本" if not done.written else
            f"{'更正结算单' if done.correction else '结算单'} 第{done.version}版")
    return succeed(request, f"已结算 {period}：应付 {done.statement.payable.format()}"
                   f"（{what}）", back(cid))


@post("/contracts/{cid:str}/payments", sync_to_thread=True, include_in_schema=False,
      status_code=303)
def record_payment(request: Request[Any, Any, Any], principal: CurrentPrincipal,
                   store: StoreDependency, cid: FromPath[str], data: Form) -> Redirect:
    """Record a payment against a settled period (登记付款)."""
    contract_in_scope(store, principal, cid)
    require_role(store, principal, Role.FINANCE, action="record_payment",
                 obj=f"payments:{cid}")
    try:
        period = Period.parse(_text(data, "period"))
        amount = Money(_text(data, "amount"), field="amount")
        on = as_date(_text(data, "paid_on"), field="paid_on")
        store.record_payment(cid, period, amount, on, by=principal.actor,
                             reference=_text(data, "reference"))
    except OutsourcingError as exc:
        return fail(request, exc, back(cid, "pay"))
    return succeed(request, f"已登记 {period} 付款 {amount.format()}（{on}）", back(cid))
