"""Mid-term contract changes: effective-dated, pro-rata to the day, within the law (合同变更).

When force majeure adds work or a service stops (the October 2022 emergency), the contract
follows: a :class:`Change` adds, removes, re-prices, suspends or resumes a line, or changes
or ends the term, from an effective date.  A :class:`Timeline` holds the contract and its
changes, checks each change before it is signed (政府采购法 第四十九条、第五十条) and gives the
contract in force on any day and each line's accrual schedule for settlement.
:func:`cap_report` is what the bureau sees: headroom under the 10% cap, savings and added
costs, each with its change.  See ``docs/changes.md``.
"""

from .kinds import (
    ACTION_KINDS,
    PRICE_RATIONALES,
    Action,
    AddLine,
    Change,
    ChangeLinePrice,
    ChangeLineQuantity,
    ChangeStatus,
    ChangeTerm,
    Rationale,
    RemoveLine,
    Resume,
    Suspend,
    Terminate,
)
from .report import Addition, CapReport, Saving, cap_report
from .timeline import CAP_RULE, SAME_SUBJECT_RULE, Effect, Segment, Timeline

__all__ = [
    "ACTION_KINDS",
    "CAP_RULE",
    "PRICE_RATIONALES",
    "SAME_SUBJECT_RULE",
    "Action",
    "AddLine",
    "Addition",
    "CapReport",
    "Change",
    "ChangeLinePrice",
    "ChangeLineQuantity",
    "ChangeStatus",
    "ChangeTerm",
    "Effect",
    "Rationale",
    "RemoveLine",
    "Resume",
    "Saving",
    "Segment",
    "Suspend",
    "Terminate",
    "Timeline",
    "cap_report",
]
