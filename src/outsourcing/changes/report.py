"""What the bureau sees about a contract's changes (变更台账).

For a timeline: the cap on supplementary contracts and how much of it is used and left; the
money saved by suspensions, removals and reductions; the added cost of additions — each
figure with the change that caused it.  A resumption is netted against the suspension it
ends, so a suspension's saving is what the days actually suspended were worth.

The identity ``amount == base_amount + added_cost − saved`` holds to the fen.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs

from ..money import Money
from .timeline import Timeline

if TYPE_CHECKING:
    from ..rules import RuleBook

__all__ = ["Addition", "CapReport", "Saving", "cap_report"]


@attrs.frozen
class Addition:
    """The added cost of one change, counted against the cap (追加金额)."""

    change_id: str
    line_id: str | None
    description: str
    amount: Money


@attrs.frozen
class Saving:
    """Money one change saves (节约资金): a suspension net of its resumption, a removal,
    a reduction, a shortened or ended term."""

    change_id: str
    line_id: str | None
    description: str
    amount: Money
    resumed_by: str | None = None


@attrs.frozen
class CapReport:
    """The headroom under 政府采购法 第四十九条 and the money effect of every change."""

    contract_id: str
    original_amount: Money
    """原合同金额: the base of the cap."""
    cap: Decimal
    limit: Money
    """cap × original amount, rounded half-up once."""
    rule_id: str
    citation: str
    used: Money
    """Additions signed so far; reductions never give room back."""
    left: Money
    additions: tuple[Addition, ...]
    savings: tuple[Saving, ...]
    base_amount: Money
    """The contract as signed: each line's total rounded, added."""
    amount: Money
    """The amount the timeline implies now."""

    @property
    def added_cost(self) -> Money:
        return Money.sum(a.amount for a in self.additions)

    @property
    def saved(self) -> Money:
        return Money.sum(s.amount for s in self.savings)

    def render(self) -> str:
        """A plain-text table for a finance officer."""
        rows = [
            f"合同 {self.contract_id}  原合同金额 {self.original_amount.format()}",
            f"补充合同上限 {self.cap:.0%} → {self.limit.format()}  [{self.citation}]",
            f"已用 {self.used.format()}  剩余 {self.left.format()}",
            "追加 (additions):",
        ]
        rows += [f"  {a.change_id:<10} {a.description:<40} {a.amount.format():>16}"
                 for a in self.additions] or ["  —"]
        rows.append("节约 (savings):")
        for s in self.savings:
            tail = f" (resumed by {s.resumed_by})" if s.resumed_by else ""
            rows.append(f"  {s.change_id:<10} {s.description + tail:<40} "
                        f"{s.amount.format():>16}")
        if not self.savings:
            rows.append("  —")
        rows.append(f"追加合计 {self.added_cost.format()}  节约合计 {self.saved.format()}  "
                    f"变更后合同金额 {self.amount.format()}")
        return "\n".join(rows)


def cap_report(timeline: Timeline, rulebook: RuleBook, on: date | None = None) -> CapReport:
    """The report for ``timeline`` with the cap in force on ``on`` (default: the last
    signing date, else the contract's signing date or the start of its term)."""
    signed = timeline.signed
    on = on or (signed[-1].signed_on if signed else None) or timeline.contract.signed_on \
        or timeline.contract.term.start
    cap = rulebook.resolve("changes.supplementary_cap", on)
    original = timeline.contract.original_amount
    limit = original * cap.value
    effects = timeline.effects()
    additions = tuple(Addition(e.change_id, e.line_id, e.description, e.addition)
                      for e in effects if e.addition > Money.ZERO)
    savings: dict[str, Saving] = {}
    by_id = {e.change_id: e for e in effects}
    for e in effects:
        if e.resumes is not None:
            sus = by_id[e.resumes]
            s = savings.get(e.resumes) or Saving(sus.change_id, sus.line_id, sus.description,
                                                 Money.ZERO)
            savings[e.resumes] = attrs.evolve(s, amount=s.amount - e.delta,
                                              resumed_by=e.change_id)
        elif e.delta < Money.ZERO:
            savings[e.change_id] = Saving(e.change_id, e.line_id, e.description, -e.delta)
    used = timeline.headroom_used
    return CapReport(
        contract_id=timeline.contract.id, original_amount=original, cap=cap.value,
        limit=limit, rule_id=cap.rule_id, citation=cap.citation, used=used,
        left=limit - used, additions=additions, savings=tuple(savings.values()),
        base_amount=Timeline(timeline.contract).amount, amount=timeline.amount)
