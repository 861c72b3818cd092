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
    "serialization.not_text": "须为文字，实为 {kind}",
    "serialization.not_whole": "须为整数，实为 {kind}",
    "serialization.not_bool": "须为 true 或 false，实为 {kind}",
    "serialization.enum_unknown": "未知的取值 {value}；可选：{known}",
    "serialization.kind_missing": "{term}须写明 kind，可选：{known}",
    "serialization.kind_unknown": "未知的{term}种类 {value}；可选：{known}",
    "serialization.period_not_text": "期间须写成文字，如 2022-10、2022-Q4 或 2022",
    "serialization.deductions_shape":
        "扣款标准须为表：amounts = {{ 事件 = \"500.00\" }} 和/或 shares = {{ 事件 = "
        "{{ share = \"0.02\", of = \"period\" }} }}",
    "serialization.deductions_unknown_keys": "扣款标准中有未知的键：{keys}；可用 amounts、shares",
    "serialization.shares_shape": "按比例扣款须为表：事件种类 → {{ share, of, line }}",
    "serialization.amounts_shape": "扣款金额须为表：事件种类 → 金额",
    "serialization.amount_not_text": "扣款金额 amounts.{kind} 须写成字符串，如 \"500.00\"",
    "serialization.table_expected": "{cls} 须为表（键值对）",
    "serialization.unknown_keys": "有未知的键：{keys}",
    "serialization.invalid": "无法读取 {cls}：{field} 处的数据不符合要求",
    "serialization.invalid_model": "无法读取 {cls}：内容有误",
    "scenario.case_not_named": "场景文件有 {count} 个案例，请用 --case 指明其一",
    "scenario.case_unknown": "场景文件中没有名为 {value} 的案例",
    "scenario.period_unknown": "期间 {value} 不在该案例合同的期间之内",
    "scenario.period_before_settle_from": "期间 {value} 早于该案例的起算期间 settle_from {first}",
    "scenario.toml_syntax": "场景文件第 {line} 行不是有效的 TOML",
    "scenario.top_level_keys": "场景文件顶层有未知的键 {keys}；文件只含 [[case]] 表",
    "scenario.no_cases": "场景文件中没有 [[case]] 案例",
}
