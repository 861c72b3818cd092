"""The OCDS 1.1.5 schema: what ships in the package, what is written here, validation offline.

``schema/`` ships, unchanged, the standard's ``release-schema.json`` and
``release-package-schema.json``, five of its codelists (``contractStatus``,
``milestoneStatus``, ``milestoneType``, ``partyRole``, ``releaseTag``) and its ``LICENSE``
(© Open Contracting Partnership, Apache License 2.0).  Everything else is code here:

- the **partyScale extension's patch** (:data:`PARTY_SCALE_PATCH`: ``scale`` on
  ``OrganizationDetails`` with its closed codelist ``partyScale.csv``), written from the
  extension's documentation; the release schema the data is checked against is the
  standard's patched by it (JSON Merge Patch, as the standard's profile builder does);
- the **record package schema** (:func:`record_package_schema`), written from the
  standard's documented record-package structure;
- the **versioned release schema** a record's ``versionedRelease`` is checked against, made
  from the patched release schema by ``ocdsextensionregistry``;
- the codes of every **closed codelist** (:func:`closed_codelists`), read from the schema's
  own ``enum``s (the standard lists a closed codelist's codes there too).
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
    "PARTY_SCALE",
    "PARTY_SCALE_PATCH",
    "RELEASE_SCHEMA_URL",
    "closed_codelists",
    "codelist",
    "record_package_schema",
    "release_schema",
    "standard_release_schema",
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
"""The extensions the export uses: name → the URL a package declares in ``extensions``.
partyScale gives ``parties/details/scale``; its patch is :data:`PARTY_SCALE_PATCH`."""

PARTY_SCALE = ("micro", "sme", "small", "medium", "large")
"""The codes of the partyScale extension's closed codelist ``partyScale.csv``: micro, small
or medium enterprise (sme), small, medium, large — by the definitions the buyer uses (for
China, 工信部联企业〔2011〕300号)."""

PARTY_SCALE_PATCH: Mapping[str, Any] = {
    "definitions": {"Organization": {"properties": {"details": {"properties": {"scale": {
        "title": "Scale",
        "description": "The scale of the organization (micro, SME, small, medium or large), "
                       "by the definitions used by the buyer or procuring entity.",
        "type": ["string", "null"],
        "codelist": "partyScale.csv",
        "openCodelist": False,
        "enum": [*PARTY_SCALE, None],
    }}}}}},
}
"""The partyScale extension's JSON Merge Patch to the release schema, written here from the
extension's documentation (https://extensions.open-contracting.org/en/extensions/partyScale/):
it adds ``scale`` to ``Organization.details`` (``OrganizationDetails``), a string from the
closed codelist ``partyScale.csv``."""

_PATCHES: Mapping[str, Mapping[str, Any]] = {"partyScale": PARTY_SCALE_PATCH}

SCHEMA = files(__package__) / "schema"


def _json(path: Any) -> Any:
    return json.loads(path.read_text("utf-8"))


def _merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON Merge Patch, as the standard's profile builder applies an extension."""
    if not isinstance(patch, Mapping):
        return copy.deepcopy(patch)
    out = dict(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = _merge_patch(out.get(k), v)
    return out


def standard_release_schema() -> dict[str, Any]:
    """The standard's OCDS 1.1.5 release schema as shipped, without extensions (a fresh copy)."""
    data: dict[str, Any] = _json(SCHEMA / "release-schema.json")
    return data


@cache
def _release_schema() -> str:
    schema = standard_release_schema()
    for name in EXTENSIONS:
        schema = _merge_patch(schema, _PATCHES[name])
    return json.dumps(schema)


def release_schema() -> dict[str, Any]:
    """The OCDS 1.1.5 release schema patched by every extension used (a fresh copy)."""
    data: dict[str, Any] = json.loads(_release_schema())
    return data


def versioned_release_schema(schema: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The versioned release schema for ``schema`` (the patched release schema by default:
    what a record's ``versionedRelease`` is checked against), made by
    ``ocdsextensionregistry``."""
    from ocdsextensionregistry.versioned_release_schema import get_versioned_release_schema

    source = release_schema() if schema is None else copy.deepcopy(dict(schema))
    data: dict[str, Any] = get_versioned_release_schema(source, STANDARD_TAG)
    return data


def record_package_schema() -> dict[str, Any]:
    """The OCDS 1.1.5 record package schema, written here from the standard's documented
    record-package structure (the reference's "Record package" and "Record" pages).

    A record package carries the release package's metadata — ``uri``, ``version``,
    ``extensions``, ``publisher``, ``license``, ``publicationPolicy``, ``publishedDate``,
    taken from the shipped ``release-package-schema.json`` — with ``packages`` (the URIs of
    the release packages used, optional) and ``records`` in place of ``releases``.  A record
    has its ``ocid``, its ``releases`` — either linked (``url``, ``date`` and ``tag``, from
    the release schema's ``tag``) or embedded (whole releases) — and optionally the
    ``compiledRelease`` (a release) and the ``versionedRelease`` (checked against the
    versioned release schema)."""
    release_package = _json(SCHEMA / "release-package-schema.json")
    meta = {k: v for k, v in release_package["properties"].items() if k != "releases"}
    tag = standard_release_schema()["properties"]["tag"]
    release = {"$ref": RELEASE_SCHEMA_URL}
    linked = {
        "title": "Linked releases",
        "description": "The releases of the contracting process, each identified by its URL "
                       "(the package's URL with the release id as fragment), oldest first.",
        "type": "array",
        "minItems": 1,
        "items": {
            "type": "object",
            "properties": {
                "url": {"title": "Release URL", "type": ["string", "null"], "format": "uri"},
                "date": {"title": "Release date", "type": "string", "format": "date-time"},
                "tag": {k: v for k, v in tag.items() if k not in ("title", "description")},
            },
            "required": ["url", "date"],
        },
    }
    embedded = {"title": "Embedded releases",
                "description": "The releases of the contracting process, whole, oldest first.",
                "type": "array", "minItems": 1, "items": release}
    return {
        "$schema": release_package["$schema"],
        "title": "OCDS record package (written from the standard's documentation)",
        "description": "Records, one per contracting process, with publishing metadata.",
        "type": "object",
        "properties": {
            **meta,
            "packages": {"title": "Packages",
                         "description": "The URIs of the release packages the records use.",
                         "type": "array", "minItems": 1, "uniqueItems": True,
                         "items": {"type": "string", "format": "uri"}},
            "records": {"title": "Records", "type": "array", "minItems": 1,
                        "uniqueItems": True, "items": {"$ref": "#/definitions/record"}},
        },
        "required": ["uri", "publisher", "publishedDate", "records", "version"],
        "definitions": {"record": {
            "title": "Record",
            "description": "Every release of one contracting process, and optionally its "
                           "compiled and versioned releases.",
            "type": "object",
            "properties": {
                "ocid": {"title": "Open Contracting ID", "type": "string"},
                "releases": {"title": "Releases", "oneOf": [linked, embedded]},
                "compiledRelease": release,
                "versionedRelease": {"$ref": VERSIONED_SCHEMA_URL},
            },
            "required": ["ocid", "releases"],
        }},
    }


def closed_codelists(schema: Mapping[str, Any] | None = None) -> dict[str, tuple[str, ...]]:
    """Every closed codelist of ``schema`` (the patched release schema by default) and its
    codes: file name (``currency.csv``) → the codes of the field's ``enum``, in order.  The
    standard lists a closed codelist's codes as the ``enum`` of each field using it."""
    found: dict[str, tuple[str, ...]] = {}

    def walk(node: Any) -> None:
        if isinstance(node, Mapping):
            if "codelist" in node and not node.get("openCodelist", False):
                enum = node.get("enum", node.get("items", {}).get("enum"))
                if enum is not None:
                    codes = tuple(c for c in enum if c is not None)
                    found[node["codelist"]] = tuple(dict.fromkeys(
                        found.get(node["codelist"], ()) + codes))
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(release_schema() if schema is None else schema)
    return found


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
    package = (record_package_schema() if kind == "record"
               else _json(SCHEMA / "release-package-schema.json"))
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
            term="开放合同数据标准")
    raise SerializationError(
        f"not a valid OCDS 1.1.5 package: {'; '.join(errors[:5])}"
        + (f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""),
        field="package", value=len(errors), citation="Open Contracting Data Standard 1.1.5",
        term="开放合同数据标准", code="ocds.invalid")


@cache
def codelist(name: str) -> frozenset[str]:
    """The codes of a codelist (``contractStatus``, ``partyScale``…): a codelist shipped in
    ``schema/codelists/``, else a closed codelist of the patched release schema (its
    ``enum``).  The standard's other open codelists do not ship: asking for one is an
    error."""
    path = SCHEMA / "codelists" / f"{name}.csv"
    if path.is_file():
        rows = csv.DictReader(path.read_text("utf-8").splitlines())
        return frozenset(r["Code"] for r in rows)
    closed = closed_codelists().get(f"{name}.csv")
    if closed is not None:
        return frozenset(closed)
    raise ModelError("no such codelist shipped or closed in the schema", field="codelist",
                     value=name, term="代码表", code="ocds.unknown_codelist")
