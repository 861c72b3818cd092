"""Statements stored by the previous release (JSON ``statement/1``, 结算单旧格式), read as issued.

That form held every line, finding and explanation written out.  :func:`statement_v1`
reads it back into a :class:`~outsourcing.statement.Statement` whose figures form a
:class:`~outsourcing.statement.record.StatementRecord` and whose lines, findings,
thresholds and explanations are the ones stored — exactly as the bureau received them, not
derived again from today's terms.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

from ..dates import DateRange, Period
from ..errors import OutsourcingError, SerializationError
from ..findings import Finding
from ..money import Money
from ..payment import RATE_DEN
from .json import as_day, as_text, as_whole, record_from_dict, record_to_dict
from .parts import (
    LINE_STATUSES,
    Deduction,
    Explanation,
    KpiResult,
    LineStatus,
    StatementLine,
    Trigger,
)
from .record import LineRecord, StatementRecord, month_number
from .terms import StoredTerms
from .view import Statement

__all__ = ["is_v1", "statement_v1"]

def is_v1(data: Any) -> bool:
    """True for the previous release's form (no ``format``, explanations stored)."""
    return isinstance(data, dict) and "format" not in data and "explanations" in data


def _need(d: Any, where: str) -> dict[str, Any]:
    if not isinstance(d, dict):
        raise SerializationError("expected an object", field=where, value=d, term="结算单",
                                 code="statement.legacy.not_object")
    return d


def _opt(conv: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda x: None if x is None else conv(x)


def _dec(x: Any) -> Decimal:
    return Decimal(as_text(x))


_money = Money


_odec, _omoney, _oday = _opt(_dec), _opt(Money), _opt(as_day)


def _expl(e: Any) -> Explanation:
    e = _need(e, "explanations")
    inputs = _need(e.get("inputs", {}), "explanations.inputs")
    return Explanation(as_text(e["figure"]), as_text(e["value"]), as_text(e["rule_id"]),
                       as_text(e["citation"]),
                       tuple((as_text(k), as_text(x)) for k, x in inputs.items()),
                       as_text(e.get("line", "")))


def _line(x: Any) -> StatementLine:
    x = _need(x, "lines")
    return StatementLine(
        line_id=as_text(x["line_id"]), service=as_text(x["service"]),
        service_zh=as_text(x.get("service_zh", x["service"])), site=as_text(x["site"]),
        status=LineStatus(x["status"]), fee=_money(x["fee"]), score=_odec(x["score"]),
        kpis=tuple(KpiResult(as_text(k["id"]), as_text(k["name_zh"]), as_text(k["unit"]),
                             _dec(k["target"]), _dec(k["weight"]), _odec(k["measured"]),
                             as_text(k["source"]), _odec(k["points"])) for k in x["kpis"]),
        missing_kpis=tuple(as_text(m) for m in x["missing_kpis"]), pay_rate=_odec(x["pay_rate"]),
        performance_amount=_money(x["performance_amount"]),
        deductions=tuple(Deduction(as_text(d["kind"]), as_text(d["label"]), _money(d["base"]),
                                   _dec(d["factor"]), _money(d["amount"]),
                                   as_whole(d["occurrence"]), _oday(d["on"]))
                         for d in x["deductions"]),
        deductions_total=_money(x["deductions_total"]), line_cap=_omoney(x["line_cap"]),
        deductions_capped=_money(x["deductions_capped"]),
        deductions_applied=_money(x["deductions_applied"]), holdback=_money(x["holdback"]),
        released=_money(x["released"]), withheld=_money(x["withheld"]),
        payable=_money(x["payable"]), held_balance=_money(x["held_balance"]),
        warning_notice=bool(x["warning_notice"]), failing_streak=as_whole(x["failing_streak"]),
        explanations=tuple(_expl(e) for e in x["explanations"]),
        base_score=_odec(x.get("base_score")), adjustment=_dec(x.get("adjustment", "0")),
        site_scores=tuple((as_text(k), _dec(sc))
                          for k, sc in _need(x.get("site_scores", {}), "site_scores").items()),
        downgraded=bool(x.get("downgraded", False)),
        forfeited=_money(x.get("forfeited", "0.00")),
        defaults=tuple(as_text(r) for r in x.get("defaults", ())))


def _finding(f: Any) -> Finding:
    f = _need(f, "findings")
    get = {k: None if f.get(k) is None else as_text(f[k])
           for k in ("field", "rule_id", "citation", "term")}
    return Finding(as_text(f["code"]), as_text(f["message"]), f["severity"],
                   source=as_text(f.get("source", "core")), **get)


def _centi(d: Decimal | None) -> int | None:
    return None if d is None else int(d * 100)


def _record_line(x: StatementLine) -> LineRecord:
    assessed = x.status is LineStatus.ASSESSED
    measured = [k.measured for k in x.kpis]
    values = (tuple(int(m * 100) for m in measured if m is not None)
              if assessed and measured and None not in measured else None)
    items = []
    for d in x.deductions:
        f = Fraction(d.factor)
        items.append((d.kind, d.base.fen, f.numerator, f.denominator, d.occurrence,
                      d.amount.fen))
    return LineRecord(
        x.line_id, x.service, x.site, LINE_STATUSES.index(x.status), x.fee.fen, values,
        # a line without a base score has its score as base, as in statement/2: the
        # document then reads back as itself
        x.missing_kpis, _centi(x.score),
        _centi(x.base_score if x.base_score is not None else x.score),
        int(x.adjustment * 100),
        None, tuple(int(s * 100) for _, s in x.site_scores),
        None if x.pay_rate is None else int(x.pay_rate * RATE_DEN),
        x.performance_amount.fen, tuple(items), x.deductions_total.fen,
        None if x.line_cap is None else x.line_cap.fen, x.deductions_capped.fen,
        x.deductions_applied.fen, x.holdback.fen, x.released.fen, x.withheld.fen,
        x.payable.fen, x.warning_notice, x.failing_streak, x.held_balance.fen,
        x.forfeited.fen, False, None,
        tuple((d.on, d.kind, None) for d in x.deductions if d.on is not None),
        tuple((k.id, k.source) for k in x.kpis if k.source), None)


def statement_v1(v: Any) -> Statement:
    """A statement of the previous release's JSON form, as issued (see the module)."""
    try:
        v = _need(v, "$")
        t, p, c = _need(v["totals"], "totals"), _need(v["payment"], "payment"), v["carry"]
        lines = tuple(_line(x) for x in v["lines"])
        ids = {x.line_id: j for j, x in enumerate(lines)}
        triggers = tuple(Trigger(as_text(x["scope"]), _opt(as_text)(x["line_id"]),
                                 as_text(x["rule_id"]), as_text(x["citation"]),
                                 as_text(x["message"])) for x in v["triggers"])
        carried = {as_text(x["line_id"]): (
            as_whole(x["streak"]), Money(x["held"]).fen,
            tuple((month_number(m), as_text(k)) for m, k in x["incidents"]))
            for x in c["lines"]}
        state = (tuple(carried.get(x.line_id, (0, 0, ())) for x in lines),
                 tuple(month_number(m) for m in c["notice_months"]), ())
        span = _need(v["span"], "span")
        cap = _omoney(t["total_cap"])
        rec = StatementRecord(
            as_text(v["contract_id"]), as_text(v["title"]), as_text(v["purchaser"]),
            as_text(v["supplier"]), as_text(v["supplier_size"]), Period.parse(as_text(v["period"])),
            DateRange(as_day(span["start"]), as_day(span["end"])),
            tuple(_record_line(x) for x in lines), Money(t["fee"]).fen,
            Money(t["performance_amount"]).fen, Money(t["deductions"]).fen,
            Money(t["holdback"]).fen, Money(t["released"]).fen, Money(t["withheld"]).fen,
            Money(t["payable"]).fen, Money(t.get("forfeited", "0.00")).fen,
            None if cap is None else cap.fen,
            sum(x.deductions_capped.fen for x in lines), _oday(p["accepted_on"]), None,
            _oday(p["clock_start"]), _opt(as_whole)(p["payment_days"]),
            bool(p.get("payment_working_days", False)), _oday(p["due_on"]),
            _oday(p["paid_on"]), as_whole(p["late_days"]), Money(p["late_interest"]).fen,
            tuple(ids[as_text(n)] for n in v["notices"]),
            tuple(ids[t.line_id] for t in triggers if t.line_id is not None),
            any(t.scope == "contract" for t in triggers), state, None, ())
        parts = (lines, tuple(_expl(e) for e in v["explanations"]),
                 tuple(_finding(f) for f in v["findings"]), triggers)
    except OutsourcingError:
        raise
    except KeyError as exc:
        raise SerializationError("required field missing", field=str(exc), value=None,
                                 term="结算单", code="statement.legacy.missing_field"
                                 ) from None
    except (TypeError, ValueError, AttributeError, ArithmeticError) as exc:
        raise SerializationError(f"not a statement: {exc}", field="$", value=None,
                                 term="结算单", code="statement.legacy.invalid") from None
    # what this release writes must read back: the compact form's limits (money, rates,
    # scores) apply to a statement/1 document too, so an accepted one reads back as itself
    record_from_dict(record_to_dict(rec))
    st = Statement(rec, StoredTerms(rec.contract_id, parts))
    due = p.get("amount_due")
    if due is not None and Money(due) != st.amount_due:
        raise SerializationError("amount_due is not payable + late_interest",
                                 field="payment.amount_due", value=due, term="应付合计",
                                 code="statement.amount_due_mismatch")
    return st
