"""Chinese messages: money and amounts (messages helper)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "money.bool": "布尔值不是金额：金额须为字符串（如 \"1234.56\"）、整数（元）或 Decimal",
    "money.float": "金额不接受浮点数（二进制浮点数无法精确表示分）：请写成字符串，如 \"1234.56\"",
    "money.type": "{kind} 不是金额：金额须为字符串（如 \"1234.56\"）、整数（元）或 Decimal",
    "money.unquoted_in_file":
        "文件中的金额须写成字符串，如 \"1234.56\"（或整数元），不能写成不带引号的小数",
    "money.out_of_range": "金额超出范围：金额的绝对值至多 10¹⁸ 元（精确到分）",
    "money.result_out_of_range": "计算结果超出金额范围：金额的绝对值至多 10¹⁸ 元",
    "money.not_whole_fen": "金额须精确到分（至多两位小数），不会自动舍入",
    "money.ratio_to_zero": "不能以零金额为基数计算比例",
    "money.unit_price_places":
        "{term}至多{places}位小数（精确到万分之一元），金额按单价 × 数量四舍五入到分",
    "money.allocate.total": "待分配金额须为 Money（精确到分的金额）",
    "money.allocate.weights": "分配权重须为列表，如 [1, 2, 3]",
    "money.allocate.no_weights": "分配至少需要一个权重",
    "money.allocate.negative_weight": "分配权重不能为负数",
    "money.allocate.all_zero": "分配权重不能全为零",
}
