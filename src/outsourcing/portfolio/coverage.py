"""Coverage across contracts: gaps and double coverage per site and service (服务覆盖).

For a set of contracts (each with its changes, as a :class:`~outsourcing.changes.Timeline`)
and a span of days, :func:`coverage` looks at every site and service:

- a **gap** (服务空档) is a run of days on which the site requires the service and no
  contract has a line for it running — a suspension never resumed, a contract ending before
  its successor starts, a service the site added that nobody was contracted for;
- **double coverage** (重复付费) is a run of days on which two or more contracts have a
  running line for the same service at the same site: money paid twice.

A line *runs* on the days its timeline accrues it (suspended days, days after removal or
termination and days outside the term do not count).  Services match by their catalogue
code exactly (a ``cleaning`` line does not cover a site's ``property`` requirement).
Double coverage is reported whether or not the site still requires the service; a gap only
where it does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from fractions import Fraction
from itertools import pairwise

import attrs

from ..accrual import accrue
from ..changes import Timeline
from ..dates import DateRange
from ..errors import ModelError
from ..findings import Finding, Severity
from ..model import Contract
from ..money import Money
from ..sites import Site, merge_ranges

__all__ = ["CoverageReport", "DoubleCoverage", "Gap", "as_timelines", "coverage",
           "in_force_count"]

ONE_DAY = timedelta(days=1)
GAP_CITATION = ("政府采购法 第五十条: 继续履行将损害国家利益和社会公共利益的，双方当事人应当变更、"
                "中止或者终止合同 — 服务空档须以变更或新采购补上")
DOUBLE_CITATION = ("政府采购法 第四十九条: 追加与合同标的相同的服务以补充合同为之; "
                   "同一办公区同一服务两份合同同时付费即重复付费（资金浪费）")


def as_timelines(items: Iterable[Contract | Timeline]) -> tuple[Timeline, ...]:
    """Timelines for contracts and timelines alike (a contract as signed has no changes);
    two with the same contract id are refused."""
    out: list[Timeline] = []
    seen: set[str] = set()
    for i, x in enumerate(items):
        if isinstance(x, Contract):
            x = Timeline(x)
        if not isinstance(x, Timeline):
            raise ModelError("not a Contract or Timeline", field=f"contracts[{i}]",
                             value=repr(x), term="合同", code="coverage.not_a_contract")
        if x.contract.id in seen:
            raise ModelError("the same contract twice", field=f"contracts[{i}]",
                             value=x.contract.id, term="合同编号",
                             code="coverage.duplicate_contract")
        seen.add(x.contract.id)
        out.append(x)
    return tuple(out)


Key = tuple[str, str]
"""(site id, service code)."""


@attrs.frozen
class Gap:
    """Days a site requires a service with no contract in force for it (服务空档).

    ``contracts`` are the contracts with a line for this service at this site that does not
    run on these days, each with why (``suspended``, ``ended``, ``not started``, ``removed``);
    ``at_stake`` is what covering the gap would cost at the most recent price of such a line
    (None when no contract ever had one).
    """

    site: str
    service: str
    span: DateRange
    contracts: tuple[tuple[str, str], ...]
    at_stake: Money | None

    @property
    def days(self) -> int:
        return self.span.days

    def finding(self) -> Finding:
        why = "; ".join(f"{c} {r}" for c, r in self.contracts) or "no contract has it"
        cost = f"; at the last price it costs {self.at_stake.format()}" if self.at_stake else ""
        return Finding(
            "coverage.gap",
            f"{self.site}: {self.service} required but not covered on {self.days} days "
            f"{self.span} ({why}){cost}",
            severity=Severity.ERROR, field=f"{self.site}.{self.service}",
            rule_id="coverage.gap", citation=GAP_CITATION, term="服务空档")


@attrs.frozen
class DoubleCoverage:
    """Days two or more contracts pay for the same service at the same site (重复付费).

    ``amounts`` pairs each contract with what its line(s) accrue over these days;
    ``at_stake`` is everything beyond the dearest one — the least that is paid twice.
    """

    site: str
    service: str
    span: DateRange
    amounts: tuple[tuple[str, Money], ...]

    @property
    def days(self) -> int:
        return self.span.days

    @property
    def contracts(self) -> tuple[str, ...]:
        return tuple(c for c, _ in self.amounts)

    @property
    def total(self) -> Money:
        return Money.sum(a for _, a in self.amounts)

    @property
    def at_stake(self) -> Money:
        return self.total - max(a for _, a in self.amounts)

    def finding(self) -> Finding:
        each = ", ".join(f"{c} {a.format()}" for c, a in self.amounts)
        return Finding(
            "coverage.double",
            f"{self.site}: {self.service} paid by {len(self.amounts)} contracts on "
            f"{self.days} days {self.span} ({each}); paid twice at least "
            f"{self.at_stake.format()}",
            severity=Severity.WARNING, field=f"{self.site}.{self.service}",
            rule_id="coverage.double", citation=DOUBLE_CITATION, term="重复付费")


@attrs.frozen
class CoverageReport:
    """Gaps and double coverage over ``span`` (服务覆盖检查)."""

    span: DateRange
    gaps: tuple[Gap, ...]
    doubles: tuple[DoubleCoverage, ...]

    def findings(self) -> list[Finding]:
        return [g.finding() for g in self.gaps] + [d.finding() for d in self.doubles]

    def gap_days(self, site: str, service: str) -> int:
        return sum(g.days for g in self.gaps if (g.site, g.service) == (site, service))

    def double_days(self, site: str, service: str) -> int:
        return sum(d.days for d in self.doubles if (d.site, d.service) == (site, service))

    def render(self) -> str:
        out = [f"服务覆盖检查 {self.span}"]
        if not self.gaps and not self.doubles:
            out.append("  无空档，无重复付费")
        for g in self.gaps:
            out.append(f"  空档 {g.site} {g.service} {g.span}（{g.days} 天）"
                       + "".join(f" {c}:{r}" for c, r in g.contracts)
                       + (f" 补足约 {g.at_stake.format()}" if g.at_stake else ""))
        for d in self.doubles:
            out.append(f"  重复 {d.site} {d.service} {d.span}（{d.days} 天）"
                       + "".join(f" {c}:{a.format()}" for c, a in d.amounts)
                       + f" 重复支付至少 {d.at_stake.format()}")
        return "\n".join(out) + "\n"


def _runs(tl: Timeline, span: DateRange) -> dict[Key, list[tuple[DateRange, str, Fraction]]]:
    """Per (site, service): the days each line of ``tl`` runs within ``span``."""
    lines = tl.all_lines()
    out: dict[Key, list[tuple[DateRange, str, Fraction]]] = {}
    for lid, pieces in tl.line_schedules().items():
        line = lines[lid]
        for r, monthly in pieces:
            part = r.overlap(span)
            if part is not None:
                out.setdefault((line.site, line.service), []).append((part, lid, monthly))
    return out


def in_force_count(timelines: Sequence[Timeline], site: str, service: str, day: date) -> int:
    """How many contracts have a line for ``service`` at ``site`` running on ``day``
    (the day-by-day definition :func:`coverage` agrees with)."""
    n = 0
    for tl in timelines:
        lines = tl.all_lines()
        if any(lines[lid].site == site and lines[lid].service == service
               and any(day in r for r, _ in pieces)
               for lid, pieces in tl.line_schedules().items()):
            n += 1
    return n


def _why_not(tl: Timeline, lids: Sequence[str], day: date) -> str:
    if day < tl.contract.term.start:
        return "not started"
    if day > tl.term.end:
        return "terminated" if tl.terminated else "ended"
    suspended = set(tl.suspended_on(day))
    if any(lid in suspended for lid in lids):
        return "suspended"
    return "removed" if tl.as_of(day).lines else "not on the contract"


def coverage(
    contracts: Iterable[Contract | Timeline],
    sites: Iterable[Site],
    span: DateRange,
) -> CoverageReport:
    """Gaps and double coverage of ``contracts`` over ``span`` (服务覆盖检查).

    Gaps are looked for at every site in ``sites`` for each service it requires; double
    coverage at every (site, service) any contract has a line for, known site or not.
    """
    tls = as_timelines(contracts)
    site_list = list(sites)
    by_id = {s.id: s for s in site_list}
    if len(by_id) != len(site_list):
        raise ModelError("duplicate site id", field="sites",
                         value=sorted({s.id for s in site_list}), term="办公区",
                         code="coverage.duplicate_site")
    runs: dict[Key, dict[str, list[tuple[DateRange, str, Fraction]]]] = {}
    for tl in tls:
        for key, pieces in _runs(tl, span).items():
            runs.setdefault(key, {})[tl.contract.id] = pieces
    keys: dict[Key, None] = {}
    for s in site_list:
        for req in s.services:
            keys[(s.id, req.service)] = None
    for key in runs:
        keys[key] = None
    by_contract = {tl.contract.id: tl for tl in tls}
    gaps: list[Gap] = []
    doubles: list[DoubleCoverage] = []
    for key in keys:
        site = by_id.get(key[0])
        required = site.required_spans(key[1], span) if site is not None else []
        held = {cid: merge_ranges(r for r, _, _ in pieces)
                for cid, pieces in runs.get(key, {}).items()}
        points = {span.start, span.end + ONE_DAY}
        for ranges in (required, *held.values()):
            for rr in ranges:
                points.add(rr.start)
                points.add(rr.end + ONE_DAY)
        cuts = sorted(p for p in points if span.start <= p <= span.end + ONE_DAY)
        cur: tuple[str, tuple[str, ...], date, date] | None = None
        pieces_out: list[tuple[str, tuple[str, ...], DateRange]] = []
        for a, b in pairwise(cuts):
            who = tuple(cid for cid, rs in held.items() if any(a in r for r in rs))
            need = any(a in r for r in required)
            kind = "gap" if need and not who else "double" if len(who) >= 2 else ""
            if cur is not None and cur[0] == kind and cur[1] == who and cur[3] + ONE_DAY == a:
                cur = (kind, who, cur[2], b - ONE_DAY)
                continue
            if cur is not None and cur[0]:
                pieces_out.append((cur[0], cur[1], DateRange(cur[2], cur[3])))
            cur = (kind, who, a, b - ONE_DAY)
        if cur is not None and cur[0]:
            pieces_out.append((cur[0], cur[1], DateRange(cur[2], cur[3])))
        doubled = [(who, r) for kind, who, r in pieces_out if kind == "double"]
        fees = _fees(key, doubled, runs, by_contract)
        for kind, who, r in pieces_out:
            if kind == "double":
                amounts = tuple((cid, fees[(cid, r.start)]) for cid in who)
                doubles.append(DoubleCoverage(key[0], key[1], r, amounts))
            else:
                gaps.append(_gap(key, r, tls))
    return CoverageReport(span, tuple(gaps), tuple(doubles))


def _fees(key: Key, doubled: Sequence[tuple[tuple[str, ...], DateRange]],
          runs: dict[Key, dict[str, list[tuple[DateRange, str, Fraction]]]],
          by_contract: dict[str, Timeline]) -> dict[tuple[str, date], Money]:
    """Each contract's fee for the key's lines over each doubled span: ``Timeline.line_amount``
    (the one accrual rule, reconciled at the contract level as settlement pays it)."""
    want: dict[str, list[DateRange]] = {}
    for who, r in doubled:
        for cid in who:
            want.setdefault(cid, []).append(r)
    out: dict[tuple[str, date], Money] = {}
    for cid, spans in want.items():
        tl = by_contract[cid]
        lids = dict.fromkeys(lid for _, lid, _ in runs[key][cid])
        for r in spans:
            out[(cid, r.start)] = Money.sum(tl.line_amount(lid, r) for lid in lids)
    return out


def _gap(key: Key, r: DateRange, tls: Sequence[Timeline]) -> Gap:
    why: list[tuple[str, str]] = []
    last: tuple[date, Fraction, Timeline] | None = None
    for tl in tls:
        lines = tl.all_lines()
        lids = [lid for lid, x in lines.items() if (x.site, x.service) == key]
        if not lids:
            continue
        why.append((tl.contract.id, _why_not(tl, lids, r.start)))
        sched = tl.line_schedules()
        for lid in lids:
            for piece, monthly in sched[lid]:
                # the most recent price before the gap; else the first after it
                when = piece.end if piece.end < r.start else date.max - (piece.start - date.min)
                if last is None or when > last[0]:
                    last = (when, monthly, tl)
    at_stake = None
    if last is not None:
        at_stake = Money.round(accrue(last[1], r, last[2].contract.day_count))
    return Gap(key[0], key[1], r, tuple(why), at_stake)
