"""Chinese messages: plugins, rules, changes, procurement, portfolio (plugins helper)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "rule.load.whole_out_of_range": "规则参数须为不小于 0 的整数，且不超过上限"
                                    "（天数 36525，月数 1200，年数 100，次数 1000000）",
    "qualification.table_shape": "资质要求规则须为资质列表，每项写明资质类别 kind"
                                 "（可另写 level、name、issuer）",
}
