"""Chinese messages: workbooks (workbooks helper)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
}
