"""Actors and their roles (操作人员与角色): proposed by one approver, confirmed by another;
the founding pair; look-alike ids refused."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from .._validators import lookalike_key
from ..errors import RegistryError
from . import schema as S
from .access import Actor, Guarded, Proposal, Role, roles_of
from .common import as_id, as_text, bounded_actor, dumps, now

__all__ = ["Actors"]


class Actors(Guarded):
    """Adding actors and granting roles, four eyes on each."""

    def _check_new_actor(self, actor_id: str, name: str, roles: Iterable[Role | str],
                         supplier: str | None, login: str | None) -> Actor:
        actor_id = as_id(actor_id, "actor", "操作人员编号")
        name = as_text(name, "name", "姓名", kind="name")
        if supplier is not None:
            supplier = as_id(supplier, "supplier", "供应商编号")
        if login is not None:
            login = as_id(login, "login", "数据库登录名")
        actor = Actor(actor_id, name, roles, supplier, login)
        if not name.strip() or not actor.roles:
            raise RegistryError("an actor needs an id, a name and at least one role",
                                field="actor", value=actor_id, term="操作人员",
                                code="registry.actor_incomplete")
        if (Role.SUPPLIER in actor.roles) != (supplier is not None):
            raise RegistryError("a supplier's user names its supplier, and only it does",
                                field="supplier", value=supplier, term="供应商",
                                code="registry.supplier_not_named")
        if Role.SUPPLIER in actor.roles and actor.roles - {Role.SUPPLIER}:
            raise RegistryError("a supplier's user holds no purchaser role",
                                field="roles", value=sorted(r.value for r in actor.roles),
                                term="职责分离", code="registry.supplier_with_purchaser_role")
        return actor

    def _lookalike(self, actor_id: str, by: str | None) -> None:
        """Refuse an id that looks like an actor's or a pending proposal's (NFKC, case-
        folded): ``sun`` and ``Sun`` would be one person to a reader."""
        key = lookalike_key(actor_id)
        taken = [a.id for a in self.actors()] + [x.subject for x in self.pending()
                                                 if x.kind == "actor"]
        for other in taken:
            if lookalike_key(other) == key:
                obj = f"actors:{actor_id}"
                if other == actor_id:
                    raise RegistryError("an actor with this id exists", field="actor",
                                        value=actor_id, term="操作人员编号",
                                        code="registry.actor_exists")
                reason = f"{actor_id!r} looks like the existing id {other!r}"
                if by is None:
                    raise RegistryError(reason, field="actor", value=actor_id,
                                        term="操作人员编号", code="registry.denied.lookalike",
                                        params={"other": other})
                raise self._deny(by, "add_actor", obj, "registry.denied.lookalike", reason,
                                 {"other": other}, field="actor", value=actor_id,
                                 term="操作人员编号")

    def add_actor(self, actor_id: str, name: str, roles: Iterable[Role | str], *,
                  supplier: str | None = None, by: str | None = None,
                  login: str | None = None) -> Actor:
        """Propose a person with roles (提名); another approver confirms it
        (:meth:`confirm_actor`) before the person may act.  The first actor of an empty
        registry founds it alone and must be an approver; the second approver it proposes
        accepts the proposal themself (the founding pair, see ``docs/registry.md``).  A
        supplier's user names its ``supplier``; ``login`` is the person's own database login
        on PostgreSQL.  Ids are NFC; invisible characters and look-alikes are refused."""
        actor = self._check_new_actor(actor_id, name, roles, supplier, login)
        actor_id = actor.id
        with self._read() as conn:
            empty = conn.execute(select(func.count()).select_from(S.actors)).scalar_one() == 0
        if empty:
            if Role.APPROVER not in actor.roles:
                raise RegistryError("the first actor of a registry is an approver",
                                    field="roles", value=sorted(r.value for r in actor.roles),
                                    term="审批人", code="registry.founder_not_approver")
            if self._bound and login != self.login:
                raise RegistryError("the founder is the person who is signed in",
                                    field="login", value=login, term="数据库登录名",
                                    code="registry.founder_not_signed_in")
            with self._write() as conn:
                self._record(conn, S.actors, [self._actor_values(actor, actor_id, None)],
                             actor_id, Role.APPROVER.value, "found_registry")
            return actor
        if by is None:
            raise RegistryError("say who proposes the actor (by=…)", field="by", value=None,
                                term="操作人员", code="registry.proposer_missing")
        obj = f"actors:{actor_id}"
        by = self._require(by, [Role.APPROVER], "add_actor", obj).id
        self._lookalike(actor_id, by)
        payload = {"name": name, "roles": sorted(r.value for r in actor.roles),
                   "supplier": supplier, "login": login}
        with self._write() as conn:
            self._record(conn, S.proposals, [{
                "kind": "actor", "subject": actor_id, "payload": dumps(payload),
                "proposed_by": by, "proposed_at": now()}], by, Role.APPROVER.value,
                "propose_actor")
        return actor

    @staticmethod
    def _actor_values(actor: Actor, by: str, proposed_by: str | None) -> dict[str, Any]:
        return {"id": actor.id, "name": actor.name,
                "roles": ",".join(sorted(r.value for r in actor.roles)),
                "supplier_id": actor.supplier, "recorded_by": by, "recorded_at": now(),
                "login": actor.login, "proposed_by": proposed_by}

    def _proposal(self, kind: str, subject: str, role: str | None = None) -> Proposal:
        for x in self.pending():
            if x.kind == kind and x.subject == subject and (
                    role is None or x.payload.get("role") == role):
                return x
        raise RegistryError("no such pending proposal", field="proposal", value=subject,
                            term="待确认事项", code="registry.no_proposal")

    def _approvers(self) -> list[str]:
        return [a.id for a in self.actors() if Role.APPROVER in a.roles]

    def confirm_actor(self, actor_id: str, *, by: str) -> Actor:
        """Confirm a proposed actor (确认): an approver other than the proposer and not
        proposed by them (four eyes).  While the founder is the only approver, a proposed
        approver accepts their own proposal (the founding pair).  Under a one-person office
        policy the proposer may confirm, marked 单人操作."""
        actor_id = as_id(actor_id, "actor", "操作人员编号")
        by = bounded_actor(by)
        x = self._proposal("actor", actor_id)
        obj = f"actors:{actor_id}"
        data = x.payload
        actor = Actor(actor_id, data["name"], data["roles"], data["supplier"], data["login"])
        founders = self._approvers()
        founding = (by == actor_id and Role.APPROVER in actor.roles and founders == [x.proposed_by]
                    and not self._creators(x.proposed_by))
        solo = False
        if founding:
            if self._bound and self.login != actor.login:
                raise self._deny(self.login, "confirm_actor", obj,
                                 "registry.denied.founding_identity",
                                 "only the proposed person accepts the founding proposal",
                                 field="by", value=by, term="身份")
            proposed_by: str | None = None  # the founding pair: created by nobody
            action = "accept_founding"
        else:
            by, solo = self._confirming(x, by, actor_id, "confirm_actor", obj,
                                        "confirming an actor")
            proposed_by = x.proposed_by
            action = "confirm_actor_solo" if solo else "confirm_actor"
        try:
            with self._write() as conn:
                self._record(conn, S.confirmations, [{
                    "proposal_id": x.id, "confirmed_by": by, "confirmed_at": now(),
                    "solo": 1 if solo else None}], by, Role.APPROVER.value, action)
                self._record(conn, S.actors, [self._actor_values(actor, by, proposed_by)], by,
                             Role.APPROVER.value, "add_actor")
        except IntegrityError:
            raise RegistryError("an actor with this id or login exists", field="actor",
                                value=actor_id, term="操作人员",
                                code="registry.actor_exists") from None
        return actor

    def grant_role(self, actor_id: str, role: Role | str, *, by: str) -> None:
        """Propose a further role for an actor; another approver confirms it
        (:meth:`confirm_role`)."""
        r = next(iter(roles_of([role])))
        target = self.actor(actor_id)
        actor_id = target.id
        obj = f"actor_roles:{actor_id}/{r.value}"
        by = self._require(by, [Role.APPROVER], "grant_role", obj).id
        if r in target.roles:
            raise RegistryError("the actor holds this role", field="role", value=r.value,
                                term="角色", code="registry.role_held")
        if (r is Role.SUPPLIER) != (target.supplier is not None):
            raise RegistryError("a supplier's user holds no purchaser role, and only it holds "
                                "the supplier's", field="role", value=r.value, term="职责分离",
                                code="registry.supplier_with_purchaser_role")
        with self._write() as conn:
            self._record(conn, S.proposals, [{
                "kind": "role", "subject": actor_id, "payload": dumps({"role": r.value}),
                "proposed_by": by, "proposed_at": now()}], by, Role.APPROVER.value,
                "propose_role")

    def confirm_role(self, actor_id: str, role: Role | str, *, by: str) -> Actor:
        """Confirm a proposed role: an approver other than its proposer, not related to them
        by a proposal, and not the actor who receives it."""
        r = next(iter(roles_of([role])))
        actor_id = as_id(actor_id, "actor", "操作人员编号")
        x = self._proposal("role", actor_id, r.value)
        obj = f"actor_roles:{actor_id}/{r.value}"
        by, solo = self._confirming(x, by, actor_id, "confirm_role", obj, "confirming a role")
        with self._write() as conn:
            self._record(conn, S.confirmations, [{
                "proposal_id": x.id, "confirmed_by": by, "confirmed_at": now(),
                "solo": 1 if solo else None}], by, Role.APPROVER.value,
                "confirm_role_solo" if solo else "confirm_role")
            self._record(conn, S.actor_roles, [{
                "actor_id": actor_id, "role": r.value, "proposal_id": x.id,
                "recorded_at": now()}], by, Role.APPROVER.value, "grant_role")
        self._actors.pop(actor_id, None)
        return self.actor(actor_id)
