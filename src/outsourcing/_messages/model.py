"""Chinese messages: contracts, lines, pricing, payment rules, plans (messages helper)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "payment.event_kind_empty": "事件类别须为非空字符串（如 complaint、fire）",
}
