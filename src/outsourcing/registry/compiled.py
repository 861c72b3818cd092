"""The compiled contracts (合同编译结果): a contract's terms compiled for settlement once,
when it is recorded or a change of it is decided, and kept beside its documents.

A row of ``compiled_contracts`` holds the compiled form of a contract with its first
``decisions`` decided changes, the hash of the documents it was compiled from
(``terms_hash``, the same hash a statement's inputs digest names) and the key of the rules
it was compiled under (``rules_key``: the rulebook of the contract's jurisdiction with
every dated value, the library's and every plugin's version, and :data:`FORMAT`).  A month
reads the row whose decisions and rules key are current and never parses the contract's
documents; a row of other rules (a plugin upgraded, a new dated value) or of fewer
decisions is not used, and the contract is compiled again and a new row kept.

The body is a pickle of plain data read back by an unpickler that builds only the
library's own classes and a few standard value types (never a function of another module),
and, when the store holds an audit key, it is signed (HMAC under the key) and its signature
checked before it is read: a row changed in the database is compiled again from the
documents, which the audit chain covers.  The table is a cache of what the documents say:
not audited, append-only, and a downgrade that drops it loses nothing.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import io
import pickle
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy.exc import IntegrityError

from .._version import __version__
from ..plugins import PluginHost
from ..settlement import FORMAT as COMPILED_FORMAT
from ..settlement import PreparedContract, rules_fingerprint
from . import schema as S
from .chain import AuditKeys
from .common import now

__all__ = ["FORMAT", "Compiled", "decode", "encode", "keep", "rules_key", "signature"]

Compiled = tuple[str, int, str, str, PreparedContract]
"""A compiled form to keep: contract id, decided changes included, terms hash, rules key,
the prepared contract."""

FORMAT = 1
"""The layout of a compiled contract's body; a new layout is a new rules key."""

_SAFE_MODULES = ("datetime", "decimal", "fractions", "collections", "enum", "pathlib")
_SAFE_BUILTINS = frozenset({"frozenset", "set", "tuple", "list", "dict", "slice", "range",
                            "complex", "bytes", "bytearray", "object"})
_FUNCTIONS = frozenset({"compile_rule", "compile_kpis"})
"""The library's functions a compiled form is rebuilt with (its compiled rules and KPIs)."""


_METHODS = frozenset({"from_fen"})
"""The library's constructors a compiled form names (``Money.from_fen``)."""


def _member(cls: Any, name: str) -> Any:
    """``getattr`` as an enumeration's member or a library constructor is pickled — and
    nothing else."""
    if isinstance(cls, type) and issubclass(cls, enum.Enum) and name in cls.__members__:
        return cls.__members__[name]
    if (isinstance(cls, type) and cls.__module__.startswith("outsourcing.")
            and name in _METHODS):
        return getattr(cls, name)
    raise pickle.UnpicklingError(f"{cls!r}.{name} is not a member of an enumeration")


class _Loader(pickle.Unpickler):
    """An unpickler that builds the library's classes, the functions it rebuilds compiled
    rules with, enumeration members and the standard value types — nothing else (a form
    changed to call anything more is refused, and compiled again from the documents)."""

    def find_class(self, module: str, name: str) -> Any:
        if module == "builtins" and name == "getattr":
            return _member
        ours = module == "outsourcing" or module.startswith("outsourcing.")
        ok = (ours or module in _SAFE_MODULES
              or (module == "builtins" and name in _SAFE_BUILTINS)
              or (module == "copyreg" and name == "_reconstructor"))
        if not ok:
            raise pickle.UnpicklingError(f"{module}.{name} is not built from a compiled form")
        found = super().find_class(module, name)
        if not (isinstance(found, type) or module == "copyreg"
                or (ours and name in _FUNCTIONS and callable(found))):
            raise pickle.UnpicklingError(f"{module}.{name} is not a class")
        return found


def encode(pc: PreparedContract) -> bytes | None:
    """A prepared contract's compiled form, or None when it cannot be pickled (it holds
    something that is not plain data: then every process compiles it itself)."""
    try:
        return pickle.dumps(pc, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return None


def decode(body: bytes) -> PreparedContract | None:
    """A compiled form read back, or None when it is not one (then compile again)."""
    try:
        pc = _Loader(io.BytesIO(bytes(body))).load()
    except Exception:  # any damage: the documents are the record, compile them again
        return None
    return pc if isinstance(pc, PreparedContract) else None


def rules_key(plugins: PluginHost, jurisdiction: str) -> str:
    """The key of the rules a contract of ``jurisdiction`` is compiled under: the rulebook's
    fingerprint (:func:`~outsourcing.settlement.rules_fingerprint`: every dated parameter and
    the plugins that built it), the library's version and both format numbers — the
    settlement's compiled form's and this table's (:data:`FORMAT`)."""
    fp = rules_fingerprint(plugins.rulebook(jurisdiction))
    return hashlib.sha256(f"{FORMAT}:{COMPILED_FORMAT}:{__version__}:{fp}".encode()
                          ).hexdigest()


def signature(keys: AuditKeys | None, body: bytes, terms_hash: str, rules: str
              ) -> tuple[str, str]:
    """(key id, MAC) of a compiled form under the current audit key; empty without one."""
    if keys is None:
        return "", ""
    message = f"{hashlib.sha256(body).hexdigest()}:{terms_hash}:{rules}"
    return keys.current, keys.mac(keys.current, message)


def trusted(keys: AuditKeys | None, row: Any) -> bool:
    """Whether a stored compiled form may be read: signed with a key of the ring when the
    store holds keys (a row without a signature, or of an unknown key, is not read)."""
    if keys is None:
        return True
    if not row.key_id or not keys.knows(row.key_id):
        return False
    message = f"{hashlib.sha256(bytes(row.body)).hexdigest()}:{row.terms_hash}:{row.rules_key}"
    return hmac.compare_digest(keys.mac(row.key_id, message), row.mac)


def keep(conn: Connection, keys: AuditKeys | None, items: Sequence[Compiled]) -> int:
    """Keep compiled forms — (contract id, decisions, terms hash, rules key, prepared) —
    in one savepoint; a form another process kept first, or one that does not pickle, is
    skipped.  Returns how many rows were written."""
    rows = []
    at = now()
    for cid, decisions, terms_hash, rules, pc in items:
        body = encode(pc)
        if body is None:
            continue
        key_id, mac = signature(keys, body, terms_hash, rules)
        rows.append({"contract_id": cid, "decisions": decisions, "terms_hash": terms_hash,
                     "rules_key": rules, "body": body, "key_id": key_id, "mac": mac,
                     "compiled_at": at})
    if not rows:
        return 0
    try:
        with conn.begin_nested():
            conn.execute(S.compiled_contracts.insert(), rows)
        return len(rows)
    except IntegrityError:  # another process kept some of them first: keep the rest
        written = 0
        for row in rows:
            try:
                with conn.begin_nested():
                    conn.execute(S.compiled_contracts.insert(), [row])
                written += 1
            except IntegrityError:
                continue
        return written


def decision_counts(conn: Connection, ids: Sequence[str]) -> dict[str, int]:
    """How many decided changes each contract has (contracts without any are absent)."""
    d = S.change_decisions
    return {cid: int(n) for cid, n in conn.execute(
        select(d.c.contract_id, func.count()).where(d.c.contract_id.in_(ids))
        .group_by(d.c.contract_id))}


def stored(conn: Connection, ids: Sequence[str]) -> dict[str, list[Any]]:
    """The compiled forms kept for contracts, oldest first, with each contract's
    jurisdiction."""
    c, k = S.compiled_contracts, S.contracts
    out: dict[str, list[Any]] = {}
    for r in conn.execute(
            select(c.c.contract_id, c.c.decisions, c.c.terms_hash, c.c.rules_key, c.c.body,
                   c.c.key_id, c.c.mac, k.c.jurisdiction)
            .join(k, k.c.id == c.c.contract_id)
            .where(c.c.contract_id.in_(ids)).order_by(c.c.id)):
        out.setdefault(r.contract_id, []).append(r)
    return out
