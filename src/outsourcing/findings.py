"""Findings: what a check says about a contract, a change or a settlement (检查结果)."""

from __future__ import annotations

from enum import StrEnum

import attrs

__all__ = ["Finding", "Severity"]


class Severity(StrEnum):
    """How serious a finding is."""

    ERROR = "error"
    """Breaks a rule: the contract or change must not go ahead as it is (违规)."""
    WARNING = "warning"
    """Needs a decision or a document before going ahead (提示)."""
    INFO = "info"


@attrs.frozen
class Finding:
    """One observation by a check, with the rule behind it.

    ``code`` is stable and machine-readable (``term.over_one_year``); ``source`` is the
    plugin that made the finding (``core`` for the library's own checks).
    """

    code: str
    message: str
    severity: Severity = attrs.field(default=Severity.ERROR, converter=Severity)
    field: str | None = None
    rule_id: str | None = None
    citation: str | None = None
    term: str | None = None
    source: str = "core"

    def __str__(self) -> str:
        cite = f" [{self.citation}]" if self.citation else ""
        where = f" {self.field}:" if self.field else ""
        term = f" ({self.term})" if self.term else ""
        return f"{self.severity.value}: {self.code}:{where} {self.message}{cite}{term}"
