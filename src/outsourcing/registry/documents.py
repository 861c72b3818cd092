"""The stored documents (登记文档): statements packed and unpacked, contract terms, changes
and inputs read through :mod:`outsourcing.serialize`."""

from __future__ import annotations

import json
import zlib
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..dates import Period
from ..errors import OutsourcingError, RegistryError
from ..money import Money
from ..serialize import converter, structure
from ..settlement import PreparedContract
from ..statement import Carry, Statement
from ..statement.parts import LineCarry
from ..terms import ContractTerms
from .common import dumps

__all__ = ["FORMAT", "carry_of", "decisions_of", "pack_statement", "read_document",
           "terms_of", "unpack_statement"]

FORMAT = 2
"""The version of the stored documents' layout."""


def pack_statement(s: Statement, decisions: int, inputs: Mapping[str, Any] | None = None,
                   reason: str = "") -> tuple[bytes, str]:
    """The stored document (zlib-compressed JSON — level 1: the stored size within a tenth
    of level 6's, a third of its time —, versioned: the compact statement, the
    number of decided changes its terms included, the code, severity and message of each
    of its findings, which the findings table indexes, the versions of the recorded inputs
    it was settled from and, for a correction, why) and the carry's JSON."""
    data = s.to_dict()
    found = [[f.code, f.severity.value, f.message] for f in s.findings]
    return (zlib.compress(dumps({"format": FORMAT, "statement": data,
                                 "decisions": decisions, "findings": found,
                                 "inputs": dict(inputs or {}), "reason": reason}
                                ).encode(), 1),
            dumps(data["carry"]))


def read_document(blob: bytes) -> dict[str, Any]:
    """A stored statement document, decompressed and read."""
    data: dict[str, Any] = json.loads(zlib.decompress(bytes(blob)))
    return data


def decisions_of(data: Mapping[str, Any]) -> int | None:
    """How many decided changes the terms of a stored statement included (None: format 1)."""
    n = data.get("decisions")
    return n if isinstance(n, int) else None


def _hundredths(v: Any, _: Any) -> tuple[tuple[str, str, int], ...]:
    """A line's carried KPI results: (KPI, month, value) with the value stored as decimal
    text and read in hundredths."""
    return tuple((str(kpi), str(month), int(Decimal(value) * 100)) for kpi, month, value in v)


_CARRY = converter.copy()
_CARRY.register_structure_hook_func(lambda t: t == tuple[tuple[str, str, int], ...], _hundredths)


def _int(v: Any) -> int:
    if type(v) is not int:
        raise TypeError(v)
    return v


def carry_of(text: str) -> Carry:
    """The carry stored with a statement (its ``carry`` column): built directly when it has
    the shape the store writes (the hot path of a month), else read through the library's
    converter (:data:`outsourcing.serialize.converter`), which names what is wrong."""
    data = json.loads(text)
    try:
        return Carry(Period.parse(data["period"]), tuple(
            LineCarry(x["line_id"], Money(x["held"]), _int(x["streak"]),
                      tuple((m, k) for m, k in x["incidents"]),
                      tuple((kpi, month, int(Decimal(v) * 100))
                            for kpi, month, v in x.get("results", ())))
            for x in data["lines"]), tuple(data["notice_months"]))
    except (KeyError, TypeError, ValueError, ArithmeticError, OutsourcingError):
        pass
    carry: Carry = _CARRY.structure(data, Carry)
    return carry


def unpack_statement(blob: bytes | Mapping[str, Any], terms: PreparedContract) -> Statement:
    """A stored statement (its document, or the document already read), bound to the
    prepared terms that explain it; a document of the previous release (format 1, every
    explanation stored) as it was issued."""
    data = blob if isinstance(blob, Mapping) else read_document(blob)
    if data.get("format") == 1:
        return structure(data["statement"], Statement, source="$.statement")
    if data.get("format") != FORMAT:
        raise RegistryError(
            f"the stored statement is in format {data.get('format')!r}; this library reads "
            f"formats 1 and {FORMAT}", field="statements.document", value=data.get("format"),
            term="结算单存储格式", code="registry.statement_format",
            params={"format": FORMAT})
    return structure(data["statement"], Statement, source="$.statement").with_terms(terms)


def terms_of(doc: str) -> ContractTerms:
    """A contract's stored document: the contract with every term it states."""
    return ContractTerms.from_dict(json.loads(doc))
