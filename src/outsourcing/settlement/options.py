"""What a caller says about a settlement besides the contract, the period and its
assessments (结算参数): two values, each declared once and passed through every entry point.

- :class:`ContractTerms` — the contract's own terms for preparing it: payment rules and KPIs
  per line, the day rules are resolved on, the contract-wide rules and the illustrative
  defaults adopted.  :func:`~outsourcing.settlement.prepare`,
  :func:`~outsourcing.settlement.settle` and :func:`~outsourcing.settlement.settle_term`
  take them as keywords (:class:`PrepareKeywords`).
- :class:`PeriodTerms` — a period's circumstances: the acceptance day and the agreed
  acceptance deadline (the due date counts from them), the day paid (late interest), the
  holdback release, recorded usage and final assessment scores.
  :func:`~outsourcing.settlement.settle` and
  :meth:`~outsourcing.settlement.PreparedContract.settle` take them as keywords
  (:class:`PeriodKeywords`) and pass one value on.

The keyword dictionaries type the public keyword API (``**kw: Unpack[...]``); a test keeps
each one's keys the same as its value's fields.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any, TypedDict

import attrs

from ..catalogue import KpiSpec
from ..payment import ContractRules, PaymentRule
from ..usage import Usage

__all__ = ["ContractTerms", "PeriodKeywords", "PeriodTerms", "PrepareKeywords",
           "SettleKeywords", "TermKeywords", "split"]


@attrs.frozen(kw_only=True)
class ContractTerms:
    """The contract's own terms for settling it (see :func:`~outsourcing.settlement.prepare`).

    ``rules`` sets a line's payment rule explicitly (else the ``outsourcing_payment_rule``
    hook, else the rulebook's defaults); ``kpis`` replaces a line's KPIs; rules are resolved
    on ``on`` (default: the signing day, else the start of the term); ``contract_rules``
    are the contract-wide terms (None: the rulebook's defaults); ``adopt`` names the
    illustrative defaults the contract adopts (``"*"`` for all)."""

    rules: Mapping[str, PaymentRule] | None = None
    kpis: Mapping[str, Sequence[KpiSpec]] | None = None
    on: date | None = None
    contract_rules: ContractRules | None = None
    adopt: Iterable[str] = ()


@attrs.frozen(kw_only=True)
class PeriodTerms:
    """A period's circumstances (see :func:`~outsourcing.settlement.settle`).

    ``accepted_on``: the day of acceptance or of confirming the settled amount (default:
    the latest assessment's day); ``acceptance_due``: the agreed acceptance deadline (a
    later acceptance counts from it); ``paid_on``: the day paid, for late interest;
    ``release_holdback``: force (True) or stop (False) the holdback release (None: the
    rule's release point decides); ``usage``: what unit-rate and labour-plus-materials lines
    delivered or cost (按实结算); ``final_scores``: a line's final assessment score
    (年度/期满考核得分), for a result-based release; ``usage_required``: a usage-priced line
    without its usage has that part withheld (``usage.missing``) instead of being paid its
    plan."""

    accepted_on: date | None = None
    acceptance_due: date | None = None
    paid_on: date | None = None
    release_holdback: bool | None = None
    usage: Iterable[Usage] = ()
    final_scores: Mapping[str, Any] | None = None
    usage_required: bool = False


class PrepareKeywords(TypedDict, total=False):
    """:class:`ContractTerms` as keywords."""

    rules: Mapping[str, PaymentRule] | None
    kpis: Mapping[str, Sequence[KpiSpec]] | None
    on: date | None
    contract_rules: ContractRules | None
    adopt: Iterable[str]


class PeriodKeywords(TypedDict, total=False):
    """:class:`PeriodTerms` as keywords."""

    accepted_on: date | None
    acceptance_due: date | None
    paid_on: date | None
    release_holdback: bool | None
    usage: Iterable[Usage]
    final_scores: Mapping[str, Any] | None
    usage_required: bool


class SettleKeywords(PrepareKeywords, PeriodKeywords, total=False):
    """The keywords of :func:`~outsourcing.settlement.settle`: both groups."""


class TermKeywords(PrepareKeywords, total=False):
    """The keywords of :func:`~outsourcing.settlement.settle_term`: the contract's terms,
    the usage of every period and the final scores."""

    usage: Iterable[Usage]
    final_scores: Mapping[str, Any] | None


_CONTRACT = frozenset(attrs.fields_dict(ContractTerms))
_PERIOD = frozenset(attrs.fields_dict(PeriodTerms))


def split(kw: Mapping[str, Any], where: str, *, period: Iterable[str] | None = None
          ) -> tuple[ContractTerms, PeriodTerms]:
    """Keywords as the two values (``period``: the period's keywords ``where`` takes, by
    default all); an unknown keyword is a ``TypeError`` naming ``where`` and the keywords it
    takes, as Python's own would."""
    allowed = _CONTRACT | (_PERIOD if period is None else frozenset(period))
    odd = sorted(set(kw) - allowed)
    if odd:
        raise TypeError(f"{where}() got unexpected keyword arguments {', '.join(odd)}; it "
                        f"takes {', '.join(sorted(allowed))}")
    return (ContractTerms(**{k: v for k, v in kw.items() if k in _CONTRACT}),
            PeriodTerms(**{k: v for k, v in kw.items() if k in _PERIOD}))
