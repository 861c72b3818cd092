"""The rows the region's view reads for a year (private to :mod:`.region`): a few queries
over many contracts, grouped by contract."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import attrs
from sqlalchemy import Connection, and_, select

from ..dates import Period
from ..statement.json import record_from_dict
from . import schema as S
from .documents import read_document

if TYPE_CHECKING:
    from .store import Store

__all__ = ["YearRows", "year_rows"]

CHUNK = 500
"""Contract ids per ``IN (…)`` (SQLite and PostgreSQL both take this many at once)."""


@attrs.frozen
class YearRows:
    """Per contract id: fen paid in the year, fen payable by the statements in force of the
    year's periods, (sum of the assessed lines' scores in hundredths, how many), warnings
    (warning notices and replacement thresholds), (fen overdue on the day asked, how many
    periods)."""

    paid: dict[str, int]
    payable: dict[str, int]
    scores: dict[str, tuple[int, int]]
    warnings: dict[str, int]
    overdue: dict[str, tuple[int, int]]


def _in_year(period: str, year: int, on: date) -> bool:
    p = Period.parse(period)
    return p.start.year == year and p.start <= on


def _scored(document: Any) -> tuple[int, int, int]:
    """The assessed lines' scores of a stored statement (hundredths, count) and its warnings
    (each line's warning notice, 预警通知, and each replacement threshold reached); a
    statement stored in the first format (every explanation kept) counts none."""
    data = read_document(document)
    if data.get("format") == 1:
        return 0, 0, 0
    record = record_from_dict(data["statement"])
    got = [x.score for x in record.lines if x.status == 0 and x.score is not None]
    return sum(got), len(got), len(record.notices) + len(record.triggers)


def _statements(conn: Connection, ids: Sequence[str], year: int, on: date
                ) -> dict[tuple[str, str], Any]:
    st = S.statements
    latest: dict[tuple[str, str], Any] = {}
    for i in range(0, len(ids), CHUNK):
        q = (select(st.c.id, st.c.contract_id, st.c.period, st.c.version, st.c.payable_fen,
                    st.c.document)
             .where(st.c.contract_id.in_(ids[i:i + CHUNK]), st.c.period.like(f"{year}%"))
             .order_by(st.c.contract_id, st.c.period, st.c.version))
        for r in conn.execute(q):
            if _in_year(r.period, year, on):
                latest[(r.contract_id, r.period)] = r
    return latest


def _paid(conn: Connection, ids: Sequence[str], year: int, on: date) -> dict[str, int]:
    pay = S.payments
    out: dict[str, int] = {}
    for i in range(0, len(ids), CHUNK):
        for cid, fen in conn.execute(select(pay.c.contract_id, pay.c.amount_fen).where(
                pay.c.contract_id.in_(ids[i:i + CHUNK]),
                and_(pay.c.paid_on >= date(year, 1, 1), pay.c.paid_on <= on))):
            out[cid] = out.get(cid, 0) + fen
    return out


def year_rows(store: Store, ids: Sequence[str], year: int, on: date) -> YearRows:
    """The year's rows of the contracts ``ids`` up to ``on`` (see :class:`YearRows`)."""
    ids = list(ids)
    with store._read() as conn:
        latest = _statements(conn, ids, year, on)
        paid = _paid(conn, ids, year, on)
    payable: dict[str, int] = {}
    scores: dict[str, tuple[int, int]] = {}
    warnings: dict[str, int] = {}
    for (cid, _), r in latest.items():
        payable[cid] = payable.get(cid, 0) + r.payable_fen
        s, n, w = _scored(r.document)
        got = scores.get(cid, (0, 0))
        scores[cid] = (got[0] + s, got[1] + n)
        warnings[cid] = warnings.get(cid, 0) + w
    wanted = set(ids)
    overdue: dict[str, tuple[int, int]] = {}
    for d in store.due(on):
        if d.contract_id in wanted and d.overdue:
            fen, n = overdue.get(d.contract_id, (0, 0))
            overdue[d.contract_id] = (fen + d.outstanding.fen, n + 1)
    return YearRows(paid, payable, scores, warnings, overdue)
