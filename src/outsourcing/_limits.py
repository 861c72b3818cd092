"""Resource limits on input, and the one exact-number reader every entry point uses (输入限制).

Every number that comes in — money, a quantity, an area, a rate, a KPI target, a rule
parameter — is read by :func:`exact_decimal`, which looks at the digits and the exponent of
the parsed ``Decimal`` *before* any arithmetic, so ``"1e999999"`` is refused at once instead
of building a million-digit integer, and nothing is rounded by a decimal context.

The limits are generous for any contract a government signs and small enough that no input
makes the library run for long:

- :data:`MAX_DIGITS` significant digits and an exponent within ±:data:`MAX_EXPONENT`;
- money at most :data:`MAX_YUAN` yuan (10¹⁸; exact to the fen);
- JSON nested at most :data:`MAX_DEPTH` levels; a file at most :data:`MAX_FILE_BYTES` bytes;
- dates from :data:`MIN_DATE` to :data:`MAX_DATE`, so a day after any date, or a period's
  end, still exists.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any, TypeVar

from .errors import OutsourcingError

__all__ = [
    "MAX_DATE",
    "MAX_DEPTH",
    "MAX_DIGITS",
    "MAX_EXPONENT",
    "MAX_FILE_BYTES",
    "MAX_TERM_YEARS",
    "MAX_YUAN",
    "MIN_DATE",
    "FileNumber",
    "check_depth",
    "enum_converter",
    "exact_decimal",
    "typed_tuple",
]

MAX_DIGITS = 40
"""Significant digits of a number read from input."""
MAX_EXPONENT = 40
"""The largest power of ten (either way) of a number read from input."""
MAX_YUAN = 10**18
"""The largest amount of money read from input, in yuan (exact to the fen)."""
MAX_DEPTH = 64
"""The deepest nesting of arrays and objects in JSON read from input."""
MAX_FILE_BYTES = 16 * 1024 * 1024
"""The largest scenario, rule or JSON file read (16 MiB)."""
MAX_TEXT_CHARS = 100_000
"""The longest string a number is read from (a number never needs more)."""
MAX_TERM_YEARS = 50
"""The longest term of a contract (a service contract runs at most 3 years by law; the limit
only keeps a typing error such as 2202 for 2022 from making every figure take long)."""
MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(9998, 12, 31)


class FileNumber(Decimal):
    """A number written unquoted with a fraction or an exponent in a file (TOML ``1.5``).

    It is kept exact (never a binary float) and is fine for a quantity or a rate; money is
    written as a string or a whole number of yuan in every file, so a reader of money refuses
    it by name (see ``docs/scenarios.md``)."""

    __slots__ = ()


def _a(what: str) -> str:
    return ("an " if what[:1] in "aeiou" else "a ") + what


def exact_decimal(value: Any, *, field: str, term: str | None, error: type[OutsourcingError],
                  code: str, what: str = "number", allow_int: bool = True) -> Decimal:
    """An exact, finite ``Decimal`` from a str, int or Decimal, within the digit and exponent
    limits; a float, a bool or anything else is refused with ``error`` naming ``field``."""
    if isinstance(value, (bool, float)):
        kind = "a boolean" if isinstance(value, bool) else "a float"
        raise error(f"{kind} is not an exact {what}; pass a str such as '12.5' or a Decimal",
                    field=field, value=value, term=term, code=f"{code}.type",
                    says="number.float" if isinstance(value, float) else "number.bool")
    if isinstance(value, int) and allow_int:
        if value.bit_length() > 4 * MAX_DIGITS:
            raise error(f"{what} has more than {MAX_DIGITS} digits", field=field, value=value,
                        term=term, code=f"{code}.too_large", says="number.too_large",
                        params={"digits": MAX_DIGITS})
        return Decimal(value)
    if isinstance(value, str):
        if len(value) > MAX_TEXT_CHARS:
            raise error(f"not {_a(what)}: the text is {len(value)} characters long", field=field,
                        value=value, term=term, code=f"{code}.invalid", says="number.invalid")
        try:
            d = Decimal(value.strip())
        except (InvalidOperation, ValueError):
            raise error(f"not {_a(what)}", field=field, value=value, term=term,
                        code=f"{code}.invalid", says="number.invalid") from None
    elif isinstance(value, Decimal):
        d = value
    else:
        raise error(f"a {type(value).__name__} is not {_a(what)}; pass a str or a Decimal",
                    field=field, value=value, term=term, code=f"{code}.type",
                    says="number.type", params={"kind": type(value).__name__})
    if not d.is_finite():
        raise error(f"{_a(what)} must be finite", field=field, value=value, term=term,
                    code=f"{code}.not_finite", says="number.not_finite")
    sign, digits, exp = d.as_tuple()
    assert isinstance(exp, int)
    written_exp = exp
    n = len(digits)
    # strip trailing zeros without arithmetic: 1.000 is 1, 100E-2 is 1
    while n > 1 and digits[n - 1] == 0:
        n -= 1
        exp += 1
    if n == 1 and digits[0] == 0:  # zero: kept as written ("0.00") unless its exponent is wild
        return d if len(digits) <= MAX_DIGITS and -MAX_EXPONENT <= written_exp <= \
            MAX_EXPONENT else Decimal(0)
    if n > MAX_DIGITS or not -MAX_EXPONENT <= exp <= MAX_EXPONENT or n + exp > MAX_EXPONENT:
        raise error(f"{what} out of range: at most {MAX_DIGITS} significant digits and "
                    f"magnitude 10^±{MAX_EXPONENT}", field=field, value=value, term=term,
                    code=f"{code}.out_of_range", says="number.out_of_range",
                    params={"digits": MAX_DIGITS, "exponent": MAX_EXPONENT})
    if len(digits) > MAX_DIGITS:  # only trailing zeros past the limit: drop them, exactly
        return Decimal((sign, digits[:n], exp))
    return d


E = TypeVar("E", bound=Enum)


def typed_tuple(v: Any, *, field: str, cls: type[Any] | tuple[type[Any], ...], term: str,
                error: type[OutsourcingError], code: str) -> tuple[Any, ...]:
    """A tuple of ``cls`` from a list or tuple; a non-list, or an item of another type, is
    ``error`` naming the field (``lines[2]``)."""
    if isinstance(v, str | bytes | Mapping) or not isinstance(v, Iterable):
        raise error(f"a {type(v).__name__} is not a list", field=field, value=v, term=term,
                    code=f"{code}.{field}.type", says="list.not_a_list",
                    params={"kind": type(v).__name__})
    items = tuple(v)
    names = cls.__name__ if isinstance(cls, type) else " or ".join(c.__name__ for c in cls)
    for i, x in enumerate(items):
        if not isinstance(x, cls):
            raise error(f"a {type(x).__name__} is not a {names}", field=f"{field}[{i}]",
                        value=x, term=term, code=f"{code}.{field}.type",
                        says="list.item_type", params={"kind": type(x).__name__})
    return items


def enum_converter(cls: type[E], *, field: str, term: str | None,
                   error: type[OutsourcingError], code: str) -> Callable[[Any], E]:
    """A converter to ``cls`` whose refusal is ``error`` naming the field and the allowed
    values (``size='smal'`` → one of large, medium, small, micro)."""

    def convert(v: Any) -> E:
        if isinstance(v, cls):
            return v
        try:
            return cls(v)
        except (ValueError, TypeError):
            allowed = ", ".join(str(m.value) for m in cls)
            raise error(f"not a valid {cls.__name__}; one of {allowed}", field=field, value=v,
                        term=term, code=f"{code}.{field}.unknown", says="choice.unknown",
                        params={"allowed": allowed}) from None

    return convert


_STRING_RE = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET_RE = re.compile(r"[\[\]{}]")


def check_depth(text: str, *, limit: int = MAX_DEPTH) -> int:
    """The deepest nesting of ``[`` and ``{`` in JSON text (strings skipped); raises
    :class:`~outsourcing.errors.SerializationError` past ``limit`` before anything is parsed."""
    from .errors import SerializationError

    depth = deepest = 0
    for m in _BRACKET_RE.finditer(_STRING_RE.sub('""', text)):
        if m.group() in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    raise SerializationError(
                        f"JSON nested deeper than {limit} levels", field="$", value=None,
                        code="serialization.too_deep", params={"limit": limit})
        else:
            depth -= 1
    return deepest
