"""Chinese messages: money and amounts (messages helper)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
}
