"""Charts: score per period against the warning line and tiers; fee against paid."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from desk_cases import contract, year_assessments

import outsourcing as o
from outsourcing.desk.charts import fee_chart, fee_series, score_chart, score_series, tiers_of
from outsourcing.desk.fonts import cjk_font_path, use_in_matplotlib
from outsourcing.payment import default_payment_rule


@pytest.fixture(scope="module")
def year(registry: o.PluginHost) -> list[o.Statement]:
    return o.settle_term(contract(), year_assessments(), registry.rulebook("NX"))


def test_chart_series_come_from_the_statements(year: list[o.Statement]) -> None:
    scores = score_series(year)
    assert list(scores) == ["物业服务·自治区政府办公区", "电梯维保·自治区政府办公区"]
    assert [p for p, _ in scores["物业服务·自治区政府办公区"]][:2] == ["2022-01", "2022-02"]
    fees = fee_series(year, paid={"2022-01": year[0].payable})
    assert fees[0].fee == o.Money("90200.00") and fees[0].paid == year[0].payable
    assert fees[1].paid is None
    assert sum(p.payable.fen for p in fees) == sum(s.payable.fen for s in year)


def test_charts_render_chinese_labels_with_the_bundled_font(
        year: list[o.Statement], registry: o.PluginHost, tmp_path: Path) -> None:
    import matplotlib
    from matplotlib import font_manager

    name = use_in_matplotlib()
    assert name == "Noto Sans SC"
    assert cjk_font_path().is_file()
    found = font_manager.findfont(font_manager.FontProperties(family=name),
                                  fallback_to_default=False)
    assert Path(found) == cjk_font_path()
    rule = default_payment_rule(registry.rulebook("NX"), year[0].span.start)
    tiers = tiers_of(rule)
    assert tiers[0] == (Decimal(95), Decimal(1))
    import warnings
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = score_chart(score_series(year), tmp_path / "score.png", title="考核得分（2022年）",
                          warning=Decimal(85), tiers=tiers)
        fees = fee_chart(fee_series(year), tmp_path / "fee.png")
        warned = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert warned == []  # no empty boxes: every glyph is in the font
    for p in (png, fees):
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert p.stat().st_size > 20_000
    assert matplotlib.get_backend().lower() == "agg"
