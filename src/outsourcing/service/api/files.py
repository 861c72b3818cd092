"""Workbooks in and out of the API (工作簿上传与下载): an upload is written to a private
temporary file and read by the desk's own readers (the limits of
:mod:`outsourcing.desk.xlsx_open` apply: size, zip bombs, entities, cells); a download is
written by the desk's own writers and sent as an attachment."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from litestar.datastructures import UploadFile
from litestar.response import Response

from ...errors import OutsourcingError

__all__ = ["XLSX", "ApiError", "attachment", "uploaded", "written"]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ApiError(OutsourcingError):
    """A request the API refuses before the library sees it (接口请求有误): a missing upload,
    a path and a body that disagree, a cursor that is not one."""

    default_code = "api"


@contextmanager
def uploaded(upload: UploadFile | None, field: str = "file") -> Iterator[Path]:
    """The uploaded workbook as a file the desk's readers open; removed afterwards."""
    if upload is None or not isinstance(upload, UploadFile):
        raise ApiError("upload the workbook as the form field 'file'", field=field,
                       code="api.upload_missing", term="工作簿")
    data = upload.file.read()
    name = Path(upload.filename or "upload.xlsx").name[:120] or "upload.xlsx"
    with tempfile.TemporaryDirectory(prefix="outsourcing-upload-") as folder:
        path = Path(folder, "upload.xlsx")
        path.write_bytes(data)
        try:
            yield path
        except OutsourcingError as exc:
            _name_the_upload(exc, str(path), name)
            raise


def _name_the_upload(exc: OutsourcingError, path: str, name: str) -> None:
    """An error of the desk's readers names the file it read: name the upload instead of
    the server's temporary file."""
    for attr in ("field", "reason", "zh"):
        v = getattr(exc, attr)
        if isinstance(v, str) and path in v:
            setattr(exc, attr, v.replace(path, name))
    exc.args = tuple(a.replace(path, name) if isinstance(a, str) else a for a in exc.args)


def written(write: Callable[[Path], Any], name: str) -> bytes:
    """The bytes of a workbook a desk writer writes to a path."""
    with tempfile.TemporaryDirectory(prefix="outsourcing-download-") as folder:
        path = Path(folder, name)
        out = write(path)
        return Path(out if isinstance(out, Path | str) else path).read_bytes()


def attachment(content: bytes, filename: str, media_type: str = XLSX) -> Response[bytes]:
    """A download with its Chinese file name (RFC 6266 ``filename*``)."""
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_")
    return Response(content, media_type=media_type, headers={
        "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; "
                               f"filename*=UTF-8''{quote(filename)}"})
