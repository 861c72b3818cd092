"""The JSON API (``/api/v1``): every operation of the desk over the store, for agency
systems (接口).

:func:`route_handlers` gives the ``/api/v1`` router the service's app mounts
(:func:`outsourcing.service.create_app`).  Each handler calls the same store methods the command
line does, with the caller as the actor (:mod:`.scope`); the library's errors go to the
service's problem-details handler (RFC 9457: the stable code, the field, the Chinese
sentence).  See ``docs/service.md``, "The JSON API".
"""

from __future__ import annotations

from litestar import Router

from .changes import ChangesApi, HeadroomApi
from .codec import Lib
from .contracts import ContractsApi
from .feed import FeedApi, FeedItem, FeedPage
from .inputs import InputsApi
from .payments import DueApi, PaymentsApi
from .scope import signed_in
from .statements import SettleApi, StatementsApi

__all__ = ["CONTROLLERS", "FeedItem", "FeedPage", "Lib", "api_router", "route_handlers"]

PREFIX = "/api/v1"

CONTROLLERS = (ContractsApi, ChangesApi, HeadroomApi, InputsApi, StatementsApi, SettleApi,
               PaymentsApi, DueApi, FeedApi)
"""Every controller of the API, in the order the OpenAPI document lists them."""


def api_router() -> Router:
    """The ``/api/v1`` router with every endpoint."""
    return Router(path=PREFIX, route_handlers=list(CONTROLLERS), guards=[signed_in])


def route_handlers() -> list[Router]:
    """What :func:`outsourcing.service.create_app` mounts from this part."""
    return [api_router()]
