"""Chinese messages: the settlement core (core helper)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
}
