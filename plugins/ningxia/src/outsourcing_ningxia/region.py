"""宁夏回族自治区 (regional level, parent: national)."""

from __future__ import annotations

from collections.abc import Sequence

from outsourcing import Jurisdiction, hookimpl

from . import DATA

REGION = Jurisdiction(
    code="NX",
    name_zh="宁夏回族自治区",
    name_en="Ningxia Hui Autonomous Region",
    parent="CN",
    parameter_dirs=(DATA / "NX",),
    level="region",
    source="seed 000_09cf0a1d90a7be19.txt line 205: 《推进机关后勤社会化服务改革的思考》",
)


@hookimpl
def outsourcing_jurisdictions() -> Sequence[Jurisdiction]:
    return [REGION]
