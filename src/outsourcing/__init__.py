"""outsourcing — contracts under which government offices buy logistics services.

Property management (物业), elevator and fire-protection maintenance (电梯维保, 消防维保),
canteens (餐饮) and their neighbours: the contract model, dated rules with citations, and
one pluggy plugin per jurisdiction.

>>> import datetime, outsourcing
>>> host = outsourcing.load()
>>> host.rulebook("CN").value("changes.supplementary_cap", on=datetime.date(2022, 10, 1))
Decimal('0.10')

The names here are the ones the README, the docs and the examples use; every other public
name lives in its subpackage (``outsourcing.procurement.Tender``,
``outsourcing.changes.Terminate``, ``outsourcing.payment.TotalCap`` …).  ``import
outsourcing`` loads the core only: the store (``outsourcing.Store``) is imported on first
use, and nothing here imports the desk or the OCDS export.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

from ._extras import MissingExtra
from .catalogue import Direction, KpiSpec, Scoring, ServiceKind
from .changes import AddLine, Change, Resume, Suspend, Timeline
from .dates import DateRange, Period, add_working_days, is_working_day
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
from .framework import CallOff, FrameworkAgreement, PriceListItem, call_off
from .kpi_schedule import KpiSchedule, NotDueRule
from .model import (
    Contract,
    EnterpriseSize,
    FixedMonthly,
    LabourPlusMaterials,
    Purchaser,
    Qualification,
    ServiceLine,
    Supplier,
    UnitRate,
)
from .money import Money
from .payment import (
    ContractRules,
    Downgrade,
    Holdback,
    IncidentDeductions,
    LineCap,
    PaymentRule,
    ScoreAdjustments,
    SiteScore,
    TierTable,
)
from .performance import Assessment, Incident, Metric, ScoreItem, ScoreSheet, Survey
from .plan import (
    Instalment,
    InstalmentPlan,
    PeriodicPlan,
    Prepayment,
    instalment_payments,
    periodic_payments,
)
from .plugins import PluginHost, hookimpl, load
from .pricing import AnnualFee, AreaRate, TermTotal
from .rewards import RewardRule, competitive_rewards
from .rules import Jurisdiction, Resolved, RuleBook
from .settlement import prepare, settle, settle_term
from .statement import Statement
from .usage import Usage

if TYPE_CHECKING:
    from .registry import Store

from ._version import __version__

_MOVED: dict[str, str] = {
    "AreaUnit": "pricing",
    "Award": "procurement",
    "Bid": "procurement",
    "BidEvaluation": "procurement",
    "CallOffMethod": "framework",
    "CapReport": "changes",
    "Catalogue": "catalogue",
    "ChangeLinePrice": "changes",
    "ChangeLineQuantity": "changes",
    "ChangeStatus": "changes",
    "ChangeTerm": "changes",
    "CostEstimate": "procurement",
    "DayCount": "dates",
    "DueTerm": "due",
    "EvaluationMethod": "procurement",
    "EvaluationReport": "procurement",
    "Factor": "procurement",
    "FeeShare": "payment",
    "FrameworkKind": "framework",
    "FullPay": "payment",
    "InterestTerm": "due",
    "LinearFormula": "payment",
    "MonthSplit": "pricing",
    "NotApplicable": "performance",
    "Parameter": "rules",
    "PaymentSchedule": "model",
    "PeriodKind": "dates",
    "PlanSchedule": "plan",
    "PlannedPayment": "plan",
    "ProcurementMethod": "procurement",
    "QualificationRequirement": "model",
    "Range": "rules",
    "Rationale": "changes",
    "Recovery": "plan",
    "RemoveLine": "changes",
    "RepeatRatchet": "payment",
    "ScheduleKind": "kpi_schedule",
    "ScoringScheme": "procurement",
    "Segment": "changes",
    "Tender": "procurement",
    "TenderLine": "procurement",
    "Terminate": "changes",
    "TotalCap": "payment",
    "WarningRule": "payment",
    "WorkCalendar": "dates",
    "allocate": "money",
    "award": "procurement",
    "estimate_cost": "procurement",
    "evaluate": "procurement",
    "working_days_between": "dates",
}
"""Names this package exported before 0.3, each now only in its subpackage; reading one
here still works for one release, with a DeprecationWarning naming where it lives."""


def __getattr__(name: str) -> Any:
    """``outsourcing.Store``: the store of record (:mod:`outsourcing.registry`), imported on
    first use so that ``import outsourcing`` loads neither SQLAlchemy nor the store;
    ``outsourcing.Registry``: the old name of :class:`PluginHost`, and the names in
    ``_MOVED``, kept for one release with a warning."""
    if name == "Store":
        from . import registry

        return registry.Store
    if name == "Registry":
        warnings.warn("outsourcing.Registry is deprecated: the plugin host is "
                      "outsourcing.PluginHost (and the database store outsourcing.Store)",
                      DeprecationWarning, stacklevel=2)
        return PluginHost
    if name in _MOVED:
        import importlib

        where = f"outsourcing.{_MOVED[name]}"
        warnings.warn(f"outsourcing.{name} is deprecated here: import it from {where}",
                      DeprecationWarning, stacklevel=2)
        return getattr(importlib.import_module(where), name)
    raise AttributeError(f"module 'outsourcing' has no attribute {name!r}")


__all__ = [
    "AccessDenied",
    "AddLine",
    "AnnualFee",
    "AreaRate",
    "Assessment",
    "CallOff",
    "Change",
    "ChangeRejected",
    "Contract",
    "ContractRules",
    "DateError",
    "DateRange",
    "Direction",
    "Downgrade",
    "EnterpriseSize",
    "Finding",
    "FixedMonthly",
    "FrameworkAgreement",
    "Holdback",
    "Incident",
    "IncidentDeductions",
    "Instalment",
    "InstalmentPlan",
    "Jurisdiction",
    "JurisdictionError",
    "KpiSchedule",
    "KpiSpec",
    "LabourPlusMaterials",
    "LineCap",
    "Metric",
    "MissingExtra",
    "ModelError",
    "Money",
    "MoneyError",
    "NotDueRule",
    "OutsourcingError",
    "PaymentRule",
    "Period",
    "PeriodicPlan",
    "PluginError",
    "PluginHost",
    "Prepayment",
    "PriceListItem",
    "ProcurementError",
    "Purchaser",
    "Qualification",
    "RegistryError",
    "Resolved",
    "Resume",
    "RewardRule",
    "RuleBook",
    "RuleError",
    "RuleLoadError",
    "ScoreAdjustments",
    "ScoreItem",
    "ScoreSheet",
    "Scoring",
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
    "TermTotal",
    "TierTable",
    "Timeline",
    "UnitRate",
    "Usage",
    "__version__",
    "add_working_days",
    "call_off",
    "competitive_rewards",
    "hookimpl",
    "instalment_payments",
    "is_working_day",
    "load",
    "periodic_payments",
    "prepare",
    "settle",
    "settle_term",
]
