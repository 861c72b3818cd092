"""The region's view (一张网): every unit and its subtree at once.

For a unit and every unit below it (自治区 → 市 → 县（区）), :func:`region_view` reads the
store once and says, for the year asked, up to the day asked:

- which services are contracted out, against the service catalogue's families (物业,
  设施设备维保, 餐饮 …), and which family nobody contracts; a unit that contracts out
  nothing says so (进展不平衡);
- the year's spend (paid, net of reversals) and payable (the statements in force of the
  year's periods);
- the average score of the assessed lines and the warnings (each line's warning notice,
  预警通知, and each replacement threshold reached, 更换供应商) of those statements;
- the contracts ending within ``renewal_days`` (nearing renewal, 续采购);
- the headroom of 政府采购法 第四十九条 used by signed changes, against its limit;
- coverage gaps (服务空档): days a site had a service from one of the unit's contracts
  and, later in the year, none (a contract ended, was terminated or suspended with no
  successor), and double coverage (重复付费), by :func:`outsourcing.portfolio.coverage`;
- overdue payments (:meth:`~outsourcing.registry.Store.due`).

The figures are computed by the library's own functions (the cap report, the coverage
check, what is due); this module only gathers them by unit.  Units come from any tree of
objects with ``id``, ``name`` and ``parent`` (:class:`UnitLike`); a contract belongs to
the unit ``unit_of`` names (contract id → unit id: the store's ``contract_units()``), or
without it the unit whose id is the purchaser's id.
Contracts of units outside the subtree asked are not read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

import attrs

from ..catalogue import Catalogue
from ..changes import Timeline, cap_report
from ..dates import DateRange
from ..errors import RegistryError
from ..money import Money
from ..portfolio import Gap, coverage
from ..sites import RequiredService, Site
from ._region_rows import YearRows, year_rows
from .contracts import ContractInfo
from .store import Store

__all__ = ["ContractFigures", "FamilyCover", "RegionView", "UnitFigures", "UnitLike",
           "region_view"]

RENEWAL_DAYS = 90
"""Contracts ending within this many days of the day asked are nearing renewal."""


class UnitLike(Protocol):
    """A unit of the tree (单位): its id, its Chinese name and its parent's id."""

    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def parent(self) -> str | None: ...


@attrs.frozen
class FamilyCover:
    """A family of the service catalogue (物业, 设施设备维保 …) and which of its services a
    unit contracts out."""

    code: str
    name_zh: str
    services: tuple[str, ...]

    @property
    def covered(self) -> bool:
        return bool(self.services)


@attrs.frozen
class ContractFigures:
    """One contract's figures for the year (合同年度情况)."""

    id: str
    title: str
    unit: str
    supplier_id: str
    status: str
    """As :class:`~outsourcing.registry.ContractInfo` says on the day asked."""
    term_start: date
    term_end: date
    services: tuple[str, ...]
    paid: Money
    payable: Money
    overdue: Money
    overdue_periods: int
    score_centi: int
    """The sum of the assessed lines' scores in hundredths (with :attr:`scored`)."""
    scored: int
    warnings: int
    cap_used: Money
    cap_limit: Money
    days_left: int | None
    """Days from the day asked to the end of the term, when within the renewal window."""
    gaps: tuple[Gap, ...] = ()
    doubles: int = 0

    @property
    def score(self) -> Decimal | None:
        return _average(self.score_centi, self.scored)

    @property
    def nearing_renewal(self) -> bool:
        return self.days_left is not None

    @property
    def cap_share(self) -> Decimal | None:
        """The share of the cap used, in percent to 0.1 (None for a contract without one)."""
        return _share(self.cap_used, self.cap_limit)


@attrs.frozen
class UnitFigures:
    """A unit with the figures of its subtree (单位及下级汇总)."""

    id: str
    name: str
    parent: str | None
    depth: int
    children: tuple[str, ...]
    own: tuple[str, ...]
    """The ids of the unit's own contracts (not its subtree's)."""
    contracts: int
    """Contracts of the subtree with a day in the year up to the day asked."""
    families: tuple[FamilyCover, ...]
    paid: Money
    payable: Money
    overdue: Money
    overdue_periods: int
    score_centi: int
    scored: int
    warnings: int
    renewals: tuple[str, ...]
    cap_used: Money
    cap_limit: Money
    gaps: tuple[Gap, ...]
    doubles: int

    @property
    def score(self) -> Decimal | None:
        """The average score of the subtree's assessed lines, to 0.01 half-up."""
        return _average(self.score_centi, self.scored)

    @property
    def services(self) -> tuple[str, ...]:
        return tuple(s for f in self.families for s in f.services)

    @property
    def nothing_contracted(self) -> bool:
        """The subtree contracts out no service this year (进展不平衡)."""
        return self.contracts == 0

    @property
    def uncovered(self) -> tuple[FamilyCover, ...]:
        return tuple(f for f in self.families if not f.covered)

    @property
    def cap_share(self) -> Decimal | None:
        return _share(self.cap_used, self.cap_limit)


def _average(centi: int, n: int) -> Decimal | None:
    if n == 0:
        return None
    return (Decimal(centi) / 100 / n).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _share(used: Money, limit: Money) -> Decimal | None:
    if limit.fen <= 0:
        return None
    return (Decimal(used.fen) * 100 / limit.fen).quantize(Decimal("0.1"), ROUND_HALF_UP)


@attrs.frozen
class RegionView:
    """The region's view from one unit down (一张网): each unit with its subtree's figures,
    each contract with its own; drill down with :meth:`children` and :meth:`contracts_of`."""

    root: str
    year: int
    on: date
    units: tuple[UnitFigures, ...]
    contracts: tuple[ContractFigures, ...]

    def unit(self, code: str) -> UnitFigures:
        """The unit ``code`` of this view; a unit outside it is ``registry.region.unknown_unit``
        (the service answers 404: it leaks nothing of other units)."""
        for u in self.units:
            if u.id == code:
                return u
        raise RegistryError("no such unit in this view", field="unit", value=code,
                            term="单位", code="registry.region.unknown_unit")

    def children(self, code: str) -> list[UnitFigures]:
        kids = set(self.unit(code).children)
        return [u for u in self.units if u.id in kids]

    def path(self, code: str) -> list[UnitFigures]:
        """The units from the view's root down to ``code`` (for a breadcrumb)."""
        out = [self.unit(code)]
        while out[0].id != self.root and out[0].parent is not None:
            out.insert(0, self.unit(out[0].parent))
        return out

    def contracts_of(self, code: str, *, subtree: bool = False) -> list[ContractFigures]:
        """The unit's own contracts, or with ``subtree`` every contract below it too."""
        units = set(self.subtree(code)) if subtree else {self.unit(code).id}
        return [c for c in self.contracts if c.unit in units]

    def subtree(self, code: str) -> list[str]:
        """The unit ``code`` and every unit below it, root first."""
        out, todo = [], [self.unit(code)]
        while todo:
            u = todo.pop(0)
            out.append(u.id)
            todo.extend(self.children(u.id))
        return out

    def contract(self, contract_id: str) -> ContractFigures:
        for c in self.contracts:
            if c.id == contract_id:
                return c
        raise RegistryError("no such contract in this view", field="contract_id",
                            value=contract_id, term="合同编号",
                            code="registry.region.unknown_contract")


def _tree(units: Iterable[UnitLike], root: str) -> list[tuple[UnitLike, int]]:
    """The units of ``root``'s subtree with their depth below it, depth first."""
    by_parent: dict[str | None, list[UnitLike]] = {}
    known: dict[str, UnitLike] = {}
    for u in units:
        if u.id in known:
            raise RegistryError("a unit id is given twice", field="unit.id", value=u.id,
                                term="单位编号", code="registry.region.duplicate_unit")
        known[u.id] = u
        by_parent.setdefault(u.parent, []).append(u)
    if root not in known:
        raise RegistryError("no such unit", field="unit", value=root, term="单位",
                            code="registry.region.unknown_unit")
    out: list[tuple[UnitLike, int]] = []
    todo: list[tuple[UnitLike, int]] = [(known[root], 0)]
    seen: set[str] = set()
    while todo:
        u, depth = todo.pop()
        if u.id in seen:
            raise RegistryError("the unit tree has a loop", field="unit.parent", value=u.id,
                                term="上级单位", code="registry.region.unit_loop")
        seen.add(u.id)
        out.append((u, depth))
        todo.extend((k, depth + 1) for k in reversed(by_parent.get(u.id, [])))
    return out


def region_view(store: Store, units: Iterable[UnitLike], *, root: str, year: int,
                on: date | None = None, unit_of: Mapping[str, str | None] | None = None,
                renewal_days: int = RENEWAL_DAYS) -> RegionView:
    """The region's view of ``root`` and every unit below it for ``year``, up to ``on``
    (default: the year's last day, or today if earlier).  See the module."""
    if not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 9999:
        raise RegistryError("the year is a whole number from 1900 to 9999", field="year",
                            value=repr(year), term="年度", code="registry.region.bad_year")
    span = DateRange(date(year, 1, 1), date(year, 12, 31))
    on = on if on is not None else min(span.end, date.today())
    if not isinstance(on, date) or not span.start <= on <= span.end:
        raise RegistryError("the day asked lies in the year asked", field="on", value=str(on),
                            term="统计日期", code="registry.region.day_outside_year",
                            params={"year": year})
    tree = _tree(units, root)
    codes = {u.id for u, _ in tree}
    def owner(c: ContractInfo) -> str | None:
        return c.purchaser_id if unit_of is None else unit_of.get(c.id)

    upto = DateRange(span.start, on)
    mine = [(c, u) for c in store.contracts(on=on)
            if (u := owner(c)) is not None and u in codes and c.term_start <= on
            and c.term_end >= span.start]
    rows = year_rows(store, [c.id for c, _ in mine], year, on)
    timelines = {c.id: store.timeline(c.id) for c, _ in mine}
    report = coverage(timelines.values(), _sites(timelines.values(), upto), upto)
    figures = [_contract(c, unit, rows, timelines[c.id], store, on, renewal_days, report.gaps,
                         sum(1 for d in report.doubles if c.id in d.contracts))
               for c, unit in mine]
    return RegionView(root, year, on, _units(tree, figures, store.plugins.catalogue),
                      tuple(figures))


def _sites(timelines: Iterable[Timeline], span: DateRange) -> list[Site]:
    """The sites as the contracts show them: each (site, service) a line ever had is required
    from the first day a line had it, so a day with none after it is a gap."""
    first: dict[str, dict[str, date]] = {}
    jurisdiction: dict[str, str] = {}
    for tl in timelines:
        lines = tl.all_lines()
        for lid, pieces in tl.line_schedules().items():
            line = lines[lid]
            for r, _ in pieces:
                seen = first.setdefault(line.site, {})
                seen[line.service] = min(seen.get(line.service, r.start), r.start)
                jurisdiction.setdefault(line.site, tl.contract.jurisdiction)
    return [Site(site, site, jurisdiction[site],
                 services=[RequiredService(svc, max(start, span.start))
                           for svc, start in services.items() if start <= span.end])
            for site, services in first.items()]


def _contract(c: ContractInfo, unit: str, rows: YearRows, tl: Timeline, store: Store,
              on: date, renewal_days: int, gaps: Sequence[Gap], doubles: int
              ) -> ContractFigures:
    cap = cap_report(tl, store.plugins.rulebook(c.jurisdiction), on)
    left = (c.term_end - on).days
    centi, n = rows.scores.get(c.id, (0, 0))
    overdue, periods = rows.overdue.get(c.id, (0, 0))
    return ContractFigures(
        c.id, c.title, unit, c.supplier_id, c.status, c.term_start, c.term_end, c.services,
        Money.from_fen(rows.paid.get(c.id, 0)), Money.from_fen(rows.payable.get(c.id, 0)),
        Money.from_fen(overdue), periods, centi, n, rows.warnings.get(c.id, 0), cap.used,
        cap.limit, left if c.status == "in_force" and 0 <= left <= renewal_days else None,
        tuple(g for g in gaps if c.id in {cid for cid, _ in g.contracts}), doubles)


def _families(catalogue: Catalogue, services: Iterable[str]) -> tuple[FamilyCover, ...]:
    by_root: dict[str, list[str]] = {}
    for s in services:
        root = catalogue.root(s) if s in catalogue else s
        by_root.setdefault(root, [])
        if s not in by_root[root]:
            by_root[root].append(s)
    roots = [k.code for k in catalogue if k.parent is None]
    roots += [r for r in by_root if r not in roots]
    return tuple(FamilyCover(r, catalogue.get(r).name_zh if r in catalogue else r,
                             tuple(by_root.get(r, ()))) for r in roots)


def _units(tree: Sequence[tuple[UnitLike, int]], figures: Sequence[ContractFigures],
           catalogue: Catalogue) -> tuple[UnitFigures, ...]:
    kids: dict[str, list[str]] = {}
    for u, _ in tree:
        if u.parent is not None:
            kids.setdefault(u.parent, []).append(u.id)
    own: dict[str, list[ContractFigures]] = {}
    for c in figures:
        own.setdefault(c.unit, []).append(c)

    def below(code: str) -> list[ContractFigures]:
        out = list(own.get(code, ()))
        for k in kids.get(code, ()):
            out.extend(below(k))
        return out

    out = []
    for u, depth in tree:
        cs = below(u.id)
        gaps = {(g.site, g.service, g.span): g for c in cs for g in c.gaps}
        out.append(UnitFigures(
            u.id, u.name, u.parent, depth, tuple(kids.get(u.id, ())),
            tuple(c.id for c in own.get(u.id, ())), len(cs),
            _families(catalogue, (s for c in cs for s in c.services)),
            Money.sum(c.paid for c in cs), Money.sum(c.payable for c in cs),
            Money.sum(c.overdue for c in cs), sum(c.overdue_periods for c in cs),
            sum(c.score_centi for c in cs), sum(c.scored for c in cs),
            sum(c.warnings for c in cs), tuple(c.id for c in cs if c.nearing_renewal),
            Money.sum(c.cap_used for c in cs), Money.sum(c.cap_limit for c in cs),
            tuple(gaps.values()), sum(c.doubles for c in cs)))
    return tuple(out)
