"""What a spawned process runs for the verify tests: imports only the library (a spawned
child re-imports this module by name, and the suite's several ``conftest`` modules would be
ambiguous there)."""

from __future__ import annotations

from typing import Any

from outsourcing.registry import Store
from outsourcing.registry._verify_parallel import walk_in_parallel


def walk_intact(url: str, keys: Any) -> tuple[bool, int, int, int, Any]:
    """In a fresh process (no other thread, so forking is safe): the chain walked in ranges
    by :func:`walk_in_parallel`; (walked in ranges, records, signed, head, first bad)."""
    store = Store.open(url, keys=keys, migrate=False)
    try:
        with store._read() as conn:
            head = conn.exec_driver_sql("SELECT seq FROM audit_head").scalar_one()
            walked = walk_in_parallel(conn, keys, {}, 4, 3, head)
        if walked is None:
            return False, 0, 0, head, None
        walk, bad = walked
        return True, walk.n, walk.signed, head, bad
    finally:
        store.close()
