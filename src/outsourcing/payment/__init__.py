"""Payment rules: how a line's score and incidents decide what is paid (支付规则).

A :class:`PaymentRule` is assembled from shapes a plugin or a contract picks and sets:

* a **pay rate** from the score — :class:`TierTable` (score bands → rate, 分档支付),
  :class:`LinearFormula` (m ≥ 85 pays in full, else (15 + m)%), or :class:`FullPay`;
* :class:`IncidentDeductions` — a fixed amount per incident kind (扣款), made heavier by a
  :class:`RepeatRatchet` for repeats in a rolling window, and limited by a :class:`LineCap`
  per line (and a contract-wide :class:`TotalCap`, see :class:`ContractRules`);
* a :class:`Holdback` — a share of each period's amount kept until the assessment (暂扣款);
* a :class:`WarningRule` — the score below which a warning notice is issued (预警通知).

Every shape carries the ``rule_id`` and ``citation`` it came from, so a statement can say
which rule produced each figure.  :func:`default_payment_rule` builds the rule from the
rulebook's parameters (the published examples, marked *illustrative*); a contract replaces
them with ``RuleBook.override(pid, value, citation="合同 第…条")`` or by giving a line its own
rule.  :func:`compile_rule` turns a rule into integer tables for the monthly loop.
"""

from __future__ import annotations

from ._defaults import adopted_rate, contract_rules, default_payment_rule
from ._rates import (
    RATE_DEN,
    RATE_RULE_KINDS,
    SCORE_MAX,
    Band,
    FullPay,
    LinearFormula,
    RateRule,
    TierTable,
)
from ._rule import CompiledRule, ContractRules, PaymentRule, compile_rule
from ._terms import (
    AGGREGATES,
    FEE_BASES,
    HOLDBACK_BASES,
    ConsecutiveFailures,
    Downgrade,
    FeeShare,
    Holdback,
    IncidentDeductions,
    LineCap,
    NoticeWindow,
    RepeatRatchet,
    ScoreAdjustments,
    SiteScore,
    TotalCap,
    WarningRule,
)

__all__ = [
    "AGGREGATES",
    "FEE_BASES",
    "HOLDBACK_BASES",
    "RATE_DEN",
    "RATE_RULE_KINDS",
    "SCORE_MAX",
    "Band",
    "CompiledRule",
    "ConsecutiveFailures",
    "ContractRules",
    "Downgrade",
    "FeeShare",
    "FullPay",
    "Holdback",
    "IncidentDeductions",
    "LineCap",
    "LinearFormula",
    "NoticeWindow",
    "PaymentRule",
    "RateRule",
    "RepeatRatchet",
    "ScoreAdjustments",
    "SiteScore",
    "TierTable",
    "TotalCap",
    "WarningRule",
    "adopted_rate",
    "compile_rule",
    "contract_rules",
    "default_payment_rule",
]
