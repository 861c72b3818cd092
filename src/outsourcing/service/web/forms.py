"""What the desk's forms say, read into the library's nouns (表单): a change to propose, an
assessment per KPI.  Every value goes through the library's constructors (or
:func:`outsourcing.serialize.structure`, as the JSON API reads a change), so a bad value is
refused with the library's code, field and Chinese sentence, never half-read."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from ...catalogue import Catalogue, MeasuredBy
from ...changes import (
    AddLine,
    Change,
    ChangeLinePrice,
    ChangeLineQuantity,
    ChangeTerm,
    RemoveLine,
    Resume,
    Suspend,
    Terminate,
)
from ...desk.xlsx_assess_template import Template as AssessTemplate
from ...desk.xlsx_assess_template import label
from ...errors import OutsourcingError
from ...performance import Assessment, Incident, Metric, ScoreItem, ScoreSheet, Survey
from ...registry import ChangeRecord
from ...serialize import structure
from ...statement import unit_zh

__all__ = ["CHANGE_KINDS", "KpiField", "LineFields", "assessment_fields", "assessments_from",
           "change_from", "change_summary"]

CHANGE_KINDS = (("add_line", "追加服务项目"), ("change_price", "调整单价"),
                ("change_quantity", "调整数量"), ("remove_line", "删减服务项目"),
                ("suspend", "暂停"), ("resume", "恢复"), ("change_term", "变更期限"),
                ("terminate", "解除合同"))
MAX_TEXT = 2000


class FormError(OutsourcingError):
    """A form field the desk cannot read (表单)."""

    default_code = "service.web.form"


def _text(data: Mapping[str, Any], key: str) -> str:
    v = data.get(key, "")
    return (v if isinstance(v, str) else "").strip()[:MAX_TEXT]


def _action(data: Mapping[str, Any]) -> dict[str, Any]:
    kind = _text(data, "kind")
    line = _text(data, "line_id") or None
    if kind == "add_line":
        return {"kind": kind, "line": {
            "id": _text(data, "new_line_id"), "service": _text(data, "service"),
            "site": _text(data, "site"),
            "pricing": {"kind": "fixed_monthly", "monthly_fee": _text(data, "monthly_fee")}}}
    if kind in ("change_price", "change_quantity", "remove_line"):
        out: dict[str, Any] = {"kind": kind, "line_id": line or ""}
        if kind == "change_price":
            out["price"] = _text(data, "price")
        if kind == "change_quantity":
            out["quantity"] = _text(data, "quantity")
        return out
    if kind == "suspend":
        return {"kind": kind, "line_id": line, "until": _text(data, "until") or None}
    if kind == "resume":
        return {"kind": kind, "line_id": line}
    if kind == "change_term":
        return {"kind": kind, "end": _text(data, "end")}
    if kind == "terminate":
        return {"kind": kind}
    raise FormError("unknown kind of change", field="kind", value=kind[:40], term="变更内容",
                    code="service.web.change_kind",
                    params={"kinds": "、".join(t for _, t in CHANGE_KINDS)})


def change_from(data: Mapping[str, Any]) -> Change:
    """The pending change a proposal form describes (read as the JSON API reads one)."""
    doc = {"id": _text(data, "change_id"), "action": _action(data),
           "rationale": _text(data, "rationale"), "reason": _text(data, "reason"),
           "effective": _text(data, "effective"),
           "requested_by": _text(data, "requested_by") or "采购人"}
    change: Change = structure(doc, Change, source="form")
    return change


def _what(c: Change, cat: Catalogue) -> str:
    a = c.action
    if isinstance(a, AddLine):
        name = cat.get(a.line.service).name_zh if a.line.service in cat else a.line.service
        return f"追加 {name}·{a.line.site}（{a.line.id}）"
    if isinstance(a, ChangeLinePrice):
        return f"{a.line_id} 单价调整为 {a.price.format()}"
    if isinstance(a, ChangeLineQuantity):
        return f"{a.line_id} 数量调整为 {a.quantity}"
    if isinstance(a, RemoveLine):
        return f"删减 {a.line_id}"
    if isinstance(a, Suspend):
        return f"暂停 {a.line_id or '全部服务'}" + (f" 至 {a.until}" if a.until else "")
    if isinstance(a, Resume):
        return f"恢复 {a.line_id or '全部服务'}"
    if isinstance(a, ChangeTerm):
        return f"期限变更至 {a.end}"
    if isinstance(a, Terminate):
        return "解除合同"
    return type(a).KIND


def change_summary(r: ChangeRecord, cat: Catalogue) -> dict[str, Any]:
    """A change as the contract page lists it."""
    c = r.change
    return {"id": c.id, "what": _what(c, cat), "rationale": c.rationale.zh,
            "effective": c.effective, "reason": c.reason, "status": c.status.value,
            "rejection": c.rejection, "proposed_by": r.proposed_by, "proposer": r.proposed_by,
            "decided_by": r.decided_by or ""}


@attrs.frozen
class KpiField:
    """One KPI of a line as the assessment form asks it."""

    id: str
    name_zh: str
    unit: str
    target_text: str
    weight: str
    how: str
    kind: str
    due: bool
    items: tuple[tuple[int, str, str], ...]


@attrs.frozen
class LineFields:
    line_id: str
    service_zh: str
    site: str
    kpis: tuple[KpiField, ...]
    incidents: tuple[tuple[str, str], ...]


HOW = {MeasuredBy.METRIC: "实测值", MeasuredBy.SURVEY: "满意度调查", MeasuredBy.SHEET: "检查评分表"}


def assessment_fields(t: AssessTemplate) -> list[LineFields]:
    """The assessment form of a period: per line, each KPI and how it is measured."""
    out = []
    for x in t.lines:
        kpis = []
        for k in x.kpis:
            items = tuple((n, name, str(top)) for n, (kid, name, top) in enumerate(x.items)
                          if kid == k.id)
            unit = unit_zh(k.unit)
            kpis.append(KpiField(k.id, k.name_zh, unit, f"{k.target} {unit}",
                                 str(k.weight), HOW[k.measurement], k.measurement.value,
                                 x.is_due(k.id), items))
        out.append(LineFields(x.line_id, x.service_zh, x.site, tuple(kpis),
                              tuple((kind, label(kind)) for kind in x.incident_kinds)))
    return out


def _count(v: str) -> int:
    """A count typed in the form; anything but a whole number is refused by
    :class:`~outsourcing.performance.Survey` itself (handed over as typed)."""
    return int(v) if v.isdigit() else v  # type: ignore[return-value]


def _line(data: Mapping[str, Any], t: AssessTemplate, x: Any, who: str, on: str
          ) -> Assessment:
    metrics, surveys, sheets = [], [], []
    for k in x.kpis:
        if not x.is_due(k.id):
            continue
        key = f"{x.line_id}:{k.id}"
        if k.measurement is MeasuredBy.METRIC:
            metrics.append(Metric(k.id, _text(data, f"m:{key}")))
        elif k.measurement is MeasuredBy.SURVEY:
            surveys.append(Survey(k.id, _count(_text(data, f"sr:{key}")),
                                  _count(_text(data, f"ss:{key}"))))
        else:
            sheets.append(ScoreSheet(k.id, [
                ScoreItem(name, top, _text(data, f"i:{key}:{n}"))
                for n, (kid, name, top) in enumerate(x.items) if kid == k.id]))
    incidents = []
    kind = _text(data, f"ik:{x.line_id}")
    if kind:
        incidents.append(Incident(kind, _text(data, f"id:{x.line_id}")))
    return Assessment(x.line_id, t.period, who, on, sheets=sheets, metrics=metrics,
                      surveys=surveys, incidents=incidents)


def assessments_from(data: Mapping[str, Any], t: AssessTemplate) -> list[Assessment]:
    """Each line's assessment from the form, checked by the library's constructors."""
    who = _text(data, "assessed_by")
    on = _text(data, "assessed_on")
    return [_line(data, t, x, who, on) for x in t.lines]
