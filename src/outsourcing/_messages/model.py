"""Chinese messages: contracts, lines, pricing, payment rules, plans (messages helper)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "payment.bands_not_a_list": "分档支付表须为各档的列表，每档写明最低得分 min_score "
                                "与支付比例 rate",
    "payment.event_kind_empty": "事件类别须为非空字符串（如 complaint、fire）",
}
