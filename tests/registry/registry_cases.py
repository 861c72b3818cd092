"""Builders shared by the registry tests (not a test module)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import outsourcing as o
from outsourcing.dates import DateRange
from outsourcing.registry import Store

PURCHASER = o.Purchaser("P-NX", "宁夏回族自治区机关事务管理局")


def contract(cid: str = "NX-2022-001", *, supplier: str = "S-1", fee: str = "80000.00",
             start: date = date(2022, 1, 1), end: date = date(2022, 12, 31),
             site: str = "自治区政府办公区", jurisdiction: str = "CN") -> o.Contract:
    return o.Contract(
        id=cid, title=f"{site}物业服务", jurisdiction=jurisdiction, purchaser=PURCHASER,
        supplier=o.Supplier(supplier, f"供应商{supplier}", "small"),
        term=DateRange(start, end),
        lines=[o.ServiceLine("property", "property", site, o.FixedMonthly(fee)),
               o.ServiceLine("cleaning", "cleaning", site, o.FixedMonthly("20000.00"))])


def assessment(line: str, period: o.Period, *, score: str = "95", repair: str = "98",
               incidents: tuple[str, ...] = ()) -> o.Assessment:
    metrics = [o.Metric("repair_pass_rate", Decimal(repair))] if line == "property" else []
    return o.Assessment(
        line, period, "考核小组", period.end + timedelta(days=3),
        sheets=[o.ScoreSheet("inspection", [o.ScoreItem("综合", 100, Decimal(score))])],
        surveys=[o.Survey("satisfaction", 100, 96)], metrics=metrics,
        incidents=[o.Incident(k, period.start + timedelta(days=n))
                   for n, k in enumerate(incidents)])


def found(r: Store) -> Store:
    """The founding pair and the personnel approver: ``wang`` founds the registry, ``li``
    accepts the founding proposal (four eyes begin), ``zhang`` (人事) is proposed by wang and
    confirmed by li."""
    r.add_actor("wang", "王审批", ["approver"])
    r.add_actor("li", "李审批", ["approver"], by="wang")
    r.confirm_actor("li", by="li")
    r.add_actor("zhang", "张人事", ["approver"], by="wang")
    r.confirm_actor("zhang", by="li")
    return r


def appoint(r: Store, actor_id: str, name: str, roles: list[str], *,
            supplier: str | None = None, by: str = "zhang", confirm: str = "li") -> None:
    """Propose an actor (by zhang) and confirm it (by li): four eyes."""
    r.add_actor(actor_id, name, roles, supplier=supplier, by=by)
    r.confirm_actor(actor_id, by=confirm)


def staffed(url: str) -> Store:
    """A registry with one actor of each role, two in finance (sun settles, zhou pays) and a
    supplier's user of S-1, each proposed by zhang and confirmed by li."""
    r = found(Store.open(url))
    appoint(r, "zhao", "赵经办", ["officer"])
    appoint(r, "qian", "钱考核", ["assessor"])
    appoint(r, "sun", "孙财务", ["finance"])
    appoint(r, "zhou", "周财务", ["finance"])
    appoint(r, "s1", "供应商甲", ["supplier"], supplier="S-1")
    return r
