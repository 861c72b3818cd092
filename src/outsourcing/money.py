"""Exact money in yuan, to the fen (金额，精确到分).

Money is held as a whole number of fen.  It is built from ``str``, ``int`` (yuan) or
``Decimal``; a ``float`` is refused, because a binary float cannot hold 0.10 yuan exactly.
Arithmetic that can produce a fraction of a fen (multiplying by a rate, pro-rata) rounds
half-up (四舍五入) to the fen once, at a step the caller names; :func:`allocate` splits an
amount into parts that add back exactly to the whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import SupportsIndex

from ._limits import MAX_DIGITS, MAX_YUAN, FileNumber, exact_decimal
from .errors import MoneyError

__all__ = ["UNIT_PRICE_PLACES", "Money", "Rate", "UnitPrice", "allocate", "as_rate",
           "div_half_up", "fen_text", "format_fen", "pct", "round_half_up", "unit_price"]

Rate = Decimal | int | Fraction
"""A multiplier for money: a Decimal, an int or a Fraction, never a float."""

_TERM = "金额"
_LIMIT_FEN = MAX_YUAN * 100


def round_half_up(value: Fraction | Decimal | int) -> int:
    """Round to the nearest integer, halves away from zero (四舍五入)."""
    q = Fraction(value)
    if q >= 0:
        return int((q + Fraction(1, 2)).__floor__())
    return -int((-q + Fraction(1, 2)).__floor__())


def div_half_up(num: int, den: int) -> int:
    """``num / den`` rounded half-up (四舍五入) on whole numbers, ``den > 0``: the integer
    fast path of :func:`round_half_up` for hot loops in fen and hundredths."""
    if num >= 0:
        return (2 * num + den) // (2 * den)
    return -((-2 * num + den) // (2 * den))


def as_rate(value: object, *, field: str = "rate") -> Decimal | Fraction | int:
    """Accept an exact rate; refuse floats, non-numbers and numbers past the input limits
    (digits, exponent: see :mod:`outsourcing._limits`) with a clear error."""
    if isinstance(value, Fraction):
        if max(abs(value.numerator), value.denominator).bit_length() > 4 * MAX_DIGITS:
            raise MoneyError("a rate out of range", field=field, value=value,
                             code="money.rate.out_of_range", says="number.out_of_range",
                             params={"digits": MAX_DIGITS, "exponent": MAX_DIGITS})
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        exact_decimal(value, field=field, term=None, error=MoneyError, code="money.rate",
                      what="rate")
        return value
    return exact_decimal(value, field=field, term=None, error=MoneyError, code="money.rate",
                         what="rate")


def pct(rate: Decimal) -> str:
    """A rate as a percentage, without trailing zeros (``0.95`` → ``95%``)."""
    return f"{(rate * 100).normalize():f}%"


def fen_text(fen: int) -> str:
    """Whole fen as :class:`Money`'s plain text (``1234.56``, ``-12.30``), exact."""
    q, r = divmod(-fen if fen < 0 else fen, 100)
    return f"{'-' if fen < 0 else ''}{q}.{r:02d}"


@lru_cache(maxsize=1 << 14)
def format_fen(fen: int) -> str:
    """Whole fen as :meth:`Money.format` writes them (``¥1,234.56``, ``-¥1,234.56``), without
    building a Money; the recent amounts' text is kept (a statement repeats its amounts)."""
    if fen < 0:
        q, r = divmod(-fen, 100)
        return f"-¥{q:,}.{r:02d}"
    q, r = divmod(fen, 100)
    return f"¥{q:,}.{r:02d}"


class Money:
    """An exact amount of yuan (元), held as whole fen (分).

    >>> Money("1234.5").format()
    '¥1,234.50'
    >>> Money("100") * Decimal("0.333")
    Money('33.30')
    """

    __slots__ = ("_fen",)
    _fen: int

    def __init__(self, amount: str | int | Decimal | Money = 0, *, field: str = "amount") -> None:
        if isinstance(amount, Money):
            fen = amount._fen
        elif isinstance(amount, bool):
            raise MoneyError("a boolean is not money", field=field, value=amount, term=_TERM,
                             code="money.bool")
        elif isinstance(amount, float):
            raise MoneyError(
                "a float is refused for money: binary floats cannot hold fen exactly "
                "(0.1 + 0.2 != 0.3); pass a str such as '1234.56', an int of yuan or a Decimal",
                field=field,
                value=amount,
                term=_TERM,
                code="money.float",
            )
        elif isinstance(amount, FileNumber):
            raise MoneyError(
                "money in a file is a string such as \"1234.56\" (or a whole number of yuan), "
                "not a float or other unquoted decimal number", field=field, value=amount,
                term=_TERM, code="money.unquoted_in_file")
        elif isinstance(amount, int):
            if abs(amount) > MAX_YUAN:
                raise MoneyError(f"an amount over {MAX_YUAN:,} yuan is out of range",
                                 field=field, value=amount, term=_TERM,
                                 code="money.out_of_range")
            fen = amount * 100
        elif isinstance(amount, str | Decimal):
            fen = self._parse(amount, field)
        else:
            raise MoneyError(
                f"a {type(amount).__name__} is not money; pass str, int or Decimal",
                field=field,
                value=amount,
                term=_TERM,
                code="money.type",
                params={"kind": type(amount).__name__},
            )
        object.__setattr__(self, "_fen", fen)

    @staticmethod
    def _parse(amount: str | Decimal, field: str) -> int:
        """Whole fen from text or a Decimal, exactly: the digits and exponent are checked
        before any arithmetic, and the fen are computed on integers (no decimal context, so
        nothing is rounded)."""
        text: str | Decimal = amount
        if isinstance(amount, str):
            text = amount.strip().replace(",", "").removeprefix("¥").removeprefix("￥")
        d = exact_decimal(text, field=field, term=_TERM, error=MoneyError, code="money",
                          what="amount of yuan")
        sign, digits, exp = d.as_tuple()
        assert isinstance(exp, int)
        whole = int("".join(map(str, digits)) or "0")
        shift = exp + 2
        if shift >= 0:
            fen = whole * 10**shift
        else:
            fen, rest = divmod(whole, 10**-shift)
            if rest:
                raise MoneyError(
                    "money is to the fen (分): at most two decimal places; round it at a named "
                    "step with Money.round() if that is what you mean",
                    field=field, value=amount, term=_TERM, code="money.not_whole_fen")
        if fen > MAX_YUAN * 100:
            raise MoneyError(f"an amount over {MAX_YUAN:,} yuan is out of range", field=field,
                             value=amount, term=_TERM, code="money.out_of_range")
        result: int = -fen if sign else fen
        return result

    # construction -----------------------------------------------------------------------
    @classmethod
    def from_fen(cls, fen: SupportsIndex) -> Money:
        """Money from a whole number of fen, within the range money takes (at most
        :data:`~outsourcing._limits.MAX_YUAN` yuan either way): every sum, difference and
        product of money is built here, so no arithmetic leaves the range the type
        documents (and the 大写金额 writer can write every amount)."""
        f = int(fen)
        if not -_LIMIT_FEN <= f <= _LIMIT_FEN:
            raise MoneyError(f"the result {fen_text(f)[:40]} yuan is beyond {MAX_YUAN:,} yuan",
                             field="amount", value=fen_text(f), term=_TERM,
                             code="money.result_out_of_range", params={"limit": MAX_YUAN})
        m = cls.__new__(cls)
        object.__setattr__(m, "_fen", f)
        return m

    @classmethod
    def round(cls, yuan: Fraction | Decimal | int) -> Money:
        """Round an exact amount of yuan half-up (四舍五入) to the fen."""
        if isinstance(yuan, float):
            raise MoneyError("a float is refused for money", field="amount", value=yuan,
                             term=_TERM, code="money.float")
        return cls.from_fen(round_half_up(Fraction(yuan) * 100))

    @classmethod
    def sum(cls, amounts: Iterable[Money]) -> Money:
        """The sum of amounts; zero for none."""
        return cls.from_fen(sum(a._fen for a in amounts))

    # views -------------------------------------------------------------------------------
    @property
    def fen(self) -> int:
        """The amount as whole fen."""
        return self._fen

    @property
    def yuan(self) -> Decimal:
        """The amount as a Decimal of yuan with two places."""
        return Decimal(self._fen).scaleb(-2)

    def exact(self) -> Fraction:
        """The amount as an exact Fraction of yuan."""
        return Fraction(self._fen, 100)

    def __str__(self) -> str:
        return fen_text(self._fen)

    def __repr__(self) -> str:
        return f"Money('{self}')"

    def format(self) -> str:
        """``¥1,234.56`` (negative: ``-¥1,234.56``)."""
        return format_fen(self._fen)

    # arithmetic --------------------------------------------------------------------------
    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money.from_fen(self._fen + other._fen)

    def __radd__(self, other: object) -> Money:
        if other == 0:  # so that builtin sum() works
            return self
        return NotImplemented

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money.from_fen(self._fen - other._fen)

    def __neg__(self) -> Money:
        return Money.from_fen(-self._fen)

    def __abs__(self) -> Money:
        return Money.from_fen(abs(self._fen))

    def __mul__(self, rate: Rate) -> Money:
        """Multiply by an exact rate and round half-up to the fen (one rounding step)."""
        r = as_rate(rate)
        return Money.from_fen(round_half_up(self._fen * Fraction(r)))

    __rmul__ = __mul__

    def ratio(self, other: Money) -> Fraction:
        """This amount as an exact fraction of another (e.g. headroom used)."""
        if other._fen == 0:
            raise MoneyError("cannot take a ratio to zero", field="other", value=other,
                             term=_TERM, code="money.ratio_to_zero")
        return Fraction(self._fen, other._fen)

    # comparison --------------------------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        if isinstance(other, Money):
            return self._fen == other._fen
        return NotImplemented

    def __hash__(self) -> int:
        return hash(("Money", self._fen))

    def __lt__(self, other: Money) -> bool:
        return self._fen < other._fen

    def __le__(self, other: Money) -> bool:
        return self._fen <= other._fen

    def __gt__(self, other: Money) -> bool:
        return self._fen > other._fen

    def __ge__(self, other: Money) -> bool:
        return self._fen >= other._fen

    def __bool__(self) -> bool:
        return self._fen != 0

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Money is immutable")

    def __reduce__(self) -> tuple[object, tuple[int]]:
        return (Money.from_fen, (self._fen,))

    ZERO: Money


Money.ZERO = Money.from_fen(0)


UNIT_PRICE_PLACES = 4
"""A unit price (单价) is stated to at most four decimals of a yuan (万分之一元)."""

_UNITS = 10**UNIT_PRICE_PLACES


class UnitPrice:
    """A unit price finer than the fen (单价，至多四位小数): ``3.865`` 元/m²·月.

    A price per unit is not an amount paid: a contract may state it to four decimals, and the
    amount — the price × a quantity over a period — is rounded half-up to the fen once, at the
    step that makes it an amount.  Held as whole ten-thousandths of a yuan; compares with
    :class:`Money` by value.  A price in whole fen is :class:`Money` (see :func:`unit_price`).
    """

    __slots__ = ("_units",)
    _units: int

    def __init__(self, amount: str | int | Decimal, *, field: str = "unit_price",
                 term: str = "单价") -> None:
        if isinstance(amount, bool | float | FileNumber) or not isinstance(
                amount, str | int | Decimal):
            Money(amount, field=field)  # the same refusal as money (float, file number, type)
        text = amount.strip().replace(",", "").removeprefix("¥").removeprefix("￥") if (
            isinstance(amount, str)) else amount
        d = exact_decimal(text, field=field, term=term, error=MoneyError, code="money",
                          what="unit price")
        units = d * _UNITS
        if units != units.to_integral_value():
            raise MoneyError(
                f"a unit price has at most {UNIT_PRICE_PLACES} decimal places (万分之一元); the "
                "amount it makes is rounded to the fen", field=field, value=str(amount),
                term=term, code="money.unit_price_places",
                params={"places": UNIT_PRICE_PLACES})
        if abs(d) > MAX_YUAN:
            raise MoneyError(f"a unit price over {MAX_YUAN:,} yuan is out of range",
                             field=field, value=str(amount), term=term,
                             code="money.out_of_range")
        object.__setattr__(self, "_units", int(units))

    def exact(self) -> Fraction:
        """The price as an exact Fraction of yuan."""
        return Fraction(self._units, _UNITS)

    @property
    def yuan(self) -> Decimal:
        """The price as a Decimal of yuan (two to four places)."""
        d = Decimal(self._units).scaleb(-UNIT_PRICE_PLACES).normalize()
        return d if -d.as_tuple().exponent >= 2 else d.quantize(Decimal("0.01"))  # type: ignore[operator]

    def __str__(self) -> str:
        return f"{self.yuan:f}"

    def __repr__(self) -> str:
        return f"UnitPrice('{self}')"

    def format(self) -> str:
        """``¥3.865`` (thousands grouped like :meth:`Money.format`)."""
        y = self.yuan
        return f"{'-' if y < 0 else ''}¥{abs(y):,f}"

    def __mul__(self, rate: Rate) -> UnitPrice:
        """Multiply by an exact rate, half-up to the ten-thousandth of a yuan."""
        q = round_half_up(self._units * Fraction(as_rate(rate)))
        return UnitPrice.from_units(q)

    __rmul__ = __mul__

    @classmethod
    def from_units(cls, units: int) -> UnitPrice:
        u = cls.__new__(cls)
        object.__setattr__(u, "_units", int(units))
        return u

    def __eq__(self, other: object) -> bool:
        if isinstance(other, UnitPrice | Money):
            return self.exact() == other.exact()
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.exact())

    def __lt__(self, other: Money | UnitPrice) -> bool:
        return self.exact() < other.exact()

    def __le__(self, other: Money | UnitPrice) -> bool:
        return self.exact() <= other.exact()

    def __gt__(self, other: Money | UnitPrice) -> bool:
        return self.exact() > other.exact()

    def __ge__(self, other: Money | UnitPrice) -> bool:
        return self.exact() >= other.exact()

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("UnitPrice is immutable")

    def __reduce__(self) -> tuple[object, tuple[int]]:
        return (UnitPrice.from_units, (self._units,))


def unit_price(value: object, *, field: str, term: str = "单价") -> Money | UnitPrice:
    """A unit price as a contract states it: :class:`Money` when it is in whole fen (every
    price before four decimals were allowed reads exactly as before), else a
    :class:`UnitPrice` to at most four decimals; five decimals are refused, naming ``field``."""
    if isinstance(value, Money | UnitPrice):
        return value
    try:
        return Money(value, field=field)  # type: ignore[arg-type]
    except MoneyError as exc:
        if exc.code != "money.not_whole_fen":
            raise
    return UnitPrice(value, field=field, term=term)  # type: ignore[arg-type]


def allocate(total: Money, weights: Sequence[Rate | Money]) -> list[Money]:
    """Split ``total`` in proportion to ``weights`` so that the parts add back exactly.

    Largest-remainder method on whole fen: each part first gets the floor of its exact share,
    then the fen left over go one each to the parts with the largest remainders (earlier parts
    first on ties).  Every part is within one fen of its exact share.  Weights must be
    non-negative and not all zero.
    """
    if not isinstance(total, Money):
        raise MoneyError(f"the total to allocate is a {type(total).__name__}, not Money",
                         field="total", value=total, term=_TERM, code="money.allocate.total")
    if isinstance(weights, str | bytes) or not isinstance(weights, Sequence):
        raise MoneyError(f"weights are a list of rates, not a {type(weights).__name__}",
                         field="weights", value=weights, code="money.allocate.weights")
    if not weights:
        raise MoneyError("allocation needs at least one weight", field="weights", value=[],
                         code="money.allocate.no_weights")
    ws: list[Fraction] = []
    for i, w in enumerate(weights):
        f = w.exact() if isinstance(w, Money) else Fraction(as_rate(w, field=f"weights[{i}]"))
        if f < 0:
            raise MoneyError("a weight must not be negative", field=f"weights[{i}]", value=w,
                             code="money.allocate.negative_weight")
        ws.append(f)
    wsum = sum(ws, Fraction(0))
    if wsum == 0:
        raise MoneyError("weights must not all be zero", field="weights", value=list(weights),
                         code="money.allocate.all_zero")
    sign = -1 if total.fen < 0 else 1
    fen = abs(total.fen)
    exact = [fen * w / wsum for w in ws]
    floors = [int(e.__floor__()) for e in exact]
    left = fen - sum(floors)
    order = sorted(range(len(ws)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [Money.from_fen(sign * f) for f in floors]
