"""Accounts and API tokens of the service (账户与接口令牌): how a person signs in and how an
agency system calls the API — each bound to an actor of the registry, never replacing it.

- An **account** is a login name, an argon2 hash of the password (``argon2-cffi``), the actor
  it is and the unit (单位) it acts in; a supplier's account names no unit (it sees its own
  supplier's contracts).  An approver creates it — not for themself, except the very first
  account of a registry (the founder's) or under a one-person office policy.  What happens to
  it later is appended (``account_events``: a new password, disabled, enabled, a sign-out),
  and each ends the sessions issued before it.
- An **API token** is issued to an agency system by an approver (not to themself): it acts
  as one actor, within some of that actor's roles and some units; only the SHA-256 of its
  secret is kept, the secret is shown once; a revocation is appended and takes effect at the
  next request.
- A **sign-in** is checked here: failures are written to the audit chain (role ``sign_in``,
  action ``denied:sign_in``, the client in the object) and counted per account and per
  client over a window; past the limit an attempt is refused unchecked (slowed) and also
  written, and past a ceiling an hour the records stop (one ``rate_limited`` record says so).

Every row enters through the audit chain; nothing here is updated or deleted.
"""

from __future__ import annotations

import hmac
import os
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
from sqlalchemy import Connection, func, select
from sqlalchemy.exc import IntegrityError

from .._extras import require
from ..errors import AccessDenied, RegistryError
from . import schema as S
from .access import Actor, Role, roles_of
from .common import as_id, as_text, bounded_actor, dumps, now, sha
from .units import Units

__all__ = ["Account", "Accounts", "ApiToken", "SignInLimits", "password_hasher"]

EVENTS = ("password", "disable", "enable", "sign_out")
SIGN_IN = "sign_in"
"""The role written on sign-in records of the audit chain."""
PROFILE_ENV = "OUTSOURCING_ARGON2_PROFILE"
MIN_PASSWORD = 10
MAX_PASSWORD = 256


def password_hasher() -> Any:
    """argon2's hasher with the profile ``$OUTSOURCING_ARGON2_PROFILE`` names (one of
    ``argon2.profiles``; default ``RFC_9106_LOW_MEMORY``; the tests use ``CHEAPEST``).  The
    profile only affects new hashes: a hash carries its own parameters."""
    require("serve", "argon2")
    import argon2
    from argon2 import profiles

    name = os.environ.get(PROFILE_ENV) or "RFC_9106_LOW_MEMORY"
    profile = getattr(profiles, name, None)
    if not isinstance(profile, argon2.Parameters):
        raise RegistryError("unknown argon2 profile", field=PROFILE_ENV, value=name,
                            term="口令散列参数", code="registry.argon2_profile")
    return argon2.PasswordHasher.from_parameters(profile)


@attrs.frozen
class SignInLimits:
    """How many failed sign-ins a window allows (登录失败限制): per account, per client (an
    address), and the ceiling of failure records written an hour."""

    per_account: int = 5
    per_client: int = 20
    window_minutes: int = 15
    records_per_hour: int = 1000


@attrs.frozen
class Account:
    """A person's account on the service (账户)."""

    id: str
    actor: str
    unit: str | None
    disabled: bool
    valid_since: str
    """Sessions issued before this moment are void (the latest password, disabling,
    enabling or sign-out)."""


@attrs.frozen
class ApiToken:
    """An agency system's API token (接口令牌), without its secret."""

    id: str
    name: str
    actor: str
    units: frozenset[str]
    roles: frozenset[Role]
    revoked: bool
    recorded_by: str
    recorded_at: str


def _password(password: Any, login: str) -> str:
    if not isinstance(password, str) or not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise RegistryError(f"a password has {MIN_PASSWORD} to {MAX_PASSWORD} characters",
                            field="password", value="***", term="口令",
                            code="registry.password_length",
                            params={"min": MIN_PASSWORD, "max": MAX_PASSWORD})
    if login.casefold() in password.casefold():
        raise RegistryError("a password does not contain the login name", field="password",
                            value="***", term="口令", code="registry.password_has_login")
    return password


class Accounts(Units):
    """Accounts, sign-in and API tokens (and the unit tree they act in)."""

    _dummy_hash: str | None = None

    # --- accounts ------------------------------------------------------------------------
    def add_account(self, login: str, *, actor: str, password: str, unit: str | None = None,
                    by: str) -> Account:
        """Create the account ``login`` for ``actor`` acting in ``unit`` (a supplier's
        account names none).  An approver other than ``actor`` creates it, except the first
        account of the registry (its founder's) and under a one-person office policy."""
        login = as_id(login, "login", "登录名")
        obj = f"accounts:{login}"
        admin = self._require(by, [Role.APPROVER], "add_account", obj)
        person = self.actor(actor)
        pw = _password(password, login)
        with self._read() as conn:
            first = conn.execute(select(func.count()).select_from(S.accounts)).scalar_one() == 0
        if admin.id == person.id and not first and not self.solo_office():
            raise self._deny(admin.id, "add_account", obj, "registry.denied.own_account",
                             "an approver does not create their own account",
                             field="actor", value=person.id, term="账户")
        unit = self._account_unit(person, unit)
        row = {"id": login, "actor_id": person.id, "unit_id": unit,
               "password_hash": password_hasher().hash(pw), "recorded_by": admin.id,
               "recorded_at": now()}
        try:
            with self._write() as conn:
                self._record(conn, S.accounts, [row], admin.id, Role.APPROVER.value,
                             "add_account")
        except IntegrityError:
            raise RegistryError("an account with this login, or for this actor, exists",
                                field="login", value=login, term="账户",
                                code="registry.account_exists",
                                params={"actor": person.id}) from None
        return self.account(login)

    def _account_unit(self, person: Actor, unit: str | None) -> str | None:
        if Role.SUPPLIER in person.roles:
            if unit is not None:
                raise RegistryError("a supplier's account acts in no unit", field="unit",
                                    value=unit, term="单位",
                                    code="registry.supplier_account_unit")
            return None
        if unit is None:
            raise RegistryError("an account acts in a unit", field="unit", value=None,
                                term="单位", code="registry.account_unit_missing")
        return self.unit(unit).id

    def _account_row(self, conn: Connection, login: str) -> tuple[Any, list[Any]]:
        row = conn.execute(select(S.accounts).where(S.accounts.c.id == login)).first()
        if row is None:
            return None, []
        ev = S.account_events
        events = conn.execute(select(ev).where(ev.c.account_id == login).order_by(ev.c.id)
                              ).all()
        return row, list(events)

    @staticmethod
    def _state(row: Any, events: list[Any]) -> tuple[Account, str]:
        disabled, since, pw = False, str(row.recorded_at), str(row.password_hash)
        for e in events:
            since = str(e.recorded_at)
            if e.event == "disable":
                disabled = True
            elif e.event == "enable":
                disabled = False
            elif e.event == "password":
                pw = str(e.password_hash)
        return Account(row.id, row.actor_id, row.unit_id, disabled, since), pw

    def account(self, login: str) -> Account:
        """An account by login name; ``registry.unknown_account`` if there is none."""
        login = as_id(login, "login", "登录名")
        with self._read() as conn:
            row, events = self._account_row(conn, login)
        if row is None:
            raise RegistryError("no such account", field="login", value=login, term="账户",
                                code="registry.unknown_account")
        return self._state(row, events)[0]

    def accounts(self) -> list[Account]:
        """Every account, by login name."""
        with self._read() as conn:
            logins = conn.execute(select(S.accounts.c.id).order_by(S.accounts.c.id)
                                  ).scalars().all()
        return [self.account(x) for x in logins]

    def _event(self, login: str, event: str, by: str, role: str,
               password_hash: str | None = None) -> Account:
        with self._write() as conn:
            self._record(conn, S.account_events, [{
                "account_id": login, "event": event, "password_hash": password_hash,
                "recorded_by": by, "recorded_at": now()}], by, role, f"account_{event}")
        return self.account(login)

    def set_password(self, login: str, password: str, *, by: str) -> Account:
        """A new password for the account: its own person, or an approver, sets it."""
        acc = self.account(login)
        obj = f"accounts:{acc.id}"
        if as_id(by, "by", "操作人员") == acc.actor:
            actor = self._require(by, list(Role), "set_password", obj)
        else:
            actor = self._require(by, [Role.APPROVER], "set_password", obj)
        pw = _password(password, acc.id)
        return self._event(acc.id, "password", actor.id, self._role(actor, [Role.APPROVER]),
                           password_hasher().hash(pw))

    def disable_account(self, login: str, *, by: str) -> Account:
        """Disable the account (停用): its sessions end at once.  An approver does it."""
        acc = self.account(login)
        actor = self._require(by, [Role.APPROVER], "disable_account", f"accounts:{acc.id}")
        return self._event(acc.id, "disable", actor.id, Role.APPROVER.value)

    def enable_account(self, login: str, *, by: str) -> Account:
        """Enable a disabled account again: an approver other than its own person."""
        acc = self.account(login)
        obj = f"accounts:{acc.id}"
        actor = self._require(by, [Role.APPROVER], "enable_account", obj)
        if actor.id == acc.actor:
            raise self._deny(actor.id, "enable_account", obj, "registry.denied.own_account",
                             "nobody enables their own account", field="by", value=actor.id,
                             term="账户")
        return self._event(acc.id, "enable", actor.id, Role.APPROVER.value)

    def sign_out(self, login: str) -> Account:
        """Record a sign-out (退出登录): every session of the account issued before ends."""
        acc = self.account(login)
        return self._event(acc.id, "sign_out", acc.actor, SIGN_IN)

    def record_refusal(self, actor: str, action: str, obj: str, code: str, reason: str
                       ) -> None:
        """Write a refusal decided outside the store (the service's unit scope or a
        token's roles) to the audit chain, as the store's own refusals are."""
        self._deny(actor, action, obj, code, reason)

    # --- signing in ----------------------------------------------------------------------
    def sign_in(self, login: str, password: str, *, client: str,
                limits: SignInLimits = SignInLimits()) -> Account:
        """The account, if ``password`` is its password and it is enabled; else
        ``registry.sign_in_refused`` (the same for an unknown login, a wrong password and a
        disabled account: nothing is told) or, past the limits, ``registry.sign_in_slowed``
        without checking the password.  Every failure is in the audit chain."""
        who = bounded_actor(login)
        client = bounded_actor(client)
        since = (datetime.now(UTC) - timedelta(minutes=limits.window_minutes)).isoformat(
            timespec="microseconds")
        a = S.audit
        with self._read() as conn:
            base = select(func.count()).select_from(a).where(
                a.c.role == SIGN_IN, a.c.action.startswith("denied:"), a.c.at >= since)
            n_account = conn.execute(base.where(a.c.actor == who)).scalar_one()
            n_client = conn.execute(base.where(a.c.object == f"clients:{client}")).scalar_one()
        if n_account >= limits.per_account or n_client >= limits.per_client:
            self._sign_in_failure(who, client, "sign_in_slowed", limits)
            raise AccessDenied("too many failed sign-ins; wait and try again",
                               field="login", value=who, term="登录",
                               code="registry.sign_in_slowed",
                               params={"minutes": limits.window_minutes})
        acc = self._checked(login, password)
        if acc is None:
            self._sign_in_failure(who, client, "sign_in", limits)
            raise AccessDenied("the login name or the password is wrong, or the account is "
                               "disabled", field="login", value=who, term="登录",
                               code="registry.sign_in_refused")
        with self._write() as conn:
            self._audit(conn, [(acc.actor, SIGN_IN, "sign_in", f"clients:{client}",
                                sha(dumps({"account": acc.id})))])
        return acc

    def _checked(self, login: str, password: str) -> Account | None:
        """The account if the password matches and the account is enabled; the hash is
        always checked (also for an unknown login, against a stand-in), so the time taken
        tells nothing."""
        hasher = password_hasher()
        from argon2.exceptions import Argon2Error

        row: Any = None
        events: list[Any] = []
        try:
            login = as_id(login, "login", "登录名")
            with self._read() as conn:
                row, events = self._account_row(conn, login)
        except RegistryError:
            pass
        if row is None:
            if Accounts._dummy_hash is None:
                Accounts._dummy_hash = hasher.hash(secrets.token_hex(16))
            acc, pw_hash = None, Accounts._dummy_hash
        else:
            acc, pw_hash = self._state(row, events)
        try:
            ok = isinstance(password, str) and bool(hasher.verify(pw_hash, password))
        except (Argon2Error, ValueError, TypeError):
            ok = False
        if not ok or acc is None or acc.disabled:
            return None
        return acc

    def _sign_in_failure(self, who: str, client: str, action: str,
                         limits: SignInLimits) -> None:
        hour = (datetime.now(UTC) - timedelta(hours=1)).isoformat(timespec="microseconds")
        a = S.audit
        with self._write() as conn:
            self._lock(conn)
            n = conn.execute(select(func.count()).select_from(a).where(
                a.c.role == SIGN_IN, a.c.action.startswith("denied:"), a.c.at >= hour)
                ).scalar_one()
            if n < limits.records_per_hour:
                self._audit(conn, [(who, SIGN_IN, f"denied:{action}", f"clients:{client}",
                                    sha(dumps({"code": f"registry.{action}"})))])
            elif not conn.execute(select(a.c.seq).where(
                    a.c.role == "-", a.c.action == "rate_limited",
                    a.c.object == "denied:sign_in", a.c.at >= hour)).first():
                self._audit(conn, [("-", "-", "rate_limited", "denied:sign_in",
                                    sha(dumps({"limit_per_hour": limits.records_per_hour})))])

    def session_account(self, login: str, issued_at: str) -> Account | None:
        """The account of a session issued at ``issued_at``, or None when the account is
        gone, disabled, or changed since (a new password, a sign-out)."""
        try:
            acc = self.account(login)
        except RegistryError:
            return None
        if acc.disabled or not isinstance(issued_at, str) or issued_at < acc.valid_since:
            return None
        return acc

    # --- API tokens ----------------------------------------------------------------------
    def issue_token(self, name: str, *, actor: str, roles: Iterable[Role | str],
                    units: Iterable[str] = (), by: str) -> tuple[ApiToken, str]:
        """Issue an API token for an agency system (``name``) acting as ``actor`` with some
        of its ``roles`` in ``units`` (a supplier's token names none).  An approver other
        than ``actor`` issues it.  Returns the token and its secret, shown this once."""
        name = as_text(name, "name", "接入系统名称", kind="name", empty=False)
        token_id = f"tok-{secrets.token_hex(6)}"
        obj = f"api_tokens:{token_id}"
        admin = self._require(by, [Role.APPROVER], "issue_token", obj)
        person = self.actor(actor)
        if admin.id == person.id and not self.solo_office():
            raise self._deny(admin.id, "issue_token", obj, "registry.denied.own_token",
                             "an approver does not issue a token to themself",
                             field="actor", value=person.id, term="接口令牌")
        wanted = roles_of(roles)
        if not wanted or not wanted <= person.roles:
            raise RegistryError("a token's roles are some of its actor's roles",
                                field="roles", value=sorted(r.value for r in wanted),
                                term="角色", code="registry.token_roles",
                                params={"held": "、".join(sorted(r.zh for r in person.roles))})
        scope = sorted({as_id(u, "units", "单位编号") for u in units})
        if Role.SUPPLIER in person.roles:
            if scope:
                raise RegistryError("a supplier's token names no unit", field="units",
                                    value=scope, term="单位",
                                    code="registry.supplier_account_unit")
        elif not scope:
            raise RegistryError("a token is scoped to one unit or more", field="units",
                                value=scope, term="单位", code="registry.token_units")
        for u in scope:
            self.unit(u)
        secret = secrets.token_urlsafe(32)
        row = {"id": token_id, "name": name, "actor_id": person.id, "units": ",".join(scope),
               "roles": ",".join(sorted(r.value for r in wanted)), "secret_hash": sha(secret),
               "recorded_by": admin.id, "recorded_at": now()}
        with self._write() as conn:
            self._record(conn, S.api_tokens, [row], admin.id, Role.APPROVER.value,
                         "issue_token")
        return self.token(token_id), f"{token_id}.{secret}"

    def revoke_token(self, token_id: str, *, reason: str, by: str) -> ApiToken:
        """Revoke a token (吊销): refused from the next request on.  An approver, or the
        token's own actor, does it."""
        t = self.token(token_id)
        obj = f"api_tokens:{t.id}"
        if as_id(by, "by", "操作人员") == t.actor:
            actor = self._require(by, list(Role), "revoke_token", obj)
        else:
            actor = self._require(by, [Role.APPROVER], "revoke_token", obj)
        reason = as_text(reason, "reason", "吊销理由", empty=False)
        try:
            with self._write() as conn:
                self._record(conn, S.token_revocations, [{
                    "token_id": t.id, "reason": reason, "recorded_by": actor.id,
                    "recorded_at": now()}], actor.id, self._role(actor, [Role.APPROVER]),
                    "revoke_token")
        except IntegrityError:
            pass  # revoked already (perhaps at the same moment): it stays revoked
        return self.token(t.id)

    def _tokens(self, conn: Connection, token_id: str | None = None) -> list[ApiToken]:
        t, r = S.api_tokens, S.token_revocations
        q = select(t, r.c.id.label("revocation")).outerjoin(r, r.c.token_id == t.c.id)
        if token_id is not None:
            q = q.where(t.c.id == token_id)
        return [ApiToken(x.id, x.name, x.actor_id, frozenset(u for u in x.units.split(",") if u),
                         roles_of([y for y in x.roles.split(",") if y]),
                         x.revocation is not None, x.recorded_by, x.recorded_at)
                for x in conn.execute(q.order_by(t.c.id))]

    def token(self, token_id: str) -> ApiToken:
        """A token by id (without its secret); ``registry.unknown_token`` if none."""
        token_id = as_id(token_id, "token", "接口令牌编号")
        with self._read() as conn:
            found = self._tokens(conn, token_id)
        if not found:
            raise RegistryError("no such token", field="token", value=token_id,
                                term="接口令牌", code="registry.unknown_token")
        return found[0]

    def tokens(self) -> list[ApiToken]:
        """Every token issued, revoked or not."""
        with self._read() as conn:
            return self._tokens(conn)

    def token_for(self, presented: str) -> ApiToken | None:
        """The token a request presents (``tok-….secret``), if it is known, its secret
        matches and it is not revoked; else None."""
        if not isinstance(presented, str) or len(presented) > 200:
            return None
        token_id, _, secret = presented.partition(".")
        if not token_id.startswith("tok-") or not secret:
            return None
        t, r = S.api_tokens, S.token_revocations
        try:
            with self._read() as conn:
                x = conn.execute(select(t, r.c.id.label("revocation"))
                                 .outerjoin(r, r.c.token_id == t.c.id)
                                 .where(t.c.id == token_id)).first()
        except RegistryError:
            return None
        if x is None or x.revocation is not None or not hmac.compare_digest(
                str(x.secret_hash), sha(secret)):
            return None
        return ApiToken(x.id, x.name, x.actor_id, frozenset(u for u in x.units.split(",") if u),
                        roles_of([y for y in x.roles.split(",") if y]), False, x.recorded_by,
                        x.recorded_at)
