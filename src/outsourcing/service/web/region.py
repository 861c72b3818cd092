"""The region's view on the desk (一张网): a unit and the units below it — what they contract
out, spend, scores, renewals, headroom, gaps and overdue payments — with drill-down from the
region to a city, a county and a contract (:mod:`outsourcing.registry.region`).

A person sees the view of its own unit and those below it; any other unit is the same 404 as
one that does not exist.  A supplier's account has no region's view."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Request, get
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from ...errors import RegistryError
from ...registry.region import region_view
from ..auth import CurrentPrincipal, Principal, StoreDependency
from .charts import region_charts
from .common import page, service_zh

__all__ = ["region_home", "region_page"]

WHY_ZH = {"ended": "已到期", "terminated": "已解除", "suspended": "暂停", "not started": "未开始",
          "removed": "已删减", "not on the contract": "合同无此项"}


def _unknown(unit: str) -> RegistryError:
    return RegistryError("no such unit in this view", field="unit", value=unit[:120],
                         term="单位", code="registry.region.unknown_unit")


def _root(p: Principal) -> str:
    if p.supplier is not None or not p.units:
        raise _unknown("-")
    return p.unit if p.unit is not None else sorted(p.units)[0]


@get("/region", sync_to_thread=False, include_in_schema=False)
def region_home(principal: CurrentPrincipal) -> Redirect:
    """The view of the signed-in person's own unit."""
    return Redirect(f"/region/{_root(principal)}", status_code=303)


def _year(text: str) -> int:
    return int(text) if text.isdigit() and 1900 <= int(text) <= 9999 else date.today().year


@get("/region/{unit:str}", sync_to_thread=True, include_in_schema=False)
def region_page(request: Request[Any, Any, Any], principal: CurrentPrincipal,
                store: StoreDependency, unit: FromPath[str], year: FromQuery[str] = ""
                ) -> Template:
    """A unit of the region's view with its subtree, the units below it and its contracts."""
    root = _root(principal)
    if unit not in principal.visible:
        raise _unknown(unit)
    y = _year(year)
    today = date.today()
    on = today if y == today.year else date(y, 12, 31)
    units = store.units()
    view = region_view(store, units, root=root, year=y, on=min(on, date(y, 12, 31)),
                       unit_of=store.contract_units())
    u = view.unit(unit)
    children = view.children(unit)
    cat = store.plugins.catalogue
    return page(request, store, principal, "region.html", "region", {
        "u": u, "path": view.path(unit), "children": children, "year": y, "on": view.on,
        "units_count": len(view.subtree(unit)), "contracts": view.contracts_of(unit),
        "charts": region_charts(children),
        "service_zh": lambda code: service_zh(cat, code),
        "why_zh": lambda why: WHY_ZH.get(why, why)})
