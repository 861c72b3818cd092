"""The settlement statement (结算单), one package.

- :mod:`.record` — the compact :class:`~.record.StatementRecord` of a settled period: the
  inputs and figures, each held once;
- :mod:`.parts` — what a statement derives from its record and its contract's terms: each
  :class:`StatementLine` with its KPI breakdown and deductions, the :class:`Trigger`\\ s, the
  :class:`Carry` into the next period and every figure's :class:`Explanation`;
- :mod:`.view` — the :class:`Statement` itself, a view over its record;
- :mod:`.json` — the compact JSON form (``statement/2``) written and read exactly;
- :mod:`.legacy` — the previous release's JSON (``statement/1``) read as issued;
- :mod:`.text` — the statement as readable text with Chinese labels.
"""

from .parts import (
    Carry,
    Deduction,
    Explanation,
    KpiResult,
    LineCarry,
    LineStatus,
    StatementLine,
    Trigger,
    unit_zh,
)
from .terms import StoredTerms, Terms
from .view import Statement

__all__ = [
    "Carry",
    "Deduction",
    "Explanation",
    "KpiResult",
    "LineCarry",
    "LineStatus",
    "Statement",
    "StatementLine",
    "StoredTerms",
    "Terms",
    "Trigger",
    "unit_zh",
]
