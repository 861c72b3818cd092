"""The view across contracts (合同全景): coverage, emergency roster, certified staff,
renewals and handover.

These sit above the verbs: they read contracts and :class:`~outsourcing.changes.Timeline`s
(and the :mod:`outsourcing.sites` office areas) and nothing below imports them.  Each works
on any collection of contracts; the registry, when there is one, passes what it holds.

- :mod:`.coverage` — gaps (服务空档) and double coverage (重复付费) per site and service;
- :mod:`.roster` — the emergency roster (应急联络表) of a site on a day;
- :mod:`.staff` — certified staff (持证上岗), findings with days, the certified staff rate;
- :mod:`.renewal` — the renewal pipeline (续采购) and 1+1+1 renewals;
- :mod:`.handover` — the handover (交接) to a successor;
- :mod:`.cases` — site cases (coverage, roster, staff, renewals) as TOML data files.

See ``docs/sites.md``.
"""

from __future__ import annotations

from .cases import SiteCaseResult, run_site_file
from .coverage import CoverageReport, DoubleCoverage, Gap, as_timelines, coverage, in_force_count
from .handover import HandoverItem, HandoverPlan, handover_plan
from .renewal import (
    MethodOption,
    RenewalItem,
    RenewalYear,
    annual_renewals,
    latest_start,
    method_called_for,
    renewal_pipeline,
)
from .roster import DutyContact, Roster, RosterRow, emergency_roster, response_kpis
from .staff import (
    CERTIFICATES,
    CERTIFIED_STAFF_KPI,
    Certificate,
    PostRequirement,
    StaffMember,
    StaffReport,
    StaffRoster,
    certified_staff_metric,
    certified_staff_rate,
    check_staff,
    expiring,
)

__all__ = [
    "CERTIFICATES",
    "CERTIFIED_STAFF_KPI",
    "Certificate",
    "CoverageReport",
    "DoubleCoverage",
    "DutyContact",
    "Gap",
    "HandoverItem",
    "HandoverPlan",
    "MethodOption",
    "PostRequirement",
    "RenewalItem",
    "RenewalYear",
    "Roster",
    "RosterRow",
    "SiteCaseResult",
    "StaffMember",
    "StaffReport",
    "StaffRoster",
    "annual_renewals",
    "as_timelines",
    "certified_staff_metric",
    "certified_staff_rate",
    "check_staff",
    "coverage",
    "emergency_roster",
    "expiring",
    "handover_plan",
    "in_force_count",
    "latest_start",
    "method_called_for",
    "renewal_pipeline",
    "response_kpis",
    "run_site_file",
]
