"""What an assessment records for a line in a period, and the hundredths every score is kept in
(private; see :mod:`outsourcing.performance`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import cached_property, lru_cache
from typing import Any

import attrs

from .._convert import nonneg_decimal, scaled_whole
from .._limits import typed_tuple
from ..catalogue import Direction, KpiSpec
from ..dates import Period, as_date, as_period
from ..errors import ModelError
from ..money import div_half_up

CENTI = 100
"""Values, targets, weights and scores are held as whole hundredths."""

NOT_SCORED = -1
"""A KPI's value, in a period's values, when the KPI is not scored in that period (not due,
or 不适用, and not carried forward): its weight goes to the KPIs scored
(:func:`~outsourcing.kpi_schedule.rescale_weights`)."""

PERCENT_UNITS = frozenset({"%", "percent"})
"""Units whose values can never exceed 100 (rates)."""

INCIDENT_LABELS: dict[str, str] = {
    "ordinary": "一般问题",
    "county_leader_criticism": "县级领导批评",
    "city_leader_criticism": "市级及以上领导批评",
    "department_notice": "部门通报批评",
    "media_exposure": "媒体曝光",
    "trapped_passengers": "电梯困人",
}
"""Chinese labels of the incident kinds the illustrative deduction table knows (and a few
more a contract may price)."""

EVENT_LABELS: dict[str, str] = {
    "late_response": "响应超时",
    "improper_maintenance": "维保不到位",
    "commendation": "表扬",
    "complaint": "投诉",
    "safety_accident": "安全事故",
}
"""Chinese labels of event kinds contracts commonly price by share, score (加减分) or treat
as serious (降档); any other kind is shown by its id."""

GENERIC_KPIS: tuple[KpiSpec, ...] = (
    KpiSpec("inspection", "检查得分", "inspection score", "points", Decimal(90), Direction.HIGHER,
            Decimal(100), "政府采购法实施条例 第四十五条: 逐项核对服务标准; 目标分为示例", True),
)
"""KPIs for a service kind (and its ancestors) that declares none: one inspection sheet."""


def _decimal(v: Any, field: str, term: str) -> Decimal:
    return nonneg_decimal(v, field, term, code=f"model.{field}", negative="assessment.negative")


def _centi_half_up(d: Decimal) -> int:
    """round_half_up(d × 100) for a non-negative Decimal."""
    return int(d.scaleb(2).to_integral_value(ROUND_HALF_UP))


def _as_centi_exact(d: Decimal, field: str, term: str) -> int:
    return scaled_whole(d, CENTI, field, term, code="assessment.places")


def from_centi(c: int) -> Decimal:
    """A Decimal with two places from whole hundredths."""
    return Decimal(c).scaleb(-2)


@lru_cache(maxsize=1 << 16)
def centi_text(c: int) -> str:
    """Whole hundredths as text with two places (``9550`` → ``95.50``); statements repeat
    their values, so the recent ones are kept."""
    return str(from_centi(c))


# --- assessments -------------------------------------------------------------------------

def _points(v: Any) -> Decimal:
    return _decimal(v, "points", "考核评分表得分")


def _max_points(v: Any) -> Decimal:
    return _decimal(v, "max_points", "考核评分表分值")


def _metric_value(v: Any) -> Decimal:
    return _decimal(v, "value", "实测指标")


def _items(v: Iterable[ScoreItem]) -> tuple[ScoreItem, ...]:
    return typed_tuple(v, field="items", cls=ScoreItem, term="考核评分表", error=ModelError,
                       code="model")


def _sheets(v: Iterable[ScoreSheet]) -> tuple[ScoreSheet, ...]:
    return typed_tuple(v, field="sheets", cls=ScoreSheet, term="考核评分表", error=ModelError,
                       code="model")


def _metrics(v: Iterable[Metric]) -> tuple[Metric, ...]:
    return typed_tuple(v, field="metrics", cls=Metric, term="实测指标", error=ModelError,
                       code="model")


def _surveys(v: Iterable[Survey]) -> tuple[Survey, ...]:
    return typed_tuple(v, field="surveys", cls=Survey, term="满意度调查", error=ModelError,
                       code="model")


def _not_applicable(v: Iterable[NotApplicable]) -> tuple[NotApplicable, ...]:
    return typed_tuple(v, field="not_applicable", cls=NotApplicable, term="不适用",
                       error=ModelError, code="model")


def _incidents(v: Iterable[Incident]) -> tuple[Incident, ...]:
    return typed_tuple(v, field="incidents", cls=Incident, term="事件", error=ModelError,
                       code="model")


def _period(v: Any) -> Period:
    return as_period(v, term="考核期间")


def _on(v: Any) -> date:
    return as_date(v, field="on")


def _assessed_on(v: Any) -> date:
    return as_date(v, field="assessed_on")


def _nonempty(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ModelError("must be a non-empty string", field=attribute.name, value=value,
                         code=f"assessment.{attribute.name}.empty", says="text.empty")


@attrs.frozen
class ScoreItem:
    """One item of an inspection score sheet: its maximum and the points given (评分项)."""

    name: str = attrs.field(validator=_nonempty)
    max_points: Decimal = attrs.field(converter=_max_points)
    points: Decimal = attrs.field(converter=_points)

    def __attrs_post_init__(self) -> None:
        if self.points > self.max_points:
            raise ModelError(
                f"score-sheet item {self.name!r}: {self.points} points is above its maximum "
                f"{self.max_points}", field="points", value=str(self.points),
                term="考核评分表得分超过分值", code="assessment.points_over_maximum",
                params={"item": self.name, "maximum": self.max_points})


@attrs.frozen
class ScoreSheet:
    """An inspection score sheet for one KPI (检查评分表): items with points.

    Its value for the KPI is the points given as a percentage of the maximum, rounded
    half-up to 0.01 (a 100-point sheet gives its total).
    """

    kpi: str = attrs.field(validator=_nonempty)
    items: tuple[ScoreItem, ...] = attrs.field(converter=_items)

    def __attrs_post_init__(self) -> None:
        if not self.items:
            raise ModelError("a score sheet needs at least one item", field="items",
                             value=[], term="考核评分表", code="assessment.sheet_empty")
        if self.maximum <= 0:
            raise ModelError("the items' maximum points add up to zero", field="items",
                             value=str(self.maximum), term="考核评分表",
                             code="assessment.sheet_maximum_zero")

    @property
    def total(self) -> Decimal:
        return sum((i.points for i in self.items), Decimal(0))

    @property
    def maximum(self) -> Decimal:
        return sum((i.max_points for i in self.items), Decimal(0))

    def centi(self) -> int:
        """Points as a percentage of the maximum, in hundredths, rounded half-up."""
        q = Fraction(self.total) * 100 * CENTI / Fraction(self.maximum)
        return div_half_up(q.numerator, q.denominator)


@attrs.frozen
class Metric:
    """A measured value for one KPI, in the KPI's unit (实测指标): 95 (%), 12 (days)…"""

    kpi: str = attrs.field(validator=_nonempty)
    value: Decimal = attrs.field(converter=_metric_value)
    note: str = ""


@attrs.frozen
class Survey:
    """A satisfaction survey (满意度调查): responses and how many were satisfied."""

    kpi: str = attrs.field(validator=_nonempty)
    responses: int
    satisfied: int

    def __attrs_post_init__(self) -> None:
        for name in ("responses", "satisfied"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                raise ModelError("must be a whole number, not negative", field=name, value=v,
                                 term="满意度调查", code="assessment.survey_count")
        if self.responses == 0:
            raise ModelError("a survey needs at least one response", field="responses",
                             value=0, term="满意度调查", code="assessment.survey_no_response")
        if self.satisfied > self.responses:
            raise ModelError(
                f"satisfaction rate over 100%: {self.satisfied} satisfied of "
                f"{self.responses} responses", field="satisfied", value=self.satisfied,
                term="满意率超过100%", code="assessment.survey_over_100",
                params={"responses": self.responses})

    def centi(self) -> int:
        """The rate in hundredths of a percent, rounded half-up."""
        return div_half_up(self.satisfied * 100 * CENTI, self.responses)


def _reason(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ModelError("a KPI marked not applicable states the reason", field="reason",
                         value=value, term="不适用理由", code="model.not_applicable_reason")


@attrs.frozen
class NotApplicable:
    """A KPI marked 不适用 for the assessed period, with the reason (e.g. 本月无报修).

    Allowed only where the contract allows it for the KPI
    (:attr:`~outsourcing.catalogue.KpiSpec.allows_not_applicable`); the period then scores
    without it by the KPI's rule (:class:`~outsourcing.kpi_schedule.NotDueRule`), as in a
    period where it is not due.
    """

    kpi: str = attrs.field(validator=_nonempty)
    reason: str = attrs.field(validator=_reason)


def _incident_share(v: Any) -> Decimal | None:
    if v is None:
        return None
    d = _decimal(v, "share", "扣款比例")
    if d > 1 or d * 1_000_000 != (d * 1_000_000).to_integral_value():
        raise ModelError("a share is 0..1 with at most six decimals", field="share",
                         value=str(d), term="扣款比例", code="performance.incident_share_invalid")
    return d


@attrs.frozen
class Incident:
    """An incident on a line (事件): its kind decides the fixed deduction.

    Kinds in the illustrative table: ``ordinary`` (一般问题), ``county_leader_criticism``
    (县级领导批评), ``city_leader_criticism`` (市级及以上领导批评), ``department_notice``
    (部门通报批评), ``media_exposure`` (媒体曝光); a contract may price others
    (``trapped_passengers`` 电梯困人…).
    """

    kind: str = attrs.field(validator=_nonempty)
    on: date = attrs.field(converter=_on)
    description: str = ""
    share: Decimal | None = attrs.field(default=None, converter=_incident_share)
    """The share of the fee the assessor applied, where the contract gives a range for this
    kind (e.g. 1%–3% of the month's fee per late response, ``FeeShare.up_to``)."""


@attrs.frozen
class Assessment:
    """The assessment of one service line for one period (考核记录).

    ``assessed_on`` is the day the assessment was signed off; unless the settlement is given
    another acceptance day, the payment clock starts there (保障中小企业款项支付条例).
    Incidents are of the kinds the line's payment rule prices (扣款), scores (加减分:
    ``commendation``, ``complaint``…) or treats as serious (降档).
    """

    line: str = attrs.field(validator=_nonempty)
    period: Period = attrs.field(converter=_period)
    assessed_by: str = attrs.field(validator=_nonempty)
    assessed_on: date = attrs.field(converter=_assessed_on)
    sheets: tuple[ScoreSheet, ...] = attrs.field(default=(), converter=_sheets)
    metrics: tuple[Metric, ...] = attrs.field(default=(), converter=_metrics)
    surveys: tuple[Survey, ...] = attrs.field(default=(), converter=_surveys)
    incidents: tuple[Incident, ...] = attrs.field(default=(), converter=_incidents)
    note: str = ""
    site: str = ""
    """The site assessed (考核点位), for a line scored at several sites
    (:class:`~outsourcing.payment.SiteScore`); empty for a line assessed as a whole."""
    not_applicable: tuple[NotApplicable, ...] = attrs.field(default=(),
                                                            converter=_not_applicable)
    """KPIs marked 不适用 for the period, each with its reason (where the contract allows
    it)."""

    def __attrs_post_init__(self) -> None:
        seen: dict[str, str] = {}
        groups: tuple[tuple[str, Sequence[ScoreSheet | Metric | Survey]], ...] = (
            ("sheets", self.sheets), ("metrics", self.metrics), ("surveys", self.surveys))
        for what, items in groups:
            for i, m in enumerate(items):
                if m.kpi in seen:
                    raise ModelError(f"KPI {m.kpi!r} is measured twice (by {seen[m.kpi]} and "
                                     f"{what}[{i}])", field=f"{what}[{i}].kpi", value=m.kpi,
                                     term="考核指标", code="assessment.kpi_measured_twice",
                                     params={"first": seen[m.kpi]})
                seen[m.kpi] = f"{what}[{i}]"
        for i, na in enumerate(self.not_applicable):
            if na.kpi in seen:
                twice = seen[na.kpi].startswith("not_applicable")
                raise ModelError(f"KPI {na.kpi!r} is marked not applicable and also given by "
                                 f"{seen[na.kpi]}", field=f"not_applicable[{i}].kpi",
                                 value=na.kpi, term="不适用",
                                 code="model.not_applicable_twice" if twice
                                 else "model.not_applicable_measured")
            seen[na.kpi] = f"not_applicable[{i}]"
        for i, inc in enumerate(self.incidents):
            if inc.on not in self.period.range:
                raise ModelError(f"incident on {inc.on} is outside the period {self.period}",
                                 field=f"incidents[{i}].on", value=inc.on.isoformat(),
                                 term="事件日期", code="assessment.incident_outside_period",
                                 params={"period": self.period})

    def measured(self) -> dict[str, tuple[int, str]]:
        """Each KPI's value in hundredths with where it came from (sheet, metric, survey)."""
        keys, centis, sources = self._readout
        return {k: (c, src) for k, c, (_, src) in zip(keys, centis, sources, strict=True)}

    @cached_property
    def _readout(self) -> tuple[tuple[str, ...], tuple[int, ...], tuple[tuple[str, str], ...]]:
        """What :meth:`measured` reads, computed once per assessment: the KPI ids measured
        (sheets, then metrics, then surveys), their values in hundredths and the
        (KPI, source) pairs."""
        ms = self.metrics
        if not self.sheets and not self.surveys:  # metrics only: the common case, in bulk
            ids = tuple([m.kpi for m in ms])
            values = [m.value for m in ms]
            return (ids, tuple(map(_centi_half_up, values)),
                    tuple([(k, "实测 " + str(v)) for k, v in zip(ids, values)]))  # noqa: B905
        keys: list[str] = []
        centis: list[int] = []
        sources: list[tuple[str, str]] = []
        for s in self.sheets:
            keys.append(s.kpi)
            centis.append(s.centi())
            sources.append((s.kpi, f"评分表 {s.total}/{s.maximum}"))
        for m in ms:
            keys.append(m.kpi)
            centis.append(_centi_half_up(m.value))
            sources.append((m.kpi, "实测 " + str(m.value)))  # == f"实测 {m.value}"
        for v in self.surveys:
            keys.append(v.kpi)
            centis.append(v.centi())
            sources.append((v.kpi, f"调查 {v.satisfied}/{v.responses}"))
        return tuple(keys), tuple(centis), tuple(sources)

    def incident_kinds(self) -> tuple[str, ...]:
        """The incidents' kinds in date order (the order a repeat ratchet counts them)."""
        if not self.incidents:
            return ()
        return tuple(i.kind for i in self.ordered_incidents())

    def ordered_incidents(self) -> list[Incident]:
        """The incidents in date order, then by kind (the order deductions are listed)."""
        return sorted(self.incidents, key=lambda i: (i.on, i.kind))
