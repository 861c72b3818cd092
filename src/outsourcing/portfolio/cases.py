"""Coverage cases as data (服务覆盖情景): sites, contracts with their signed changes, a span,
and the gaps and double coverage expected — a TOML file a bureau's officer can read and run.

Scenario files (:mod:`outsourcing.scenarios`) hold one contract per case; a coverage case
needs several, so it has its own small format (``docs/sites.md`` describes it)::

    [[case]]
    name = "2022年10月 自治区政府办公区: 消杀重复付费"
    jurisdiction = "NX"
    span = { start = 2022-10-01, end = 2022-12-31 }
    plugin_sites = true            # start from the sites the plugins ship

    [[case.sites]]                 # a bureau's own sites, or replacements by id
    id = "自治区政府办公区"
    services = ["property", { service = "disinfection", from = 2022-10-01 }]

    [[case.contracts]]             # a contract as in its JSON; changes already signed
    id = "NXJG-2022-XS-001"
    …
    changes = [{ id = "BC-1", action = { kind = "suspend", line_id = "gym" }, … }]

    [[case.expect.doubles]]
    site = "自治区政府办公区"
    service = "disinfection"
    start = 2022-10-10
    end = 2022-12-31
    at_stake = "54193.55"

Only what is written is checked: ``[[case.expect.gaps]]`` and ``[[case.expect.doubles]]``
list every gap and double coverage (site, service, start, end; ``at_stake`` and, for a
double, ``amounts`` by contract id, when written).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import attrs

from ..changes import Change, Timeline
from ..dates import DateRange, as_date
from ..errors import ModelError, OutsourcingError
from ..model import Contract
from ..plugins import Registry
from ..serialize import structure
from ..sites import site_from_mapping
from .coverage import CoverageReport, coverage

__all__ = ["CoverageCaseResult", "run_coverage_file"]


@attrs.frozen
class CoverageCaseResult:
    """One case: its name, the mismatches (empty: passed) and the report."""

    file: str
    name: str
    mismatches: tuple[str, ...]
    report: CoverageReport | None

    @property
    def passed(self) -> bool:
        return not self.mismatches


def _fail(where: str, msg: str) -> ModelError:
    return ModelError(msg, field=where, term="服务覆盖情景", code="coverage_case.invalid",
                      zh=f"服务覆盖情景有误：{msg}")


def _timeline(raw: Any, where: str, jurisdiction: str) -> Timeline:
    if not isinstance(raw, dict):
        raise _fail(where, "a contract is a table")
    data = dict(raw)
    changes = data.pop("changes", [])
    data.setdefault("jurisdiction", jurisdiction)
    contract = structure(data, Contract, source=where)
    signed = [structure({"status": "signed", **c}, Change, source=f"{where}.changes[{i}]")
              for i, c in enumerate(changes)]
    return Timeline(contract, signed)


def _run_case(case: Any, file: str, registry: Registry) -> CoverageCaseResult:
    name = case.get("name", "(unnamed)") if isinstance(case, dict) else "(unnamed)"
    where = f"{file} :: {name}"
    if not isinstance(case, dict):
        raise _fail(where, "a case is a table")
    jur = case.get("jurisdiction", "CN")
    span_raw = case.get("span")
    if not isinstance(span_raw, dict):
        raise _fail(f"{where}: span", "span = { start = …, end = … } is required")
    span = DateRange(as_date(span_raw.get("start"), field="span.start"),
                     as_date(span_raw.get("end"), field="span.end"))
    sites = {s.id: s for s in registry.sites(jur)} if case.get("plugin_sites") else {}
    for i, raw in enumerate(case.get("sites", [])):
        s = site_from_mapping(raw, jurisdiction=jur, source=file,
                              where=f"{where}: sites[{i}]")
        sites[s.id] = s
    tls = [_timeline(raw, f"{where}: contracts[{i}]", jur)
           for i, raw in enumerate(case.get("contracts", []))]
    report = coverage(tls, sites.values(), span)
    expect = case.get("expect", {})
    bad: list[str] = []
    for key, found in (("gaps", report.gaps), ("doubles", report.doubles)):
        if key not in expect:
            continue
        want = expect[key]
        got = {(x.site, x.service, x.span.start, x.span.end): x for x in found}
        keys = set()
        for j, w in enumerate(want):
            k = (w.get("site"), w.get("service"), as_date(w.get("start"), field="start"),
                 as_date(w.get("end"), field="end"))
            keys.add(k)
            x = got.get(k)
            if x is None:
                bad.append(f"expect.{key}[{j}]: expected {k[0]} {k[1]} {k[2]}..{k[3]}, "
                           "not found")
                continue
            if "at_stake" in w and str(x.at_stake.yuan if x.at_stake else None) != \
                    str(w["at_stake"]):
                bad.append(f"expect.{key}[{j}].at_stake: expected {w['at_stake']}, actual "
                           f"{x.at_stake.yuan if x.at_stake else None}")
            if "amounts" in w and hasattr(x, "amounts"):
                actual = {c: str(a.yuan) for c, a in x.amounts}
                if actual != {c: str(v) for c, v in w["amounts"].items()}:
                    bad.append(f"expect.{key}[{j}].amounts: expected {w['amounts']}, actual "
                               f"{actual}")
        for k in got:
            if k not in keys:
                bad.append(f"expect.{key}: not expected: {k[0]} {k[1]} {k[2]}..{k[3]}")
    return CoverageCaseResult(file, name, tuple(bad), report)


def run_coverage_file(path: str | Path, registry: Registry) -> list[CoverageCaseResult]:
    """Run every case of a coverage file; bad input is an error naming the file and case."""
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise _fail(str(p), f"cannot read: {exc}") from None
    out = []
    for case in data.get("case", []):
        try:
            out.append(_run_case(case, p.name, registry))
        except OutsourcingError as exc:
            if exc.code == "coverage_case.invalid":
                raise
            name = case.get("name", "(unnamed)") if isinstance(case, dict) else "(unnamed)"
            raise _fail(f"{p.name} :: {name}", str(exc)) from None
    return out
