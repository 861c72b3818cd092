"""The prepared contract: the compiled terms with the verbs that settle them.

:class:`PreparedContract` is what :func:`~outsourcing.settlement.prepare` returns: a
:class:`~.compile.CompiledContract` whose methods run the stages in order — inputs
(:mod:`.inputs`) → compute (:mod:`.compute`) → the record (:mod:`.record`) — and return a
:class:`~outsourcing.statement.Statement` bound to these terms, which explain it on demand
(:mod:`.explain`).  Every caller (``settle``, ``settle_term``, the registry, the desk) goes
through :meth:`PreparedContract.settle`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from ..dates import Period
from ..findings import Finding
from ..model import ServiceLine
from ..performance import Assessment
from ..statement import Carry, Explanation, Statement, StatementLine, Trigger
from ..statement.record import State, StatementRecord
from ..usage import ActualFee, Usage
from . import compute, inputs
from .compile import CompiledContract, PreparedLine
from .compute import Reading
from .explain_totals import statement_findings, statement_parts
from .record import check_fits, to_record

__all__ = ["PreparedContract"]


class PreparedContract(CompiledContract):
    """A contract prepared once; settles any of its periods (see :mod:`outsourcing.settlement`)."""

    def settle(
        self,
        period: Period | str,
        assessments: Iterable[Assessment] = (),
        *,
        previous: Statement | Carry | None = None,
        accepted_on: date | None = None,
        acceptance_due: date | None = None,
        paid_on: date | None = None,
        release_holdback: bool | None = None,
        usage: Iterable[Usage] = (),
        final_scores: Mapping[str, Any] | None = None,
        usage_required: bool = False,
    ) -> Statement:
        """Settle one period; see :func:`~outsourcing.settlement.settle` (``previous`` may be
        the previous statement or only its carry).  ``usage_required``: a usage-priced line
        without its usage has that part withheld with ``usage.missing`` instead of being paid
        its plan (the store settles so, see :meth:`outsourcing.registry.Registry.settle`)."""
        i = self.period_index(period)
        finals = inputs.final_scores(self, final_scores) if final_scores else {}
        rds, by_line, sources = inputs.compact_readings(self, i, assessments)
        actuals = inputs.actual_fees(self, i, usage, required=usage_required)
        state, found = inputs.state_from(self, previous, i)
        if accepted_on is None and by_line:
            accepted_on = max(a.assessed_on for a in by_line.values())
        raw = compute.settle_readings(
            self, i, rds, state, accepted_on=accepted_on, acceptance_due=acceptance_due,
            paid_on=paid_on, release=release_holdback,
            fees={j: a.fen for j, a in actuals.items()} if actuals else None, finals=finals)
        for a in actuals.values():
            found.extend(a.findings)
        return Statement(to_record(self, raw, by_line, sources, actuals, found), self)

    # --- the stages, one by one ---------------------------------------------------------
    def readings(self, i: int, assessments: Iterable[Assessment]
                 ) -> tuple[list[Reading], dict[int, Assessment], dict[int, dict[str, str]]]:
        """Check assessments against the contract and turn them into compact readings."""
        return inputs.readings(self, i, assessments)

    def state_from(self, previous: Statement | Carry | None, i: int
                   ) -> tuple[State, list[Finding]]:
        """The compact state carried from the previous period's statement (or its carry)."""
        return inputs.state_from(self, previous, i)

    def final_scores(self, scores: Mapping[str, Any]) -> dict[int, int]:
        """Final assessment scores by line id → hundredths by line index."""
        return inputs.final_scores(self, scores)

    def actual_fees(self, i: int, usage: Iterable[Usage]) -> dict[int, ActualFee]:
        """Period ``i``'s fees from recorded usage (按实结算), by line index."""
        return inputs.actual_fees(self, i, usage)

    def usage_lines(self, period: Period | str) -> list[ServiceLine]:
        """The lines of a period whose fee depends on recorded usage (按量, 按实结算), each
        the version in force in the period: what the store needs usage for."""
        return [line for _, line, _ in inputs.usage_lines(self, self.period_index(period))]

    def settle_readings(self, i: int, readings: Sequence[Reading], state: State | None = None,
                        **kw: Any) -> tuple[Any, ...]:
        """Settle period ``i`` from compact readings, in integers (see
        :func:`.compute.settle_readings`)."""
        return compute.settle_readings(self, i, readings, state, **kw)

    def base_fee(self, pl: PreparedLine, i: int, of: str, line: str, fee: int) -> int:
        """The fee a share deduction is a share of, in fen (see :func:`.compute.base_fee`)."""
        return compute.base_fee(self, pl, i, of, line, fee)

    def record(self, raw: tuple[Any, ...], *,
               assessments: Mapping[int, Assessment] | None = None,
               sources: Mapping[int, Mapping[str, str]] | None = None,
               findings: Sequence[Finding] = (),
               actuals: Mapping[int, ActualFee] | None = None) -> StatementRecord:
        """The record of a settled period, with the inputs that explain it."""
        return to_record(self, raw, assessments, sources, actuals, findings)

    def statement(self, raw: tuple[Any, ...], **kw: Any) -> Statement:
        """The statement of a settled period (``raw`` from :meth:`settle_readings`; the
        keywords as for :meth:`record`), explained by these terms."""
        return Statement(self.record(raw, **kw), self)

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
