"""Chinese messages: the store of record (store helper)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
}
