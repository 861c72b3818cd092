"""Fuzz targets: every public entry point fed valid input and mutations of it (模糊测试).

Each target is a hypothesis strategy for one input and a function that feeds it to the
library.  An *attempt* ends one of four ways:

- **accepted**: the entry point returned (and, for money, the amount is exactly the one written);
- **rejected**: it raised the library's own :class:`~outsourcing.errors.OutsourcingError`;
- **crash**: anything else — another exception, a silently changed amount, a scenario case
  failed with an ``internal error``;
- **slow**: it took longer than :data:`BOUND` seconds of CPU time (counted on top of the
  above; CPU time, not wall time, because the machine may be shared — the slowest wall time
  is reported too — with the garbage collector paused during the attempt, since a
  collection's pause belongs to the whole run, not to the input it happens to interrupt).

The valid inputs come from generators (contracts, periods, amounts) and from the project's
own worked examples (every case of ``tests/scenarios/`` and ``plugins/*/scenarios/``, every
rule parameter file); mutations drop a key, retype a value, nest it, swap two values, put a
huge or hostile value in, or corrupt the bytes of the file (including GBK and UTF-16 text).

The bookkeeping is :mod:`attempts`, the mutations :mod:`mutations`; the workbook targets are
in :mod:`targets_workbooks`, the desk's (the command line against a registry, timelines,
OCDS) in :mod:`targets_desk`.  ``tests/house/test_fuzz_short_pass.py`` runs a short pass
in ``make test``;
``make fuzz`` (``fuzz/run.py``) runs at least 10,000 examples per target and prints tried /
accepted / rejected / crashes.
"""

from __future__ import annotations

import atexit
import importlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from attempts import BOUND, ROOT, STATS, Crash, Stats, attempt, table
from hypothesis import strategies as st
from mutations import (
    HOSTILE,
    _copy,
    corrupted,
    dumps_toml,
    hostile,
    mostly,
    mutated,
)

import outsourcing as o
from outsourcing.changes import ChangeLinePrice
from outsourcing.dates import PeriodKind
from outsourcing.errors import OutsourcingError
from outsourcing.model import as_quantity
from outsourcing.money import allocate, as_rate
from outsourcing.rules import load_parameter_file
from outsourcing.scenarios import INTERNAL, load_file, run_case
from outsourcing.serialize import from_json, to_json, unstructure
from outsourcing.statement import Statement
from outsourcing.textfiles import loads_toml

__all__ = ["BOUND", "HOSTILE", "STATS", "TARGETS", "Crash", "Stats", "attempt", "table"]


class ChangedMoney(Exception):
    """Money accepted with a value other than the one written."""


# --- seeds from the project's own files -------------------------------------------------------
def _scenario_seeds() -> list[dict[str, Any]]:
    files = sorted((ROOT / "tests" / "scenarios").glob("*.toml")) + sorted(
        (ROOT / "plugins").glob("*/scenarios/*.toml"))
    out = []
    for f in files:
        for case in loads_toml(f.read_text(encoding="utf-8"))["case"]:
            out.append({"case": [case]})
    return out


def _rule_seeds() -> list[tuple[str, dict[str, Any]]]:
    files = sorted((ROOT / "src" / "outsourcing" / "data").rglob("*.toml")) + sorted(
        (ROOT / "plugins").glob("*/src/*/data/**/*.toml"))
    return [(f.stem, loads_toml(f.read_text(encoding="utf-8"))) for f in files]


SCENARIOS = _scenario_seeds()
RULES = _rule_seeds()
_REGISTRY: o.PluginHost | None = None


def registry() -> o.PluginHost:
    global _REGISTRY
    if _REGISTRY is None:
        _REGISTRY = o.load()
    return _REGISTRY


_TMP = Path(tempfile.mkdtemp(prefix="outsourcing-fuzz-"))
atexit.register(shutil.rmtree, _TMP, True)


def _write(name: str, data: bytes) -> Path:
    p = _TMP / f"{name}-{os.getpid()}.toml"
    p.write_bytes(data)
    return p


from generators import contracts, dates, fen, money_text, number_texts  # noqa: E402


# --- the targets ------------------------------------------------------------------------------
def _money(x: Any) -> None:
    m = o.Money(x)
    if isinstance(x, str | Decimal) and not isinstance(x, bool):
        text = x.strip().replace(",", "").removeprefix("¥").removeprefix("￥") if isinstance(
            x, str) else x
        if Fraction(Decimal(text)) * 100 != m.fen:
            raise ChangedMoney(f"{x!r} became {m!r}")


def t_money(x: Any) -> None:
    attempt("money", lambda: _money(x), lambda: repr(x))


def t_numbers(x: Any) -> None:
    def run() -> None:
        as_quantity(x)
        r = as_rate(x)
        _ = o.Money("1234.56") * r

    attempt("rate_quantity", run, lambda: repr(x))


def t_dates(a: Any, b: Any, text: Any, kind: Any, year: Any, index: Any) -> None:
    def run() -> None:
        outcomes = 0
        for step in (lambda: list(o.DateRange(a, b).months()),
                     lambda: o.DateRange(a, b).years(),
                     lambda: (p := o.Period.parse(text), p.end, p.next(), p.months()),
                     lambda: (p := o.Period(kind, year, index), p.range, p.next())):
            try:
                step()
            except OutsourcingError:
                outcomes += 1
        if outcomes == 4:
            raise o.DateError("all refused")

    attempt("dates", run, lambda: repr((a, b, text, kind, year, index)))


def t_workdays(a: Any, b: Any, n: Any) -> None:
    from outsourcing import workdays

    def run() -> None:
        workdays.is_working_day(a)
        workdays.add_working_days(a, n)
        workdays.working_days_between(a, b)

    attempt("workdays", run, lambda: repr((a, b, n)))


def t_allocate(total: Any, weights: Any) -> None:
    def run() -> None:
        parts = allocate(total, weights)
        assert sum(p.fen for p in parts) == total.fen, "allocation does not add back"

    attempt("allocate", run, lambda: repr((total, weights)))


def t_json(data: Any, raw: bytes | None) -> None:
    """A contract in JSON, mutated; when it reads, it is checked and settled once."""
    text = raw if raw is not None else json.dumps(data, ensure_ascii=False, default=str)

    def run() -> None:
        c = from_json(text, o.Contract)
        reg = registry()
        rb = reg.rulebook(c.jurisdiction)
        reg.check_contract(c, rb)
        prepared = o.prepare(c, rb)
        prepared_period = prepared.periods[0]
        o.settle(c, prepared_period, [], rb)
        assert from_json(to_json(c), o.Contract) == c, "JSON round trip changed the contract"

    attempt("json_contract", run, lambda: repr(text)[:300])


def _public(name: str) -> Any:
    """A public class by name: from ``outsourcing``, or from the subpackage it lives in (the
    names the top level no longer exports, ``outsourcing._MOVED``)."""
    if name in o.__all__:
        return getattr(o, name)
    return getattr(importlib.import_module(f"outsourcing.{o._MOVED[name]}"), name)


def t_json_model(cls_name: str, data: Any, contract: o.Contract) -> None:
    """A change, an assessment or a usage record in JSON, mutated; what reads is used."""
    text = json.dumps(data, ensure_ascii=False, default=str)
    t_constructor_body("json_models", lambda: from_json(text, _public(cls_name)), contract,
                       lambda: f"{cls_name}: {text[:300]}")


def _statement_seeds() -> list[tuple[Any, Any]]:
    """Statements in both JSON forms with their prepared terms: the compact one
    (``statement/2``) and the previous release's (``statement/1``)."""
    from outsourcing.performance import Incident

    root = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(root / "tests"))
    from payment_cases import contract as case_contract
    from payment_cases import property_assessment

    c = case_contract((("property", "property", "80000.00"), ("cleaning", "cleaning",
                                                              "20000.00")),
                      start=date(2022, 9, 1), payment_days=30)
    rb = registry().rulebook("CN")
    pc = o.prepare(c, rb)
    st = pc.settle("2022-09", [property_assessment("2022-09", incidents=[
        Incident("ordinary", date(2022, 9, 8))])], paid_on=date(2022, 12, 1))
    old = json.loads((root / "tests" / "golden" / "statements_v1.json").read_text("utf-8"))
    return [(st.to_dict(), pc), (old[0]["json"], pc)]


STATEMENTS = _statement_seeds()


def t_statement_json(data: Any, n: int) -> None:
    """A statement's JSON (either form), mutated; what reads renders, bound to its terms."""
    text = json.dumps(data, ensure_ascii=False, default=str)

    def run() -> None:
        st = from_json(text, Statement)
        if st.terms is None:
            st = st.with_terms(STATEMENTS[n][1])
        st.render()
        assert from_json(st.to_json(), Statement) == st, "JSON round trip changed it"

    attempt("statement_json", run, lambda: text[:300])


def t_constructor(cls_name: str, kwargs: dict[str, Any], contract: o.Contract) -> None:
    t_constructor_body("constructors", lambda: _public(cls_name)(**kwargs), contract,
                       lambda: f"{cls_name}({kwargs!r})")


def t_constructor_body(target: str, build: Callable[[], Any], contract: o.Contract,
                       shown: Callable[[], str]) -> None:
    def run() -> None:
        obj = build()
        reg = registry()
        if isinstance(obj, o.Contract):
            _ = obj.original_amount
            reg.check_contract(obj)
            o.prepare(obj, reg.rulebook(obj.jurisdiction))
        elif isinstance(obj, o.Change):
            rb = reg.rulebook(contract.jurisdiction)
            tl = o.Timeline(contract).sign(obj, rb, today=contract.term.end)
            o.settle(tl, o.Period.containing(tl.term.start, PeriodKind.QUARTER if
                                              contract.schedule.value == "quarterly" else
                                              PeriodKind.MONTH), [], rb)
        elif isinstance(obj, o.Assessment | o.Usage):
            rb = reg.rulebook(contract.jurisdiction)
            o.settle(contract, obj.period, [obj] if isinstance(obj, o.Assessment) else [],
                     rb, usage=[obj] if isinstance(obj, o.Usage) else ())

    attempt(target, run, shown)


def t_scenario(raw: bytes) -> None:
    path = _write("scenario", raw)

    def run() -> None:
        cases = load_file(path)
        for case in cases:
            r = run_case(case, registry())
            if r.error and r.error.startswith(INTERNAL):
                raise RuntimeError(r.error)

    attempt("scenario_file", run, lambda: raw.decode("utf-8", "replace")[:300],
            lambda: {"scenario.toml": raw})


def t_rule(pid: str, raw: bytes) -> None:
    path = _write("rule", raw)
    attempt("rule_file", lambda: load_parameter_file(path, pid, "CN"),
            lambda: raw.decode("utf-8", "replace")[:300], lambda: {f"{pid}.toml": raw})


def t_cli(raws: list[bytes]) -> None:
    from outsourcing.cli import main

    paths = [_write(f"cli{i}", r) for i, r in enumerate(raws)]
    import contextlib
    import io
    from unittest import mock

    def run() -> None:
        out, err = io.StringIO(), io.StringIO()
        # the plugins are loaded once for the whole run, not once per input (what is tested is
        # how the command handles the files)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), \
                mock.patch("outsourcing.scenarios.load", registry):
            code = main(["test", *map(str, paths), str(_TMP / "missing.toml")])
        printed = out.getvalue() + err.getvalue()
        if code != 2:
            raise AssertionError(f"exit {code} with a missing file among them")
        internal = [line for line in printed.splitlines() if "internal error" in line]
        if internal:
            raise AssertionError("internal error reported:\n" + "\n".join(internal))
        if any(len(line) > 2500 for line in printed.splitlines()):
            raise AssertionError("a message quotes a long value whole")

    attempt("cli", run, lambda: repr([r[:100] for r in raws]),
            lambda: {f"cli{i}.toml": r for i, r in enumerate(raws)})


# --- strategies per target --------------------------------------------------------------------
def contract_kwargs(only: tuple[str, ...] = (), hostile_max: int = 2
                    ) -> st.SearchStrategy[tuple[str, dict[str, Any], o.Contract]]:
    """Keyword arguments for a public model class: valid ones with one or two hostile."""
    def build(data: dict[str, Any]) -> dict[str, Any]:
        from outsourcing.serialize import structure

        c = structure(data, o.Contract)
        line = c.lines[0]
        first = str(o.Period.containing(c.term.start, PeriodKind.QUARTER if c.schedule.value
                                        == "quarterly" else PeriodKind.MONTH))
        return {
            "Contract": {f: getattr(c, f) for f in (
                "id", "title", "jurisdiction", "purchaser", "supplier", "term", "lines",
                "schedule", "day_count", "budget", "signed_on", "payment_days")},
            "Supplier": {"id": "S", "name": "某公司", "size": c.supplier.size},
            "ServiceLine": {"id": line.id, "service": line.service, "site": line.site,
                            "pricing": line.pricing},
            "FixedMonthly": {"monthly_fee": "1000.00", "quantity": "2"},
            "UnitRate": {"unit_price": "80.00", "quantity": "6.5", "unit": "次"},
            "DateRange": {"start": c.term.start, "end": c.term.end},
            "Qualification": {"kind": "k", "level": "B级", "valid_until": date(2025, 1, 1)},
            "Purchaser": {"id": "P", "name": "局"},
            "KpiSpec": {"id": "k", "name_zh": "满意率", "name_en": "s", "unit": "%",
                        "target": "95", "direction": "higher", "weight": "30",
                        "citation": "示例", "scoring": "proportional"},
            "Incident": {"kind": "ordinary", "on": c.term.start},
            "Metric": {"kpi": "repair_pass_rate", "value": "88"},
            "Survey": {"kpi": "satisfaction", "responses": 180, "satisfied": 170},
            "ScoreItem": {"name": "保洁", "max_points": 50, "points": 44},
            "Assessment": {
                "line": line.id, "period": first, "assessed_by": "考核小组",
                "assessed_on": c.term.start,
                "metrics": [o.Metric("repair_pass_rate", "88")],
                "surveys": [o.Survey("satisfaction", 180, 170)],
                "sheets": [o.ScoreSheet("inspection", [o.ScoreItem("保洁", 50, 44)])],
                "incidents": [o.Incident("ordinary", c.term.start)]},
            "Usage": {"line": line.id, "period": first, "quantity": "3"},
            "Change": {"id": "BC-1", "action": ChangeLinePrice(line.id, "1.00"),
                       "rationale": "price_change", "reason": "调价",
                       "effective": c.term.start, "requested_by": "局",
                       "signed_on": c.term.start},
            "AddLine": {"line": line},
            "ChangeLinePrice": {"line_id": line.id, "price": "100.00"},
            "Suspend": {"line_id": line.id, "until": c.term.end},
            "TenderLine": {"id": "L", "service": "property", "site": "A"},
            "Holdback": {"share": "0.05", "release": "term_end"},
            "PriceListItem": {"code": "c", "name_zh": "车", "service": "official_transport",
                              "unit": "次", "max_price": "80.00"},
        }

    @st.composite
    def draw_kwargs(draw: st.DrawFn) -> tuple[str, dict[str, Any], o.Contract]:
        from outsourcing.serialize import structure

        data = draw(contracts())
        options = build(data)
        name = draw(st.sampled_from(sorted(only or options)))
        kw = dict(options[name])
        for _ in range(draw(st.integers(0, hostile_max))):
            key = draw(st.sampled_from(sorted(kw)))
            kw[key] = _copy(draw(hostile))
        return name, kw, structure(data, o.Contract)

    return draw_kwargs()


@st.composite
def json_models(draw: st.DrawFn) -> tuple[str, Any, o.Contract]:
    name, kwargs, contract = draw(contract_kwargs(("Change", "Assessment", "Usage"), 0))
    data = unstructure(_public(name)(**kwargs))
    return name, draw(mutated(data)) if draw(st.integers(0, 3)) else data, contract


@st.composite
def scenario_bytes(draw: st.DrawFn) -> bytes:
    seed = draw(st.sampled_from(SCENARIOS))
    data = draw(mutated(seed))
    if not isinstance(data, dict):
        data = {"case": data}
    text = dumps_toml(data)
    if draw(st.integers(0, 4)) == 0:
        return draw(corrupted(text))
    return text.encode("utf-8", "surrogatepass")


@st.composite
def rule_bytes(draw: st.DrawFn) -> tuple[str, bytes]:
    pid, seed = draw(st.sampled_from(RULES))
    data = draw(mutated(seed))
    if not isinstance(data, dict):
        data = {"values": data}
    text = dumps_toml(data)
    if draw(st.integers(0, 3)) == 0:
        return pid, draw(corrupted(text))
    return pid, text.encode("utf-8", "surrogatepass")


@st.composite
def json_input(draw: st.DrawFn) -> tuple[Any, bytes | None]:
    data = draw(contracts())
    if draw(st.integers(0, 3)):
        data = draw(mutated(data))
    if draw(st.integers(0, 9)) == 0:
        depth = draw(st.integers(1, 5000))
        return None, ("[" * depth + "]" * depth).encode()
    if draw(st.integers(0, 9)) == 0:
        return None, draw(corrupted(json.dumps(data, ensure_ascii=False, default=str)))
    return data, None


anything = st.one_of(hostile, number_texts(), st.text(max_size=20), st.integers(),
                     st.decimals(), st.fractions())

TARGETS: dict[str, tuple[st.SearchStrategy[Any], Callable[..., None]]] = {
    "money": (st.tuples(st.one_of(number_texts(), anything, money_text)), t_money),
    "rate_quantity": (st.tuples(st.one_of(number_texts(), anything)), t_numbers),
    "dates": (st.tuples(mostly(dates, anything), mostly(dates, anything),
                        mostly(st.from_regex(r"\A\d{4}(-(Q[0-9]|\d{1,2}))?\Z"), anything),
                        mostly(st.sampled_from(["month", "quarter", "year"]), anything),
                        mostly(st.integers(1890, 10000), anything),
                        mostly(st.integers(0, 13), anything)), t_dates),
    "workdays": (st.tuples(mostly(st.dates(date(2004, 1, 1), date(2026, 12, 31)), anything),
                           mostly(st.dates(date(2004, 1, 1), date(2026, 12, 31)), anything),
                           mostly(st.integers(0, 400), anything)), t_workdays),
    "allocate": (st.tuples(mostly(fen.map(o.Money.from_fen), anything),
                           mostly(st.lists(mostly(st.integers(0, 100) | money_text, anything),
                                           max_size=6), anything)),
                 t_allocate),
    "json_contract": (json_input(), t_json),
    "constructors": (contract_kwargs(), t_constructor),
    "json_models": (json_models(), t_json_model),
    "statement_json": (st.integers(0, len(STATEMENTS) - 1).flatmap(
        lambda n: st.tuples(mutated(STATEMENTS[n][0]), st.just(n))), t_statement_json),
    "scenario_file": (st.tuples(scenario_bytes()), t_scenario),
    "rule_file": (rule_bytes(), t_rule),
    "cli": (st.tuples(st.lists(scenario_bytes(), min_size=1, max_size=2)), t_cli),
}
"""Target name → (a strategy of argument tuples, the function called with them)."""

# --- the targets of the newer surfaces (their own modules) ----------------------------------
from targets_workbooks import TARGETS as WORKBOOK_TARGETS  # noqa: E402

TARGETS.update(WORKBOOK_TARGETS)
from targets_desk import TARGETS as DESK_TARGETS  # noqa: E402

TARGETS.update(DESK_TARGETS)
