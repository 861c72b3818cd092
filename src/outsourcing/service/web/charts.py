"""The desk's charts (图表), drawn by matplotlib as SVG on the server and put in the page as
an image (a ``data:`` address: nothing fetched, the Chinese labels drawn as outlines from the
bundled font).  A contract's charts are :mod:`outsourcing.desk.charts`' (scores against the
warning line and tiers; fee, payable and paid); the region's compare the units below one.

Charts are kept by their data (the same figures draw the same picture), so a page drawn
again costs nothing."""

from __future__ import annotations

import base64
import tempfile
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from ...desk.charts import FeePoint, fee_chart, fee_series, score_chart, score_series
from ...desk.fonts import use_in_matplotlib
from ...registry import Store, StoredStatement
from ...registry.region import UnitFigures

__all__ = ["contract_charts", "region_charts", "svg_uri"]

LAST = 12
"""The periods a contract's charts show (the latest)."""


def svg_uri(draw: Callable[[Path], Any]) -> str:
    """Run ``draw(path)`` to an ``.svg`` file and return it as a ``data:`` address."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "chart.svg"
        draw(path)
        data = path.read_bytes()
    return "data:image/svg+xml;base64," + base64.b64encode(data).decode("ascii")


@lru_cache(maxsize=256)
def _scores(series: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...]) -> str:
    return svg_uri(lambda p: score_chart({k: list(v) for k, v in series}, p,
                                         title="考核得分"))


@lru_cache(maxsize=256)
def _fees(points: tuple[FeePoint, ...]) -> str:
    return svg_uri(lambda p: fee_chart(list(points), p, title="合同费用、应付与实付"))


def contract_charts(store: Store, cid: str, stored: Sequence[StoredStatement]
                    ) -> list[tuple[str, str]]:
    """The contract's score and money charts over its latest periods (none before the
    first statement)."""
    if not stored:
        return []
    statements = [store.statement(cid, s.period) for s in stored[-LAST:]]
    paid = {str(k): v for k, v in store.paid(cid).items()}
    series = tuple((k, tuple(v)) for k, v in score_series(statements).items())
    out = []
    if series:
        out.append(("考核得分", _scores(series)))
    out.append(("合同费用、应付与实付", _fees(tuple(fee_series(statements, paid)))))
    return out


@lru_cache(maxsize=128)
def _money_bars(rows: tuple[tuple[str, float, float], ...], title: str) -> str:
    def draw(path: Path) -> None:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        use_in_matplotlib()
        fig, ax = plt.subplots(figsize=(8, 4.2), dpi=100)
        xs = range(len(rows))
        ax.bar([x - 0.2 for x in xs], [r[1] for r in rows], 0.4, label="本年已付",
               color="#245a92")
        ax.bar([x + 0.2 for x in xs], [r[2] for r in rows], 0.4, label="本年应付",
               color="#9fb8d3")
        ax.set_xticks(list(xs), [r[0] for r in rows], rotation=20 if len(rows) > 4 else 0)
        ax.yaxis.set_major_formatter(lambda v, _: f"¥{v:,.0f}")
        ax.set_title(title)
        ax.legend(fontsize=8)
        ax.grid(axis="y", alpha=0.3)
        fig.tight_layout()
        fig.savefig(path)
        plt.close(fig)

    return svg_uri(draw)


@lru_cache(maxsize=128)
def _score_bars(rows: tuple[tuple[str, float | None], ...], title: str) -> str:
    def draw(path: Path) -> None:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        use_in_matplotlib()
        fig, ax = plt.subplots(figsize=(8, 4.2), dpi=100)
        xs = list(range(len(rows)))
        values = [r[1] or 0.0 for r in rows]
        colors = ["#b5121b" if r[1] is not None and r[1] < 80 else "#1e7b3c"
                  if r[1] is not None else "#c9d1da" for r in rows]
        ax.bar(xs, values, 0.55, color=colors)
        for x, r in zip(xs, rows, strict=True):
            ax.text(x, (r[1] or 0.0) + 1, "—" if r[1] is None else f"{r[1]:.2f}",
                    ha="center", fontsize=8)
        ax.axhline(80, color="#a15c00", linestyle="--", linewidth=1, label="80分")
        ax.set_xticks(xs, [r[0] for r in rows], rotation=20 if len(rows) > 4 else 0)
        ax.set_ylim(0, 105)
        ax.set_title(title)
        ax.legend(fontsize=8, loc="lower right")
        ax.grid(axis="y", alpha=0.3)
        fig.tight_layout()
        fig.savefig(path)
        plt.close(fig)

    return svg_uri(draw)


def region_charts(units: Sequence[UnitFigures]) -> list[tuple[str, str]]:
    """Spend and average score of each unit below the one shown (none without units)."""
    if not units:
        return []
    money = tuple((u.name, float(u.paid.yuan), float(u.payable.yuan)) for u in units)
    scores = tuple((u.name, None if u.score is None else float(u.score)) for u in units)
    return [("下级单位本年已付与应付", _money_bars(money, "下级单位本年已付与应付")),
            ("下级单位平均考核得分", _score_bars(scores, "下级单位平均考核得分"))]
