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

``tests/test_fuzz.py`` runs a short pass in ``make test``; ``make fuzz`` (``fuzz/run.py``)
runs at least 10,000 examples per target and prints tried / accepted / rejected / crashes.
"""

from __future__ import annotations

import atexit
import gc
import importlib
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

import outsourcing as o
from outsourcing.catalogue import Catalogue
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

ROOT = Path(__file__).resolve().parent.parent
BOUND = 1.0
"""Seconds an attempt may take."""


# --- bookkeeping ------------------------------------------------------------------------------
@dataclass
class Stats:
    tried: int = 0
    accepted: int = 0
    rejected: int = 0
    crashes: int = 0
    slow: int = 0
    slowest: float = 0.0
    slowest_wall: float = 0.0
    first_crashes: list[str] = field(default_factory=list)


STATS: dict[str, Stats] = {}
STRICT = True
"""Under pytest a crash or a slow attempt fails the example at once (hypothesis shrinks it);
``fuzz/run.py`` sets it False to count them all."""


class Crash(AssertionError):
    """An attempt that ended outside the library's error hierarchy, or too slowly."""


def attempt(target: str, fn: Callable[[], Any], shown: Callable[[], str]) -> None:
    s = STATS.setdefault(target, Stats())
    s.tried += 1
    gc.disable()  # a collection's pause belongs to the whole run, not to this input
    t0, c0 = time.perf_counter(), time.process_time()
    problem = None
    try:
        fn()
        s.accepted += 1
    except OutsourcingError:
        s.rejected += 1
    except Exception as exc:
        s.crashes += 1
        problem = f"{type(exc).__name__}: {str(exc)[:200]}\n" + "".join(
            traceback.format_tb(exc.__traceback__)[-3:])
    dt = time.process_time() - c0
    s.slowest_wall = max(s.slowest_wall, time.perf_counter() - t0)
    gc.enable()
    s.slowest = max(s.slowest, dt)
    if dt > BOUND:
        s.slow += 1
        problem = (problem or "") + f"took {dt:.2f} s of CPU (bound {BOUND} s)"
    if problem:
        what = f"{problem}\ninput: {shown()[:300]}"
        if len(s.first_crashes) < int(os.environ.get("FUZZ_KEEP", "5")):
            s.first_crashes.append(what)
        if STRICT:
            raise Crash(what)


def table() -> str:
    rows = [f"{'target':<16}{'tried':>8}{'accepted':>10}{'rejected':>10}{'crashes':>9}"
            f"{'>1s':>6}{'slowest cpu':>13}{'wall':>9}"]
    for name, s in STATS.items():
        rows.append(f"{name:<16}{s.tried:>8}{s.accepted:>10}{s.rejected:>10}{s.crashes:>9}"
                    f"{s.slow:>6}{s.slowest:>12.3f}s{s.slowest_wall:>8.3f}s")
    return "\n".join(rows)


class ChangedMoney(Exception):
    """Money accepted with a value other than the one written."""


# --- hostile values and mutations -------------------------------------------------------------
HOSTILE: list[Any] = [
    None, "", " ", "x", "smal", "-1", "1e999999", "1e-999999999", "1E-999999999", "NaN", "inf",
    "9999-12-31", "0001-01-01", "2022-02-30", "12345678901234567890123456789.12", "0.001",
    "¥1,234.56", "１２３", "\x00", "\ud800x", "a" * 5000, -1, 0, 1, 10**30, 2**64, -(10**20),
    True, False, 1.5, float("nan"), float("inf"), Decimal("NaN"), Decimal("1e999999"),
    Decimal("-0"), Fraction(1, 3), [], {}, [[[]]], {"kind": None}, {"a": {"b": {"c": []}}},
    date(9999, 12, 31), date(1, 1, 1), date(2022, 10, 1), b"\xff\xfe", object(),
]
hostile = st.sampled_from(HOSTILE)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(data, dict):
        for k, v in data.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _paths(v, (*prefix, i))
    return out


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for k in path:
        data = data[k]
    return data


def _set(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    parent = _get(data, path[:-1])
    parent[path[-1]] = value
    return data


def _copy(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _copy(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_copy(v) for v in data]
    return data


@st.composite
def mutated(draw: st.DrawFn, seed: Any, *, values: st.SearchStrategy[Any] = hostile) -> Any:
    """``seed`` with up to three mutations: drop, retype, nest, swap or replace a value."""
    data = _copy(seed)
    for _ in range(draw(st.integers(0, 3))):
        paths = _paths(data)
        path = draw(st.sampled_from(paths))
        op = draw(st.sampled_from(["drop", "retype", "nest", "swap", "replace", "wrap_list"]))
        if not path:
            if op in ("nest", "wrap_list"):
                data = [data] if op == "wrap_list" else {"x": data}
            continue
        current = _get(data, path)
        if op == "drop":
            parent = _get(data, path[:-1])
            if isinstance(parent, dict):
                del parent[path[-1]]
            else:
                parent.pop(path[-1])
        elif op == "retype":
            _set(data, path, _retype(current, draw))
        elif op == "nest":
            _set(data, path, {"value": current})
        elif op == "wrap_list":
            _set(data, path, [current])
        elif op == "swap":
            other = draw(st.sampled_from(paths))
            if other and other[: len(path)] != path and path[: len(other)] != other:
                a, b = _get(data, path), _get(data, other)
                _set(data, path, b)
                _set(data, other, a)
        else:
            _set(data, path, _copy(draw(values)))
    return data


def _retype(v: Any, draw: st.DrawFn) -> Any:
    if isinstance(v, str):
        return draw(st.sampled_from([0, 1.5, [v], {"v": v}, True, v * 3, v[:1]]))
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, int | Decimal):
        return draw(st.sampled_from([str(v), [v], -v, 10**40, Decimal("9e99")]))
    if isinstance(v, dict):
        return list(v.values())
    if isinstance(v, list):
        return {str(i): x for i, x in enumerate(v)}
    if isinstance(v, date):
        return draw(st.sampled_from([v.isoformat(), v.year, "2022-13-01"]))
    return str(v)


@st.composite
def corrupted(draw: st.DrawFn, text: str) -> bytes:
    """The text encoded, then maybe re-encoded (GBK, UTF-16) or with bytes flipped/cut."""
    how = draw(st.sampled_from(["utf8", "utf8", "utf8", "gbk", "utf16", "flip", "cut", "bom",
                                "junk"]))
    if how == "gbk":
        return text.encode("gb18030", "replace")
    if how == "utf16":
        return text.encode("utf-16", "surrogatepass")
    if how == "bom":
        return b"\xef\xbb\xbf" + text.encode('utf-8', 'surrogatepass')
    data = bytearray(text.encode('utf-8', 'surrogatepass'))
    if how == "flip" and data:
        for _ in range(draw(st.integers(1, 8))):
            i = draw(st.integers(0, len(data) - 1))
            data[i] = draw(st.integers(0, 255))
    elif how == "cut" and data:
        data = data[: draw(st.integers(0, len(data)))]
    elif how == "junk":
        data = bytearray(draw(st.binary(max_size=200)))
    return bytes(data)


# --- TOML writing (the fuzz needs to write what it mutated) -----------------------------------
def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | Decimal):
        text = str(v)
        if isinstance(v, Decimal):
            if v.is_nan():
                return "nan"
            if v.is_infinite():
                return "inf" if v > 0 else "-inf"
            if "." not in text and "E" not in text and "e" not in text:
                text += ".0"
        return text
    if isinstance(v, float):
        return repr(v) if v == v and v not in (float("inf"), float("-inf")) else (
            "nan" if v != v else ("inf" if v > 0 else "-inf"))
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{json.dumps(str(k))} = {_toml_value(x)}"
                                for k, x in v.items()) + " }"
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if v is None:
        return '"None"'
    return json.dumps(str(v), ensure_ascii=False)


def dumps_toml(data: dict[str, Any]) -> str:
    """TOML for plain data: every value on its key's line (inline tables and arrays)."""
    return "\n".join(f"{json.dumps(str(k))} = {_toml_value(v)}" for k, v in data.items()) + "\n"


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


# --- generators of valid input ----------------------------------------------------------------
SERVICES = [k.code for k in Catalogue(__import__(
    "outsourcing.catalogue", fromlist=["CORE_SERVICE_KINDS"]).CORE_SERVICE_KINDS)]
fen = st.integers(0, 10**17)
money_text = fen.map(lambda f: f"{f // 100}.{f % 100:02d}")
dates = st.dates(date(2000, 1, 1), date(2040, 12, 31))


@st.composite
def contracts(draw: st.DrawFn) -> dict[str, Any]:
    """A valid contract as plain data (what ``to_json`` writes)."""
    start = draw(dates)
    months = draw(st.integers(1, 36))
    end = date(start.year + (start.month - 1 + months) // 12,
               (start.month - 1 + months) % 12 + 1, 1)
    from datetime import timedelta
    end = end - timedelta(days=1)
    n = draw(st.integers(1, 3))
    lines = []
    for i in range(n):
        kind = draw(st.sampled_from(["fixed_monthly", "unit_rate", "labour_plus_materials"]))
        if kind == "fixed_monthly":
            pricing = {"kind": kind, "monthly_fee": draw(money_text),
                       "quantity": str(draw(st.integers(1, 50)))}
        elif kind == "unit_rate":
            pricing = {"kind": kind, "unit_price": draw(money_text),
                       "quantity": str(draw(st.decimals(0, 10**6, places=2))), "unit": "次"}
        else:
            pricing = {"kind": kind, "labour_monthly": draw(money_text),
                       "materials_budget": draw(money_text)}
        lines.append({"id": f"L{i}", "service": draw(st.sampled_from(SERVICES)),
                      "site": "自治区政府办公区", "pricing": pricing})
    return {
        "id": draw(st.text(min_size=1, max_size=12).filter(str.strip)),
        "title": "物业管理服务", "jurisdiction": draw(st.sampled_from(["CN", "NX", "NX-SZS"])),
        "purchaser": {"id": "P", "name": "机关事务管理局"},
        "supplier": {"id": "S", "name": "某公司",
                     "size": draw(st.sampled_from(["large", "medium", "small", "micro"]))},
        "term": {"start": start.isoformat(), "end": end.isoformat()},
        "lines": lines,
        "schedule": draw(st.sampled_from(["monthly", "quarterly"])),
    }


@st.composite
def number_texts(draw: st.DrawFn) -> str:
    """Numbers as people and machines write them, with long digit runs and wild exponents."""
    sign = draw(st.sampled_from(["", "-", "+"]))
    whole = draw(st.text("0123456789", min_size=0, max_size=45))
    frac = draw(st.one_of(st.just(""), st.text("0123456789", max_size=45).map(lambda s: "." + s)))
    exp = draw(st.one_of(st.just(""), st.integers(-10**9, 10**9).map(lambda e: f"e{e}")))
    return f"{sign}{whole}{frac}{exp}"


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

    attempt("scenario_file", run, lambda: raw.decode("utf-8", "replace")[:300])


def t_rule(pid: str, raw: bytes) -> None:
    path = _write("rule", raw)
    attempt("rule_file", lambda: load_parameter_file(path, pid, "CN"),
            lambda: raw.decode("utf-8", "replace")[:300])


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
        if code != 2:
            raise AssertionError(f"exit {code} with a missing file among them")
        if "internal error" in out.getvalue() + err.getvalue():
            raise AssertionError("internal error reported")
        if any(len(line) > 2500 for line in (out.getvalue() + err.getvalue()).splitlines()):
            raise AssertionError("a message quotes a long value whole")

    attempt("cli", run, lambda: repr([r[:100] for r in raws]))


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


def mostly(valid: st.SearchStrategy[Any], bad: st.SearchStrategy[Any]
           ) -> st.SearchStrategy[Any]:
    """Valid input three times in four, so that mutations reach past the first check."""
    return st.integers(0, 3).flatmap(lambda k: valid if k else bad)


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
