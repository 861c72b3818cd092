"""What explains a statement (结算单的计算依据来源): its contract's terms, or its parts as issued.

A :class:`~outsourcing.statement.Statement` holds its compact record; its lines, findings,
thresholds and every :class:`~.parts.Explanation` are derived from the record by
:func:`derive` — a function of the record and the :class:`Terms` that explain it — when they
are first read.  The terms are the contract's prepared terms
(:class:`~outsourcing.settlement.PreparedContract`), bound to the record
(:class:`BoundTerms`), or the parts a statement was issued with (:class:`StoredTerms`: a
statement of the previous release, or one unpickled).
"""

from __future__ import annotations

from typing import Any, Protocol

import attrs

from ..findings import Finding
from .parts import Explanation, StatementLine, Trigger
from .record import StatementRecord

__all__ = ["BoundTerms", "Parts", "StoredTerms", "Terms", "derive", "derive_findings"]

Parts = tuple[tuple[StatementLine, ...], tuple[Explanation, ...], tuple[Finding, ...],
              tuple[Trigger, ...]]
"""A record's lines, the statement's own explanations, its findings and its thresholds."""


class Terms(Protocol):
    """What explains a record: the contract's prepared terms
    (:class:`~outsourcing.settlement.PreparedContract`), or :class:`StoredTerms`."""

    @property
    def contract(self) -> Any: ...

    def fits(self, record: StatementRecord) -> None: ...

    def statement_parts(self, record: StatementRecord) -> Parts: ...

    def statement_findings(self, record: StatementRecord
                           ) -> tuple[tuple[Finding, ...], tuple[Trigger, ...]]: ...


def derive(terms: Terms, record: StatementRecord) -> Parts:
    """The parts of ``record`` as ``terms`` explain it (see the module)."""
    return terms.statement_parts(record)


def derive_findings(terms: Terms, record: StatementRecord
                    ) -> tuple[tuple[Finding, ...], tuple[Trigger, ...]]:
    """The findings and thresholds of ``record`` alone, without building any explanation."""
    return terms.statement_findings(record)


@attrs.frozen
class _ContractId:
    id: str


@attrs.frozen
class StoredTerms:
    """A statement's parts as they were derived or issued, standing in for its terms: a
    statement of the previous release (:mod:`outsourcing.statement.legacy`), or one
    unpickled (see :class:`BoundTerms`)."""

    contract_id: str
    parts: Parts

    @property
    def contract(self) -> _ContractId:
        return _ContractId(self.contract_id)

    def fits(self, record: StatementRecord) -> None:
        """The stored parts are this record's own."""

    def statement_findings(self, record: StatementRecord
                           ) -> tuple[tuple[Finding, ...], tuple[Trigger, ...]]:
        return self.parts[2], self.parts[3]

    def statement_parts(self, record: StatementRecord) -> Parts:
        return self.parts


@attrs.frozen
class BoundTerms:
    """A contract's prepared terms bound to one record: what a settled statement holds.

    Compiled terms (a :class:`~outsourcing.settlement.PreparedContract`, plain data with a
    ``format``) travel as they are (pickled, e.g. returned from a process pool), so the
    statement's parts are still derived only when read on the other side; other terms
    travel as the parts they derive — a :class:`StoredTerms`.  Either reads and renders the
    same."""

    terms: Terms
    record: StatementRecord = attrs.field(eq=False, repr=False)

    @property
    def contract(self) -> Any:
        return self.terms.contract

    def fits(self, record: StatementRecord) -> None:
        self.terms.fits(record)

    def statement_parts(self, record: StatementRecord) -> Parts:
        return self.terms.statement_parts(record)

    def statement_findings(self, record: StatementRecord
                           ) -> tuple[tuple[Finding, ...], tuple[Trigger, ...]]:
        return self.terms.statement_findings(record)

    def __reduce__(self) -> tuple[Any, ...]:
        if getattr(self.terms, "format", None) is not None:  # compiled terms: they pickle
            return (BoundTerms, (self.terms, self.record))
        return (StoredTerms, (self.record.contract_id, derive(self.terms, self.record)))
