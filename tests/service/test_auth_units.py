"""Units (单位) from region to county: the Ningxia plugin ships the tree as data, the store
records it once (loading twice adds nothing, another value for a recorded id is refused), a
subtree holds every unit below, and a contract recorded without a unit belongs to the root."""

from __future__ import annotations

import pytest
from service_cases import Bureau, contract, found

import outsourcing as o
from outsourcing.errors import AccessDenied, ModelError, RegistryError
from outsourcing.registry import Store
from outsourcing.unit_tree import Level, Unit, check_tree


def test_the_ningxia_plugin_ships_the_regions_tree(registry: o.PluginHost) -> None:
    units = {u.id: u for u in registry.units("NX")}
    assert len(units) == 29
    assert units["NX"].parent is None and units["NX"].level is Level.REGION
    cities = sorted(u.name for u in units.values() if u.level is Level.CITY)
    assert cities == sorted(["银川市", "石嘴山市", "吴忠市", "固原市", "中卫市"])
    assert sum(u.level is Level.COUNTY for u in units.values()) == 22
    assert units["NX-SZS-DWK"].name == "大武口区" and units["NX-SZS-DWK"].parent == "NX-SZS"
    assert units["NX-SZS-DWK"].jurisdiction == "NX-DWK"
    for u in units.values():
        assert u.jurisdiction is not None
        registry.rulebook(u.jurisdiction)  # every unit follows a known jurisdiction
    assert [u.id for u in registry.units("NX-SZS")] == ["NX-SZS", "NX-SZS-DWK", "NX-SZS-HN",
                                                         "NX-SZS-PL"]


def test_the_tree_loads_once_and_its_subtrees_hold_every_unit_below(db_url: str) -> None:
    store = found(Store.open(db_url))
    tree = o.load().units("NX")
    assert len(store.add_units(tree, by="wang")) == 29
    assert store.add_units(tree, by="li") == []  # loading again adds nothing
    assert store.root_unit() == tree[0]
    assert store.subtree(["NX-SZS"]) == {"NX-SZS", "NX-SZS-DWK", "NX-SZS-HN", "NX-SZS-PL"}
    assert len(store.subtree(["NX"])) == 29
    with pytest.raises(RegistryError) as e:
        store.add_unit("NX-SZS-DWK", "大武口", parent="NX-SZS", level="county", by="wang")
    assert e.value.code == "registry.unit_exists"
    with pytest.raises(RegistryError) as r:
        store.add_unit("GS", "甘肃省", level="region", by="wang")
    assert r.value.code == "registry.unit.two_roots"
    assert store.verify().ok


def test_only_an_approver_adds_units(db_url: str) -> None:
    store = found(Store.open(db_url))
    store.add_actor("zhao", "赵经办", ["officer"], by="zhang")
    store.confirm_actor("zhao", by="li")
    with pytest.raises(AccessDenied) as e:
        store.add_unit("NX", "宁夏", level="region", by="zhao")
    assert e.value.code == "registry.denied.role"


def test_a_contract_without_a_unit_belongs_to_the_root(bureau: Bureau) -> None:
    store = bureau.store
    store.add_contract(contract("NX-002"), by="zhao")
    assert store.contract_scope("NX-002") == ("NX", "S-1")
    assert {c.id: c.unit for c in store.contracts()}["NX-002"] == "NX"
    assert store.contract_units(["DWK-001", "NX-002"]) == {"DWK-001": "NX-SZS-DWK",
                                                           "NX-002": "NX"}
    with pytest.raises(RegistryError) as e:
        store.add_contract(contract("NX-003"), by="zhao", unit="NX-ZZ")
    assert e.value.code == "registry.unknown_unit"
    assert store.contract_scope("NX-003") is None  # nothing half-written
    assert store.verify().ok


def test_a_tree_has_one_root_and_known_parents() -> None:
    with pytest.raises(ModelError) as e:
        check_tree([Unit("A", "甲"), Unit("B", "乙")])
    assert e.value.code == "unit.two_roots"
    with pytest.raises(ModelError) as p:
        check_tree([Unit("A", "甲"), Unit("C", "丙", "B")])
    assert p.value.code == "unit.unknown_parent"
    with pytest.raises(ModelError) as lv:
        Unit("A", "甲", level="province")
    assert lv.value.code == "unit.unknown_level"
    ordered = check_tree([Unit("C", "丙", "B"), Unit("B", "乙", "A"), Unit("A", "甲")])
    assert [u.id for u in ordered] == ["A", "B", "C"]
