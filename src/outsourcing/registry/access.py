"""Who may do what (职责分离): the roles, the actors as the store knows them, the refusals
recorded in the audit chain, and four eyes (双人审核)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from ..errors import AccessDenied, RegistryError
from ..messages_zh import MESSAGES
from . import schema as S
from .audit import Audited
from .chain import AuditKeys
from .common import as_id, bounded_actor, dumps, sha
from .people import Actor, Proposal, Role, actor_of, roles_of

__all__ = ["UNKNOWN", "Actor", "Guarded", "Proposal", "Role", "actor_of", "roles_of"]

UNKNOWN = "unknown"
"""The role written on the refusal of an unknown actor (rate-limited)."""


def action_zh(action: str) -> str:
    """An action's Chinese name (the catalogue's ``registry.action.<action>``; the action
    itself when the catalogue names none)."""
    return MESSAGES.get(f"registry.action.{action}", action)


class Guarded(Audited):
    """The checks before a write: the actor exists and holds a role that may act; four eyes
    where the law or the bureau's policy asks for them; every refusal recorded."""

    def _deny(self, actor: str, action: str, obj: str, code: str, reason: str,
              params: Mapping[str, Any] | None = None, **kw: Any) -> AccessDenied:
        """Record the refusal in the audit trail (its own transaction) and return the error
        (its sentence for people: the catalogue's for ``code``, filled from ``params``).
        Refusals of unknown actors are recorded up to ``registry.unknown_refusals_per_hour``
        an hour; the first one over the limit records the limit itself, the rest are not
        written (the error is raised all the same)."""
        content = sha(dumps({"code": code, "reason": reason}))
        unknown = code == "registry.denied.unknown_actor"
        with self._write() as conn:
            self._lock(conn)
            entries = [(bounded_actor(actor), UNKNOWN if unknown else "-", f"denied:{action}",
                        obj[:500], content)]
            if unknown:
                limit = int(self._policy("unknown_refusals_per_hour"))
                since = (datetime.now(UTC) - timedelta(hours=1)).isoformat(
                    timespec="microseconds")
                audit = S.audit
                n = conn.execute(select(func.count()).select_from(audit).where(
                    audit.c.role == UNKNOWN, audit.c.at >= since)).scalar_one()
                if n >= limit:
                    entries = []
                    if not conn.execute(select(audit.c.seq).where(
                            audit.c.role == "-", audit.c.action == "rate_limited",
                            audit.c.at >= since)).first():
                        entries = [("-", "-", "rate_limited", "denied:unknown_actor",
                                    sha(dumps({"limit_per_hour": limit})))]
            if entries:
                self._audit(conn, entries)
        return AccessDenied(reason, code=code, params=params, term=kw.pop("term", "职责分离"),
                            **kw)

    def _require(self, actor_id: str, roles: Sequence[Role], action: str, obj: str) -> Actor:
        """The actor, if it may do ``action``; else the refusal, recorded (also for an id
        that is not a valid one: see :func:`bounded_actor`, and for a database login acting
        under another actor's name)."""
        try:
            actor_id = as_id(actor_id, "by", "操作人员")
        except RegistryError as exc:
            raise self._deny(actor_id, action, obj, "registry.denied.unknown_actor",
                             f"no such actor: {exc.reason}", field="by", value=exc.value,
                             term="操作人员") from None
        if self._bound:
            mine = self.whoami()
            if mine != actor_id:
                raise self._deny(self.login, action, obj, "registry.denied.identity",
                                 f"the database login {self.login} is "
                                 f"{mine or 'no registered actor'}; it cannot act as "
                                 f"{actor_id}", {"login": self.login, "mine": mine or "（未登记）"},
                                 field="by", value=actor_id, term="身份")
        actor = self._actor_or_none(actor_id)
        if actor is None:
            raise self._deny(actor_id, action, obj, "registry.denied.unknown_actor",
                             "no such actor; add the actor with its roles first",
                             field="by", value=actor_id, term="操作人员")
        if not actor.roles & set(roles):
            need = " or ".join(f"{r.value} ({r.zh})" for r in roles)
            raise self._deny(actor_id, action, obj, "registry.denied.role",
                             f"{action} needs the role {need}; {actor_id} has "
                             f"{', '.join(sorted(r.value for r in actor.roles))}",
                             {"action_zh": action_zh(action),
                              "roles_zh": "或".join(r.zh for r in roles)},
                             field="by", value=actor_id, term="角色")
        return actor

    def whoami(self) -> str | None:
        """The actor the database login is bound to (PostgreSQL, a person's own login), or
        None (SQLite, or the owner's administrative login: ``by=`` then names the actor)."""
        if not self.login:
            return None
        with self._read() as conn:
            found = conn.execute(select(S.actors.c.id).where(S.actors.c.login == self.login)
                                 ).scalar_one_or_none()
        return None if found is None else str(found)

    @staticmethod
    def _role(actor: Actor, preferred: Sequence[Role]) -> str:
        for r in preferred:
            if r in actor.roles:
                return r.value
        return ",".join(sorted(r.value for r in actor.roles))

    def _separate(self, first: str, second: str, action: str, obj: str, *,
                  what: str, detail: str = "", solo_ok: bool = False) -> bool:
        """Four eyes: ``second`` acts on what ``first`` did.  Refused when they are the same
        person (unless ``solo_ok``: the bureau's policy allows a one-person office; True is
        returned and the act is marked 单人操作) or when one proposed the other as an actor
        (a puppet second pair of eyes).  ``detail`` follows the action's name in the sentence
        for people."""
        params = {"action_zh": action_zh(action), "detail": detail, "first": first}
        if first == second:
            if solo_ok:
                return True
            raise self._deny(second, action, obj, "registry.denied.same_person",
                             f"{what}: {second} did the first step; another person does the "
                             "second (four eyes)", params, field="by", value=second)
        if first in self._creators(second) or second in self._creators(first):
            raise self._deny(second, action, obj, "registry.denied.puppet",
                             f"{what}: one of {first} and {second} proposed the other as an "
                             "actor; a third person does the second step", params,
                             field="by", value=second)
        return False

    def _confirming(self, x: Proposal, by: str, subject: str, action: str, obj: str,
                    what: str) -> tuple[str, bool]:
        """The second pair of eyes on a proposal about ``subject``: an approver, neither the
        subject (nobody confirms their own appointment or role) nor its proposer nor related
        to them by a proposal (:meth:`_separate`); (the approver's id, 单人操作)."""
        by = self._require(by, [Role.APPROVER], action, obj).id
        if by == subject:
            raise self._deny(by, action, obj, "registry.denied.own_appointment",
                             f"{what}: nobody confirms their own appointment or role",
                             {"action_zh": action_zh(action)}, field="by", value=by)
        return by, self._separate(x.proposed_by, by, action, obj, what=what,
                                  solo_ok=self.solo_office())

    def _creators(self, actor_id: str) -> set[str]:
        """Who proposed the actor (the founders have none)."""
        with self._read() as conn:
            p = conn.execute(select(S.actors.c.proposed_by).where(S.actors.c.id == actor_id)
                             ).scalar_one_or_none()
        return set() if p is None else {str(p)}

    def _actor_or_none(self, actor_id: str) -> Actor | None:
        if actor_id in self._actors:
            return self._actors[actor_id]
        with self._read() as conn:
            row = conn.execute(select(S.actors).where(S.actors.c.id == actor_id)).first()
            if row is None:
                return None
            granted = conn.execute(select(S.actor_roles.c.role).where(
                S.actor_roles.c.actor_id == actor_id)).scalars().all()
        actor = self._actors[actor_id] = actor_of(row, granted)
        return actor

    def actor(self, actor_id: str) -> Actor:
        """An actor by id; a clear error if there is none."""
        a = self._actor_or_none(as_id(actor_id, "actor", "操作人员"))
        if a is None:
            raise RegistryError("no such actor", field="actor", value=actor_id,
                                term="操作人员", code="registry.unknown_actor")
        return a

    def actors(self) -> list[Actor]:
        """Every actor (confirmed), by id, with the roles granted since."""
        with self._read() as conn:
            granted: dict[str, list[str]] = {}
            for aid, role in conn.execute(select(S.actor_roles.c.actor_id, S.actor_roles.c.role)):
                granted.setdefault(aid, []).append(role)
            return [actor_of(r, granted.get(r.id, ()))
                    for r in conn.execute(select(S.actors).order_by(S.actors.c.id))]

    def pending(self) -> list[Proposal]:
        """Proposals of actors and roles not yet confirmed (待确认)."""
        proposals, confirmations = S.proposals, S.confirmations
        with self._read() as conn:
            rows = conn.execute(
                select(proposals).where(~proposals.c.id.in_(select(confirmations.c.proposal_id)))
                .order_by(proposals.c.id)).all()
        return [Proposal(r.id, r.kind, r.subject, json.loads(r.payload), r.proposed_by,
                         r.proposed_at) for r in rows]

    def rotate_key(self, keys: AuditKeys, *, by: str) -> None:
        """Start signing with ``keys.current`` (a new key, the old ones kept in the ring so
        their records still verify); the rotation is itself a record of the chain, signed
        with the new key.  An approver does it."""
        self._require(by, [Role.APPROVER], "rotate_key", f"keys:{keys.current}")
        old = "" if self.keys is None else self.keys.current
        if old and not keys.knows(old):
            raise RegistryError("the new key ring must keep the current key", field="keys",
                                value=old, term="审计密钥", code="registry.audit_key")
        self.keys = keys
        with self._write() as conn:
            self._audit(conn, [(by, Role.APPROVER.value, "rotate_key",
                                f"keys:{keys.current}", sha(f"{old}->{keys.current}"))])
