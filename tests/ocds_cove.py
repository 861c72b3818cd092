"""libcoveocds (the Data Review Tool's library) run offline on a package.

The standard's zip is built from the schema and codelists shipped in the package, and every
request libcoveocds makes is answered from the package's own files (the extensions' files,
the standard's schemas); any other request fails the test, so nothing goes to the network.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from importlib.resources import files
from typing import Any

import pytest
import requests
import urllib3

from outsourcing import ocds

SCHEMA = files("outsourcing.ocds") / "schema"
STANDARD = "https://standard.open-contracting.org/schema/1__1__5/"


def standard_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("standard-1__1__5/", "")
        for p in sorted(SCHEMA.iterdir(), key=lambda p: p.name):
            if p.name.endswith(".json"):
                z.writestr(f"standard-1__1__5/schema/{p.name}", p.read_text("utf-8"))
        for p in sorted((SCHEMA / "codelists").iterdir(), key=lambda p: p.name):
            z.writestr(f"standard-1__1__5/schema/codelists/{p.name}", p.read_text("utf-8"))
    return buf.getvalue()


def _extension_zip(name: str, root: str) -> bytes:
    buf = io.BytesIO()
    base = SCHEMA / "extensions" / name
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(f"{root}/", "")

        def add(d: Any, prefix: str) -> None:
            for p in sorted(d.iterdir(), key=lambda p: p.name):
                if p.is_dir():
                    add(p, f"{prefix}{p.name}/")
                else:
                    z.writestr(f"{root}/{prefix}{p.name}", p.read_bytes())
        add(base, "")
    return buf.getvalue()


def _local(url: str) -> bytes | None:
    for name, ext in ocds.EXTENSIONS.items():
        repo = ext.split("/")[4]
        base = ext[: -len("extension.json")]
        if url.endswith(f"/{repo}/archive/master.zip"):
            return _extension_zip(name, f"{repo}-master")
        if url.startswith(base):
            p = SCHEMA / "extensions" / name / url[len(base):]
            return p.read_bytes() if p.is_file() else None
    if url.startswith(STANDARD):
        p = SCHEMA / url[len(STANDARD):]
        return p.read_bytes() if p.is_file() else None
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


EXPLAINED_OPEN_CODES = {ocds.ITEM_SCHEME}
"""Codes of open codelists the export uses that are not in the standard's list (docs/ocds.md
explains each): the 政府采购品目分类目录 as an itemClassificationScheme."""


def assert_clean(report: Mapping[str, Any]) -> None:
    """0 errors; the only warnings are the ones docs/ocds.md explains."""
    assert report["validation_errors"] == []
    assert report["additional_closed_codelist_values"] == {}
    assert report["extensions"]["invalid_extension"] == {}
    assert {v for x in report["additional_open_codelist_values"].values()
            for v in x["values"]} <= EXPLAINED_OPEN_CODES
    assert report["deprecated_fields"] == []
    assert not report["additional_checks"]
    # the versioned release is checked against the standard's versioned schema, which has
    # no partyScale: `scale` there is an additional field (docs/ocds.md)
    assert {(f["path"], f["field"]) for f in report["additional_fields"]} <= {
        ("/records/versionedRelease/parties/details/value", "scale")}
