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

from typing import TYPE_CHECKING, Any

from ._extras import MissingExtra
from .catalogue import Catalogue, Direction, KpiSpec, Scoring, ServiceKind
from .changes import (
    AddLine,
    CapReport,
    Change,
    ChangeLinePrice,
    ChangeLineQuantity,
    ChangeStatus,
    ChangeTerm,
    Rationale,
    RemoveLine,
    Resume,
    Segment,
    Suspend,
    Terminate,
    Timeline,
)
from .dates import (
    DateRange,
    DayCount,
    Period,
    PeriodKind,
    WorkCalendar,
    add_working_days,
    is_working_day,
    working_days_between,
)
from .due import DueTerm, InterestTerm
from .errors import (
    AccessDenied,
    ChangeRejected,
    DateError,
    JurisdictionError,
    ModelError,
    MoneyError,
    OutsourcingError,
    PluginError,
    ProcurementError,
    RegistryError,
    RuleError,
    RuleLoadError,
    SerializationError,
    SettlementError,
)
from .findings import Finding, Severity
from .framework import (
    CallOff,
    CallOffMethod,
    FrameworkAgreement,
    FrameworkKind,
    PriceListItem,
    call_off,
)
from .kpi_schedule import KpiSchedule, NotDueRule, ScheduleKind
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
    ContractRules,
    Downgrade,
    FeeShare,
    FullPay,
    Holdback,
    IncidentDeductions,
    LinearFormula,
    LineCap,
    PaymentRule,
    RepeatRatchet,
    ScoreAdjustments,
    SiteScore,
    TierTable,
    TotalCap,
    WarningRule,
)
from .performance import (
    Assessment,
    Incident,
    Metric,
    NotApplicable,
    ScoreItem,
    ScoreSheet,
    Survey,
)
from .plan import (
    Instalment,
    InstalmentPlan,
    PeriodicPlan,
    PlannedPayment,
    PlanSchedule,
    Prepayment,
    Recovery,
    instalment_payments,
    periodic_payments,
)
from .plugins import Registry, hookimpl, load
from .pricing import AnnualFee, AreaRate, AreaUnit, MonthSplit, TermTotal
from .procurement import (
    Award,
    Bid,
    BidEvaluation,
    CostEstimate,
    EvaluationMethod,
    EvaluationReport,
    Factor,
    ProcurementMethod,
    ScoringScheme,
    Tender,
    TenderLine,
    award,
    estimate_cost,
    evaluate,
)
from .rewards import RewardRule, competitive_rewards
from .rules import Jurisdiction, Parameter, Range, Resolved, RuleBook
from .settlement import prepare, settle, settle_term
from .statement import Statement
from .usage import Usage

if TYPE_CHECKING:
    from .registry import Store

from ._version import __version__


def __getattr__(name: str) -> Any:
    """``outsourcing.Store``: the store of record (:class:`outsourcing.registry.Store`),
    imported on first use so that ``import outsourcing`` does not load SQLAlchemy."""
    if name == "Store":
        from .registry import Store

        return Store
    raise AttributeError(f"module 'outsourcing' has no attribute {name!r}")


__all__ = [
    "AccessDenied",
    "AddLine",
    "AnnualFee",
    "AreaRate",
    "AreaUnit",
    "Assessment",
    "Award",
    "Bid",
    "BidEvaluation",
    "CallOff",
    "CallOffMethod",
    "CapReport",
    "Catalogue",
    "Change",
    "ChangeLinePrice",
    "ChangeLineQuantity",
    "ChangeRejected",
    "ChangeStatus",
    "ChangeTerm",
    "Contract",
    "ContractRules",
    "CostEstimate",
    "DateError",
    "DateRange",
    "DayCount",
    "Direction",
    "Downgrade",
    "DueTerm",
    "EnterpriseSize",
    "EvaluationMethod",
    "EvaluationReport",
    "Factor",
    "FeeShare",
    "Finding",
    "FixedMonthly",
    "FrameworkAgreement",
    "FrameworkKind",
    "FullPay",
    "Holdback",
    "Incident",
    "IncidentDeductions",
    "Instalment",
    "InstalmentPlan",
    "InterestTerm",
    "Jurisdiction",
    "JurisdictionError",
    "KpiSchedule",
    "KpiSpec",
    "LabourPlusMaterials",
    "LineCap",
    "LinearFormula",
    "Metric",
    "MissingExtra",
    "ModelError",
    "Money",
    "MoneyError",
    "MonthSplit",
    "NotApplicable",
    "NotDueRule",
    "OutsourcingError",
    "Parameter",
    "PaymentRule",
    "PaymentSchedule",
    "Period",
    "PeriodKind",
    "PeriodicPlan",
    "PlanSchedule",
    "PlannedPayment",
    "PluginError",
    "Prepayment",
    "PriceListItem",
    "ProcurementError",
    "ProcurementMethod",
    "Purchaser",
    "Qualification",
    "QualificationRequirement",
    "Range",
    "Rationale",
    "Recovery",
    "Registry",
    "RegistryError",
    "RemoveLine",
    "RepeatRatchet",
    "Resolved",
    "Resume",
    "RewardRule",
    "RuleBook",
    "RuleError",
    "RuleLoadError",
    "ScheduleKind",
    "ScoreAdjustments",
    "ScoreItem",
    "ScoreSheet",
    "Scoring",
    "ScoringScheme",
    "Segment",
    "SerializationError",
    "ServiceKind",
    "ServiceLine",
    "SettlementError",
    "Severity",
    "SiteScore",
    "Statement",
    "Store",
    "Supplier",
    "Survey",
    "Suspend",
    "Tender",
    "TenderLine",
    "TermTotal",
    "Terminate",
    "TierTable",
    "Timeline",
    "TotalCap",
    "UnitRate",
    "Usage",
    "WarningRule",
    "WorkCalendar",
    "__version__",
    "add_working_days",
    "allocate",
    "award",
    "call_off",
    "competitive_rewards",
    "estimate_cost",
    "evaluate",
    "hookimpl",
    "instalment_payments",
    "is_working_day",
    "load",
    "periodic_payments",
    "prepare",
    "settle",
    "settle_term",
    "working_days_between",
]
