"""The store as a service (一张网): an HTTP API for agency systems and a web desk for the
bureau's people, over :mod:`outsourcing.registry` (``outsourcing serve``; ``docs/service.md``).

>>> from outsourcing.service import create_app
>>> app = create_app("bureau.db", secret=SECRET)  # doctest: +SKIP

How to add routes (svc-api, svc-desk, a bureau's own)
-----------------------------------------------------
- Put the handlers in ``outsourcing/service/api/`` (the JSON API under ``/api/v1``) or
  ``outsourcing/service/web/`` (the pages); the package's ``__init__`` exposes
  ``route_handlers() -> list[ControllerRouterHandler]``, which :func:`create_app` adds.
  Litestar needs to be told how to run a sync handler: the store is blocking, so write
  ``@get("/api/v1/…", sync_to_thread=True)``.
- A handler receives by parameter name ``principal: CurrentPrincipal`` (a
  :class:`Principal`: who acts; a handler that names it requires a session or a token —
  401 for the API, a redirect to ``/signin`` for a page) and ``store: StoreDependency`` (the
  :class:`~outsourcing.registry.Store`).  The actor of every write is ``principal.actor``
  (``store.record_assessment(…, by=principal.actor)``), never a name in the request.
- Litestar 2.25 warns on inferred parameters, and the tests turn warnings into errors:
  mark every one — ``cid: FromPath[str]``, ``period: FromQuery[str]``,
  ``data: JSONBody[MyAttrsClass]`` (``URLEncodedBody``, ``MultipartBody`` for forms).
- Before reading or writing a contract call ``contract_in_scope(store, principal, cid)``:
  a contract outside the principal's units (or, for a supplier, another supplier's) is the
  same 404 as an unknown one, and the attempt is audited.  Filter lists with
  ``principal.sees(unit, supplier)`` (``store.contracts()`` gives each ``ContractInfo.unit``;
  None is the root).  A token may hold fewer roles than its actor: call
  ``require_role(store, principal, Role.FINANCE, action="settle", obj=f"contracts:{cid}")``
  before a write (403, audited); the store checks the actor's roles again.
- Raise the library's errors (``OutsourcingError`` with a specific ``code``): they become
  RFC 9457 problem details with the code, the field and the Chinese sentence
  (:mod:`outsourcing.service.problems`; a code that is not 422 goes in
  ``STATUS_OF_CODE``).  A body that does not fit the handler's attrs type is 422 naming the
  field.  Serve attrs classes directly: Litestar writes their JSON and their OpenAPI schema.
- Every form carries ``{{ csrf_input | safe }}`` (templates extend ``base.html``); a
  session-authenticated ``fetch`` or htmx call sends the ``x-csrftoken`` header (the value
  of the template's ``csrf_token()``).  Bearer-token calls need none.
- Tests reuse the fixtures of ``tests/service/conftest.py``: a store with units and
  accounts (officer, approver, finance, supplier, county officer), ``signed_in(login)``
  clients and token clients, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import SECRET_ENV, app_from_env, create_app
    from .auth import (
        CurrentPrincipal,
        Me,
        Principal,
        StoreDependency,
        contract_in_scope,
        require_role,
    )
    from .problems import STATUS_OF_CODE, problem, status_of

__all__ = ["SECRET_ENV", "STATUS_OF_CODE", "CurrentPrincipal", "Me", "Principal",
           "StoreDependency", "app_from_env", "contract_in_scope", "create_app", "problem",
           "require_role", "status_of"]

_FROM = {"SECRET_ENV": "app", "app_from_env": "app", "create_app": "app",
         "CurrentPrincipal": "auth", "Me": "auth", "Principal": "auth",
         "StoreDependency": "auth", "contract_in_scope": "auth", "require_role": "auth",
         "STATUS_OF_CODE": "problems", "problem": "problems", "status_of": "problems"}


def __getattr__(name: str) -> Any:
    """The service's names, imported on first use: the command line
    (:mod:`outsourcing.service.accounts_cli`) imports this package without the ``serve``
    extra; using the application without it is a :class:`~outsourcing.MissingExtra` naming
    the extra."""
    if name not in _FROM:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    from .._extras import require

    require("serve", "litestar", "uvicorn", "jinja2", "argon2")
    return getattr(import_module(f"{__name__}.{_FROM[name]}"), name)
