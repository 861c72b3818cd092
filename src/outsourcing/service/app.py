"""The application factory (应用): :func:`create_app` puts the service together over a store.

The parts: the sessions (an encrypted cookie, :mod:`litestar.middleware.session`), CSRF on
every form (:class:`~outsourcing.service.auth.BearerExemptCSRF`), the dependencies
``store`` and ``principal``, the problem details (:mod:`outsourcing.service.problems`), the
Jinja2 templates of the package, the sign-in pages and ``GET /api/v1/me``
(:mod:`outsourcing.service.auth`), and the routes of :mod:`outsourcing.service.api` and
:mod:`outsourcing.service.web` when they are there (each exposes ``route_handlers()``).
OpenAPI is at ``/api/v1/openapi.json``.
"""

from __future__ import annotations

import hashlib
import importlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from litestar import Litestar
from litestar.config.csrf import CSRFConfig
from litestar.connection import ASGIConnection
from litestar.datastructures import ResponseHeader, State
from litestar.di import Provide
from litestar.middleware.base import DefineMiddleware
from litestar.middleware.session.client_side import (
    ClientSideSessionBackend,
    CookieBackendConfig,
)
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig
from litestar.types import ControllerRouterHandler

from .. import __version__
from ..errors import OutsourcingError
from ..registry import SignInLimits, Store
from .auth import (
    BearerExemptCSRF,
    me,
    provide_principal,
    sign_in_page,
    sign_in_submit,
    sign_out,
)
from .problems import SECURITY_HEADERS, exception_handlers

__all__ = ["SECRET_ENV", "SESSION_COOKIE", "app_from_env", "create_app"]

SECRET_ENV = "OUTSOURCING_SECRET"
SECRET_FILE_ENV = "OUTSOURCING_SECRET_FILE"
DEV_ENV = "OUTSOURCING_DEV"
SESSION_COOKIE = "outsourcing_session"
CSRF_COOKIE = "outsourcing_csrf"
TEMPLATES = Path(__file__).parent / "templates"
MIN_SECRET = 32
PARTS = ("api", "web")


class SecretError(OutsourcingError):
    """The service's secret is missing or too short (服务密钥)."""

    default_code = "service.secret"


class _SessionBackend(ClientSideSessionBackend):
    """Litestar's encrypted cookie sessions, where a cookie that does not decode (altered,
    truncated, garbage) is no session — never a 500."""

    async def load_from_connection(self, connection: ASGIConnection[Any, Any, Any, Any]
                                   ) -> dict[str, Any]:
        try:
            return await super().load_from_connection(connection)
        except Exception:
            return {}


class _SessionConfig(CookieBackendConfig):
    _backend_class = _SessionBackend


def _derive(secret: str, purpose: str) -> bytes:
    return hashlib.sha256(f"outsourcing:{purpose}:{secret}".encode()).digest()


def check_secret(secret: str | None) -> str:
    """The secret, if long enough (32 characters or more); else :class:`SecretError`."""
    if not isinstance(secret, str) or len(secret.strip()) < MIN_SECRET:
        raise SecretError(f"the service's secret has {MIN_SECRET} characters or more",
                          field=SECRET_ENV, value=None if secret is None else "***",
                          term="服务密钥", code="service.secret_missing",
                          params={"min": MIN_SECRET})
    return secret.strip()


def part_handlers() -> list[ControllerRouterHandler]:
    """The routes of the service's parts (:data:`PARTS`) that are installed: each package
    ``outsourcing.service.<part>`` exposes ``route_handlers()``."""
    out: list[ControllerRouterHandler] = []
    for part in PARTS:
        name = f"{__package__}.{part}"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        out.extend(module.route_handlers())
    return out


def create_app(store_or_url: Store | str | os.PathLike[str], *, secret: str,
               secure_cookies: bool = True, signin_limits: SignInLimits | None = None,
               session_hours: int = 8, debug: bool = False,
               extra_handlers: Sequence[ControllerRouterHandler] = ()) -> Litestar:
    """The service over a store (or the store at a URL, opened and migrated).

    ``secret`` (32 characters or more, e.g. ``$OUTSOURCING_SECRET``) keys the session
    cookie's encryption and the CSRF tokens: every worker of one service shares it, and
    changing it signs everyone out.  ``secure_cookies`` marks the cookies Secure (sent over
    HTTPS only): keep it on behind TLS; ``outsourcing serve --dev`` turns it off for plain
    HTTP on 127.0.0.1.  ``signin_limits`` slow brute-force sign-ins
    (:class:`~outsourcing.registry.SignInLimits`).  ``extra_handlers`` are added to the
    routes (tests, a bureau's own pages)."""
    secret = check_secret(secret)
    store = store_or_url if isinstance(store_or_url, Store) else Store.open(store_or_url)
    session = _SessionConfig(
        secret=_derive(secret, "session"), key=SESSION_COOKIE, max_age=session_hours * 3600,
        httponly=True, secure=secure_cookies, samesite="lax",
        exclude=["^/api/v1/openapi.json$"])
    csrf = CSRFConfig(secret=_derive(secret, "csrf").hex(), cookie_name=CSRF_COOKIE,
                      cookie_secure=secure_cookies, cookie_httponly=True,
                      cookie_samesite="lax", header_name="x-csrftoken")
    handlers: list[ControllerRouterHandler] = [sign_in_page, sign_in_submit, sign_out, me]
    handlers += part_handlers()
    handlers += list(extra_handlers)
    return Litestar(
        route_handlers=handlers,
        middleware=[session.middleware, DefineMiddleware(BearerExemptCSRF, config=csrf)],
        dependencies={"principal": Provide(provide_principal, sync_to_thread=True),
                      "store": Provide(lambda: store, sync_to_thread=False)},
        exception_handlers=exception_handlers(),
        response_headers=[ResponseHeader(name=k, value=v) for k, v in SECURITY_HEADERS.items()],
        template_config=TemplateConfig(directory=TEMPLATES, engine=JinjaTemplateEngine),
        openapi_config=OpenAPIConfig(title="outsourcing", version=__version__,
                                     path="/api/v1/openapi.json",
                                     render_plugins=[JsonRenderPlugin(path="/")]),
        state=State({"store": store, "signin_limits": signin_limits or SignInLimits()}),
        on_shutdown=[store.close] if not isinstance(store_or_url, Store) else [],
        debug=debug,
    )


def app_from_env() -> Litestar:
    """The application ``outsourcing serve`` runs in each worker: the store at
    ``$OUTSOURCING_DB``, the secret ``$OUTSOURCING_SECRET`` (or the file
    ``$OUTSOURCING_SECRET_FILE``), plain-HTTP cookies only when ``$OUTSOURCING_DEV`` is 1."""
    secret = os.environ.get(SECRET_ENV)
    path = os.environ.get(SECRET_FILE_ENV)
    if not secret and path:
        secret = Path(path).read_text(encoding="utf-8").strip()
    dev = os.environ.get(DEV_ENV) == "1"
    return create_app(os.environ.get("OUTSOURCING_DB") or "outsourcing.db",
                      secret=check_secret(secret), secure_cookies=not dev)
