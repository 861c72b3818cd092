"""Brute-force sign-in is slowed and audited (登录失败限制): past the failures a window
allows per account (or per client address), even the right password is refused unchecked
(429) until the window passes; every failure is a record of the audit chain; past the
ceiling an hour the records stop and one ``rate_limited`` record says so."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from service_cases import PASSWORD, SECRET, Bureau, sign_in

from outsourcing.errors import AccessDenied
from outsourcing.registry import SignInLimits
from outsourcing.service import create_app

LIMITS = SignInLimits(per_account=3, per_client=5, window_minutes=15, records_per_hour=8)


@pytest.fixture()
def strict(bureau: Bureau) -> Litestar:
    return create_app(bureau.store, secret=SECRET, secure_cookies=False, signin_limits=LIMITS)


def _failures(bureau: Bureau) -> list[tuple[str, str, str]]:
    return [(x.actor, x.action, x.object) for x in bureau.store.audit_trail()
            if x.role == "sign_in" and x.action.startswith("denied:")]


def test_past_the_limit_per_account_even_the_right_password_waits(strict: Litestar,
                                                                    bureau: Bureau) -> None:
    c = TestClient(app=strict)
    for _ in range(LIMITS.per_account):
        assert sign_in(c, "zhao", "guess-guess-guess").status_code == 401
    slowed = sign_in(c, "zhao", PASSWORD)
    assert slowed.status_code == 429 and "分钟后再试" in slowed.text
    assert c.get("/api/v1/me").status_code == 401
    assert _failures(bureau) == [("zhao", "denied:sign_in", "clients:testclient")] * 3 + [
        ("zhao", "denied:sign_in_slowed", "clients:testclient")]
    assert sign_in(c, "finance").status_code == 303  # another account is not held up
    assert bureau.store.verify().ok


def test_past_the_limit_per_client_every_login_waits(strict: Litestar, bureau: Bureau
                                                     ) -> None:
    c = TestClient(app=strict)
    for login in ("a1", "a2", "a3", "a4", "a5"):
        assert sign_in(c, login, "guess-guess-guess").status_code == 401
    assert sign_in(c, "finance").status_code == 429


def test_past_the_ceiling_an_hour_one_record_says_the_rest_were_not_written(
        bureau: Bureau) -> None:
    store = bureau.store
    for n in range(12):
        with pytest.raises(AccessDenied):
            store.sign_in(f"x{n}", "guess-guess-guess", client=f"10.0.0.{n}", limits=LIMITS)
    assert len(_failures(bureau)) == LIMITS.records_per_hour
    assert [x.action for x in store.audit_trail() if x.action == "rate_limited"] == [
        "rate_limited"]
    assert store.verify().ok


def test_a_failed_sign_in_tells_nothing_about_the_account(strict: Litestar, bureau: Bureau
                                                          ) -> None:
    bureau.store.disable_account("assessor", by="wang")
    c = TestClient(app=strict)
    texts = {sign_in(c, login, pw).text.replace(login, "?") for login, pw in (
        ("assessor", PASSWORD), ("nobody-here", PASSWORD))}
    assert len(texts) == 1
