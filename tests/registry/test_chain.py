"""The chain's canonical form: the fast encoder writes exactly what ``json.dumps`` writes, so
hashes written by any release verify with any other."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import date
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from outsourcing.registry.chain import AuditKeys, link_hash, row_hash, row_hasher

TEXT = st.text(max_size=30)
VALUE = st.one_of(st.none(), TEXT, st.integers(), st.booleans(), st.dates(),
                  st.binary(max_size=20))


def _canon(v: Any) -> Any:
    if isinstance(v, bytes):
        return "sha256:" + hashlib.sha256(v).hexdigest()
    return v.isoformat() if isinstance(v, date) else v


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


@given(st.dictionaries(TEXT, VALUE, min_size=1, max_size=6), st.data())
def test_a_row_hash_is_the_sha256_of_its_columns_canonical_json(row: dict[str, Any],
                                                                 data: st.DataObject) -> None:
    cols = list(row)
    later = data.draw(st.lists(st.sampled_from(cols), unique=True, max_size=2))
    main = [c for c in cols if c not in later]
    want = [[c, _canon(row[c])] for c in main]
    want += [[c, _canon(row[c])] for c in later if row[c] is not None]
    assert row_hash(main, later, row) == hashlib.sha256(_dumps(want).encode()).hexdigest()


@given(st.integers(min_value=1), st.lists(TEXT, min_size=9, max_size=9))
def test_a_link_hash_is_the_sha256_of_the_records_canonical_json(seq: int, f: list[str]
                                                                  ) -> None:
    data: list[Any] = [seq, *f[:7]]
    assert link_hash(seq, *f[:7]) == hashlib.sha256(_dumps(data).encode()).hexdigest()
    keyed = link_hash(seq, *f[:7], f[7] or "k", f[8])
    assert keyed == hashlib.sha256(_dumps([*data, f[7] or "k", f[8]]).encode()).hexdigest()


@given(st.dictionaries(TEXT, VALUE, min_size=1, max_size=6), st.data())
def test_a_row_read_as_a_tuple_hashes_as_the_row_whatever_its_columns_hold(
        row: dict[str, Any], data: st.DataObject) -> None:
    """verify's fast path (each column's expected kind) gives row_hash's hash for any value,
    of its kind or not (NULL, edited to another type)."""
    cols = list(row)
    later = data.draw(st.lists(st.sampled_from(cols), unique=True, max_size=2))
    main = [c for c in cols if c not in later]
    kinds = data.draw(st.lists(st.sampled_from(["text", "int", ""]), min_size=len(main),
                               max_size=len(main)))
    values = tuple(row[c] for c in main + later)
    assert row_hasher(["b"], [], ["int"])((True,)) == row_hash(["b"], [], {"b": True})
    assert row_hasher(["%"], [], ["int"])((1,)) == row_hash(["%"], [], {"%": 1})
    assert row_hasher(main, later, kinds)(values) == row_hash(main, later, row)


@given(st.binary(min_size=32, max_size=200), st.lists(TEXT, min_size=1, max_size=3))
@example(bytes(range(64)), ["block-sized key"]).via("RFC 2104: a key of B bytes is padded")
@example(bytes(range(65)), ["longer key"]).via("RFC 2104: a longer key is hashed first")
def test_a_prepared_signer_macs_as_the_key_ring_does(key: bytes, messages: list[str]) -> None:
    ring = AuditKeys({"k": key}, "k")
    sign = ring.signer("k")
    for m in messages:
        assert sign(m) == ring.mac("k", m) == hmac.new(key, m.encode(), "sha256").hexdigest()
