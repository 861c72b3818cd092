"""The small converters and validators the model classes share (private).

Every model class is validated when built: money is :class:`~outsourcing.money.Money`, dates
are ``datetime.date``, numbers are exact ``Decimal`` read by
:func:`~outsourcing._limits.exact_decimal`, text is text.  The modules that define models
(``model``, ``payment``, ``performance``, ``pricing``, ``plan``) take their converters from
here, each raising the caller's own error class and code.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import attrs

from ._limits import exact_decimal
from .dates import as_date
from .errors import ModelError, OutsourcingError
from .money import Money

__all__ = [
    "Validator",
    "decimal_of",
    "flag",
    "money_of",
    "nonneg_decimal",
    "opt_date_of",
    "opt_money_of",
    "scaled_whole",
    "text",
    "to_decimal",
    "to_money",
]

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]


def money_of(v: Any, field: str) -> Money:
    """``v`` as :class:`Money` (a Money as it is; str, int or Decimal read exactly)."""
    return v if isinstance(v, Money) else Money(v, field=field)


def to_money(field: str) -> Callable[[Any], Money]:
    """A converter to :class:`Money` naming ``field`` in its refusal."""
    def convert(v: Any) -> Money:
        return money_of(v, field)
    return convert


def opt_money_of(v: Any, field: str) -> Money | None:
    """``v`` as :class:`Money`, or None."""
    return None if v is None else money_of(v, field)


def decimal_of(v: Any, field: str, term: str, *, error: type[OutsourcingError] = ModelError,
               code: str = "model.number", what: str = "number") -> Decimal:
    """``v`` as an exact Decimal within the input limits (a float refused)."""
    return exact_decimal(v, field=field, term=term, error=error, code=code, what=what)


def to_decimal(field: str, term: str, *, error: type[OutsourcingError] = ModelError,
               code: str = "model.number") -> Callable[[Any], Decimal]:
    """A converter to an exact Decimal naming ``field``."""
    def convert(v: Any) -> Decimal:
        return decimal_of(v, field, term, error=error, code=code)
    return convert


def nonneg_decimal(v: Any, field: str, term: str, *, code: str, negative: str) -> Decimal:
    """``v`` as an exact Decimal, not negative; the refusals are ``code.<what>`` (see
    :func:`~outsourcing._limits.exact_decimal`) and ``negative``."""
    d = decimal_of(v, field, term, code=code)
    if d < 0:
        raise ModelError("must be a finite number, not negative", field=field, value=str(d),
                         term=term, code=negative)
    return d


def scaled_whole(d: Decimal, scale: int, field: str, term: str, *, code: str) -> int:
    """``d × scale`` as a whole number (hundredths, millionths); more decimal places than
    the scale holds are refused as ``code``, never rounded."""
    scaled = d * scale
    if scaled != scaled.to_integral_value():
        places = len(str(scale)) - 1
        raise ModelError(f"at most {places} decimal places", field=field, value=str(d),
                         term=term, code=code)
    return int(scaled)


def opt_date_of(v: Any, field: str) -> date | None:
    """``v`` as a ``date`` (from a date or ISO ``YYYY-MM-DD`` text), or None."""
    return None if v is None else as_date(v, field=field)


def flag(term: str) -> Validator:
    """An attrs validator: the value is True or False (not 1, not "yes")."""
    def check(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, bool):
            raise ModelError(f"a {type(value).__name__} is not true or false",
                             field=attribute.name, value=value, term=term,
                             code="model.flag.type", params={"kind": type(value).__name__})
    return check


def text(term: str, *, code: str = "model.text.type") -> Validator:
    """An attrs validator: the value is a str (empty allowed)."""
    def check(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, str):
            raise ModelError(f"a {type(value).__name__} is not text", field=attribute.name,
                             value=value, term=term, code=code,
                             params={"kind": type(value).__name__})
    return check
