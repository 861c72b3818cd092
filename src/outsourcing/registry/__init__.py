"""The registry: the store of record for contracts, changes, assessments, statements and
payments, with an audit trail (登记库).

``outsourcing.registry.Store`` (also exported as ``outsourcing.Store``) is the store; the
plugin host that :func:`outsourcing.load` returns is another thing (the store holds one, as
``store.plugins``).  ``outsourcing.registry.Registry``, the store's name before, stays one
release as a deprecated alias (it warns).

>>> from outsourcing.registry import Store
>>> store = Store.open("sqlite://")           # in memory; a file or PostgreSQL for real
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
:meth:`Store.verify` walks.  The store is put together by concern: see
:mod:`outsourcing.registry.store`.
"""

from __future__ import annotations

import warnings
from typing import Any

from .._extras import require

require("store", "sqlalchemy", "alembic")

from .chain import Anchor, AuditKeys
from .migrate import (
    HEAD,
    current_revision,
    database_revision,
    downgrade,
    downgrade_database,
    head,
    migrate,
    upgrade_database,
)
from .store import (
    Acceptance,
    Accepted,
    Account,
    Actor,
    ApiToken,
    AuditRecord,
    BatchResult,
    ChangeRecord,
    ContractInfo,
    Due,
    Failure,
    Imported,
    PaymentRecord,
    Proposal,
    Role,
    Settled,
    SignInLimits,
    StatementVersion,
    Store,
    StoredStatement,
    UsageRecorded,
    Verification,
    row_hash,
)

__all__ = [
    "HEAD",
    "Acceptance",
    "Accepted",
    "Account",
    "Actor",
    "Anchor",
    "ApiToken",
    "AuditKeys",
    "AuditRecord",
    "BatchResult",
    "ChangeRecord",
    "ContractInfo",
    "Due",
    "Failure",
    "Imported",
    "PaymentRecord",
    "Proposal",
    "Role",
    "Settled",
    "SignInLimits",
    "StatementVersion",
    "Store",
    "StoredStatement",
    "UsageRecorded",
    "Verification",
    "current_revision",
    "database_revision",
    "downgrade",
    "downgrade_database",
    "head",
    "migrate",
    "row_hash",
    "upgrade_database",
]


def __getattr__(name: str) -> Any:
    """``Registry``: the store's name before this release, kept one release with a warning."""
    if name == "Registry":
        warnings.warn("outsourcing.registry.Registry is renamed Store "
                      "(outsourcing.registry.Store, outsourcing.Store); the old name goes in "
                      "the next release", DeprecationWarning, stacklevel=2)
        return Store
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
