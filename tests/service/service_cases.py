"""Builders for the service tests (svc-auth, svc-api and svc-desk share them): every test
runs on SQLite and on PostgreSQL (the PostgreSQL fixtures are the registry tests': a missing
server skips, except under ``CI``, where it fails).

- ``bureau`` — a :class:`Bureau`: a store with a small unit tree (自治区 NX → 石嘴山 NX-SZS →
  大武口区 NX-SZS-DWK and 惠农区 NX-SZS-HN; 银川 NX-YC), the actors and their accounts
  (password :data:`PASSWORD` for all):

  ========== ======== ================ ===========================================
  login      actor    roles            unit
  ========== ======== ================ ===========================================
  wang       wang     approver         NX (the founder)
  li         li       approver         NX
  zhao       zhao     officer          NX
  assessor   kong     assessor         NX
  finance    qian     finance          NX
  county     sun      officer          NX-SZS-DWK (大武口区)
  supplier   s1user   supplier (S-1)   — (sees the contracts of supplier S-1)
  ========== ======== ================ ===========================================

  and three contracts: ``NX-001`` (unit NX, supplier S-1), ``DWK-001`` (NX-SZS-DWK, S-1),
  ``HN-001`` (NX-SZS-HN, S-2); the system actor ``oa`` (officer and finance) for tokens.
- ``app`` — :func:`outsourcing.service.create_app` over it (cookies not Secure: the test
  client speaks plain HTTP); ``client`` — a test client nobody signed in with;
  ``signed_in(login)`` — a test client signed in as ``login`` (its CSRF token in
  ``client.headers["x-csrftoken"]``, so writes pass); ``token_client(roles, units)`` — a
  client sending a fresh token of ``oa``'s.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any

from litestar import Litestar
from litestar.testing import TestClient

from outsourcing.registry import Store
from outsourcing.unit_tree import Level, Unit

REGISTRY_TESTS = Path(__file__).resolve().parents[1] / "registry"


def _load(name: str, file: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, REGISTRY_TESTS / file)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


registry_cases = _load("registry_cases", "registry_cases.py")
registry_fixtures = _load("registry_fixtures", "conftest.py")
appoint, contract, found = registry_cases.appoint, registry_cases.contract, registry_cases.found

PASSWORD = "口令-correct-horse-42"
SECRET = "s" * 16 + "test-secret-of-the-service-0123456789"
UNITS = [
    Unit("NX", "宁夏回族自治区", None, Level.REGION, "NX"),
    Unit("NX-SZS", "石嘴山市", "NX", Level.CITY, "NX-SZS"),
    Unit("NX-SZS-DWK", "大武口区", "NX-SZS", Level.COUNTY, "NX-DWK"),
    Unit("NX-SZS-HN", "惠农区", "NX-SZS", Level.COUNTY, "NX-SZS"),
    Unit("NX-YC", "银川市", "NX", Level.CITY, "NX-YC"),
]
ACCOUNTS = {  # login → (actor, unit)
    "wang": ("wang", "NX"), "li": ("li", "NX"), "zhao": ("zhao", "NX"),
    "assessor": ("kong", "NX"), "finance": ("qian", "NX"), "county": ("sun", "NX-SZS-DWK"),
    "supplier": ("s1user", None),
}


class Bureau:
    """The store the service tests work on, with its people and contracts."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.password = PASSWORD
        self.accounts = dict(ACCOUNTS)


def build_bureau(url: str) -> Bureau:
    store = found(Store.open(url))
    store.add_units(UNITS, by="wang")
    appoint(store, "zhao", "赵经办", ["officer"])
    appoint(store, "kong", "孔考核", ["assessor"])
    appoint(store, "qian", "钱财务", ["finance"])
    appoint(store, "sun", "孙经办（大武口）", ["officer"])
    appoint(store, "s1user", "供应商S-1联系人", ["supplier"], supplier="S-1")
    appoint(store, "oa", "自治区办公系统", ["officer", "finance"])
    for login, (actor, unit) in ACCOUNTS.items():
        store.add_account(login, actor=actor, password=PASSWORD, unit=unit,
                          by="li" if actor == "wang" else "wang")
    store.add_contract(contract("NX-001", supplier="S-1"), by="zhao", unit="NX")
    store.add_contract(contract("DWK-001", supplier="S-1", site="大武口区政府办公区"),
                       by="sun", unit="NX-SZS-DWK")
    store.add_contract(contract("HN-001", supplier="S-2", site="惠农区政府办公区"), by="zhao",
                       unit="NX-SZS-HN")
    return Bureau(store)


def csrf_of(client: TestClient[Litestar]) -> str:
    """The CSRF token of the sign-in page's form."""
    page = client.get("/signin")
    found_ = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
    assert found_ is not None, page.text
    return found_.group(1)


def sign_in(client: TestClient[Litestar], login: str, password: str = PASSWORD,
            **extra: str) -> Any:
    """Post the sign-in form as a browser would (with the form's CSRF token)."""
    token = csrf_of(client)
    return client.post("/signin", data={"login": login, "password": password,
                                        "_csrf_token": token, **extra},
                       follow_redirects=False)
