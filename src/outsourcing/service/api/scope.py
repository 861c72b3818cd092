"""Who asks and what they may see (调用方与可见范围): the API's one door to the service's
sign-in and unit scoping (:mod:`outsourcing.service.auth`).

Every handler receives the store and the principal as dependencies (``store``,
``principal``), never from the request body: the actor of every write is the signed-in
account or the token.  A contract outside the caller's units (or, for a supplier, not its
own) is *not found* — 404, the same answer as for a contract that does not exist, and the
attempt audited — never "forbidden", so nothing leaks; a role the caller does not hold is
403 (audited).
"""

from __future__ import annotations

from typing import Any, cast

import anyio
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from ...errors import RegistryError
from ...registry import Role, Store
from ..auth import (
    CurrentPrincipal,
    Principal,
    StoreDependency,
    contract_in_scope,
    principal_of,
    require_role,
)

__all__ = ["CurrentPrincipal", "Principal", "StoreDependency", "need", "see", "signed_in",
           "visible_contracts"]


async def signed_in(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler
                    ) -> None:
    """The API's guard: who asks is known before the request's body is read, so a call
    without a valid session or token is 401 whatever its body (never a 422 about a body
    nobody may send).  The principal found is kept for the handler's ``principal``."""
    request = cast("Request[Any, Any, Any]", connection)  # the API serves HTTP only
    found = await anyio.to_thread.run_sync(principal_of, request)
    connection.state.principal = found


def see(store: Store, principal: Principal, contract_id: str) -> None:
    """Go on when the caller may see the contract; else 404 (audited)."""
    contract_in_scope(store, principal, contract_id)


def need(store: Store, principal: Principal, *roles: str, action: str, obj: str) -> None:
    """Go on when the caller holds one of ``roles`` (a token: the roles it was issued
    with); else 403 (``service.denied.role``, audited).  The store checks the actor's own
    roles and four eyes again when it writes."""
    require_role(store, principal, *(Role(r) for r in roles), action=action, obj=obj)


def visible_contracts(store: Store, principal: Principal, unit: str | None = None
                     ) -> frozenset[str]:
    """The ids of the contracts the caller may see — of ``unit`` and the units below it,
    when given (a unit the caller does not see is ``registry.unknown_unit``, 404, as one
    that does not exist); a supplier's: its own contracts."""
    if principal.supplier is not None:
        if unit:
            raise _no_unit(unit)
        return frozenset(c.id for c in store.contracts(supplier=principal.supplier))
    units = principal.visible
    if unit:
        if unit not in units:
            raise _no_unit(unit)
        units = units & store.subtree([unit])
    return frozenset(cid for cid, u in store.contract_units().items() if u in units)


def _no_unit(unit: str) -> RegistryError:
    return RegistryError("no such unit", field="unit", value=unit[:120], term="单位",
                         code="registry.unknown_unit")
