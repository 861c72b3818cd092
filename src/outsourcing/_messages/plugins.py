"""Chinese messages: plugins, rules, changes, procurement, portfolio (plugins helper)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
}
