"""The Chinese font the desk draws with (中文字体).

Charts and printable pages must show Chinese on a fresh machine, where no CJK system font may
be installed.  The font comes from PyPI with the library: ``pylopdf-fonts-zh-cn`` ships Noto
Sans SC (思源黑体, SIL Open Font License 1.1) as a plain OpenType file.  :func:`cjk_font_path`
finds it; :func:`use_in_matplotlib` registers it with matplotlib's font manager;
:func:`font_face_css` embeds the glyphs a page uses (a subset made with fontTools) so a
printable statement is one self-contained file that prints the same anywhere.
"""

from __future__ import annotations

import base64
import io
from functools import lru_cache
from pathlib import Path

from ..errors import OutsourcingError

__all__ = ["FONT_FAMILY", "cjk_font_path", "font_face_css", "use_in_matplotlib"]

FONT_FAMILY = "Noto Sans SC"


@lru_cache(maxsize=1)
def cjk_font_path() -> Path:
    """The path of the bundled Noto Sans SC font file."""
    try:
        import pylopdf_fonts_zh_cn
    except ImportError:  # pragma: no cover - a dependency of the library
        raise OutsourcingError(
            "the Chinese font package pylopdf-fonts-zh-cn is not installed",
            code="desk.font_missing",
            term="中文字体") from None
    path = Path(pylopdf_fonts_zh_cn.sans_path())
    if not path.is_file():  # pragma: no cover
        raise OutsourcingError("the Chinese font file is missing", field="font",
                               value=str(path), code="desk.font_file_missing", term="中文字体")
    return path


@lru_cache(maxsize=1)
def use_in_matplotlib() -> str:
    """Register the font with matplotlib and make it the default; returns its family name."""
    from matplotlib import font_manager, rcParams

    path = cjk_font_path()
    font_manager.fontManager.addfont(str(path))
    name = font_manager.FontProperties(fname=str(path)).get_name()
    rcParams["font.family"] = "sans-serif"
    rcParams["font.sans-serif"] = [name, *rcParams["font.sans-serif"]]
    rcParams["axes.unicode_minus"] = False
    return name


@lru_cache(maxsize=1)
def _font_bytes() -> bytes:
    return cjk_font_path().read_bytes()


def font_face_css(text: str) -> str:
    """An ``@font-face`` rule embedding the glyphs of ``text`` (and ASCII) as a data URI."""
    from fontTools import subset

    chars = set(text) | {chr(c) for c in range(0x20, 0x7F)} | set("¥，。：；（）【】、—·…")
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = subset.load_font(io.BytesIO(_font_bytes()), options)
    sub = subset.Subsetter(options)
    sub.populate(unicodes=sorted(ord(c) for c in chars))
    sub.subset(font)
    out = io.BytesIO()
    font.save(out)
    data = base64.b64encode(out.getvalue()).decode("ascii")
    return (f"@font-face {{ font-family: '{FONT_FAMILY} Embedded'; "
            f"src: url(data:font/otf;base64,{data}) format('opentype'); }}")
