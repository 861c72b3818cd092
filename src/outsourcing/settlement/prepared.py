"""The prepared contract: the compiled terms with the verbs that settle them.

:class:`PreparedContract` is what :func:`~outsourcing.settlement.prepare` returns: a
:class:`~.compile.CompiledContract` whose methods run the stages in order — inputs
(:mod:`.inputs`) → compute (:mod:`.compute`) → the record (:mod:`.record`) — and return a
:class:`~outsourcing.statement.Statement` bound to these terms, which explain it on demand
(:mod:`.explain`).  Every caller (``settle``, ``settle_term``, the registry, the desk) goes
through :meth:`PreparedContract.settle_period` (:meth:`PreparedContract.settle` with the
period's terms as keywords).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Unpack

from ..dates import Period
from ..findings import Finding
from ..model import ServiceLine
from ..performance import Assessment
from ..statement import Carry, Explanation, Statement, StatementLine, Trigger
from ..statement.record import StatementRecord
from ..usage import ActualFee, Usage
from . import compute, inputs
from .compile import CompiledContract
from .explain_totals import statement_findings, statement_parts
from .options import PeriodKeywords, PeriodTerms
from .record import check_fits, to_record

__all__ = ["PreparedContract"]


class PreparedContract(CompiledContract):
    """A contract prepared once; settles any of its periods (see :mod:`outsourcing.settlement`).

    What it holds is read directly (the compiled terms: periods, lines, rules); the stages
    are functions of it — :func:`.inputs.readings`, :func:`.inputs.state_from`,
    :func:`.compute.settle_readings`, :func:`.record.to_record`.  Besides settling, its
    methods are what a :class:`~outsourcing.statement.Statement` is explained by (``fits``,
    ``statement_parts``, ``statement_findings``), and the lines a period needs usage for, the
    usage-priced fees and the final scores a store checks before it records them.
    """

    def settle(self, period: Period | str, assessments: Iterable[Assessment] = (), *,
               previous: Statement | Carry | None = None,
               **kw: Unpack[PeriodKeywords]) -> Statement:
        """Settle one period; see :func:`~outsourcing.settlement.settle` (``previous`` may be
        the previous statement or only its carry; the keywords: :class:`.PeriodTerms`)."""
        return self.settle_period(period, assessments, previous, PeriodTerms(**kw))

    def settle_period(self, period: Period | str, assessments: Iterable[Assessment],
                      previous: Statement | Carry | None, terms: PeriodTerms) -> Statement:
        """Settle one period under ``terms``: inputs → compute → the record → a statement
        explained by these terms."""
        i = self.period_index(period)
        finals = inputs.final_scores(self, terms.final_scores) if terms.final_scores else {}
        rds, by_line, sources = inputs.compact_readings(self, i, assessments)
        actuals = inputs.actual_fees(self, i, terms.usage, required=terms.usage_required)
        state, found = inputs.state_from(self, previous, i)
        accepted_on = terms.accepted_on
        if accepted_on is None and by_line:
            accepted_on = max(a.assessed_on for a in by_line.values())
        res = compute.settle_readings(
            self, i, rds, state, accepted_on=accepted_on, acceptance_due=terms.acceptance_due,
            paid_on=terms.paid_on, release=terms.release_holdback,
            fees={j: a.fen for j, a in actuals.items()} if actuals else None, finals=finals)
        for a in actuals.values():
            found.extend(a.findings)
        return Statement(to_record(self, res, by_line, sources, actuals, found), self)

    # --- what a store checks before it records usage and final scores ---------------------
    def final_scores(self, scores: Mapping[str, Any]) -> dict[int, int]:
        """Final assessment scores by line id → hundredths by line index (checked)."""
        return inputs.final_scores(self, scores)

    def actual_fees(self, i: int, usage: Iterable[Usage]) -> dict[int, ActualFee]:
        """Period ``i``'s fees from recorded usage (按实结算), by line index (checked)."""
        return inputs.actual_fees(self, i, usage)

    def usage_lines(self, period: Period | str) -> list[ServiceLine]:
        """The lines of a period whose fee depends on recorded usage (按量, 按实结算), each
        the version in force in the period: what the store needs usage for."""
        return [line for _, line, _ in inputs.usage_lines(self, self.period_index(period))]

    # --- the terms a statement is explained by (its ``Terms``) -----------------------------
    def statement_parts(self, record: StatementRecord) -> tuple[
            tuple[StatementLine, ...], tuple[Explanation, ...], tuple[Finding, ...],
            tuple[Trigger, ...]]:
        """A record's lines, explanations, findings and thresholds, derived from these
        terms (what :class:`~outsourcing.statement.Statement` reads lazily)."""
        return statement_parts(self, record)

    def statement_findings(self, record: StatementRecord
                           ) -> tuple[tuple[Finding, ...], tuple[Trigger, ...]]:
        """A record's findings and thresholds alone, without its explanations."""
        return statement_findings(self, record)

    def fits(self, record: StatementRecord) -> None:
        """Check that a record read from outside matches these terms (see
        :func:`.record.check_fits`)."""
        check_fits(self, record)
