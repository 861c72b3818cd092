"""Release packages and record packages, and the JSON they are written as.

Records are compiled with the standard's own merge rules by ``ocdsmerge`` (the Open
Contracting Partnership's reference implementation), from the patched release schema, so a
compiled release reads as OCDS tools read it; each record carries its releases, the
compiled release and the versioned release (the history of every field).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from functools import cache
from typing import Any

from ..errors import ModelError, SerializationError
from ._parts import CHINA
from ._schema import EXTENSIONS, OCDS_VERSION, release_schema

__all__ = ["dumps", "loads", "package", "record_package", "records"]


def _published(published: datetime | None) -> str:
    if published is None:
        return datetime.now(CHINA).replace(microsecond=0).isoformat()
    if not isinstance(published, datetime) or published.tzinfo is None:
        raise ModelError("the time of publication is a datetime with its time zone",
                         field="published", value=repr(published), term="发布时间",
                         code="ocds.published")
    return published.isoformat()


def _meta(*, publisher: str, uri: str, published: datetime | None, license: str | None,
          publication_policy: str | None) -> dict[str, Any]:
    if not publisher.strip():
        raise ModelError("a package names its publisher", field="publisher", value=publisher,
                         term="发布机构", code="ocds.publisher")
    out: dict[str, Any] = {"uri": uri, "version": OCDS_VERSION,
                           "extensions": list(EXTENSIONS.values()),
                           "publishedDate": _published(published),
                           "publisher": {"name": publisher}}
    if license is not None:
        out["license"] = license
    if publication_policy is not None:
        out["publicationPolicy"] = publication_policy
    return out


def package(
    releases: Sequence[Mapping[str, Any]],
    *,
    publisher: str,
    uri: str,
    published: datetime | None = None,
    license: str | None = None,
    publication_policy: str | None = None,
) -> dict[str, Any]:
    """A release package: ``releases`` with the package's metadata.

    ``published`` is the time of publication (now, in China time, by default); ``license``
    and ``publication_policy`` are URLs the publisher sets; the extensions used are declared.
    """
    return {**_meta(publisher=publisher, uri=uri, published=published, license=license,
                    publication_policy=publication_policy), "releases": list(releases)}


@cache
def _merger() -> Any:
    import ocdsmerge
    from ocdsmerge.rules import get_merge_rules

    rules = get_merge_rules(release_schema())
    # the standard's versioned release schema versions an object that may be null
    # (``Organization.details``) as a whole; ocdsmerge would version its fields one by one,
    # which that schema refuses: merge it whole, as the schema reads it
    rules[("parties", "details")] = "wholeListMerge"
    return ocdsmerge.Merger(merge_rules=rules)


def records(releases: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One record per contracting process (``ocid``): its releases, the compiled release
    and the versioned release, merged by ``ocdsmerge`` with the standard's rules."""
    by_ocid: dict[str, list[dict[str, Any]]] = {}
    for r in releases:
        by_ocid.setdefault(r["ocid"], []).append(dict(r))
    merger = _merger()
    out = []
    for oc, rs in by_ocid.items():
        out.append({"ocid": oc, "releases": rs,
                    "compiledRelease": merger.create_compiled_release(rs),
                    "versionedRelease": merger.create_versioned_release(rs)})
    return out


def record_package(
    releases: Iterable[Mapping[str, Any]],
    *,
    publisher: str,
    uri: str,
    published: datetime | None = None,
    license: str | None = None,
    publication_policy: str | None = None,
) -> dict[str, Any]:
    """A record package of :func:`records` with the package's metadata (see :func:`package`)."""
    return {**_meta(publisher=publisher, uri=uri, published=published, license=license,
                    publication_policy=publication_policy), "records": records(releases)}


def _encode(obj: Any, out: list[str]) -> None:
    if isinstance(obj, Decimal):
        if not obj.is_finite():
            raise SerializationError("not a finite number", field="amount", value=str(obj),
                                     code="ocds.not_finite")
        out.append(format(obj, "f"))
    elif isinstance(obj, Mapping):
        out.append("{")
        for i, (k, v) in enumerate(obj.items()):
            out.append(("," if i else "") + json.dumps(str(k), ensure_ascii=False) + ":")
            _encode(v, out)
        out.append("}")
    elif isinstance(obj, list | tuple):
        out.append("[")
        for i, v in enumerate(obj):
            if i:
                out.append(",")
            _encode(v, out)
        out.append("]")
    elif isinstance(obj, float):
        raise SerializationError("a float in a package; amounts are exact",
                                 field="amount", value=obj, code="ocds.float")
    else:
        out.append(json.dumps(obj, ensure_ascii=False))


def dumps(package: Mapping[str, Any]) -> str:
    """The package as JSON text: Chinese kept as it is, every amount an exact number."""
    out: list[str] = []
    _encode(package, out)
    return "".join(out)


def loads(text: str) -> dict[str, Any]:
    """A package read back from JSON, numbers as exact decimals."""
    data: dict[str, Any] = json.loads(text, parse_float=Decimal)
    return data
