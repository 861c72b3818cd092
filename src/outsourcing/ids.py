"""Identifiers people type (编号): one check for every id the registry keeps.

An id is stored NFC-normalised; one with a control or invisible character (a zero-width
space, a direction mark, a byte-order mark, a soft hyphen…) is refused, because it would look
the same as another in every listing.  :func:`lookalike_key` is what two ids must not share:
their NFC form case-folded (``Sun`` and ``sun``, ``ｓｕｎ`` and ``sun`` after NFKC are one
person to a reader).
"""

from __future__ import annotations

import unicodedata

from .errors import ModelError, OutsourcingError

__all__ = ["MAX_ID_LENGTH", "check_id", "lookalike_key"]

MAX_ID_LENGTH = 120
"""The registry's id columns hold 120 characters."""

_INVISIBLE = frozenset("\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u3164\ufeff\uffa0")


def _invisible(ch: str) -> bool:
    cat = unicodedata.category(ch)
    return (cat in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp") or ch in _INVISIBLE
            or (cat == "Zs" and ch != " ") or "\u2060" <= ch <= "\u206f")


def check_id(value: object, *, field: str, term: str, code: str = "id.invalid",
             error: type[OutsourcingError] = ModelError) -> str:
    """The id in NFC; a clear error (naming ``field`` and the Chinese ``term``) for one that
    is not text, is blank, is longer than :data:`MAX_ID_LENGTH`, has spaces at its ends, or
    holds a control or invisible character."""
    if not isinstance(value, str) or not value.strip():
        raise error("an id is non-empty text", field=field, value=value, term=term, code=code,
                    zh=f"{term}不能为空")
    text = unicodedata.normalize("NFC", value)
    bad = [ch for ch in text if _invisible(ch)]
    if bad:
        names = ", ".join(f"U+{ord(c):04X}" for c in dict.fromkeys(bad))
        raise error(f"an id holds no control or invisible characters ({names})", field=field,
                    value=value, term=term, code=code,
                    zh=f"{term}含有控制字符或不可见字符（{names}）")
    if text != text.strip():
        raise error("an id has no spaces at its ends", field=field, value=value, term=term,
                    code=code, zh=f"{term}首尾不得有空格")
    if len(text) > MAX_ID_LENGTH:
        raise error(f"an id has at most {MAX_ID_LENGTH} characters", field=field,
                    value=value, term=term, code=code,
                    zh=f"{term}不得超过 {MAX_ID_LENGTH} 个字符")
    return text


def lookalike_key(value: str) -> str:
    """What two ids that look alike share: compatibility-normalised (NFKC, so full-width
    letters are their ASCII twins) and case-folded."""
    return unicodedata.normalize("NFKC", value).casefold()
