"""Explained figures and checks for evaluation reports and cost estimates (说明).

Every figure a report shows is a :class:`Figure`: its Chinese label, its value, the formula
with the inputs written in, and the rule (id and citation) that produced it, so an auditor
reads *why* a bid scored 9.17 without reading code.  Scores are rounded once, at the step
:func:`round_score` names.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction

import attrs

from ..money import Money, round_half_up
from ..rules import Resolved

__all__ = ["Check", "Figure", "format_score", "round_score"]


def round_score(value: Fraction | Decimal | int, places: int) -> Decimal:
    """Round an exact score half-up (四舍五入) to ``places`` decimals: the one rounding step.

    >>> round_score(Fraction(55, 6), 2)
    Decimal('9.17')
    """
    return Decimal(round_half_up(Fraction(value) * 10**places)).scaleb(-places)


def format_score(value: Decimal, places: int) -> str:
    """A score with exactly ``places`` decimals."""
    return f"{value:.{places}f}"


def _pairs(v: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple((str(k), str(x)) for k, x in v)


@attrs.frozen
class Figure:
    """One figure with its explanation (带说明的数字).

    ``label`` is the Chinese label (``价格分``), ``value`` the figure (money or a score),
    ``formula`` the computation with its inputs written in, ``rule_id``/``citation`` the rule
    that produced it, ``inputs`` the named inputs (label, shown value).
    """

    label: str
    value: Money | Decimal
    formula: str = ""
    rule_id: str | None = None
    citation: str | None = None
    inputs: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_pairs)
    places: int = 2
    note: str = ""

    @classmethod
    def from_rule(cls, label: str, value: Money | Decimal, formula: str, rule: Resolved | None,
                  inputs: Iterable[tuple[str, str]] = (), places: int = 2,
                  note: str = "") -> Figure:
        """A figure whose rule is a resolved parameter (its id and citation)."""
        return cls(label, value, formula, rule.rule_id if rule else None,
                   rule.citation if rule else None, tuple(inputs), places, note)

    @property
    def shown(self) -> str:
        """The value as a reader sees it: ``¥1,234.00`` or ``9.17``."""
        if isinstance(self.value, Money):
            return self.value.format()
        return format_score(self.value, self.places)

    def explain(self) -> str:
        """``价格分 9.17 = (¥990,000.00 / ¥1,080,000.00) × 0.10 × 100 [rule; citation]``."""
        text = f"{self.label} {self.shown}"
        if self.formula:
            text += f" = {self.formula}"
        if self.note:
            text += f"（{self.note}）"
        cite = "; ".join(x for x in (self.rule_id, self.citation) if x)
        if cite:
            text += f" [{cite}]"
        return text

    def __str__(self) -> str:
        return self.explain()


@attrs.frozen
class Check:
    """One check made on a bid (符合性/资格审查): passed or failed, and why.

    ``code`` is stable (``qualification``, ``price_ceiling``, ``lines``); ``label`` is
    Chinese; a failed check puts the bid out (投标无效).
    """

    code: str
    label: str
    passed: bool
    detail: str
    rule_id: str | None = None
    citation: str | None = None

    def explain(self) -> str:
        mark = "通过" if self.passed else "不通过"
        if self.passed:  # a passed check names its rule; a failed one cites it in full
            cite = self.rule_id or ""
        else:
            cite = "; ".join(x for x in (self.rule_id, self.citation) if x)
        return f"{self.label}: {mark} — {self.detail}" + (f" [{cite}]" if cite else "")

    def __str__(self) -> str:
        return self.explain()
