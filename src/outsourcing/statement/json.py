"""The compact JSON form of a statement's record (``"format": "statement/2"``).

:func:`record_to_dict` holds the inputs and figures of a
:class:`~outsourcing.statement.record.StatementRecord` once — money as strings such as
``"1234.56"``, scores and values as decimals, dates ISO; a line leaves out the keys that
hold a zero, nothing or ``false`` — and :func:`record_from_dict` reads it back exactly,
naming the path of the first bad value.  No explanation text is stored: it is derived.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Context, Decimal, Inexact, InvalidOperation, Rounded, localcontext
from functools import lru_cache
from typing import Any

from .._limits import MAX_YUAN
from ..dates import DateRange, Period
from ..errors import SerializationError
from ..findings import Finding, Severity
from ..money import fen_text
from ..payment import RATE_DEN
from ..performance import CENTI, NOT_SCORED, centi_text
from .parts import LINE_STATUSES
from .record import (
    LineRecord,
    State,
    StatementRecord,
    month_number,
    month_text,
)

__all__ = ["FORMAT", "as_day", "as_text", "as_whole", "record_from_dict", "record_to_dict"]

FORMAT = "statement/2"
"""The compact JSON form; ``statement/1`` (every explanation stored) is still read
(:mod:`outsourcing.statement.legacy`)."""

# --- to JSON -------------------------------------------------------------------------------

@lru_cache(maxsize=4096)
def _rate_str(r: int) -> str:
    return str((Decimal(r) / RATE_DEN).normalize())


def _values(v: Any) -> Any:
    return [_values(x) if isinstance(x, tuple) else None if x == NOT_SCORED else centi_text(x)
            for x in v]


def _line_dict(x: LineRecord) -> dict[str, Any]:
    d: dict[str, Any] = {"line_id": x.line_id, "service": x.service, "site": x.site,
                         "status": _STATUS[x.status], "fee": fen_text(x.fee)}
    if x.values is not None:
        d["values"] = _values(x.values)
    if x.missing:
        d["missing"] = list(x.missing)
    for k in ("score", "base_score"):
        v = getattr(x, k)
        if v is not None and (k == "score" or v != x.score):
            d[k] = centi_text(v)
    if x.adjustment:
        d["adjustment"] = centi_text(x.adjustment)
    if x.tiers is not None:
        d["tiers"] = list(x.tiers)
    if x.site_scores:
        d["site_scores"] = [centi_text(s) for s in x.site_scores]
    if x.rate is not None:
        d["rate"] = _rate_str(x.rate)
    if x.status == 0:
        d["performance"] = fen_text(x.performance)
    if x.items:
        d["items"] = [[k, fen_text(b), n, m, o, fen_text(a)] for k, b, n, m, o, a in x.items]
    for k, v in (("deductions_total", x.deductions_total),
                 ("deductions_capped", x.deductions_capped),
                 ("deductions_applied", x.deductions_applied), ("holdback", x.holdback),
                 ("released", x.released), ("withheld", x.withheld),
                 ("forfeited", x.forfeited)):
        if v:
            d[k] = fen_text(v)
    if x.line_cap is not None:
        d["line_cap"] = fen_text(x.line_cap)
    d["payable"] = fen_text(x.payable)
    if x.held:
        d["held"] = fen_text(x.held)
    if x.notice:
        d["notice"] = True
    if x.streak:
        d["streak"] = x.streak
    if x.pending:
        d["pending"] = True
    if x.final is not None:
        d["final"] = centi_text(x.final)
    if x.incidents:
        d["incidents"] = [[on.isoformat(), k, None if s is None else _rate_str(s)]
                          for on, k, s in x.incidents]
    if x.sources:
        d["sources"] = dict(x.sources)
    if x.actual is not None:
        d["actual"] = {"rule_id": x.actual[0], "citation": x.actual[1],
                       "inputs": [list(i) for i in x.actual[2]]}
    return d


def _finding_dict(f: Finding) -> dict[str, Any]:
    d: dict[str, Any] = {"code": f.code, "message": f.message, "severity": f.severity.value}
    for k in ("field", "rule_id", "citation", "term", "zh"):
        if getattr(f, k) is not None:
            d[k] = getattr(f, k)
    if f.source != "core":
        d["source"] = f.source
    return d


def _iso(d: date | None) -> str | None:
    return None if d is None else d.isoformat()


def record_to_dict(r: StatementRecord) -> dict[str, Any]:
    """The compact JSON form of a record (see the module)."""
    ids = [x.line_id for x in r.lines]
    lines, window, results = r.state
    kept = results or tuple(() for _ in lines)
    return {
        "format": FORMAT,
        "contract_id": r.contract_id, "title": r.title, "purchaser": r.purchaser,
        "supplier": r.supplier, "supplier_size": r.supplier_size,
        "period": str(r.period), "span": [r.span.start.isoformat(), r.span.end.isoformat()],
        "lines": [_line_dict(x) for x in r.lines],
        "totals": {"fee": fen_text(r.fee), "performance_amount": fen_text(r.performance),
                   "deductions": fen_text(r.deductions),
                   "deductions_capped": fen_text(r.deductions_capped),
                   "holdback": fen_text(r.holdback), "released": fen_text(r.released),
                   "withheld": fen_text(r.withheld), "payable": fen_text(r.payable),
                   "forfeited": fen_text(r.forfeited),
                   "total_cap": None if r.total_cap is None else fen_text(r.total_cap)},
        "payment": {"accepted_on": _iso(r.accepted_on),
                    "acceptance_due": _iso(r.acceptance_due),
                    "clock_start": _iso(r.clock_start), "payment_days": r.payment_days,
                    "payment_working_days": r.working_days, "due_on": _iso(r.due_on),
                    "paid_on": _iso(r.paid_on), "late_days": r.late_days,
                    "late_interest": fen_text(r.late_interest),
                    "amount_due": fen_text(r.payable + r.late_interest)},
        "notices": [ids[j] for j in r.notices],
        "triggers": [ids[j] for j in r.triggers],
        "contract_trigger": r.contract_trigger,
        "release": r.release,
        "carry": {"period": str(r.period),
                  "lines": [{"line_id": i, "held": fen_text(h), "streak": s,
                             "incidents": [[month_text(m), k] for m, k in hist],
                             **({"results": [[key, month_text(m), centi_text(v)]
                                             for key, m, v in res]} if res else {})}
                            for i, (s, h, hist), res in zip(ids, lines, kept, strict=True)
                            if s or h or hist or res],
                  "notice_months": [month_text(m) for m in window]},
        "findings": [_finding_dict(f) for f in r.findings],
    }


# --- from JSON -----------------------------------------------------------------------------

_STATUS = tuple(s.value for s in LINE_STATUSES)


def _bad(field: str, value: Any, why: str) -> SerializationError:
    return SerializationError(f"not a statement: {why}", field=field, value=value,
                              term="结算单", code="statement.json.bad_field")


class _Reader:
    """Reads one JSON object by field, naming the path of the first bad value."""

    def __init__(self, data: Any, path: str) -> None:
        if not isinstance(data, Mapping):
            raise _bad(path, data, "expected an object")
        self.data, self.path = data, path

    def raw(self, key: str, default: Any = ...) -> Any:
        if key not in self.data:
            if default is ...:
                raise _bad(f"{self.path}.{key}", None, "required field missing")
            return default
        return self.data[key]

    def get(self, key: str, conv: Callable[[Any], Any], default: Any = ...) -> Any:
        v = self.raw(key, default)
        if v is default and default is not ...:
            return default
        try:
            return conv(v)
        except (TypeError, ValueError, ArithmeticError, KeyError, AttributeError) as exc:
            raise _bad(f"{self.path}.{key}", v, str(exc) or type(exc).__name__) from None

    def opt(self, key: str, conv: Callable[[Any], Any]) -> Any:
        v = self.raw(key, None)
        return None if v is None else self.get(key, conv)


def as_text(v: Any) -> str:
    """A JSON value that must be text (a TypeError names what was expected)."""
    if not isinstance(v, str):
        raise TypeError("expected text")
    return v


WHOLE_LIMIT = 10 ** 18
"""The largest count a statement's JSON may carry (the money range's bound, in units)."""


def as_whole(v: Any) -> int:
    """A JSON value that must be a whole number, not a boolean."""
    if isinstance(v, bool) or not isinstance(v, int):
        raise TypeError("expected a whole number")
    if abs(v) > WHOLE_LIMIT:
        raise ValueError(f"beyond the library's limit ({WHOLE_LIMIT:,})")
    return v


def _bool(v: Any) -> bool:
    if not isinstance(v, bool):
        raise TypeError("expected true or false")
    return v


def _scaled(v: Any, den: int, limit: int = 10 ** 30) -> int:
    """A number written as text, as a whole count of 1/``den`` — read exactly (no decimal
    context rounds it: ``"99999999999999999999999999.995"`` is refused as fen, never read
    as 10²⁸) and at most ``limit`` in size."""
    if not isinstance(v, str):
        raise TypeError("expected a number as text")
    try:
        d = Decimal(v)  # exact: the constructor never rounds
    except InvalidOperation:
        raise ValueError("not a number") from None
    if not d.is_finite():
        raise ValueError("not a finite number")
    _, digits, exp = d.as_tuple()
    assert isinstance(exp, int)
    if len(digits) + abs(exp) > 80:
        raise ValueError("too many digits")
    with localcontext(Context(prec=200, traps=[Inexact, Rounded])):
        n = d * den
    if n != n.to_integral_value():
        raise ValueError(f"not a whole multiple of 1/{den}")
    if abs(n) > limit:
        raise ValueError(f"beyond the library's limit ({limit // den:,})")
    return int(n)


def _fen(v: Any) -> int:
    return _scaled(v, 100, MAX_YUAN * 100)


def _centi(v: Any) -> int:
    return _scaled(v, CENTI)


def _rate(v: Any) -> int:
    return _scaled(v, RATE_DEN)


def as_day(v: Any) -> date:
    """A JSON value that must be an ISO date."""
    return date.fromisoformat(as_text(v))


def _month_int(s: Any) -> int:
    if not 1 <= int(as_text(s).split("-")[1]) <= 12:
        raise ValueError("not a month YYYY-MM")
    return month_number(s)


def _list(v: Any) -> list[Any]:
    if not isinstance(v, list):
        raise TypeError("expected a list")
    return v


def _vals(v: Any) -> tuple[Any, ...]:
    """KPI values; ``null`` for a KPI not scored in the period (:data:`NOT_SCORED`)."""
    return tuple(_vals(x) if isinstance(x, list) else NOT_SCORED if x is None else _centi(x)
                 for x in _list(v))


def _items(v: Any) -> tuple[tuple[str, int, int, int, int, int], ...]:
    out = []
    for x in _list(v):
        k, b, n, m, o, a = _list(x)
        out.append((as_text(k), _fen(b), as_whole(n), as_whole(m), as_whole(o), _fen(a)))
    return tuple(out)


def _incidents(v: Any) -> tuple[tuple[date, str, int | None], ...]:
    out = []
    for x in _list(v):
        on, k, s = _list(x)
        out.append((as_day(on), as_text(k), None if s is None else _rate(s)))
    return tuple(out)


def _sources(v: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(v, Mapping):
        raise TypeError("expected an object")
    return tuple((as_text(k), as_text(x)) for k, x in v.items())


def _actual(v: Any) -> tuple[str, str, tuple[tuple[str, str], ...]]:
    r = _Reader(v, "actual")
    return (r.get("rule_id", as_text), r.get("citation", as_text),
            tuple((as_text(a), as_text(b)) for a, b in map(_list, r.get("inputs", _list))))


def _results(v: Any) -> tuple[tuple[str, int, int], ...]:
    """Carried-forward results: [KPI id, month ``YYYY-MM``, value]."""
    return tuple(sorted((as_text(k), _month_int(m), _centi(x)) for k, m, x in map(_list, v)))


def _line(v: Any, n: int) -> LineRecord:
    r = _Reader(v, f"$.lines[{n}]")
    score = r.opt("score", _centi)
    tiers = r.opt("tiers", lambda t: tuple(map(as_whole, _list(t))))
    return LineRecord(
        r.get("line_id", as_text), r.get("service", as_text), r.get("site", as_text),
        r.get("status", _STATUS.index), r.get("fee", _fen), r.opt("values", _vals),
        tuple(r.get("missing", lambda x: [as_text(m) for m in _list(x)], [])),
        score, r.get("base_score", _centi, score), r.get("adjustment", _centi, 0),
        None if tiers is None else (tiers[0], tiers[1]),
        tuple(r.get("site_scores", lambda x: [_centi(s) for s in _list(x)], [])),
        r.opt("rate", _rate), r.get("performance", _fen, 0), r.get("items", _items, ()),
        r.get("deductions_total", _fen, 0), r.opt("line_cap", _fen),
        r.get("deductions_capped", _fen, 0), r.get("deductions_applied", _fen, 0),
        r.get("holdback", _fen, 0), r.get("released", _fen, 0), r.get("withheld", _fen, 0),
        r.get("payable", _fen), r.get("notice", _bool, False), r.get("streak", as_whole, 0),
        r.get("held", _fen, 0), r.get("forfeited", _fen, 0), r.get("pending", _bool, False),
        r.opt("final", _centi), r.get("incidents", _incidents, ()),
        r.get("sources", _sources, ()), r.opt("actual", _actual))


def _finding(v: Any, n: int) -> Finding:
    r = _Reader(v, f"$.findings[{n}]")
    return Finding(r.get("code", as_text), r.get("message", as_text),
                   r.get("severity", Severity), field=r.opt("field", as_text),
                   rule_id=r.opt("rule_id", as_text), citation=r.opt("citation", as_text),
                   term=r.opt("term", as_text), source=r.get("source", as_text, "core"),
                   zh=r.opt("zh", as_text))


def record_from_dict(data: Any) -> StatementRecord:
    """Read the compact JSON form back (see :func:`record_to_dict`); a bad field is named."""
    r = _Reader(data, "$")
    if r.raw("format", None) != FORMAT:
        raise _bad("$.format", r.raw("format", None), f"expected {FORMAT!r}")
    lines = tuple(_line(x, n) for n, x in enumerate(r.get("lines", _list)))
    ids = {x.line_id: j for j, x in enumerate(lines)}
    if len(ids) != len(lines):
        raise _bad("$.lines", None, "a line id is given twice")
    t = _Reader(r.raw("totals"), "$.totals")
    p = _Reader(r.raw("payment"), "$.payment")
    c = _Reader(r.raw("carry"), "$.carry")
    carried: dict[int, tuple[int, int, tuple[tuple[int, str], ...]]] = {}
    results: dict[int, tuple[tuple[str, int, int], ...]] = {}
    for n, x in enumerate(c.get("lines", _list)):
        cr = _Reader(x, f"$.carry.lines[{n}]")
        j = cr.get("line_id", lambda s: ids[as_text(s)])
        carried[j] = (cr.get("streak", as_whole), cr.get("held", _fen), cr.get(
            "incidents", lambda v: tuple((_month_int(m), as_text(k)) for m, k in map(_list, v))))
        got = cr.get("results", _results, ())
        if got:
            results[j] = got
    state: State = (tuple(carried.get(j, (0, 0, ())) for j in range(len(lines))),
                    tuple(c.get("notice_months", lambda v: [_month_int(m) for m in _list(v)])),
                    tuple(results.get(j, ()) for j in range(len(lines))) if results else ())
    span = r.get("span", lambda v: DateRange(as_day(v[0]), as_day(v[1])))
    rec = StatementRecord(
        r.get("contract_id", as_text), r.get("title", as_text), r.get("purchaser", as_text),
        r.get("supplier", as_text), r.get("supplier_size", as_text),
        r.get("period", lambda v: Period.parse(as_text(v))), span, lines,
        t.get("fee", _fen), t.get("performance_amount", _fen), t.get("deductions", _fen),
        t.get("holdback", _fen), t.get("released", _fen), t.get("withheld", _fen),
        t.get("payable", _fen), t.get("forfeited", _fen), t.opt("total_cap", _fen),
        t.get("deductions_capped", _fen),
        p.opt("accepted_on", as_day), p.opt("acceptance_due", as_day), p.opt("clock_start", as_day),
        p.opt("payment_days", as_whole), p.get("payment_working_days", _bool),
        p.opt("due_on", as_day), p.opt("paid_on", as_day), p.get("late_days", as_whole),
        p.get("late_interest", _fen),
        tuple(r.get("notices", lambda v: [ids[as_text(x)] for x in _list(v)])),
        tuple(r.get("triggers", lambda v: [ids[as_text(x)] for x in _list(v)])),
        r.get("contract_trigger", _bool), state,
        r.opt("release", _bool),
        tuple(_finding(f, n) for n, f in enumerate(r.get("findings", _list))))
    due = p.opt("amount_due", _fen)
    if due is not None and due != rec.payable + rec.late_interest:
        raise SerializationError("amount_due is not payable + late_interest",
                                 field="payment.amount_due", value=p.raw("amount_due"),
                                 term="应付合计", code="statement.amount_due_mismatch")
    return rec
