"""Writing the desk's files: a path that cannot be written is an input error, not a traceback.

Every file the desk writes — a workbook, a printable page, a chart, the folder it goes in —
is written inside :func:`writing`, which turns the operating system's refusal
(:class:`OSError`: a missing or non-folder parent, no permission, a full disk) into an
:class:`~outsourcing.errors.OutsourcingError` with the stable code ``desk.file_unwritable``
and a Chinese message naming the path, so the CLI prints it and exits 2.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import OutsourcingError

__all__ = ["writing"]

_REASON_ZH = {
    errno.ENOENT: "所在文件夹不存在",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.EACCES: "没有写入权限",
    errno.EPERM: "没有写入权限",
    errno.EROFS: "磁盘为只读",
    errno.ENOSPC: "磁盘空间不足",
    errno.EISDIR: "该路径是一个文件夹",
    errno.EEXIST: "该路径已是一个文件，不能作为文件夹",
}


@contextmanager
def writing(path: str | Path, term: str) -> Iterator[Path]:
    """Run the block that writes ``path`` (a file or a folder, called ``term`` in Chinese);
    an :class:`OSError` in it becomes ``desk.file_unwritable`` naming the path."""
    out = Path(path)
    try:
        yield out
    except OSError as exc:
        why = _REASON_ZH.get(exc.errno or 0, "系统拒绝写入")
        raise OutsourcingError(
            f"cannot write {out}: {exc.strerror or exc}", field="file", value=str(out),
            code="desk.file_unwritable", params={"path": out, "why": why}, term=term) from None
