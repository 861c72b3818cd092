"""Chinese messages: the audit chain, timestamps and OCDS (verify helper)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
}
