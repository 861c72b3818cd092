"""Chinese messages: the desk: command line, printables, files (desk helper)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
}
