"""Plain JSON for every model (序列化).

Money and Decimal travel as strings (``"1234.56"``), dates in ISO form (``"2022-10-01"``),
enums by value, a pricing model as an object tagged with ``kind``.  Reading is strict:
an unknown key, a wrong type, a float where money is expected or a date that does not exist
is a :class:`~outsourcing.errors.SerializationError` listing the path of every bad field
(``$.lines[1].pricing.monthly_fee``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError
from cattrs.gen import make_dict_unstructure_fn, override
from cattrs.v import format_exception as _cattrs_format

from ._limits import MAX_FILE_BYTES, FileNumber, check_depth, exact_decimal
from .catalogue import KpiSpec
from .changes.kinds import ACTION_KINDS, Action
from .dates import Period, as_date
from .errors import OutsourcingError, SerializationError, _short
from .kpi_schedule import KpiSchedule
from .model import PRICING_KINDS, Pricing
from .money import Money, UnitPrice, unit_price
from .payment import (
    RATE_RULE_KINDS,
    Downgrade,
    IncidentDeductions,
    RateRule,
    ScoreAdjustments,
    SiteScore,
)
from .performance import Assessment
from .statement import (
    Statement,
)
from .statement.json import record_from_dict
from .statement.legacy import is_v1, statement_v1

__all__ = ["converter", "from_json", "structure", "to_json", "unstructure"]

T = TypeVar("T")

converter = cattrs.Converter(forbid_extra_keys=True)
"""The library's cattrs converter; adapters may register hooks for their own types."""


def _structure_money(v: Any, _: type) -> Money:
    """Money in a file is a string (``"1234.56"``) or a whole number of yuan; an unquoted
    decimal number (a JSON float, a TOML float) is refused everywhere alike."""
    if isinstance(v, Money):
        return v
    if isinstance(v, float | FileNumber):
        raise SerializationError("money must be a string such as \"1234.56\" (or a whole "
                                 "number of yuan), not a float or other unquoted decimal "
                                 "number", value=v, term="金额",
                                 code="serialization.money_not_string")
    return Money(v)


def _structure_unit_price(v: Any, _: type) -> Money | UnitPrice:
    """A unit price in a file: a string to at most four decimals (``"3.865"``), money when
    it is in whole fen; quoted like money."""
    if isinstance(v, Money | UnitPrice):
        return v
    _structure_money(v if isinstance(v, float | FileNumber) else 0, Money)
    return unit_price(v, field="$")


def _structure_decimal(v: Any, _: type) -> Decimal:
    return exact_decimal(v, field="$", term=None, error=SerializationError,
                         code="serialization.decimal", what="decimal number")


def _structure_date(v: Any, _: type) -> date:
    return as_date(v)


def _structure_str(v: Any, t: type) -> Any:
    if isinstance(t, type) and issubclass(t, Enum):
        return _enum_structurer(t)(v, t)
    if not isinstance(v, str):
        raise SerializationError(f"expected a string, got {type(v).__name__}", value=v,
            code="serialization.not_text", params={"kind": type(v).__name__})
    return v


def _structure_int(v: Any, _: type) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise SerializationError(f"expected a whole number, got {type(v).__name__}", value=v,
            code="serialization.not_whole", params={"kind": type(v).__name__})
    return v


def _structure_bool(v: Any, _: type) -> bool:
    if not isinstance(v, bool):
        raise SerializationError(f"expected true or false, got {type(v).__name__}", value=v,
            code="serialization.not_bool", params={"kind": type(v).__name__})
    return v


def _enum_structurer(cls: type[Enum]) -> Any:
    def structure_enum(v: Any, _: type) -> Enum:
        try:
            return cls(v)
        except ValueError:
            raise SerializationError(
                f"not a {cls.__name__}; one of {', '.join(str(m.value) for m in cls)}",
                value=v,
                code="serialization.enum_unknown",
                params={"known": ", ".join(str(m.value) for m in cls)}) from None
    return structure_enum


def _tagged_union(kinds: Mapping[str, type[Any]], needs: str, unknown: str,
                 term: str) -> Any:
    """A structure hook for a union of classes told apart by a ``kind`` key (计价方式,
    变更事项, 支付比例规则 …): the key picks the class, the rest of the table builds it."""

    def structure_tagged(v: Any, _: type) -> Any:
        if not isinstance(v, dict) or "kind" not in v or not isinstance(v["kind"], str):
            raise SerializationError(f"{needs} needs a 'kind', one of {', '.join(kinds)}",
                                     value=v, term=term,
                code="serialization.kind_missing",
                                     params={"known": ", ".join(kinds)})
        kind = v["kind"]
        if kind not in kinds:
            raise SerializationError(f"unknown {unknown}; known: {', '.join(kinds)}",
                                     value=kind, term=term,
                code="serialization.kind_unknown",
                                     params={"known": ", ".join(kinds)})
        body = {k: x for k, x in v.items() if k != "kind"}
        return converter.structure(body, kinds[kind])

    return structure_tagged


def _tagged_unstructurer(cls: type[Any], kind: str) -> Any:
    body = make_dict_unstructure_fn(cls, converter)

    def unstructure_tagged(p: Any) -> dict[str, Any]:
        return {"kind": kind, **body(p)}

    return unstructure_tagged


def _register_union(union: Any, kinds: Mapping[str, type[Any]], needs: str, unknown: str,
                    term: str) -> None:
    converter.register_structure_hook(union, _tagged_union(kinds, needs, unknown, term))
    for kind, cls in kinds.items():
        converter.register_unstructure_hook(cls, _tagged_unstructurer(cls, kind))


converter.register_structure_hook(Money, _structure_money)
converter.register_unstructure_hook(Money, str)
converter.register_structure_hook(Money | UnitPrice, _structure_unit_price)
converter.register_unstructure_hook(UnitPrice, str)
converter.register_structure_hook(Decimal, _structure_decimal)
converter.register_unstructure_hook(Decimal, str)
converter.register_structure_hook(date, _structure_date)
converter.register_unstructure_hook(date, lambda d: d.isoformat())
converter.register_structure_hook(str, _structure_str)  # str-based enums come here too
converter.register_structure_hook(int, _structure_int)
converter.register_structure_hook(bool, _structure_bool)
_register_union(Pricing, PRICING_KINDS, "pricing", "pricing kind", "计价方式")
_register_union(Action, ACTION_KINDS, "a change action", "change action", "变更事项")
_register_union(RateRule, RATE_RULE_KINDS, "a pay-rate rule", "pay-rate rule", "支付比例规则")
converter.register_unstructure_hook_func(
    lambda t: t is frozenset or getattr(t, "__origin__", None) is frozenset, sorted)


def _structure_period(v: Any, _: type) -> Any:
    if isinstance(v, Period):
        return v
    if not isinstance(v, str):
        raise SerializationError("a period is a string: 2022-10, 2022-Q4 or 2022", value=v,
                                 term="期间",
            code="serialization.period_not_text")
    return Period.parse(v)


def _structure_deductions(v: Any, _: type) -> Any:
    if not isinstance(v, dict) or not ({"amounts", "shares"} & set(v)):
        raise SerializationError("deductions are a table with amounts = { kind = \"500.00\" }"
                                 " and/or shares = { kind = { share = \"0.02\", of = "
                                 "\"period\" } }", value=v, term="扣款标准",
            code="serialization.deductions_shape")
    extra = set(v) - {"amounts", "shares", "rule_id", "citation"}
    if extra:
        raise SerializationError(f"unknown keys: {', '.join(sorted(extra))}", value=None,
                                 term="扣款标准",
            code="serialization.deductions_unknown_keys",
                                 params={"keys": ", ".join(sorted(extra))})
    amounts = v.get("amounts", {})
    shares = v.get("shares", {})
    if not isinstance(shares, dict) or not all(isinstance(x, dict) for x in shares.values()):
        raise SerializationError("shares is a table of incident kind → { share, of, line }",
                                 value=shares, term="按比例扣款",
            code="serialization.shares_shape")
    if not isinstance(amounts, dict):
        raise SerializationError("amounts is a table of incident kind → money", value=amounts,
                                 term="扣款标准",
            code="serialization.amounts_shape")
    for kind, amount in amounts.items():
        if not isinstance(amount, str | int) or isinstance(amount, bool):
            raise SerializationError(f"amounts.{kind}: money is a string such as \"500.00\"",
                                     value=amount, term="扣款标准",
                code="serialization.amount_not_text", params={"kind": kind})
    return IncidentDeductions({k: Money(a) for k, a in amounts.items()},
                              shares=shares,
                              **{k: _structure_str(v[k], str) for k in ("rule_id", "citation")
                                 if k in v})


def _plain(cls: type[Any], term: str) -> Any:
    """A table read by the class's own converters (mappings of kind → value stay tables)."""
    names = {a.name for a in attrs.fields(cls)}

    def structure_plain(v: Any, _: type) -> Any:
        if not isinstance(v, dict):
            raise SerializationError(f"{cls.__name__} is a table", value=v, term=term,
                code="serialization.table_expected", params={"cls": cls.__name__})
        extra = set(v) - names
        if extra:
            raise SerializationError(f"unknown keys: {', '.join(sorted(extra))}", value=None,
                                     term=term,
                code="serialization.unknown_keys",
                                     params={"keys": ", ".join(sorted(extra))})
        return cls(**v)
    return structure_plain


def _unplain(x: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for a in attrs.fields(type(x)):
        v = getattr(x, a.name)
        if a.name in ("points", "weights"):
            v = {k: str(d) for k, d in v}
        elif isinstance(v, tuple):
            v = list(v)
        elif v is not None and not isinstance(v, str | int):
            v = str(v)
        out[a.name] = v
    return out


def _register_settlement() -> None:
    """Periods as ``"2022-10"``; deductions as a table."""
    converter.register_structure_hook(Period, _structure_period)
    converter.register_unstructure_hook(Period, str)
    converter.register_structure_hook(IncidentDeductions, _structure_deductions)
    converter.register_unstructure_hook(
        IncidentDeductions, lambda d: {"amounts": {k: str(m) for k, m in d.amounts},
                                       **({"shares": {k: {"share": str(f.share), "of": f.of,
                                                          "line": f.line,
                                                          **({} if f.up_to is None else
                                                             {"up_to": str(f.up_to)})}
                                                      for k, f in d.shares}}
                                          if d.shares else {}),
                                       "rule_id": d.rule_id, "citation": d.citation})
    for cls, term in ((ScoreAdjustments, "加减分"), (SiteScore, "多点位考核"),
                      (Downgrade, "降档")):
        converter.register_structure_hook(cls, _plain(cls, term))
        converter.register_unstructure_hook(cls, _unplain)


_register_settlement()


def _register_schedules() -> None:
    """A KPI's schedule, rule and 不适用 flag, and an assessment's 不适用 marks, are written
    only when they say something: a contract or assessment without them reads and writes
    exactly as before they existed."""
    omit = override(omit_if_default=True)
    converter.register_unstructure_hook(KpiSchedule, make_dict_unstructure_fn(
        KpiSchedule, converter, months=omit, dates=omit))
    converter.register_unstructure_hook(KpiSpec, make_dict_unstructure_fn(
        KpiSpec, converter, schedule=omit, when_not_due=omit, allows_not_applicable=omit,
        measured_by=omit))
    converter.register_unstructure_hook(Assessment, make_dict_unstructure_fn(
        Assessment, converter, not_applicable=omit))


_register_schedules()


def _structure_statement(v: Any, _: type) -> Any:
    """A :class:`~outsourcing.statement.Statement` from its compact ``to_dict()`` form
    (:func:`~outsourcing.statement.record.record_from_dict`: every figure read back exactly,
    the computed ``amount_due`` checked); bind it to its terms to explain it.  The previous
    release's form (``statement/1``, every explanation stored) is read as issued
    (:mod:`outsourcing.statement.legacy`)."""
    if is_v1(v):
        return statement_v1(v)
    return Statement(record_from_dict(v))


def _register_statement() -> None:
    """A statement reads and writes its own JSON form (``Statement.to_dict``)."""
    converter.register_structure_hook(Statement, _structure_statement)
    converter.register_unstructure_hook(Statement, lambda st: st.to_dict())


_register_statement()


def _format(exc: BaseException, type_: Any) -> str:
    if isinstance(exc, OutsourcingError):
        return exc.reason + (f" — {exc.zh}" if exc.zh else "") + (
            f" (value {_short(exc.value)})" if exc.value is not None and exc.field is None
            else f" ({exc.field}={_short(exc.value)})" if exc.field else "")
    if isinstance(exc, ForbiddenExtraKeysError):
        return f"unknown keys: {', '.join(sorted(exc.extra_fields))}"
    if isinstance(exc, KeyError):
        return "required field missing"
    if isinstance(exc, AttributeError | TypeError) and "object has no attribute" in str(exc):
        return f"expected a table of fields ({_name(type_)}), got something else"
    return _cattrs_format(exc, type_)


def _name(cls: Any) -> str:
    """A class's name, or a union's text (``FixedMonthly | UnitRate | …``)."""
    return str(getattr(cls, "__name__", cls))


def structure(data: Any, cls: type[T], *, source: str = "$") -> T:
    """Build a model object from plain data; every bad field is named by its path."""
    if attrs.has(cls) and cls not in _SCALARS and not isinstance(data, Mapping):
        raise SerializationError(
            f"cannot read {_name(cls)}: expected an object (a table of fields), got "
            f"{_kind(data)}", field=source, value=data, code="serialization.not_object",
            params={"cls": _name(cls), "kind": _kind(data)})
    try:
        out = converter.structure(data, cls)
        check = getattr(out, "check_read", None)
        if callable(check):  # a document's own checks (a timeline's signing order)
            check()
        return out
    except (ClassValidationError, IterableValidationError) as exc:
        problems = cattrs.transform_error(exc, path=source, format_exception=_format)
        raise SerializationError(
            f"cannot read {_name(cls)}: " + "; ".join(problems),
            field=problems[0].rsplit(" @ ", 1)[-1] if problems else source,
            value=None,
            code="serialization.invalid", params={"cls": _name(cls)}) from None
    except OutsourcingError as exc:
        raise SerializationError(f"cannot read {_name(cls)}: {exc}", field=source,
                                 value=None,
            code="serialization.invalid_model", params={"cls": _name(cls)}, zh=exc.zh) from None
    except (TypeError, AttributeError, KeyError, IndexError, ValueError, ArithmeticError,
            RecursionError) as exc:  # a shape cattrs could not name: still the clear error
        raise SerializationError(f"cannot read {_name(cls)}: the data does not have its shape "
                                 f"({type(exc).__name__})", field=source, value=None,
                                 code="serialization.shape", params={"cls": _name(cls)}
                                 ) from None


_SCALARS: set[type[Any]] = {Period}
"""attrs classes read from a string, not a table."""


def _kind(data: Any) -> str:
    return {list: "an array", str: "a string", int: "a number", bool: "a boolean",
            type(None): "null"}.get(type(data), f"a {type(data).__name__}")


def unstructure(obj: Any) -> Any:
    """Plain data (dicts, lists, strings) for a model object."""
    return converter.unstructure(obj)


def to_json(obj: Any, *, indent: int | None = 2) -> str:
    """JSON text for a model object (UTF-8, Chinese kept readable)."""
    return json.dumps(unstructure(obj), ensure_ascii=False, indent=indent)


def from_json(text: str | bytes, cls: type[T]) -> T:
    """A model object from JSON text; floats are refused (parse_float keeps them exact).

    Limits (see :mod:`outsourcing._limits`): the text at most ``MAX_FILE_BYTES``, nesting at
    most ``MAX_DEPTH`` levels, checked before parsing; the top level must be an object when a
    model class is read."""
    if isinstance(text, bytes | bytearray):
        try:
            text = bytes(text).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise SerializationError("not JSON: the bytes are not UTF-8", field="$",
                                     value=None, code="serialization.encoding") from None
    if not isinstance(text, str):
        raise SerializationError(f"not JSON: a {type(text).__name__}", field="$", value=None,
                                 code="serialization.type")
    if len(text) > MAX_FILE_BYTES:
        raise SerializationError(f"JSON text longer than {MAX_FILE_BYTES} characters",
                                 field="$", value=None, code="serialization.too_large")
    check_depth(text)
    try:
        data = json.loads(text, parse_float=_refuse_float, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise SerializationError(f"not JSON: {exc}", field="$", value=None,
                                 code="serialization.not_json") from None
    except (RecursionError, ValueError) as exc:
        raise SerializationError(f"not JSON: {type(exc).__name__}", field="$", value=None,
                                 code="serialization.not_json") from None
    return structure(data, cls)


class _JsonFloat(float):
    """Marker for a float met in JSON, so that money refuses it by name."""


def _refuse_float(text: str) -> _JsonFloat:
    if len(text) > 1000:
        raise ValueError("number too long")
    return _JsonFloat(text)


def _refuse_constant(text: str) -> Any:
    raise ValueError(f"{text} is not a JSON number")
