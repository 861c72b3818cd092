"""KPIs: checking a line's KPI list, the points table per KPI shape, and the compiled KPIs
the monthly loop scores with (private; see :mod:`outsourcing.performance`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from functools import lru_cache
from operator import getitem, itemgetter
from typing import Any

import attrs

from ..catalogue import Catalogue, Direction, KpiSpec, Scoring
from ..errors import ModelError, SettlementError
from ..kpi_schedule import CENTI_100, rescale_weights
from ..money import div_half_up
from ._assessment import (
    CENTI,
    GENERIC_KPIS,
    NOT_SCORED,
    PERCENT_UNITS,
    Assessment,
    Metric,
    ScoreSheet,
    Survey,
    _as_centi_exact,
    from_centi,
)

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
                             value=s, term="考核指标", code="kpi.type")
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

    def __reduce__(self) -> tuple[Any, tuple[tuple[KpiSpec, ...]]]:
        """Pickled as its KPIs: the points tables are built again (once per distinct set
        in a process, :func:`compile_kpis`), not carried."""
        return compile_kpis, (self.specs,)

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
