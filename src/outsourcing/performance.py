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

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import cached_property, lru_cache
from operator import getitem, itemgetter
from typing import Any

import attrs

from ._limits import exact_decimal, typed_tuple
from .catalogue import Catalogue, Direction, KpiSpec, Scoring
from .dates import Period, as_date, as_period
from .errors import ModelError, SettlementError
from .kpi_schedule import CENTI_100, rescale_weights
from .money import div_half_up

__all__ = [
    "EVENT_LABELS",
    "GENERIC_KPIS",
    "INCIDENT_LABELS",
    "NOT_SCORED",
    "Assessment",
    "CompiledKpis",
    "Incident",
    "Metric",
    "NotApplicable",
    "ScoreItem",
    "ScoreSheet",
    "Survey",
    "check_kpis",
    "compile_kpis",
    "default_kpis",
    "kpi_points",
]

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
    d = exact_decimal(v, field=field, term=term, error=ModelError, code=f"model.{field}")
    if d < 0:
        raise ModelError("must not be negative", field=field, value=str(d), term=term,
                         code="assessment.negative")
    return d


def _centi_half_up(d: Decimal) -> int:
    """round_half_up(d × 100) for a non-negative Decimal."""
    return int(d.scaleb(2).to_integral_value(ROUND_HALF_UP))


def _as_centi_exact(d: Decimal, field: str, term: str) -> int:
    scaled = d * CENTI
    if scaled != scaled.to_integral_value():
        raise ModelError("at most two decimal places", field=field, value=str(d), term=term,
                         code="assessment.places")
    return int(scaled)


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


# --- KPIs --------------------------------------------------------------------------------

HIGHER, LOWER, HIGHER_PASS, LOWER_PASS = 0, 1, 2, 3


def _mode(spec: KpiSpec) -> int:
    if spec.scoring is Scoring.PASS_FAIL:
        return HIGHER_PASS if spec.direction is Direction.HIGHER else LOWER_PASS
    return HIGHER if spec.direction is Direction.HIGHER else LOWER


def kpi_points(mode: int, weight: int, target: int, value: int) -> int:
    """Points in hundredths a value earns; weight, target and value in hundredths.

    Proportional, higher is better: weight × min(1, value ÷ target); lower is better:
    weight × min(1, target ÷ value); pass/fail: the weight or nothing.  Rounded half-up.
    """
    if mode == HIGHER:
        if value >= target:
            return weight
        return div_half_up(weight * value, target)
    if mode == LOWER:
        if value <= target:
            return weight
        return div_half_up(weight * target, value)
    if mode == HIGHER_PASS:
        return weight if value >= target else 0
    return weight if value <= target else 0


@lru_cache(maxsize=1024)
def points_table(mode: int, weight: int, target: int, size: int) -> list[int]:
    """``kpi_points`` for every value 0..size−1, built once per KPI shape."""
    return [kpi_points(mode, weight, target, v) for v in range(size)]


def check_kpis(specs: Sequence[KpiSpec], *, where: str = "kpis") -> tuple[KpiSpec, ...]:
    """Validate a line's KPIs: unique ids, weights adding to exactly 100%, sane targets."""
    specs = tuple(specs)
    if not specs:
        raise ModelError("a line needs at least one KPI", field=where, value=[],
                         term="考核指标", code="kpi.none")
    ids: set[str] = set()
    for i, s in enumerate(specs):
        if not isinstance(s, KpiSpec):
            raise ModelError(f"a {type(s).__name__} is not a KpiSpec", field=f"{where}[{i}]",
                             value=s, term="考核指标", code="kpi.type", says="model.type",
                             params={"expected": "KpiSpec"})
        if s.id in ids:
            raise ModelError("duplicate KPI id", field=f"{where}[{i}].id", value=s.id,
                             term="考核指标", code="kpi.duplicate_id")
        ids.add(s.id)
        for name in ("weight", "target"):
            d = getattr(s, name)
            if not d.is_finite() or d < 0:
                raise ModelError("must be a finite number, not negative",
                                 field=f"{where}[{i}].{name}", value=str(d), term="考核指标",
                                 code="kpi.negative")
            _as_centi_exact(d, f"{where}[{i}].{name}", "考核指标")
        if s.unit in PERCENT_UNITS and s.target > 100:
            raise ModelError("a rate target over 100%", field=f"{where}[{i}].target",
                             value=str(s.target), term="考核目标", code="kpi.target_over_100")
        if s.target == 0 and s.direction is Direction.LOWER and s.scoring is Scoring.PROPORTIONAL:
            raise ModelError("a proportional 'lower' KPI needs a target above zero; use "
                             "scoring='pass_fail' for zero tolerance",
                             field=f"{where}[{i}].target", value="0", term="考核目标",
                             code="kpi.zero_target_proportional")
    total = sum((s.weight for s in specs), Decimal(0))
    if total != 100:
        raise ModelError(
            f"KPI weights add up to {total}%, not 100%: "
            + ", ".join(f"{s.id} {s.weight}" for s in specs),
            field=where, value=str(total), term="考核指标权重合计须为100%",
            code="kpi.weights_not_100", params={"total": total})
    return specs


class CompiledKpis:
    """A line's KPIs ready for the monthly loop: weights, targets and points tables."""

    __slots__ = ("_masked", "_picks", "ids", "index", "modes", "pct_at", "percent",
                 "scheduled", "sizes", "specs", "tables", "targets", "weights")

    def __init__(self, specs: Sequence[KpiSpec], *, where: str = "kpis") -> None:
        self.specs = check_kpis(specs, where=where)
        self.index = {s.id: i for i, s in enumerate(self.specs)}
        self.modes = tuple(_mode(s) for s in self.specs)
        self.weights = tuple(_as_centi_exact(s.weight, "weight", "") for s in self.specs)
        self.targets = tuple(_as_centi_exact(s.target, "target", "") for s in self.specs)
        self.percent = tuple(s.unit in PERCENT_UNITS for s in self.specs)
        self.sizes = tuple(100 * CENTI + 1 if p else max(100 * CENTI, 10 * t) + 1
                           for p, t in zip(self.percent, self.targets, strict=True))
        self.tables = tuple(points_table(m, w, t, n) for m, w, t, n in zip(
            self.modes, self.weights, self.targets, self.sizes, strict=True))
        self.ids = tuple(s.id for s in self.specs)
        self.pct_at = tuple(i for i, p in enumerate(self.percent) if p)
        """The indexes of the rate KPIs (at most 100%)."""
        self._picks: dict[tuple[str, ...], Any] = {}
        """How an assessment's values are put in KPI order, by the KPI ids it measured in
        its order: True (already in order), an itemgetter, or False (not exactly these KPIs)."""
        self.scheduled = any(s.scheduled for s in self.specs)
        """Some KPI may be left out of a period (a schedule, or 不适用 allowed): the values of
        a period may hold :data:`NOT_SCORED`."""
        self._masked: dict[tuple[bool, ...], tuple[int, ...]] = {}

    def __len__(self) -> int:
        return len(self.specs)

    def score(self, values: Sequence[int]) -> int:
        """The line's score in hundredths: the sum of each KPI's points (the hot path)."""
        try:
            return sum(map(getitem, self.tables, values))
        except IndexError:
            return sum(self.points(values))

    def due(self, span: Any) -> tuple[bool, ...]:
        """Which KPIs are due in a settlement period (its calendar range ``span``)."""
        return tuple(s.schedule.is_due(span) for s in self.specs)

    def weights_for(self, scored: Sequence[bool]) -> tuple[int, ...]:
        """The weights (hundredths) when only the KPIs ``scored`` count: rescaled to add up
        to exactly 100.00 (:func:`~outsourcing.kpi_schedule.rescale_weights`); the contract's
        own weights when every KPI is scored."""
        key = tuple(scored)
        w = self._masked.get(key)
        if w is None:
            w = self._masked[key] = (self.weights if all(key) else
                                     rescale_weights(self.weights, key))
        return w

    def total(self, values: Sequence[int]) -> int:
        """The score in hundredths of values that may leave KPIs out (:data:`NOT_SCORED`):
        the points of the KPIs scored at their rescaled weights; 100.00 when no KPI with a
        weight is scored (nothing to assess in the period)."""
        if NOT_SCORED not in values:
            return sum(self.points(values))
        if not any(self.weights_for([v != NOT_SCORED for v in values])):
            return CENTI_100
        return sum(self.points(values))

    def points(self, values: Sequence[int]) -> list[int]:
        """Each KPI's points in hundredths (for the breakdown); checks the values.  A KPI
        not scored in the period (:data:`NOT_SCORED`) earns none, and the others earn theirs
        at the rescaled weights (:meth:`weights_for`)."""
        if NOT_SCORED in values:
            weights = self.weights_for([v != NOT_SCORED for v in values])
            return [0 if v == NOT_SCORED else
                    kpi_points(self.modes[i], weights[i], self.targets[i], self._checked(i, v))
                    for i, v in enumerate(values)]
        out = []
        for i, v in enumerate(values):
            self._checked(i, v)
            if v < self.sizes[i]:
                out.append(self.tables[i][v])
            else:
                out.append(kpi_points(self.modes[i], self.weights[i], self.targets[i], v))
        return out

    def _checked(self, i: int, v: int) -> int:
        """A KPI's value, checked: not negative, a rate at most 100%."""
        if v < 0:
            raise SettlementError("a measured value must not be negative",
                                  field=f"kpi {self.specs[i].id}", value=v, term="实测指标",
                                  code="assessment.value_negative")
        if self.percent[i] and v > 100 * CENTI:
            raise SettlementError(
                f"a rate over 100%: {from_centi(v)}%", field=f"kpi {self.specs[i].id}",
                value=str(from_centi(v)), term=f"{self.specs[i].name_zh}超过100%",
                code="assessment.rate_over_100")
        return v

    def read_due(self, assessment: Assessment, due: Sequence[bool], *, where: str
                 ) -> tuple[tuple[int, ...] | None, tuple[str, ...], tuple[tuple[str, str], ...]]:
        """:meth:`read` for a period where some KPIs may be left out: the values in KPI
        order with :data:`NOT_SCORED` for a KPI not due (本期不考核) or marked 不适用, the
        due KPIs not measured (then None for the values), and the sources (a KPI left out
        says why).

        A value given for a KPI not due, 不适用 for a KPI the contract does not allow it for
        (or one not due anyway), or a KPI the line does not have is an error naming it.
        """
        keys, centis, sources = assessment._readout
        index = self.index
        groups: tuple[tuple[str, Sequence[ScoreSheet | Metric | Survey]], ...] = (
            ("sheets", assessment.sheets), ("metrics", assessment.metrics),
            ("surveys", assessment.surveys))
        at = {m.kpi: f"{what}[{n}]" for what, items in groups for n, m in enumerate(items)}
        for kpi in keys:
            k = index.get(kpi)
            if k is None:
                raise SettlementError(
                    f"line {assessment.line} has no KPI {kpi!r}; its KPIs: "
                    + ", ".join(s.id for s in self.specs), field=f"{where}.{at[kpi]}.kpi",
                    value=kpi, term="考核指标", code="assessment.unknown_kpi",
                    params={"known": "、".join(s.id for s in self.specs)})
            if not due[k]:
                spec = self.specs[k]
                raise SettlementError(
                    f"KPI {kpi} ({spec.name_zh}) is not due in {assessment.period} (its "
                    f"schedule: {spec.schedule.describe()}); an assessment gives no value "
                    "for it", field=f"{where}.{at[kpi]}.kpi", value=kpi, term="本期不考核",
                    code="assessment.kpi_not_due",
                    params={"name": spec.name_zh, "schedule": spec.schedule.describe()})
        na: dict[int, str] = {}
        for n, x in enumerate(assessment.not_applicable):
            k = index.get(x.kpi)
            field = f"{where}.not_applicable[{n}].kpi"
            if k is None:
                raise SettlementError(
                    f"line {assessment.line} has no KPI {x.kpi!r}; its KPIs: "
                    + ", ".join(s.id for s in self.specs), field=field, value=x.kpi,
                    term="考核指标", code="assessment.unknown_kpi",
                    params={"known": "、".join(s.id for s in self.specs)})
            spec = self.specs[k]
            if not spec.allows_not_applicable:
                raise SettlementError(
                    f"the contract does not allow KPI {x.kpi} ({spec.name_zh}) to be marked "
                    "not applicable", field=field, value=x.kpi, term="不适用",
                    code="assessment.not_applicable_refused", params={"name": spec.name_zh})
            if not due[k]:
                raise SettlementError(
                    f"KPI {x.kpi} ({spec.name_zh}) is not due in {assessment.period}; it is "
                    "left out without being marked not applicable", field=field, value=x.kpi,
                    term="本期不考核", code="assessment.kpi_not_due_not_applicable",
                    params={"name": spec.name_zh})
            na[k] = x.reason
        given = dict(zip(keys, centis, strict=True))
        values: list[int] = []
        missing: list[str] = []
        notes: list[tuple[str, str]] = []
        for k, spec in enumerate(self.specs):
            if k in na:
                values.append(NOT_SCORED)
                notes.append((spec.id, f"不适用：{na[k]}"))
            elif not due[k]:
                values.append(NOT_SCORED)
                notes.append((spec.id, f"本期不考核（{spec.schedule.describe()}）"))
            elif spec.id in given:
                values.append(given[spec.id])
            else:
                missing.append(spec.id)
        if missing:
            return None, tuple(missing), sources
        for i in self.pct_at:
            if values[i] > 100 * CENTI:
                self._over_100(values, where)
        return tuple(values), (), sources + tuple(notes)

    def values_of(self, assessment: Assessment, *, where: str
                  ) -> tuple[tuple[int, ...] | None, tuple[str, ...], dict[str, str]]:
        """An assessment's values in KPI order, or None and the KPIs it does not measure.

        A measured KPI the line does not have is an error; a missing one is returned (the
        statement reports it as a finding — never a silent zero or full score).
        """
        values, missing, sources = self.read(assessment, where=where)
        return values, missing, dict(sources)

    def read(self, assessment: Assessment, *, where: str
             ) -> tuple[tuple[int, ...] | None, tuple[str, ...], tuple[tuple[str, str], ...]]:
        """:meth:`values_of` with the sources as (KPI, source) pairs, in the order
        :meth:`Assessment.measured` gives them (what a statement record keeps)."""
        keys, centis, sources = assessment._readout
        picks = self._picks
        pick = picks.get(keys)
        if pick is None:
            if len(picks) >= 256:
                picks.clear()
            pick = picks[keys] = self._pick(keys)
        if pick is not False:  # exactly this line's KPIs: the common case
            values = centis if pick is True else pick(centis)
            for i in self.pct_at:
                if values[i] > 100 * CENTI:
                    self._over_100(values, where)
            return values, (), sources
        index = self.index
        for kpi in keys:
            if kpi not in index:
                raise SettlementError(
                    f"line {assessment.line} has no KPI {kpi!r}; its KPIs: "
                    + ", ".join(s.id for s in self.specs), field=f"{where}.kpi", value=kpi,
                    term="考核指标", code="assessment.unknown_kpi",
                    params={"known": "、".join(s.id for s in self.specs)})
        return None, tuple(s.id for s in self.specs if s.id not in keys), sources

    def _pick(self, keys: tuple[str, ...]) -> Any:
        """True when ``keys`` are this line's KPI ids in order, an itemgetter putting
        values in KPI order when they are the same ids in another order, else False."""
        if keys == self.ids:
            return True
        if len(keys) != len(self.ids) or set(keys) != set(self.ids):
            return False
        return itemgetter(*(keys.index(k) for k in self.ids))

    def _over_100(self, values: Sequence[int], where: str) -> None:
        """The first rate KPI over 100% is an error."""
        for i, v in enumerate(values):
            if self.percent[i] and v > 100 * CENTI:
                raise SettlementError(
                    f"a rate over 100%: {from_centi(v)}%",
                    field=f"{where}.{self.specs[i].id}", value=str(from_centi(v)),
                    term=f"{self.specs[i].name_zh}超过100%", code="assessment.rate_over_100")


@lru_cache(maxsize=4096)
def compile_kpis(specs: tuple[KpiSpec, ...], where: str = "kpis") -> CompiledKpis:
    """Compiled KPIs, built once per distinct set (the points tables are shared)."""
    return CompiledKpis(specs, where=where)


def default_kpis(catalogue: Catalogue | None, service: str) -> tuple[KpiSpec, ...]:
    """The catalogue's KPIs for a service: its own, else its nearest ancestor's, else
    :data:`GENERIC_KPIS`."""
    if catalogue is not None and service in catalogue:
        for code in catalogue.lineage(service):
            kpis = catalogue.get(code).default_kpis
            if kpis:
                return kpis
    return GENERIC_KPIS


def legal_targets(specs: Sequence[KpiSpec], resolved: Mapping[str, Any], *, default: bool,
                  where: str) -> tuple[KpiSpec, ...]:
    """Apply the rule parameters behind KPIs (``KpiSpec.parameter``): legal duties and a
    jurisdiction's published targets (银川's 维修合格率 100%, 会务满意率 98%).

    ``resolved`` maps a parameter id to its :class:`~outsourcing.rules.Resolved` value.  A
    catalogue default takes the rule's value as its target; a contract's own target may be
    stricter, never looser (a 20-day elevator interval against the 15-day rule is refused).
    """
    out = []
    for i, s in enumerate(specs):
        r = resolved.get(s.parameter) if s.parameter else None
        if r is None:
            out.append(s)
            continue
        legal = Decimal(r.value)
        if r.parameter.unit == "ratio" and s.unit == "%":
            legal *= 100  # a jurisdiction states rates as ratios (1.00), KPIs in percent
        if default:
            out.append(attrs.evolve(s, target=legal, citation=r.citation))
            continue
        limit = r.parameter.limit
        looser = (limit == "max" and s.target > legal) or (limit == "min" and s.target < legal)
        if looser:
            raise SettlementError(
                f"KPI {s.id} target {s.target} {s.unit} is looser than the rule's {legal}; a "
                "contract may tighten a legal duty, never loosen it",
                field=f"{where}[{i}].target", value=str(s.target), rule_id=r.rule_id,
                citation=r.citation, term=s.name_zh, code="rule.loosens_legal_limit")
        out.append(s)
    return tuple(out)
