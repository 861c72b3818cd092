"""Who is asking (当前用户): sign-in and sign-out, the session, API tokens, CSRF, the current
principal every handler receives, and the unit scope.

- **Pages** sign in at ``/signin`` (a form: login name and password) and get a session: an
  encrypted, HttpOnly, SameSite=Lax cookie holding the login name and the moment it was
  issued; ``POST /signout`` ends it (and every other session of the account: the sign-out is
  recorded, :meth:`~outsourcing.registry.Store.sign_out`).  Failed sign-ins are slowed and
  audited by the store (:meth:`~outsourcing.registry.Store.sign_in`).
- **Agency systems** send ``Authorization: Bearer tok-….secret`` on every call; such a
  request is exempt from CSRF (a browser cannot send that header across sites) and uses the
  token only, never a cookie beside it.  Each use is logged with the token's id
  (``outsourcing.service.access``); writes are recorded under the token's actor.
- The **principal** (:class:`Principal`) is the account's or the token's actor with the
  roles and units it may use; the actor of every write comes from it, never from the
  request.  A handler names a parameter ``principal: Principal`` to receive it; without a
  session or token the API answers 401 and a page redirects to ``/signin``.
- **Scope**: :func:`contract_in_scope` gives a contract's unit when the principal sees it;
  outside the principal's unit subtree (or, for a supplier, not its own contract) the answer
  is the same 404 as for a contract that does not exist, and the attempt is audited.
  :func:`require_role` refuses (403, audited) a principal without one of the roles.
"""

from __future__ import annotations

import logging
from typing import Any

import attrs
from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.enums import ScopeType
from litestar.middleware.csrf import CSRFMiddleware
from litestar.params import FromQuery, URLEncodedBody
from litestar.response import Redirect, Template
from litestar.types import Receive, Scope, Send

from ..errors import AccessDenied, RegistryError
from ..registry import Role, SignInLimits, Store
from ..registry.common import now
from .problems import SignInRequired

__all__ = [
    "BearerExemptCSRF",
    "CurrentPrincipal",
    "Me",
    "Principal",
    "SignInForm",
    "StoreDependency",
    "contract_in_scope",
    "me",
    "provide_principal",
    "require_role",
    "sign_in_page",
    "sign_in_submit",
    "sign_out",
]

ACCESS = logging.getLogger("outsourcing.service.access")


@attrs.frozen
class Principal:
    """Who a request acts as (当前用户): the registry's actor, the roles it may use here, the
    units it sees (each with the units below it) or the supplier whose contracts it reads."""

    actor: str
    name: str
    roles: frozenset[Role]
    unit: str | None
    """The unit an account acts in (None: a supplier's account, or a token)."""
    units: frozenset[str]
    """The units whose subtrees it sees: an account's one unit, or a token's units."""
    visible: frozenset[str]
    """Every unit it sees: ``units`` and all below them."""
    supplier: str | None
    account: str | None = None
    token: str | None = None

    def has(self, *roles: Role) -> bool:
        """Whether it holds one of ``roles``."""
        return bool(self.roles & set(roles))

    def sees(self, unit: str | None, supplier: str) -> bool:
        """Whether a contract of ``unit`` with ``supplier`` is within its scope."""
        if self.supplier is not None:
            return supplier == self.supplier
        return unit is not None and unit in self.visible


CurrentPrincipal = NamedDependency[Principal]
"""A handler's parameter ``principal: CurrentPrincipal`` receives who acts."""
StoreDependency = NamedDependency[Store]
"""A handler's parameter ``store: StoreDependency`` receives the store."""


@attrs.frozen
class Me:
    """The principal as ``GET /api/v1/me`` shows it."""

    actor: str
    name: str
    roles: list[str]
    roles_zh: list[str]
    unit: str | None
    units: list[str]
    supplier: str | None
    account: str | None
    token: str | None


@attrs.frozen
class SignInForm:
    """The sign-in form (登录)."""

    login: str = ""
    password: str = ""
    next: str = "/"


def _store(request: Request[Any, Any, Any]) -> Store:
    store: Store = request.app.state.store
    return store


def principal_of(request: Request[Any, Any, Any]) -> Principal:
    """The principal of a request (token first, else the session), or :class:`SignInRequired`."""
    store = _store(request)
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, presented = header.partition(" ")
        token = store.token_for(presented.strip()) if scheme.lower() == "bearer" else None
        if token is None:
            raise SignInRequired(detail="token")
        actor = store.actor(token.actor)
        ACCESS.info("token %s (%s) as %s: %s %s", token.id, token.name, actor.id,
                    request.method, request.url.path)
        roles = token.roles & actor.roles
        return Principal(actor.id, actor.name, roles, None, token.units,
                         store.subtree(token.units), actor.supplier, token=token.id)
    session = request.session if "session" in request.scope else {}
    login, issued = session.get("account"), session.get("issued")
    acc = (store.session_account(login, issued)
           if isinstance(login, str) and isinstance(issued, str) else None)
    if acc is None:
        if session:
            request.clear_session()
        raise SignInRequired(detail="session")
    actor = store.actor(acc.actor)
    units = frozenset([acc.unit]) if acc.unit else frozenset()
    return Principal(actor.id, actor.name, actor.roles, acc.unit, units,
                     store.subtree(units), actor.supplier, account=acc.id)


def provide_principal(request: Request[Any, Any, Any]) -> Principal:
    """The dependency ``principal`` (run in a worker thread: it reads the store); the one a
    guard found already (the API's, before the body is read) when there is one."""
    found = getattr(request.state, "principal", None)
    return found if isinstance(found, Principal) else principal_of(request)


def require_role(store: Store, principal: Principal, *roles: Role, action: str,
                 obj: str) -> None:
    """Refuse (403, ``service.denied.role``, audited) a principal that holds none of
    ``roles`` for ``action`` on ``obj``."""
    if principal.has(*roles):
        return
    need = "或".join(r.zh for r in roles)
    store.record_refusal(principal.actor, action, obj, "service.denied.role",
                         f"{action} needs the role {' or '.join(r.value for r in roles)}")
    raise AccessDenied(f"{action} needs the role {' or '.join(r.value for r in roles)}",
                       field="roles", value=sorted(r.value for r in principal.roles),
                       term="角色", code="service.denied.role",
                       params={"roles_zh": need, "action": action})


def contract_in_scope(store: Store, principal: Principal, contract_id: str) -> str | None:
    """The unit of ``contract_id`` when ``principal`` may see the contract.  A contract
    outside its scope is refused exactly as one that does not exist (404,
    ``registry.unknown_contract``), and the attempt is audited (``denied:unit_scope``)."""
    found = store.contract_scope(contract_id)
    if found is not None and principal.sees(*found):
        return found[0]
    unknown = RegistryError("no such contract in the registry", field="contract_id",
                            value=contract_id, term="合同编号",
                            code="registry.unknown_contract")
    if found is not None:
        store.record_refusal(principal.actor, "unit_scope", f"contracts:{contract_id}",
                             "service.denied.unit_scope",
                             "the contract is outside the principal's units")
    raise unknown


# --- CSRF: every form, not Bearer calls ---------------------------------------------------
class BearerExemptCSRF(CSRFMiddleware):
    """Litestar's CSRF check, skipped for a request that authenticates with a Bearer token
    (it carries no cookie the service reads, and a browser cannot add the header cross-site)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP:
            for k, v in scope.get("headers", ()):
                if k == b"authorization" and v[:7].lower() == b"bearer ":
                    await self.app(scope, receive, send)
                    return
        await super().__call__(scope, receive, send)


# --- pages: sign in, sign out; the API: me -------------------------------------------------
def _local(target: str) -> str:
    """Only a path of this site (no open redirect)."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@get("/signin", sync_to_thread=False, include_in_schema=False)
def sign_in_page(next: FromQuery[str] = "/") -> Template:
    """The sign-in page (登录)."""
    return Template("signin.html", context={"next": _local(next), "error": None})


@post("/signin", sync_to_thread=True, include_in_schema=False, status_code=303)
def sign_in_submit(request: Request[Any, Any, Any], data: URLEncodedBody[SignInForm]) -> Any:
    """Check the form; a session on success, the page again (401 or 429) on failure."""
    store = _store(request)
    limits: SignInLimits = request.app.state.signin_limits
    client = request.client.host if request.client else "-"
    try:
        acc = store.sign_in(data.login, data.password, client=client, limits=limits)
    except AccessDenied as exc:
        status = 429 if exc.code == "registry.sign_in_slowed" else 401
        return Template("signin.html", status_code=status, context={
            "next": _local(data.next), "error": exc.message_zh, "login": data.login[:120]})
    request.set_session({"account": acc.id, "issued": now()})
    return Redirect(_local(data.next), status_code=303)


@post("/signout", sync_to_thread=True, include_in_schema=False, status_code=303)
def sign_out(request: Request[Any, Any, Any], principal: CurrentPrincipal) -> Redirect:
    """End the session (and every other session of the account)."""
    if principal.account is not None:
        _store(request).sign_out(principal.account)
    request.clear_session()
    return Redirect("/signin", status_code=303)


@get("/api/v1/me", sync_to_thread=False, tags=["auth"])
def me(principal: CurrentPrincipal) -> Me:
    """Who the request acts as: the actor, its roles and units (or supplier)."""
    roles = sorted(principal.roles)
    return Me(principal.actor, principal.name, [r.value for r in roles], [r.zh for r in roles],
              principal.unit, sorted(principal.units), principal.supplier, principal.account,
              principal.token)
