"""Chinese messages: statements, scenarios, serialisation (statement helper)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "scenario.today": "场景文件的 today 须为日期（YYYY-MM-DD，不带时刻），"
                      "在 1900-01-01 至 9998-12-31 之间",
}
