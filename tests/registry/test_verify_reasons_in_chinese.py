"""What a person reads when the chain does not hold is Chinese, from the catalogue, with the
ids kept; programs read a stable code (``Verification.code``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from test_tampering import KINDS, populated  # noqa: F401  (the fixture)

from outsourcing.messages_zh import MESSAGES, mostly_chinese
from outsourcing.registry import Anchor, Store, Verification


def _verified(store: Store, anchor: Anchor, kind: str) -> Verification:
    with store.engine.connect() as c:
        tx = c.begin()
        try:
            KINDS[kind](c)

            @contextmanager
            def through() -> Iterator[sa.Connection]:
                yield c

            store._read = through  # type: ignore[method-assign]
            return store.verify(anchors=[anchor])
        finally:
            del store._read
            tx.rollback()


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_failure_has_a_catalogued_code_and_a_chinese_reason_naming_its_ids(
        populated: tuple[Store, Anchor], kind: str) -> None:  # noqa: F811
    store, anchor = populated
    v = _verified(store, anchor, kind)
    assert not v.ok and v.code in MESSAGES and v.code.startswith("audit.")
    assert mostly_chinese(v.reason_zh) and "{" not in v.reason_zh, v.reason_zh
    for name in ("object", "seq", "key_id"):
        if name in v.params:
            assert str(v.params[name]) in v.reason_zh


def test_a_whole_chain_reads_without_code_or_reason(
        populated: tuple[Store, Anchor]) -> None:  # noqa: F811
    store, anchor = populated
    v = store.verify(anchors=[anchor])
    assert (v.ok, v.code, v.reason, v.reason_zh) == (True, "", "", "")


def test_the_edited_row_is_named_in_chinese(populated: tuple[Store, Anchor]) -> None:  # noqa: F811
    store, anchor = populated
    v = _verified(store, anchor, "payment-edit")
    assert (v.code, v.reason) == ("audit.row_edited", "the row payments:1 was edited")
    assert v.reason_zh == "本条记录登记的数据行 payments:1 被改动：内容与登记时的哈希不符"
