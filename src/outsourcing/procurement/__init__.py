"""Procurement and award (采购与授予): tenders and the other methods (竞争性磋商, 竞争性谈判,
询价, 单一来源), bids, evaluation reports, award with its deadlines, cost estimates.

>>> from outsourcing.procurement import evaluate, award       # doctest: +SKIP

* :class:`Tender`, :class:`TenderLine`, :class:`ScoringScheme`, :class:`Factor`, :class:`Bid`
  — the nouns (``tender``);
* :func:`evaluate` → :class:`EvaluationReport` of :class:`BidEvaluation` — checks, evaluated
  price, price score by 低价优先法, factor scores, total and rank (``evaluation``);
  each method's own rules (竞争性磋商, 竞争性谈判, 询价, 单一来源) in ``methods``;
* :func:`award` → :class:`Award` holding the :class:`~outsourcing.Contract`, with the
  signing and publication deadlines and the performance bond (``award``);
* :func:`estimate_cost` → :class:`CostEstimate` — 费用测算 for the budget (``estimate``).

See ``docs/procurement.md`` for the rules and worked examples.
"""

from __future__ import annotations

from .award import Award, award
from .bid import Bid
from .estimate import (
    CostCategory,
    CostEstimate,
    CostItem,
    FeeRegime,
    Post,
    Taxpayer,
    estimate_cost,
)
from .evaluation import (
    TIE_BREAK,
    TIE_BREAK_FINAL_QUOTE,
    BidEvaluation,
    EvaluationReport,
    evaluate,
)
from .explain import Check, Figure, format_score, round_score
from .tender import (
    Category,
    EvaluationMethod,
    Factor,
    ProcurementMethod,
    ScoringScheme,
    SingleSourceGround,
    Tender,
    TenderLine,
)

__all__ = [
    "TIE_BREAK",
    "TIE_BREAK_FINAL_QUOTE",
    "Award",
    "Bid",
    "BidEvaluation",
    "Category",
    "Check",
    "CostCategory",
    "CostEstimate",
    "CostItem",
    "EvaluationMethod",
    "EvaluationReport",
    "Factor",
    "FeeRegime",
    "Figure",
    "Post",
    "ProcurementMethod",
    "ScoringScheme",
    "SingleSourceGround",
    "Taxpayer",
    "Tender",
    "TenderLine",
    "award",
    "estimate_cost",
    "evaluate",
    "format_score",
    "round_score",
]
