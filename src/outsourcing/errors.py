"""One error hierarchy for the whole library (错误).

Every error raised on bad input is an :class:`OutsourcingError`.  Its message names the
field, the bad value, the rule it breaks (with its citation) and the Chinese term, so a
bureau's developer can show it to a finance officer as it is, e.g.::

    supplementary additions ¥130,000.00 exceed 10% of the original amount ¥1,200,000.00
    [rule changes.supplementary_cap; 政府采购法 第四十九条] (补充合同)
"""

from __future__ import annotations

from typing import Any

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
    to the class's :attr:`default_code`.  ``zh`` is the message for people, in Chinese; when
    given, :attr:`message_zh` shows it with the field, value and citation, and ``str()`` of
    the error ends with it.
    """

    default_code = "error"

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
    ) -> None:
        self.reason = message
        self.field = field
        self.value = value
        self.rule_id = rule_id
        self.citation = citation
        self.term = term
        self.code = code or self.default_code
        self.zh = zh
        super().__init__(self._compose())

    @property
    def message_zh(self) -> str:
        """The message for people, in Chinese where one was given (错误说明)."""
        parts: list[str] = []
        if self.field is not None:
            shown = "" if self.value is None else f"={_short(self.value)}"
            parts.append(f"{self.field}{shown}：")
        parts.append(self.zh if self.zh else self.reason)
        if self.citation:
            parts.append(f"（依据：{self.citation}）")
        if self.term and (not self.zh or self.term not in self.zh):
            parts.append(f"【{self.term}】")
        return "".join(parts)

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
