"""The pay rate from the score (支付比例): score bands (分档支付), a linear formula, full pay;
the number checks every payment shape shares (private; see :mod:`outsourcing.payment`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from .._convert import nonneg_decimal, scaled_whole
from .._validators import nonempty
from ..errors import ModelError
from ..money import pct
from ..performance import CENTI

RULE_ID = nonempty("规则编号", "payment.rule_id.empty")
"""A payment rule's id is text (a table read from a file may hold anything there)."""
CITATION = nonempty("依据", "payment.citation.empty")
"""A payment rule's citation is text: a table or a list there is refused when the rule is
built, not found later when the rule is hashed or printed."""

RATE_DEN = 1_000_000
"""Pay rates and shares are held as whole millionths."""

SCORE_MAX = 100 * CENTI


def _dec(v: Any, field: str, term: str) -> Decimal:
    return nonneg_decimal(v, field, term, code="payment.number", negative="payment.negative")


def _millionths(d: Decimal, field: str, term: str) -> int:
    return scaled_whole(d, RATE_DEN, field, term, code="payment.rate_places")


def _score_centi(d: Decimal, field: str, term: str) -> int:
    scaled = d * CENTI
    if scaled != scaled.to_integral_value() or d > 100:
        raise ModelError("a score is 0..100 with at most two decimals", field=field,
                         value=str(d), term=term, code="payment.score_range")
    return int(scaled)


def _min_score(v: Any) -> Decimal:
    return _dec(v, "min_score", "分档得分")


def _rate(v: Any) -> Decimal:
    return _dec(v, "rate", "支付比例")


@attrs.frozen
class Band:
    """A score band: a score of at least ``min_score`` pays ``rate`` of the fee."""

    min_score: Decimal = attrs.field(converter=_min_score)
    rate: Decimal = attrs.field(converter=_rate)
    name: str = ""
    """The tier's name in the contract (优秀, 良好, 合格…), for a downgrade to name it."""


def _bands(v: Iterable[Band | Mapping[str, Any]]) -> tuple[Band, ...]:
    if isinstance(v, str | Mapping) or not isinstance(v, Iterable):
        raise ModelError("the bands are a list of tables with min_score and rate",
                         field="bands", value=v, term="分档支付", code="payment.bands_not_a_list")
    out = []
    for b in v:
        if isinstance(b, Band):
            out.append(b)
        elif isinstance(b, Mapping):
            if not {"min_score", "rate"} <= set(b) <= {"min_score", "rate", "name"}:
                raise ModelError("a band is a table with min_score, rate and an optional name",
                                 field="bands", value=dict(b), term="分档支付",
                                 code="payment.band_shape")
            out.append(Band(b["min_score"], b["rate"], str(b.get("name", ""))))
        else:
            raise ModelError(f"a {type(b).__name__} is not a band", field="bands", value=b,
                             term="分档支付", code="payment.band_type",
                             params={"kind": type(b).__name__})
    return tuple(sorted(out, key=lambda b: b.min_score, reverse=True))


@attrs.frozen
class TierTable:
    """Score bands → pay rate (分档支付): the highest band whose minimum the score reaches.

    The lowest band must start at 0 so that every score has a rate.  A rate above 1 is a
    bonus (奖励): only then may a line be paid more than its contractual fee.
    """

    bands: tuple[Band, ...] = attrs.field(converter=_bands)
    rule_id: str = attrs.field(default="payment.tier_table", validator=RULE_ID)
    citation: str = attrs.field(default="合同约定", validator=CITATION)

    def __attrs_post_init__(self) -> None:
        if not self.bands:
            raise ModelError("a tier table needs at least one band", field="bands", value=[],
                             term="分档支付", code="payment.bands_empty")
        mins = [b.min_score for b in self.bands]
        if len(set(mins)) != len(mins):
            raise ModelError("two bands start at the same score", field="bands",
                             value=[str(m) for m in mins], term="分档支付",
                             code="payment.bands_same_score")
        if mins[-1] != 0:
            raise ModelError("the lowest band must start at 0 so every score has a rate",
                             field="bands", value=str(mins[-1]), term="分档支付",
                             code="payment.bands_lowest_not_zero")
        names = [b.name for b in self.bands if b.name]
        if len(set(names)) != len(names):
            raise ModelError("two bands have the same name", field="bands", value=names,
                             term="档位名称", code="payment.tier_name_twice")
        for i, b in enumerate(self.bands):
            _score_centi(b.min_score, f"bands[{i}].min_score", "分档得分")
            _millionths(b.rate, f"bands[{i}].rate", "支付比例")

    @property
    def bonus(self) -> bool:
        return any(b.rate > 1 for b in self.bands)

    def band_for(self, score: Decimal) -> Band:
        for b in self.bands:
            if score >= b.min_score:
                return b
        return self.bands[-1]

    def describe(self) -> str:
        return "; ".join(f"{b.name + ' ' if b.name else ''}≥{b.min_score}→{pct(b.rate)}"
                         for b in self.bands)

    def band_index(self, tier: str) -> int | None:
        """The index of the band a contract names, by its name or its minimum score."""
        for i, b in enumerate(self.bands):
            if tier == b.name:
                return i
        try:
            d = Decimal(tier)
        except (InvalidOperation, ValueError, TypeError):
            return None
        for i, b in enumerate(self.bands):
            if d == b.min_score:
                return i
        return None


def _threshold(v: Any) -> Decimal:
    return _dec(v, "threshold", "全额支付分数线")


def _offset(v: Any) -> Decimal:
    return _dec(v, "offset", "公式常数")


@attrs.frozen
class LinearFormula:
    """A score m of at least ``threshold`` pays in full, else (``offset`` + m)% (at most 100%)."""

    threshold: Decimal = attrs.field(default=Decimal(85), converter=_threshold)
    offset: Decimal = attrs.field(default=Decimal(15), converter=_offset)
    rule_id: str = attrs.field(default="payment.linear_formula", validator=RULE_ID)
    citation: str = attrs.field(default="合同约定", validator=CITATION)

    def __attrs_post_init__(self) -> None:
        _score_centi(self.threshold, "threshold", "全额支付分数线")
        _score_centi(self.offset, "offset", "公式常数")

    bonus = False

    def describe(self) -> str:
        return f"m≥{self.threshold}→100%; else ({self.offset}+m)%"


@attrs.frozen
class FullPay:
    """The whole fee, whatever the score (the score still decides warnings)."""

    rule_id: str = attrs.field(default="payment.full_pay", validator=RULE_ID)
    citation: str = attrs.field(default="合同约定: 按月全额支付", validator=CITATION)
    bonus = False

    def describe(self) -> str:
        return "100%"


RateRule = TierTable | LinearFormula | FullPay

RATE_RULE_KINDS: dict[str, type[TierTable] | type[LinearFormula] | type[FullPay]] = {
    "tier_table": TierTable, "linear_formula": LinearFormula, "full_pay": FullPay}
"""The pay-rate shapes by the ``kind`` that names them in JSON and scenario files."""
