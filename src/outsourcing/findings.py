"""Findings: what a check says about a contract, a change or a settlement (检查结果)."""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache

import attrs

from .messages_zh import citation_for_people, lookup, mostly_chinese

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
    zh: str | None = None
    """The message for people, in Chinese, when the check gives its own; otherwise
    :attr:`message_zh` reads the catalogue (:mod:`outsourcing.messages_zh`) by ``code``."""

    @property
    def text_zh(self) -> str:
        """What is wrong, in Chinese, without the term and citation."""
        if self.zh:
            return self.zh
        if mostly_chinese(self.message):
            return self.message
        text = lookup(self.code) or f"检查发现问题（{self.code}）"
        subject = _subject(self.code, self.field or "", self.message)
        return f"{subject}：{text}" if subject else text

    @property
    def message_zh(self) -> str:
        """The finding as a person reads it, in Chinese: what is wrong, the Chinese term and
        the citation (law and article or publication) — never a file name or line."""
        text = self.text_zh
        parts = [text]
        if self.term and self.term not in text:
            parts.append(f"【{self.term}】")
        if self.citation:
            parts.append(f"（依据：{citation_for_people(self.citation)}）")
        return "".join(parts)

    @property
    def severity_zh(self) -> str:
        """违规 / 提示 / 说明."""
        return {"error": "违规", "warning": "提示", "info": "说明"}[self.severity.value]

    def render(self, lang: str = "zh") -> str:
        """One line for people (``zh``) or developers (``en``)."""
        return f"{self.severity_zh}：{self.message_zh}" if lang == "zh" else str(self)

    def __str__(self) -> str:
        cite = f" [{self.citation}]" if self.citation else ""
        where = f" {self.field}:" if self.field else ""
        term = f" ({self.term})" if self.term else ""
        return f"{self.severity.value}: {self.code}:{where} {self.message}{cite}{term}"


@lru_cache(maxsize=4096)
def _subject(code: str, field: str, message: str) -> str:
    """What a finding is about, read from its field or message: 服务项目 property,
    第2个服务项目, 变更 BC-2022-04 (kept per finding text: a statement's findings repeat)."""
    m = re.match(r"assessments\[([^\]]+)\]", field)
    if m:
        return f"服务项目 {m.group(1)}"
    m = re.match(r"([A-Za-z0-9][\w.\-]*): ", message)
    if m and code.startswith("change"):
        return f"变更 {m.group(1)}"
    m = re.match(r"line ([\w.\-]+)\b", message)
    if m:
        return f"服务项目 {m.group(1)}"
    m = re.match(r"lines\[(\d+)\]", field)
    if m:
        return f"第{int(m.group(1)) + 1}个服务项目"
    return ""
