"""The nouns: parties, qualifications, pricing, service lines and the contract (合同模型).

Every class is a frozen attrs class, validated when built; a change makes a new object with
``attrs.evolve`` and never mutates.  Money is :class:`~outsourcing.money.Money`, dates are
``datetime.date`` and a term is an inclusive :class:`~outsourcing.dates.DateRange`.
"""

from __future__ import annotations

from ..pricing import AnnualFee, AreaRate, TermTotal
from ._checks import (
    JURISDICTION_CODE_RE,
    SERVICE_CODE_RE,
)
from ._contract import (
    MULTI_YEAR_CONDITIONS,
    Contract,
    PaymentSchedule,
)
from ._lines import (
    PRICING_KINDS,
    FixedMonthly,
    LabourPlusMaterials,
    Pricing,
    ServiceLine,
    UnitRate,
    as_quantity,
)
from ._parties import (
    CREDIT_CODE_CITATION,
    QUALIFICATION_KINDS,
    EnterpriseSize,
    Purchaser,
    Qualification,
    QualificationRequirement,
    Supplier,
    credit_code,
    level_rank,
    qualification_kind,
)

__all__ = [
    "CREDIT_CODE_CITATION",
    "JURISDICTION_CODE_RE",
    "MULTI_YEAR_CONDITIONS",
    "PRICING_KINDS",
    "QUALIFICATION_KINDS",
    "SERVICE_CODE_RE",
    "AnnualFee",
    "AreaRate",
    "Contract",
    "EnterpriseSize",
    "FixedMonthly",
    "LabourPlusMaterials",
    "PaymentSchedule",
    "Pricing",
    "Purchaser",
    "Qualification",
    "QualificationRequirement",
    "ServiceLine",
    "Supplier",
    "TermTotal",
    "UnitRate",
    "as_quantity",
    "credit_code",
    "level_rank",
    "qualification_kind",
]
