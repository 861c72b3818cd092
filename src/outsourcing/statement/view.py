"""The settlement statement and how it reads (结算单).

A :class:`Statement` says, per service line, the contractual fee for the period, the score and
its KPI breakdown, the pay rate, each deduction and the caps, the holdback and its release,
the amount payable; then the totals, the due date and any late interest, warning notices and
whether a replacement threshold is reached.  Every figure has an :class:`Explanation` (rule
id, citation, inputs).  ``render()`` gives readable text with Chinese labels, ``to_dict()`` /
``to_json()`` plain JSON (money as strings such as ``"1234.56"``), read back exactly by
``outsourcing.serialize.from_json(text, Statement)``.
"""

from __future__ import annotations

import functools
import json
from datetime import date
from typing import Any, Generic, TypeVar

import attrs

from ..dates import DateRange, Period
from ..errors import SettlementError
from ..findings import Finding
from ..money import Money
from .json import record_to_dict
from .parts import (
    Carry,
    Explanation,
    LineCarry,
    StatementLine,
    Trigger,
    find_explanation,
)
from .record import StatementRecord, month_text
from .terms import BoundTerms, Parts, StoredTerms, Terms, derive, derive_findings
from .text import render_text

__all__ = ["Statement"]


T = TypeVar("T")


def _m(fen: int | None) -> Money | None:
    return None if fen is None else Money.from_fen(fen)


class _Fen:
    """A statement's amount: its record's whole fen as :class:`Money`."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: Any = None) -> Money:
        return Money.from_fen(getattr(obj.record, self.name))


class _Of(Generic[T]):
    """A statement's figure read as it is from its record."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: Any = None) -> T:
        value: T = getattr(obj.record, self.name)
        return value


def _bind(terms: Terms | None, statement: Any) -> Terms | None:
    """The terms as a statement holds them: prepared terms bound to its record."""
    if terms is None or isinstance(terms, StoredTerms | BoundTerms):
        return terms
    return BoundTerms(terms, statement.record)


@attrs.frozen
class Statement:
    """A settlement statement for one contract and one period (结算单).

    Plain data: its compact :class:`~outsourcing.statement.record.StatementRecord` (the
    inputs and figures, held once) and the terms that explain it.  The lines with their KPI
    breakdown, the findings, the thresholds and every :class:`Explanation` are derived from
    the two by :func:`~outsourcing.statement.terms.derive` the first time they are read; a
    statement read from JSON alone has its figures, and its explanations once bound to the
    terms (:meth:`with_terms`).  Equal statements have equal records.
    """

    record: StatementRecord
    terms: Terms | None = attrs.field(
        default=None, eq=False, repr=False,
        converter=attrs.Converter(_bind, takes_self=True))  # type: ignore[misc]
    """The terms that explain the record: prepared terms are held bound to it
    (:class:`~outsourcing.statement.terms.BoundTerms`, which pickles as the parts)."""

    def with_terms(self, terms: Terms) -> Statement:
        """This statement bound to the prepared terms of its contract, which explain it."""
        if isinstance(terms, BoundTerms):
            terms = terms.terms
        cid = terms.contract.id
        if cid != self.record.contract_id:
            raise SettlementError(f"the terms are contract {cid}'s",
                                  field="terms", value=cid, term="合同条款",
                                  code="statement.terms_mismatch")
        terms.fits(self.record)
        return Statement(self.record, terms)

    def _explained_by(self) -> Terms:
        if self.terms is None:
            raise SettlementError(
                "a statement read without its contract's terms has its figures only; its "
                "lines, findings and explanations are derived from the terms: "
                "Statement.with_terms(prepare(contract, rulebook, …))", field="terms",
                value=self.record.contract_id, term="合同条款", code="statement.terms_needed")
        return self.terms

    @functools.cached_property
    def _parts(self) -> Parts:
        """The derived parts, kept once read (see :meth:`render` for a one-off read)."""
        return derive(self._explained_by(), self.record)

    @functools.cached_property
    def _found(self) -> tuple[tuple[Finding, ...], tuple[Trigger, ...]]:
        """The findings and thresholds alone, without building the explanations."""
        held = _held(self)
        if held is not None:
            return held[2], held[3]
        return derive_findings(self._explained_by(), self.record)

    # --- the figures (from the record) ---------------------------------------------------
    contract_id = property(lambda self: self.record.contract_id)
    title = property(lambda self: self.record.title)
    purchaser = property(lambda self: self.record.purchaser)
    supplier = property(lambda self: self.record.supplier)
    supplier_size = property(lambda self: self.record.supplier_size)

    @property
    def period(self) -> Period:
        return self.record.period

    @property
    def span(self) -> DateRange:
        """The days of the period inside the term."""
        return self.record.span

    fee = _Fen("fee")
    performance_amount = _Fen("performance")
    deductions = _Fen("deductions")
    holdback = _Fen("holdback")
    released = _Fen("released")
    withheld = _Fen("withheld")
    payable = _Fen("payable")
    forfeited = _Fen("forfeited")
    """Held balances forfeited this period by the final assessment (暂扣款不予退还)."""
    late_interest = _Fen("late_interest")
    accepted_on = _Of[date | None]("accepted_on")
    clock_start = _Of[date | None]("clock_start")
    payment_days = _Of[int | None]("payment_days")
    due_on = _Of[date | None]("due_on")
    paid_on = _Of[date | None]("paid_on")
    late_days = _Of[int]("late_days")

    @property
    def total_cap(self) -> Money | None:
        return _m(self.record.total_cap)

    @property
    def payment_working_days(self) -> bool:
        """``payment_days`` counts working days (个工作日)."""
        return self.record.working_days

    @property
    def notices(self) -> tuple[str, ...]:
        """The lines with a warning notice this period."""
        return tuple(self.record.lines[j].line_id for j in self.record.notices)

    @property
    def carry(self) -> Carry:
        """The state read by the next period's settlement (结转)."""
        r = self.record
        lines, window, results = r.state
        kept = results or tuple(() for _ in lines)
        return Carry(r.period, tuple(
            LineCarry(x.line_id, Money.from_fen(held), streak,
                      tuple((month_text(m), k) for m, k in hist),
                      tuple((key, month_text(m), v) for key, m, v in res))
            for x, (streak, held, hist), res in zip(r.lines, lines, kept, strict=True)),
            tuple(month_text(m) for m in window))

    # --- derived from the record and the terms -------------------------------------------
    @property
    def lines(self) -> tuple[StatementLine, ...]:
        return self._parts[0]

    @property
    def explanations(self) -> tuple[Explanation, ...]:
        return self._parts[1]

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self._found[0]

    @property
    def triggers(self) -> tuple[Trigger, ...]:
        return self._found[1]

    @property
    def amount_due(self) -> Money:
        """Payable plus late interest."""
        return self.payable + self.late_interest

    def line(self, line_id: str) -> StatementLine:
        for x in self.lines:
            if x.line_id == line_id:
                return x
        raise KeyError(line_id)

    def explain(self, figure: str) -> Explanation:
        """The explanation of one figure, by its Chinese label (``"支付比例"``)."""
        return find_explanation(self.explanations, figure)

    def all_explanations(self) -> list[Explanation]:
        out = [e for x in self.lines for e in x.explanations]
        return out + list(self.explanations)

    # --- text ------------------------------------------------------------------------
    def render(self, lang: str = "zh") -> str:
        """Readable text with Chinese labels; findings and citations in Chinese for people
        (``lang="en"`` keeps the findings' English for developers)."""
        # read once: kept if already read, else derived for this text alone (a long
        # statement's explanations are not held after rendering it)
        held = _held(self)
        return render_text(self.record, held if held is not None
                           else derive(self._explained_by(), self.record), lang)

    # --- JSON ------------------------------------------------------------------------
    def to_dict(self, *, explanations: bool = False) -> dict[str, Any]:
        """The compact JSON form: the record's inputs and figures, each once (money and
        decimals as strings, dates ISO); no explanation text, which is derived.  With
        ``explanations=True`` each line and the statement also carry their derived
        explanations, and ``all_findings`` every finding with its Chinese text, for a reader
        without the library (read back, they are ignored and derived again)."""
        data = record_to_dict(self.record)
        if explanations:
            for d, x in zip(data["lines"], self.lines, strict=True):
                d["explanations"] = [e.to_dict() for e in x.explanations]
            data["explanations"] = [e.to_dict() for e in self.explanations]
            data["all_findings"] = [{"code": f.code, "severity": f.severity.value,
                                 "message": f.message, "message_zh": f.message_zh,
                                 "field": f.field, "rule_id": f.rule_id,
                                 "citation": f.citation, "term": f.term}
                                for f in self.findings]
        return data

    def to_json(self, *, indent: int | None = 2, explanations: bool = False) -> str:
        return json.dumps(self.to_dict(explanations=explanations), ensure_ascii=False,
                          indent=indent)


_PARTS_SLOT: Any = Statement.__dict__["_parts"]
"""The slot of :attr:`Statement._parts` itself: reading it never derives the parts."""


def _held(statement: Statement) -> Parts | None:
    """A statement's parts if already derived, else None (derives nothing)."""
    try:
        parts: Parts = _PARTS_SLOT.__get__(statement, Statement)
    except AttributeError:
        return None
    return parts
