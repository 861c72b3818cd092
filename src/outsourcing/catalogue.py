"""The service catalogue: service kinds, their families and default KPIs (服务目录).

A service kind has a stable English code, a Chinese name, a parent in its family tree and
default KPIs.  Two services are of the *same subject matter* (合同标的相同, 政府采购法
第四十九条) when they share a family root: disinfection (消毒) sits under cleaning (保洁),
which sits under property management (物业), so disinfection may be added to a property
contract, whereas an elevator line on a canteen contract is a new procurement.  Plugins add
kinds through the ``outsourcing_service_kinds`` hook.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from enum import StrEnum

import attrs

from ._limits import enum_converter, exact_decimal
from .errors import ModelError
from .kpi_schedule import EVERY_PERIOD, KpiSchedule, NotDueRule

__all__ = [
    "CORE_PROCUREMENT_ITEMS",
    "CORE_SERVICE_KINDS",
    "Catalogue",
    "Direction",
    "KpiSpec",
    "MeasuredBy",
    "ProcurementItem",
    "Scoring",
    "ServiceKind",
]


class Direction(StrEnum):
    """Which way a KPI is good (指标方向)."""

    HIGHER = "higher"
    """At least the target is good (e.g. a pass rate)."""
    LOWER = "lower"
    """At most the target is good (e.g. minutes to arrive)."""


class Scoring(StrEnum):
    """How a measured value earns a KPI's points (计分方式)."""

    PROPORTIONAL = "proportional"
    """Full points at the target; below it (above it, for ``lower``) in proportion:
    weight × measured ÷ target (weight × target ÷ measured)."""
    PASS_FAIL = "pass_fail"
    """Full points when the target is met, none otherwise (legal duties: 15-day elevator
    maintenance, the yearly fire-system test)."""


class MeasuredBy(StrEnum):
    """How a KPI's value is found in an assessment (计量方式): what the assessor fills in."""

    METRIC = "metric"
    """A measured value (实测值) in the KPI's unit."""
    SURVEY = "survey"
    """A satisfaction survey (满意度调查): responses and how many were satisfied."""
    SHEET = "sheet"
    """An inspection score sheet (检查评分表) of items with points."""


def _target(v: object) -> Decimal:
    return exact_decimal(v, field="target", term="考核指标", error=ModelError,
                         code="model.kpi.target", what="target")


def _weight(v: object) -> Decimal:
    return exact_decimal(v, field="weight", term="考核指标", error=ModelError,
                         code="model.kpi.weight", what="weight")


_DIRECTION = enum_converter(Direction, field="direction", term="指标方向", error=ModelError,
                            code="model.kpi")
_SCORING = enum_converter(Scoring, field="scoring", term="计分方式", error=ModelError,
                          code="model.kpi")


def _direction(v: object) -> Direction:
    return _DIRECTION(v)


def _scoring(v: object) -> Scoring:
    return _SCORING(v)


def _schedule(v: object) -> KpiSchedule:
    if isinstance(v, KpiSchedule):
        return v
    raise ModelError(f"a {type(v).__name__} is not a KpiSchedule", field="schedule", value=v,
                     term="考核周期", code="model.kpi_schedule")


_NOT_DUE = enum_converter(NotDueRule, field="when_not_due", term="本期不考核指标的处理",
                          error=ModelError, code="model.kpi")


def _when_not_due(v: object) -> NotDueRule | None:
    return None if v is None else _NOT_DUE(v)


_MEASURED_BY = enum_converter(MeasuredBy, field="measured_by", term="计量方式",
                              error=ModelError, code="model.kpi")


def _measured_by(v: object) -> MeasuredBy | None:
    return None if v is None else _MEASURED_BY(v)


def _flag(_: object, attribute: attrs.Attribute[bool], value: object) -> None:
    if not isinstance(value, bool):
        raise ModelError(f"a {type(value).__name__} is not true or false",
                         field=attribute.name, value=value, term="允许不适用",
                         code="model.kpi.allows_not_applicable")


@attrs.frozen(cache_hash=True)
class KpiSpec:
    """A KPI a service line is assessed on (考核指标).

    ``target`` in ``unit``; ``weight`` is its share of the line's 100-point score in percent.
    ``citation`` names the law, standard or published practice that sets the target.
    ``scoring`` says how a measured value earns the points; ``parameter``, when set, names the
    rule parameter that fixes the target in law (the rulebook's value replaces ``target``
    when a contract is prepared for settlement, and a contract may tighten it, never loosen it).
    ``schedule``, ``when_not_due`` and ``allows_not_applicable`` say when the KPI is assessed
    and what a period without it scores (:mod:`outsourcing.kpi_schedule`).
    """

    id: str
    name_zh: str
    name_en: str
    unit: str
    target: Decimal = attrs.field(converter=_target)
    direction: Direction = attrs.field(converter=_direction)
    weight: Decimal = attrs.field(converter=_weight)
    citation: str
    illustrative: bool = False
    scoring: Scoring = attrs.field(default=Scoring.PROPORTIONAL, converter=_scoring)
    parameter: str = ""
    schedule: KpiSchedule = attrs.field(default=EVERY_PERIOD, converter=_schedule)
    """When the KPI is assessed (考核周期, :mod:`outsourcing.kpi_schedule`); every period by
    default."""
    when_not_due: NotDueRule | None = attrs.field(default=None, converter=_when_not_due)
    """The contract's rule for a period where the KPI is not due or not applicable
    (rescale or carry forward); None: the jurisdiction's illustrative default
    ``payment.kpi_not_due``."""
    allows_not_applicable: bool = attrs.field(default=False, validator=_flag)
    """The contract allows marking the KPI 不适用 for a period, with a reason."""
    measured_by: MeasuredBy | None = attrs.field(default=None, converter=_measured_by)
    """How the assessor gives its value (what the assessment workbook offers as input);
    None: :attr:`measurement` derives it."""

    @property
    def measurement(self) -> MeasuredBy:
        """How the KPI is measured: ``measured_by`` where given; else a score sheet for a
        KPI in points, a survey for a satisfaction rate (满意…, ``…satisfaction…`` in %), a
        measured value otherwise."""
        if self.measured_by is not None:
            return self.measured_by
        if self.unit == "points":
            return MeasuredBy.SHEET
        if self.unit in ("%", "percent") and ("满意" in self.name_zh
                                               or "satisfaction" in self.id):
            return MeasuredBy.SURVEY
        return MeasuredBy.METRIC

    @property
    def scheduled(self) -> bool:
        """Whether a period may score without this KPI (a schedule other than every
        period, or 不适用 allowed)."""
        return not self.schedule.every_period or self.allows_not_applicable


def _kpis(v: Iterable[KpiSpec]) -> tuple[KpiSpec, ...]:
    return tuple(v)


@attrs.frozen
class ServiceKind:
    """A kind of service a bureau buys (服务类别)."""

    code: str
    name_zh: str
    name_en: str
    parent: str | None = None
    default_kpis: tuple[KpiSpec, ...] = attrs.field(default=(), converter=_kpis)
    source: str = "core"


def _k(id: str, zh: str, en: str, unit: str, target: str, direction: str, weight: str,
       citation: str, illustrative: bool = True, scoring: str = "proportional",
       parameter: str = "") -> KpiSpec:
    return KpiSpec(id, zh, en, unit, Decimal(target), Direction(direction), Decimal(weight),
                   citation, illustrative, Scoring(scoring), parameter)


_SAT = "政府采购法实施条例 第四十五条（服务对象参与验收）; 满意度目标为示例"
_REPAIR = "政府采购法实施条例 第四十五条（按合同约定的技术、服务标准验收）; 合格率目标为示例"

CORE_SERVICE_KINDS: tuple[ServiceKind, ...] = (
    ServiceKind("property", "物业服务", "property management", None, (
        _k("repair_pass_rate", "维修合格率", "repair pass rate", "%", "100", "higher", "40",
           _REPAIR, parameter="kpi.property.repair_pass_rate"),
        _k("satisfaction", "满意率", "satisfaction rate", "%", "95", "higher", "30", _SAT),
        _k("inspection", "日常检查得分", "inspection score", "points", "90", "higher", "30",
           "政府采购法实施条例 第四十五条: 逐项核对服务标准"),
    )),
    ServiceKind("cleaning", "保洁", "cleaning", "property", (
        _k("inspection", "保洁检查得分", "cleaning inspection score", "points", "90", "higher",
           "70", "政府采购法实施条例 第四十五条"),
        _k("satisfaction", "满意率", "satisfaction rate", "%", "95", "higher", "30", _SAT),
    )),
    ServiceKind("disinfection", "消毒消杀", "disinfection", "cleaning", (
        _k("rounds_done_rate", "消杀频次完成率", "share of scheduled rounds done", "%", "100",
           "higher", "100", "合同约定频次（如每日四次, 电梯每两小时）"),
    )),
    ServiceKind("security", "安保", "security", "property", (
        _k("inspection", "安保检查得分", "security inspection score", "points", "90", "higher",
           "70", "政府采购法实施条例 第四十五条"),
        _k("satisfaction", "满意率", "satisfaction rate", "%", "95", "higher", "30", _SAT),
    )),
    ServiceKind("access_control", "门禁", "access control", "security"),
    ServiceKind("greening", "绿化", "greening", "property"),
    ServiceKind("refuse_removal", "垃圾清运", "refuse removal", "property"),
    ServiceKind("conference", "会务服务", "conference services", "property", (
        _k("satisfaction", "会务服务满意率", "conference satisfaction", "%", "98", "higher",
           "100", _SAT, parameter="kpi.conference.satisfaction"),
    )),
    ServiceKind("gym_management", "健身中心管理", "gym management", "property"),
    ServiceKind("maintenance", "设施设备维保", "facilities and equipment maintenance", None),
    ServiceKind("facilities_repair", "设施设备维修维护", "facilities repair", "maintenance", (
        _k("repair_pass_rate", "维修合格率", "repair pass rate", "%", "100", "higher", "60",
           _REPAIR, parameter="kpi.facilities_repair.repair_pass_rate"),
        _k("satisfaction", "满意率", "satisfaction rate", "%", "95", "higher", "40", _SAT),
    )),
    ServiceKind("elevator_maintenance", "电梯维保", "elevator maintenance", "maintenance", (
        _k("max_maintenance_interval", "维保间隔", "longest interval between maintenance visits",
           "days", "15", "lower", "40",
           "特种设备安全监察条例 第三十一条: 至少每15日一次", illustrative=False,
           scoring="pass_fail", parameter="kpi.elevator_max_maintenance_interval_days"),
        _k("trapped_arrival", "困人救援到场时间", "arrival for trapped passengers", "minutes",
           "30", "lower", "40", "地方规定（如青岛）: 城区30分钟内到场"),
        _k("satisfaction", "满意率", "satisfaction rate", "%", "95", "higher", "20", _SAT),
    )),
    ServiceKind("fire_maintenance", "消防维保", "fire-protection maintenance", "maintenance", (
        _k("monthly_check_done", "月度检查完成率", "monthly checks done", "%", "100", "higher",
           "60", "GB 25201-2010 建筑消防设施的维护管理"),
        _k("yearly_full_test", "年度全面检测", "yearly full test done", "count", "1", "higher",
           "40", "消防法 第十六条（三）: 每年至少一次全面检测", illustrative=False,
           scoring="pass_fail", parameter="kpi.fire_full_test_per_year"),
    )),
    ServiceKind("hvac_maintenance", "空调维保", "HVAC maintenance", "maintenance"),
    ServiceKind("catering", "餐饮服务", "catering", None),
    ServiceKind("canteen", "机关食堂", "canteen", "catering", (
        _k("food_safety_inspection", "食品安全检查得分", "food-safety inspection score", "points",
           "90", "higher", "60", "食品安全法; 检查表分值为示例"),
        _k("satisfaction", "就餐满意率", "diner satisfaction", "%", "90", "higher", "40", _SAT),
    )),
    ServiceKind("official_transport", "公务用车", "official transport", None, (
        _k("on_time_rate", "准时率", "on-time rate", "%", "98", "higher", "60", "示例"),
        _k("satisfaction", "满意率", "satisfaction rate", "%", "95", "higher", "40", _SAT),
    )),
    ServiceKind("printing", "文印", "printing", None),
    ServiceKind("it_management", "信息化管理", "IT management", None),
)


ITEM_CATALOGUE = "政府采购品目分类目录（财库〔2022〕31号）"


@attrs.frozen
class ProcurementItem:
    """The 品目 of the 政府采购品目分类目录 a service is bought under (采购品目).

    ``service`` is the service code; ``code`` the catalogue's code (``C21040000``),
    ``name_zh`` its name; ``confirmed`` False marks a code this library could not check
    against the published catalogue (a bureau confirms or replaces it through the
    ``outsourcing_procurement_items`` hook).
    """

    service: str
    code: str = attrs.field(validator=attrs.validators.matches_re(r"^[ABC]\d{2,8}$"))
    name_zh: str
    confirmed: bool = False
    source: str = "core"


CORE_PROCUREMENT_ITEMS: tuple[ProcurementItem, ...] = (
    # Each code is the 2022 catalogue's (财库〔2022〕31号) as this library's authors know it;
    # none could be checked against the published text here: confirmed=False (docs/ocds.md)
    ProcurementItem("property", "C21040000", "物业管理服务"),
    ProcurementItem("maintenance", "C23000000", "维修和保养服务"),
    ProcurementItem("elevator_maintenance", "C23120300", "电梯维修和保养服务"),
    ProcurementItem("catering", "C22010000", "餐饮服务"),
    ProcurementItem("official_transport", "C21010200", "车辆租赁服务"),
    ProcurementItem("printing", "C21080000", "印刷和出版服务"),
    ProcurementItem("it_management", "C16000000", "信息技术服务"),
)
"""The core services' 品目; a service without its own takes its nearest ancestor's
(消毒 → 保洁 → 物业 → 物业管理服务)."""


class Catalogue:
    """Every known service kind, core and plugin, with its family tree, and the 品目 each is
    bought under (``items``, by service code: a service without its own takes its nearest
    ancestor's; a later entry for a service replaces an earlier one)."""

    def __init__(self, kinds: Iterable[ServiceKind],
                 items: Iterable[ProcurementItem] = CORE_PROCUREMENT_ITEMS) -> None:
        self.items: dict[str, ProcurementItem] = {}
        for it in items:  # a later entry for the same service replaces an earlier one
            self.items[it.service] = it
        self._kinds: dict[str, ServiceKind] = {}
        for k in kinds:
            if k.code in self._kinds:
                other = self._kinds[k.code]
                raise ModelError(
                    f"service kind declared twice (by {other.source} and {k.source})",
                    field="service", value=k.code, term="服务类别",
                    code="model.service.declared_twice",
                    params={"first": other.source, "second": k.source})
            self._kinds[k.code] = k
        for k in self._kinds.values():
            if k.parent is not None and k.parent not in self._kinds:
                raise ModelError(f"parent of {k.code} is unknown (declared by {k.source})",
                                 field="parent", value=k.parent, term="服务类别",
                                 code="model.service.unknown_parent", params={"kind": k.code})
            self.root(k.code)  # refuse loops now

    def __contains__(self, code: object) -> bool:
        return code in self._kinds

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._kinds.values())

    def __len__(self) -> int:
        return len(self._kinds)

    def get(self, code: str) -> ServiceKind:
        try:
            return self._kinds[code]
        except KeyError:
            raise ModelError(
                f"unknown service; known: {', '.join(sorted(self._kinds))}",
                field="service", value=code, term="服务类别", code="model.service.unknown",
                params={"known": "、".join(sorted(self._kinds))}) from None

    def root(self, code: str) -> str:
        """The family root of a service (物业, 设施设备维保, 餐饮…)."""
        seen: set[str] = set()
        k = self.get(code)
        while k.parent is not None:
            if k.code in seen:
                raise ModelError("service family forms a loop", field="parent", value=k.code,
                                 term="服务类别", code="model.service.loop")
            seen.add(k.code)
            k = self.get(k.parent)
        return k.code

    def same_subject_matter(self, a: str, b: str) -> bool:
        """True when both services share a family root (合同标的相同)."""
        return self.root(a) == self.root(b)

    def lineage(self, code: str) -> list[str]:
        """The service and its ancestors, nearest first."""
        out = [code]
        k = self.get(code)
        while k.parent is not None:
            out.append(k.parent)
            k = self.get(k.parent)
        return out

    def procurement_item(self, code: str) -> ProcurementItem:
        """The 品目 a service is bought under: its own, or its nearest ancestor's."""
        for c in self.lineage(code):
            if c in self.items:
                return self.items[c]
        raise ModelError(
            f"no 品目 of the 政府采购品目分类目录 for {code} or its family "
            f"({' → '.join(self.lineage(code))}); a plugin adds one through "
            "outsourcing_procurement_items", field="service", value=code, term="采购品目",
            citation=ITEM_CATALOGUE, code="model.service.no_procurement_item",
            params={"name": self.get(code).name_zh})

    @classmethod
    def core(cls) -> Catalogue:
        """The core catalogue alone (no plugin)."""
        return cls(CORE_SERVICE_KINDS, CORE_PROCUREMENT_ITEMS)
