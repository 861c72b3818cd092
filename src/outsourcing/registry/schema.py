"""The registry's tables as they stand at the newest migration (登记库表结构).

Contracts, changes, assessments and statements are kept as versioned JSON documents
(``outsourcing.serialize``) plus the indexed columns that queries need; every table but
``audit_head`` is append-only.  The migrations in ``migrations/versions`` build exactly this
(``tests/registry/test_registry.py`` checks it).  Timestamps are ISO text in UTC so that the audit
hashes read the same on every database.  ``audit_head`` is the one row the application updates;
on PostgreSQL the application role may only INSERT and SELECT the others (revision
``0006_trust``).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

__all__ = ["DERIVED", "FILLED_BY_UPGRADE", "HASHED", "HASHED_LATER", "UNAUDITED", "metadata"]

metadata = MetaData()

ID = String(120)
STAMP = String(40)

actors = Table(
    "actors", metadata,
    Column("id", ID, primary_key=True),
    Column("name", Text, nullable=False),
    Column("roles", Text, nullable=False),
    Column("supplier_id", ID, nullable=True, index=True),
    Column("recorded_by", ID, nullable=False),
    Column("recorded_at", STAMP, nullable=False),
    # third revision: the database login that is this person, and who proposed the actor
    # (``recorded_by`` confirmed it)
    Column("login", ID, nullable=True, unique=True),
    Column("proposed_by", ID, nullable=True),
)

proposals = Table(
    "proposals", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(20), nullable=False),
    Column("subject", ID, nullable=False, index=True),
    Column("payload", Text, nullable=False),
    Column("proposed_by", ID, nullable=False),
    Column("proposed_at", STAMP, nullable=False),
)

confirmations = Table(
    "confirmations", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("proposal_id", Integer, ForeignKey("proposals.id"), nullable=False, unique=True),
    Column("confirmed_by", ID, nullable=False),
    Column("confirmed_at", STAMP, nullable=False),
    Column("solo", Integer, nullable=True),
)

actor_roles = Table(
    "actor_roles", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("actor_id", ID, ForeignKey("actors.id"), nullable=False, index=True),
    Column("role", String(40), nullable=False),
    Column("proposal_id", Integer, ForeignKey("proposals.id"), nullable=False),
    Column("recorded_at", STAMP, nullable=False),
)

contracts = Table(
    "contracts", metadata,
    Column("id", ID, primary_key=True),
    Column("jurisdiction", String(40), nullable=False, index=True),
    Column("purchaser_id", ID, nullable=False),
    Column("supplier_id", ID, nullable=False, index=True),
    Column("title", Text, nullable=False),
    Column("term_start", Date, nullable=False),
    Column("term_end", Date, nullable=False),
    Column("document", Text, nullable=False),
    Column("recorded_by", ID, nullable=False),
    Column("recorded_at", STAMP, nullable=False),
    # revision 0008_service: the unit (单位) the contract belongs to (NULL: the tree's root)
    Column("unit_id", ID, nullable=True, index=True),
)

contract_lines = Table(
    "contract_lines", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("contract_id", ID, ForeignKey("contracts.id"), nullable=False),
    Column("line_id", ID, nullable=False),
    Column("service", String(60), nullable=False, index=True),
    Column("site", Text, nullable=False),
    UniqueConstraint("contract_id", "line_id", name="uq_contract_lines"),
)
Index("ix_contract_lines_site", contract_lines.c.site)

changes = Table(
    "changes", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("contract_id", ID, ForeignKey("contracts.id"), nullable=False, index=True),
    Column("change_id", ID, nullable=False),
    Column("kind", String(40), nullable=False),
    Column("effective", Date, nullable=False),
    Column("document", Text, nullable=False),
    Column("proposed_by", ID, nullable=False),
    Column("proposed_at", STAMP, nullable=False),
    UniqueConstraint("contract_id", "change_id", name="uq_changes"),
)

change_decisions = Table(
    "change_decisions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("contract_id", ID, ForeignKey("contracts.id"), nullable=False, index=True),
    Column("change_id", ID, nullable=False),
    Column("decision", String(20), nullable=False),
    Column("term_end", Date, nullable=True),
    Column("document", Text, nullable=False),
    Column("decided_by", ID, nullable=False),
    Column("decided_at", STAMP, nullable=False),
    UniqueConstraint("contract_id", "change_id", name="uq_change_decisions"),
    # revision 0007_terminations: 1 when the decision signs a termination (derived from the
    # document, checked by the walk along the chain)
    Column("terminates", Integer, nullable=True),
)


def _line_versions(name: str) -> Table:
    """The shape the assessments and the actual usage share: a document per contract line
    and period, versioned (a correction is a new version with its reason), indexed by
    contract and period."""
    t = Table(
        name, metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("contract_id", ID, ForeignKey("contracts.id"), nullable=False),
        Column("line_id", ID, nullable=False),
        Column("period", String(10), nullable=False),
        Column("version", Integer, nullable=False),
        Column("document", Text, nullable=False),
        Column("reason", Text, nullable=False),
        Column("recorded_by", ID, nullable=False),
        Column("recorded_at", STAMP, nullable=False),
        UniqueConstraint("contract_id", "line_id", "period", "version", name=f"uq_{name}"),
    )
    Index(f"ix_{name}_period", t.c.contract_id, t.c.period)
    return t


assessments = _line_versions("assessments")

statements = Table(
    "statements", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("contract_id", ID, ForeignKey("contracts.id"), nullable=False),
    Column("period", String(10), nullable=False),
    Column("version", Integer, nullable=False),
    Column("supersedes", Integer, nullable=True),
    Column("inputs_hash", String(64), nullable=False),
    Column("payable_fen", BigInteger, nullable=False),
    Column("difference_fen", BigInteger, nullable=False),
    Column("document", LargeBinary, nullable=False),
    Column("settled_by", ID, nullable=False),
    Column("settled_at", STAMP, nullable=False),
    # second revision: the due date (indexed) and the carry into the next period, both
    # read from the document
    Column("due_on", Date, nullable=True, index=True),
    Column("carry", Text, nullable=True),
    UniqueConstraint("contract_id", "period", "version", name="uq_statements"),
)
Index("ix_statements_period", statements.c.period)

findings = Table(
    "findings", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("statement_id", Integer, ForeignKey("statements.id"), nullable=False, index=True),
    Column("contract_id", ID, nullable=False, index=True),
    Column("period", String(10), nullable=False),
    Column("code", String(80), nullable=False, index=True),
    Column("severity", String(10), nullable=False),
    Column("message", Text, nullable=False),
)

payments = Table(
    "payments", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("contract_id", ID, ForeignKey("contracts.id"), nullable=False),
    Column("period", String(10), nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    Column("paid_on", Date, nullable=False),
    Column("reference", Text, nullable=False),
    Column("recorded_by", ID, nullable=False),
    Column("recorded_at", STAMP, nullable=False),
    # revision 0004_money_inputs: a reversal (冲正) names the payment it reverses and why
    Column("reverses", Integer, nullable=True),
    Column("reason", Text, nullable=True),
    # revision 0006_trust: 1 when the person who settled the period pays it (单人操作)
    Column("solo", Integer, nullable=True),
)
Index("ix_payments_period", payments.c.contract_id, payments.c.period)

acceptances = Table(
    "acceptances", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("contract_id", ID, ForeignKey("contracts.id"), nullable=False),
    Column("period", String(10), nullable=False),
    Column("version", Integer, nullable=False),
    Column("accepted_on", Date, nullable=False),
    Column("acceptance_due", Date, nullable=True),
    Column("accepted_by", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("recorded_by", ID, nullable=False),
    Column("recorded_at", STAMP, nullable=False),
    UniqueConstraint("contract_id", "period", "version", name="uq_acceptances"),
)

usage_records = _line_versions("usage_records")
"""A line's actual usage in a period (实际用量: quantity delivered, materials bought), versioned
like the assessments: a correction is a new version with its reason."""

final_scores = Table(
    "final_scores", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("contract_id", ID, ForeignKey("contracts.id"), nullable=False),
    Column("line_id", ID, nullable=False),
    Column("version", Integer, nullable=False),
    Column("score", String(12), nullable=False),
    Column("reason", Text, nullable=False),
    Column("recorded_by", ID, nullable=False),
    Column("recorded_at", STAMP, nullable=False),
    UniqueConstraint("contract_id", "line_id", "version", name="uq_final_scores"),
)
"""A line's final assessment score (年度/期满考核得分), which releases a holdback by the result;
versioned like an assessment."""

# --- revision 0008_service: units, accounts and API tokens of the service ---------------------
units = Table(
    "units", metadata,
    Column("id", ID, primary_key=True),
    Column("name", Text, nullable=False),
    Column("parent_id", ID, nullable=True, index=True),  # checked by the store
    Column("level", String(20), nullable=False),
    Column("jurisdiction", String(40), nullable=True),
    Column("recorded_by", ID, nullable=False),
    Column("recorded_at", STAMP, nullable=False),
)
"""The units (单位) as a tree: region, cities, counties and districts, departments."""

accounts = Table(
    "accounts", metadata,
    Column("id", ID, primary_key=True),
    Column("actor_id", ID, ForeignKey("actors.id"), nullable=False, unique=True),
    Column("unit_id", ID, ForeignKey("units.id"), nullable=True),
    Column("password_hash", Text, nullable=False),
    Column("recorded_by", ID, nullable=False),
    Column("recorded_at", STAMP, nullable=False),
)
"""A person's sign-in to the service (账户), bound to one actor; ``id`` is the login name.
The password is kept as its argon2 hash."""

account_events = Table(
    "account_events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account_id", ID, ForeignKey("accounts.id"), nullable=False, index=True),
    Column("event", String(20), nullable=False),
    Column("password_hash", Text, nullable=True),
    Column("recorded_by", ID, nullable=False),
    Column("recorded_at", STAMP, nullable=False),
)
"""What happened to an account since (append-only): a new password, disabled, enabled, a
sign-out.  Each ends the sessions issued before it."""

api_tokens = Table(
    "api_tokens", metadata,
    Column("id", ID, primary_key=True),
    Column("name", Text, nullable=False),
    Column("actor_id", ID, ForeignKey("actors.id"), nullable=False),
    Column("units", Text, nullable=False),
    Column("roles", Text, nullable=False),
    Column("secret_hash", String(64), nullable=False),
    Column("recorded_by", ID, nullable=False),
    Column("recorded_at", STAMP, nullable=False),
)
"""An agency system's API token (接口令牌): the actor it acts as, the units and roles it is
scoped to, the SHA-256 of its secret."""

token_revocations = Table(
    "token_revocations", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("token_id", ID, ForeignKey("api_tokens.id"), nullable=False, unique=True),
    Column("reason", Text, nullable=False),
    Column("recorded_by", ID, nullable=False),
    Column("recorded_at", STAMP, nullable=False),
)

audit = Table(
    "audit", metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("at", STAMP, nullable=False),
    Column("actor", ID, nullable=False),
    Column("role", String(40), nullable=False),
    Column("action", String(60), nullable=False),
    Column("object", Text, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    # third revision: the key that signed the record, its MAC, and the database login that
    # wrote it (PostgreSQL's session_user; empty on SQLite)
    Column("key_id", String(40), nullable=False, server_default=""),
    Column("mac", String(64), nullable=False, server_default=""),
    Column("login", ID, nullable=False, server_default=""),
)
Index("ix_audit_object", audit.c.object)
Index("ix_audit_role_at", audit.c.role, audit.c.at)

audit_head = Table(
    "audit_head", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
)

compiled_contracts = Table(
    "compiled_contracts", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("contract_id", ID, ForeignKey("contracts.id"), nullable=False),
    Column("decisions", Integer, nullable=False),
    Column("terms_hash", String(64), nullable=False),
    Column("rules_key", String(64), nullable=False),
    Column("body", LargeBinary, nullable=False),
    Column("key_id", String(40), nullable=False),
    Column("mac", String(64), nullable=False),
    Column("compiled_at", STAMP, nullable=False),
    UniqueConstraint("contract_id", "decisions", "rules_key", name="uq_compiled_contracts"),
)
"""A contract's terms compiled for settlement (revision ``0009_compiled_contracts``): with
its first ``decisions`` decided changes, under the rules of ``rules_key``; derived from the
documents (see :mod:`outsourcing.registry.compiled`), so neither audited nor lost by a
downgrade."""

assessment_readings = Table(
    "assessment_readings", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("assessment_id", Integer, nullable=False),  # no foreign key: a cache
    Column("document_hash", String(64), nullable=False),
    Column("terms_hash", String(64), nullable=False),
    Column("rules_key", String(64), nullable=False),
    Column("reading", Text, nullable=False),
    Column("key_id", String(40), nullable=False),
    Column("mac", String(64), nullable=False),
    UniqueConstraint("assessment_id", "terms_hash", "rules_key",
                     name="uq_assessment_readings"),
)
"""An assessment's compact reading (revision ``0009_compiled_contracts``): its KPI values
in hundredths in the order of the contract's compiled terms (``terms_hash``, ``rules_key``),
its incidents, the sources the explanation quotes and the KPIs not measured — checked once,
when recorded, and read back by a month without re-validating every value (see
:mod:`outsourcing.registry.readings`); derived from the assessment's document (its hash
kept, a reading of another document is not read) and signed with the audit key when the
store holds one."""

HASHED: dict[str, tuple[str, ...]] = {
    "actors": ("id", "name", "roles", "supplier_id", "recorded_by", "recorded_at"),
    "proposals": ("id", "kind", "subject", "payload", "proposed_by", "proposed_at"),
    "confirmations": ("id", "proposal_id", "confirmed_by", "confirmed_at", "solo"),
    "actor_roles": ("id", "actor_id", "role", "proposal_id", "recorded_at"),
    "contract_lines": ("id", "contract_id", "line_id", "service", "site"),
    "findings": ("id", "statement_id", "contract_id", "period", "code", "severity",
                 "message"),
    "contracts": ("id", "jurisdiction", "purchaser_id", "supplier_id", "title", "term_start",
                  "term_end", "document", "recorded_by", "recorded_at"),
    "changes": ("id", "contract_id", "change_id", "kind", "effective", "document",
                "proposed_by", "proposed_at"),
    "change_decisions": ("id", "contract_id", "change_id", "decision", "term_end", "document",
                         "decided_by", "decided_at"),
    "assessments": ("id", "contract_id", "line_id", "period", "version", "document", "reason",
                    "recorded_by", "recorded_at"),
    "statements": ("id", "contract_id", "period", "version", "supersedes", "inputs_hash",
                   "payable_fen", "difference_fen", "document", "settled_by", "settled_at"),
    "payments": ("id", "contract_id", "period", "amount_fen", "paid_on", "reference",
                 "recorded_by", "recorded_at"),
    "acceptances": ("id", "contract_id", "period", "version", "accepted_on", "acceptance_due",
                    "accepted_by", "reason", "recorded_by", "recorded_at"),
    "usage_records": ("id", "contract_id", "line_id", "period", "version", "document",
                      "reason", "recorded_by", "recorded_at"),
    "final_scores": ("id", "contract_id", "line_id", "version", "score", "reason",
                     "recorded_by", "recorded_at"),
    "units": ("id", "name", "parent_id", "level", "jurisdiction", "recorded_by",
              "recorded_at"),
    "accounts": ("id", "actor_id", "unit_id", "password_hash", "recorded_by", "recorded_at"),
    "account_events": ("id", "account_id", "event", "password_hash", "recorded_by",
                       "recorded_at"),
    "api_tokens": ("id", "name", "actor_id", "units", "roles", "secret_hash", "recorded_by",
                   "recorded_at"),
    "token_revocations": ("id", "token_id", "reason", "recorded_by", "recorded_at"),
}
"""The columns of each audited table whose content the audit trail's hash covers: every table
that holds what decides money (a test checks that no other table holds data).  Every row of
these tables is inserted with its own audit record (``Store._record``).  Columns derived
from a statement's document (``due_on``, ``carry``) are checked by :meth:`Store.verify`
against it."""

HASHED_LATER: dict[str, tuple[str, ...]] = {
    "actors": ("login", "proposed_by"),
    "contracts": ("unit_id",),
    "payments": ("reverses", "reason", "solo"),
}
"""Columns added to an audited table by a later revision: the hash covers each one when it
holds a value, so the rows written before it keep their hash."""

FILLED_BY_UPGRADE: dict[str, tuple[str, ...]] = {
    "change_decisions": ("terminates",),
}
"""Columns derived from what a table's rows hold already (``terminates``: from the kind of the
change decided), which the revision that adds them fills in its upgrade: a downgrade that
drops them loses nothing (:func:`outsourcing.registry.migrate.downgrade` lets it)."""

DERIVED = frozenset({"compiled_contracts", "assessment_readings"})
"""Tables derived from the audited documents (a cache of what they say): a downgrade that
drops one loses nothing."""

UNAUDITED = frozenset({"audit", "audit_head"}) | DERIVED
"""The chain itself and the derived tables: every other table is in :data:`HASHED`."""
