"""石嘴山市 (Shizuishan, parent: 宁夏回族自治区).

The source (seed line 205 on) reports: property by government tender to a company with the
national grade-1 qualification, in full trusteeship; elevators by a company with the region's
grade-B installation and repair qualification; fire systems by a company with the national
grade-2 qualification; the canteen as labour outsourced with raw materials bought centrally.
The qualification rules are the parameter files ``qualification.*`` under ``data/NX-SZS``.
"""

from __future__ import annotations

from collections.abc import Sequence

from outsourcing import Jurisdiction, hookimpl

from . import DATA

SHIZUISHAN = Jurisdiction(
    code="NX-SZS",
    name_zh="石嘴山市",
    name_en="Shizuishan",
    parent="NX",
    parameter_dirs=(DATA / "NX-SZS",),
    level="city",
    source="seed 000_09cf0a1d90a7be19.txt line 205: 《推进机关后勤社会化服务改革的思考》",
)


@hookimpl
def outsourcing_jurisdictions() -> Sequence[Jurisdiction]:
    return [SHIZUISHAN]
