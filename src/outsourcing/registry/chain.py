"""The audit chain's arithmetic: row hashes, link hashes, MACs, keys and anchors (审计链).

Everything that proves "who did what, and nothing changed since" is computed here, in one
place, so the store, the migrations and the benchmark compute it the same way:

- :func:`row_hash` — the SHA-256 of a stored row's audited columns (canonical JSON);
- :func:`link_hash` — the hash of one audit record, which includes the previous record's;
- :class:`AuditKeys` — the key ring held **outside the database** (a key file or an
  environment secret, each key named by a key id): every record's MAC is an HMAC-SHA256 of
  its link hash under the current key, so whoever can write to the database but does not hold
  the key cannot forge or recompute a record;
- :class:`Anchor` — the chain's head (sequence, hash, time, MAC) written to a file outside
  the database; ``verify(anchors=…)`` then finds any truncation or rewriting before it.

See ``docs/registry.md`` ("The trust model") for what each of these detects.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import operator
import os
import secrets
import tomllib
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from json.encoder import encode_basestring as _string
from pathlib import Path
from typing import Any

import attrs

from ..errors import RegistryError

__all__ = [
    "GENESIS",
    "KEY_ENV",
    "KEY_FILE_ENV",
    "Anchor",
    "AuditKeys",
    "link_hash",
    "row_hash",
]

GENESIS = "0" * 64
KEY_ENV = "OUTSOURCING_AUDIT_KEY"
"""An environment secret ``KEY_ID:HEX`` (at least 32 bytes of key)."""
KEY_FILE_ENV = "OUTSOURCING_AUDIT_KEY_FILE"
"""The path of a key file (TOML: ``current = "ID"`` and ``[keys]`` ``ID = "HEX"``)."""
MIN_KEY_BYTES = 32
_BLOCK = 64  # SHA-256's block size, in bytes (RFC 2104's B)


_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
"""The canonical JSON form: compact, UTF-8 text unescaped."""


def _value(v: Any) -> str:
    """One value in the canonical JSON form — text, whole numbers and null directly (the hot
    path of ``verify``), anything else through the encoder; the same text as
    ``json.dumps(v, ensure_ascii=False, separators=(",", ":"))`` (a test checks it)."""
    if v is None:
        return "null"
    t = type(v)
    if t is str:
        return _string(v)
    if t is int:
        return int.__repr__(v)
    return _ENCODE(v)


def _canon(v: Any) -> Any:
    if v is None or type(v) is str or type(v) is int:
        return v
    if isinstance(v, bytes | memoryview):
        return "sha256:" + hashlib.sha256(bytes(v)).hexdigest()
    if isinstance(v, date):
        return v.isoformat()
    return v


def row_hash(columns: Sequence[str], later: Sequence[str], row: Mapping[str, Any]) -> str:
    """The content hash of a stored row: its audited ``columns``, in a canonical JSON form;
    the ``later`` columns (added by a later migration) only when they hold a value, so a row
    written before they existed keeps its hash."""
    pairs = [f"[{_string(c)},{_value(_canon(row[c]))}]" for c in columns]
    if later:
        pairs += [f"[{_string(c)},{_value(_canon(row[c]))}]" for c in later
                  if row.get(c) is not None]
    return hashlib.sha256(("[" + ",".join(pairs) + "]").encode()).hexdigest()


def _canonical(v: Any) -> str:
    return _value(_canon(v))


def row_hasher(columns: Sequence[str], later: Sequence[str], kinds: Sequence[str]
               ) -> Callable[[Sequence[Any]], str]:
    """:func:`row_hash` for rows read as tuples (the values of ``columns`` then of
    ``later``, in order), the text of the column names built once: the hot path of
    ``verify``.  ``kinds`` says, for each of ``columns``, what its values are when the row is
    as written: ``"text"`` or ``"int"`` (never NULL), or ``""`` (anything).  A value not of
    its kind, or a ``later`` column holding a value, takes :func:`row_hash` itself, so the
    hash is always the same."""
    # a column name holding "%" is escaped, so the name is text, never a placeholder
    fmt = "[" + ",".join(f"[{_string(c).replace('%', '%%')},%s]" for c in columns) + "]"
    encode = tuple(_string if k == "text" else _value if k == "int" else _canonical
                   for k in kinds)
    n, names, call = len(columns), tuple(columns) + tuple(later), operator.call

    def hasher(row: Sequence[Any]) -> str:
        if all(v is None for v in row[n:]):
            try:
                return hashlib.sha256((fmt % tuple(map(call, encode, row[:n]))).encode()
                                      ).hexdigest()
            except TypeError:  # a value not of its column's kind (NULL, or edited)
                pass
        return row_hash(columns, later, dict(zip(names, row, strict=True)))
    return hasher


def _sql_text(text: str) -> str:
    """``text`` as a SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _sql_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _pg_value(name: str, kind: str) -> str:
    """One column's value in the canonical JSON form, written by PostgreSQL."""
    c = _sql_name(name)
    if kind == "int":
        return f"COALESCE({c}::text, 'null')"
    if kind == "bytes":
        return f"""COALESCE('"sha256:' || encode(sha256({c}), 'hex') || '"', 'null')"""
    return f"COALESCE(to_json({c})::text, 'null')"  # text and dates (ISO 8601 in JSON)


def sql_row_text(dialect: str, columns: Sequence[str], later: Sequence[str],
                 kinds: Sequence[str]) -> str | None:
    """A SQL expression whose value is the text :func:`row_hash` hashes for a stored row
    (``kinds``: ``"text"``, ``"int"``, ``"date"`` or ``"bytes"`` for each of ``columns`` then
    of ``later``), so that ``verify`` need not build it in Python; None where the database
    cannot write the form (a blob column on SQLite, which has no SHA-256).  The text is JSON
    of the row's own values, so it is the hashed text only when they are the hashed values:
    a value the database writes otherwise than :func:`row_hash` (SQLite writes a float
    always with a decimal point) gives another text, never that of another row.  On SQLite
    a blob in a text column makes the query fail (``json_quote``): the caller then
    computes :func:`row_hash` itself."""
    if dialect != "sqlite":
        enc = [_pg_value(c, k) for c, k in zip((*columns, *later), kinds, strict=True)]
        pairs = [f"{_sql_text(f'[{_string(c)},')} || {e} || ']'"
                 for c, e in zip(columns, enc, strict=False)]
        text = " || ',' || ".join(pairs)
        for c, e in zip(later, enc[len(columns):], strict=True):
            text += (f" || CASE WHEN {_sql_name(c)} IS NULL THEN '' ELSE "
                     f"{_sql_text(f',[{_string(c)},')} || {e} || ']' END")
        return f"'[' || {text} || ']'"
    if "bytes" in kinds:
        return None
    # one printf of json_quote'd values (json_quote escapes NUL, so %s never truncates)
    fmt = ",".join(f"[{_string(c).replace('%', '%%')},%s]" for c in columns)
    args = [f"json_quote({_sql_name(c)})" for c in columns]
    for c in later:
        fmt += "%s"
        arg = _sql_text(f",[{_string(c).replace('%', '%%')},%s]")
        args.append(f"CASE WHEN {_sql_name(c)} IS NULL THEN '' ELSE "
                    f"printf({arg}, json_quote({_sql_name(c)})) END")
    return f"printf({_sql_text('[' + fmt + ']')}, {', '.join(args)})"


LINK_FIELDS = ("seq", "at", "actor", "role", "action", "object", "content_hash", "prev_hash",
               "key_id", "login")
"""The audit columns :func:`link_hash` covers, in its order."""


def sql_link_text(dialect: str) -> str:
    """A SQL expression whose value is the text :func:`link_hash` hashes for a stored audit
    record (as :func:`sql_row_text`: the JSON of its own values), or NULL on PostgreSQL when
    a field is NULL: the caller then computes :func:`link_hash` itself."""
    first, *texts = (_sql_name(c) for c in LINK_FIELDS)
    *eight, key_id, login = texts
    both = f"{key_id} <> '' OR {login} <> ''"
    if dialect == "sqlite":  # json_array writes text as json_quote does, compact
        return (f"CASE WHEN {both} THEN json_array({first}, {', '.join(texts)}) "
                f"ELSE json_array({first}, {', '.join(eight)}) END")
    guard = " AND ".join(f"{c} IS NOT NULL" for c in (first, *texts))
    enc = [f"to_json({c})::text" for c in texts]
    *eight_enc, key_enc, login_enc = enc
    text = f"'[' || {first} || ',' || " + " || ',' || ".join(eight_enc)
    text += (f" || CASE WHEN {both} THEN ',' || {key_enc} || ',' || {login_enc} ELSE '' END"
             " || ']'")
    return f"CASE WHEN {guard} THEN {text} END"


def sql_sha256(dialect: str, text: str) -> str | None:
    """The SHA-256 (hex) of the UTF-8 form of a SQL text expression, computed by the
    database (PostgreSQL); None where the database has no SHA-256 (SQLite)."""
    if dialect == "sqlite":
        return None
    return f"encode(sha256(convert_to({text}, 'UTF8')), 'hex')"


def link_hash(seq: int, at: str, actor: str, role: str, action: str, obj: str,
              content_hash: str, prev_hash: str, key_id: str = "", login: str = "") -> str:
    """The hash of one audit record.  Records written before the key and the login existed
    (both empty) hash their eight fields as they always did."""
    first = int.__repr__(seq) if type(seq) is int else _value(seq)
    text = (f"[{first},{_string(at)},{_string(actor)},{_string(role)},{_string(action)},"
            f"{_string(obj)},{_string(content_hash)},{_string(prev_hash)}")
    if key_id or login:
        text += f",{_string(key_id)},{_string(login)}"
    return hashlib.sha256((text + "]").encode()).hexdigest()


def _bad_key(msg: str, code: str, value: Any = None, **params: Any) -> RegistryError:
    return RegistryError(msg, field="audit key", value=value, term="审计密钥",
                         code=code, params=params)


def _secret(text: str, key_id: str) -> bytes:
    try:
        raw = bytes.fromhex(text.strip())
    except ValueError:
        raise _bad_key("an audit key is written in hex", "registry.audit_key.not_hex",
                       key_id) from None
    if len(raw) < MIN_KEY_BYTES:
        raise _bad_key(f"an audit key has at least {MIN_KEY_BYTES} bytes",
                       "registry.audit_key.too_short", key_id, minimum=MIN_KEY_BYTES)
    return raw


@attrs.frozen
class AuditKeys:
    """The audit keys, by key id, and the one that signs new records (审计密钥).  Old keys
    stay in the ring so that the records they signed still verify after a rotation."""

    keys: Mapping[str, bytes] = attrs.field(repr=False)
    current: str

    def __attrs_post_init__(self) -> None:
        if self.current not in self.keys:
            raise _bad_key("the current key id names no key in the ring",
                           "registry.audit_key.current_unknown", self.current)
        for k in self.keys:
            if not k or len(k) > 40 or not k.isprintable() or ":" in k or k != k.strip():
                raise _bad_key("a key id is 1 to 40 printable characters without ':'",
                               "registry.audit_key.bad_id", k)

    def mac(self, key_id: str, message: str) -> str:
        """HMAC-SHA256 of ``message`` under the key ``key_id`` (hex)."""
        return hmac.digest(self.keys[key_id], message.encode(), "sha256").hex()

    def signer(self, key_id: str) -> Callable[[str], str]:
        """:meth:`mac` under one key, for many messages: the hot path of ``verify``.  HMAC
        as RFC 2104 defines it, SHA-256(K⊕opad ‖ SHA-256(K⊕ipad ‖ m)), with both padded-key
        blocks hashed once; each message then costs two copies of a prepared SHA-256 state
        (a test checks it against :func:`hmac.digest` for short, block-sized and long keys)."""
        key = self.keys[key_id]
        if len(key) > _BLOCK:
            key = hashlib.sha256(key).digest()
        key = key.ljust(_BLOCK, b"\0")
        inner = hashlib.sha256(bytes(b ^ 0x36 for b in key)).copy
        outer = hashlib.sha256(bytes(b ^ 0x5C for b in key)).copy

        def sign(message: str) -> str:
            i = inner()
            i.update(message.encode())
            o = outer()
            o.update(i.digest())
            return o.hexdigest()
        return sign

    def knows(self, key_id: str) -> bool:
        return key_id in self.keys

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> AuditKeys:
        """Read a key file: ``current = "ID"`` and a ``[keys]`` table of hex secrets."""
        p = Path(path)
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
            keys = {str(k): _secret(str(v), str(k)) for k, v in data["keys"].items()}
            return cls(keys, str(data["current"]))
        except (OSError, tomllib.TOMLDecodeError, KeyError, AttributeError) as exc:
            raise _bad_key(f"cannot read the audit key file: {exc}",
                           "registry.audit_key.unreadable", str(p)) from None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> AuditKeys | None:
        """The key ring named by ``$OUTSOURCING_AUDIT_KEY_FILE`` or the secret in
        ``$OUTSOURCING_AUDIT_KEY`` (``ID:HEX``); None when neither is set."""
        env = os.environ if environ is None else environ
        if env.get(KEY_FILE_ENV):
            return cls.from_file(env[KEY_FILE_ENV])
        secret = env.get(KEY_ENV)
        if not secret:
            return None
        key_id, sep, text = secret.partition(":")
        if not sep:
            raise _bad_key(f"${KEY_ENV} is KEY_ID:HEX",
                           "registry.audit_key.env_format", KEY_ENV)
        return cls({key_id: _secret(text, key_id)}, key_id)

    @staticmethod
    def new_file(path: str | os.PathLike[str], key_id: str, *,
                 keep: AuditKeys | None = None) -> AuditKeys:
        """Write a key file with a fresh random key ``key_id`` as the current one (keeping
        the keys of ``keep``, for a rotation); readable by its owner only."""
        keys = dict(keep.keys) if keep is not None else {}
        if key_id in keys:
            raise _bad_key("this key id is used already", "registry.audit_key.id_used", key_id)
        keys[key_id] = secrets.token_bytes(MIN_KEY_BYTES)
        ring = AuditKeys(keys, key_id)
        lines = [f'current = "{key_id}"', "", "[keys]"]
        lines += [f'"{k}" = "{v.hex()}"' for k, v in keys.items()]
        p = Path(path)
        fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        return ring


@attrs.frozen
class Anchor:
    """The chain's head at a moment, kept outside the database (审计锚点): the sequence
    number and hash of the last record, when, and a MAC under the audit key (empty without
    one).  A printed 结算单 carries one too."""

    seq: int
    hash: str
    at: str
    key_id: str = ""
    mac: str = ""

    def message(self) -> str:
        return f"anchor|{self.seq}|{self.hash}|{self.at}"

    def to_json(self) -> str:
        return json.dumps({"format": 1, "seq": self.seq, "hash": self.hash, "at": self.at,
                           "key_id": self.key_id, "mac": self.mac}, ensure_ascii=False) + "\n"

    def write(self, path: str | os.PathLike[str]) -> Path:
        p = Path(path)
        p.write_text(self.to_json(), encoding="utf-8")
        return p

    @classmethod
    def read(cls, path: str | os.PathLike[str]) -> Anchor:
        """An anchor file; a clear error when it is not one."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            return cls(int(data["seq"]), str(data["hash"]), str(data["at"]),
                       str(data.get("key_id", "")), str(data.get("mac", "")))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise RegistryError(f"not an anchor file: {exc}", field="anchor", value=str(path),
                                term="审计锚点", code="registry.anchor.unreadable"
                                ) from None
