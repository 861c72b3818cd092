"""Changes of a contract (合同变更): proposed, then signed or rejected by another person."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import attrs
from sqlalchemy import Row, select
from sqlalchemy.exc import IntegrityError

from ..changes import Change, ChangeStatus, Terminate, Timeline
from ..errors import RegistryError
from ..serialize import structure, unstructure
from . import schema as S
from .access import Actor, Role
from .common import as_exact, as_id, as_text, dumps, now
from .contracts import Contracts, contract_row

__all__ = ["ChangeRecord", "Changes"]


@attrs.frozen
class ChangeRecord:
    """A change with its history: proposed by whom and when, decided by whom and when."""

    change: Change
    status: ChangeStatus
    proposed_by: str
    proposed_at: str
    decided_by: str | None = None
    decided_at: str | None = None


class Changes(Contracts):
    """Proposing and deciding changes, four eyes on each decision."""

    def propose_change(self, contract_id: str, change: Change, *, by: str) -> None:
        """Record a proposed (pending, 待签) change; officers and the contract's supplier may
        propose."""
        contract_id = as_id(contract_id, "contract_id", "合同编号")
        if isinstance(change, Change):
            as_exact(change.id, "change.id", "变更编号")
        obj = f"changes:{contract_id}/{getattr(change, 'id', '?')}"
        actor = self._require(by, [Role.OFFICER, Role.SUPPLIER], "propose_change", obj)
        by = actor.id
        with self._read() as conn:
            tl, row, _ = self._timeline(conn, contract_id)
        if actor.roles == {Role.SUPPLIER} and actor.supplier != row.supplier_id:
            raise self._deny(by, "propose_change", obj, "registry.denied.other_supplier",
                             "a supplier's user proposes changes to its own contracts only",
                             field="by", value=by)
        tl.propose(change)  # a clear error for a change that is not pending or a duplicate
        values = {"contract_id": contract_id, "change_id": change.id,
                  "kind": type(change.action).KIND, "effective": change.effective,
                  "document": dumps(unstructure(change)), "proposed_by": by,
                  "proposed_at": now()}
        try:
            with self._write() as conn:
                self._record(conn, S.changes, [values], by,
                             self._role(actor, [Role.OFFICER, Role.SUPPLIER]), "propose_change")
        except IntegrityError:
            raise RegistryError("a change with this id is recorded already",
                                field="change.id", value=change.id, term="变更编号",
                                code="registry.change_exists") from None

    def _decide(self, contract_id: str, change_id: str, by: str, action: str
                ) -> tuple[Timeline, Actor, Row[Any], str]:
        change_id = as_id(change_id, "change_id", "变更编号")
        obj = f"changes:{contract_id}/{change_id}"
        actor = self._require(by, [Role.APPROVER], action, obj)
        by = actor.id
        with self._read() as conn:
            tl, row, _ = self._timeline(conn, contract_id)
            proposed = conn.execute(select(S.changes.c.proposed_by).where(
                S.changes.c.contract_id == contract_id,
                S.changes.c.change_id == change_id)).scalar_one_or_none()
        if proposed is None:
            raise RegistryError("no such proposed change", field="change_id", value=change_id,
                                term="变更编号", code="registry.unknown_change")
        if all(p.id != change_id for p in tl.pending):
            raise RegistryError("the change is decided already (signed or rejected)",
                                field="change_id", value=change_id, term="变更状态",
                                code="registry.change_decided")
        if actor.supplier is not None and actor.supplier == row.supplier_id:
            raise self._deny(by, action, obj, "registry.denied.own_contract",
                             "a supplier's user cannot sign or approve a change of its own "
                             "contract", field="by", value=by)
        if proposed == by:
            raise self._deny(by, action, obj, "registry.denied.proposer_only_approver",
                             "whoever proposed a change cannot sign or reject it; another "
                             "approver decides it", field="by", value=by)
        self._separate(proposed, by, action, obj, what="deciding a change")
        return tl, actor, row, obj

    def sign_change(self, contract_id: str, change_id: str, *, by: str,
                    signed_on: date | None = None, today: date | None = None) -> Change:
        """Sign a pending change after the library's checks (政府采购法 第四十九条、第五十条):
        :class:`~outsourcing.errors.ChangeRejected` leaves it pending.  The signer is an
        approver who did not propose it and does not work for the supplier."""
        contract_id = as_id(contract_id, "contract_id", "合同编号")
        tl, actor, row, obj = self._decide(contract_id, change_id, by, "sign_change")
        by, change_id = actor.id, as_id(change_id, "change_id", "变更编号")
        rb = self.plugins.rulebook(row.jurisdiction)
        signed_tl = tl.sign(change_id, rb, today=today, signed_on=signed_on or today,
                            approved_by=by)
        change = signed_tl.change(change_id)
        return self._record_decision(contract_id, change, "signed", by, actor, obj,
                                     signed_tl.term.end if signed_tl.term != tl.term else None,
                                     signed_tl)

    def reject_change(self, contract_id: str, change_id: str, reason: str, *, by: str
                      ) -> Change:
        """Reject a pending change with the reason (驳回)."""
        contract_id = as_id(contract_id, "contract_id", "合同编号")
        tl, actor, _, obj = self._decide(contract_id, change_id, by, "reject_change")
        by, change_id = actor.id, as_id(change_id, "change_id", "变更编号")
        reason = as_text(reason, "reason", "驳回理由", empty=False)
        new = tl.reject(change_id, reason)
        return self._record_decision(contract_id, new.change(change_id), "rejected", by,
                                     actor, obj, None, None)

    def _record_decision(self, contract_id: str, change: Change, decision: str, by: str,
                         actor: Actor, obj: str, term_end: date | None,
                         timeline: Timeline | None) -> Change:
        ends = decision == "signed" and isinstance(change.action, Terminate)
        values = {"contract_id": contract_id, "change_id": change.id, "decision": decision,
                  "term_end": term_end, "terminates": 1 if ends else None,
                  "document": dumps(unstructure(change)),
                  "decided_by": by, "decided_at": now()}
        try:
            with self._write() as conn:
                self._record(conn, S.change_decisions, [values], by, Role.APPROVER.value,
                             f"{decision}_change")
                self._keep_compiled(conn, contract_id)  # compiled once, when decided
                if timeline is not None:
                    known = set(conn.execute(select(S.contract_lines.c.line_id).where(
                        S.contract_lines.c.contract_id == contract_id)).scalars())
                    new = [x for lid, x in timeline.all_lines().items() if lid not in known]
                    self._record(conn, S.contract_lines, [
                        {"contract_id": contract_id, "line_id": x.id, "service": x.service,
                         "site": x.site} for x in new], by, Role.APPROVER.value,
                        f"{decision}_change")
        except IntegrityError:
            raise RegistryError("the change was decided meanwhile", field="change_id",
                                value=change.id, term="变更状态",
                                code="registry.change_decided") from None
        return change

    def changes(self, contract_id: str) -> list[ChangeRecord]:
        """Every change of a contract in the order proposed, with who and when."""
        contract_id = as_id(contract_id, "contract_id", "合同编号")
        changes, decisions = S.changes, S.change_decisions
        with self._read() as conn:
            contract_row(conn, contract_id)
            rows = conn.execute(
                select(changes.c.document, changes.c.proposed_by, changes.c.proposed_at,
                       decisions.c.document, decisions.c.decided_by, decisions.c.decided_at)
                .select_from(changes.outerjoin(
                    decisions, (decisions.c.contract_id == changes.c.contract_id)
                    & (decisions.c.change_id == changes.c.change_id)))
                .where(changes.c.contract_id == contract_id).order_by(changes.c.id)).all()
        out = []
        for pdoc, pby, pat, ddoc, dby, dat in rows:
            c = structure(json.loads(ddoc or pdoc), Change)
            out.append(ChangeRecord(c, c.status, pby, pat, dby, dat))
        return out
