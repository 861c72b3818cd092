"""The desk's static files (样式与字体): the stylesheet from the package, and the Chinese
font the library bundles (:mod:`outsourcing.desk.fonts`) — the characters of GB 2312 as a
small WOFF made once per process, and the whole font for a rarer character.  Nothing is
fetched from the internet; browsers keep both for a day."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from litestar import Response, get
from litestar.static_files import create_static_files_router
from litestar.types import ControllerRouterHandler

from ...desk.fonts import cjk_font_path

__all__ = ["common_font", "font_handlers", "static_router"]

STATIC = Path(__file__).resolve().parents[1] / "static"
CACHE = {"Cache-Control": "public, max-age=86400"}
EXTRA = "¥，。：；（）【】、—·…“”‘’《》！？％＋－×÷≤≥→✓①②③④⑤"


def _common_codepoints() -> list[int]:
    out = []
    for cp in range(0x20, 0x10000):
        c = chr(cp)
        try:
            c.encode("gb2312")
        except UnicodeEncodeError:
            continue
        out.append(cp)
    return sorted(set(out) | {ord(c) for c in EXTRA})


@lru_cache(maxsize=1)
def common_font() -> bytes:
    """The bundled font cut to ASCII and the characters of GB 2312, as WOFF (about 1.5 MB;
    a few seconds once per process)."""
    from fontTools import subset

    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.flavor = "woff"
    font = subset.load_font(io.BytesIO(_full_font()), options)
    cutter = subset.Subsetter(options)
    cutter.populate(unicodes=_common_codepoints())
    cutter.subset(font)
    out = io.BytesIO()
    subset.save_font(font, out, options)
    return out.getvalue()


@get("/static/fonts/desk-common.woff", sync_to_thread=True, include_in_schema=False)
def common_font_file() -> Response[bytes]:
    return Response(common_font(), media_type="font/woff", headers=CACHE)


@get("/static/fonts/desk-full.otf", sync_to_thread=True, include_in_schema=False)
def full_font_file() -> Response[bytes]:
    return Response(_full_font(), media_type="font/otf", headers=CACHE)


@lru_cache(maxsize=1)
def _full_font() -> bytes:
    return cjk_font_path().read_bytes()


def font_handlers() -> list[ControllerRouterHandler]:
    return [common_font_file, full_font_file]


def static_router() -> ControllerRouterHandler:
    """``/static/…``: the stylesheet (the package's ``static`` folder)."""
    return create_static_files_router(path="/static", directories=[STATIC],
                                      include_in_schema=False,
                                      cache_control=None, name="desk-static")
