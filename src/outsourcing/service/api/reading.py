"""Reading a stored statement fast (结算单读取): one query finds the version asked for, and
the JSON of a version already read is kept in memory.

A stored statement never changes (the tables are append-only: a correction is a new row),
so its JSON — every figure with its explanation, and ``registry_version`` — is a function
of its row and of one fact that can still change after it was stored: whether the period
was paid by the person who settled it (``solo``, 单人操作).  The key is therefore (the
store, the row's id, ``solo``); the one query that finds the row reads ``solo`` too, so a
new version, a correction or a solo payment is seen at the very next request.  Measured in
``benchmarks/serve_load.py``: the query count of a statement read falls from twelve to one
beside the sign-in and the unit scope (``docs/service.md``)."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import Any

from sqlalchemy import Connection, and_, exists, select

from ...dates import Period
from ...errors import RegistryError
from ...registry import Store
from ...registry import schema as S
from ..auth import Principal, contract_in_scope

__all__ = ["MAX_KEPT", "statement_bytes", "statement_json"]

MAX_KEPT = 2048
"""The most statement documents one process keeps (least recently read go first)."""

_KEPT: OrderedDict[tuple[str, int, bool], bytes] = OrderedDict()
_LOCK = threading.Lock()


def statement_json(store: Store, contract_id: str, period: Period,
                   version: int | None = None) -> dict[str, Any]:
    """A stored statement as ``outsourcing statement show --json`` gives it: every figure
    with its explanation and every finding's Chinese text, and the stored version
    (``registry_version``: 更正结算单 第N版, the superseded payable, why, its audit record)."""
    v = store.statement_version(contract_id, period, version=version)
    s = store.statement(contract_id, period, version=v.version)
    return {**s.to_dict(explanations=True), "registry_version": v.to_dict()}


def _row(conn: Connection, contract_id: str, period: str, version: int | None
         ) -> tuple[str | None, str, int | None, int, bool] | None:
    """The contract's unit and supplier, and the statement's row id, version and ``solo``
    (None, 0 when no such statement); None when there is no such contract."""
    c, st, pay = S.contracts, S.statements, S.payments
    solo = exists().where(and_(pay.c.contract_id == contract_id, pay.c.period == period,
                               pay.c.solo == 1))
    on = and_(st.c.contract_id == c.c.id, st.c.period == period)
    if version is not None:
        on = and_(on, st.c.version == version)
    q = (select(c.c.unit_id, c.c.supplier_id, st.c.id, st.c.version, solo.label("solo"))
         .select_from(c.outerjoin(st, on)).where(c.c.id == contract_id)
         .order_by(st.c.version.desc()).limit(1))
    r = conn.execute(q).first()
    if r is None:
        return None
    return (r[0], str(r[1]), None if r[2] is None else int(r[2]), int(r[3] or 0), bool(r[4]))


def statement_bytes(store: Store, principal: Principal, contract_id: str, period: Period,
                    version: int | None = None) -> bytes:
    """:func:`statement_json` as UTF-8 JSON, from memory when this version was read
    before, when the caller may see the contract (one query finds the contract's unit and
    the statement; a contract outside the caller's scope, or without a unit recorded, goes
    to :func:`~outsourcing.service.auth.contract_in_scope`: 404 and audited, or the root);
    ``registry.no_statement`` when there is none."""
    with store.engine.connect() as conn:
        seen = _row(conn, contract_id, str(period), version)
        conn.rollback()
    if seen is None or seen[0] is None or not principal.sees(seen[0], seen[1]):
        contract_in_scope(store, principal, contract_id)
    found = None if seen is None or seen[2] is None else (seen[2], seen[3], seen[4])
    if found is None:
        raise RegistryError("no statement stored for this period", field="period",
                            value=f"{period} v{version}" if version else str(period),
                            term="结算单", code="registry.no_statement")
    row_id, number, solo = found
    key = (store.url, row_id, solo)
    with _LOCK:
        kept = _KEPT.get(key)
        if kept is not None:
            _KEPT.move_to_end(key)
            return kept
    body = json.dumps(statement_json(store, contract_id, period, number),
                      ensure_ascii=False, separators=(",", ":")).encode()
    with _LOCK:
        _KEPT[key] = body
        while len(_KEPT) > MAX_KEPT:
            _KEPT.popitem(last=False)
    return body
