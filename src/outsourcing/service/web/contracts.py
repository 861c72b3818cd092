"""The contract list and the contract page (合同列表、合同详情): lines, changes with the
headroom of 政府采购法 第四十九条, statements with what was paid, payments, findings and the
charts; the forms each role may use."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import attrs
from litestar import Request, get
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from ...changes import ChangeStatus, Rationale, cap_report
from ...messages_zh import citation_for_people
from ...money import Money, pct
from ...registry import ContractInfo, Store, StoredStatement
from ..auth import CurrentPrincipal, Principal, StoreDependency, contract_in_scope
from .charts import contract_charts
from .common import can_for, page, service_zh
from .forms import CHANGE_KINDS, change_summary

__all__ = ["contract_page", "contracts_page", "current_period", "home", "visible_contracts"]

STATUSES = (("in_force", "履行中"), ("pending", "未开始"), ("ended", "已到期"),
            ("terminated", "已解除"))
PRICING_ZH = {"fixed_monthly": "固定月费", "unit_rate": "按单价",
              "labour_plus_materials": "人工+材料", "annual_fee": "年费", "area_rate": "按面积",
              "term_total": "合同总价"}


@attrs.frozen
class Row:
    id: str
    title: str
    unit_name: str
    supplier: str
    services: tuple[str, ...]
    term_start: date
    term_end: date
    status: str
    outstanding: str


def current_period(today: date | None = None) -> str:
    """The month before ``today``: the period a desk works on at the start of a month."""
    d = today or date.today()
    return f"{d.year - 1}-12" if d.month == 1 else f"{d.year}-{d.month - 1:02d}"


def next_period(stored: Sequence[StoredStatement], start: date, end: date,
                today: date | None = None) -> str:
    """The month a desk works on next for a contract: the one after its last statement (the
    first of its term before any), but not after the last ended month nor the term's."""
    if stored:
        last = stored[-1].period.end + timedelta(days=1)
        month = date(last.year, last.month, 1)
    else:
        month = date(start.year, start.month, 1)
    ended = date.fromisoformat(current_period(today) + "-01")
    month = min(month, ended, date(end.year, end.month, 1))
    return f"{month.year}-{month.month:02d}"


def visible_contracts(store: Store, p: Principal, **filters: Any) -> list[ContractInfo]:
    """The contracts ``p`` sees (its units' subtree, or a supplier's own)."""
    return [c for c in store.contracts(**filters) if p.sees(c.unit, c.supplier_id)]


def unit_names(store: Store) -> dict[str | None, str]:
    return {u.id: u.name for u in store.units()}


@get("/", sync_to_thread=False, include_in_schema=False)
def home() -> Redirect:
    """The desk's first page is the contract list."""
    return Redirect("/contracts", status_code=303)


@get("/contracts", sync_to_thread=True, include_in_schema=False)
def contracts_page(request: Request[Any, Any, Any], principal: CurrentPrincipal,
                   store: StoreDependency, status: FromQuery[str] = "",
                   service: FromQuery[str] = "", q: FromQuery[str] = "") -> Template:
    """The contracts the signed-in person sees, by status, service and a search text."""
    cat = store.plugins.catalogue
    found = visible_contracts(store, principal, status=status if status else None,
                              service=service if service in cat else None)
    needle = q.strip().lower()[:100]
    if needle:
        found = [c for c in found if needle in f"{c.id} {c.title} {c.supplier_id}".lower()]
    owed: dict[str, Money] = {}
    for d in store.due(date.today()):
        owed[d.contract_id] = owed.get(d.contract_id, Money.ZERO) + d.outstanding
    names = unit_names(store)
    rows = [Row(c.id, c.title, names.get(c.unit, c.unit or ""), c.supplier_id,
                tuple(service_zh(cat, s) for s in c.services), c.term_start, c.term_end,
                c.status, owed.get(c.id, Money.ZERO).format()) for c in found]
    scope = ("本供应商的合同" if principal.supplier else
             "、".join(names.get(u, u) for u in sorted(principal.units)) + " 及下级单位")
    return page(request, store, principal, "contracts.html", "contracts", {
        "rows": rows, "statuses": STATUSES, "scope_zh": scope,
        "services": [(k.code, k.name_zh) for k in cat],
        "filters": {"status": status, "service": service, "q": q[:100]}})


def _pricing(line: Any) -> str:
    kind = getattr(line.pricing, "KIND", "")
    label = PRICING_ZH.get(kind, kind)
    try:
        monthly = Money.round(line.pricing.monthly_amount())
    except (AttributeError, TypeError):
        return label
    return f"{label}，每月 {monthly.format()}"


def _lines(store: Store, cid: str, on: date) -> list[dict[str, str]]:
    tl = store.timeline(cid)
    inside = tl.contract.term.start <= on <= tl.term.end
    running = {x.id for x in tl.as_of(on).lines} if inside else set()
    suspended = set(tl.suspended_on(on)) if inside else set()
    idle = ("未开始" if on < tl.contract.term.start else
            "已解除" if tl.terminated else "已到期")
    cat = store.plugins.catalogue
    return [{"id": x.id, "service": service_zh(cat, x.service), "site": x.site,
             "pricing": _pricing(x),
             "state": ("暂停" if lid in suspended else "履行中" if lid in running else
                       "已删减" if inside else idle)}
            for lid, x in tl.all_lines().items()]


def _statements(store: Store, cid: str) -> list[dict[str, Any]]:
    paid = store.paid(cid)
    due = {str(d.period): d for d in store.due(date.today(), contract_id=cid, every=True)}
    out = []
    for s in store.statements(cid):
        d = due.get(str(s.period))
        out.append({"period": str(s.period), "title": f"{'更正' if s.version > 1 else ''}"
                    f"第{s.version}版", "payable": s.payable.format(),
                    "paid": paid.get(s.period, Money.ZERO).format(), "due_on": s.due_on,
                    "status": d.status if d is not None else "已付清",
                    "outstanding": (d.outstanding if d is not None else Money.ZERO).format()})
    return out


SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def _findings(store: Store, cid: str, periods: list[Any]) -> list[dict[str, str]]:
    """The findings of the latest statements, each told once with the periods it concerns,
    the most severe first."""
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    for p in periods:
        for f in store.findings(cid, p):
            key = (f.severity.value, f.message_zh)
            row = seen.setdefault(key, {"severity": f.severity.value, "text": f.message_zh,
                                        "citation": citation_for_people(f.citation or ""),
                                        "periods": []})
            if str(p) not in row["periods"]:
                row["periods"].append(str(p))
    rows = sorted(seen.values(), key=lambda r: SEVERITY_ORDER.get(r["severity"], 3))
    return [{**r, "period": ("、".join(r["periods"]) if len(r["periods"]) <= 2 else
                             f"{r['periods'][0]} 至 {r['periods'][-1]}，共 {len(r['periods'])} 期")}
            for r in rows]


@get("/contracts/{cid:str}", sync_to_thread=True, include_in_schema=False)
def contract_page(request: Request[Any, Any, Any], principal: CurrentPrincipal,
                  store: StoreDependency, cid: FromPath[str]) -> Template:
    """One contract: lines, changes and headroom, statements, payments, findings, charts."""
    unit = contract_in_scope(store, principal, cid)
    today = date.today()
    (info,) = [c for c in store.contracts() if c.id == cid]
    tl = store.timeline(cid)
    cap = cap_report(tl, store.plugins.rulebook(info.jurisdiction), today)
    records = store.changes(cid)
    due = store.due(today, contract_id=cid)
    outstanding = Money.sum(d.outstanding for d in due if d.outstanding > Money.ZERO)
    share = (None if cap.limit.fen <= 0 else
             (Decimal(cap.used.fen) * 100 / cap.limit.fen).quantize(Decimal("0.1")))
    statements = store.statements(cid)
    findings = _findings(store, cid, [s.period for s in statements[-12:]])
    cat = store.plugins.catalogue
    names = unit_names(store)
    return page(request, store, principal, "contract.html", "contracts", {
        "c": info, "unit_name": names.get(unit, unit or ""),
        "supplier": store.contract(cid).supplier.name,
        "can": can_for(principal),
        "period": next_period(statements, info.term_start, info.term_end, today),
        "lines": _lines(store, cid, today),
        "cap": cap, "cap_share": share, "cap_pct": pct(cap.cap),
        "changes": [change_summary(r, cat) for r in records],
        "next_change_id": f"BG-{len(records) + 1:03d}",
        "change_kinds": CHANGE_KINDS, "rationales": [(r.value, r.zh) for r in Rationale],
        "services": [(k.code, k.name_zh) for k in cat],
        "statements": _statements(store, cid), "payments": store.payments(cid),
        "paid_total": Money.sum(store.paid(cid).values()).format(),
        "outstanding": outstanding.format(), "overdue": any(d.overdue for d in due),
        "findings": findings, "charts": contract_charts(store, cid, statements),
        "pending": [r for r in records if r.status is ChangeStatus.PENDING]})
