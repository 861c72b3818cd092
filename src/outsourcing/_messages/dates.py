"""Chinese messages: dates, periods, working days and date ranges (messages helper)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "period.month_out_of_range": "月份 {month} 不存在：月份须为 1 至 12",
}
