from __future__ import annotations

import os
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, settings

import outsourcing as o

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=30, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def registry() -> o.PluginHost:
    return o.load()


@pytest.fixture()
def supplier() -> o.Supplier:
    return o.Supplier(
        "S-1",
        "宁夏某物业服务有限公司",
        "small",
        qualifications=[
            o.Qualification("special_equipment_installation_repair", "B级", "自治区市场监管厅",
                            valid_until=date(2025, 12, 31)),
        ],
    )


@pytest.fixture()
def contract(supplier: o.Supplier) -> o.Contract:
    return o.Contract(
        id="NX-2022-001",
        title="自治区政府办公区物业服务",
        jurisdiction="CN",
        purchaser=o.Purchaser("P-1", "宁夏回族自治区机关事务管理局"),
        supplier=supplier,
        term=o.DateRange(date(2022, 1, 1), date(2022, 12, 31)),
        lines=[
            o.ServiceLine("property", "property", "自治区政府办公区", o.FixedMonthly("80000.00")),
            o.ServiceLine("elevator", "elevator_maintenance", "自治区政府办公区",
                          o.UnitRate("850.00", Decimal("12"), unit="台·月")),
        ],
        budget=o.Money("1200000"),
    )
