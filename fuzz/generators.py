"""Generators of valid input for the fuzz targets: contracts as plain data, amounts, dates
and numbers as people and machines write them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from outsourcing.catalogue import Catalogue

SERVICES = [k.code for k in Catalogue(__import__(
    "outsourcing.catalogue", fromlist=["CORE_SERVICE_KINDS"]).CORE_SERVICE_KINDS)]
fen = st.integers(0, 10**17)
money_text = fen.map(lambda f: f"{f // 100}.{f % 100:02d}")
dates = st.dates(date(2000, 1, 1), date(2040, 12, 31))


@st.composite
def contracts(draw: st.DrawFn) -> dict[str, Any]:
    """A valid contract as plain data (what ``to_json`` writes)."""
    start = draw(dates)
    months = draw(st.integers(1, 36))
    end = date(start.year + (start.month - 1 + months) // 12,
               (start.month - 1 + months) % 12 + 1, 1)
    end = end - timedelta(days=1)
    n = draw(st.integers(1, 3))
    lines = []
    for i in range(n):
        kind = draw(st.sampled_from(["fixed_monthly", "unit_rate", "labour_plus_materials"]))
        if kind == "fixed_monthly":
            pricing = {"kind": kind, "monthly_fee": draw(money_text),
                       "quantity": str(draw(st.integers(1, 50)))}
        elif kind == "unit_rate":
            pricing = {"kind": kind, "unit_price": draw(money_text),
                       "quantity": str(draw(st.decimals(0, 10**6, places=2))), "unit": "次"}
        else:
            pricing = {"kind": kind, "labour_monthly": draw(money_text),
                       "materials_budget": draw(money_text)}
        lines.append({"id": f"L{i}", "service": draw(st.sampled_from(SERVICES)),
                      "site": "自治区政府办公区", "pricing": pricing})
    return {
        "id": draw(st.text(min_size=1, max_size=12).filter(str.strip)),
        "title": "物业管理服务", "jurisdiction": draw(st.sampled_from(["CN", "NX", "NX-SZS"])),
        "purchaser": {"id": "P", "name": "机关事务管理局"},
        "supplier": {"id": "S", "name": "某公司",
                     "size": draw(st.sampled_from(["large", "medium", "small", "micro"]))},
        "term": {"start": start.isoformat(), "end": end.isoformat()},
        "lines": lines,
        "schedule": draw(st.sampled_from(["monthly", "quarterly"])),
    }


@st.composite
def number_texts(draw: st.DrawFn) -> str:
    """Numbers as people and machines write them, with long digit runs and wild exponents."""
    sign = draw(st.sampled_from(["", "-", "+"]))
    whole = draw(st.text("0123456789", min_size=0, max_size=45))
    frac = draw(st.one_of(st.just(""), st.text("0123456789", max_size=45).map(lambda s: "." + s)))
    exp = draw(st.one_of(st.just(""), st.integers(-10**9, 10**9).map(lambda e: f"e{e}")))
    return f"{sign}{whole}{frac}{exp}"


