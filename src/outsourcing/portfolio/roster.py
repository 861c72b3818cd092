"""The emergency roster (应急联络表): who answers for each service at a site on a day.

Many suppliers work one site (餐饮、物业、会务、设施维修 by different companies) and an
emergency needs all of them at once.  :func:`emergency_roster` lists, for a site and a day,
every service the site requires or some contract runs there: the contract in force, its
supplier, the on-duty contact (:class:`DutyContact`, kept by the bureau; contracts do not
carry phone numbers) and the response times the contract's KPIs require (e.g. trapped
passengers: arrival within 30 minutes).  A required service with no contract running is a
finding (``roster.no_one_answers``); a running service with no contact is another
(``roster.no_contact``).  :meth:`Roster.render` gives a text table, :meth:`Roster.html` a
printable page and :meth:`Roster.csv` a sheet.
"""

from __future__ import annotations

import html as _html
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

import attrs

from .._validators import nonempty
from ..catalogue import Catalogue, Direction, KpiSpec
from ..changes import Timeline
from ..findings import Finding, Severity
from ..model import Contract
from ..sites import Site
from .coverage import as_timelines

__all__ = ["DutyContact", "Roster", "RosterRow", "emergency_roster", "response_kpis"]

_TIME_UNITS = {"minutes": "分钟", "hours": "小时"}
ROSTER_CITATION = "特种设备安全监察条例 第三十二条: 接到故障通知后立即赶赴现场"


@attrs.frozen
class DutyContact:
    """A supplier's on-duty contact for one contract's service (值班联系人).

    ``site`` empty means every site of the contract; ``service`` empty means every service.
    ``start``/``end`` bound the days the contact answers (inclusive; None is open).
    """

    contract_id: str = attrs.field(validator=nonempty("合同编号", "roster.empty_field"))
    name: str = attrs.field(validator=nonempty("值班联系人", "roster.empty_field"))
    phone: str = attrs.field(validator=nonempty("联系电话", "roster.empty_field"))
    service: str = ""
    site: str = ""
    hours: str = "24小时"
    start: date | None = None
    end: date | None = None

    def answers(self, contract_id: str, service: str, site: str, on: date) -> bool:
        return (self.contract_id == contract_id and self.service in ("", service)
                and self.site in ("", site) and (self.start is None or self.start <= on)
                and (self.end is None or on <= self.end))


@attrs.frozen
class RosterRow:
    """One service at the site on the day: who answers and how fast they must respond."""

    service: str
    service_zh: str
    required: bool
    contract_id: str | None = None
    supplier: str | None = None
    contact: DutyContact | None = None
    response: tuple[tuple[str, str], ...] = ()
    """(KPI name, target), e.g. ("困人救援到场时间", "≤ 30 分钟")."""
    suspended: bool = False

    @property
    def answered(self) -> bool:
        return self.contract_id is not None and not self.suspended


@attrs.frozen
class Roster:
    """The emergency roster of a site on a day (应急联络表)."""

    site: Site
    on: date
    rows: tuple[RosterRow, ...]
    findings: tuple[Finding, ...]

    def table(self) -> list[tuple[str, ...]]:
        """Header and rows as text cells: 服务, 合同, 供应商, 值班人, 电话, 响应要求."""
        out: list[tuple[str, ...]] = [("服务", "合同", "供应商", "值班联系人", "联系电话",
                                       "时段", "响应要求")]
        for r in self.rows:
            status = "（暂停）" if r.suspended else ""
            out.append((
                r.service_zh + status, r.contract_id or "—", r.supplier or "无人负责",
                r.contact.name if r.contact else "—", r.contact.phone if r.contact else "—",
                r.contact.hours if r.contact else "—",
                "；".join(f"{k} {v}" for k, v in r.response) or "—"))
        return out

    def render(self) -> str:
        rows = self.table()
        from ..statement.text import _pad, _width

        widths = [max(_width(r[i]) for r in rows) + 2 for i in range(len(rows[0]))]
        out = [f"应急联络表 {self.site.name} {self.on.isoformat()}"]
        out += ["  " + "".join(_pad(c, w) for c, w in zip(r, widths, strict=True)).rstrip()
                for r in rows]
        out += [f"  ！{f.message}" for f in self.findings]
        return "\n".join(out) + "\n"

    def csv(self) -> str:
        """The table as CSV (UTF-8 with a BOM, so a spreadsheet opens the Chinese as is)."""
        import csv
        import io

        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(["办公区", self.site.name, "日期", self.on.isoformat()])
        w.writerows(self.table())
        w.writerows([["提示", f.message] for f in self.findings])
        return "\ufeff" + buf.getvalue()

    def html(self) -> str:
        """A printable page (A4, one table) to post in the duty room."""
        e = _html.escape
        rows = self.table()
        head = "".join(f"<th>{e(c)}</th>" for c in rows[0])
        body = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in r) + "</tr>"
                       for r in rows[1:])
        notes = "".join(f"<li>{e(f.message)}</li>" for f in self.findings)
        return (
            "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            f"<title>应急联络表 {e(self.site.name)} {self.on}</title><style>"
            "@page{size:A4 landscape;margin:12mm}body{font-family:sans-serif}"
            "table{border-collapse:collapse;width:100%}th,td{border:1px solid #000;"
            "padding:4px 6px;text-align:left}</style></head><body>"
            f"<h1>应急联络表</h1><p>办公区：{e(self.site.name)}"
            f"　地址：{e(self.site.address or '—')}"
            f"　日期：{self.on.isoformat()}</p><table><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>"
            + (f"<h2>提示</h2><ul>{notes}</ul>" if notes else "") + "</body></html>\n")


def response_kpis(specs: Sequence[KpiSpec]) -> tuple[tuple[str, str], ...]:
    """The response-time KPIs among ``specs`` (a time unit, lower is better), as text."""
    return tuple((s.name_zh, f"≤ {s.target.normalize():f} {_TIME_UNITS[s.unit]}")
                 for s in specs if s.unit in _TIME_UNITS and s.direction is Direction.LOWER)


def emergency_roster(
    site: Site,
    on: date,
    contracts: Iterable[Contract | Timeline],
    contacts: Iterable[DutyContact] = (),
    *,
    catalogue: Catalogue | None = None,
    kpis: Mapping[tuple[str, str], Sequence[KpiSpec]] | None = None,
) -> Roster:
    """Who answers for each service at ``site`` on ``on`` (应急联络表).

    ``catalogue`` (``registry.catalogue``) gives each service's Chinese name and default
    KPIs; ``kpis`` replaces a line's KPIs by ``(contract id, line id)``, as a contract
    agrees its own.  Services come in the site's order, then any other run there.
    """
    tls = as_timelines(contracts)
    contact_list = list(contacts)
    services = [s for s in site.required_services(on)
                if not any(r.service == s and r.in_house and r.required_on(on)
                           for r in site.services)]
    found: dict[str, list[tuple[Timeline, str, bool]]] = {}
    for tl in tls:
        if not (tl.contract.term.start <= on <= tl.term.end):
            continue
        suspended = set(tl.suspended_on(on))
        for line in tl.as_of(on).lines:
            if line.site == site.id:
                found.setdefault(line.service, []).append((tl, line.id, line.id in suspended))
                if line.service not in services:
                    services.append(line.service)
    rows: list[RosterRow] = []
    findings: list[Finding] = []
    for service in services:
        name = (catalogue.get(service).name_zh if catalogue is not None and service in catalogue
                else service)
        required = site.requires(service, on)
        running = [x for x in found.get(service, []) if not x[2]]
        if not running:
            if required:
                findings.append(Finding(
                    "roster.no_one_answers",
                    f"{site.id} requires {name} ({service}) on {on}: no contract answers "
                    "for it" + ("（合同已暂停）" if found.get(service) else ""),
                    severity=Severity.ERROR, field=f"{site.id}.{service}",
                    rule_id="roster.no_one_answers", citation=ROSTER_CITATION,
                    term="应急联络"))
            for tl, _lid, _ in found.get(service, []):
                rows.append(RosterRow(service, name, required, tl.contract.id,
                                      tl.contract.supplier.name, suspended=True))
            if not found.get(service):
                rows.append(RosterRow(service, name, required))
            continue
        for tl, lid, _ in running:
            cid = tl.contract.id
            contact = next((c for c in contact_list if c.answers(cid, service, site.id, on)),
                           None)
            if contact is None:
                findings.append(Finding(
                    "roster.no_contact",
                    f"{site.id} {name}: contract {cid} ({tl.contract.supplier.name}) has no "
                    f"on-duty contact on {on}", severity=Severity.WARNING,
                    field=f"{site.id}.{service}", rule_id="roster.no_contact",
                    citation=ROSTER_CITATION, term="值班联系人"))
            specs = (kpis or {}).get((cid, lid))
            if specs is None:
                specs = (catalogue.get(service).default_kpis
                         if catalogue is not None and service in catalogue else ())
            rows.append(RosterRow(service, name, required, cid, tl.contract.supplier.name,
                                  contact, response_kpis(specs)))
    return Roster(site, on, tuple(rows), tuple(findings))
