"""The bodies of the API's commands (请求体): what a write needs beside the library's own
models, read through :mod:`outsourcing.serialize` like every model (unknown keys, wrong
types, money as a float are refused, naming the field).  None names an actor: the actor of
every write is the caller (:mod:`.scope`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import attrs

from ...dates import Period
from ...errors import OutsourcingError, SerializationError
from ...model import Contract
from ...money import Money
from ...performance import Assessment
from ...serialize import structure
from ...terms import ContractTerms
from ...usage import Usage
from .codec import READERS, refuse_shape

__all__ = ["AcceptanceIn", "AssessmentsIn", "FinalScoreIn", "PaymentIn", "RejectIn",
           "ReversalIn", "SettleUnitIn", "SignIn", "UsageIn", "read_terms"]


@attrs.frozen
class SignIn:
    """Sign a pending change (签订变更)."""

    signed_on: date | None = None
    """The day signed (default: today)."""


@attrs.frozen
class RejectIn:
    """Reject a pending change (驳回), saying why."""

    reason: str


@attrs.frozen
class AssessmentsIn:
    """A period's assessments of a contract's lines (考核记录), recorded as one transaction;
    a line recorded already with other values is refused unless ``correction`` says why
    (then a new version, 更正)."""

    assessments: list[Assessment]
    correction: str | None = None


@attrs.frozen
class UsageIn:
    """A period's actual usage of the contract's lines (实际用量), in one transaction."""

    usage: list[Usage]
    correction: str = ""


@attrs.frozen
class AcceptanceIn:
    """The acceptance of a period (验收): the payment clock starts on its day."""

    accepted_on: date
    accepted_by: str | None = None
    """Who accepted (验收人); default: the caller's name."""
    acceptance_due: date | None = None
    reason: str = ""
    """Why, when it corrects an acceptance recorded already (更正理由)."""


@attrs.frozen
class FinalScoreIn:
    """A line's final assessment score (年度/期满考核得分, 0–100)."""

    line: str
    score: Decimal
    reason: str = ""


@attrs.frozen
class PaymentIn:
    """A payment (or, negative, a recovery) against a settled period (付款)."""

    period: Period
    amount: Money
    paid_on: date
    reference: str = ""


@attrs.frozen
class ReversalIn:
    """The reversal of a payment recorded in error (冲正), by its reference."""

    period: Period
    reverses: str
    reason: str
    amount: Money | None = None
    """How much of it (default: all that is left of it)."""


@attrs.frozen
class SettleUnitIn:
    """Settle a period for every contract of a unit and those below it (按单位结算)."""

    period: Period
    unit: str | None = None
    """The unit (default: the caller's own)."""


_TERMS_KEYS = frozenset({"contract", "rules", "kpis", "contract_rules", "adopt", "plan"})


def read_terms(data: Any) -> ContractTerms:
    """A contract to record: the registry's document form (``{"contract": {…}, "rules":
    {…}, "kpis": {…}, …}``, what ``GET /contracts/{id}/terms`` returns) or the contract
    alone (the library's JSON form of :class:`~outsourcing.model.Contract`)."""
    if not isinstance(data, dict):
        return ContractTerms(structure(data, Contract))
    if "contract" not in data:
        return ContractTerms(structure(data, Contract))
    extra = set(data) - _TERMS_KEYS
    if extra:
        raise SerializationError(f"unknown keys: {', '.join(sorted(extra))}",
                                 field=f"$.{sorted(extra)[0]}", value=None,
                                 code="serialization.shape", params={"cls": "ContractTerms"})
    try:
        return ContractTerms.from_dict(data)
    except OutsourcingError:
        raise
    except (TypeError, AttributeError, KeyError, ValueError) as exc:
        raise refuse_shape("ContractTerms", exc) from None


READERS[ContractTerms] = read_terms
