"""The registry: the store of record for contracts, changes, assessments, statements and
payments, with an audit trail (登记库).

``outsourcing.registry.Registry`` is the *store*; do not confuse it with
``outsourcing.Registry``, the *plugin* registry that :func:`outsourcing.load` returns (the
store holds one, as ``store.plugins``).  The store is also exported as ``outsourcing.Store``.

>>> from outsourcing.registry import Registry
>>> store = Registry.open("sqlite://")           # in memory; a file or PostgreSQL for real
>>> store.add_actor("wang", "王审批", ["approver"]).roles    # the founder
frozenset({<Role.APPROVER: 'approver'>})
>>> _ = store.add_actor("li", "李审批", ["approver"], by="wang")
>>> store.confirm_actor("li", by="li").id                   # accepts: four eyes begin
'li'
>>> store.verify().ok
True

An adapter above the verbs (see ``docs/registry.md``): SQLAlchemy 2 Core over SQLite (the
default, ``outsourcing.db`` or ``$OUTSOURCING_DB``) or PostgreSQL through psycopg 3; schema
migrations with Alembic (:mod:`outsourcing.registry.migrate`); contracts, changes,
assessments and statements kept as versioned JSON documents (:mod:`outsourcing.serialize`)
plus the indexed columns queries need; every write appended to a hash chain that
:meth:`Registry.verify` walks.
"""

from __future__ import annotations

from .._extras import require

require("store", "sqlalchemy", "alembic")

from .chain import Anchor, AuditKeys
from .migrate import HEAD, current_revision, downgrade, head, migrate
from .store import (
    Acceptance,
    Accepted,
    Actor,
    AuditRecord,
    BatchResult,
    ChangeRecord,
    ContractInfo,
    Due,
    Imported,
    PaymentRecord,
    Proposal,
    Registry,
    Role,
    Settled,
    StatementVersion,
    StoredStatement,
    UsageRecorded,
    Verification,
    row_hash,
)

__all__ = [
    "HEAD",
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
    "current_revision",
    "downgrade",
    "head",
    "migrate",
    "row_hash",
]
