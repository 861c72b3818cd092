"""How the API reads and writes the library's models (编解码): through
:mod:`outsourcing.serialize`, never a second set of models.

:class:`Lib` is a Litestar DTO over any attrs class of the library: a request body is parsed
with the library's limits (UTF-8, size, depth, no binary floats: money as a string) and
built with :func:`outsourcing.serialize.structure`, so every check the constructors make
runs and a bad field is a :class:`~outsourcing.errors.SerializationError` naming its path
(``$.lines[1].pricing.monthly_fee``); a response is the library's JSON form
(:func:`~outsourcing.serialize.unstructure`: money and periods as text).  The OpenAPI schema
of either is generated from the attrs class itself; :class:`ScalarSchemas` describes the
library's scalar types (money, unit prices, periods) as the strings they travel as.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Generator, Mapping
from decimal import Decimal
from typing import Any, Generic, TypeVar

from litestar.dto import AbstractDTO
from litestar.openapi.spec import OpenAPIType, Reference, Schema
from litestar.plugins import OpenAPISchemaPlugin
from litestar.typing import FieldDefinition

from ..._limits import MAX_FILE_BYTES, FileNumber, check_depth
from ...dates import Period
from ...errors import OutsourcingError, SerializationError
from ...money import Money, UnitPrice
from ...serialize import structure, unstructure

__all__ = ["READERS", "Lib", "ScalarSchemas", "parse_json", "plain"]

T = TypeVar("T")

READERS: dict[type[Any], Callable[[Any], Any]] = {}
"""A model read from its body by a reader of its own (its JSON form is not the attrs
class's fields, e.g. :class:`~outsourcing.terms.ContractTerms`); the others by
:func:`~outsourcing.serialize.structure`."""


def _no_constant(text: str) -> Any:
    raise ValueError(f"{text} is not a JSON number")


def parse_json(raw: bytes) -> Any:
    """A request body as plain data, read as every file the library reads: UTF-8, at most
    ``MAX_FILE_BYTES``, nested at most ``MAX_DEPTH`` levels, numbers exact (a decimal number
    is kept as :class:`~outsourcing._limits.FileNumber`, which money refuses by name)."""
    if len(raw) > MAX_FILE_BYTES:
        raise SerializationError(f"JSON text longer than {MAX_FILE_BYTES} bytes", field="$",
                                 value=None, code="serialization.too_large")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SerializationError("not JSON: the bytes are not UTF-8", field="$", value=None,
                                 code="serialization.encoding") from None
    check_depth(text)
    try:
        return json.loads(text, parse_float=FileNumber, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise SerializationError(f"not JSON: {exc}", field="$", value=None,
                                 code="serialization.not_json") from None
    except (RecursionError, ValueError, ArithmeticError) as exc:
        raise SerializationError(f"not JSON: {type(exc).__name__}", field="$", value=None,
                                 code="serialization.not_json") from None


def read(data: Any, cls: type[T]) -> T:
    """Plain data as a model of the library (its own reader, else ``structure``)."""
    reader = READERS.get(cls)
    if reader is not None:
        out: T = reader(data)
        return out
    return structure(data, cls)


def plain(obj: Any) -> Any:
    """The library's JSON form of a model, or of a list or mapping of them."""
    return unstructure(obj)


class Lib(AbstractDTO[T], Generic[T]):
    """The library's own JSON form for ``T`` (an attrs class of the library), as a Litestar
    DTO: ``dto=Lib[Change]`` reads a request body, ``return_dto=Lib[Statement]`` writes a
    response (also a list of them)."""

    @classmethod
    def generate_field_definitions(cls, model_type: type[Any]) -> Generator[Any, None, None]:
        yield from ()

    @classmethod
    def detect_nested_field(cls, field_definition: FieldDefinition) -> bool:
        return False

    @classmethod
    def create_for_field_definition(cls, field_definition: FieldDefinition, handler_id: str,
                                    backend_cls: Any = None) -> None:
        """Nothing to prepare: the library's converter does the work."""

    @classmethod
    def create_openapi_schema(cls, field_definition: FieldDefinition, handler_id: str,
                              schema_creator: Any) -> Reference | Schema:
        if not any(isinstance(p, ScalarSchemas) for p in schema_creator.plugins):
            # the library's scalars first: a period is an attrs class, but travels as text
            schema_creator.plugins = [ScalarSchemas(), *schema_creator.plugins]
        schema: Reference | Schema = schema_creator.for_field_definition(
            FieldDefinition.from_annotation(field_definition.annotation))
        return schema

    def decode_bytes(self, value: bytes) -> Any:
        return read(parse_json(value), self.model_type)

    def decode_builtins(self, value: Any) -> Any:
        return read(value, self.model_type)

    def data_to_encodable_type(self, data: Any) -> Any:
        return plain(data)



class ScalarSchemas(OpenAPISchemaPlugin):
    """The library's scalars in OpenAPI as the text they travel as."""

    SCHEMAS: Mapping[type[Any], Schema] = {
        Money: Schema(type=OpenAPIType.STRING, pattern=r"^-?\d+(\.\d{1,2})?$",
                      description="金额（元，精确到分），字符串，如 \"83410.00\"",
                      examples=["83410.00"]),
        UnitPrice: Schema(type=OpenAPIType.STRING, pattern=r"^\d+(\.\d{1,4})?$",
                          description="单价（元，至多四位小数），字符串，如 \"3.865\""),
        Period: Schema(type=OpenAPIType.STRING, pattern=r"^\d{4}(-(0[1-9]|1[0-2]|Q[1-4]))?$",
                       description="期间：月 2022-10、季度 2022-Q4 或年度 2022",
                       examples=["2022-10"]),
        Decimal: Schema(type=OpenAPIType.STRING, pattern=r"^-?\d+(\.\d+)?$",
                        description="精确小数，字符串"),
    }

    @staticmethod
    def is_plugin_supported_type(value: Any) -> bool:
        return isinstance(value, type) and value in ScalarSchemas.SCHEMAS

    def to_openapi_schema(self, field_definition: FieldDefinition, schema_creator: Any) -> Schema:
        return self.SCHEMAS[field_definition.annotation]


def refuse_shape(cls: str, exc: Exception) -> OutsourcingError:
    """A body that is not the model's shape, for a reader of its own."""
    return SerializationError(f"cannot read {cls}: the data does not have its shape "
                              f"({type(exc).__name__})", field="$", value=None,
                              code="serialization.shape", params={"cls": cls})
