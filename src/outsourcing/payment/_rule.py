"""The payment rule assembled from its shapes, the contract-wide rules, and the compiled
integer form for the monthly loop (private; see :mod:`outsourcing.payment`)."""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache
from typing import Any

import attrs

from ..errors import ModelError
from ..performance import CENTI
from ._rates import (
    RATE_DEN,
    SCORE_MAX,
    FullPay,
    LinearFormula,
    RateRule,
    TierTable,
    _millionths,
    _score_centi,
)
from ._terms import (
    ConsecutiveFailures,
    Downgrade,
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


@attrs.frozen(cache_hash=True)
class PaymentRule:
    """How one service line is paid: a pay-rate rule and optional deductions, caps,
    holdback and warning threshold.  ``name`` says where it comes from."""

    rate: RateRule
    deductions: IncidentDeductions | None = None
    ratchet: RepeatRatchet | None = None
    cap: LineCap | None = None
    holdback: Holdback | None = None
    warning: WarningRule | None = None
    name: str = ""
    adjustments: ScoreAdjustments | None = None
    downgrade: Downgrade | None = None
    sites: SiteScore | None = None

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.rate, TierTable | LinearFormula | FullPay):
            raise ModelError(f"a {type(self.rate).__name__} is not a pay-rate rule; use "
                             "TierTable, LinearFormula or FullPay", field="rate",
                             value=repr(self.rate), term="支付比例规则",
                             code="payment.rate_rule_type")
        dg = self.downgrade
        if dg is not None:
            if not isinstance(self.rate, TierTable):
                raise ModelError(
                    "a downgrade needs a tier table (only a tier table has tiers)",
                    field="downgrade", value=type(self.rate).__name__, term="降档",
                    rule_id=dg.rule_id, citation=dg.citation,
                    code="payment.downgrade_without_tiers")
            if dg.to and self.rate.band_index(dg.to) is None:
                tiers = ", ".join(b.name or str(b.min_score) for b in self.rate.bands)
                raise ModelError(
                    f"downgrade to a tier the tier table does not have (its tiers: {tiers})",
                    field="downgrade.to", value=dg.to, term="降档档位",
                    rule_id=dg.rule_id, citation=dg.citation,
                    code="payment.downgrade_unknown_tier", params={"tiers": tiers})

    @property
    def bonus(self) -> bool:
        """True when the rate rule can pay more than the fee (a bonus band)."""
        return bool(self.rate.bonus)


@attrs.frozen
class ContractRules:
    """Rules over the whole contract: the total deduction cap and the replacement rules."""

    total_cap: TotalCap | None = None
    consecutive: ConsecutiveFailures | None = None
    notices: NoticeWindow | None = None



# --- compiled form -----------------------------------------------------------------------

class CompiledRule:
    """A payment rule as integers for the monthly loop (built once per distinct rule).

    ``rates[score]`` is the pay rate in millionths for every score 0..10000 (hundredths);
    ``deductions`` maps an incident kind to fen; shares are millionths.
    """

    __slots__ = ("adjust", "cap", "deductions", "downgrade", "holdback", "holdback_on_fee",
                 "kinds", "ranges",
                 "ratchet", "rates", "release", "rule", "shares", "tier_of", "tier_rates",
                 "warn")

    def __init__(self, rule: PaymentRule) -> None:
        self.rule = rule
        rate = rule.rate
        if isinstance(rate, TierTable):
            bands = [(_score_centi(b.min_score, "min_score", ""), _millionths(b.rate, "rate", ""))
                     for b in rate.bands]
            rates = []
            for s in range(SCORE_MAX + 1):
                rates.append(next(r for lo, r in bands if s >= lo))
            self.rates = rates
        elif isinstance(rate, LinearFormula):
            th = _score_centi(rate.threshold, "threshold", "")
            off = _score_centi(rate.offset, "offset", "")
            # (offset + m)% in millionths = (offset_c + m_c) × 100
            self.rates = [RATE_DEN if s >= th else min(RATE_DEN, (off + s) * 100)
                          for s in range(SCORE_MAX + 1)]
        else:
            self.rates = [RATE_DEN] * (SCORE_MAX + 1)
        self.deductions = ({k: m.fen for k, m in rule.deductions.amounts}
                           if rule.deductions else {})
        self.shares: dict[str, tuple[int, str, str]] = (
            {k: (_millionths(f.share, "share", ""), f.of, f.line)
             for k, f in rule.deductions.shares} if rule.deductions else {})
        self.ranges: dict[str, tuple[int, int]] = (
            {k: (_millionths(f.share, "share", ""), _millionths(f.up_to, "up_to", ""))
             for k, f in rule.deductions.shares if f.up_to is not None}
            if rule.deductions else {})
        adj = rule.adjustments
        self.adjust: tuple[dict[str, int], int | None, int | None] | None = None if (
            adj is None) else ({k: int(d * CENTI) for k, d in adj.points},
                               None if adj.bonus_cap is None else int(adj.bonus_cap * CENTI),
                               None if adj.penalty_cap is None else int(adj.penalty_cap * CENTI))
        # tiers for a downgrade: the band index of every score, the rate of every band
        self.tier_of: list[int] = []
        self.tier_rates: list[int] = []
        self.downgrade: tuple[frozenset[str], int | None] | None = None
        if rule.downgrade is not None and isinstance(rate, TierTable):
            mins = [_score_centi(b.min_score, "min_score", "") for b in rate.bands]
            self.tier_of = [next(n for n, lo in enumerate(mins) if s >= lo)
                            for s in range(SCORE_MAX + 1)]
            self.tier_rates = [_millionths(b.rate, "rate", "") for b in rate.bands]
            to = rate.band_index(rule.downgrade.to) if rule.downgrade.to else None
            self.downgrade = (frozenset(rule.downgrade.kinds), to)
        self.kinds = (frozenset(self.deductions) | frozenset(self.shares)
                      | frozenset(self.adjust[0] if self.adjust else ())
                      | (self.downgrade[0] if self.downgrade else frozenset()))
        """Every incident kind the rule knows (priced, scored or serious)."""
        r = rule.ratchet
        if r is not None:
            f = Fraction(r.factor)
            self.ratchet: tuple[int, int, int, int] | None = (
                f.numerator, f.denominator, r.after, r.window_months)
        else:
            self.ratchet = None
        self.cap = _millionths(rule.cap.share, "share", "") if rule.cap else None
        self.holdback = _millionths(rule.holdback.share, "share", "") if rule.holdback else 0
        self.holdback_on_fee = rule.holdback is not None and rule.holdback.base == "fee"
        self.release = rule.holdback.release if rule.holdback else ""
        self.warn = (_score_centi(rule.warning.min_score, "min_score", "")
                     if rule.warning else None)

    def __reduce__(self) -> tuple[Any, tuple[PaymentRule]]:
        """Pickled as its rule: the tables are built again (once per distinct rule in a
        process, :func:`compile_rule`), not carried."""
        return compile_rule, (self.rule,)


@lru_cache(maxsize=1024)
def compile_rule(rule: PaymentRule) -> CompiledRule:
    """The integer form of a rule, built once per distinct rule and shared."""
    return CompiledRule(rule)
