"""A line's own KPIs and their schedules in the contract workbook (考核指标、考核周期).

``考核指标`` — a header row (:data:`~.xlsx_terms.KPI_HEADERS`), then one row per KPI of a
line: 指标编号, names, 单位, 目标值, 方向, 权重, 计分方式, 依据, whether its target is 示例,
法定参数, its schedule (考核周期, 考核月份 or 考核日期), what a period without it scores
(本期不考核时), whether 不适用 is allowed and how it is measured (计量方式).
:func:`write_kpis` writes it and :func:`read_kpis` reads it back, every bad cell named.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from ..catalogue import Direction, KpiSpec, MeasuredBy, Scoring
from ..errors import OutsourcingError
from ..kpi_schedule import KpiSchedule, NotDueRule, ScheduleKind
from .cells import Problems
from .xlsx_terms import TERM_SHEETS, _by_line, _Reader, _sheet, _zh

__all__ = ["DIRECTION_ZH", "KPI_HEADERS", "KPI_SHEET", "MEASURED_ZH", "NOT_DUE_ZH",
           "SCHEDULE_ZH", "SCORING_ZH", "read_kpis", "write_kpis"]

KPI_SHEET = "考核指标"
KPI_HEADERS = ("服务项目编号", "指标编号", "指标名称", "英文名称", "单位", "目标值", "方向", "权重",
               "计分方式", "依据", "示例目标", "法定参数", "考核周期", "考核月份", "考核日期",
               "本期不考核时", "允许不适用", "计量方式")
DIRECTION_ZH = {"不低于": Direction.HIGHER.value, "不高于": Direction.LOWER.value}
SCORING_ZH = {"按比例计分": Scoring.PROPORTIONAL.value, "达标得分": Scoring.PASS_FAIL.value}
SCHEDULE_ZH = {k.zh: k.value for k in ScheduleKind}
NOT_DUE_ZH = {"按权重折算": NotDueRule.RESCALE.value,
              "沿用上次结果": NotDueRule.CARRY_FORWARD.value}
YES_NO_ZH = {"是": "yes", "否": "no"}
MEASURED_ZH = {"实测值": MeasuredBy.METRIC.value, "满意度调查": MeasuredBy.SURVEY.value,
               "评分表": MeasuredBy.SHEET.value}
TERM_SHEETS[KPI_SHEET] = KPI_HEADERS


def write_kpis(wb: Any, kpis: Mapping[str, Sequence[KpiSpec]]) -> None:
    """Add the ``考核指标`` sheet: each line's own KPIs with their schedules."""
    body: list[list[Any]] = []
    for lid, specs in kpis.items():
        for k in specs:
            s = k.schedule
            body.append([
                lid, k.id, k.name_zh, k.name_en or None, k.unit, k.target,
                _zh(DIRECTION_ZH, k.direction.value), k.weight, _zh(SCORING_ZH, k.scoring.value),
                k.citation or None, "是" if k.illustrative else None, k.parameter or None,
                s.kind.zh, "、".join(str(m) for m in s.months) or None,
                "、".join(d.isoformat() for d in s.dates) or None,
                None if k.when_not_due is None else _zh(NOT_DUE_ZH, k.when_not_due.value),
                "是" if k.allows_not_applicable else None,
                None if k.measured_by is None else _zh(MEASURED_ZH, k.measured_by.value)])
    _sheet(wb, KPI_SHEET, KPI_HEADERS, body)


def _split(v: Any) -> list[str]:
    if v is None:
        return []
    if isinstance(v, int | float) and not isinstance(v, bool):
        return [str(int(v)) if float(v).is_integer() else repr(v)]
    if isinstance(v, date):
        return [v.isoformat()[:10]]
    return [p.strip() for p in str(v).replace("，", "、").replace(",", "、").split("、")
            if p.strip()]


def read_kpis(wb: Any, line_ids: Sequence[str], bad: Problems) -> dict[str, list[KpiSpec]]:
    """Each line's own KPIs from ``考核指标`` (a line without rows keeps the catalogue's)."""
    k = _Reader(wb, KPI_SHEET, bad)
    out: dict[str, list[KpiSpec]] = {}
    rows = [(lid, r, v) for lid, found in _by_line(wb, KPI_SHEET, line_ids, bad).items()
            for r, v in found]
    for lid, r, v in sorted(rows, key=lambda x: x[1]):
        before = len(bad.items)
        kid = k.text("指标编号", r, required=True)
        name = k.text("指标名称", r, required=True)
        unit = k.text("单位", r, required=True)
        target = k.number("目标值", r, required=True)
        weight = k.number("权重", r, required=True)
        direction = k.choice("方向", r, DIRECTION_ZH, Direction.HIGHER.value)
        scoring = k.choice("计分方式", r, SCORING_ZH, Scoring.PROPORTIONAL.value)
        kind = k.choice("考核周期", r, SCHEDULE_ZH, ScheduleKind.EVERY_PERIOD.value)
        not_due = k.choice("本期不考核时", r, NOT_DUE_ZH) or None
        illustrative = k.choice("示例目标", r, YES_NO_ZH, "no") == "yes"
        allows = k.choice("允许不适用", r, YES_NO_ZH, "no") == "yes"
        measured = k.choice("计量方式", r, MEASURED_ZH) or None
        months: list[int] = []
        for part in _split(v["考核月份"]):
            if not part.lstrip("-").isdigit():
                bad.add(KPI_SHEET, k.ref("考核月份", r), "desk.workbook.not_a_number", part,
                        says="desk.workbook.cell.kpi_months", given=part)
                break
            months.append(int(part))
        dates = _split(v["考核日期"])
        if len(bad.items) > before or target is None or weight is None:
            continue
        schedule = None
        try:
            schedule = KpiSchedule(kind, months, dates)
        except OutsourcingError as exc:
            where = ("考核日期" if "dates" in (exc.field or "") else
                     "考核月份" if "months" in (exc.field or "") else "考核周期")
            bad.add_error(KPI_SHEET, k.ref(where, r), exc, exc.value)
            continue
        spec = k.build(r, "指标编号", KpiSpec, kid, name, k.text("英文名称", r), unit, target,
                       direction, weight, k.text("依据", r), illustrative, scoring,
                       k.text("法定参数", r), schedule, not_due, allows, measured)
        if spec is not None:
            out.setdefault(lid, []).append(spec)
    return out
