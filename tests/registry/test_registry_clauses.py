"""The clauses of issue 21 kept by the registry through the contract document — a period
rounded on its own, a literal split, a unit price to four decimals, a holdback on the
contract fee — read back equal and settled to the same figures, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from registry_cases import staffed

import outsourcing as o
from outsourcing.payment import FullPay, Holdback, PaymentRule
from outsourcing.registry import Store
from outsourcing.settlement import settle


def _contract() -> o.Contract:
    return o.Contract(
        id="NX-2025-901", title="物业服务（按季确认）", jurisdiction="CN",
        purchaser=o.Purchaser("P-1", "宁夏回族自治区机关事务管理局"),
        supplier=o.Supplier("S-1", "宁夏某物业服务有限公司", "small"),
        term=o.DateRange(date(2025, 1, 1), date(2025, 12, 31)), schedule="quarterly",
        rounding="period", rounding_clause="合同 第六条: 每季度确认单金额四舍五入到分",
        lines=[o.ServiceLine("property", "property", "固原市行政中心",
                             o.AreaRate("12345.6", "42.80", per="year", split="actual_365")),
               o.ServiceLine("greening", "greening", "固原市行政中心",
                             o.AreaRate("42350.6", "3.865")),
               o.ServiceLine("security", "security", "固原市行政中心",
                             o.AnnualFee("1000000.01", split="literal"))])


def test_the_registry_keeps_the_contracts_own_clauses_and_settles_by_them(db_url: str) -> None:
    rule = PaymentRule(FullPay(), holdback=Holdback(Decimal("0.05"), base="fee",
                                                    citation="合同 第十一条"))
    c = _contract()
    rules = {"property": rule}
    staffed(db_url).add_contract(c, by="zhao", rules=rules)
    r = Store.open(db_url)
    try:
        back = r.contract(c.id)
        assert back == c and back.rounding.value == "period"
        assert str(back.line("greening").pricing.rate) == "3.865"  # type: ignore[union-attr]
        assert back.lines_amount == c.lines_amount
        stored = r.settle(c.id, "2025-Q1", by="sun").statement
        fresh = settle(c, "2025-Q1", [], o.load().rulebook("CN"), rules=rules)
        assert [x.fee for x in stored.lines] == [x.fee for x in fresh.lines] == [
            o.Money("130288.36"), o.Money("491055.21"), o.Money("250000.00")]
    finally:
        r.close()
