"""Settlement: a contract's period, its assessments and the rules → a Statement (结算).

``settle(source, period, assessments, rulebook)`` reads the contractual fee only through the
schedules protocol (``source.line_schedules()`` and ``source.all_lines()``), so ``source`` is a
:class:`~outsourcing.model.Contract` or a timeline of changes alike; the base contract is
``source.contract`` where there is one.

The package follows the data, one module per stage:

- **compile** (:mod:`.compile`): everything that depends on the contract alone, once — every
  period's fee per line (one pass, the one accrual rule), each line's KPIs and payment rule
  (explicit per line, else the ``outsourcing_payment_rule`` hook, once per line, else the
  rulebook's defaults) compiled to integer tables, the contract-wide terms;
- **inputs** (:mod:`.inputs`): assessments, the carried state, final scores and usage,
  checked and made compact;
- **compute** (:mod:`.compute`): one period in integer fen — the record;
- **record** (:mod:`.record`): the compact :class:`~outsourcing.statement.record.StatementRecord`
  (inputs and figures, each once), which is what a statement stores;
- **explain** (:mod:`.explain`, :mod:`.explain_totals`): the record and the terms → every
  figure's :class:`~outsourcing.statement.Explanation`, the findings and thresholds, derived
  only when read;
- **render**: :meth:`~outsourcing.statement.Statement.render` (text) and
  :meth:`~outsourcing.statement.Statement.to_dict` (the compact JSON).

:func:`prepare` returns a :class:`PreparedContract` (compile); its ``settle`` runs the rest,
and :func:`settle`, :func:`settle_term` and the registry all go through it.

Per line and period, in this order (each amount rounded half-up to the fen once):

1. fee F — the line's accrual over the period (按日折算);
2. score m — the sum of the KPI points; pay rate r — the tier table or formula;
   performance amount A = F × r;
3. incident deductions, each ×factor when the repeat ratchet applies; capped at the line cap
   (share of F), then at the contract's total cap (share of ΣF, split with ``allocate``);
   never more than A;
4. earned E = A − deductions; holdback H = E × share; released = the held balance at the
   release point; payable = E − H + released.

A line running in the period without an assessment (or with KPIs not measured) is a finding:
its fee is withheld (暂缓支付) — never paid in full nor zeroed silently.  A score below the
warning line issues a warning notice; the statement names the replacement or termination
threshold when reached.  The due date counts the statutory (or agreed, at most 60) days from
acceptance; late interest accrues per day on the payable amount.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Unpack

from ..dates import Period
from ..errors import SettlementError
from ..performance import Assessment
from ..rules import RuleBook
from ..statement import Statement
from ..usage import Usage
from .compile import PAYMENT_DEFAULTS, PreparedLine, SettlementSource
from .compiled import PeriodInput, compile_contract, period_input, settle_compiled
from .compute import Reading
from .keys import FORMAT, compiled_key, rules_fingerprint
from .options import (
    ContractTerms,
    PeriodKeywords,
    PeriodTerms,
    PrepareKeywords,
    SettleKeywords,
    TermKeywords,
    split,
)
from .prepared import PreparedContract

__all__ = [
    "FORMAT",
    "PAYMENT_DEFAULTS",
    "ContractTerms",
    "PeriodInput",
    "PeriodKeywords",
    "PeriodTerms",
    "PrepareKeywords",
    "PreparedContract",
    "PreparedLine",
    "Reading",
    "SettleKeywords",
    "SettlementSource",
    "TermKeywords",
    "compile_contract",
    "compiled_key",
    "period_input",
    "prepare",
    "rules_fingerprint",
    "settle",
    "settle_compiled",
    "settle_term",
]


def prepare(source: SettlementSource, rulebook: RuleBook,
            **kw: Unpack[PrepareKeywords]) -> PreparedContract:
    """Prepare a contract (or timeline) for settlement: everything done once per contract.

    The keywords are the contract's own terms (:class:`ContractTerms`).  ``rules`` sets a
    line's payment rule explicitly; other lines ask the ``outsourcing_payment_rule`` hook
    once, then fall back to :func:`~outsourcing.payment.default_payment_rule`.  ``kpis``
    replaces a line's KPIs (targets and weights per line).  Rules are resolved on ``on``,
    by default the signing day or the start of the term.

    ``contract_rules`` are the contract's own contract-wide terms (total deduction cap,
    replacement and termination thresholds); ``ContractRules()`` states none.  Without it
    the rulebook's defaults apply.  Where a figure uses an *illustrative* default the
    contract did not state (:data:`PAYMENT_DEFAULTS`), every statement carries a warning
    finding ``payment.illustrative_default`` naming it and its source, and the rendered
    statement marks the figure; ``adopt`` lists the defaults the contract adopts explicitly
    (e.g. ``["payment.holdback"]``, or ``["*"]`` for all of them): then no warning.
    """
    return PreparedContract(source, rulebook, ContractTerms(**kw))


def settle(
    source: SettlementSource,
    period: Period | str,
    assessments: Iterable[Assessment],
    rulebook: RuleBook,
    *,
    previous: Statement | None = None,
    **kw: Unpack[SettleKeywords],
) -> Statement:
    """Settle one period of a contract (or its timeline) and return the :class:`Statement`.

    The keywords are the contract's terms (``rules``, ``kpis``, ``on``, ``contract_rules``,
    ``adopt``: see :func:`prepare` and :class:`ContractTerms`) and the period's
    (:class:`PeriodTerms`): ``usage`` records what unit-rate and labour-plus-materials lines
    actually delivered or cost in the period (按实结算, :mod:`outsourcing.usage`); other
    lines, and lines without a usage, are paid their scheduled fee.  ``accepted_on`` is the
    day of acceptance or of confirming the settled amount (default: the latest assessment's
    day); ``acceptance_due`` the agreed acceptance deadline (a later acceptance counts from
    it); ``paid_on`` the day paid, for late interest.  ``release_holdback`` forces (True) or
    stops (False) the holdback release; by default the rule's release point decides.
    ``final_scores`` gives a line's final assessment score (年度/期满考核得分), which decides
    a result-based holdback release (:class:`~outsourcing.payment.Holdback` ``by_result``,
    ``forfeit_below``).

    ``assessments`` are this period's, one per line at most.  ``previous`` is the previous
    period's statement (holdback balance, failing streaks, notices in the window); without
    it the first period starts clean and a later one says so in a finding.  To settle many
    periods, :func:`prepare` once and call ``.settle`` on it.
    """
    terms, period_terms = split(kw, "settle")
    return PreparedContract(source, rulebook, terms).settle_period(
        period, assessments, previous, period_terms)


def settle_term(
    source: SettlementSource,
    assessments: Iterable[Assessment],
    rulebook: RuleBook,
    *,
    upto: Period | str | None = None,
    **kw: Unpack[TermKeywords],
) -> list[Statement]:
    """Settle every period of the term in order (through ``upto``), each carrying the
    previous one's state; the assessments and ``usage`` are grouped by period.
    ``final_scores`` are given to every period (they matter where a result-based holdback
    is released); the other keywords are the contract's terms (see :func:`prepare`)."""
    terms, given = split(kw, "settle_term", period=("usage", "final_scores"))
    prepared = PreparedContract(source, rulebook, terms)
    by_period: dict[Period, list[Assessment]] = {}
    for n, a in enumerate(assessments):
        if not isinstance(a, Assessment):
            raise SettlementError(f"a {type(a).__name__} is not an Assessment",
                                  field=f"assessments[{n}]", value=repr(a), term="考核记录",
                                  code="settlement.assessment_type")
        if prepared.term.overlap(a.period.range) is None:
            raise SettlementError(f"assessment for {a.period}, outside the term {prepared.term}",
                                  field=f"assessments[{n}].period", value=str(a.period),
                                  term="考核期间超出履行期限",
                                  code="settlement.assessment_outside_term")
        by_period.setdefault(a.period, []).append(a)
    stray = [p for p in by_period if p not in prepared.index_of]
    if stray:
        raise SettlementError(f"assessments for periods that are not settlement periods "
                              f"({prepared.kind.value}): {', '.join(map(str, stray))}",
                              field="assessments", value=[str(p) for p in stray],
                              term="考核期间", code="settlement.assessment_period_not_settlement")
    used: dict[Period, list[Usage]] = {}
    for u in given.usage:
        used.setdefault(u.period, []).append(u)
    if set(used) - set(prepared.index_of):
        odd = sorted(str(p) for p in set(used) - set(prepared.index_of))
        raise SettlementError(f"usage for periods that are not settlement periods: "
                              f"{', '.join(odd)}", field="usage", value=odd, term="结算期间",
                              code="settlement.usage_period_not_settlement")
    last = prepared.period_index(upto) if upto is not None else len(prepared.periods) - 1
    out: list[Statement] = []
    prev: Statement | None = None
    for i in range(last + 1):
        p = prepared.periods[i]
        prev = prepared.settle_period(p, by_period.get(p, ()), prev, PeriodTerms(
            usage=used.get(p, ()), final_scores=given.final_scores))
        out.append(prev)
    return out
