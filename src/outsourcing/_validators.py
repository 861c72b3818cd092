"""Shared attrs validators for the model classes (字段校验).

One non-empty-text check serves every model that names things (a site, a roster, a staff
member, a contract, a change, a framework agreement), so each refuses a blank name the same
way: a :class:`~outsourcing.errors.ModelError` naming the field and its Chinese term, with the
caller's stable code and the Chinese message ``<term>不能为空`` when a code is given.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from .errors import ModelError

__all__ = ["Validator", "nonempty"]

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]


def nonempty(term: str, code: str | None = None) -> Validator:
    """An attrs validator refusing anything but a string with a non-blank character."""
    def check(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, str) or not value.strip():
            raise ModelError("must be a non-empty string", field=attribute.name, value=value,
                             term=term, code=code, zh=f"{term}不能为空" if code else None)
    return check
