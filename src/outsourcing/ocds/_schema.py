"""The OCDS 1.1.5 schema shipped in the package, the extensions used, and validation offline.

``schema/`` holds the standard's release, release-package and record-package schemas and
its codelists (with the standard's ``LICENSE``), and under ``schema/extensions/`` each
extension the export uses, as published by the Open Contracting Partnership (its
``extension.json``, ``release-schema.json``, codelists and ``LICENSE``).  The release schema
the data is checked against is the standard's patched by each extension (JSON Merge Patch,
as the standard's profile builder does); a record's versioned release is checked against
the versioned schema made from that patched schema by ``ocdsextensionregistry``.
"""

from __future__ import annotations

import copy
import csv
import json
from collections.abc import Iterator, Mapping
from functools import cache
from importlib.resources import files
from typing import Any

from ..errors import ModelError, SerializationError

__all__ = [
    "EXTENSIONS",
    "OCDS_VERSION",
    "RELEASE_SCHEMA_URL",
    "codelist",
    "release_schema",
    "validate",
    "validation_errors",
    "versioned_release_schema",
]

OCDS_VERSION = "1.1"
STANDARD_TAG = "1__1__5"
SCHEMA_BASE = f"https://standard.open-contracting.org/schema/{STANDARD_TAG}/"
RELEASE_SCHEMA_URL = SCHEMA_BASE + "release-schema.json"
VERSIONED_SCHEMA_URL = SCHEMA_BASE + "versioned-release-validation-schema.json"

EXTENSIONS: Mapping[str, str] = {
    "partyScale": "https://raw.githubusercontent.com/open-contracting-extensions/"
                  "ocds_partyDetails_scale_extension/master/extension.json",
}
"""The extensions the export uses: name (its folder under ``schema/extensions/``) → the URL
a package declares in ``extensions``.  partyScale gives ``parties/details/scale``."""

SCHEMA = files(__package__) / "schema"


def _json(path: Any) -> Any:
    return json.loads(path.read_text("utf-8"))


def _merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON Merge Patch, as the standard's profile builder applies an extension."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = dict(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = _merge_patch(out.get(k), v)
    return out


@cache
def _release_schema() -> str:
    schema = _json(SCHEMA / "release-schema.json")
    for name in EXTENSIONS:
        schema = _merge_patch(schema, _json(SCHEMA / "extensions" / name / "release-schema.json"))
    return json.dumps(schema)


def release_schema() -> dict[str, Any]:
    """The OCDS 1.1.5 release schema patched by every extension used (a fresh copy)."""
    data: dict[str, Any] = json.loads(_release_schema())
    return data


def versioned_release_schema() -> dict[str, Any]:
    """The versioned release schema for the patched release schema (what a record's
    ``versionedRelease`` is checked against), made by ``ocdsextensionregistry``."""
    from ocdsextensionregistry.versioned_release_schema import get_versioned_release_schema

    data: dict[str, Any] = get_versioned_release_schema(release_schema(), STANDARD_TAG)
    return data


@cache
def _validator(kind: str) -> Any:
    from jsonschema import Draft4Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    def res(contents: Any) -> Resource[Any]:
        return Resource.from_contents(contents, default_specification=DRAFT4)

    registry: Registry[Any] = Registry().with_resources([
        (RELEASE_SCHEMA_URL, res(release_schema()))])
    if kind == "record":
        registry = registry.with_resource(VERSIONED_SCHEMA_URL, res(versioned_release_schema()))
    package = _json(SCHEMA / f"{kind}-package-schema.json")
    return Draft4Validator(package, registry=registry,
                           format_checker=Draft4Validator.FORMAT_CHECKER)


def _floats(obj: Any, path: str = "") -> Iterator[str]:
    if isinstance(obj, float):
        yield path or "(package)"
    elif isinstance(obj, Mapping):
        for k, v in obj.items():
            yield from _floats(v, f"{path}/{k}" if path else str(k))
    elif isinstance(obj, list | tuple):
        for i, v in enumerate(obj):
            yield from _floats(v, f"{path}/{i}" if path else str(i))


def validation_errors(package: Mapping[str, Any]) -> list[str]:
    """Every way ``package`` (a release package, or a record package: one with ``records``)
    breaks the OCDS 1.1.5 schema with the extensions used, and every float amount (none:
    valid)."""
    kind = "record" if "records" in package else "release"
    found = [f"{p}: a float, not an exact amount" for p in _floats(package)]
    found += [f"{'/'.join(str(p) for p in e.absolute_path) or '(package)'}: {e.message}"
              for e in sorted(_validator(kind).iter_errors(package),
                              key=lambda e: list(map(str, e.absolute_path)))]
    return found


def validate(package: Mapping[str, Any]) -> None:
    """Raise :class:`~outsourcing.errors.SerializationError` when ``package`` is not a valid
    OCDS 1.1.5 release or record package (checked offline against the shipped schema and
    extensions), or carries a float amount."""
    errors = validation_errors(package)
    if not errors:
        return
    floats = [e for e in errors if e.endswith("a float, not an exact amount")]
    if floats:
        raise SerializationError(
            f"a float in a package; amounts are exact: {'; '.join(floats[:5])}",
            field="amount", value=floats[0].split(":")[0], code="ocds.float",
            term="开放合同数据标准", zh="发布包中不得出现浮点数金额")
    raise SerializationError(
        f"not a valid OCDS 1.1.5 package: {'; '.join(errors[:5])}"
        + (f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""),
        field="package", value=len(errors), citation="Open Contracting Data Standard 1.1.5",
        term="开放合同数据标准", code="ocds.invalid",
        zh=f"不符合 OCDS 1.1.5 模式（{len(errors)} 处）")


@cache
def codelist(name: str) -> frozenset[str]:
    """The codes of a codelist shipped with the schema or an extension (``contractStatus``,
    ``partyScale``…)."""
    paths = [SCHEMA / "codelists" / f"{name}.csv"] + [
        SCHEMA / "extensions" / ext / "codelists" / f"{name}.csv" for ext in EXTENSIONS]
    for path in paths:
        if path.is_file():
            rows = csv.DictReader(path.read_text("utf-8").splitlines())
            return frozenset(r["Code"] for r in rows)
    raise ModelError("no such codelist", field="codelist", value=name, term="代码表",
                     code="ocds.unknown_codelist", zh=f"没有代码表 {name}")
