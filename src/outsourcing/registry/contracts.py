"""Contracts (合同): recorded with their own terms, read back as recorded, with their
changes as a timeline, prepared for settlement, and listed by status."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import attrs
from sqlalchemy import Connection, Row, bindparam, select
from sqlalchemy.exc import IntegrityError

from ..catalogue import KpiSpec
from ..changes import Change, Timeline, cap_report
from ..changes.report import CapReport
from ..errors import OutsourcingError, RegistryError
from ..model import Contract
from ..payment import ContractRules, PaymentRule
from ..plan import InstalmentPlan, PeriodicPlan
from ..serialize import structure
from ..settlement import PreparedContract, prepare
from ..terms import ContractTerms
from . import compiled
from . import schema as S
from .access import Guarded, Role
from .common import as_id, as_text, check_contract_ids, dumps, now, sha
from .compiled import Compiled
from .documents import FORMAT, terms_of
from .units import unit_for_contract

__all__ = ["ContractInfo", "Contracts", "contract_row", "term_ends"]

Q_CONTRACT_DOC = select(S.contracts.c.document).where(S.contracts.c.id == bindparam("cid"))
Q_DECIDED = (select(S.change_decisions.c.document)
             .where(S.change_decisions.c.contract_id == bindparam("cid"))
             .order_by(S.change_decisions.c.id))


@attrs.frozen
class ContractInfo:
    """A contract's indexed facts, as the queries return them (合同概况)."""

    id: str
    title: str
    jurisdiction: str
    purchaser_id: str
    supplier_id: str
    term_start: date
    term_end: date
    """The last day of the term after signed changes (a new end, a termination)."""
    status: str
    """``pending`` (not started), ``in_force`` (履行中), ``ended`` (已到期) or
    ``terminated`` (已解除), on the date asked."""
    services: tuple[str, ...]
    sites: tuple[str, ...]
    unit: str | None = None
    """The unit (单位) the contract belongs to, as recorded (None: the root of the tree)."""


def contract_row(conn: Connection, contract_id: str) -> Row[Any]:
    row = conn.execute(select(S.contracts).where(S.contracts.c.id == contract_id)).first()
    if row is None:
        raise RegistryError("no such contract in the registry", field="contract_id",
                            value=contract_id, term="合同编号",
                            code="registry.unknown_contract")
    return row


def term_ends(conn: Connection) -> dict[str, tuple[date, bool]]:
    """Each contract whose signed changes moved its last day: that day (the latest decision
    that moved it), and whether it was a termination (``change_decisions.terminates``)."""
    decisions = S.change_decisions
    out: dict[str, tuple[date, bool]] = {}
    for cid, end, terminates in conn.execute(
            select(decisions.c.contract_id, decisions.c.term_end, decisions.c.terminates)
            .where(decisions.c.term_end.is_not(None)).order_by(decisions.c.id)):
        out[cid] = (end, terminates == 1)
    return out


class Contracts(Guarded):
    """Recording and reading contracts."""

    def add_contract(self, contract: Contract, *, by: str,
                     rules: Mapping[str, PaymentRule] | None = None,
                     kpis: Mapping[str, Sequence[KpiSpec]] | None = None,
                     contract_rules: ContractRules | None = None,
                     adopt: Sequence[str] = (),
                     plan: InstalmentPlan | PeriodicPlan | None = None,
                     unit: str | None = None) -> None:
        """Record a contract in its ``unit`` (单位; None: the root of the unit tree, see
        :mod:`outsourcing.registry.units`) with its own settlement terms (each line's payment
        rule and KPIs, where the contract sets them; otherwise the plugins and rulebook
        decide), its
        contract-wide terms (``ContractRules()``: none; None: the defaults, marked), the
        defaults it adopts by name and its payment plan (see
        :class:`~outsourcing.terms.ContractTerms`)."""
        if not isinstance(contract, Contract):
            raise RegistryError(f"a {type(contract).__name__} is not a Contract",
                                field="contract", value=repr(contract), term="合同",
                                code="registry.not_a_contract")
        check_contract_ids(contract)
        obj = f"contracts:{contract.id}"
        actor = self._require(by, [Role.OFFICER], "add_contract", obj)
        by = actor.id
        self.plugins.rulebook(contract.jurisdiction)  # an unknown jurisdiction fails here
        terms = ContractTerms(contract, rules or {}, kpis or {}, contract_rules, adopt, plan)
        # the contract's own terms must prepare: a bad rule fails now, not at settlement
        prepare(contract, self.plugins.rulebook(contract.jurisdiction), rules=terms.rules,
                kpis=terms.kpis, contract_rules=contract_rules, adopt=terms.adopt)
        doc = dumps({"format": FORMAT, **terms.to_dict()})
        values = {"id": contract.id, "jurisdiction": contract.jurisdiction,
                  "purchaser_id": contract.purchaser.id, "supplier_id": contract.supplier.id,
                  "title": contract.title, "term_start": contract.term.start,
                  "term_end": contract.term.end, "document": doc, "recorded_by": by,
                  "recorded_at": now()}
        role = self._role(actor, [Role.OFFICER])
        try:
            with self._write() as conn:
                values["unit_id"] = unit_for_contract(conn, unit)
                self._record(conn, S.contracts, [values], by, role, "add_contract")
                self._record(conn, S.contract_lines, [
                    {"contract_id": contract.id, "line_id": x.id, "service": x.service,
                     "site": x.site} for x in contract.lines], by, role, "add_contract")
                self._keep_compiled(conn, contract.id)  # compiled once, at signing
        except IntegrityError:
            raise RegistryError("a contract with this id is recorded already",
                                field="contract.id", value=contract.id, term="合同编号",
                                code="registry.contract_exists") from None

    def contract(self, contract_id: str) -> Contract:
        """The contract as recorded (without its changes: see :meth:`timeline`)."""
        contract_id = as_id(contract_id, "contract_id", "合同编号")
        with self._read() as conn:
            return terms_of(contract_row(conn, contract_id).document).contract

    def terms(self, contract_id: str) -> tuple[dict[str, PaymentRule],
                                               dict[str, list[KpiSpec]]]:
        """The contract's own settlement terms as recorded with it (:meth:`add_contract`):
        the payment rule and the KPIs of each line that sets them, by line id.  A line not
        listed takes the plugins' and the rulebook's terms.  An unknown contract is
        ``registry.unknown_contract``."""
        contract_id = as_id(contract_id, "contract_id", "合同编号")
        with self._read() as conn:
            t = terms_of(contract_row(conn, contract_id).document)
        return t.rules, {k: list(v) for k, v in t.kpis.items()}

    def contract_terms(self, contract_id: str) -> ContractTerms:
        """The contract as recorded with every term it states (its lines' rules and KPIs,
        the contract-wide terms, the adopted defaults, the payment plan)."""
        contract_id = as_id(contract_id, "contract_id", "合同编号")
        with self._read() as conn:
            return terms_of(contract_row(conn, contract_id).document)

    def _timeline(self, conn: Connection, contract_id: str) -> tuple[
            Timeline, Row[Any], str]:
        row = contract_row(conn, contract_id)
        contract = terms_of(row.document).contract
        decided = conn.execute(select(S.change_decisions.c.document)
                               .where(S.change_decisions.c.contract_id == contract_id)
                               .order_by(S.change_decisions.c.id)).scalars().all()
        pending = conn.execute(
            select(S.changes.c.document).where(
                S.changes.c.contract_id == contract_id,
                ~S.changes.c.change_id.in_(
                    select(S.change_decisions.c.change_id)
                    .where(S.change_decisions.c.contract_id == contract_id)))
            .order_by(S.changes.c.id)).scalars().all()
        tl = Timeline(contract, changes=[structure(json.loads(d), Change) for d in decided],
                      pending=[structure(json.loads(d), Change) for d in pending])
        return tl, row, sha(row.document + "".join(decided))

    def _prepared_contract(self, conn: Connection, contract_id: str,
                           decisions: int | None = None) -> tuple[PreparedContract, str]:
        """The contract with its signed changes, prepared for settlement; kept while neither
        the contract nor its decisions change (the key hashes their stored documents).
        ``decisions`` keeps only the first so many decided changes: the terms as they were
        when a stored statement was settled."""
        doc = conn.execute(Q_CONTRACT_DOC, {"cid": contract_id}).scalar_one_or_none()
        if doc is None:
            contract_row(conn, contract_id)  # the clear error
        decided = conn.execute(Q_DECIDED, {"cid": contract_id}).scalars().all()
        if decisions is not None:
            decided = decided[:decisions]
        return self._prepared_from(contract_id, str(doc), decided)

    def _prepared_from(self, contract_id: str, doc: str, decided: Sequence[str]
                       ) -> tuple[PreparedContract, str]:
        """The contract of the stored document ``doc`` with the decided changes ``decided``
        (their documents, in order), prepared; kept by a key that hashes the documents."""
        key = sha(doc + "".join(decided))
        pc = self._prepared.get((contract_id, key))
        if pc is None:
            t = terms_of(doc)
            tl = Timeline(t.contract, changes=[structure(json.loads(d), Change)
                                               for d in decided])
            pc = prepare(tl, self.plugins.rulebook(t.contract.jurisdiction), rules=t.rules,
                         kpis=t.kpis, contract_rules=t.contract_rules, adopt=t.adopt)
            self._cache_prepared(contract_id, key, pc)
        return pc, key

    def _cache_prepared(self, contract_id: str, key: str, pc: PreparedContract) -> None:
        """Keep a prepared contract in this process (a region's worth; then start again)."""
        if len(self._prepared) >= 65536:
            self._prepared.clear()
        self._prepared[(contract_id, key)] = pc

    def _prepared_many(self, conn: Connection, ids: Sequence[str]) -> tuple[
            dict[str, tuple[PreparedContract, str] | OutsourcingError], list[Compiled]]:
        """Several contracts prepared as :meth:`_prepared_contract` prepares one: the
        compiled form kept for the decisions and rules in force
        (:mod:`~outsourcing.registry.compiled`; two queries), else compiled from the
        documents (two more) — those are returned too, to be kept.  A contract that does
        not prepare is its error."""
        counts, kept = compiled.decision_counts(conn, ids), compiled.stored(conn, ids)
        out: dict[str, tuple[PreparedContract, str] | OutsourcingError] = {}
        missing = []
        for cid in ids:
            found = self._compiled_row(cid, counts.get(cid, 0), kept.get(cid, ()))
            if found is None:
                missing.append(cid)
            else:
                out[cid] = found
        if not missing:
            return out, []
        contracts, decisions = S.contracts, S.change_decisions
        docs: dict[str, str] = {}
        for cid, doc in conn.execute(select(contracts.c.id, contracts.c.document)
                                     .where(contracts.c.id.in_(missing))):
            docs[cid] = doc
        decided: dict[str, list[str]] = {}
        for cid, d in conn.execute(select(decisions.c.contract_id, decisions.c.document)
                                   .where(decisions.c.contract_id.in_(missing))
                                   .order_by(decisions.c.id)):
            decided.setdefault(cid, []).append(d)
        fresh: list[Compiled] = []
        for cid in missing:
            try:
                if cid not in docs:
                    contract_row(conn, cid)  # the clear error
                pc, key = out[cid] = self._prepared_from(cid, docs[cid], decided.get(cid, []))
            except OutsourcingError as exc:
                out[cid] = exc
                continue
            fresh.append((cid, len(decided.get(cid, [])), key,
                          compiled.rules_key(self.plugins, pc.contract.jurisdiction), pc))
        return out, fresh

    def _compiled_row(self, cid: str, decisions: int, rows: Sequence[Any]
                      ) -> tuple[PreparedContract, str] | None:
        """The contract prepared from the newest kept compiled form of its ``decisions``
        decided changes under the rules in force (kept in this process once read), or None:
        compile it from the documents."""
        for r in reversed(rows):
            if (r.decisions != decisions
                    or r.rules_key != compiled.rules_key(self.plugins, r.jurisdiction)):
                continue
            pc = self._prepared.get((cid, r.terms_hash))
            if pc is None and compiled.trusted(self.keys, r):
                pc = compiled.decode(r.body)
                if pc is not None:
                    self._cache_prepared(cid, r.terms_hash, pc)
            return None if pc is None else (pc, r.terms_hash)
        return None

    def _keep_compiled(self, conn: Connection, contract_id: str) -> None:
        """Compile the contract with its decided changes as they stand in this transaction
        and keep the compiled form (at signing: :meth:`add_contract`, a decided change)."""
        doc = conn.execute(Q_CONTRACT_DOC, {"cid": contract_id}).scalar_one()
        decided = conn.execute(Q_DECIDED, {"cid": contract_id}).scalars().all()
        try:
            pc, key = self._prepared_from(contract_id, str(doc), decided)
        except OutsourcingError:  # the month reports it, contract by contract
            return
        compiled.keep(conn, self.keys, [(contract_id, len(decided), key, compiled.rules_key(
            self.plugins, pc.contract.jurisdiction), pc)])

    def prepared(self, contract_id: str) -> PreparedContract:
        """The contract with its signed changes and its own terms, prepared for settlement
        as :meth:`settle` uses it (e.g. which lines need usage in a period:
        :meth:`PreparedContract.usage_lines`)."""
        with self._read() as conn:
            return self._prepared_contract(conn, contract_id)[0]

    def timeline(self, contract_id: str) -> Timeline:
        """The contract with its decided changes and the pending ones (变更时间线)."""
        contract_id = as_id(contract_id, "contract_id", "合同编号")
        with self._read() as conn:
            return self._timeline(conn, contract_id)[0]

    def contracts(self, *, supplier: str | None = None, service: str | None = None,
                  site: str | None = None, jurisdiction: str | None = None,
                  status: str | None = None, on: date | None = None) -> list[ContractInfo]:
        """Contracts by supplier, service, site, jurisdiction and status on ``on`` (default:
        today); every filter is optional."""
        on = on or date.today()
        supplier, service, site, jurisdiction = (
            None if v is None else as_text(v, f, t, kind="name", empty=False)
            for v, f, t in ((supplier, "supplier", "供应商编号"), (service, "service", "服务类别"),
                            (site, "site", "办公区"), (jurisdiction, "jurisdiction", "辖区")))
        contracts = S.contracts
        q = select(*(contracts.c[k] for k in ("id", "title", "jurisdiction", "purchaser_id",
                                              "supplier_id", "term_start", "term_end", "unit_id"))
                   ).order_by(contracts.c.id)
        if supplier is not None:
            q = q.where(contracts.c.supplier_id == supplier)
        if jurisdiction is not None:
            q = q.where(contracts.c.jurisdiction == jurisdiction)
        lines = S.contract_lines
        if service is not None:
            q = q.where(contracts.c.id.in_(select(lines.c.contract_id)
                                           .where(lines.c.service == service)))
        if site is not None:
            q = q.where(contracts.c.id.in_(select(lines.c.contract_id).where(lines.c.site == site)))
        with self._read() as conn:
            rows = conn.execute(q).all()
            ends = term_ends(conn)
            by_contract: dict[str, list[tuple[str, str]]] = {}
            for cid, svc, st in conn.execute(select(lines.c.contract_id, lines.c.service,
                                                    lines.c.site).order_by(lines.c.id)):
                by_contract.setdefault(cid, []).append((svc, st))
        out = []
        for r in rows:
            end, terminated = ends.get(r.id, (r.term_end, False))
            state = ("pending" if on < r.term_start else
                     "in_force" if on <= end else "terminated" if terminated else "ended")
            if status is not None and state != status:
                continue
            ls = by_contract.get(r.id, [])
            out.append(ContractInfo(r.id, r.title, r.jurisdiction, r.purchaser_id,
                                    r.supplier_id, r.term_start, end, state,
                                    tuple(dict.fromkeys(s for s, _ in ls)),
                                    tuple(dict.fromkeys(s for _, s in ls)), r.unit_id))
        return out

    def headroom(self, on: date | None = None) -> list[CapReport]:
        """The supplementary-contract cap report of every contract (补充合同额度): used,
        left, additions and savings, each with its change."""
        out = []
        for info in self.contracts(on=on):
            tl = self.timeline(info.id)
            out.append(cap_report(tl, self.plugins.rulebook(info.jurisdiction), on))
        return out
