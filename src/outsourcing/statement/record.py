"""The compact record of a settled period (结算记录): inputs and figures, each held once.

Settlement's compute stage produces a :class:`StatementRecord`: plain integers (fen, hundredths
of a point, millionths of a rate), dates and short strings — the inputs it read (KPI values,
incidents, sources, dates) and every figure it computed.  A
:class:`~outsourcing.statement.Statement` is a view over one record; its explanation texts and
findings are derived from the record and the contract's prepared terms when they are read,
never stored.  :mod:`outsourcing.statement.json` writes and reads a record as JSON.
"""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

from ..dates import DateRange, Period
from ..findings import Finding

__all__ = ["LineRecord", "Results", "State", "StatementRecord", "month_number", "month_of",
           "month_text"]

Results = tuple[tuple[tuple[str, int, int], ...], ...]
"""Per line, the last measured value of each KPI whose result is carried forward
(:attr:`~outsourcing.kpi_schedule.NotDueRule.CARRY_FORWARD`): (the KPI id — ``site/KPI id``
for a line scored at sites —, month number of the period measured, value in hundredths);
``()`` for a contract that carries none."""

State = tuple[tuple[tuple[int, int, tuple[tuple[int, str], ...]], ...], tuple[int, ...],
              Results]
"""Per line (failing streak, held fen, recent (month number, incident kind)); the month
numbers (year × 12 + month − 1) of the warning notices in the rolling window; the results
carried forward (:data:`Results`)."""


def month_of(d: date) -> int:
    """A day's month as one number (year × 12 + month − 1), as :data:`State` counts them."""
    return d.year * 12 + d.month - 1


def month_text(m: int) -> str:
    """A month number as ``YYYY-MM``."""
    return f"{m // 12:04d}-{m % 12 + 1:02d}"


def month_number(text: str) -> int:
    """``YYYY-MM`` as a month number."""
    y, mo = text.split("-")
    return int(y) * 12 + int(mo) - 1


class LineRecord(NamedTuple):
    """One line of a settled period: what was read and what was computed (fen, hundredths,
    millionths)."""

    line_id: str
    service: str
    site: str
    status: int
    """0 assessed, 1 missing, 2 incomplete, 3 not running (:class:`LineStatus` order)."""
    fee: int
    values: tuple[Any, ...] | None
    """KPI values in hundredths, in KPI order (per site, for a line scored at sites)."""
    missing: tuple[str, ...]
    score: int | None
    base_score: int | None
    adjustment: int
    tiers: tuple[int, int] | None
    site_scores: tuple[int, ...]
    rate: int | None
    """The pay rate in millionths."""
    performance: int
    items: tuple[tuple[str, int, int, int, int, int], ...]
    """Each priced incident: (kind, base fen, factor numerator, denominator, occurrence,
    amount fen)."""
    deductions_total: int
    line_cap: int | None
    deductions_capped: int
    deductions_applied: int
    holdback: int
    released: int
    withheld: int
    payable: int
    notice: bool
    streak: int
    held: int
    forfeited: int
    pending: bool
    final: int | None
    incidents: tuple[tuple[date, str, int | None], ...]
    """The assessment's incidents as given: (day, kind, share applied in millionths)."""
    sources: tuple[tuple[str, str], ...]
    actual: tuple[str, str, tuple[tuple[str, str], ...]] | None
    """A fee from recorded usage: (rule id, citation, inputs)."""


class StatementRecord(NamedTuple):
    """A settled period of one contract (see the module)."""

    contract_id: str
    title: str
    purchaser: str
    supplier: str
    supplier_size: str
    period: Period
    span: DateRange
    lines: tuple[LineRecord, ...]
    fee: int
    performance: int
    deductions: int
    holdback: int
    released: int
    withheld: int
    payable: int
    forfeited: int
    total_cap: int | None
    deductions_capped: int
    accepted_on: date | None
    acceptance_due: date | None
    clock_start: date | None
    payment_days: int | None
    working_days: bool
    due_on: date | None
    paid_on: date | None
    late_days: int
    late_interest: int
    notices: tuple[int, ...]
    """Line indexes with a warning notice this period."""
    triggers: tuple[int, ...]
    """Line indexes whose failing streak reached the replacement threshold."""
    contract_trigger: bool
    state: State
    release: bool | None
    findings: tuple[Finding, ...]
    """Findings about the inputs that cannot be derived again (no previous statement,
    usage); the rest are derived from the record and the terms."""
