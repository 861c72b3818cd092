"""outsourcing — contracts under which government offices buy logistics services.

Property management (物业), elevator and fire-protection maintenance (电梯维保, 消防维保),
canteens (餐饮) and their neighbours: the contract model, dated rules with citations, and
one pluggy plugin per jurisdiction.

>>> import datetime, outsourcing
>>> registry = outsourcing.load()
>>> registry.rulebook("CN").value("changes.supplementary_cap", on=datetime.date(2022, 10, 1))
Decimal('0.10')
"""

from __future__ import annotations

from .catalogue import Catalogue, Direction, KpiSpec, Scoring, ServiceKind
from .dates import DateRange, DayCount, Period, PeriodKind
from .errors import (
    ChangeRejected,
    DateError,
    JurisdictionError,
    ModelError,
    MoneyError,
    OutsourcingError,
    PluginError,
    ProcurementError,
    RuleError,
    RuleLoadError,
    SerializationError,
    SettlementError,
)
from .findings import Finding, Severity
from .model import (
    Contract,
    EnterpriseSize,
    FixedMonthly,
    LabourPlusMaterials,
    PaymentSchedule,
    Purchaser,
    Qualification,
    QualificationRequirement,
    ServiceLine,
    Supplier,
    UnitRate,
)
from .money import Money, allocate
from .payment import (
    FullPay,
    Holdback,
    IncidentDeductions,
    LinearFormula,
    LineCap,
    PaymentRule,
    RepeatRatchet,
    TierTable,
    WarningRule,
)
from .performance import Assessment, Incident, Metric, ScoreItem, ScoreSheet, Survey
from .plugins import Registry, hookimpl, load
from .rewards import RewardRule, competitive_rewards
from .rules import Jurisdiction, Parameter, Range, Resolved, RuleBook
from .settlement import prepare, settle, settle_term
from .statement import Statement

__version__ = "0.1.0"

__all__ = [
    "Assessment",
    "Catalogue",
    "ChangeRejected",
    "Contract",
    "DateError",
    "DateRange",
    "DayCount",
    "Direction",
    "EnterpriseSize",
    "Finding",
    "FixedMonthly",
    "FullPay",
    "Holdback",
    "Incident",
    "IncidentDeductions",
    "Jurisdiction",
    "JurisdictionError",
    "KpiSpec",
    "LabourPlusMaterials",
    "LineCap",
    "LinearFormula",
    "Metric",
    "ModelError",
    "Money",
    "MoneyError",
    "OutsourcingError",
    "Parameter",
    "PaymentRule",
    "PaymentSchedule",
    "Period",
    "PeriodKind",
    "PluginError",
    "ProcurementError",
    "Purchaser",
    "Qualification",
    "QualificationRequirement",
    "Range",
    "Registry",
    "RepeatRatchet",
    "Resolved",
    "RewardRule",
    "RuleBook",
    "RuleError",
    "RuleLoadError",
    "ScoreItem",
    "ScoreSheet",
    "Scoring",
    "SerializationError",
    "ServiceKind",
    "ServiceLine",
    "SettlementError",
    "Severity",
    "Statement",
    "Supplier",
    "Survey",
    "TierTable",
    "UnitRate",
    "WarningRule",
    "__version__",
    "allocate",
    "competitive_rewards",
    "hookimpl",
    "load",
    "prepare",
    "settle",
    "settle_term",
]
