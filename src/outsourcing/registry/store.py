"""The store of record (登记库): see :mod:`outsourcing.registry` and ``docs/registry.md``."""

from __future__ import annotations

import hashlib
import json
import os
import weakref
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any, TypeVar

import attrs
from sqlalchemy import (
    Connection,
    Engine,
    Row,
    Table,
    bindparam,
    func,
    select,
    text,
    update,
)
from sqlalchemy.exc import DatabaseError, DBAPIError, IntegrityError

from .._validators import clean_text, lookalike_key
from ..catalogue import KpiSpec
from ..changes import Change, ChangeStatus, Timeline, cap_report
from ..changes.report import CapReport
from ..dates import Period
from ..due import InterestTerm, interest_term
from ..errors import AccessDenied, OutsourcingError, RegistryError
from ..findings import Finding
from ..model import Contract
from ..money import Money, div_half_up
from ..payment import ContractRules, PaymentRule
from ..performance import Assessment
from ..plan import InstalmentPlan, PeriodicPlan
from ..plugins import PluginHost as PluginRegistry
from ..plugins import load
from ..rules import RuleBook
from ..serialize import structure, unstructure
from ..settlement import PreparedContract, prepare
from ..statement import Carry, LineCarry, Statement
from ..terms import ContractTerms
from ..usage import Usage
from . import chain
from . import schema as S
from .chain import Anchor, AuditKeys, link_hash
from .migrate import current_revision, head
from .migrate import database_engine as _engine
from .migrate import database_url as _url
from .migrate import migrate as run_migrations
from .verify import Verification
from .verify import verify as verify_chain

__all__ = [
    "Acceptance",
    "Accepted",
    "Actor",
    "Anchor",
    "AuditKeys",
    "AuditRecord",
    "BatchResult",
    "ChangeRecord",
    "ContractInfo",
    "Due",
    "Imported",
    "PaymentRecord",
    "Proposal",
    "Registry",
    "Role",
    "Settled",
    "StatementVersion",
    "StoredStatement",
    "UsageRecorded",
    "Verification",
]

T = TypeVar("T")
V = TypeVar("V")  # an item written as a versioned row (assessment, usage, acceptance)
UNKNOWN = "unknown"
"""The role written on the refusal of an unknown actor (rate-limited)."""
FORMAT = 2
"""The version of the stored documents' layout."""


class Role(StrEnum):
    """What an actor may do (角色)."""

    OFFICER = "officer"
    """Purchaser's officer (经办人): records contracts, proposes changes, settles."""
    APPROVER = "approver"
    """Approver (审批人): signs or rejects changes, adds actors."""
    ASSESSOR = "assessor"
    """Assessor (考核人): records assessments and their corrections."""
    FINANCE = "finance"
    """Finance (财务): settles and records payments."""
    SUPPLIER = "supplier"
    """A supplier's user (供应商): proposes changes to its own contracts, reads."""

    @property
    def zh(self) -> str:
        return {"officer": "经办人", "approver": "审批人", "assessor": "考核人",
                "finance": "财务", "supplier": "供应商"}[self.value]


def _roles(v: Iterable[Role | str]) -> frozenset[Role]:
    if isinstance(v, str):
        v = [v]
    try:
        return frozenset(Role(r) for r in v)
    except ValueError:
        raise RegistryError(f"unknown role; roles: {', '.join(r.value for r in Role)}",
                            field="roles", value=list(v), term="角色",
                            code="registry.unknown_role",
                            zh="未知角色；可用角色：经办人、审批人、考核人、财务、供应商") from None


@attrs.frozen
class Actor:
    """A person who writes to the registry, with roles; ``supplier`` names the supplier a
    supplier's user works for (操作人员)."""

    id: str
    name: str
    roles: frozenset[Role] = attrs.field(converter=_roles)
    supplier: str | None = None
    login: str | None = None
    """The person's own database login (PostgreSQL), which the registry maps to them."""


@attrs.frozen
class Proposal:
    """A proposed actor or role awaiting another approver's confirmation (待确认的提名)."""

    id: int
    kind: str
    """``actor`` or ``role``."""
    subject: str
    payload: Mapping[str, Any]
    proposed_by: str
    proposed_at: str


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


@attrs.frozen
class ChangeRecord:
    """A change with its history: proposed by whom and when, decided by whom and when."""

    change: Change
    status: ChangeStatus
    proposed_by: str
    proposed_at: str
    decided_by: str | None = None
    decided_at: str | None = None


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
class Acceptance:
    """A recorded acceptance of a period (验收记录): the day the purchaser accepted the
    period's service, the agreed acceptance deadline if any, who accepted, and — for a
    correction (version 2 on) — why it changed.  Settlement reads the version in force."""

    contract_id: str
    period: Period
    version: int
    accepted_on: date
    acceptance_due: date | None
    accepted_by: str
    reason: str
    recorded_by: str
    recorded_at: str


@attrs.frozen
class Accepted:
    """What :meth:`Registry.accept` did: the acceptance in force and whether it was
    written (the same values again write nothing)."""

    acceptance: Acceptance
    written: bool

    @property
    def correction(self) -> bool:
        return self.written and self.acceptance.version > 1


@attrs.frozen
class Imported:
    """What :meth:`Registry.import_assessments` did, line by line (one transaction)."""

    new: tuple[str, ...]
    """Lines recorded for the first time in their period."""
    same: tuple[str, ...]
    """Lines recorded already with the same values: nothing written."""
    corrected: tuple[str, ...]
    """Lines whose values changed, recorded as a correction (更正) with the reason."""


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


@attrs.frozen
class Settled:
    """What :meth:`Registry.settle` did: the statement in force and whether it was written."""

    statement: Statement
    version: int
    written: bool
    """False when the same inputs had been settled already (nothing written)."""
    correction: bool
    """True when this version supersedes an earlier one (更正结算单)."""
    difference: Money
    """The payable minus the superseded version's payable (the first: the payable)."""


@attrs.frozen
class UsageRecorded:
    """What :meth:`Registry.record_usage` did with one line's usage (实际用量录入结果)."""

    line: str
    period: Period
    version: int
    """The version in force after the call."""
    written: bool
    """False when the same values were recorded already (nothing written)."""
    correction: bool
    """True when this version supersedes an earlier one (更正)."""


@attrs.frozen
class BatchResult:
    """What :meth:`Registry.settle_all` did, contract by contract."""

    period: Period
    written: tuple[str, ...]
    unchanged: tuple[str, ...]
    corrected: tuple[str, ...]
    failed: tuple[tuple[str, str, str], ...]
    """(contract id, error code, message) for each contract that could not be settled."""


@attrs.frozen
class PaymentRecord:
    """A payment as recorded (付款记录): positive a payment, negative a recovery (追回) or
    a reversal (冲正: ``reverses`` the id of the payment it reverses, with ``reason``)."""

    id: int
    contract_id: str
    period: Period
    amount: Money
    paid_on: date
    reference: str
    reverses: int | None = None
    reason: str = ""
    recorded_by: str = ""
    recorded_at: str = ""


@attrs.frozen
class Due:
    """A settled period's amount due on a date, what was paid and the late interest
    (应付款项)."""

    contract_id: str
    period: Period
    version: int
    due_on: date | None
    payable: Money
    paid: Money
    outstanding: Money
    """Payable minus paid: to pay (positive) or to recover after a correction (negative)."""
    overdue_days: int
    """Days past the due date: of what is unpaid on the day asked, or, for a period paid
    late, of its latest late payment."""
    late_interest: Money
    """Interest accrued by ``on``: on every payment made after the due date and on what is
    still unpaid, at the settlement's interest term (the contract's agreed rate; for an SME
    without one 保障中小企业款项支付条例 第十五条; for a large supplier without one none)."""
    rule_id: str | None
    citation: str | None
    status: str = "未到期"
    """未到期 (not yet due), 已逾期 (overdue, unpaid), 逾期已付 (paid, late: the interest is
    owed), 已付清 (paid) or 待追回 (overpaid after a correction: ``to_recover``)."""

    @property
    def overdue(self) -> bool:
        return self.overdue_days > 0 and self.outstanding > Money.ZERO

    @property
    def to_recover(self) -> Money:
        """The amount to recover from the supplier (待追回), else zero."""
        return -self.outstanding if self.outstanding < Money.ZERO else Money.ZERO


@attrs.frozen
class AuditRecord:
    """One link of the audit chain (审计记录)."""

    seq: int
    at: str
    actor: str
    role: str
    action: str
    object: str
    content_hash: str
    prev_hash: str
    hash: str


# --- hashing ---------------------------------------------------------------------------------

def row_hash(table: str, row: Mapping[str, Any]) -> str:
    """The content hash of a stored row: its audited columns, in a canonical JSON form (a
    column a later revision added, :data:`~outsourcing.registry.schema.HASHED_LATER`, when
    it holds a value)."""
    return chain.row_hash(S.HASHED[table], S.HASHED_LATER.get(table, ()), row)


def _sha(text: str | bytes) -> str:
    return hashlib.sha256(text.encode() if isinstance(text, str) else text).hexdigest()


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _id(value: Any, field: str, term: str = "编号") -> str:
    """An id argument, checked and NFC-normalised before any query (the same limits on
    every database: :func:`outsourcing._validators.clean_text`)."""
    return clean_text(value, field=field, term=term, kind="id", error=RegistryError,
                      code="registry.bad_id")


def _text(value: Any, field: str, term: str, kind: str = "note", empty: bool = True) -> str:
    """A name or a free text (reason, reference), checked and NFC-normalised."""
    return clean_text(value, field=field, term=term, kind=kind, error=RegistryError,
                      code=f"registry.bad_{kind}", empty=empty)


def _exact(value: Any, field: str, term: str, kind: str = "id") -> str:
    """An id or name inside an object the store records: checked like an argument, and
    refused (``registry.bad_id``) when it is not already in NFC form — the store never
    records a document whose ids differ from its indexed columns."""
    clean = clean_text(value, field=field, term=term, kind=kind, error=RegistryError,
                       code=f"registry.bad_{kind}")
    if clean != value:
        raise RegistryError("is not in Unicode NFC form", field=field,
                            value=str(value).encode("unicode_escape").decode("ascii")[:80],
                            term=term, code=f"registry.bad_{kind}",
                            zh=f"{term}不是 Unicode NFC 规范形式，请先规范化")
    return clean


def _contract_ids(contract: Contract) -> None:
    """The ids and names of a contract that the store indexes, checked before the database
    (the same limits on SQLite and PostgreSQL)."""
    _exact(contract.id, "contract.id", "合同编号")
    _exact(contract.purchaser.id, "contract.purchaser.id", "采购人编号")
    _exact(contract.supplier.id, "contract.supplier.id", "供应商编号")
    _exact(contract.jurisdiction, "contract.jurisdiction", "辖区")
    _exact(contract.title, "contract.title", "合同名称", kind="name")
    for n, line in enumerate(contract.lines):
        _exact(line.id, f"contract.lines[{n}].id", "服务项目编号")
        _exact(line.service, f"contract.lines[{n}].service", "服务类别")
        _exact(line.site, f"contract.lines[{n}].site", "办公区", kind="name")


def _payment_day(paid_on: Any, period: Period, today: date) -> None:
    """A payment's day: a date, not after ``today`` and not before the period's last day."""
    if not isinstance(paid_on, date) or isinstance(paid_on, datetime):
        raise RegistryError("paid_on is a date", field="paid_on", value=repr(paid_on),
                            term="付款日期", code="registry.bad_input", zh="付款日期须为日期")
    if paid_on > today:
        raise RegistryError(f"a payment cannot be dated after today ({today})",
                            field="paid_on", value=paid_on.isoformat(), term="付款日期",
                            code="registry.payment_in_future",
                            zh=f"付款日期 {paid_on} 晚于今日 {today}，不能登记未来的付款")
    if paid_on < period.end:
        raise RegistryError(
            f"a payment for {period} cannot be dated before the period's last day "
            f"({period.end}): the contract records no prepayment for it",
            field="paid_on", value=paid_on.isoformat(), term="付款日期",
            code="registry.payment_before_period_end",
            zh=f"付款日期 {paid_on} 早于 {period} 的最后一天 {period.end}；合同未约定该期预付款")


def _sum_by_period(payments: Iterable[PaymentRecord]) -> dict[Period, Money]:
    out: dict[Period, Money] = {}
    for x in payments:
        out[x.period] = out.get(x.period, Money.ZERO) + x.amount
    return out


def _bounded_actor(value: Any) -> str:
    """What the audit trail records as the actor of a refusal: the id when it is a valid
    one, else a fixed-length stand-in (``?`` and 16 hex digits of its SHA-256), so a refusal
    of any value is recorded and bounded."""
    try:
        return _id(value, "by")
    except RegistryError:
        return "?" + hashlib.sha256(repr(value).encode("utf-8", "backslashreplace")
                                    ).hexdigest()[:16]


def _pack_statement(s: Statement, decisions: int, inputs: Mapping[str, Any] | None = None,
                    reason: str = "") -> tuple[bytes, str]:
    """The stored document (zlib-compressed JSON, versioned: the compact statement, the
    number of decided changes its terms included, the code, severity and message of each
    of its findings, which the findings table indexes, the versions of the recorded inputs
    it was settled from and, for a correction, why) and the carry's JSON."""
    data = s.to_dict()
    found = [[f.code, f.severity.value, f.message] for f in s.findings]
    return (zlib.compress(_dumps({"format": FORMAT, "statement": data,
                                  "decisions": decisions, "findings": found,
                                  "inputs": dict(inputs or {}), "reason": reason}
                                 ).encode(), 6),
            _dumps(data["carry"]))


def _document(blob: bytes) -> dict[str, Any]:
    """A stored statement document, decompressed and read."""
    data: dict[str, Any] = json.loads(zlib.decompress(bytes(blob)))
    return data


def _decisions_of(data: Mapping[str, Any]) -> int | None:
    """How many decided changes the terms of a stored statement included (None: format 1)."""
    n = data.get("decisions")
    return n if isinstance(n, int) else None


def _carry_of(text: str) -> Carry:
    c = json.loads(text)
    return Carry(Period.parse(c["period"]),
                 tuple(LineCarry(x["line_id"], Money(x["held"]), int(x["streak"]),
                                 tuple((str(m), str(k)) for m, k in x["incidents"]),
                                 tuple((str(k), str(m), int(Decimal(v) * 100))
                                       for k, m, v in x.get("results", ())))
                       for x in c["lines"]),
                 tuple(str(m) for m in c["notice_months"]))


def _unpack_statement(blob: bytes | Mapping[str, Any], terms: PreparedContract) -> Statement:
    """A stored statement (its document, or the document already read), bound to the
    prepared terms that explain it; a document of the previous release (format 1, every
    explanation stored) as it was issued."""
    data = blob if isinstance(blob, Mapping) else _document(blob)
    if data.get("format") == 1:
        return structure(data["statement"], Statement, source="$.statement")
    if data.get("format") != FORMAT:
        raise RegistryError(
            f"the stored statement is in format {data.get('format')!r}; this library reads "
            f"formats 1 and {FORMAT}", field="statements.document", value=data.get("format"),
            term="结算单存储格式", code="registry.statement_format",
            zh="结算单的存储格式不是本版本可读的格式")
    return structure(data["statement"], Statement, source="$.statement").with_terms(terms)


# --- statements built once (the hot path of settlement reuses them) ---------------------------

_c, _d, _a, _s, _h = S.contracts, S.change_decisions, S.assessments, S.statements, S.audit_head
Q_CONTRACT_DOC = select(_c.c.document).where(_c.c.id == bindparam("cid"))
Q_DECIDED = (select(_d.c.document).where(_d.c.contract_id == bindparam("cid"))
             .order_by(_d.c.id))
ASSESSMENT_ACTIONS = ("record_assessment", "correct_assessment")


def _line_key(contract_id: str) -> Callable[[Assessment | Usage], dict[str, Any]]:
    """The key of a versioned row of a contract's line and period (assessments, usage)."""
    return lambda x: {"contract_id": contract_id, "line_id": x.line, "period": str(x.period)}

Q_ASSESSMENTS = (select(_a.c.line_id, _a.c.version, _a.c.document, _a.c.reason)
                 .where(_a.c.contract_id == bindparam("cid"), _a.c.period == bindparam("period"))
                 .order_by(_a.c.line_id, _a.c.version))
_u = S.usage_records
Q_USAGE = (select(_u.c.line_id, _u.c.version, _u.c.document)
           .where(_u.c.contract_id == bindparam("cid"), _u.c.period == bindparam("period"))
           .order_by(_u.c.line_id, _u.c.version))
Q_LATEST = (select(_s).where(_s.c.contract_id == bindparam("cid"),
                             _s.c.period.in_(bindparam("periods", expanding=True)))
            .order_by(_s.c.period, _s.c.version))
U_HEAD_TAKE = (update(_h).where(_h.c.id == 1).values(seq=_h.c.seq + bindparam("n"))
               .returning(_h.c.seq, _h.c.hash))
U_HEAD_HASH = update(_h).where(_h.c.id == 1).values(hash=bindparam("new_hash"))
INSERTS = {name: t.insert() for name, t in S.metadata.tables.items()}


def _driver_error(exc: DBAPIError) -> RegistryError:
    orig = str(getattr(exc, "orig", exc)).strip().splitlines()
    return RegistryError(f"the database refused the operation: {orig[0] if orig else exc}",
                         field="database", value=type(exc).__name__, term="数据库",
                         code="registry.database",
                         zh="数据库拒绝了该操作（可能是并发冲突或连接中断），未记录任何内容，请重试")


# --- the URL ---------------------------------------------------------------------------------

# --- workers ---------------------------------------------------------------------------------

_ENGINES: weakref.WeakSet[Engine] = weakref.WeakSet()


def _forget_engines_in_child() -> None:
    """A forked worker must not use nor close its parent's connections (SQLAlchemy's rule
    for pools across fork): drop them without closing."""
    for eng in list(_ENGINES):
        eng.dispose(close=False)
    _WORKERS.clear()


os.register_at_fork(after_in_child=_forget_engines_in_child)

_WORKERS: dict[tuple[int, str], Registry] = {}


def _settle_task(url: str, contract_id: str, period: str, by: str) -> tuple[str, str, str]:
    """Settle one contract-period in a worker (any executor); (contract, outcome, detail)."""
    key = (os.getpid(), url)
    reg = _WORKERS.get(key)
    if reg is None:
        reg = _WORKERS[key] = Registry.open(url, migrate=False)
    try:
        r = reg.settle(contract_id, period, by=by)
    except OutsourcingError as exc:
        return contract_id, "failed", f"{exc.code}\t{exc}"
    outcome = "unchanged" if not r.written else "corrected" if r.correction else "written"
    return contract_id, outcome, str(r.version)


def _die_with_parent(parent: int) -> None:
    """A batch worker's initializer: the worker ends when the process that started the batch
    ends, even killed (``SIGKILL``) — no worker is left behind.  On Linux the kernel sends it
    ``SIGKILL`` (``prctl(PR_SET_PDEATHSIG)``); elsewhere, and for a parent gone before the
    call, a daemon thread watches the parent's id."""
    import contextlib
    import signal
    import sys
    import threading
    import time

    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):  # no prctl: the thread watches
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="outsourcing-parent-watch", daemon=True).start()


def _inline(fn: Callable[..., T], *args: Any) -> Future[T]:
    f: Future[T] = Future()
    try:
        f.set_result(fn(*args))
    except BaseException as exc:  # pragma: no cover - re-raised by .result()
        f.set_exception(exc)
    return f


# --- the registry ----------------------------------------------------------------------------

class Registry:
    """The store of record for contracts, changes, assessments, statements and payments.

    Not to be confused with :class:`outsourcing.Registry`, the plugin registry returned by
    :func:`outsourcing.load`; this one is :class:`outsourcing.registry.Registry` (also
    exported as ``outsourcing.Store``).  Open it with :meth:`open`.
    """

    def __init__(self, engine: Engine, url: str, plugins: PluginRegistry | None = None,
                 *, keys: AuditKeys | None = None, policy: str | RuleBook = "CN") -> None:
        self.engine = engine
        self.url = url
        self.plugins = plugins if plugins is not None else load()
        self.keys = keys
        """The audit key ring (outside the database), or None: records are then unsigned."""
        self.policy = policy
        """The bureau's separation policy: the ``registry.*`` parameters of this rulebook,
        or of this jurisdiction's."""
        self._prepared: dict[tuple[str, str], PreparedContract] = {}
        self._actors: dict[str, Actor] = {}
        """A found actor is kept; a role granted in this process clears the cache (roles
        only grow, so a stale entry can only refuse, never allow)."""
        self.login, self._bound = self._identity()

    def _identity(self) -> tuple[str, bool]:
        """The authenticated database login and whether it is bound to one actor: on
        PostgreSQL a login that neither owns the registry's tables nor is a superuser acts
        only as the actor registered with that login; SQLite has no logins."""
        if self.engine.dialect.name != "postgresql":
            return "", False
        with self._read() as conn:
            login, admin = conn.execute(text(
                "SELECT session_user, (SELECT rolsuper FROM pg_roles WHERE rolname = "
                "session_user) OR EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = "
                "current_schema() AND tablename = 'audit' AND tableowner = session_user)"
            )).one()
        return str(login), not admin

    # --- opening ---------------------------------------------------------------------------
    @classmethod
    def open(cls, url: str | os.PathLike[str] | None = None, *, migrate: bool = True,
             plugins: PluginRegistry | None = None, keys: AuditKeys | None = None,
             policy: str | RuleBook = "CN") -> Registry:
        """Open a registry: ``url`` is any SQLAlchemy URL (``postgresql://…`` goes through
        psycopg 3) or a file path for SQLite; by default ``$OUTSOURCING_DB``, else
        ``outsourcing.db`` in the working folder.  The schema is migrated to the newest
        revision; with ``migrate=False`` the revision is read first and the migrations run
        only when it is behind.  A database of a newer schema is refused.  ``keys`` sign the
        audit records (default: :meth:`AuditKeys.from_env`); ``policy`` is the rulebook (or the
        jurisdiction of the rulebook) whose ``registry.*`` parameters are the bureau's
        separation policy — ``rulebook.override("registry.four_eyes_threshold", …)`` sets a
        bureau's own."""
        full = _url(url)
        if keys is None:
            keys = AuditKeys.from_env()
        try:
            engine = _engine(full)
        except Exception as exc:
            raise RegistryError(f"cannot open the database: {exc}", field="url",
                                value=full.split("@")[-1], term="数据库",
                                code="registry.url", zh="无法打开数据库") from None
        try:
            if migrate:
                run_migrations(engine)
            else:
                with engine.connect() as conn:
                    rev = current_revision(conn)
                    conn.rollback()
                if rev != head():
                    run_migrations(engine)
            store = cls(engine, full, plugins, keys=keys, policy=policy)
        except DatabaseError as exc:  # unreachable, or a file that is not a database
            engine.dispose()
            raise RegistryError(f"cannot reach the database: {exc.orig}", field="url",
                                value=full.split("@")[-1], term="数据库",
                                code="registry.unreachable", zh="无法连接数据库") from None
        except BaseException:
            engine.dispose()
            raise
        _ENGINES.add(engine)
        return store

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def __enter__(self) -> Registry:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                conn.execution_options(registry_read=True)
                yield conn
                conn.rollback()
        except IntegrityError:
            raise
        except DBAPIError as exc:
            raise _driver_error(exc) from None

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One write transaction.  A unique-constraint violation (``IntegrityError``) goes
        to the caller, which knows what it means; any other driver error becomes a
        :class:`RegistryError` (``registry.database``), never a traceback."""
        try:
            with self.engine.begin() as conn:
                yield conn
        except IntegrityError:
            raise
        except DBAPIError as exc:
            raise _driver_error(exc) from None

    # --- the bureau's policy ---------------------------------------------------------------
    def _policy(self, pid: str, on: date | None = None) -> Any:
        book = (self.policy if isinstance(self.policy, RuleBook)
                else self.plugins.rulebook(self.policy))
        return book.value(f"registry.{pid}", on or date.today())

    def solo_office(self, on: date | None = None) -> bool:
        """Whether the bureau's policy lets one person act alone where four eyes are the
        rule (``registry.single_person_office``; every such act is marked 单人操作)."""
        return bool(self._policy("single_person_office", on))

    # --- the audit chain -------------------------------------------------------------------
    def _lock(self, conn: Connection) -> None:
        """Take the audit chain's head (one row) for this transaction: writers append their
        records one after another."""
        conn.execute(update(S.audit_head).where(S.audit_head.c.id == 1)
                     .values(seq=S.audit_head.c.seq))

    def _audit(self, conn: Connection, entries: Sequence[tuple[str, str, str, str, str]]
               ) -> tuple[int, str]:
        """Append (actor, role, action, object, content hash) records to the chain, each
        signed with the current audit key; the last record's (seq, hash)."""
        seq, prev = conn.execute(U_HEAD_TAKE, {"n": len(entries)}).one()
        seq -= len(entries)  # the head is taken (row-locked) until this transaction ends
        rows = []
        at = _now()
        key_id = "" if self.keys is None else self.keys.current
        for actor, role, action, obj, content in entries:
            seq += 1
            h = link_hash(seq, at, actor, role, action, obj, content, prev, key_id, self.login)
            mac = "" if self.keys is None else self.keys.mac(key_id, h)
            rows.append({"seq": seq, "at": at, "actor": actor, "role": role,
                         "action": action, "object": obj, "content_hash": content,
                         "prev_hash": prev, "hash": h, "key_id": key_id, "mac": mac,
                         "login": self.login})
            prev = h
        conn.execute(INSERTS["audit"], rows)
        conn.execute(U_HEAD_HASH, {"new_hash": prev})
        return seq, prev

    def _record(self, conn: Connection, table: Table, rows: Sequence[dict[str, Any]],
                by: str, role: str, action: str) -> list[int | str]:
        """The one way a row enters a table that decides money: insert ``rows`` and append
        one audit record for each (``table:key``, the row's content hash).  Returns their
        keys, in order."""
        if not rows:
            return []
        if "id" in rows[0]:
            conn.execute(INSERTS[table.name], list(rows))
            keys: list[int | str] = [r["id"] for r in rows]
        else:
            res = conn.execute(table.insert().returning(table.c.id,
                                                        sort_by_parameter_order=True),
                               list(rows))
            keys = [r[0] for r in res]
        self._audit(conn, [(by, role, action, f"{table.name}:{k}",
                            row_hash(table.name, {**r, "id": k}))
                           for k, r in zip(keys, rows, strict=True)])
        return keys

    def _versioned(self, conn: Connection, table: Table, items: Sequence[V], *,
                   key: Callable[[V], dict[str, Any]], content: Callable[[V], dict[str, Any]],
                   by: str, role: str, actions: tuple[str, str], reason: str,
                   same: Callable[[Row[Any], V], bool] | None = None,
                   refuse: Callable[[list[tuple[V, Row[Any]]]], RegistryError] | None = None,
                   reason_on_first: bool = False) -> list[tuple[V, int, bool]]:
        """Write items as versioned rows (one version per ``key``: contract, line, period),
        under the chain's lock: each is compared with its latest version — with ``same``,
        the same values write nothing; other values are a new version (更正), refused with
        ``refuse`` (given the items and their latest rows; nothing written) when ``reason``
        is blank; every new version (``key`` and ``content``) is inserted and audited
        (:meth:`_record`; ``actions`` = first version, correction).  ``reason`` is stored on
        corrections, and on first versions too with ``reason_on_first``.  Returns (item,
        version, written) per item, in order."""
        self._lock(conn)
        out: list[tuple[V, int, bool]] = []
        changed: list[tuple[V, Row[Any]]] = []
        for x in items:
            last = conn.execute(
                select(table).where(*(table.c[k] == v for k, v in key(x).items()))
                .order_by(table.c.version.desc()).limit(1)).first()
            if last is not None and same is not None and same(last, x):
                out.append((x, last.version, False))
            else:
                out.append((x, 1 if last is None else last.version + 1, True))
                if last is not None:
                    changed.append((x, last))
        if changed and refuse is not None and not reason.strip():
            raise refuse(changed)
        at = _now()
        for x, version, written in out:
            if written:
                self._record(conn, table, [{
                    **key(x), **content(x), "version": version,
                    "reason": reason if version > 1 or reason_on_first else "",
                    "recorded_by": by, "recorded_at": at}], by, role,
                    actions[0] if version == 1 else actions[1])
        return out

    @staticmethod
    def _retrying(write: Callable[[], T], field: str, obj: str, term: str) -> T:
        """Run a write transaction again when a concurrent writer took the same version
        first (the unique constraint on the version); after five tries a clear conflict."""
        for _ in range(5):
            try:
                return write()
            except IntegrityError:
                continue
        raise RegistryError("too many writers at once; try again", field=field, value=obj,
                            term=term, code="registry.conflict", zh="并发写入冲突，请重试")

    def rotate_key(self, keys: AuditKeys, *, by: str) -> None:
        """Start signing with ``keys.current`` (a new key, the old ones kept in the ring so
        their records still verify); the rotation is itself a record of the chain, signed
        with the new key.  An approver does it."""
        self._require(by, [Role.APPROVER], "rotate_key", f"keys:{keys.current}")
        old = "" if self.keys is None else self.keys.current
        if old and not keys.knows(old):
            raise RegistryError("the new key ring must keep the current key", field="keys",
                                value=old, term="审计密钥", code="registry.audit_key",
                                zh="新密钥文件须保留当前密钥，以便核验旧记录")
        self.keys = keys
        with self._write() as conn:
            self._audit(conn, [(by, Role.APPROVER.value, "rotate_key",
                                f"keys:{keys.current}", _sha(f"{old}->{keys.current}"))])

    def anchor(self) -> Anchor:
        """The chain's head now, signed with the audit key: write it outside the database
        (``Anchor.write``; ``outsourcing audit anchor FILE``)."""
        with self._read() as conn:
            seq, h = conn.execute(select(S.audit_head.c.seq, S.audit_head.c.hash)).one()
        a = Anchor(int(seq), str(h), _now())
        if self.keys is not None:
            a = attrs.evolve(a, key_id=self.keys.current,
                             mac=self.keys.mac(self.keys.current, a.message()))
        return a

    def _deny(self, actor: str, action: str, obj: str, code: str, reason: str, zh: str,
              **kw: Any) -> AccessDenied:
        """Record the refusal in the audit trail (its own transaction) and return the error.
        Refusals of unknown actors are recorded up to ``registry.unknown_refusals_per_hour``
        an hour; the first one over the limit records the limit itself, the rest are not
        written (the error is raised all the same)."""
        content = _sha(_dumps({"code": code, "reason": reason}))
        unknown = code == "registry.denied.unknown_actor"
        with self._write() as conn:
            self._lock(conn)
            entries = [(_bounded_actor(actor), UNKNOWN if unknown else "-", f"denied:{action}",
                        obj[:500], content)]
            if unknown:
                limit = int(self._policy("unknown_refusals_per_hour"))
                since = (datetime.now(UTC) - timedelta(hours=1)).isoformat(
                    timespec="microseconds")
                a = S.audit
                n = conn.execute(select(func.count()).select_from(a).where(
                    a.c.role == UNKNOWN, a.c.at >= since)).scalar_one()
                if n >= limit:
                    entries = []
                    if not conn.execute(select(a.c.seq).where(
                            a.c.role == "-", a.c.action == "rate_limited",
                            a.c.at >= since)).first():
                        entries = [("-", "-", "rate_limited", "denied:unknown_actor",
                                    _sha(_dumps({"limit_per_hour": limit})))]
            if entries:
                self._audit(conn, entries)
        return AccessDenied(reason, code=code, zh=zh, term=kw.pop("term", "职责分离"), **kw)

    def _require(self, actor_id: str, roles: Sequence[Role], action: str, obj: str) -> Actor:
        """The actor, if it may do ``action``; else the refusal, recorded (also for an id
        that is not a valid one: see :func:`_bounded_actor`, and for a database login acting
        under another actor's name)."""
        try:
            actor_id = _id(actor_id, "by", "操作人员")
        except RegistryError as exc:
            raise self._deny(actor_id, action, obj, "registry.denied.unknown_actor",
                             f"no such actor: {exc.reason}",
                             f"操作人员不存在：{exc.zh}", field="by",
                             value=exc.value, term="操作人员") from None
        if self._bound:
            mine = self.whoami()
            if mine != actor_id:
                raise self._deny(self.login, action, obj, "registry.denied.identity",
                                 f"the database login {self.login} is "
                                 f"{mine or 'no registered actor'}; it cannot act as "
                                 f"{actor_id}",
                                 f"数据库登录 {self.login} 对应的操作人员是 "
                                 f"{mine or '（未登记）'}，不能以 {actor_id} 的名义操作",
                                 field="by", value=actor_id, term="身份")
        actor = self._actor_or_none(actor_id)
        if actor is None:
            raise self._deny(actor_id, action, obj, "registry.denied.unknown_actor",
                             "no such actor; add the actor with its roles first",
                             f"操作人员 {actor_id} 不存在，请先登记其角色",
                             field="by", value=actor_id, term="操作人员")
        if not actor.roles & set(roles):
            need = " or ".join(f"{r.value} ({r.zh})" for r in roles)
            raise self._deny(actor_id, action, obj, "registry.denied.role",
                             f"{action} needs the role {need}; {actor_id} has "
                             f"{', '.join(sorted(r.value for r in actor.roles))}",
                             f"{action} 需要角色：{'或'.join(r.zh for r in roles)}",
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
                  what: str, what_zh: str, solo_ok: bool = False) -> bool:
        """Four eyes: ``second`` acts on what ``first`` did.  Refused when they are the same
        person (unless ``solo_ok``: the bureau's policy allows a one-person office; True is
        returned and the act is marked 单人操作) or when one proposed the other as an actor
        (a puppet second pair of eyes)."""
        if first == second:
            if solo_ok:
                return True
            raise self._deny(second, action, obj, "registry.denied.same_person",
                             f"{what}: {second} did the first step; another person does the "
                             "second (four eyes)",
                             f"{what_zh}：{second} 已办理前一环节，须由另一人办理（双人审核）",
                             field="by", value=second)
        if first in self._creators(second) or second in self._creators(first):
            raise self._deny(second, action, obj, "registry.denied.puppet",
                             f"{what}: one of {first} and {second} proposed the other as an "
                             "actor; a third person does the second step",
                             f"{what_zh}：{first} 与 {second} 之间存在提名关系"
                             "（一方提名了另一方），须由第三人办理", field="by", value=second)
        return False

    def _confirming(self, x: Proposal, by: str, subject: str, action: str, obj: str,
                    what: str, what_zh: str) -> tuple[str, bool]:
        """The second pair of eyes on a proposal about ``subject``: an approver, neither the
        subject (nobody confirms their own appointment or role) nor its proposer nor related
        to them by a proposal (:meth:`_separate`); (the approver's id, 单人操作)."""
        by = self._require(by, [Role.APPROVER], action, obj).id
        if by == subject:
            raise self._deny(by, action, obj, "registry.denied.same_person",
                             f"{what}: nobody confirms their own appointment or role",
                             f"{what_zh}：任何人不得确认对本人的提名或授予本人的角色",
                             field="by", value=by)
        return by, self._separate(x.proposed_by, by, action, obj, what=what, what_zh=what_zh,
                                  solo_ok=self.solo_office())

    def _creators(self, actor_id: str) -> set[str]:
        """Who proposed the actor (the founders have none)."""
        with self._read() as conn:
            p = conn.execute(select(S.actors.c.proposed_by).where(S.actors.c.id == actor_id)
                             ).scalar_one_or_none()
        return set() if p is None else {str(p)}

    # --- actors ----------------------------------------------------------------------------
    def _actor_or_none(self, actor_id: str) -> Actor | None:
        if actor_id in self._actors:
            return self._actors[actor_id]
        with self._read() as conn:
            row = conn.execute(select(S.actors).where(S.actors.c.id == actor_id)).first()
            if row is None:
                return None
            granted = conn.execute(select(S.actor_roles.c.role).where(
                S.actor_roles.c.actor_id == actor_id)).scalars().all()
        actor = self._actors[actor_id] = self._actor_of(row, granted)
        return actor

    @staticmethod
    def _actor_of(row: Row[Any], granted: Iterable[str] = ()) -> Actor:
        return Actor(row.id, row.name, [r for r in row.roles.split(",") if r] + list(granted),
                     row.supplier_id, row.login)

    def actor(self, actor_id: str) -> Actor:
        """An actor by id; a clear error if there is none."""
        a = self._actor_or_none(_id(actor_id, "actor", "操作人员"))
        if a is None:
            raise RegistryError("no such actor", field="actor", value=actor_id,
                                term="操作人员", code="registry.unknown_actor",
                                zh="操作人员不存在")
        return a

    def actors(self) -> list[Actor]:
        """Every actor (confirmed), by id, with the roles granted since."""
        with self._read() as conn:
            granted: dict[str, list[str]] = {}
            for aid, role in conn.execute(select(S.actor_roles.c.actor_id, S.actor_roles.c.role)):
                granted.setdefault(aid, []).append(role)
            return [self._actor_of(r, granted.get(r.id, ()))
                    for r in conn.execute(select(S.actors).order_by(S.actors.c.id))]

    def pending(self) -> list[Proposal]:
        """Proposals of actors and roles not yet confirmed (待确认)."""
        p, c = S.proposals, S.confirmations
        with self._read() as conn:
            rows = conn.execute(select(p).where(~p.c.id.in_(select(c.c.proposal_id)))
                                .order_by(p.c.id)).all()
        return [Proposal(r.id, r.kind, r.subject, json.loads(r.payload), r.proposed_by,
                         r.proposed_at) for r in rows]

    def _check_new_actor(self, actor_id: str, name: str, roles: Iterable[Role | str],
                         supplier: str | None, login: str | None) -> Actor:
        actor_id = _id(actor_id, "actor", "操作人员编号")
        name = _text(name, "name", "姓名", kind="name")
        if supplier is not None:
            supplier = _id(supplier, "supplier", "供应商编号")
        if login is not None:
            login = _id(login, "login", "数据库登录名")
        actor = Actor(actor_id, name, roles, supplier, login)
        if not name.strip() or not actor.roles:
            raise RegistryError("an actor needs an id, a name and at least one role",
                                field="actor", value=actor_id, term="操作人员",
                                code="registry.bad_actor",
                                zh="操作人员须有编号、姓名和至少一个角色")
        if (Role.SUPPLIER in actor.roles) != (supplier is not None):
            raise RegistryError("a supplier's user names its supplier, and only it does",
                                field="supplier", value=supplier, term="供应商",
                                code="registry.bad_actor", zh="供应商用户须注明所属供应商")
        if Role.SUPPLIER in actor.roles and actor.roles - {Role.SUPPLIER}:
            raise RegistryError("a supplier's user holds no purchaser role",
                                field="roles", value=sorted(r.value for r in actor.roles),
                                term="职责分离", code="registry.bad_actor",
                                zh="供应商用户不得兼任采购人角色")
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
                code, en, zh = (("registry.actor_exists", "an actor with this id exists",
                                 "该操作人员编号已存在") if other == actor_id else
                                ("registry.denied.lookalike",
                                 f"{actor_id!r} looks like the existing id {other!r}",
                                 f"编号 {actor_id} 与已有编号 {other} 外观相同，容易混淆"))
                if by is None or other == actor_id:
                    raise RegistryError(en, field="actor", value=actor_id, term="操作人员编号",
                                        code=code, zh=zh)
                raise self._deny(by, "add_actor", obj, code, en, zh, field="actor",
                                 value=actor_id, term="操作人员编号")

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
                                    term="审批人", code="registry.bad_actor",
                                    zh="登记库的第一位操作人员须为审批人")
            if self._bound and login != self.login:
                raise RegistryError("the founder is the person who is signed in",
                                    field="login", value=login, term="数据库登录名",
                                    code="registry.bad_actor",
                                    zh="创建登记库的第一位操作人员须为当前登录的本人")
            with self._write() as conn:
                self._record(conn, S.actors, [self._actor_values(actor, actor_id, None)],
                             actor_id, Role.APPROVER.value, "found_registry")
            return actor
        if by is None:
            raise RegistryError("say who proposes the actor (by=…)", field="by", value=None,
                                term="操作人员", code="registry.bad_actor",
                                zh="须注明由谁提名该操作人员")
        obj = f"actors:{actor_id}"
        by = self._require(by, [Role.APPROVER], "add_actor", obj).id
        self._lookalike(actor_id, by)
        payload = {"name": name, "roles": sorted(r.value for r in actor.roles),
                   "supplier": supplier, "login": login}
        with self._write() as conn:
            self._record(conn, S.proposals, [{
                "kind": "actor", "subject": actor_id, "payload": _dumps(payload),
                "proposed_by": by, "proposed_at": _now()}], by, Role.APPROVER.value,
                "propose_actor")
        return actor

    @staticmethod
    def _actor_values(actor: Actor, by: str, proposed_by: str | None) -> dict[str, Any]:
        return {"id": actor.id, "name": actor.name,
                "roles": ",".join(sorted(r.value for r in actor.roles)),
                "supplier_id": actor.supplier, "recorded_by": by, "recorded_at": _now(),
                "login": actor.login, "proposed_by": proposed_by}

    def _proposal(self, kind: str, subject: str, role: str | None = None) -> Proposal:
        for x in self.pending():
            if x.kind == kind and x.subject == subject and (
                    role is None or x.payload.get("role") == role):
                return x
        raise RegistryError("no such pending proposal", field="proposal", value=subject,
                            term="待确认事项", code="registry.no_proposal", zh="没有该待确认的提名")

    def _approvers(self) -> list[str]:
        return [a.id for a in self.actors() if Role.APPROVER in a.roles]

    def confirm_actor(self, actor_id: str, *, by: str) -> Actor:
        """Confirm a proposed actor (确认): an approver other than the proposer and not
        proposed by them (four eyes).  While the founder is the only approver, a proposed
        approver accepts their own proposal (the founding pair).  Under a one-person office
        policy the proposer may confirm, marked 单人操作."""
        actor_id = _id(actor_id, "actor", "操作人员编号")
        by = _bounded_actor(by)
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
                raise self._deny(self.login, "confirm_actor", obj, "registry.denied.identity",
                                 "only the proposed person accepts the founding proposal",
                                 "只有被提名人本人可以接受创始提名", field="by", value=by,
                                 term="身份")
            proposed_by: str | None = None  # the founding pair: created by nobody
            action = "accept_founding"
        else:
            by, solo = self._confirming(x, by, actor_id, "confirm_actor", obj,
                                        "confirming an actor", "确认操作人员")
            proposed_by = x.proposed_by
            action = "confirm_actor_solo" if solo else "confirm_actor"
        try:
            with self._write() as conn:
                self._record(conn, S.confirmations, [{
                    "proposal_id": x.id, "confirmed_by": by, "confirmed_at": _now(),
                    "solo": 1 if solo else None}], by, Role.APPROVER.value, action)
                self._record(conn, S.actors, [self._actor_values(actor, by, proposed_by)], by,
                             Role.APPROVER.value, "add_actor")
        except IntegrityError:
            raise RegistryError("an actor with this id or login exists", field="actor",
                                value=actor_id, term="操作人员", code="registry.actor_exists",
                                zh="该操作人员编号或登录名已存在") from None
        return actor

    def grant_role(self, actor_id: str, role: Role | str, *, by: str) -> None:
        """Propose a further role for an actor; another approver confirms it
        (:meth:`confirm_role`)."""
        r = next(iter(_roles([role])))
        target = self.actor(actor_id)
        actor_id = target.id
        obj = f"actor_roles:{actor_id}/{r.value}"
        by = self._require(by, [Role.APPROVER], "grant_role", obj).id
        if r in target.roles:
            raise RegistryError("the actor holds this role", field="role", value=r.value,
                                term="角色", code="registry.bad_actor", zh="该操作人员已有此角色")
        if (r is Role.SUPPLIER) != (target.supplier is not None):
            raise RegistryError("a supplier's user holds no purchaser role, and only it holds "
                                "the supplier's", field="role", value=r.value, term="职责分离",
                                code="registry.bad_actor", zh="供应商用户不得兼任采购人角色")
        with self._write() as conn:
            self._record(conn, S.proposals, [{
                "kind": "role", "subject": actor_id, "payload": _dumps({"role": r.value}),
                "proposed_by": by, "proposed_at": _now()}], by, Role.APPROVER.value,
                "propose_role")

    def confirm_role(self, actor_id: str, role: Role | str, *, by: str) -> Actor:
        """Confirm a proposed role: an approver other than its proposer, not related to them
        by a proposal, and not the actor who receives it."""
        r = next(iter(_roles([role])))
        actor_id = _id(actor_id, "actor", "操作人员编号")
        x = self._proposal("role", actor_id, r.value)
        obj = f"actor_roles:{actor_id}/{r.value}"
        by, solo = self._confirming(x, by, actor_id, "confirm_role", obj,
                                    "confirming a role", "确认角色授予")
        with self._write() as conn:
            self._record(conn, S.confirmations, [{
                "proposal_id": x.id, "confirmed_by": by, "confirmed_at": _now(),
                "solo": 1 if solo else None}], by, Role.APPROVER.value,
                "confirm_role_solo" if solo else "confirm_role")
            self._record(conn, S.actor_roles, [{
                "actor_id": actor_id, "role": r.value, "proposal_id": x.id,
                "recorded_at": _now()}], by, Role.APPROVER.value, "grant_role")
        self._actors.pop(actor_id, None)
        return self.actor(actor_id)

    # --- contracts -------------------------------------------------------------------------
    def add_contract(self, contract: Contract, *, by: str,
                     rules: Mapping[str, PaymentRule] | None = None,
                     kpis: Mapping[str, Sequence[KpiSpec]] | None = None,
                     contract_rules: ContractRules | None = None,
                     adopt: Sequence[str] = (),
                     plan: InstalmentPlan | PeriodicPlan | None = None) -> None:
        """Record a contract with its own settlement terms (each line's payment rule and
        KPIs, where the contract sets them; otherwise the plugins and rulebook decide), its
        contract-wide terms (``ContractRules()``: none; None: the defaults, marked), the
        defaults it adopts by name and its payment plan (see
        :class:`~outsourcing.terms.ContractTerms`)."""
        if not isinstance(contract, Contract):
            raise RegistryError(f"a {type(contract).__name__} is not a Contract",
                                field="contract", value=repr(contract), term="合同",
                                code="registry.bad_input", zh="不是合同对象")
        _contract_ids(contract)
        obj = f"contracts:{contract.id}"
        actor = self._require(by, [Role.OFFICER], "add_contract", obj)
        by = actor.id
        self.plugins.rulebook(contract.jurisdiction)  # an unknown jurisdiction fails here
        terms = ContractTerms(contract, rules or {}, kpis or {}, contract_rules, adopt, plan)
        # the contract's own terms must prepare: a bad rule fails now, not at settlement
        prepare(contract, self.plugins.rulebook(contract.jurisdiction), rules=terms.rules,
                kpis=terms.kpis, contract_rules=contract_rules, adopt=terms.adopt)
        doc = _dumps({"format": FORMAT, **terms.to_dict()})
        values = {"id": contract.id, "jurisdiction": contract.jurisdiction,
                  "purchaser_id": contract.purchaser.id, "supplier_id": contract.supplier.id,
                  "title": contract.title, "term_start": contract.term.start,
                  "term_end": contract.term.end, "document": doc, "recorded_by": by,
                  "recorded_at": _now()}
        role = self._role(actor, [Role.OFFICER])
        try:
            with self._write() as conn:
                self._record(conn, S.contracts, [values], by, role, "add_contract")
                self._record(conn, S.contract_lines, [
                    {"contract_id": contract.id, "line_id": x.id, "service": x.service,
                     "site": x.site} for x in contract.lines], by, role, "add_contract")
        except IntegrityError:
            raise RegistryError("a contract with this id is recorded already",
                                field="contract.id", value=contract.id, term="合同编号",
                                code="registry.contract_exists", zh="该合同编号已登记") from None

    def _contract_row(self, conn: Connection, contract_id: str) -> Row[Any]:
        row = conn.execute(select(S.contracts).where(S.contracts.c.id == contract_id)).first()
        if row is None:
            raise RegistryError("no such contract in the registry", field="contract_id",
                                value=contract_id, term="合同编号",
                                code="registry.unknown_contract", zh="登记库中没有该合同")
        return row

    @staticmethod
    def _terms(doc: str) -> ContractTerms:
        return ContractTerms.from_dict(json.loads(doc))

    def contract(self, contract_id: str) -> Contract:
        """The contract as recorded (without its changes: see :meth:`timeline`)."""
        contract_id = _id(contract_id, "contract_id", "合同编号")
        with self._read() as conn:
            return self._terms(self._contract_row(conn, contract_id).document).contract

    def terms(self, contract_id: str) -> tuple[dict[str, PaymentRule],
                                               dict[str, list[KpiSpec]]]:
        """The contract's own settlement terms as recorded with it (:meth:`add_contract`):
        the payment rule and the KPIs of each line that sets them, by line id.  A line not
        listed takes the plugins' and the rulebook's terms.  An unknown contract is
        ``registry.unknown_contract``."""
        contract_id = _id(contract_id, "contract_id", "合同编号")
        with self._read() as conn:
            t = self._terms(self._contract_row(conn, contract_id).document)
        return t.rules, {k: list(v) for k, v in t.kpis.items()}

    def contract_terms(self, contract_id: str) -> ContractTerms:
        """The contract as recorded with every term it states (its lines' rules and KPIs,
        the contract-wide terms, the adopted defaults, the payment plan)."""
        contract_id = _id(contract_id, "contract_id", "合同编号")
        with self._read() as conn:
            return self._terms(self._contract_row(conn, contract_id).document)

    def _timeline(self, conn: Connection, contract_id: str) -> tuple[
            Timeline, Row[Any], str]:
        row = self._contract_row(conn, contract_id)
        contract = self._terms(row.document).contract
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
        return tl, row, _sha(row.document + "".join(decided))

    def _prepared_contract(self, conn: Connection, contract_id: str,
                           decisions: int | None = None) -> tuple[PreparedContract, str]:
        """The contract with its signed changes, prepared for settlement; kept while neither
        the contract nor its decisions change (the key hashes their stored documents).
        ``decisions`` keeps only the first so many decided changes: the terms as they were
        when a stored statement was settled."""
        doc = conn.execute(Q_CONTRACT_DOC, {"cid": contract_id}).scalar_one_or_none()
        if doc is None:
            self._contract_row(conn, contract_id)  # the clear error
        decided = conn.execute(Q_DECIDED, {"cid": contract_id}).scalars().all()
        if decisions is not None:
            decided = decided[:decisions]
        key = _sha(str(doc) + "".join(decided))
        pc = self._prepared.get((contract_id, key))
        if pc is None:
            t = self._terms(str(doc))
            tl = Timeline(t.contract, changes=[structure(json.loads(d), Change)
                                               for d in decided])
            pc = prepare(tl, self.plugins.rulebook(t.contract.jurisdiction), rules=t.rules,
                         kpis=t.kpis, contract_rules=t.contract_rules, adopt=t.adopt)
            if len(self._prepared) >= 8192:
                self._prepared.clear()
            self._prepared[(contract_id, key)] = pc
        return pc, key

    def prepared(self, contract_id: str) -> PreparedContract:
        """The contract with its signed changes and its own terms, prepared for settlement
        as :meth:`settle` uses it (e.g. which lines need usage in a period:
        :meth:`PreparedContract.usage_lines`)."""
        with self._read() as conn:
            return self._prepared_contract(conn, contract_id)[0]

    def timeline(self, contract_id: str) -> Timeline:
        """The contract with its decided changes and the pending ones (变更时间线)."""
        contract_id = _id(contract_id, "contract_id", "合同编号")
        with self._read() as conn:
            return self._timeline(conn, contract_id)[0]

    def contracts(self, *, supplier: str | None = None, service: str | None = None,
                  site: str | None = None, jurisdiction: str | None = None,
                  status: str | None = None, on: date | None = None) -> list[ContractInfo]:
        """Contracts by supplier, service, site, jurisdiction and status on ``on`` (default:
        today); every filter is optional."""
        on = on or date.today()
        supplier, service, site, jurisdiction = (
            None if v is None else _text(v, f, t, kind="name", empty=False)
            for v, f, t in ((supplier, "supplier", "供应商编号"), (service, "service", "服务类别"),
                            (site, "site", "办公区"), (jurisdiction, "jurisdiction", "辖区")))
        c = S.contracts
        q = select(c.c.id, c.c.title, c.c.jurisdiction, c.c.purchaser_id, c.c.supplier_id,
                   c.c.term_start, c.c.term_end).order_by(c.c.id)
        if supplier is not None:
            q = q.where(c.c.supplier_id == supplier)
        if jurisdiction is not None:
            q = q.where(c.c.jurisdiction == jurisdiction)
        lines = S.contract_lines
        if service is not None:
            q = q.where(c.c.id.in_(select(lines.c.contract_id).where(lines.c.service == service)))
        if site is not None:
            q = q.where(c.c.id.in_(select(lines.c.contract_id).where(lines.c.site == site)))
        with self._read() as conn:
            rows = conn.execute(q).all()
            ends = self._term_ends(conn)
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
                                    tuple(dict.fromkeys(s for _, s in ls))))
        return out

    @staticmethod
    def _term_ends(conn: Connection) -> dict[str, tuple[date, bool]]:
        d = S.change_decisions
        out: dict[str, tuple[date, bool]] = {}
        for cid, end, doc in conn.execute(select(d.c.contract_id, d.c.term_end, d.c.document)
                                          .where(d.c.term_end.is_not(None)).order_by(d.c.id)):
            out[cid] = (end, '"kind":"terminate"' in doc)
        return out

    # --- changes ---------------------------------------------------------------------------
    def propose_change(self, contract_id: str, change: Change, *, by: str) -> None:
        """Record a proposed (pending, 待签) change; officers and the contract's supplier may
        propose."""
        contract_id = _id(contract_id, "contract_id", "合同编号")
        if isinstance(change, Change):
            _exact(change.id, "change.id", "变更编号")
        obj = f"changes:{contract_id}/{getattr(change, 'id', '?')}"
        actor = self._require(by, [Role.OFFICER, Role.SUPPLIER], "propose_change", obj)
        by = actor.id
        with self._read() as conn:
            tl, row, _ = self._timeline(conn, contract_id)
        if actor.roles == {Role.SUPPLIER} and actor.supplier != row.supplier_id:
            raise self._deny(by, "propose_change", obj, "registry.denied.other_supplier",
                             "a supplier's user proposes changes to its own contracts only",
                             "供应商用户只能对本单位的合同提出变更", field="by", value=by)
        tl.propose(change)  # a clear error for a change that is not pending or a duplicate
        values = {"contract_id": contract_id, "change_id": change.id,
                  "kind": type(change.action).KIND, "effective": change.effective,
                  "document": _dumps(unstructure(change)), "proposed_by": by,
                  "proposed_at": _now()}
        try:
            with self._write() as conn:
                self._record(conn, S.changes, [values], by,
                             self._role(actor, [Role.OFFICER, Role.SUPPLIER]), "propose_change")
        except IntegrityError:
            raise RegistryError("a change with this id is recorded already",
                                field="change.id", value=change.id, term="变更编号",
                                code="registry.change_exists", zh="该变更编号已登记") from None

    def _decide(self, contract_id: str, change_id: str, by: str, action: str
                ) -> tuple[Timeline, Actor, Row[Any], str]:
        change_id = _id(change_id, "change_id", "变更编号")
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
                                term="变更编号", code="registry.unknown_change",
                                zh="没有该待签变更")
        if all(p.id != change_id for p in tl.pending):
            raise RegistryError("the change is decided already (signed or rejected)",
                                field="change_id", value=change_id, term="变更状态",
                                code="registry.change_decided", zh="该变更已签订或已驳回")
        if actor.supplier is not None and actor.supplier == row.supplier_id:
            raise self._deny(by, action, obj, "registry.denied.own_contract",
                             "a supplier's user cannot sign or approve a change of its own "
                             "contract", "供应商用户不得签批本单位合同的变更",
                             field="by", value=by)
        if proposed == by:
            raise self._deny(by, action, obj, "registry.denied.proposer_only_approver",
                             "whoever proposed a change cannot sign or reject it; another "
                             "approver decides it",
                             "变更提出人不得签批或驳回本人提出的变更，须由其他审批人决定",
                             field="by", value=by)
        self._separate(proposed, by, action, obj, what="deciding a change",
                       what_zh="签批或驳回变更")
        return tl, actor, row, obj

    def sign_change(self, contract_id: str, change_id: str, *, by: str,
                    signed_on: date | None = None, today: date | None = None) -> Change:
        """Sign a pending change after the library's checks (政府采购法 第四十九条、第五十条):
        :class:`~outsourcing.errors.ChangeRejected` leaves it pending.  The signer is an
        approver who did not propose it and does not work for the supplier."""
        contract_id = _id(contract_id, "contract_id", "合同编号")
        tl, actor, row, obj = self._decide(contract_id, change_id, by, "sign_change")
        by, change_id = actor.id, _id(change_id, "change_id", "变更编号")
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
        contract_id = _id(contract_id, "contract_id", "合同编号")
        tl, actor, _, obj = self._decide(contract_id, change_id, by, "reject_change")
        by, change_id = actor.id, _id(change_id, "change_id", "变更编号")
        reason = _text(reason, "reason", "驳回理由", empty=False)
        new = tl.reject(change_id, reason)
        return self._record_decision(contract_id, new.change(change_id), "rejected", by,
                                     actor, obj, None, None)

    def _record_decision(self, contract_id: str, change: Change, decision: str, by: str,
                         actor: Actor, obj: str, term_end: date | None,
                         timeline: Timeline | None) -> Change:
        values = {"contract_id": contract_id, "change_id": change.id, "decision": decision,
                  "term_end": term_end, "document": _dumps(unstructure(change)),
                  "decided_by": by, "decided_at": _now()}
        try:
            with self._write() as conn:
                self._record(conn, S.change_decisions, [values], by, Role.APPROVER.value,
                             f"{decision}_change")
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
                                code="registry.change_decided", zh="该变更已被他人签批或驳回"
                                ) from None
        return change

    def changes(self, contract_id: str) -> list[ChangeRecord]:
        """Every change of a contract in the order proposed, with who and when."""
        contract_id = _id(contract_id, "contract_id", "合同编号")
        ch, d = S.changes, S.change_decisions
        with self._read() as conn:
            self._contract_row(conn, contract_id)
            rows = conn.execute(
                select(ch.c.document, ch.c.proposed_by, ch.c.proposed_at, d.c.document,
                       d.c.decided_by, d.c.decided_at)
                .select_from(ch.outerjoin(d, (d.c.contract_id == ch.c.contract_id)
                                          & (d.c.change_id == ch.c.change_id)))
                .where(ch.c.contract_id == contract_id).order_by(ch.c.id)).all()
        out = []
        for pdoc, pby, pat, ddoc, dby, dat in rows:
            c = structure(json.loads(ddoc or pdoc), Change)
            out.append(ChangeRecord(c, c.status, pby, pat, dby, dat))
        return out

    # --- assessments -----------------------------------------------------------------------
    def record_assessment(self, contract_id: str, assessment: Assessment, *, by: str,
                          reason: str = "") -> int:
        """Record a line's assessment for a period; a second one for the same line and period
        is a correction (更正): a new version, the old one stays.  Returns the version."""
        return self.record_assessments(contract_id, [assessment], by=by, reason=reason)[0]

    def record_assessments(self, contract_id: str, assessments: Iterable[Assessment], *,
                           by: str, reason: str = "") -> list[int]:
        """Record several assessments of one contract in one transaction (a month's score
        sheets); each is a new version of its line and period.  Returns the versions."""
        contract_id = _id(contract_id, "contract_id", "合同编号")
        items = list(assessments)
        for n, x in enumerate(items):
            if not isinstance(x, Assessment):
                raise RegistryError(f"a {type(x).__name__} is not an Assessment",
                                    field=f"assessments[{n}]", value=repr(x), term="考核记录",
                                    code="registry.bad_input", zh="不是考核记录")
        reason = _text(reason, "reason", "更正理由")
        obj = f"assessments:{contract_id}"
        actor = self._require(by, [Role.ASSESSOR], "record_assessment", obj)
        by = actor.id
        self._check_assessor(contract_id, actor, items, obj)

        def write() -> list[int]:
            with self._write() as conn:
                return [v for _, v, _ in self._versioned(
                    conn, S.assessments, items, key=_line_key(contract_id),
                    content=lambda x: {"document": _dumps(unstructure(x))}, by=by,
                    role=Role.ASSESSOR.value, actions=ASSESSMENT_ACTIONS, reason=reason,
                    reason_on_first=True)]
        return self._retrying(write, "assessment", obj, "考核记录")

    def _check_due(self, contract_id: str, items: Sequence[Assessment]) -> None:
        """Refuse, before anything is written, a value for a KPI not due in the period and
        不适用 where the contract's terms do not allow it (考核周期, see
        :meth:`~outsourcing.performance.CompiledKpis.read_due`)."""
        with self._read() as conn:
            pc, _ = self._prepared_contract(conn, contract_id)  # kept while unchanged
        for n, x in enumerate(items):
            pl = pc.lines[pc.line_index[x.line]]
            if pl.due is None and not x.not_applicable:
                continue
            try:
                due = (pl.due[pc.period_index(x.period)] if pl.due is not None
                       else (True,) * len(pl.kpis))
                pl.kpis.read_due(x, due, where=f"assessments[{n}]")
            except OutsourcingError as exc:
                raise RegistryError(exc.reason, field=exc.field, value=exc.value,
                                    term=exc.term, code=exc.code, zh=exc.zh) from None

    def assessments(self, contract_id: str, period: Period | str, *,
                    history: bool = False) -> list[Assessment]:
        """The period's assessments in force (the latest version of each line); with
        ``history`` every version, oldest first."""
        contract_id = _id(contract_id, "contract_id", "合同编号")
        p = str(Period.parse(period) if isinstance(period, str) else period)
        with self._read() as conn:
            return [x for _, _, x in self._assessments(conn, contract_id, p, history)]

    @staticmethod
    def _assessments(conn: Connection, contract_id: str, period: str, history: bool = False
                     ) -> list[tuple[str, int, Assessment]]:
        rows = conn.execute(Q_ASSESSMENTS, {"cid": contract_id, "period": period}).all()
        if history:
            return [(r.document, r.version, structure(json.loads(r.document), Assessment))
                    for r in rows]
        latest: dict[str, Any] = {}
        for r in rows:
            latest[r.line_id] = r
        return [(r.document, r.version, structure(json.loads(r.document), Assessment))
                for r in latest.values()]

    def _check_assessor(self, contract_id: str, actor: Actor, items: Sequence[Assessment],
                        obj: str) -> None:
        """A supplier's user never assesses its own work; every line is the contract's; no
        value for a KPI not due, no 不适用 the contract does not allow (:meth:`_check_due`)."""
        by = actor.id
        lines = S.contract_lines
        with self._read() as conn:
            supplier = self._contract_row(conn, contract_id).supplier_id
            known = list(conn.execute(select(lines.c.line_id).where(
                lines.c.contract_id == contract_id).order_by(lines.c.id)).scalars())
        if actor.supplier is not None and actor.supplier == supplier:
            raise self._deny(by, "record_assessment", obj, "registry.denied.own_contract",
                             "a supplier's user cannot assess its own work",
                             "供应商用户不得考核本单位的服务", field="by", value=by)
        for n, x in enumerate(items):
            if x.line not in known:
                raise RegistryError(f"no such line; lines: {', '.join(known)}",
                                    field=f"assessments[{n}].line", value=x.line,
                                    term="服务项目", code="registry.unknown_line",
                                    zh="合同中没有该服务项目")
        self._check_due(contract_id, items)

    def import_assessments(self, contract_id: str, assessments: Iterable[Assessment], *,
                           by: str, correction: str | None = None) -> Imported:
        """Record a month's assessments as one workbook: **one transaction**, all or nothing.

        Inside it, under a serialised write (SQLite ``BEGIN IMMEDIATE``; on PostgreSQL the
        audit chain's head row, locked for the transaction) and the unique constraint on
        (contract, line, period, version): a line recorded already with the same values is
        left alone; a line whose values changed is refused (``registry.assessment_changed``,
        nothing written) unless ``correction`` gives the reason, and is then recorded as a
        correction (更正) with it.  Two imports at once of the same workbook record it once;
        a process killed in the middle leaves nothing of it."""
        items = list(assessments)
        for n, x in enumerate(items):
            if not isinstance(x, Assessment):
                raise RegistryError(f"a {type(x).__name__} is not an Assessment",
                                    field=f"assessments[{n}]", value=repr(x), term="考核记录",
                                    code="registry.bad_input", zh="不是考核记录")
        reason = None if correction is None else _text(correction, "correction", "更正理由",
                                                         empty=False)
        contract_id = _id(contract_id, "contract_id", "合同编号")
        obj = f"assessments:{contract_id}"
        actor = self._require(by, [Role.ASSESSOR], "record_assessment", obj)
        by = actor.id
        self._check_assessor(contract_id, actor, items, obj)

        def refuse(changed: list[tuple[Assessment, Row[Any]]]) -> RegistryError:
            lines = "、".join(x.line for x, _ in changed)
            return RegistryError(
                "already recorded with other values; give the reason to record a "
                "correction", field="assessments", value=lines, term="考核记录",
                code="registry.assessment_changed",
                zh=f"服务项目 {lines} 的考核已记录且内容不同；如需更正，须说明更正理由"
                   "（将记为更正版本，原记录保留）")

        with self._write() as conn:
            out = self._versioned(
                conn, S.assessments, items, key=_line_key(contract_id),
                content=lambda x: {"document": _dumps(unstructure(x))}, by=by,
                role=Role.ASSESSOR.value, actions=ASSESSMENT_ACTIONS, reason=reason or "",
                same=lambda r, x: structure(json.loads(r.document), Assessment) == x,
                refuse=refuse)
        return Imported(tuple(x.line for x, v, w in out if w and v == 1),
                        tuple(x.line for x, _, w in out if not w),
                        tuple(x.line for x, v, w in out if w and v > 1))

    # --- acceptance ------------------------------------------------------------------------
    @staticmethod
    def _acceptance_row(conn: Connection, contract_id: str, period: str) -> Row[Any] | None:
        t = S.acceptances
        return conn.execute(select(t).where(t.c.contract_id == contract_id,
                                            t.c.period == period)
                            .order_by(t.c.version.desc()).limit(1)).first()

    def _period_versions(self, conn: Connection, table: Table, contract_id: str, period: str
                         ) -> Sequence[Row[Any]]:
        """Every version of a contract's period in ``table``, oldest first (a clear error
        for an unknown contract)."""
        self._contract_row(conn, contract_id)
        return conn.execute(select(table).where(
            table.c.contract_id == contract_id, table.c.period == period)
            .order_by(table.c.version)).all()

    @staticmethod
    def _acceptance_of(r: Row[Any]) -> Acceptance:
        return Acceptance(r.contract_id, Period.parse(r.period), r.version, r.accepted_on,
                          r.acceptance_due, r.accepted_by, r.reason, r.recorded_by,
                          r.recorded_at)

    def accept(self, contract_id: str, period: Period | str, accepted_on: date, *, by: str,
               accepted_by: str | None = None, acceptance_due: date | None = None,
               reason: str = "", today: date | None = None) -> Accepted:
        """Record the acceptance of a period (验收): the day the purchaser accepted the
        service, who accepted (default: the recording actor's name) and the agreed
        acceptance deadline if the contract sets one.  The payment clock of the period's
        statement starts on it (保障中小企业款项支付条例 第九条).

        Versioned like an assessment and audited, in one transaction under a serialised
        write: the same values again write nothing; changed values are refused
        (``registry.acceptance_changed``) unless ``reason`` says why, and are then a
        correction (version 2 on) — settling again writes a corrected statement whose
        reason is this one.  Recorded by an officer (经办人) or an assessor (考核人).  The
        day is a day of the contract's term's period or after it, and not after ``today``."""
        contract_id = _id(contract_id, "contract_id", "合同编号")
        p = Period.parse(period) if isinstance(period, str) else period
        reason = _text(reason, "reason", "更正理由")
        obj = f"acceptances:{contract_id}/{p}"
        actor = self._require(by, [Role.OFFICER, Role.ASSESSOR], "accept", obj)
        by = actor.id
        who = _text(accepted_by if accepted_by is not None else actor.name, "accepted_by",
                    "验收人", kind="name", empty=False)
        for field, d in (("accepted_on", accepted_on), ("acceptance_due", acceptance_due)):
            if d is not None and (not isinstance(d, date) or isinstance(d, datetime)):
                raise RegistryError("is a date", field=field, value=repr(d), term="验收日期",
                                    code="registry.bad_input", zh="须为日期")
        with self._read() as conn:
            pc, _ = self._prepared_contract(conn, contract_id)
        pc.period_index(p)  # a period of the term, or a clear error
        today = today or date.today()
        if accepted_on < p.start or accepted_on > today:
            raise RegistryError(
                f"the acceptance day falls outside {p.start} … {today} (from the period's "
                "first day to today)", field="accepted_on", value=accepted_on.isoformat(),
                term="验收日期", code="registry.bad_acceptance_date",
                zh=f"验收日期 {accepted_on} 须在期间首日 {p.start} 至今日 {today} 之间")
        if acceptance_due is not None and acceptance_due < p.start:
            raise RegistryError(
                f"the agreed acceptance deadline is before the period starts ({p.start})",
                field="acceptance_due", value=acceptance_due.isoformat(), term="约定验收期限",
                code="registry.bad_acceptance_date",
                zh=f"约定验收期限 {acceptance_due} 早于期间首日 {p.start}")
        given = {"accepted_on": accepted_on, "acceptance_due": acceptance_due,
                 "accepted_by": who}

        def refuse(changed: list[tuple[dict[str, Any], Row[Any]]]) -> RegistryError:
            (_, last), = changed
            return RegistryError(
                f"the acceptance of {p} is recorded already (on {last.accepted_on}, by "
                f"{last.accepted_by}); give the reason to record a correction",
                field="reason", value=reason, term="验收记录",
                code="registry.acceptance_changed",
                zh=f"{p} 的验收已记录（验收日期 {last.accepted_on}，验收人 "
                   f"{last.accepted_by}）；如需更正，须说明更正理由")

        with self._write() as conn:
            (_, _, written), = self._versioned(
                conn, S.acceptances, [given],
                key=lambda _: {"contract_id": contract_id, "period": str(p)},
                content=lambda x: x, by=by,
                role=self._role(actor, [Role.OFFICER, Role.ASSESSOR]),
                actions=("accept", "correct_acceptance"), reason=reason,
                same=lambda r, x: all(r._mapping[k] == v for k, v in x.items()),
                refuse=refuse, reason_on_first=True)
            row = self._acceptance_row(conn, contract_id, str(p))
        assert row is not None  # written or found just now, in this transaction
        return Accepted(self._acceptance_of(row), written)

    def acceptances(self, contract_id: str, period: Period | str, *, history: bool = False
                    ) -> list[Acceptance]:
        """The period's acceptance in force (a list of one, or empty); with ``history``
        every version, oldest first."""
        contract_id = _id(contract_id, "contract_id", "合同编号")
        p = str(Period.parse(period) if isinstance(period, str) else period)
        with self._read() as conn:
            rows = self._period_versions(conn, S.acceptances, contract_id, p)
        out = [self._acceptance_of(r) for r in rows]
        return out if history else out[-1:]

    # --- actual usage ----------------------------------------------------------------------
    def record_usage(self, contract_id: str, usage: Iterable[Usage], *, by: str,
                     reason: str = "") -> list[UsageRecorded]:
        """Record the actual usage of a contract's lines (实际用量: a unit-rate line's quantity
        delivered, a labour-plus-materials line's materials bought), all in one transaction.

        Each usage is checked against the contract as it stands in its period (the line
        exists, ran, and is priced on usage; a quantity for a unit-rate line, materials for
        labour plus materials).  The same values as the version in force write nothing;
        other values are a correction (更正): a new version, the old one kept — refused
        without ``reason``, and then nothing of the call is written.  Every written version
        is in the audit chain."""
        items = list(usage)
        for n, x in enumerate(items):
            if not isinstance(x, Usage):
                raise RegistryError(f"a {type(x).__name__} is not a Usage",
                                    field=f"usage[{n}]", value=repr(x), term="实际用量",
                                    code="registry.bad_input", zh="不是实际用量记录")
        contract_id = _id(contract_id, "contract_id", "合同编号")
        reason = _text(reason, "reason", "更正理由")
        obj = f"usage_records:{contract_id}"
        actor = self._require(by, [Role.OFFICER, Role.ASSESSOR], "record_usage", obj)
        by = actor.id
        role = self._role(actor, [Role.OFFICER, Role.ASSESSOR])
        seen: set[tuple[str, Period]] = set()
        with self._read() as conn:  # a supplier's user holds neither role (职责分离)
            pc, _ = self._prepared_contract(conn, contract_id)
        for n, x in enumerate(items):
            key = (x.line, x.period)
            if key in seen:
                raise RegistryError("usage given twice for this line and period",
                                    field=f"usage[{n}]", value=f"{x.line} {x.period}",
                                    term="实际用量", code="registry.usage_twice",
                                    zh=f"服务项目 {x.line} 的 {x.period} 实际用量重复填写")
            seen.add(key)
            try:
                pc.actual_fees(pc.period_index(x.period), [x])  # fits the line as priced
            except OutsourcingError as exc:
                raise RegistryError(f"usage[{n}]: {exc.reason}", field=f"usage[{n}]",
                                    value=f"{x.line} {x.period}", term="实际用量",
                                    code="registry.usage_invalid",
                                    zh=f"服务项目 {x.line} 的 {x.period} 实际用量无法录入："
                                       f"{exc.message_zh}") from None

        def same(r: Row[Any], x: Usage) -> bool:
            old = structure(json.loads(r.document), Usage)
            return (old.quantity, old.materials) == (x.quantity, x.materials)

        def refuse(changed: list[tuple[Usage, Row[Any]]]) -> RegistryError:
            lines = "、".join(f"{x.line} {x.period}" for x, _ in changed)
            return RegistryError(
                "already recorded with other values; a correction needs a reason",
                field="reason", value=lines, term="更正理由",
                code="registry.usage_correction_needs_reason",
                zh=f"{lines} 的实际用量已录入且数值不同；更正须说明理由"
                   "（记为更正版本，原记录保留）")

        def write() -> list[UsageRecorded]:
            with self._write() as conn:
                out = self._versioned(
                    conn, S.usage_records, items, key=_line_key(contract_id),
                    content=lambda x: {"document": _dumps(unstructure(
                        attrs.evolve(x, recorded_by=x.recorded_by or by)))},
                    by=by, role=role, actions=("record_usage", "correct_usage"),
                    reason=reason, same=same, refuse=refuse)
            return [UsageRecorded(x.line, x.period, v, w, w and v > 1)  # unchanged first
                    for x, v, w in sorted(out, key=lambda r: r[2])]
        return self._retrying(write, "usage", obj, "实际用量")

    def usage(self, contract_id: str, period: Period | str, *,
              history: bool = False) -> list[Usage]:
        """The period's usage in force (the latest version of each line); with ``history``
        every version, oldest first."""
        contract_id = _id(contract_id, "contract_id", "合同编号")
        p = str(Period.parse(period) if isinstance(period, str) else period)
        with self._read() as conn:
            self._contract_row(conn, contract_id)
            return [x for _, _, x in self._usage(conn, contract_id, p, history)]

    @staticmethod
    def _usage(conn: Connection, contract_id: str, period: str, history: bool = False
               ) -> list[tuple[str, int, Usage]]:
        rows = conn.execute(Q_USAGE, {"cid": contract_id, "period": period}).all()
        if not history:
            rows = list({r.line_id: r for r in rows}.values())
        return [(r.document, r.version, structure(json.loads(r.document), Usage))
                for r in rows]

    # --- final assessment scores -----------------------------------------------------------
    def record_final_score(self, contract_id: str, line: str, score: Decimal | str | int, *,
                           by: str, reason: str = "") -> tuple[int, bool]:
        """Record a line's final assessment score (年度/期满考核得分, 0–100), which releases
        its holdback where the contract pays the holdback by the result
        (:class:`~outsourcing.payment.Holdback` ``by_result`` / ``forfeit_below``).

        Versioned like an assessment and audited: the same score again writes nothing;
        another score is a correction and needs ``reason``.  Returns the version in force
        and whether it was written.  Recorded by an assessor
        (考核人) or an officer.  The periods that release the holdback read the score in
        force when they are settled."""
        contract_id = _id(contract_id, "contract_id", "合同编号")
        reason = _text(reason, "reason", "更正理由")
        obj = f"final_scores:{contract_id}"
        actor = self._require(by, [Role.ASSESSOR, Role.OFFICER], "record_final_score", obj)
        by = actor.id
        with self._read() as conn:
            pc, _ = self._prepared_contract(conn, contract_id)
        try:
            centi = pc.final_scores({line: score})  # a line of the contract, 0..100
        except OutsourcingError as exc:
            raise RegistryError(f"final score: {exc.reason}", field="score", value=str(score),
                                term="期满考核得分", code="registry.final_score_invalid",
                                zh=f"服务项目 {line} 的期满考核得分无法录入：{exc.message_zh}"
                                ) from None
        text = str(Decimal(next(iter(centi.values()))) / 100)
        t = S.final_scores
        with self._write() as conn:
            self._lock(conn)
            last = conn.execute(select(t).where(t.c.contract_id == contract_id,
                                                t.c.line_id == line)
                                .order_by(t.c.version.desc()).limit(1)).first()
            if last is not None and Decimal(last.score) == Decimal(text):
                return last.version, False
            if last is not None and not reason.strip():
                raise RegistryError(
                    f"the final score of {line} is recorded already ({last.score}); give the "
                    "reason to record a correction", field="reason", value=reason,
                    term="期满考核得分", code="registry.final_score_changed",
                    zh=f"服务项目 {line} 的期满考核得分已录入（{last.score}）；"
                       "如需更正，须说明更正理由")
            version = 1 if last is None else last.version + 1
            self._record(conn, t, [{
                "contract_id": contract_id, "line_id": line, "version": version,
                "score": text, "reason": reason, "recorded_by": by, "recorded_at": _now()}],
                by, self._role(actor, [Role.ASSESSOR, Role.OFFICER]),
                "record_final_score" if version == 1 else "correct_final_score")
        return version, True

    def final_scores(self, contract_id: str) -> dict[str, Decimal]:
        """Each line's final assessment score in force."""
        contract_id = _id(contract_id, "contract_id", "合同编号")
        with self._read() as conn:
            self._contract_row(conn, contract_id)
            return {k: Decimal(v) for k, (_, v) in self._finals(conn, contract_id).items()}

    @staticmethod
    def _finals(conn: Connection, contract_id: str) -> dict[str, tuple[int, str]]:
        t = S.final_scores
        out: dict[str, tuple[int, str]] = {}
        for r in conn.execute(select(t.c.line_id, t.c.version, t.c.score).where(
                t.c.contract_id == contract_id).order_by(t.c.line_id, t.c.version)):
            out[r.line_id] = (r.version, r.score)
        return out

    # --- settlement ------------------------------------------------------------------------
    def _latest(self, conn: Connection, contract_id: str, period: str) -> Row[Any] | None:
        s = S.statements
        return conn.execute(select(s).where(s.c.contract_id == contract_id,
                                            s.c.period == period)
                            .order_by(s.c.version.desc()).limit(1)).first()

    @staticmethod
    def _latest_of(conn: Connection, contract_id: str, periods: list[str]
                   ) -> dict[str, Row[Any]]:
        """The statement in force of each period (one query)."""
        out: dict[str, Row[Any]] = {}
        for r in conn.execute(Q_LATEST, {"cid": contract_id, "periods": periods}):
            out[r.period] = r
        return out

    def settle(self, contract_id: str, period: Period | str, *, by: str) -> Settled:
        """Settle a contract's period from what the store holds and store the statement, in
        one transaction (see ``docs/registry.md``).

        Reads the contract, its signed changes, the period's assessments in force, the
        period's acceptance in force (:meth:`accept`; without one the clock starts on the
        last assessment's day) and the previous period's statement; settles with
        :meth:`PreparedContract.settle`.  The statement depends only on these recorded
        inputs: settling them again — by this call, :meth:`settle_all` or the desk — returns
        the stored statement and writes nothing; a changed input stores a correction that
        supersedes it, with the difference to pay or recover and the reason the input
        changed.
        """
        contract_id = _id(contract_id, "contract_id", "合同编号")
        p = Period.parse(period) if isinstance(period, str) else period
        obj = f"statements:{contract_id}/{p}"
        actor = self._require(by, [Role.FINANCE, Role.OFFICER], "settle", obj)
        by = actor.id
        role = self._role(actor, [Role.FINANCE, Role.OFFICER])
        for _ in range(5):
            with self._read() as conn:
                pc, tl_hash = self._prepared_contract(conn, contract_id)
                i = pc.period_index(p)
                found = self._assessments(conn, contract_id, str(p))
                acc = self._acceptance_row(conn, contract_id, str(p))
                used = self._usage(conn, contract_id, str(p))
                # a final score is an input of the periods that release a holdback by it
                finals = {lid: vs for lid, vs in self._finals(conn, contract_id).items()
                          if lid in pc.line_index
                          and i in pc.lines[pc.line_index[lid]].release_at
                          and (hb := pc.lines[pc.line_index[lid]].rule.holdback) is not None
                          and hb.needs_result}
                prev_row = None
                both = self._latest_of(conn, contract_id,
                                       [str(p)] + ([str(pc.periods[i - 1])] if i else []))
                if i > 0:
                    prev_row = both.get(str(pc.periods[i - 1]))
                    if prev_row is None:
                        raise RegistryError(
                            f"settle {pc.periods[i - 1]} first: a period carries the previous "
                            "one's holdback and history", field="period", value=str(p),
                            term="上期结算单", code="registry.previous_missing",
                            zh=f"请先结算上一期 {pc.periods[i - 1]}")
                current = both.get(str(p))
                accepted_on = None if acc is None else acc.accepted_on
                acceptance_due = None if acc is None else acc.acceptance_due
                inputs = _sha(_dumps([FORMAT, tl_hash, [d for d, _, _ in found],
                                      None if prev_row is None else prev_row.id,
                                      None if accepted_on is None else accepted_on.isoformat(),
                                      None if acceptance_due is None
                                      else acceptance_due.isoformat()]
                                     + ([[d for d, _, _ in used]] if used else [])
                                     + ([sorted((k, v) for k, (_, v) in finals.items())]
                                        if finals else [])))
                if current is not None and current.inputs_hash == inputs:
                    return Settled(_unpack_statement(current.document, pc), current.version,
                                   False, current.version > 1,
                                   Money.from_fen(current.difference_fen))
                decisions = len(getattr(pc.source, "changes", ()))
                versions = {"assessments": {x.line: v for _, v, x in found},
                            "usage": {x.line: v for _, v, x in used},
                            "acceptance": None if acc is None else acc.version,
                            "final_scores": {k: v for k, (v, _) in finals.items()},
                            "decisions": decisions,
                            "previous": None if prev_row is None else prev_row.id}
                why = ("" if current is None else
                       self._why(conn, contract_id, str(p), current, versions, pc, prev_row))
            previous = None if prev_row is None else _carry_of(prev_row.carry)
            st = pc.settle(p, [x for _, _, x in found], previous=previous,
                           accepted_on=accepted_on, acceptance_due=acceptance_due,
                           usage=[x for _, _, x in used], usage_required=True,
                           final_scores={k: v for k, (_, v) in finals.items()} or None)
            version = 1 if current is None else current.version + 1
            diff = st.payable.fen - (0 if current is None else current.payable_fen)
            doc, carry = _pack_statement(st, decisions, versions, why)
            values = {"contract_id": contract_id, "period": str(p), "version": version,
                      "supersedes": None if current is None else current.id,
                      "inputs_hash": inputs, "payable_fen": st.payable.fen,
                      "difference_fen": diff, "document": doc, "carry": carry,
                      "settled_by": by, "settled_at": _now(), "due_on": st.due_on}
            try:
                with self._write() as conn:
                    action = "settle" if version == 1 else "correct"
                    sid = self._record(conn, S.statements, [values], by, role, action)[0]
                    self._record(conn, S.findings, [
                        {"statement_id": sid, "contract_id": contract_id, "period": str(p),
                         "code": f.code, "severity": f.severity.value, "message": f.message}
                        for f in st.findings], by, role, action)
            except IntegrityError:
                continue  # another writer stored this version first: read it again
            return Settled(st, version, True, version > 1, Money.from_fen(diff))
        raise RegistryError("too many writers at once; try again", field="period",
                            value=obj, term="结算", code="registry.conflict",
                            zh="并发写入冲突，请重试")

    def _why(self, conn: Connection, contract_id: str, period: str, current: Row[Any],
             versions: Mapping[str, Any], pc: PreparedContract, prev_row: Row[Any] | None
             ) -> str:
        """Why a correction is written: each recorded input that changed since the version
        in force was settled, with the reason recorded with it (更正原因)."""
        old = _document(current.document).get("inputs") or {}
        if not old:  # settled by a release that did not record its inputs' versions
            return "结算所依据的登记内容已变化"
        parts: list[str] = []
        a = S.assessments
        reasons = {(r.line_id, r.version): r.reason for r in conn.execute(
            select(a.c.line_id, a.c.version, a.c.reason).where(
                a.c.contract_id == contract_id, a.c.period == period))}
        before = old.get("assessments", {})
        for line, v in versions["assessments"].items():
            if before.get(line) == v:
                continue
            if line not in before and v == 1:
                parts.append(f"补录考核（{line}）")
            else:
                why = reasons.get((line, v)) or "未说明理由"
                parts.append(f"考核更正（{line} 第{v}版）：{why}")
        u = S.usage_records
        used_before = old.get("usage", {})
        for line, v in versions["usage"].items():
            if used_before.get(line) == v:
                continue
            why = conn.execute(select(u.c.reason).where(
                u.c.contract_id == contract_id, u.c.period == period, u.c.line_id == line,
                u.c.version == v)).scalar_one_or_none()
            parts.append(f"实际用量已录入（{line}）" if v == 1 and line not in used_before
                         else f"实际用量更正（{line} 第{v}版）：{why or '未说明理由'}")
        f = S.final_scores
        finals_before = old.get("final_scores", {})
        for line, v in versions.get("final_scores", {}).items():
            if finals_before.get(line) == v:
                continue
            why = conn.execute(select(f.c.reason).where(
                f.c.contract_id == contract_id, f.c.line_id == line,
                f.c.version == v)).scalar_one_or_none()
            parts.append(f"期满考核得分已录入（{line}）" if v == 1
                         else f"期满考核得分更正（{line} 第{v}版）：{why or '未说明理由'}")
        acc_v = versions["acceptance"]
        if acc_v != old.get("acceptance"):
            row = self._acceptance_row(conn, contract_id, period)
            if row is not None and row.version > 1:
                parts.append(f"验收记录更正（第{row.version}版）：{row.reason or '未说明理由'}")
            elif row is not None:
                parts.append(f"验收已记录：验收日期 {row.accepted_on}（{row.accepted_by}）")
        if versions["decisions"] != old.get("decisions", versions["decisions"]):
            ids = [c.id for c in getattr(pc.source, "changes", ())][old.get("decisions", 0):]
            parts.append(f"合同变更已签订：{'、'.join(ids) or '变更'}")
        if versions["previous"] != old.get("previous", versions["previous"]) and prev_row:
            parts.append(f"上期 {prev_row.period} 结算单已更正（第{prev_row.version}版）")
        return "；".join(parts) or "结算所依据的登记内容已变化"

    def settle_all(self, period: Period | str, *, by: str, executor: Executor | None = None,
                   workers: int | None = None) -> BatchResult:
        """Settle every contract in force in ``period``, each in its own transaction, on any
        :class:`concurrent.futures.Executor`.  Without one: a pool of ``workers`` processes
        (default: one per core); ``workers=1`` (or a single core) settles in this process.
        A contract that fails is reported, the others go on.  The pool's workers end with
        the batch — also when its process is killed — so none is left behind."""
        p = Period.parse(period) if isinstance(period, str) else period
        by = self._require(by, [Role.FINANCE, Role.OFFICER], "settle", f"statements:*/{p}").id
        with self._read() as conn:
            c = S.contracts
            rows = conn.execute(select(c.c.id, c.c.term_end).where(
                c.c.term_start <= p.end).order_by(c.c.id)).all()
            ends = self._term_ends(conn)
        ids = [cid for cid, end in rows if ends.get(cid, (end, False))[0] >= p.start]
        own = None
        memory = self.url in ("sqlite://", "sqlite:///:memory:")
        n = workers if workers is not None else (os.cpu_count() or 1)
        if executor is None and not memory and n > 1 and len(ids) > 1:
            import multiprocessing as mp

            ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
            own = executor = ProcessPoolExecutor(max_workers=n, mp_context=ctx,
                                                 initializer=_die_with_parent,
                                                 initargs=(os.getpid(),))
        try:
            if executor is None:
                results = [_inline(self._settle_here, cid, str(p), by) for cid in ids]
            else:
                results = [executor.submit(_settle_task, self.url, cid, str(p), by)
                           for cid in ids]
            out: dict[str, list[Any]] = {"written": [], "unchanged": [], "corrected": [],
                                         "failed": []}
            for f in results:
                cid, outcome, detail = f.result()
                if outcome == "failed":
                    code, msg = detail.split("\t", 1)
                    out["failed"].append((cid, code, msg))
                else:
                    out[outcome].append(cid)
        finally:
            if own is not None:
                own.shutdown()
        return BatchResult(p, tuple(out["written"]), tuple(out["unchanged"]),
                           tuple(out["corrected"]), tuple(out["failed"]))

    def _settle_here(self, contract_id: str, period: str, by: str) -> tuple[str, str, str]:
        try:
            r = self.settle(contract_id, period, by=by)
        except OutsourcingError as exc:
            return contract_id, "failed", f"{exc.code}\t{exc}"
        return (contract_id, "unchanged" if not r.written else
                "corrected" if r.correction else "written", str(r.version))

    def statement(self, contract_id: str, period: Period | str, *,
                  version: int | None = None) -> Statement:
        """The statement in force for a period (the latest version), or a given version,
        explained by the contract's terms as they were when it was settled (the changes
        decided by then)."""
        contract_id = _id(contract_id, "contract_id", "合同编号")
        p = str(Period.parse(period) if isinstance(period, str) else period)
        s = S.statements
        with self._read() as conn:
            self._contract_row(conn, contract_id)
            if version is None:
                row = self._latest(conn, contract_id, p)
            else:
                row = conn.execute(select(s).where(s.c.contract_id == contract_id,
                                                   s.c.period == p,
                                                   s.c.version == version)).first()
            if row is None:
                raise RegistryError("no statement stored for this period", field="period",
                                    value=p, term="结算单", code="registry.no_statement",
                                    zh="该期间尚无结算单")
            doc = _document(row.document)
            pc, _ = self._prepared_contract(conn, contract_id, _decisions_of(doc))
        return _unpack_statement(doc, pc)

    def statements(self, contract_id: str, *, history: bool = False) -> list[StoredStatement]:
        """Every stored statement of a contract, by period; only the versions in force unless
        ``history``."""
        contract_id = _id(contract_id, "contract_id", "合同编号")
        s = S.statements
        with self._read() as conn:
            self._contract_row(conn, contract_id)
            rows = conn.execute(
                select(s.c.id, s.c.contract_id, s.c.period, s.c.version, s.c.supersedes,
                       s.c.payable_fen, s.c.difference_fen, s.c.due_on, s.c.settled_by,
                       s.c.settled_at).where(s.c.contract_id == contract_id)
                .order_by(s.c.period, s.c.version)).all()
        out = [StoredStatement(r.id, r.contract_id, Period.parse(r.period), r.version,
                               r.supersedes, Money.from_fen(r.payable_fen),
                               Money.from_fen(r.difference_fen), r.due_on, r.settled_by,
                               r.settled_at) for r in rows]
        if not history:
            latest = {x.period: x for x in out}
            out = list(latest.values())
        return out

    @staticmethod
    def _version_of(r: Row[Any], record: tuple[int, str] | None, solo: bool
                    ) -> StatementVersion:
        doc = _document(r.document)
        payable = Money.from_fen(r.payable_fen)
        diff = Money.from_fen(r.difference_fen)
        return StatementVersion(
            r.contract_id, Period.parse(r.period), r.version, payable,
            None if r.version == 1 else payable - diff, diff,
            str(doc.get("reason") or ("" if r.version == 1 else "结算所依据的登记内容已变化")),
            r.due_on, r.settled_by, r.settled_at, None if record is None else record[0],
            "" if record is None else record[1], solo)

    def statement_history(self, contract_id: str, period: Period | str
                          ) -> list[StatementVersion]:
        """Every version of a period's statement, oldest first: for each correction the
        superseded payable, the difference to pay or recover, and why (结算单版本)."""
        contract_id = _id(contract_id, "contract_id", "合同编号")
        p = str(Period.parse(period) if isinstance(period, str) else period)
        with self._read() as conn:
            rows = self._period_versions(conn, S.statements, contract_id, p)
            a, pay = S.audit, S.payments
            records = {x.object: (x.seq, x.hash) for x in conn.execute(
                select(a.c.object, a.c.seq, a.c.hash).where(
                    a.c.object.in_([f"statements:{r.id}" for r in rows]),
                    ~a.c.action.startswith("denied:")))}
            solo = conn.execute(select(pay.c.id).where(
                pay.c.contract_id == contract_id, pay.c.period == p, pay.c.solo == 1)
                .limit(1)).first() is not None
        return [self._version_of(r, records.get(f"statements:{r.id}"), solo) for r in rows]

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
                            term="结算单", code="registry.no_statement",
                            zh="该期间尚无结算单（或无此版本）")

    def findings(self, contract_id: str | None = None, period: Period | str | None = None
                 ) -> list[Finding]:
        """The findings of the statements in force (上期未考核, 付款期限过长 …)."""
        out: list[Finding] = []
        for cid in ([_id(contract_id, "contract_id", "合同编号")] if contract_id else
                    [c.id for c in self.contracts()]):
            for x in self.statements(cid):
                if period is None or str(x.period) == str(period):
                    out.extend(self.statement(cid, x.period).findings)
        return out

    # --- payments --------------------------------------------------------------------------
    def record_payment(self, contract_id: str, period: Period | str, amount: Money,
                       paid_on: date, *, by: str, reference: str = "",
                       today: date | None = None) -> PaymentRecord:
        """Record a payment (or, negative, a recovery) against a settled period.  The paid
        total must stay between nothing and the payable of the statement in force: a period
        is never paid twice, and a correction's difference is paid or recovered.

        The day paid is not after ``today`` (default: today) and not before the period's
        last day — the registry records no payment plan, so no period has a prepayment
        (预付款) that could be paid earlier.  A non-empty ``reference`` (付款凭证号) is
        unique within the period: the same voucher twice is a double payment, and a
        reversal (:meth:`reverse_payment`) names the payment by it."""
        contract_id = _id(contract_id, "contract_id", "合同编号")
        p = Period.parse(period) if isinstance(period, str) else period
        obj = f"payments:{contract_id}/{p}"
        reference = _text(reference, "reference", "付款凭证号")
        by = self._require(by, [Role.FINANCE], "record_payment", obj).id
        if not isinstance(amount, Money) or amount == Money.ZERO:
            raise RegistryError("a payment is a non-zero Money", field="amount",
                                value=repr(amount), term="付款金额", code="registry.bad_input",
                                zh="付款金额须为非零金额")
        _payment_day(paid_on, p, today or date.today())
        pay = S.payments
        with self._read() as conn:
            seen = self._latest(conn, contract_id, str(p))
        solo = (False if seen is None else
                self._pay_separately(seen.settled_by, amount, by, obj))
        with self._write() as conn:
            self._lock(conn)  # writers one at a time: no two payments of the same amount due
            current = self._latest(conn, contract_id, str(p))
            if current is not None and (seen is None or current.id != seen.id):
                raise RegistryError("the period was settled again meanwhile; pay again",
                                    field="period", value=p, term="结算单",
                                    code="registry.conflict", zh="该期间刚被重新结算，请重新付款")
            payable, paid = self._payable_and_paid(conn, contract_id, str(p))
            if reference and conn.execute(select(pay.c.id).where(
                    pay.c.contract_id == contract_id, pay.c.period == str(p),
                    pay.c.reference == reference)).first() is not None:
                raise RegistryError(
                    "a payment with this reference is recorded for the period already",
                    field="reference", value=reference, term="付款凭证号",
                    code="registry.duplicate_reference",
                    zh=f"{p} 已有凭证号为 {reference} 的付款，同一凭证不能重复付款")
            after = paid + amount.fen
            if not min(paid, payable) <= after <= max(paid, payable):
                fp, fy, fa = (Money.from_fen(paid).format(), Money.from_fen(payable).format(),
                              amount.format())
                raise RegistryError(
                    f"paid so far {fp}, payable {fy}: this payment of {fa} would pay the "
                    "period twice or recover more than was overpaid",
                    field="amount", value=str(amount), term="重复支付",
                    code="registry.overpayment",
                    zh=f"已付 {fp}，应付 {fy}：本次付款 {fa} 将导致同一期间重复支付或多追回")
            values = {"contract_id": contract_id, "period": str(p), "amount_fen": amount.fen,
                      "paid_on": paid_on, "reference": reference, "recorded_by": by,
                      "recorded_at": _now(), "solo": 1 if solo else None}
            pk = self._record(conn, pay, [values], by, Role.FINANCE.value,
                              "record_payment_solo" if solo else "record_payment")[0]
        return self._payment_of({**values, "id": pk})

    def _pay_separately(self, settled_by: str, amount: Money, by: str, obj: str) -> bool:
        """Four eyes on money (不相容岗位相互分离): above the bureau's threshold
        (``registry.four_eyes_threshold``) whoever settled the statement does not pay it,
        nor does a person related to them by a proposal; a one-person office
        (``registry.single_person_office``) may, and the payment is marked 单人操作."""
        threshold = Money(self._policy("four_eyes_threshold"))
        if abs(amount.fen) <= threshold.fen:
            return False
        return self._separate(
            settled_by, by, "record_payment", obj,
            what=f"paying {amount.format()} (above {threshold.format()}) of a statement "
                 f"settled by {settled_by}",
            what_zh=f"支付 {amount.format()}（超过双人审核限额 {threshold.format()}）"
                    f"，该结算单由 {settled_by} 结算", solo_ok=self.solo_office())

    def reverse_payment(self, contract_id: str, period: Period | str, reference: str, *,
                        by: str, reason: str, amount: Money | None = None) -> PaymentRecord:
        """Reverse a payment recorded in error (冲正), by its reference (or ``#`` and its
        number), with the reason: a negative payment dated as the one it reverses, at most
        what that payment paid less what was reversed of it already (``amount``, default
        all of it).  Unlike a recovery (a negative payment, which only takes back what a
        correction made overpaid), a reversal may bring the paid total below the payable."""
        contract_id = _id(contract_id, "contract_id", "合同编号")
        p = str(Period.parse(period) if isinstance(period, str) else period)
        obj = f"payments:{contract_id}/{p}"
        reference = _text(reference, "reference", "付款凭证号", empty=False)
        reason = _text(reason, "reason", "冲正理由", empty=False)
        by = self._require(by, [Role.FINANCE], "reverse_payment", obj).id
        if amount is not None and (not isinstance(amount, Money) or amount <= Money.ZERO):
            raise RegistryError("the amount reversed is a positive Money", field="amount",
                                value=repr(amount), term="冲正金额", code="registry.bad_input",
                                zh="冲正金额须为正数金额")
        pay = S.payments
        with self._write() as conn:
            self._lock(conn)
            self._payable_and_paid(conn, contract_id, p)
            rows = conn.execute(select(pay).where(
                pay.c.contract_id == contract_id, pay.c.period == p)
                .order_by(pay.c.id)).all()
            if reference.startswith("#") and reference[1:].isdigit():
                hits = [r for r in rows if r.id == int(reference[1:])]
            else:
                hits = [r for r in rows if r.reference == reference and r.reverses is None]
            if len(hits) != 1 or hits[0].reverses is not None or hits[0].amount_fen <= 0:
                raise RegistryError(
                    "no payment of the period with this reference to reverse",
                    field="reverses", value=reference, term="冲正",
                    code="registry.unknown_payment",
                    zh=f"{p} 没有凭证号为 {reference} 的付款可冲正")
            target = hits[0]
            left = target.amount_fen + sum(r.amount_fen for r in rows
                                           if r.reverses == target.id)
            fen = left if amount is None else amount.fen
            if not 0 < fen <= left:
                fl, ft = Money.from_fen(left).format(), Money.from_fen(target.amount_fen).format()
                shown = Money.from_fen(fen).format()
                raise RegistryError(
                    f"the payment {reference} paid {ft}, of which {fl} is left to reverse: "
                    f"a reversal of {shown} is more", field="amount", value=shown,
                    term="冲正金额", code="registry.reversal_exceeds_payment",
                    zh=f"付款 {reference} 支付 {ft}，尚可冲正 {fl}：冲正 {shown} 超过该笔付款")
            values = {"contract_id": contract_id, "period": p, "amount_fen": -fen,
                      "paid_on": target.paid_on, "reference": f"冲正 {reference}"[:2000],
                      "recorded_by": by, "recorded_at": _now(), "reverses": target.id,
                      "reason": reason}
            pk = self._record(conn, pay, [values], by, Role.FINANCE.value,
                              "reverse_payment")[0]
        return self._payment_of({**values, "id": pk})

    def _payable_and_paid(self, conn: Connection, contract_id: str, period: str
                          ) -> tuple[int, int]:
        """The payable of the statement in force and the paid total, in fen; a clear error
        when the period has no statement."""
        current = self._latest(conn, contract_id, period)
        if current is None:
            self._contract_row(conn, contract_id)
            raise RegistryError("no statement stored for this period", field="period",
                                value=period, term="结算单", code="registry.no_statement",
                                zh="该期间尚无结算单，不能付款")
        pay = S.payments
        paid = conn.execute(select(func.coalesce(func.sum(pay.c.amount_fen), 0)).where(
            pay.c.contract_id == contract_id, pay.c.period == period)).scalar_one()
        return int(current.payable_fen), int(paid)

    @staticmethod
    def _payment_of(r: Mapping[Any, Any]) -> PaymentRecord:
        return PaymentRecord(int(r["id"]), r["contract_id"], Period.parse(r["period"]),
                       Money.from_fen(r["amount_fen"]), r["paid_on"], r["reference"],
                       r.get("reverses"), r.get("reason") or "", r["recorded_by"],
                       r["recorded_at"])

    def payments(self, contract_id: str, period: Period | str | None = None
                 ) -> list[PaymentRecord]:
        """The payments of a contract (or of one period), in the order recorded — every
        date, reversals included."""
        contract_id = _id(contract_id, "contract_id", "合同编号")
        pay = S.payments
        q = select(pay).where(pay.c.contract_id == contract_id).order_by(pay.c.id)
        if period is not None:
            q = q.where(pay.c.period == str(Period.parse(period) if isinstance(period, str)
                                             else period))
        with self._read() as conn:
            self._contract_row(conn, contract_id)
            return [self._payment_of(r._mapping) for r in conn.execute(q)]

    def _interest_term(self, cache: dict[str, Contract], conn: Connection, contract_id: str,
                       jurisdiction: str, due_on: date) -> InterestTerm:
        contract = cache.get(contract_id)
        if contract is None:
            contract = cache[contract_id] = self._terms(
                conn.execute(Q_CONTRACT_DOC, {"cid": contract_id}).scalar_one()).contract
        return interest_term(contract, self.plugins.rulebook(jurisdiction), due_on)

    def due(self, on: date, *, contract_id: str | None = None, every: bool = False
            ) -> list[Due]:
        """What is due on ``on``: each settled period with something still to pay or recover,
        or late interest accrued, with its status (未到期, 已逾期, 逾期已付, 待追回).

        One rule with the statement: the due date is the statement's and the late interest
        is the settlement's term (:func:`outsourcing.due.interest_term` — the contract's
        agreed rate; for an SME without one the statutory 0.05% a day; for a large supplier
        without one none), accrued on each payment made after the due date (by its day) and
        on what is still unpaid, each rounded half-up to the fen.  With ``every``, the
        periods with nothing due are listed too (已付清)."""
        if not isinstance(on, date):
            raise RegistryError("on is a date", field="on", value=repr(on), term="日期",
                                code="registry.bad_input", zh="须为日期")
        s, pay, c = S.statements, S.payments, S.contracts
        contracts: dict[str, Contract] = {}
        out = []
        with self._read() as conn:
            q = (select(s.c.contract_id, s.c.period, s.c.version, s.c.due_on, s.c.payable_fen,
                        c.c.jurisdiction).join(c, c.c.id == s.c.contract_id)
                 .order_by(s.c.contract_id, s.c.period, s.c.version))
            if contract_id is not None:
                contract_id = _id(contract_id, "contract_id", "合同编号")
                q = q.where(s.c.contract_id == contract_id)
            latest: dict[tuple[str, str], Any] = {}
            for sr in conn.execute(q):
                latest[(sr.contract_id, sr.period)] = sr
            pq = select(pay.c.contract_id, pay.c.period, pay.c.amount_fen, pay.c.paid_on
                        ).where(pay.c.paid_on <= on)
            if contract_id is not None:
                pq = pq.where(pay.c.contract_id == contract_id)
            paid: dict[tuple[str, str], dict[date, int]] = {}
            for pr in conn.execute(pq):
                days = paid.setdefault((pr.contract_id, pr.period), {})
                days[pr.paid_on] = days.get(pr.paid_on, 0) + pr.amount_fen
            for key, r in latest.items():
                ps = paid.get(key, {})
                total = sum(ps.values())
                outstanding = r.payable_fen - total
                interest = late = 0
                rid = cit = None
                if r.due_on is not None:
                    term = self._interest_term(contracts, conn, r.contract_id, r.jurisdiction,
                                               r.due_on)
                    rid, cit = term.rule_id, term.citation
                    pieces = [(a, (d - r.due_on).days) for d, a in ps.items()
                              if d > r.due_on and a > 0]
                    if outstanding > 0 and on > r.due_on:
                        pieces.append((outstanding, (on - r.due_on).days))
                    late = max((days for _, days in pieces), default=0)
                    if term.daily is not None:
                        q_ = Fraction(term.daily)
                        interest = sum(div_half_up(a * q_.numerator * days, q_.denominator)
                                       for a, days in pieces)
                if outstanding == 0 and interest == 0 and not every:
                    continue
                status = ("待追回" if outstanding < 0 else "已逾期" if outstanding > 0 and late
                          else "未到期" if outstanding > 0 else "逾期已付" if late else "已付清")
                out.append(Due(r.contract_id, Period.parse(r.period), r.version, r.due_on,
                               Money.from_fen(r.payable_fen), Money.from_fen(total),
                               Money.from_fen(outstanding), late, Money.from_fen(interest),
                               rid, cit, status))
        return out

    def paid(self, contract_id: str) -> dict[Period, Money]:
        """What was paid for each period of a contract, every payment whatever its date
        (reversals and recoveries included)."""
        return _sum_by_period(self.payments(contract_id))

    def headroom(self, on: date | None = None) -> list[CapReport]:
        """The supplementary-contract cap report of every contract (补充合同额度): used,
        left, additions and savings, each with its change."""
        out = []
        for info in self.contracts(on=on):
            tl = self.timeline(info.id)
            out.append(cap_report(tl, self.plugins.rulebook(info.jurisdiction), on))
        return out

    # --- the audit trail -------------------------------------------------------------------
    def audit_trail(self, *, object_prefix: str | None = None, limit: int | None = None
                    ) -> list[AuditRecord]:
        """The audit records, oldest first (optionally only those whose object starts with
        ``object_prefix``, such as ``"statements:"``)."""
        a = S.audit
        q = select(a).order_by(a.c.seq)
        if object_prefix is not None:
            q = q.where(a.c.object.startswith(object_prefix))
        if limit is not None:
            q = q.limit(limit)
        with self._read() as conn:
            return [AuditRecord(r.seq, r.at, r.actor, r.role, r.action, r.object,
                                r.content_hash, r.prev_hash, r.hash) for r in conn.execute(q)]

    def verify(self, *, keys: AuditKeys | None = None, anchors: Iterable[Anchor] = (),
               chunk: int = 20_000) -> Verification:
        """Walk the audit chain in chunks of ``chunk`` records (memory does not grow with
        the chain): each record's hash, its link to the previous one, its MAC under the audit
        key (``keys``, default the store's), and the content of every row it covers; then
        the head, the rows no record covers, each anchor and the derived columns
        (:func:`outsourcing.registry.verify.verify`).  Names the first record that does not
        match and why."""
        with self._read() as conn:
            return verify_chain(conn, keys if keys is not None else self.keys, anchors, chunk)
