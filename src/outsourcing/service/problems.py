"""Errors as RFC 9457 problem details (问题详情), the library's and the framework's alike.

Every refusal the service sends is ``application/problem+json``::

    {"type": "urn:outsourcing:problem:registry.unknown_contract",
     "title": "合同编号", "status": 404,
     "detail": "<the Chinese sentence of the catalogue, with the field and value>",
     "code": "registry.unknown_contract", "field": "contract_id",
     "message": "<the developers' English>", "term": "合同编号", "citation": null}

- an :class:`~outsourcing.errors.OutsourcingError` keeps its stable ``code``, ``field`` and
  Chinese sentence (:attr:`~outsourcing.errors.OutsourcingError.message_zh`); its status is
  :func:`status_of` (403 for a refusal of who may act, 404 for something unknown, 409 for a
  conflict, else 422);
- a body the framework cannot read into the handler's type is 422 ``service.bad_body``
  naming the field (``errors``: each field and what is wrong);
- 401 ``service.sign_in_required`` (a page redirects to ``/signin`` instead), 403
  ``service.csrf``, 404 ``service.not_found``, 405, 429 and 500 (``service.internal``: one
  line, never a traceback) likewise.

A page (a path outside ``/api/``) that asks for HTML gets the same content as an HTML page
(``error.html``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.response import Redirect, Template

from ..errors import AccessDenied, OutsourcingError
from ..messages_zh import say

__all__ = ["PROBLEM", "SECURITY_HEADERS", "STATUS_OF_CODE", "SignInRequired",
           "exception_handlers", "problem", "status_of"]

PROBLEM = "application/problem+json"
LOG = logging.getLogger("outsourcing.service")

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "frame-ancestors 'none'; form-action 'self'; base-uri 'self'; "
                               "object-src 'none'",
}
"""Sent with every response: no content sniffing, no framing (clickjacking), no referrer
to other sites, forms post only here.  Scripts and styles are the pages' own business."""

STATUS_OF_CODE: dict[str, int] = {
    "registry.unknown_contract": 404,
    "registry.unknown_actor": 404,
    "registry.unknown_unit": 404,
    "registry.unknown_account": 404,
    "registry.unknown_token": 404,
    "registry.no_proposal": 404,
    "registry.conflict": 409,
    "registry.contract_exists": 409,
    "registry.change_exists": 409,
    "registry.change_decided": 409,
    "registry.account_exists": 409,
    "registry.unit_exists": 409,
    "registry.actor_exists": 409,
    "registry.sign_in_refused": 401,
    "registry.sign_in_slowed": 429,
    # the API's (svc-api)
    "registry.no_statement": 404,
    "registry.duplicate_reference": 409,
}
"""The HTTP status of the library's codes that are not 422 (the API adds its own here)."""


class SignInRequired(HTTPException):
    """No session and no token (401; a page redirects to ``/signin``)."""

    status_code = 401


def status_of(exc: OutsourcingError) -> int:
    """The HTTP status of a library error: :data:`STATUS_OF_CODE`, else 403 for an
    :class:`~outsourcing.errors.AccessDenied`, a code ``*.unknown_*`` 404, else 422."""
    code = exc.code
    if code in STATUS_OF_CODE:
        return STATUS_OF_CODE[code]
    if isinstance(exc, AccessDenied):
        return 403
    if ".unknown_" in code:
        return 404
    return 422


def problem(status: int, code: str, detail: str, *, title: str | None = None,
            field: str | None = None, headers: Mapping[str, str] | None = None,
            **extra: Any) -> dict[str, Any]:
    """The body of a problem (RFC 9457) with the library's members."""
    body: dict[str, Any] = {"type": f"urn:outsourcing:problem:{code}",
                            "title": title or say(f"service.status.{status}")
                            or str(status), "status": status, "detail": detail,
                            "code": code, "field": field}
    body.update(extra)
    return body


def _is_page(request: Request[Any, Any, Any]) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get(
        "accept", "")


def _respond(request: Request[Any, Any, Any], body: dict[str, Any],
             headers: Mapping[str, str] | None = None) -> Response[Any]:
    sent = {**SECURITY_HEADERS, **(headers or {})}
    if _is_page(request):
        return Template("error.html", context={"problem": body}, status_code=body["status"],
                        headers=sent)
    return Response(body, status_code=body["status"], media_type=PROBLEM, headers=sent)


def library_error(request: Request[Any, Any, Any], exc: OutsourcingError) -> Response[Any]:
    status = status_of(exc)
    body = problem(status, exc.code, exc.message_zh, title=exc.term, field=exc.field,
                   message=exc.reason, term=exc.term, citation=exc.citation,
                   rule_id=exc.rule_id)
    headers = {"Retry-After": str(60 * int(exc.params.get("minutes", 1)))} if status == 429 \
        else None
    return _respond(request, body, headers)


def http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    if isinstance(exc, SignInRequired) or status == 401:
        if _is_page(request):
            return Redirect(f"/signin?next={quote(request.url.path, safe='/')}",
                            status_code=303, headers=SECURITY_HEADERS)
        body = problem(401, "service.sign_in_required", say("service.sign_in_required"))
        return _respond(request, body, {"WWW-Authenticate": 'Bearer realm="outsourcing"'})
    if isinstance(exc, ValidationException) or status == 400:
        errors = [{"field": _field(e), "message": str(e.get("message", ""))}
                  for e in (exc.extra if isinstance(exc.extra, list) else [])
                  if isinstance(e, dict)]
        field = errors[0]["field"] if errors else None
        body = problem(422, "service.bad_body", say("service.bad_body", field=field or "-"),
                       field=field, errors=errors, message=exc.detail)
        return _respond(request, body)
    if status == 403 and exc.detail == "CSRF token verification failed":
        return _respond(request, problem(403, "service.csrf", say("service.csrf")))
    code = {403: "service.forbidden", 404: "service.not_found",
            405: "service.method_not_allowed", 429: "service.too_many"}.get(
        status, "service.http")
    return _respond(request, problem(status, code, say(code, status=status)),
                    exc.headers)


def _field(e: Mapping[str, Any]) -> str:
    key = e.get("key")
    return str(key) if key else str(e.get("source", "body"))


def internal_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    LOG.error("internal error on %s %s: %s: %s", request.method, request.url.path,
              type(exc).__name__, exc)
    return _respond(request, problem(500, "service.internal", say("service.internal")))


def exception_handlers() -> dict[type[Exception] | int, Any]:
    """The handlers :func:`outsourcing.service.create_app` installs."""
    return {OutsourcingError: library_error, HTTPException: http_error,
            500: internal_error}
