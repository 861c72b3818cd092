"""An RFC 3161 time-stamp of an anchor file through a bureau's time-stamping authority
(可信时间戳, optional).

An anchor (:class:`~outsourcing.registry.chain.Anchor`) proves the chain's head only as far
as its keeper is trusted; a time-stamp from a TSA proves the anchor existed at the TSA's
time.  :func:`timestamp` sends the SHA-256 of the anchor file as a ``TimeStampReq``
(``application/timestamp-query``), checks that the TSA granted it and that the reply names
that digest, and saves the reply beside the file (``FILE.tsr``).  The token's signature and
the TSA's certificate chain are checked with the TSA's certificate, e.g.
``openssl ts -verify -data FILE -in FILE.tsr -CAfile tsa.pem``; the library does not
verify X.509 chains itself.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import urllib.request
from pathlib import Path

from ..errors import RegistryError

__all__ = ["query", "timestamp"]

_SHA256 = bytes.fromhex("0609608648016503040201")  # OID 2.16.840.1.101.3.4.2.1


def _der(tag: int, body: bytes) -> bytes:
    n = len(body)
    if n < 0x80:
        size = bytes([n])
    else:
        raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
        size = bytes([0x80 | len(raw)]) + raw
    return bytes([tag]) + size + body


def _int(v: int) -> bytes:
    return _der(0x02, v.to_bytes(v.bit_length() // 8 + 1, "big", signed=False))


def query(digest: bytes, nonce: int) -> bytes:
    """A DER ``TimeStampReq`` (RFC 3161 §2.4.1) for a SHA-256 ``digest``, asking for the
    TSA's certificate in the reply."""
    imprint = _der(0x30, _der(0x30, _SHA256 + b"\x05\x00") + _der(0x04, digest))
    return _der(0x30, _int(1) + imprint + _int(nonce) + _der(0x01, b"\xff"))


def _read(data: bytes, at: int) -> tuple[int, int, int]:
    """(tag, start of the body, end of the body) of the DER element at ``at``."""
    tag, size = data[at], data[at + 1]
    at += 2
    if size & 0x80:
        k = size & 0x7F
        size = int.from_bytes(data[at:at + k], "big")
        at += k
    return tag, at, at + size


def _bad(msg: str, code: str, value: object) -> RegistryError:
    return RegistryError(msg, field="tsa", value=value, term="可信时间戳", code=code)


def timestamp(anchor: str | os.PathLike[str], tsa_url: str, *, timeout: float = 30
              ) -> Path:
    """Time-stamp the anchor file at ``tsa_url``; the path of the saved reply."""
    path = Path(anchor)
    digest = hashlib.sha256(path.read_bytes()).digest()
    req = urllib.request.Request(tsa_url, data=query(digest, secrets.randbits(63)),
                                 headers={"Content-Type": "application/timestamp-query"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            reply = resp.read()
    except OSError as exc:
        raise _bad(f"the time-stamping authority did not answer: {exc}",
                   "registry.timestamp.no_answer", tsa_url) from None
    try:
        tag, body, _ = _read(reply, 0)
        stag, sbody, _ = _read(reply, body)
        itag, ibody, iend = _read(reply, sbody)
        status = int.from_bytes(reply[ibody:iend], "big")
        ok = (tag, stag, itag) == (0x30, 0x30, 0x02)
    except IndexError:
        ok, status = False, -1
    if not ok or status not in (0, 1):
        raise _bad(f"the time-stamping authority refused the request (status {status})",
                   "registry.timestamp.refused", status)
    if digest not in reply:
        raise _bad("the reply does not name the anchor's digest",
                   "registry.timestamp.digest_mismatch", digest.hex())
    out = path.with_name(path.name + ".tsr")
    out.write_bytes(reply)
    return out
