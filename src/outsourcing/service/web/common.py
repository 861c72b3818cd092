"""What every page of the web desk shares (网上办公公共部分): who is signed in as the pages
show it, what each role may do, one-time messages after a form (提示), and the refusal of a
form whose role does not fit.

The rules are the library's: a page only decides which buttons to show and refuses early
(403, audited, :func:`~outsourcing.service.auth.require_role`); the store checks the actor's
roles and four eyes again on every write.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import attrs
from litestar import Request
from litestar.response import Redirect, Template

from ...catalogue import Catalogue
from ...errors import OutsourcingError
from ...registry import Role, Store
from ..auth import Principal

__all__ = ["Can", "MeView", "can_for", "fail", "flash", "page", "service_zh", "succeed",
           "take_flashes"]

FLASH = "flash"
MAX_FLASHES = 4


@attrs.frozen
class MeView:
    """The signed-in person as the top bar shows it."""

    actor: str
    name: str
    roles_zh: tuple[str, ...]
    unit: str | None
    unit_name: str
    supplier: str | None


@attrs.frozen
class Can:
    """Which actions a page offers the signed-in person on a contract (each checked again by
    the handler and by the store)."""

    propose: bool = False
    sign: bool = False
    assess: bool = False
    accept: bool = False
    settle: bool = False
    pay: bool = False


def can_for(p: Principal) -> Can:
    """What ``p`` may do on a contract it sees: a supplier's account reads only."""
    if p.supplier is not None:
        return Can()
    return Can(propose=p.has(Role.OFFICER), sign=p.has(Role.APPROVER),
               assess=p.has(Role.ASSESSOR), accept=p.has(Role.OFFICER, Role.ASSESSOR),
               settle=p.has(Role.FINANCE, Role.OFFICER), pay=p.has(Role.FINANCE))


def me_view(store: Store, p: Principal) -> MeView:
    unit_name = ""
    if p.unit is not None:
        try:
            unit_name = store.unit(p.unit).name
        except OutsourcingError:
            unit_name = p.unit
    roles = tuple(r.zh for r in sorted(p.roles))
    return MeView(p.actor, p.name, roles, p.unit, unit_name, p.supplier)


def flash(request: Request[Any, Any, Any], kind: str, text: str, code: str = "") -> None:
    """Keep a one-time message for the next page (``ok`` or ``bad``)."""
    session = dict(request.session) if "session" in request.scope else {}
    kept = list(session.get(FLASH, []))[-(MAX_FLASHES - 1):]
    kept.append([kind, text[:500], code[:80]])
    session[FLASH] = kept
    request.set_session(session)


def take_flashes(request: Request[Any, Any, Any]) -> list[tuple[str, str, str]]:
    """The messages kept for this page, removed from the session."""
    if "session" not in request.scope:
        return []
    session = dict(request.session)
    found = session.pop(FLASH, None)
    if not found:
        return []
    request.set_session(session)
    return [(str(k), str(t), str(c)) for k, t, c in found]


def page(request: Request[Any, Any, Any], store: Store, principal: Principal, name: str,
         nav: str, context: Mapping[str, Any], status_code: int = 200) -> Template:
    """A page of the desk: the template ``name`` with the signed-in person, the messages
    kept for it and ``context``."""
    ctx = {"me": me_view(store, principal), "nav": nav, "flashes": take_flashes(request),
           "today": date.today().isoformat(), **context}
    return Template(name, context=ctx, status_code=status_code)


def succeed(request: Request[Any, Any, Any], text: str, to: str) -> Redirect:
    """Back to ``to`` with a message that the action was done."""
    flash(request, "ok", text)
    return Redirect(to, status_code=303)


def fail(request: Request[Any, Any, Any], exc: OutsourcingError, to: str) -> Redirect:
    """Back to ``to`` with the library's Chinese sentence and its code: nothing was
    written (every write of the store is one transaction)."""
    flash(request, "bad", exc.message_zh, exc.code)
    return Redirect(to, status_code=303)


def service_zh(catalogue: Catalogue, code: str) -> str:
    """A service's Chinese name from the catalogue (the code itself when unknown)."""
    return catalogue.get(code).name_zh if code in catalogue else code
