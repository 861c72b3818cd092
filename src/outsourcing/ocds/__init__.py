"""Publish contracts in the Open Contracting Data Standard 1.1.5 (开放合同数据标准).

A contract's history — its procurement (an :class:`~outsourcing.procurement.Award`), its
signing, each signed change, each settled statement and each payment made — becomes one
**release at each event** (:func:`history` → :meth:`History.releases`), dated and tagged as
the event.  **Records** are compiled from the releases with the standard's merge rules by
``ocdsmerge`` (:func:`records`, :func:`record_package`), with the compiled and the versioned
release.  :meth:`History.snapshot` (and :func:`release_package`) is one release with
everything published by a day, as it stood that day: the compiled record of the releases up
to that day.

Parties carry their 统一社会信用代码 as identifiers (scheme ``CN-USCI``; the buyer's is
required) and their 企业规模 through the partyScale extension; items are classified by the
政府采购品目分类目录.  The standard's release and release-package schemas and the codelists
the export uses ship in the package (``schema/``); the partyScale patch, the record package
schema, the versioned schema and the closed codelists' codes are made by code
(``_schema``).  :func:`validate` checks a release or record package with ``jsonschema`` and
no network, and refuses a float amount.  Amounts are exact :class:`~decimal.Decimal` numbers;
:func:`dumps` writes them to the fen without a float.  See ``docs/ocds.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from .._extras import require

require("ocds", "jsonschema", "referencing", "ocdsmerge", "ocdsextensionregistry")

from ..catalogue import Catalogue
from ..changes import Timeline
from ..model import Contract
from ._packages import dumps, loads, package, record_package, records
from ._releases import (
    CHINA,
    CURRENCY,
    DEFAULT_PREFIX,
    IDENTIFIER_SCHEME,
    ITEM_SCHEME,
    SCALE,
    History,
    Payment,
    history,
    ocid,
)
from ._schema import (
    EXTENSIONS,
    OCDS_VERSION,
    PARTY_SCALE_PATCH,
    RELEASE_SCHEMA_URL,
    closed_codelists,
    codelist,
    record_package_schema,
    release_schema,
    standard_release_schema,
    validate,
    validation_errors,
    versioned_release_schema,
)

if TYPE_CHECKING:
    from ..procurement import Award
    from ..statement import Statement

__all__ = [
    "CHINA",
    "CURRENCY",
    "DEFAULT_PREFIX",
    "EXTENSIONS",
    "IDENTIFIER_SCHEME",
    "ITEM_SCHEME",
    "OCDS_VERSION",
    "PARTY_SCALE_PATCH",
    "RELEASE_SCHEMA_URL",
    "SCALE",
    "History",
    "Payment",
    "closed_codelists",
    "codelist",
    "dumps",
    "history",
    "loads",
    "ocid",
    "package",
    "record_package",
    "record_package_schema",
    "records",
    "release_package",
    "release_schema",
    "standard_release_schema",
    "validate",
    "validation_errors",
    "versioned_release_schema",
]


def release_package(
    contract: Contract | Timeline,
    *,
    as_of: date,
    prefix: str = DEFAULT_PREFIX,
    award: Award | None = None,
    statements: Sequence[Statement] = (),
    payments: Sequence[Payment] | None = None,
    catalogue: Catalogue | None = None,
    publisher: str | None = None,
    uri: str | None = None,
    published: datetime | None = None,
    license: str | None = None,
    publication_policy: str | None = None,
) -> dict[str, Any]:
    """A release package with one release: the contract as it stood at the end of
    ``as_of`` (:meth:`History.snapshot`).  ``publisher`` defaults to the purchaser; see
    :func:`history` and :func:`package` for the rest."""
    h = history(contract, prefix=prefix, award=award, statements=statements,
                payments=payments, catalogue=catalogue)
    return package([h.snapshot(as_of)], publisher=publisher or h.contract.purchaser.name,
                   uri=uri or f"urn:outsourcing:{h.ocid}:{as_of.isoformat()}",
                   published=published, license=license,
                   publication_policy=publication_policy)
