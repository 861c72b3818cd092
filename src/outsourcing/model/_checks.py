"""The validators the model classes share: code forms, types, non-negative amounts
(private; see :mod:`outsourcing.model`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import StrEnum
from typing import Any, TypeVar

import attrs

from .._limits import enum_converter, typed_tuple
from ..errors import ModelError
from ..money import Money, UnitPrice

E = TypeVar("E", bound=StrEnum)



def _enum(cls: type[E], field: str, term: str) -> Callable[[Any], E]:
    return enum_converter(cls, field=field, term=term, error=ModelError, code="model")


def _items(v: Any, field: str, cls: type[Any] | tuple[type[Any], ...], term: str
           ) -> tuple[Any, ...]:
    return typed_tuple(v, field=field, cls=cls, term=term, error=ModelError, code="model")


def _nonneg(term: str) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    def check(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value < (Money.ZERO if isinstance(value, Money | UnitPrice) else 0):
            raise ModelError("must not be negative", field=attribute.name, value=str(value),
                             term=term, code="model.negative")
    return check


SERVICE_CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
"""The form of a service-kind code (``elevator_maintenance``); whether the code is known is
checked against the catalogue in use when the contract is first used with a registry."""
JURISDICTION_CODE_RE = re.compile(r"^[A-Z]{2}(?:-[A-Z0-9]{1,16}){0,4}$")
"""The form of a jurisdiction code (``CN``, ``NX``, ``NX-SZS``)."""


def _code(pattern: re.Pattern[str], term: str, example: str
          ) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    def check(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, str) or not pattern.match(value):
            raise ModelError(f"not a {attribute.name} code (like {example})",
                             field=attribute.name, value=value, term=term,
                             code=f"model.{attribute.name}.form", says="model.code_form",
                             params={"example": example})
    return check


def _is(*classes: type[Any], term: str) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    def check(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, classes):
            names = " or ".join(c.__name__ for c in classes)
            raise ModelError(f"a {type(value).__name__} is not a {names}",
                             field=attribute.name, value=value, term=term,
                             code=f"model.{attribute.name}.type", says="model.type",
                             params={"expected": names})
    return check
