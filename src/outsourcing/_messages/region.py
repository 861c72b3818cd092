"""Chinese messages: the region's view (一张网, :mod:`outsourcing.registry.region`)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "registry.region.bad_year": "年度 {value} 无效：须为 1900 至 9999 之间的整数年份",
    "registry.region.day_outside_year":
        "统计日期 {value} 不在所查年度 {year} 之内：须为该年度中的某一天",
    "registry.region.duplicate_unit": "单位编号 {value} 重复：单位树中每个单位的编号须唯一",
    "registry.region.unit_loop": "单位 {value} 的上级关系形成循环：单位树须自上而下、无循环",
    "registry.region.unknown_contract": "本视图中没有合同 {value}：只能查看本单位及下级单位的合同",
    "registry.region.unknown_unit": "本视图中没有单位 {value}：只能查看本单位及下级单位",
}
