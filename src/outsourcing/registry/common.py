"""The small helpers every part of the store uses: ids and texts checked before any
query, hashes, JSON text and time stamps."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from .._validators import clean_text
from ..errors import RegistryError
from ..model import Contract

__all__ = ["as_exact", "as_id", "as_text", "bounded_actor", "check_contract_ids", "dumps",
           "now", "sha"]


def sha(text: str | bytes) -> str:
    return hashlib.sha256(text.encode() if isinstance(text, str) else text).hexdigest()


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def as_id(value: Any, field: str, term: str = "编号") -> str:
    """An id argument, checked and NFC-normalised before any query (the same limits on
    every database: :func:`outsourcing._validators.clean_text`)."""
    return clean_text(value, field=field, term=term, kind="id", error=RegistryError,
                      code="registry.bad_id")


def as_text(value: Any, field: str, term: str, kind: str = "note", empty: bool = True) -> str:
    """A name or a free text (reason, reference), checked and NFC-normalised."""
    return clean_text(value, field=field, term=term, kind=kind, error=RegistryError,
                      code=f"registry.bad_{kind}", empty=empty)


def as_exact(value: Any, field: str, term: str, kind: str = "id") -> str:
    """An id or name inside an object the store records: checked like an argument, and
    refused (``registry.bad_id``) when it is not already in NFC form — the store never
    records a document whose ids differ from its indexed columns."""
    clean = clean_text(value, field=field, term=term, kind=kind, error=RegistryError,
                       code=f"registry.bad_{kind}")
    if clean != value:
        raise RegistryError("is not in Unicode NFC form", field=field,
                            value=str(value).encode("unicode_escape").decode("ascii")[:80],
                            term=term, code=f"registry.bad_{kind}_nfc")
    return clean


def check_contract_ids(contract: Contract) -> None:
    """The ids and names of a contract that the store indexes, checked before the database
    (the same limits on SQLite and PostgreSQL)."""
    as_exact(contract.id, "contract.id", "合同编号")
    as_exact(contract.purchaser.id, "contract.purchaser.id", "采购人编号")
    as_exact(contract.supplier.id, "contract.supplier.id", "供应商编号")
    as_exact(contract.jurisdiction, "contract.jurisdiction", "辖区")
    as_exact(contract.title, "contract.title", "合同名称", kind="name")
    for n, line in enumerate(contract.lines):
        as_exact(line.id, f"contract.lines[{n}].id", "服务项目编号")
        as_exact(line.service, f"contract.lines[{n}].service", "服务类别")
        as_exact(line.site, f"contract.lines[{n}].site", "办公区", kind="name")


def bounded_actor(value: Any) -> str:
    """What the audit trail records as the actor of a refusal: the id when it is a valid
    one, else a fixed-length stand-in (``?`` and 16 hex digits of its SHA-256), so a refusal
    of any value is recorded and bounded."""
    try:
        return as_id(value, "by")
    except RegistryError:
        return "?" + hashlib.sha256(repr(value).encode("utf-8", "backslashreplace")
                                    ).hexdigest()[:16]
