"""The assessment workbook's layout and what it asks about each line (考核表模板).

:func:`template_for` works out, for a contract (or its timeline of changes) and a period,
the lines running in it with their KPIs, score items and incident kinds (:class:`Template`);
:mod:`.xlsx_assess_write` writes it and :mod:`.xlsx_assess` reads a filled one back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from ..catalogue import KpiSpec, MeasuredBy
from ..dates import Period, as_period
from ..errors import OutsourcingError
from ..performance import INCIDENT_LABELS
from ..rules import RuleBook
from ..settlement import prepare

__all__ = [
    "BY_SHEET",
    "INCIDENTS_SHEET",
    "INCIDENT_HEADERS",
    "INCIDENT_ROWS",
    "INFO_SHEET",
    "ITEMS_MARK",
    "ITEM_HEADERS",
    "KPI_HEADERS",
    "KPI_MARK",
    "NOT_DUE",
    "OPTIONS_SHEET",
    "LineTemplate",
    "Template",
    "label",
    "template_for",
]

INFO_SHEET = "说明"
INCIDENTS_SHEET = "事件"
OPTIONS_SHEET = "选项"
KPI_MARK = "【考核指标】"
ITEMS_MARK = "【评分表】"
KPI_HEADERS = ("指标编号", "指标名称", "单位", "目标", "方向", "权重（%）", "计分方式", "实测值",
               "调查人数", "满意人数", "依据", "考核周期", "不适用理由")
NOT_DUE = "本期不考核"
"""What the 实测值 cell of a KPI not due in the period says (the row is locked)."""
BY_SHEET = "见评分表"
"""What the 实测值 cell of a KPI scored on the score sheet says."""
ITEM_HEADERS = ("指标编号", "评分项", "分值", "得分")
INCIDENT_HEADERS = ("服务项目编号", "事件类型", "日期", "说明")
INCIDENT_ROWS = 100
"""Rows offered (with validation) on the incidents sheet."""


@attrs.frozen
class LineTemplate:
    """What the workbook asks about one line: its KPIs, score items and incident kinds."""

    line_id: str
    service_zh: str
    site: str
    kpis: tuple[KpiSpec, ...]
    items: tuple[tuple[str, str, Decimal], ...]
    """(KPI id, item name, maximum points) for each KPI scored on a sheet (unit 分)."""
    incident_kinds: tuple[str, ...]
    due: tuple[bool, ...] = ()
    """Per KPI, whether it is due in the period (本期考核); all due when empty."""

    def is_due(self, kpi: str) -> bool:
        """Whether the KPI is due in the period (a KPI without a schedule always is)."""
        if not self.due:
            return True
        return self.due[[k.id for k in self.kpis].index(kpi)]


@attrs.frozen
class Template:
    """The assessment workbook of a contract and a period, before it is written."""

    contract_id: str
    title: str
    period: Period
    lines: tuple[LineTemplate, ...]

    def line(self, line_id: str) -> LineTemplate:
        for x in self.lines:
            if x.line_id == line_id:
                return x
        raise KeyError(line_id)


def template_for(source: Any, period: Period | str, rulebook: RuleBook, *,
                 kpis: Mapping[str, Sequence[KpiSpec]] | None = None,
                 score_items: Mapping[str, Mapping[str, Sequence[tuple[str, Any]]]] | None = None,
                 ) -> Template:
    """The template of ``source`` (a Contract or a Timeline) for ``period``.

    ``score_items`` gives, per line and KPI, the items of its inspection sheet with their
    maximum points (``{"property": {"inspection": [("保洁", 50), ("秩序维护", 50)]}}``);
    a KPI measured in points without items gets one item of 100 points.
    """
    p = as_period(period, term="考核期间")
    prepared = prepare(source, rulebook, kpis=kpis)
    i = prepared.period_index(p)
    catalogue = getattr(rulebook.host, "catalogue", None)
    items_of = score_items or {}
    lines = []
    for pl in prepared.lines:
        if not pl.running[i]:
            continue
        line = pl.line
        name = (catalogue.get(line.service).name_zh
                if catalogue is not None and line.service in catalogue else line.service)
        specs = tuple(pl.kpis.specs)
        due = pl.due[i] if pl.due is not None else ()
        items: list[tuple[str, str, Decimal]] = []
        for n, k in enumerate(specs):
            if k.measurement is not MeasuredBy.SHEET or (due and not due[n]):
                continue
            given = items_of.get(line.id, {}).get(k.id)
            if given:
                items += [(k.id, str(n), Decimal(str(m))) for n, m in given]
            else:
                items.append((k.id, k.name_zh, Decimal(100)))
        deductions = pl.rule.deductions
        kinds = (tuple(k for k, _ in deductions.amounts) if deductions is not None
                 else tuple(INCIDENT_LABELS))
        lines.append(LineTemplate(line.id, name, line.site, specs, tuple(items), kinds, due))
    if not lines:
        raise OutsourcingError("no line of the contract runs in this period", field="period",
                               value=str(p), code="desk.assess.no_line_running",
                               params={"period": str(p)}, term="考核期间")
    c = prepared.contract
    return Template(c.id, c.title, p, tuple(lines))


def label(kind: str) -> str:
    """An incident kind as the workbook names it (its Chinese label)."""
    return INCIDENT_LABELS.get(kind, kind)
