"""Shared attrs validators for the model classes (字段校验).

One non-empty-text check serves every model that names things (a site, a roster, a staff
member, a contract, a change, a framework agreement), so each refuses a blank name the same
way: a :class:`~outsourcing.errors.ModelError` naming the field and its Chinese term, with the
caller's stable code and the Chinese message ``<term>不能为空`` when a code is given.

:func:`clean_text` / :func:`identifier` are the one check of ids, names and free text
(length, NFC, control and invisible characters) that every entry point — the models' callers,
the registry, the desk — runs before a value reaches a database.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

import attrs

from .errors import ModelError, OutsourcingError

__all__ = [
    "MAX_ID_CHARS",
    "MAX_NAME_CHARS",
    "MAX_NOTE_CHARS",
    "Validator",
    "clean_text",
    "identifier",
    "lookalike_key",
    "nonempty",
]

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]


def nonempty(term: str, code: str | None = None) -> Validator:
    """An attrs validator refusing anything but a string with a non-blank character (code
    ``model.<field>.empty`` unless the caller gives one)."""
    def check(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, str) or not value.strip():
            raise ModelError("must be a non-empty string", field=attribute.name, value=value,
                             term=term, code=code or f"model.{attribute.name}.empty",
                             says="text.empty")
    return check


# --- identifiers, names and free text (编号、名称与说明) ----------------------------------------

MAX_ID_CHARS = 120
"""The longest identifier (a contract, line, supplier, actor, change or period id): the same
limit on every database (the registry's id columns hold 120 characters)."""
MAX_NAME_CHARS = 200
"""The longest name (an actor's, a contract's title)."""
MAX_NOTE_CHARS = 2000
"""The longest free text the store records (a reason, a payment reference)."""

_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
"""Control, format (zero-width and bidirectional marks, BOM), surrogate, private-use,
unassigned and line/paragraph separator characters: invisible or ambiguous in an id."""
_KINDS = {"id": MAX_ID_CHARS, "name": MAX_NAME_CHARS, "note": MAX_NOTE_CHARS}


def _bad_char(ch: str, kind: str) -> bool:
    if kind == "note" and ch in "\n\t":
        return False
    cat = unicodedata.category(ch)
    if cat in _REFUSED_CATEGORIES:
        return True
    # the only spaces an id or a name holds are the plain and the ideographic space
    return cat == "Zs" and ch not in (" ", "\u3000")


def clean_text(value: Any, *, field: str, term: str, kind: str = "id",
               error: type[OutsourcingError] = ModelError, code: str | None = None,
               empty: bool = False) -> str:
    """``value`` NFC-normalised, or a clear error (the one check every entry point calls
    before anything reaches a database).

    ``kind`` is ``"id"`` (at most :data:`MAX_ID_CHARS` characters, no leading or trailing
    space), ``"name"`` (:data:`MAX_NAME_CHARS`) or ``"note"`` (:data:`MAX_NOTE_CHARS`, may
    hold line breaks and tabs; ``empty`` allows ``""``).  Refused: anything but a string, a
    blank value, more characters than the limit, and control or invisible characters
    (Unicode categories Cc, Cf, Cs, Co, Cn, Zl, Zp — NUL, zero-width spaces and joiners,
    bidirectional marks, BOM — and spaces other than U+0020 and U+3000).  The error is
    ``error`` (default :class:`~outsourcing.errors.ModelError`) with ``code`` (default
    ``model.bad_<kind>``) and a Chinese message naming the term.
    """
    limit = _KINDS[kind]
    code = code or f"model.bad_{kind}"

    def fail(reason: str, says: str, shown: Any, **params: Any) -> OutsourcingError:
        return error(reason, field=field, value=shown, term=term, code=code, says=says,
                     params=params)

    if not isinstance(value, str):
        raise fail(f"must be text, not {type(value).__name__}", "text.type", repr(value)[:80],
                   kind=type(value).__name__)
    text = unicodedata.normalize("NFC", value[: limit * 4 + 1])
    if len(value) > limit * 4 or len(text) > limit:
        raise fail(f"longer than {limit} characters", "text.too_long", value[:40] + "…",
                   limit=limit)
    if not text.strip():
        if empty and text == "":
            return text
        raise fail("must not be blank", "text.empty", text)
    for n, ch in enumerate(text):
        if _bad_char(ch, kind):
            raise fail(f"holds the control or invisible character U+{ord(ch):04X} at "
                       f"position {n + 1}", "text.invisible_character",
                       text.encode("unicode_escape").decode("ascii")[:80],
                       char=f"U+{ord(ch):04X}", position=n + 1)
    if kind == "id" and text != text.strip():
        raise fail("must not start or end with a space", "text.outer_space", text)
    return text


def identifier(value: Any, *, field: str, term: str,
               error: type[OutsourcingError] = ModelError, code: str | None = None) -> str:
    """An id, checked and NFC-normalised (see :func:`clean_text`)."""
    return clean_text(value, field=field, term=term, kind="id", error=error, code=code)


def lookalike_key(value: str) -> str:
    """What two ids that look alike share (the registry refuses the second): compatibility-
    normalised (NFKC, so full-width letters are their ASCII twins) and case-folded —
    ``sun``, ``Sun`` and ``ｓｕｎ`` are one person to a reader."""
    return unicodedata.normalize("NFKC", value).casefold()
