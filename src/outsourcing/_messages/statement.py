"""Chinese messages: statements, scenarios, serialisation (statement helper)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "statement.terms_needed": "结算单的明细与计算依据由合同条款推导，请先绑定该合同的条款"
                              "（with_terms）",
    "statement.json.bad_field": "不是有效的结算单：{field} 不符合要求",
    "statement.no_such_figure": "结算单中没有这一项的计算依据；可查的项目：{known}",
    "statement.amount_due_mismatch": "应付合计不等于应付金额加逾期利息",
    "statement.legacy.not_object": "结算单格式错误：应为对象",
    "statement.legacy.missing_field": "结算单缺少必填字段",
    "statement.legacy.invalid": "不是有效的结算单",
    "serialization.money_not_string": "金额须写成字符串，如 \"1234.56\"",
    "serialization.not_object": "{cls} 须为对象（键值表），实际为 {kind}",
    "serialization.shape": "数据结构与 {cls} 不符",
    "serialization.encoding": "不是 UTF-8 编码的 JSON",
    "serialization.type": "不是 JSON 文本",
    "serialization.too_large": "JSON 文本过长",
    "serialization.not_json": "不是有效的 JSON",
    "scenario.today": "场景文件的 today 须为日期（YYYY-MM-DD，不带时刻），"
                      "在 1900-01-01 至 9998-12-31 之间",
}
