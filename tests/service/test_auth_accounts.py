"""Accounts (账户) follow the registry's rules: an approver other than the person creates
one (the first account, the founder's, excepted), one account per actor, a supplier's
account in no unit and every other account in one; a new password or a sign-out ends the
sessions issued before; only the person or an approver sets a password; nobody enables
their own account; the hash is argon2id and the password is nowhere in the store."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st
from service_cases import PASSWORD, Bureau, found

from outsourcing.errors import AccessDenied, RegistryError
from outsourcing.registry import Store
from outsourcing.registry.common import now
from outsourcing.unit_tree import Unit, check_tree, subtree


def _code(exc: pytest.ExceptionInfo[Exception]) -> str:
    return str(getattr(exc.value, "code", ""))


def test_the_first_account_may_be_the_founders_own_and_no_later_one(db_url: str) -> None:
    store = found(Store.open(db_url))
    store.add_unit("NX", "宁夏", level="region", by="wang")
    store.add_account("wang", actor="wang", password=PASSWORD, unit="NX", by="wang")
    with pytest.raises(AccessDenied) as e:
        store.add_account("li", actor="li", password=PASSWORD, unit="NX", by="li")
    assert _code(e) == "registry.denied.own_account"
    assert store.audit_trail()[-1].action == "denied:add_account"
    store.add_account("li", actor="li", password=PASSWORD, unit="NX", by="wang")
    with pytest.raises(RegistryError) as twice:
        store.add_account("li2", actor="li", password=PASSWORD, unit="NX", by="wang")
    assert _code(twice) == "registry.account_exists"


def test_accounts_name_their_unit_and_a_suppliers_none(bureau: Bureau) -> None:
    store = bureau.store
    store.add_actor("s2user", "供应商S-2", ["supplier"], supplier="S-2", by="zhang")
    store.confirm_actor("s2user", by="li")
    with pytest.raises(RegistryError) as e:
        store.add_account("s2", actor="s2user", password=PASSWORD, unit="NX", by="wang")
    assert _code(e) == "registry.supplier_account_unit"
    store.add_actor("wu", "吴经办", ["officer"], by="zhang")
    store.confirm_actor("wu", by="li")
    for unit, code in ((None, "registry.account_unit_missing"),
                       ("NX-ZZ", "registry.unknown_unit")):
        with pytest.raises(RegistryError) as u:
            store.add_account("wu", actor="wu", password=PASSWORD, unit=unit, by="wang")
        assert _code(u) == code
    with pytest.raises(RegistryError) as nobody:
        store.add_account("ghost", actor="ghost", password=PASSWORD, unit="NX", by="wang")
    assert _code(nobody) == "registry.unknown_actor"
    with pytest.raises(AccessDenied) as officer:
        store.add_account("wu", actor="wu", password=PASSWORD, unit="NX", by="zhao")
    assert _code(officer) == "registry.denied.role"


def test_a_new_password_ends_the_sessions_before_it(bureau: Bureau) -> None:
    store = bureau.store
    issued = now()
    assert store.session_account("county", issued) is not None
    with pytest.raises(AccessDenied) as other:
        store.set_password("county", "another-password-1", by="zhao")
    assert _code(other) == "registry.denied.role"
    store.set_password("county", "another-password-1", by="sun")
    assert store.session_account("county", issued) is None
    assert store.session_account("county", now()) is not None
    with pytest.raises(AccessDenied):
        store.sign_in("county", PASSWORD, client="10.1.1.1")
    assert store.sign_in("county", "another-password-1", client="10.1.1.1").actor == "sun"


def test_nobody_enables_their_own_account(bureau: Bureau) -> None:
    store = bureau.store
    store.disable_account("li", by="wang")
    with pytest.raises(AccessDenied) as e:
        store.enable_account("li", by="li")
    assert _code(e) == "registry.denied.own_account"
    assert store.enable_account("li", by="wang").disabled is False
    assert store.verify().ok


def test_only_the_argon2id_hash_is_kept(bureau: Bureau) -> None:
    with bureau.store.engine.connect() as c:
        rows = c.execute(sa.text("SELECT * FROM accounts")).mappings().all()
        audit = c.execute(sa.text("SELECT * FROM audit")).mappings().all()
    assert rows and all(r["password_hash"].startswith("$argon2id$") for r in rows)
    assert PASSWORD not in str([dict(r) for r in rows]) + str([dict(a) for a in audit])


@st.composite
def trees(draw: st.DrawFn) -> list[Unit]:
    n = draw(st.integers(1, 25))
    parents = [None] + [draw(st.integers(0, i - 1)) for i in range(1, n)]
    return [Unit(f"U{i}", f"单位{i}", None if p is None else f"U{p}")
            for i, p in enumerate(parents)]


@given(trees(), st.randoms(use_true_random=False))
def test_any_tree_orders_parents_first_and_a_subtree_is_closed_below(
        tree: list[Unit], rnd: object) -> None:
    shuffled = list(tree)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    ordered = check_tree(shuffled)
    seen: set[str] = set()
    for u in ordered:
        assert u.parent is None or u.parent in seen
        seen.add(u.id)
    for u in tree:
        below = subtree(tree, u.id)
        assert u.id in below
        assert all(x.parent in below for x in tree if x.id in below and x.id != u.id)
        assert all(x.id in below for x in tree if x.parent in below)
    assert subtree(tree, "U0") == {u.id for u in tree}
