"""Charts for the bureau (图表): scores against the warning line and tiers; fee against paid.

Drawn with matplotlib (the Agg backend, no display needed) to PNG.  Chinese labels use the
bundled Noto Sans SC (:mod:`outsourcing.desk.fonts`), so they render on a fresh machine.

- :func:`score_chart` — each line's score per period, the warning line (预警线) as a dashed
  rule and the pay tiers (分档) as shaded bands labelled with their pay rate;
- :func:`fee_chart` — per period, the contractual fee, the amount payable and the amount
  paid, as grouped bars.

Both take plain series, so they chart one contract or a supplier's contracts alike;
:func:`score_series` and :func:`fee_series` read them from statements.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path

import attrs

from ..money import Money, pct
from ..payment import PaymentRule, TierTable
from ..statement import Statement
from .files import writing
from .fonts import use_in_matplotlib

__all__ = ["FeePoint", "fee_chart", "fee_series", "score_chart", "score_series", "tiers_of"]


@attrs.frozen
class FeePoint:
    """One period's money: the fee, what is payable and what was paid (None: not recorded)."""

    period: str
    fee: Money
    payable: Money
    paid: Money | None = None


def score_series(statements: Sequence[Statement]) -> dict[str, list[tuple[str, Decimal]]]:
    """Per line (labelled 服务·办公区), its assessed score per period, in period order."""
    out: dict[str, list[tuple[str, Decimal]]] = {}
    for s in sorted(statements, key=lambda s: s.period.range.start):
        for x in s.lines:
            if x.score is not None:
                out.setdefault(f"{x.service_zh}·{x.site}", []).append((str(s.period), x.score))
    return out


def fee_series(statements: Sequence[Statement],
               paid: Mapping[str, Money] | None = None) -> list[FeePoint]:
    """Per period, the fee and the payable of the statements (added up across contracts)
    and what was paid (``paid`` maps a period to the amount recorded)."""
    by: dict[str, list[Statement]] = {}
    order: dict[str, object] = {}
    for s in statements:
        by.setdefault(str(s.period), []).append(s)
        order[str(s.period)] = s.period.range.start
    out = []
    for p in sorted(by, key=lambda k: str(order[k])):
        group = by[p]
        out.append(FeePoint(p, Money.sum(s.fee for s in group),
                            Money.sum(s.payable for s in group),
                            None if paid is None or p not in paid else paid[p]))
    return out


def _pyplot() -> object:
    import matplotlib

    matplotlib.use("Agg")
    use_in_matplotlib()
    import matplotlib.pyplot as plt

    return plt


def tiers_of(rule: PaymentRule) -> list[tuple[Decimal, Decimal]]:
    """A rule's tiers as (minimum score, pay rate), highest first; empty for other shapes."""
    if isinstance(rule.rate, TierTable):
        return [(b.min_score, b.rate) for b in rule.rate.bands]
    return []


def warning_lines(warning: Decimal | Mapping[str, Decimal] | None
                  ) -> list[tuple[Decimal, str]]:
    """The dashed lines to draw: one per distinct warning score, labelled ``预警线 60分``, with
    the lines it applies to when the lines' warning scores differ."""
    if warning is None:
        return []
    if isinstance(warning, Decimal):
        return [(warning, f"预警线 {warning}分")]
    by: dict[Decimal, list[str]] = {}
    for label, value in warning.items():
        by.setdefault(value, []).append(label)
    if len(by) == 1:
        return [(v, f"预警线 {v}分") for v in by]
    return [(v, f"预警线 {v}分（{'、'.join(labels)}）") for v, labels in sorted(by.items())]


def score_chart(series: Mapping[str, Sequence[tuple[str, Decimal]]], path: str | Path, *,
                title: str = "考核得分", warning: Decimal | Mapping[str, Decimal] | None = None,
                tiers: Sequence[tuple[Decimal, Decimal]] = ()) -> Path:
    """Scores per period against the warning line (one score, or each line's: ``label →
    score``) and the tier bands, as a PNG."""
    warnings = warning_lines(warning)
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(9, 4.8), dpi=110)  # type: ignore[attr-defined]
    periods = list(dict.fromkeys(p for pts in series.values() for p, _ in pts))
    x_of = {p: i for i, p in enumerate(periods)}
    low = min([float(v) for pts in series.values() for _, v in pts] + [100.0])
    bottom = max(0.0, min([low] + [float(w) for w, _ in warnings]) - 10)
    shades = ["#e8f5e9", "#f1f8e9", "#fffde7", "#fff3e0", "#fbe9e7", "#ffebee"]
    ordered = sorted(tiers, key=lambda t: t[0], reverse=True)
    top = 100.0
    for i, (minimum, rate) in enumerate(ordered):
        lo = max(float(minimum), bottom)
        if lo < top:
            ax.axhspan(lo, top, color=shades[min(i, len(shades) - 1)], zorder=0)
            ax.text(len(periods) - 0.5 if periods else 0.5, (lo + top) / 2,
                    f"≥{minimum}分 付{pct(rate)}", va="center", ha="right",
                    fontsize=8, color="#555")
        top = float(minimum)
    for label, pts in series.items():
        ax.plot([x_of[p] for p, _ in pts], [float(v) for _, v in pts], marker="o", label=label)
    for value, label in warnings:
        ax.axhline(float(value), color="#c62828", linestyle="--", linewidth=1.2, label=label)
    ax.set_xticks(range(len(periods)), periods, rotation=45 if len(periods) > 8 else 0)
    ax.set_ylim(bottom, 101)
    ax.set_xlim(-0.5, max(len(periods) - 0.5, 0.5))
    ax.set_ylabel("考核得分（分）")
    ax.set_xlabel("结算期间")
    ax.set_title(title)
    ax.legend(loc="lower left", fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    try:
        with writing(path, "图表") as out:
            fig.savefig(out)
    finally:
        plt.close(fig)  # type: ignore[attr-defined]
    return out


def fee_chart(points: Sequence[FeePoint], path: str | Path, *, title: str = "合同费用与实付"
              ) -> Path:
    """Fee, payable and paid per period as grouped bars, as a PNG."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(9, 4.8), dpi=110)  # type: ignore[attr-defined]
    xs = range(len(points))
    w = 0.27
    ax.bar([x - w for x in xs], [float(p.fee.yuan) for p in points], w, label="合同费用",
           color="#90a4ae")
    ax.bar(list(xs), [float(p.payable.yuan) for p in points], w, label="应付金额",
           color="#42a5f5")
    ax.bar([x + w for x in xs], [float(p.paid.yuan) if p.paid is not None else 0.0
                                 for p in points], w, label="实付金额", color="#66bb6a")
    for x, p in zip(xs, points, strict=True):
        if p.paid is None:
            ax.text(x + w, 0, "未付", ha="center", va="bottom", fontsize=8, color="#c62828")
    ax.set_xticks(list(xs), [p.period for p in points],
                  rotation=45 if len(points) > 8 else 0)
    ax.yaxis.set_major_formatter(lambda v, _: f"¥{v:,.0f}")
    ax.set_ylabel("金额（元）")
    ax.set_xlabel("结算期间")
    ax.set_title(title)
    ax.legend(fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    try:
        with writing(path, "图表") as out:
            fig.savefig(out)
    finally:
        plt.close(fig)  # type: ignore[attr-defined]
    return out
