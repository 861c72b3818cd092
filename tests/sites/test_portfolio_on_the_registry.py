"""The view across contracts on the registry (store of record): the store gives timelines and
statements, the portfolio and OCDS functions read them like any others."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import attrs
from portfolio_cases import (
    Q4,
    SITE,
    disinfection_contract,
    emergency,
    office_area,
    property_contract,
)

import outsourcing as o
from outsourcing import ocds
from outsourcing.portfolio import coverage
from outsourcing.registry import Store


def test_coverage_and_ocds_from_the_store(tmp_path: Path, registry: o.PluginHost) -> None:
    store = Store.open(tmp_path / "bureau.db", plugins=registry)
    try:
        store.add_actor("wang", "王审批", ["approver"])   # founds the registry
        store.add_actor("li", "李审批", ["approver"], by="wang")
        store.confirm_actor("li", by="li")                # accepts: four eyes begin
        store.add_actor("zhao", "赵经办", ["officer"], by="li")
        store.confirm_actor("zhao", by="wang")
        store.add_contract(property_contract(), by="zhao")
        store.add_contract(disinfection_contract(), by="zhao")
        for ch in emergency():
            pending = attrs.evolve(ch, status="pending", signed_on=None, approved_by="")
            store.propose_change("NXJG-2022-WY-001", pending, by="zhao")
            store.sign_change("NXJG-2022-WY-001", ch.id, by="wang", signed_on=ch.signed_on,
                              today=date(2022, 12, 31))
        timelines = [store.timeline(c.id) for c in store.contracts(site=SITE)]
        (double,) = coverage(timelines, [office_area(gym_still_required=False)], Q4).doubles
        assert double.at_stake == o.Money("54193.55")
        package = ocds.release_package(store.timeline("NXJG-2022-WY-001"),
                                       as_of=date(2022, 12, 31))
        ocds.validate(package)
        assert len(package["releases"][0]["contracts"][0]["amendments"]) == 3
    finally:
        store.close()
