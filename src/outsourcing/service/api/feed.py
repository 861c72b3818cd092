"""The change feed (变更订阅): ``GET /api/v1/changes?since=CURSOR``, for an agency system that
follows what the store records, as Prozorro's feed does — and the audit chain's check.

The position of an item is the sequence number of its audit record (审计链位置).  Writers
append to the chain one after another, each holding the chain's head until it commits, so
positions are handed out in the order of commits and a position once seen never has an
earlier one appear behind it: a client that keeps ``next`` and asks again misses nothing
and gets nothing twice.  Each item names what changed (the table's kind, the action, the
contract and period) and the URL to read it; refusals (``denied:…``) and the records of
people, accounts and units are not items.  Only what the caller's units may see is listed;
``next`` moves past what it may not, so the feed never stalls on another unit's work.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs
from litestar import Controller, get
from sqlalchemy import Connection, select

from ...registry import Store, Verification
from ...registry import schema as S
from .codec import Lib
from .files import ApiError
from .params import ContractId, LimitQuery, SinceQuery
from .scope import CurrentPrincipal, StoreDependency, need, visible_contracts

__all__ = ["FeedApi", "FeedItem", "FeedPage", "feed_page"]

PATHS: Mapping[str, str] = {
    "contracts": "", "contract_lines": "", "final_scores": "/final-scores",
    "changes": "/changes", "change_decisions": "/changes",
    "assessments": "/assessments/{period}", "usage_records": "/usage/{period}",
    "acceptances": "/acceptance/{period}", "statements": "/statements/{period}",
    "findings": "/statements/{period}", "payments": "/payments?period={period}",
}
"""Each table whose rows belong to a contract → where the API shows them."""

MAX_LIMIT = 1000
MAX_SCAN = 20_000
"""The most audit records one page reads, whatever the caller may see (bounded work)."""


@attrs.frozen
class FeedItem:
    """One recorded change (变更): its position in the audit chain, when, what."""

    position: int
    at: str
    kind: str
    """What was recorded: ``contracts``, ``changes``, ``change_decisions``, ``assessments``,
    ``usage_records``, ``acceptances``, ``statements``, ``findings``, ``payments`` …"""
    action: str
    """The store's action (``add_contract``, ``sign_change``, ``settle``, ``record_payment``…)."""
    contract_id: ContractId
    period: str | None
    url: str


@attrs.frozen
class FeedPage:
    """A page of the feed: the items after the cursor, and the cursor to ask with next."""

    items: list[FeedItem]
    next: int
    """Ask ``?since=`` this next time (the last position read, even one not shown)."""
    more: bool
    """True when more records were waiting when the page was read."""


def _owners(conn: Connection, table: str, keys: Sequence[str]) -> dict[str, tuple[str, str | None]]:
    """For rows of ``table`` by key: (contract id, period or None)."""
    if table == "contracts":
        return {k: (k, None) for k in keys}
    t = S.metadata.tables[table]
    ids = [int(k) for k in keys if k.isdigit()]
    cols = [t.c.id, t.c.contract_id] + ([t.c.period] if "period" in t.c else [])
    out: dict[str, tuple[str, str | None]] = {}
    for row in conn.execute(select(*cols).where(t.c.id.in_(ids))):
        out[str(row[0])] = (str(row[1]), None if len(row) < 3 else str(row[2]))
    return out


def _items(conn: Connection, rows: Sequence[Any]) -> list[tuple[int, FeedItem | None]]:
    """Each audit record read as an item, or None when it is not one."""
    wanted: dict[str, list[str]] = {}
    for r in rows:
        table, _, key = str(r.object).partition(":")
        if table in PATHS and not r.action.startswith("denied") and r.action != "rate_limited":
            wanted.setdefault(table, []).append(key)
    owners = {t: _owners(conn, t, ks) for t, ks in wanted.items()}
    out: list[tuple[int, FeedItem | None]] = []
    for r in rows:
        table, _, key = str(r.object).partition(":")
        found = owners.get(table, {}).get(key)
        if found is None or r.action.startswith("denied"):
            out.append((int(r.seq), None))
            continue
        cid, period = found
        url = f"/api/v1/contracts/{cid}" + PATHS[table].format(period=period)
        out.append((int(r.seq), FeedItem(int(r.seq), r.at, table, r.action, cid, period,
                                         url)))
    return out


def feed_page(store: Store, since: int, limit: int, sees: Callable[[str], bool]) -> FeedPage:
    """The items after position ``since`` that ``sees`` lets through, at most ``limit``;
    reads at most :data:`MAX_SCAN` audit records."""
    audit = S.audit
    items: list[FeedItem] = []
    cursor, scanned = since, 0
    chunk = min(max(limit * 4, 200), 5000)
    with store.engine.connect() as conn:
        while len(items) < limit and scanned < MAX_SCAN:
            rows = conn.execute(select(audit.c.seq, audit.c.at, audit.c.action,
                                       audit.c.object).where(audit.c.seq > cursor)
                                .order_by(audit.c.seq).limit(chunk)).all()
            for seq, item in _items(conn, rows):
                if item is not None and sees(item.contract_id):
                    items.append(item)
                cursor, scanned = seq, scanned + 1
                if len(items) >= limit:
                    break
            if len(rows) < chunk:
                break
        more = conn.execute(select(audit.c.seq).where(audit.c.seq > cursor).limit(1)
                            ).first() is not None
        conn.rollback()
    return FeedPage(items, cursor, more)


class FeedApi(Controller):
    """变更订阅与审计核验。"""

    path = "/"
    tags = ("变更订阅与审计",)

    @get("/changes", summary="变更订阅（按审计链位置）", sync_to_thread=True,
         return_dto=Lib[FeedPage],
         description="登记库记录的变更，按审计链位置（单调递增）排列：每项写明变更的种类、"
                     "动作、合同、期间和读取它的网址。since 为上次返回的 next（首次为 0）；"
                     "只列出本单位（含下级单位）可见的合同。limit 默认 100，至多 1000。")
    def changes(self, store: StoreDependency, principal: CurrentPrincipal, since: SinceQuery = "0",
                limit: LimitQuery = 100) -> FeedPage:
        if not since.isdigit() or len(since) > 18:
            raise ApiError("the cursor is the 'next' of the previous page, a whole number",
                           field="since", value=since[:40], code="api.bad_cursor",
                           term="订阅位置")
        if not 1 <= limit <= MAX_LIMIT:
            raise ApiError(f"limit is 1 to {MAX_LIMIT}", field="limit", value=limit,
                           code="api.bad_limit", term="每页条数", params={"most": MAX_LIMIT})
        seen = visible_contracts(store, principal, None)
        return feed_page(store, int(since), limit, seen.__contains__)

    @get("/audit/verify", summary="核验审计链", sync_to_thread=True,
         return_dto=Lib[Verification],
         description="逐条核验审计记录的哈希链（及服务器配置的审计密钥下的签名）：完整则 ok=true；"
                     "否则指出第一条不符的记录及原因（code、reason_zh）。审批人或财务可核验。")
    def verify(self, store: StoreDependency, principal: CurrentPrincipal) -> Verification:
        need(store, principal, "approver", "finance", action="verify", obj="audit:*")
        return store.verify()
