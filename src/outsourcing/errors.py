"""One error hierarchy for the whole library (错误).

Every error raised on bad input is an :class:`OutsourcingError`.  Its message names the
field, the bad value, the rule it breaks (with its citation) and the Chinese term, so a
bureau's developer can show it to a finance officer as it is, e.g.::

    supplementary additions ¥130,000.00 exceed 10% of the original amount ¥1,200,000.00
    [rule changes.supplementary_cap; 政府采购法 第四十九条] (补充合同)

A raise site gives a specific dotted ``code`` (``period.month_out_of_range``), the ``field``
and the ``value``, and the values its sentence needs as ``params``; the Chinese sentence for
people lives in :data:`outsourcing.messages_zh.MESSAGES` under the code (see that module's
docstring: how to raise), never at the raise site.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .messages_zh import MESSAGES, citation_for_people, lookup, mostly_chinese, say

__all__ = [
    "AccessDenied",
    "ChangeRejected",
    "DateError",
    "JurisdictionError",
    "ModelError",
    "MoneyError",
    "OutsourcingError",
    "PluginError",
    "ProcurementError",
    "RegistryError",
    "RuleError",
    "RuleLoadError",
    "SerializationError",
    "SettlementError",
]


class OutsourcingError(Exception):
    """Root of every error the library raises on purpose.

    ``field`` is the path of the offending input (``lines[2].pricing.monthly_fee``),
    ``value`` the value found, ``rule_id`` and ``citation`` the rule it breaks and its source,
    ``term`` the Chinese term a bureau uses for the concept.

    ``code`` is the stable identifier for programs (``payment.shares_not_100``); it defaults
    to the class's :attr:`default_code` (a generic code a raise site should not rely on).
    The message for people is the catalogue's sentence for the code
    (:data:`~outsourcing.messages_zh.MESSAGES`), its ``{placeholders}`` filled from
    ``params`` (and ``field``, ``value``, ``term``); :attr:`message_zh` shows it with the
    field, value, term and citation, and ``str()`` of the error ends with it.  ``says`` names
    the catalogue entry when it is not the code: a shared reader (``exact_decimal``) raises
    each caller's own code (``money.rate.out_of_range``) with one sentence for all of them.
    ``zh`` (a sentence given at the raise site) is kept only to pass on another error's
    sentence when wrapping it.
    """

    default_code = "error"
    default_is_specific = False
    """True for a class whose :attr:`default_code` is a specific code with its own catalogue
    entry (``install.missing_extra``): raised without a code, it then says that entry's
    sentence.  A generic default (``money``, ``procurement``) says only that something is
    wrong, so its entry is never taken as the error's sentence (only as the last fallback
    of :meth:`_zh_text`)."""

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        value: Any = None,
        rule_id: str | None = None,
        citation: str | None = None,
        term: str | None = None,
        code: str | None = None,
        zh: str | None = None,
        params: Mapping[str, Any] | None = None,
        says: str | None = None,
    ) -> None:
        self.reason = message
        self.field = field
        self.value = value
        self.rule_id = rule_id
        self.citation = citation
        self.term = term
        self.code = code or self.default_code
        self.params: dict[str, Any] = dict(params) if params else {}
        self.says = says
        self.zh = zh if zh else self._catalogued()
        super().__init__(self._compose())

    def _catalogued(self) -> str | None:
        """The catalogue's sentence for a specific code, placeholders filled; None for a
        code the catalogue does not list by name (then :meth:`_zh_text` falls back)."""
        key = self.says or self.code
        if key not in MESSAGES or (key == self.default_code and not self.default_is_specific):
            return None
        return say(key, field=self.field, value=self.value, term=self.term or "",
                   **self.params)

    @property
    def message_zh(self) -> str:
        """The message for people, in Chinese where one was given (错误说明)."""
        parts: list[str] = []
        if self.field is not None:
            shown = "" if self.value is None else f"={_short(self.value)}"
            parts.append(f"{self.field}{shown}：")
        text = self._zh_text()
        parts.append(text)
        if self.term and self.term not in text:
            parts.append(f"【{self.term}】")
        if self.citation:
            parts.append(f"（依据：{citation_for_people(self.citation)}）")
        return "".join(parts)

    def _zh_text(self) -> str:
        """The Chinese sentence: ``zh`` if given, the reason if already Chinese, else the
        catalogue's sentence for the code (:mod:`outsourcing.messages_zh`)."""
        if self.zh:
            return self.zh
        if mostly_chinese(self.reason):
            return self.reason
        return lookup(self.code) or lookup(self.default_code) or "输入有误"

    def _compose(self) -> str:
        parts: list[str] = []
        if self.field is not None:
            shown = "" if self.value is None else f"={_short(self.value)}"
            parts.append(f"{self.field}{shown}: ")
        parts.append(self.reason)
        cite = [x for x in (f"rule {self.rule_id}" if self.rule_id else None, self.citation) if x]
        if cite:
            parts.append(f" [{'; '.join(cite)}]")
        if self.term:
            parts.append(f" ({self.term})")
        if self.zh:
            parts.append(f" — {self.zh}")
        return "".join(parts)


def _short(value: Any, limit: int = 80) -> str:
    """``repr(value)`` cut to ``limit`` characters, so a huge bad value is never echoed whole."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class MoneyError(OutsourcingError, ValueError):
    """An amount that is not exact money in yuan to the fen (金额)."""

    default_code = "money"


class DateError(OutsourcingError, ValueError):
    """A date, range or period that does not hold together (日期)."""

    default_code = "date"


class ModelError(OutsourcingError, ValueError):
    """A contract, party, line or other model object built from bad values."""

    default_code = "model"


class RuleError(OutsourcingError, LookupError):
    """A rule parameter that is unknown or has no value on the date asked (规则)."""

    default_code = "rule"


class RuleLoadError(OutsourcingError, ValueError):
    """A parameter file that cannot be loaded, or a local rule loosening a legal limit."""

    default_code = "rule.load"


class JurisdictionError(OutsourcingError, LookupError):
    """An unknown jurisdiction code, or a broken chain of parents (辖区)."""

    default_code = "jurisdiction"


class PluginError(OutsourcingError, RuntimeError):
    """A plugin that failed; the message names the plugin and the hook (插件)."""

    default_code = "plugin"

    def __init__(self, message: str, *, plugin: str, hook: str, **kw: Any) -> None:
        self.plugin = plugin
        self.hook = hook
        super().__init__(f"plugin {plugin!r} failed in hook {hook}: {message}", **kw)


class SerializationError(OutsourcingError, ValueError):
    """JSON that does not describe a valid model object; names the path of each bad field."""

    default_code = "serialization"


class ChangeRejected(OutsourcingError, ValueError):
    """A contract change refused before signing; the timeline is left as it was (合同变更).

    ``change_id`` names the change; ``headroom_used`` and ``headroom_left`` (``Money``) are
    the supplementary-contract headroom under 政府采购法 第四十九条 before the change.
    """

    default_code = "change.rejected"

    def __init__(
        self,
        message: str,
        *,
        change_id: str | None = None,
        headroom_used: Any = None,
        headroom_left: Any = None,
        **kw: Any,
    ) -> None:
        self.change_id = change_id
        self.headroom_used = headroom_used
        self.headroom_left = headroom_left
        super().__init__(message, **kw)

    @property
    def message_zh(self) -> str:
        """The rejection for people: it names the change itself, so no field is shown."""
        if not self.zh:
            return super().message_zh
        cite = f"（依据：{citation_for_people(self.citation)}）" if self.citation else ""
        return self.zh + cite


class SettlementError(OutsourcingError, ValueError):
    """Settlement inputs that cannot produce a statement (结算)."""

    default_code = "settlement"


class ProcurementError(OutsourcingError, ValueError):
    """A tender, bid or evaluation built from bad values (采购)."""

    default_code = "procurement"


class RegistryError(OutsourcingError, RuntimeError):
    """The store of record refuses a request or cannot be opened (登记库): an unknown contract,
    a period settled out of order, a database of a newer schema, a tampered audit trail."""

    default_code = "registry"


class AccessDenied(RegistryError):
    """An actor without the role for a write, or a write that breaks the separation of duties
    (职责分离); the refusal itself is recorded in the audit trail."""

    default_code = "registry.denied"
