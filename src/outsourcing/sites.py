"""Office areas (办公区) as data: address, buildings, floor area and required services.

A :class:`Site` is what the bureau looks after, independent of any contract: where it is,
its buildings with their floor area, and the services it requires, each from a date (a site
opened, a service added) and possibly until a date (a service no longer required).  A
contract line names its site by :attr:`Site.id` (``ServiceLine.site``).

Sites come from a jurisdiction plugin's ``outsourcing_sites`` hook (the region's office
areas, 固原's six), from a TOML file (:func:`load_sites`) or from code; a bureau adds its own.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from ._convert import decimal_of, opt_date_of
from ._limits import FileNumber
from ._validators import nonempty
from .dates import DateRange
from .errors import ModelError
from .textfiles import loads_toml

__all__ = ["Building", "RequiredService", "Site", "load_sites", "merge_ranges",
           "site_from_mapping"]


def _area(v: Any) -> Decimal:
    if isinstance(v, float | bool | FileNumber):
        raise ModelError("a float is not an exact area; pass a str or Decimal",
                         field="floor_area", value=v, term="建筑面积", code="site.float_area")
    d = decimal_of(v, "floor_area", "建筑面积", code="site.area", what="area")
    if d < 0:
        raise ModelError("must be a finite number ≥ 0", field="floor_area", value=v,
                         term="建筑面积", code="site.negative_area")
    return d


def _start(v: Any) -> date | None:
    return opt_date_of(v, "start")


def _end(v: Any) -> date | None:
    return opt_date_of(v, "end")


def _opened(v: Any) -> date | None:
    return opt_date_of(v, "opened")


def _closed(v: Any) -> date | None:
    return opt_date_of(v, "closed")


@attrs.frozen
class Building:
    """A building of a site with its floor area in m² (楼栋, 建筑面积)."""

    name: str = attrs.field(validator=nonempty("楼栋", "site.empty_field"))
    floor_area: Decimal = attrs.field(default=Decimal(0), converter=_area)


@attrs.frozen
class RequiredService:
    """A service a site requires (所需服务): a catalogue code, from ``start`` to ``end``.

    ``start`` None means since the site opened; ``end`` None means still required; both
    inclusive.  ``in_house`` marks a service the bureau provides itself (自行保障, e.g. the
    Party committee office area's facilities maintenance): no contract is expected, so no
    gap is reported for it.
    """

    service: str = attrs.field(validator=nonempty("服务类别", "site.empty_field"))
    start: date | None = attrs.field(default=None, converter=_start)
    end: date | None = attrs.field(default=None, converter=_end)
    note: str = ""
    in_house: bool = False

    def __attrs_post_init__(self) -> None:
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ModelError(f"service {self.service} ends before it starts",
                             field="end", value=self.end.isoformat(), term="服务期间",
                             code="site.service_ends_before_start",
                             params={"service": self.service})

    def required_on(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


def _buildings(v: Iterable[Building]) -> tuple[Building, ...]:
    return tuple(v)


def _services(v: Iterable[RequiredService]) -> tuple[RequiredService, ...]:
    return tuple(v)


@attrs.frozen
class Site:
    """An office area (办公区).

    ``id`` is the name a contract line uses in ``ServiceLine.site``; ``opened`` and
    ``closed`` bound every required service (a service is never required before the site
    opened or after it closed).  ``source`` says where the data comes from (a plugin, a
    bureau's file).
    """

    id: str = attrs.field(validator=nonempty("办公区", "site.empty_field"))
    name: str = attrs.field(validator=nonempty("办公区名称", "site.empty_field"))
    jurisdiction: str = attrs.field(validator=nonempty("辖区", "site.empty_field"))
    address: str = ""
    buildings: tuple[Building, ...] = attrs.field(default=(), converter=_buildings)
    services: tuple[RequiredService, ...] = attrs.field(default=(), converter=_services)
    opened: date | None = attrs.field(default=None, converter=_opened)
    closed: date | None = attrs.field(default=None, converter=_closed)
    source: str = ""

    def __attrs_post_init__(self) -> None:
        if self.opened and self.closed and self.closed < self.opened:
            raise ModelError("the site closes before it opens", field="closed",
                             value=self.closed.isoformat(), term="办公区启用期间",
                             code="site.closed_before_opened")

    @property
    def floor_area(self) -> Decimal:
        """Total floor area of the buildings in m² (总建筑面积)."""
        return sum((b.floor_area for b in self.buildings), Decimal(0))

    def is_open(self, day: date) -> bool:
        return (self.opened is None or self.opened <= day) and (
            self.closed is None or day <= self.closed)

    def requires(self, service: str, day: date) -> bool:
        """True when the site requires ``service`` on ``day`` (所需服务)."""
        return self.is_open(day) and any(
            r.service == service and r.required_on(day) for r in self.services)

    def required_services(self, day: date) -> tuple[str, ...]:
        """The services required on ``day``, in declared order, without repeats."""
        if not self.is_open(day):
            return ()
        return tuple(dict.fromkeys(r.service for r in self.services if r.required_on(day)))

    def required_spans(self, service: str, within: DateRange) -> list[DateRange]:
        """The days within ``within`` on which ``service`` is required, as disjoint sorted
        ranges (merged where two declarations touch or overlap)."""
        pieces: list[DateRange] = []
        lo = max(filter(None, (within.start, self.opened)))
        hi = min(filter(None, (within.end, self.closed)))
        if hi < lo:
            return []
        for r in self.services:
            if r.service != service or r.in_house:
                continue
            s = max(lo, r.start) if r.start else lo
            e = min(hi, r.end) if r.end else hi
            if s <= e:
                pieces.append(DateRange(s, e))
        return merge_ranges(pieces)

    def with_service(self, service: RequiredService) -> Site:
        """A new site requiring one more service (a bureau adding its own)."""
        return attrs.evolve(self, services=(*self.services, service))

    def no_longer_requires(self, service: str, last_day: date, note: str = "") -> Site:
        """A new site whose requirement for ``service`` ends on ``last_day`` (服务不再需要):
        every open declaration of the service is cut there; one starting later is dropped."""
        if not any(r.service == service for r in self.services):
            raise ModelError(f"{self.id} does not require {service}", field="service",
                             value=service, term="所需服务", code="site.service_not_required",
                             params={"site": self.id, "service": service})
        out: list[RequiredService] = []
        for r in self.services:
            if r.service != service or (r.end is not None and r.end <= last_day):
                out.append(r)
            elif r.start is None or r.start <= last_day:
                out.append(attrs.evolve(r, end=last_day, note=note or r.note))
        return attrs.evolve(self, services=tuple(out))


def merge_ranges(pieces: Iterable[DateRange]) -> list[DateRange]:
    """Disjoint sorted ranges covering exactly the days of ``pieces``."""
    from datetime import timedelta

    out: list[DateRange] = []
    for p in sorted(pieces, key=lambda r: r.start):
        if out and p.start <= out[-1].end + timedelta(days=1):
            if p.end > out[-1].end:
                out[-1] = DateRange(out[-1].start, p.end)
        else:
            out.append(p)
    return out


def site_from_mapping(data: Mapping[str, Any], *, jurisdiction: str | None = None,
                      source: str = "", where: str = "site") -> Site:
    """A site from a mapping as written in a sites TOML file (see ``docs/sites.md``)."""
    if not isinstance(data, Mapping):
        raise ModelError("a site must be a table", field=where, value=data, term="办公区",
                         code="site.not_a_table")
    known = {"id", "name", "jurisdiction", "address", "buildings", "services", "opened",
             "closed", "note"}
    extra = set(data) - known
    if extra:
        raise ModelError(f"unknown keys; known: {sorted(known)}", field=where,
                         value=sorted(extra), term="办公区", code="site.unknown_key",
                         params={"allowed": "、".join(sorted(known))})
    try:
        buildings = [Building(b["name"], b.get("floor_area", 0))
                     for b in data.get("buildings", [])]
        services = []
        for s in data.get("services", []):
            if isinstance(s, str):
                services.append(RequiredService(s))
            else:
                services.append(RequiredService(s["service"], s.get("from"), s.get("until"),
                                                s.get("note", ""), bool(s.get("in_house"))))
        return Site(
            id=data["id"], name=data.get("name", data["id"]),
            jurisdiction=data.get("jurisdiction", jurisdiction or ""),
            address=data.get("address", ""), buildings=buildings, services=services,
            opened=data.get("opened"), closed=data.get("closed"), source=source)
    except KeyError as exc:
        raise ModelError(f"missing key {exc.args[0]!r}", field=where, value=sorted(data),
                         term="办公区", code="site.missing_key",
                         params={"key": exc.args[0]}) from None
    except ModelError as exc:
        raise ModelError(exc.reason, field=f"{where}.{exc.field}" if exc.field else where,
                         value=exc.value, term=exc.term, code=exc.code, zh=exc.zh) from None


def load_sites(path: str | Path, *, jurisdiction: str | None = None) -> tuple[Site, ...]:
    """The sites in a TOML file: ``[[sites]]`` tables (see ``docs/sites.md``)."""
    p = Path(path)
    try:
        data = loads_toml(p.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ModelError(f"cannot read sites file: {exc}", field="path", value=str(p),
                         term="办公区", code="site.unreadable_file",
                         params={"why": exc}) from None
    rows = data.get("sites", [])
    sites = tuple(site_from_mapping(r, jurisdiction=jurisdiction or data.get("jurisdiction"),
                                    source=str(p.name), where=f"{p.name}: sites[{i}]")
                  for i, r in enumerate(rows))
    ids = [s.id for s in sites]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise ModelError("duplicate site id", field=f"{p.name}: sites", value=dup,
                         term="办公区", code="site.duplicate", params={"ids": "、".join(dup)})
    return sites
