"""``python -m outsourcing.registry [URL]``: bring a registry database to the newest schema."""

from __future__ import annotations

import sys

from ..errors import RegistryError
from .migrate import current_revision
from .store import Store

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """``python -m outsourcing.registry [URL]``: bring a database to the newest
    schema (default URL: ``$OUTSOURCING_DB``, else ``outsourcing.db`` here)."""
    args = sys.argv[1:] if argv is None else argv
    try:
        store = Store.open(args[0] if args else None)
    except RegistryError as exc:
        print(exc.message_zh, file=sys.stderr)
        return 2
    with store.engine.connect() as conn:
        print(f"schema revision {current_revision(conn)}")
    store.close()
    return 0

