"""The stored statements as a bureau reads them (结算单查询): the statement in force or a
given version, every version of a period with why it changed, and the findings."""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs
from sqlalchemy import Connection, Row, bindparam, exists, select

from ..dates import Period
from ..errors import RegistryError
from ..findings import Finding
from ..money import Money
from ..statement import Statement
from . import schema as S
from .acceptance import period_versions
from .common import as_id
from .contracts import Contracts, contract_row
from .documents import decisions_of, read_document, unpack_statement

__all__ = ["Q_LATEST", "Queries", "StatementVersion", "StoredStatement", "latest",
           "latest_of", "version_of"]

Q_LATEST = (select(S.statements).where(S.statements.c.contract_id == bindparam("cid"),
                                       S.statements.c.period.in_(
                                           bindparam("periods", expanding=True)))
            .order_by(S.statements.c.period, S.statements.c.version))


@attrs.frozen
class StoredStatement:
    """One stored statement version of a contract-period (结算单版本)."""

    id: int
    contract_id: str
    period: Period
    version: int
    supersedes: int | None
    """The id of the statement this one corrects (更正), or None for the first."""
    payable: Money
    difference: Money
    """What this version adds to pay (positive) or to recover (negative, 应追回)."""
    due_on: date | None
    settled_by: str
    settled_at: str


@attrs.frozen
class StatementVersion:
    """One version of a period's statement as a bureau reads it (结算单版本): the version,
    for a correction (更正结算单) the superseded version's payable and the difference to pay
    (positive) or to recover (negative, 应追回), and why — which recorded input changed."""

    contract_id: str
    period: Period
    version: int
    payable: Money
    superseded_payable: Money | None
    difference: Money
    reason: str
    due_on: date | None
    settled_by: str
    settled_at: str
    audit_seq: int | None = None
    """The position of its settlement's record in the audit chain (审计链位置)."""
    audit_hash: str = ""
    """That record's hash: the chain's head at settlement.  A printed statement carrying it
    is an anchor (``docs/registry.md``, "Anchors")."""
    solo: bool = False
    """The period was paid by the person who settled it (单人操作, a one-person office)."""

    @property
    def correction(self) -> bool:
        return self.version > 1

    @property
    def title_zh(self) -> str:
        """``结算单 第1版`` or ``更正结算单 第2版``."""
        return f"{'更正结算单' if self.correction else '结算单'} 第{self.version}版"

    def lines_zh(self) -> list[str]:
        """The version's heading lines in Chinese (what every view of a statement shows)."""
        out = [self.title_zh]
        if self.superseded_payable is not None:
            d = self.difference
            what = ("应补付" if d > Money.ZERO else "应追回" if d < Money.ZERO else "差额")
            old = self.superseded_payable.format()
            new = self.payable.format()
            gap = (d if d >= Money.ZERO else -d).format()
            out.append(f"更正第{self.version - 1}版：原应付金额 {old}，本版应付金额 {new}，"
                       f"{what} {gap}")
            out.append(f"更正原因：{self.reason or '未说明'}")
        if self.audit_seq is not None:
            out.append(f"审计链位置：第 {self.audit_seq} 条，哈希 {self.audit_hash}")
        if self.solo:
            out.append("单人操作：本期结算与付款由同一人办理（本单位政策允许）")
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"version": self.version, "correction": self.correction,
                "title": self.title_zh, "payable": str(self.payable),
                "superseded_payable": (None if self.superseded_payable is None
                                       else str(self.superseded_payable)),
                "difference": str(self.difference), "reason": self.reason,
                "due_on": None if self.due_on is None else self.due_on.isoformat(),
                "settled_by": self.settled_by, "settled_at": self.settled_at,
                "audit_seq": self.audit_seq, "audit_hash": self.audit_hash, "solo": self.solo}


def latest(conn: Connection, contract_id: str, period: str) -> Row[Any] | None:
    statements = S.statements
    return conn.execute(select(statements).where(statements.c.contract_id == contract_id,
                                                 statements.c.period == period)
                        .order_by(statements.c.version.desc()).limit(1)).first()


def latest_of(conn: Connection, contract_id: str, periods: list[str]
               ) -> dict[str, Row[Any]]:
    """The statement in force of each period (one query)."""
    out: dict[str, Row[Any]] = {}
    for r in conn.execute(Q_LATEST, {"cid": contract_id, "periods": periods}):
        out[r.period] = r
    return out


def version_of(r: Row[Any], record: tuple[int, str] | None, solo: bool
                ) -> StatementVersion:
    doc = read_document(r.document)
    payable = Money.from_fen(r.payable_fen)
    diff = Money.from_fen(r.difference_fen)
    return StatementVersion(
        r.contract_id, Period.parse(r.period), r.version, payable,
        None if r.version == 1 else payable - diff, diff,
        str(doc.get("reason") or ("" if r.version == 1 else "结算所依据的登记内容已变化")),
        r.due_on, r.settled_by, r.settled_at, None if record is None else record[0],
        "" if record is None else record[1], solo)


class Queries(Contracts):
    """Reading the stored statements."""

    def statement(self, contract_id: str, period: Period | str, *,
                  version: int | None = None) -> Statement:
        """The statement in force for a period (the latest version), or a given version,
        explained by the contract's terms as they were when it was settled (the changes
        decided by then)."""
        contract_id = as_id(contract_id, "contract_id", "合同编号")
        p = str(Period.parse(period) if isinstance(period, str) else period)
        statements = S.statements
        with self._read() as conn:
            contract_row(conn, contract_id)
            if version is None:
                row = latest(conn, contract_id, p)
            else:
                row = conn.execute(select(statements).where(
                    statements.c.contract_id == contract_id, statements.c.period == p,
                    statements.c.version == version)).first()
            if row is None:
                raise RegistryError("no statement stored for this period", field="period",
                                    value=p, term="结算单", code="registry.no_statement")
            doc = read_document(row.document)
            pc, _ = self._prepared_contract(conn, contract_id, decisions_of(doc))
        return unpack_statement(doc, pc)

    def statements(self, contract_id: str, *, history: bool = False) -> list[StoredStatement]:
        """Every stored statement of a contract, by period; only the versions in force unless
        ``history``."""
        contract_id = as_id(contract_id, "contract_id", "合同编号")
        statements = S.statements
        with self._read() as conn:
            contract_row(conn, contract_id)
            rows = conn.execute(
                select(*(statements.c[k] for k in (
                    "id", "contract_id", "period", "version", "supersedes", "payable_fen",
                    "difference_fen", "due_on", "settled_by", "settled_at")))
                .where(statements.c.contract_id == contract_id)
                .order_by(statements.c.period, statements.c.version)).all()
        out = [StoredStatement(r.id, r.contract_id, Period.parse(r.period), r.version,
                               r.supersedes, Money.from_fen(r.payable_fen),
                               Money.from_fen(r.difference_fen), r.due_on, r.settled_by,
                               r.settled_at) for r in rows]
        if not history:
            latest = {x.period: x for x in out}
            out = list(latest.values())
        return out

    def statement_history(self, contract_id: str, period: Period | str
                          ) -> list[StatementVersion]:
        """Every version of a period's statement, oldest first: for each correction the
        superseded payable, the difference to pay or recover, and why (结算单版本)."""
        contract_id = as_id(contract_id, "contract_id", "合同编号")
        p = str(Period.parse(period) if isinstance(period, str) else period)
        with self._read() as conn:
            rows = period_versions(conn, S.statements, contract_id, p)
            audit, payments = S.audit, S.payments
            records = {x.object: (x.seq, x.hash) for x in conn.execute(
                select(audit.c.object, audit.c.seq, audit.c.hash).where(
                    audit.c.object.in_([f"statements:{r.id}" for r in rows]),
                    ~audit.c.action.startswith("denied:")))}
            solo = conn.execute(select(payments.c.id).where(
                payments.c.contract_id == contract_id, payments.c.period == p, payments.c.solo == 1)
                .limit(1)).first() is not None
        return [version_of(r, records.get(f"statements:{r.id}"), solo) for r in rows]

    def statement_version(self, contract_id: str, period: Period | str, *,
                          version: int | None = None) -> StatementVersion:
        """One version of a period's statement (default: the one in force) with its
        heading: 更正结算单 第N版, the superseded payable, the difference and why."""
        versions = self.statement_history(contract_id, period)
        for v in versions:
            if (version is None and v is versions[-1]) or v.version == version:
                return v
        raise RegistryError("no statement stored for this period", field="period",
                            value=f"{period} v{version}" if version else str(period),
                            term="结算单", code="registry.no_statement")

    def findings(self, contract_id: str | None = None, period: Period | str | None = None
                 ) -> list[Finding]:
        """The findings of the statements in force (上期未考核, 付款期限过长 …), by contract and
        period, each statement explained by the terms it was settled under.  Two queries,
        whatever the number of contracts and statements: the statements in force with their
        contracts' documents, and the decided changes of those contracts."""
        statements, contracts = S.statements, S.contracts
        decisions, newer = S.change_decisions, S.statements.alias("newer")
        q = (select(statements.c.contract_id, statements.c.document,
                    contracts.c.document.label("terms"))
             .join(contracts, contracts.c.id == statements.c.contract_id)
             .where(~exists().where(newer.c.contract_id == statements.c.contract_id,
                                    newer.c.period == statements.c.period,
                                    newer.c.version > statements.c.version))
             .order_by(statements.c.contract_id, statements.c.period))
        decided_q = select(decisions.c.contract_id, decisions.c.document).order_by(decisions.c.id)
        if period is not None:
            q = q.where(statements.c.period == str(period))
        with self._read() as conn:
            if contract_id:
                contract_id = as_id(contract_id, "contract_id", "合同编号")
                contract_row(conn, contract_id)  # a clear error for an unknown contract
                q = q.where(statements.c.contract_id == contract_id)
                decided_q = decided_q.where(decisions.c.contract_id == contract_id)
            rows = conn.execute(q).all()
            decided: dict[str, list[str]] = {}
            for cid, doc in (conn.execute(decided_q) if rows else ()):
                decided.setdefault(cid, []).append(doc)
        out: list[Finding] = []
        for row in rows:
            data = read_document(row.document)
            n = decisions_of(data)
            changes = decided.get(row.contract_id, [])
            pc, _ = self._prepared_from(row.contract_id, row.terms,
                                        changes if n is None else changes[:n])
            out.extend(unpack_statement(data, pc).findings)
        return out
