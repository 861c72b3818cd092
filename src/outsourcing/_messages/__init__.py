"""The catalogue's entries by area (private): one module per area, so that the people
converting different parts of the library add their sentences without colliding.
:data:`outsourcing.messages_zh.MESSAGES` merges them; a code appears in one area only
(``tests/house/test_messages_from_one_catalogue.py`` checks it).

Each module holds ``MESSAGES: dict[str, str]`` — code → the Chinese sentence, saying what
is wrong and what is allowed, ``{placeholders}`` filled from the error's ``params``."""

from __future__ import annotations

from . import (
    api,
    dates,
    desk,
    install,
    model,
    money,
    ocds,
    plugins,
    procurement,
    region,
    registry,
    service,
    settlement,
    statement,
    web,
    workbooks,
)

AREAS: tuple[dict[str, str], ...] = (
    dates.MESSAGES, money.MESSAGES, model.MESSAGES, registry.MESSAGES, region.MESSAGES,
    statement.MESSAGES, settlement.MESSAGES, plugins.MESSAGES, procurement.MESSAGES,
    desk.MESSAGES, workbooks.MESSAGES, ocds.MESSAGES, install.MESSAGES, service.MESSAGES,
    api.MESSAGES, web.MESSAGES,
)
"""Every area's entries, in the order they are merged."""
