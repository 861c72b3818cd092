"""KPIs, assessments and the 100-point score of a service line (考核指标、考核记录、评分).

The bureau supervises; a performance system scores the supplier (政府采购法实施条例 第四十五条:
acceptance checks every standard of the contract one by one, with the service's users).
An :class:`Assessment` records what was found for one service line in one period — inspection
score sheets (检查评分表), measured metrics (实测指标), satisfaction surveys (满意度调查),
incidents (事件) and who assessed.  Each KPI (:class:`~outsourcing.catalogue.KpiSpec`) turns
its measured value into points out of its weight; the line's score is the sum, out of 100.

Rounding, each at a named step, half-up to 0.01: a score sheet's percentage, a survey's
rate, a metric given with more than two decimals, and each KPI's points.  The score is the
sum of the rounded KPI points, so the breakdown on a statement always adds up to the score.

Internally every value is a whole number of hundredths (``centi``) so that scoring a month is
integer arithmetic; the points of a KPI are read from a table built once per KPI shape.
"""

from __future__ import annotations

from ._assessment import (
    CENTI,
    EVENT_LABELS,
    GENERIC_KPIS,
    INCIDENT_LABELS,
    NOT_SCORED,
    PERCENT_UNITS,
    Assessment,
    Incident,
    Metric,
    NotApplicable,
    ScoreItem,
    ScoreSheet,
    Survey,
    centi_text,
    from_centi,
)
from ._kpis import (
    HIGHER,
    HIGHER_PASS,
    LOWER,
    LOWER_PASS,
    CompiledKpis,
    check_kpis,
    compile_kpis,
    default_kpis,
    kpi_points,
    legal_targets,
    points_table,
)

__all__ = [
    "CENTI",
    "EVENT_LABELS",
    "GENERIC_KPIS",
    "HIGHER",
    "HIGHER_PASS",
    "INCIDENT_LABELS",
    "LOWER",
    "LOWER_PASS",
    "NOT_SCORED",
    "PERCENT_UNITS",
    "Assessment",
    "CompiledKpis",
    "Incident",
    "Metric",
    "NotApplicable",
    "ScoreItem",
    "ScoreSheet",
    "Survey",
    "centi_text",
    "check_kpis",
    "compile_kpis",
    "default_kpis",
    "from_centi",
    "kpi_points",
    "legal_targets",
    "points_table",
]
