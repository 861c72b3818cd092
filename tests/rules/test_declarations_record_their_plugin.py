"""Everything a plugin declares records which plugin declared it."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

import outsourcing as o
from outsourcing import ServiceKind, hookimpl
from outsourcing.catalogue import ProcurementItem


class Shenzhen:
    @hookimpl
    def outsourcing_service_kinds(self) -> Sequence[ServiceKind]:
        return [ServiceKind("sz_smart_parking", "智慧停车", "smart parking", "property")]

    @hookimpl
    def outsourcing_procurement_items(self) -> Sequence[ProcurementItem]:
        return [ProcurementItem("sz_smart_parking", "C21040000", "物业管理服务")]


class Twice:
    @hookimpl
    def outsourcing_service_kinds(self) -> Sequence[ServiceKind]:
        return [ServiceKind("sz_smart_parking", "停车", "parking", "property")]


def test_a_plugins_service_kinds_and_items_record_the_plugin() -> None:
    host = o.load(plugins=["core"], extra=[("shenzhen", Shenzhen())])
    assert host.catalogue.get("sz_smart_parking").source == "shenzhen"
    assert host.catalogue.get("property").source == "core"
    assert host.catalogue.procurement_item("sz_smart_parking").source == "shenzhen"


def test_a_service_kind_declared_twice_names_both_plugins() -> None:
    with pytest.raises(o.ModelError, match=r"declared twice \(by guangdong and shenzhen\)"):
        o.load(plugins=["core"], extra=[("shenzhen", Shenzhen()), ("guangdong", Twice())])


def test_a_jurisdiction_records_the_plugin_that_declared_it(registry: o.PluginHost) -> None:
    assert registry.declared_by("CN") == "core"
    assert registry.declared_by("NX-SZS") == "ningxia-shizuishan"
