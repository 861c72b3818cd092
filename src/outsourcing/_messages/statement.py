"""Chinese messages: statements, scenarios, serialisation (statement helper)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
}
