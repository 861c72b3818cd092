"""The store of record (登记库): see :mod:`outsourcing.registry` and ``docs/registry.md``.

:class:`Store` is put together from one part per concern, each in its own module:

- :mod:`~outsourcing.registry.engine` — the engine and its URL, read and write transactions;
- :mod:`~outsourcing.registry.audit` — the audit chain's append side;
- :mod:`~outsourcing.registry.access` and :mod:`~outsourcing.registry.actors` — roles,
  actors and four eyes;
- :mod:`~outsourcing.registry.contracts` and :mod:`~outsourcing.registry.changes`;
- the inputs: :mod:`~outsourcing.registry.assessments` (with the final scores),
  :mod:`~outsourcing.registry.acceptance`, :mod:`~outsourcing.registry.usage`;
- :mod:`~outsourcing.registry.month` — settling a period and the batch;
- :mod:`~outsourcing.registry.payments` — payments and what is due;
- :mod:`~outsourcing.registry.queries` — the stored statements as a bureau reads them;
- :mod:`~outsourcing.registry.verify` — the walk along the audit chain;
- :mod:`~outsourcing.registry.documents` — the stored documents, through
  :mod:`outsourcing.serialize`;
- :mod:`~outsourcing.registry.units` and :mod:`~outsourcing.registry.accounts` — the unit
  tree, the service's accounts, sign-in and API tokens.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import Any

from ._verify_parallel import workers_for
from .acceptance import Acceptance, Acceptances, Accepted
from .access import Actor, Proposal, Role
from .accounts import Account, Accounts, ApiToken, SignInLimits
from .actors import Actors
from .assessments import Assessments, Imported
from .audit import AuditRecord, row_hash
from .chain import Anchor, AuditKeys
from .changes import ChangeRecord, Changes
from .contracts import ContractInfo
from .month import BatchResult, Failure, Month, Settled
from .payments import Due, PaymentRecord, Payments
from .queries import Queries, StatementVersion, StoredStatement
from .usage import UsageInputs, UsageRecorded
from .verify import Verification
from .verify import verify as verify_chain

__all__ = [
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
    "row_hash",
]


class Store(Actors, Changes, Assessments, Acceptances, UsageInputs, Month, Payments, Queries,
            Accounts):
    """The store of record for contracts, changes, assessments, statements and payments
    (登记库).  Open it with :meth:`open`; it is also exported as ``outsourcing.Store``.

    Not to be confused with the plugin host that :func:`outsourcing.load` returns (the store
    holds one, as ``store.plugins``)."""

    def verify(self, *, keys: AuditKeys | None = None, anchors: Iterable[Anchor] = (),
               chunk: int = 20_000, workers: int | None = None) -> Verification:
        """Walk the audit chain in chunks of ``chunk`` records (memory does not grow with
        the chain): each record's hash, its link to the previous one, its MAC under the audit
        key (``keys``, default the store's), and the content of every row it covers; then
        the head, the rows no record covers, each anchor and the derived columns
        (:func:`outsourcing.registry.verify.verify`).  Names the first record that does not
        match and why.  ``workers`` processes walk ranges of the chain at once (default: one
        per CPU, up to four, for a chain of at least ``PARALLEL_FROM`` records;
        :func:`~outsourcing.registry._verify_parallel.workers_for`); the result is the same."""
        with self._read() as conn:
            return verify_chain(conn, keys if keys is not None else self.keys, anchors, chunk,
                                workers_for(conn, workers))


def __getattr__(name: str) -> Any:
    """``Registry``: the store's name before this release, kept one release with a warning."""
    if name == "Registry":
        warnings.warn("outsourcing.registry.Registry is renamed Store "
                      "(outsourcing.registry.Store, outsourcing.Store); the old name goes in "
                      "the next release", DeprecationWarning, stacklevel=2)
        return Store
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
