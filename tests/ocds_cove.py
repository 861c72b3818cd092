"""libcoveocds (the Data Review Tool's library) run offline on a package.

The standard's zip is built from what the package ships and what its code makes: the
shipped release and release-package schemas, the record package schema written in
``ocds._schema``, the versioned release schema ``ocdsextensionregistry`` makes from the
standard's release schema (as the standard publishes it: no extension), the shipped
codelists, and for every other **closed** codelist a CSV generated from the release schema's
own ``enum``.  The standard's other **open** codelists are left out: libcoveocds checks codes
only against the codelists it has (docs/ocds.md).  The partyScale extension is served from
our own patch (``ocds.PARTY_SCALE_PATCH``) with its codelist generated the same way.  Every
request libcoveocds makes is answered from these; any other request fails the test, so
nothing goes to the network.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from importlib.resources import files
from typing import Any

import pytest
import requests
import urllib3

from outsourcing import ocds

SCHEMA = files("outsourcing.ocds") / "schema"
STANDARD = "https://standard.open-contracting.org/schema/1__1__5/"


def _csv(codes: tuple[str, ...]) -> str:
    return "".join(f"{c}\n" for c in ("Code", *codes))


@cache
def standard_files() -> dict[str, str]:
    """The standard's ``schema/`` folder as libcoveocds reads it: path → text."""
    core = ocds.standard_release_schema()
    out = {p.name: p.read_text("utf-8") for p in SCHEMA.iterdir() if p.name.endswith(".json")}
    out["record-package-schema.json"] = json.dumps(ocds.record_package_schema())
    out["versioned-release-validation-schema.json"] = json.dumps(
        ocds.versioned_release_schema(core))
    for name, codes in ocds.closed_codelists(core).items():
        out[f"codelists/{name}"] = _csv(codes)
    for p in (SCHEMA / "codelists").iterdir():
        out[f"codelists/{p.name}"] = p.read_text("utf-8")
    return out


def extension_files(name: str) -> dict[str, str]:
    """An extension as libcoveocds reads it (``extension.json``, ``release-schema.json``,
    ``codelists/``), made from our patch."""
    patch = {"partyScale": ocds.PARTY_SCALE_PATCH}[name]
    codelists = ocds.closed_codelists(patch)
    out = {
        "extension.json": json.dumps({
            "name": {"en": name}, "description": {"en": f"{name} (served by the tests)"},
            "documentationUrl": {"en": f"https://extensions.open-contracting.org/en/"
                                       f"extensions/{name}/"},
            "compatibility": ["1.1"], "codelists": sorted(codelists),
            "schemas": ["release-schema.json"]}),
        "release-schema.json": json.dumps(patch),
    }
    out.update({f"codelists/{n}": _csv(codes) for n, codes in codelists.items()})
    return out


def _zip(root: str, contents: Mapping[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(f"{root}/", "")
        for path in sorted(contents):
            z.writestr(f"{root}/{path}", contents[path])
    return buf.getvalue()


def standard_zip() -> bytes:
    return _zip("standard-1__1__5", {f"schema/{k}": v for k, v in standard_files().items()})


def _local(url: str) -> bytes | None:
    for name, ext in ocds.EXTENSIONS.items():
        repo = ext.split("/")[4]
        base = ext[: -len("extension.json")]
        if url.endswith(f"/{repo}/archive/master.zip"):
            return _zip(f"{repo}-master", extension_files(name))
        if url.startswith(base):
            text = extension_files(name).get(url[len(base):])
            return None if text is None else text.encode()
    if url.startswith(STANDARD):
        text = standard_files().get(url[len(STANDARD):])
        return None if text is None else text.encode()
    raise AssertionError(f"libcoveocds asked the network for {url}")


def _send(self: Any, request: requests.PreparedRequest, **_: Any) -> requests.Response:
    assert request.url is not None
    body = _local(request.url)
    r = requests.Response()
    r.url, r.request = request.url, request
    r.status_code = 404 if body is None else 200
    r._content = body or b""
    r.raw = urllib3.HTTPResponse(body=io.BytesIO(r._content), status=r.status_code,
                                 preload_content=False, request_url=request.url)
    return r


@contextmanager
def offline() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(requests.adapters.HTTPAdapter, "send", _send)
        yield


def cove(package: Mapping[str, Any]) -> dict[str, Any]:
    """libcoveocds's report on ``package`` (as its JSON reads back)."""
    from libcoveocds.api import ocds_json_output
    from libcoveocds.config import LibCoveOCDSConfig

    config = LibCoveOCDSConfig({"standard_zip": standard_zip(), "context": "api"})
    data = json.loads(ocds.dumps(package))
    with offline(), tempfile.TemporaryDirectory() as d:
        out: dict[str, Any] = ocds_json_output(d, json_data=data, lib_cove_ocds_config=config)
    return out


def assert_clean(report: Mapping[str, Any]) -> None:
    """0 errors; the only warnings are the ones docs/ocds.md explains."""
    assert report["validation_errors"] == []
    assert report["additional_closed_codelist_values"] == {}
    assert report["extensions"]["invalid_extension"] == {}
    # only the open codelists shipped (partyRole, milestoneType) are given to libcoveocds:
    # it checks no other open code (docs/ocds.md)
    assert report["additional_open_codelist_values"] == {}
    assert report["deprecated_fields"] == []
    assert not report["additional_checks"]
    # the versioned release is checked against the standard's versioned schema, which has
    # no partyScale: `scale` there is an additional field (docs/ocds.md)
    assert {(f["path"], f["field"]) for f in report["additional_fields"]} <= {
        ("/records/versionedRelease/parties/details/value", "scale")}
