"""The chain's canonical form: the fast encoder writes exactly what ``json.dumps`` writes, so
hashes written by any release verify with any other."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from outsourcing.registry.chain import link_hash, row_hash

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
