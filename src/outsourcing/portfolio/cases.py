"""Site cases as data (办公区情景): sites, contracts with their signed changes and what is
expected of them across contracts — coverage, the emergency roster, certified staff and the
renewal pipeline — in a TOML file a bureau's officer can read and run.

Scenario files (:mod:`outsourcing.scenarios`) hold one contract per case; a site case needs
several, so it has its own small format (``docs/sites.md`` describes every key)::

    [[case]]
    name = "2022年10月 自治区政府办公区: 消杀重复付费"
    jurisdiction = "NX"
    span = { start = 2022-10-01, end = 2022-12-31 }   # the coverage check's days

    [[case.sites]]
    id = "自治区政府办公区"
    services = ["property", { service = "disinfection", from = 2022-10-01 }]

    [[case.contracts]]             # a contract as in its JSON; changes already signed
    …

    [[case.expect.doubles]]
    site = "自治区政府办公区"
    service = "disinfection"
    start = 2022-10-10
    end = 2022-12-31
    at_stake = "54193.55"

Only what is written is checked.  A list of gaps or doubles is complete (an unexpected one is
a mismatch); the roster's ``unanswered`` list too; roster rows, staff findings and renewal
items are checked as listed.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from ..changes import Change, Timeline
from ..dates import DateRange, as_date
from ..errors import ModelError, OutsourcingError
from ..model import Contract
from ..plugins import PluginHost
from ..serialize import structure
from ..sites import Site, site_from_mapping
from ..textfiles import loads_toml
from .coverage import CoverageReport, coverage
from .renewal import renewal_pipeline
from .roster import DutyContact, emergency_roster
from .staff import Certificate, PostRequirement, StaffMember, StaffRoster, check_staff

__all__ = ["SiteCaseResult", "run_site_file"]


@attrs.frozen
class SiteCaseResult:
    """One case: its name, the mismatches (empty: passed) and the coverage report."""

    file: str
    name: str
    mismatches: tuple[str, ...]
    report: CoverageReport | None

    @property
    def passed(self) -> bool:
        return not self.mismatches


def _fail(where: str, msg: str) -> ModelError:
    return ModelError(msg, field=where, term="办公区情景", code="site_case.invalid",
                      params={"problem": msg})


def _table(raw: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(raw, dict):
        raise _fail(where, "must be a table")
    return raw


def _timeline(raw: Any, where: str, jurisdiction: str) -> Timeline:
    data = dict(_table(raw, where))
    changes = data.pop("changes", [])
    data.setdefault("jurisdiction", jurisdiction)
    contract = structure(data, Contract, source=where)
    signed = [structure({"status": "signed", **c}, Change, source=f"{where}.changes[{i}]")
              for i, c in enumerate(changes)]
    return Timeline(contract, signed)


def _span(raw: Any, where: str) -> DateRange:
    t = _table(raw, where)
    return DateRange(as_date(t.get("start"), field=f"{where}.start"),
                     as_date(t.get("end"), field=f"{where}.end"))


def _check_coverage(report: CoverageReport, expect: Mapping[str, Any], bad: list[str]) -> None:
    for key, found in (("gaps", report.gaps), ("doubles", report.doubles)):
        if key not in expect:
            continue
        got = {(x.site, x.service, x.span.start, x.span.end): x for x in found}
        keys = set()
        for j, w in enumerate(expect[key]):
            k = (w.get("site"), w.get("service"), as_date(w.get("start"), field="start"),
                 as_date(w.get("end"), field="end"))
            keys.add(k)
            x = got.get(k)
            if x is None:
                bad.append(f"expect.{key}[{j}]: expected {k[0]} {k[1]} {k[2]}..{k[3]}, "
                           "not found")
                continue
            actual = None if x.at_stake is None else str(x.at_stake.yuan)
            if "at_stake" in w and actual != str(w["at_stake"]):
                bad.append(f"expect.{key}[{j}].at_stake: expected {w['at_stake']}, actual "
                           f"{actual}")
            if "amounts" in w and hasattr(x, "amounts"):
                amounts = {c: str(a.yuan) for c, a in x.amounts}
                if amounts != {c: str(v) for c, v in w["amounts"].items()}:
                    bad.append(f"expect.{key}[{j}].amounts: expected {w['amounts']}, actual "
                               f"{amounts}")
        for k in got:
            if k not in keys:
                bad.append(f"expect.{key}: not expected: {k[0]} {k[1]} {k[2]}..{k[3]}")


def _check_roster(case: Mapping[str, Any], sites: Mapping[str, Site], tls: list[Timeline],
                  registry: PluginHost, where: str, bad: list[str]) -> None:
    r = _table(case["roster"], f"{where}: roster")
    site = sites.get(r.get("site", ""))
    if site is None:
        raise _fail(f"{where}: roster.site", f"unknown site {r.get('site')!r}")
    contacts = [DutyContact(**_table(c, f"{where}: roster.contacts[{i}]"))
                for i, c in enumerate(r.get("contacts", []))]
    roster = emergency_roster(site, as_date(r.get("on"), field="roster.on"), tls, contacts,
                              catalogue=registry.catalogue)
    expect = _table(case.get("expect", {}).get("roster", {}), f"{where}: expect.roster")
    if "unanswered" in expect:
        got = sorted(f.field.split(".", 1)[1] for f in roster.findings
                     if f.code == "roster.no_one_answers" and f.field)
        if got != sorted(expect["unanswered"]):
            bad.append(f"expect.roster.unanswered: expected {sorted(expect['unanswered'])}, "
                       f"actual {got}")
    for j, w in enumerate(expect.get("rows", [])):
        row = next((x for x in roster.rows if x.service == w.get("service") and
                    x.contract_id == w.get("contract")), None)
        if row is None:
            bad.append(f"expect.roster.rows[{j}]: no row for {w.get('service')} under "
                       f"{w.get('contract')}")
            continue
        actual = {"phone": row.contact.phone if row.contact else "",
                  "response": "；".join(f"{k} {v}" for k, v in row.response),
                  "supplier": row.supplier or ""}
        for key in ("phone", "response", "supplier"):
            if key in w and actual[key] != w[key]:
                bad.append(f"expect.roster.rows[{j}].{key}: expected {w[key]}, actual "
                           f"{actual[key]}")


def _check_staff(case: Mapping[str, Any], where: str, bad: list[str]) -> None:
    for i, raw in enumerate(case.get("staff", [])):
        w = f"{where}: staff[{i}]"
        s = _table(raw, w)
        members = []
        for j, m in enumerate(s.get("members", [])):
            m = dict(_table(m, f"{w}.members[{j}]"))
            certs = [Certificate(**_table(c, f"{w}.members[{j}].certificates[{k}]"))
                     for k, c in enumerate(m.pop("certificates", []))]
            members.append(StaffMember(certificates=certs, **m))
        reqs = []
        for j, r in enumerate(s.get("requirements", [])):
            req: dict[str, Any] = dict(_table(r, f"{w}.requirements[{j}]"))
            if "shifts" in req:
                req["shifts"] = tuple(req["shifts"])
            reqs.append(PostRequirement(**req))
        roster = StaffRoster(s.get("contract_id", ""), s.get("line_id", ""), members)
        report = check_staff(roster, reqs, _span(s.get("span"), f"{w}.span"))
        expect = _table(s.get("expect", {}), f"{w}.expect")
        if "rate" in expect and str(report.rate) != str(expect["rate"]):
            bad.append(f"staff[{i}].expect.rate: expected {expect['rate']}, actual "
                       f"{report.rate}")
        if "findings" in expect:
            got = sorted((f.code, f.field or "", d.start, d.end)
                         for f, d in zip(report.findings, report.days, strict=True))
            want = sorted((x["code"], x.get("field", ""), as_date(x["start"], field="start"),
                           as_date(x["end"], field="end")) for x in expect["findings"])
            if got != want:
                bad.append(f"staff[{i}].expect.findings: expected {want}, actual {got}")


def _check_renewal(case: Mapping[str, Any], tls: list[Timeline], registry: PluginHost,
                   jur: str, where: str, bad: list[str]) -> None:
    r = _table(case["renewal"], f"{where}: renewal")
    items = renewal_pipeline(tls, as_date(r.get("today"), field="renewal.today"),
                             int(r.get("within_days", 90)), registry.rulebook(jur),
                             started=r.get("started", []))
    want = case.get("expect", {}).get("renewal")
    if want is None:
        return
    got = {x.contract_id: x for x in items}
    if sorted(got) != sorted(w.get("contract") for w in want):
        bad.append(f"expect.renewal: expected {sorted(w.get('contract') for w in want)}, "
                   f"actual {sorted(got)}")
    for j, w in enumerate(want):
        x = got.get(w.get("contract"))
        if x is None:
            continue
        actual: dict[str, Any] = {"days_left": x.days_left, "called_for": x.called_for.value,
                                  "finding": x.finding.code}
        for key, val in actual.items():
            if key in w and w[key] != val:
                bad.append(f"expect.renewal[{j}].{key}: expected {w[key]}, actual {val}")
        for method, day in w.get("latest_start", {}).items():
            got_day = x.option(method).latest_start
            if got_day != as_date(day, field="latest_start"):
                bad.append(f"expect.renewal[{j}].latest_start.{method}: expected {day}, "
                           f"actual {got_day}")


def _run_case(case: Any, file: str, registry: PluginHost) -> SiteCaseResult:
    name = case.get("name", "(unnamed)") if isinstance(case, dict) else "(unnamed)"
    where = f"{file} :: {name}"
    case = _table(case, where)
    jur = case.get("jurisdiction", "CN")
    sites = {s.id: s for s in registry.sites(jur)} if case.get("plugin_sites") else {}
    for i, raw in enumerate(case.get("sites", [])):
        s = site_from_mapping(raw, jurisdiction=jur, source=file,
                              where=f"{where}: sites[{i}]")
        sites[s.id] = s
    tls = [_timeline(raw, f"{where}: contracts[{i}]", jur)
           for i, raw in enumerate(case.get("contracts", []))]
    expect = _table(case.get("expect", {}), f"{where}: expect")
    bad: list[str] = []
    report = None
    if "span" in case:
        report = coverage(tls, sites.values(), _span(case["span"], f"{where}: span"))
        _check_coverage(report, expect, bad)
    elif "gaps" in expect or "doubles" in expect:
        raise _fail(f"{where}: span", "span = { start = …, end = … } is needed to check "
                    "gaps and doubles")
    if "roster" in case:
        _check_roster(case, sites, tls, registry, where, bad)
    _check_staff(case, where, bad)
    if "renewal" in case:
        _check_renewal(case, tls, registry, jur, where, bad)
    return SiteCaseResult(file, name, tuple(bad), report)


def run_site_file(path: str | Path, registry: PluginHost) -> list[SiteCaseResult]:
    """Run every case of a site file; bad input is an error naming the file and case."""
    p = Path(path)
    try:
        data = loads_toml(p.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise _fail(str(p), f"cannot read: {exc}") from None
    out = []
    for case in data.get("case", []):
        try:
            out.append(_run_case(case, p.name, registry))
        except OutsourcingError as exc:
            if exc.code == "site_case.invalid":
                raise
            name = case.get("name", "(unnamed)") if isinstance(case, dict) else "(unnamed)"
            raise _fail(f"{p.name} :: {name}", str(exc)) from None
        except (TypeError, KeyError) as exc:
            name = case.get("name", "(unnamed)") if isinstance(case, dict) else "(unnamed)"
            raise _fail(f"{p.name} :: {name}", f"bad or missing key: {exc}") from None
    return out
