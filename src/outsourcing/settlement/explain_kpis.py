"""Explain a line's KPIs: each KPI's points, and the KPIs left out of a period or carried
forward with the rule applied (指标得分的计算依据); :mod:`.explain` uses it for a line's
score."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from ..performance import NOT_SCORED, CompiledKpis, centi_text, from_centi
from ..statement.parts import Explanation, KpiResult, unit_zh
from ..statement.record import month_text
from .compile import KPI_NOT_DUE, PreparedLine

__all__ = ["KpiText", "centi", "centi_both", "kpi_lines", "kpi_text", "sites_not_scored"]


@lru_cache(maxsize=1 << 16)
def centi(c: int) -> Decimal:
    """:func:`~outsourcing.performance.from_centi`, shared (a Decimal does not change)."""
    return from_centi(c)


@lru_cache(maxsize=1 << 16)
def centi_both(c: int) -> tuple[Decimal, str]:
    """Whole hundredths as the shared Decimal and as its text."""
    return centi(c), centi_text(c)


class KpiText(NamedTuple):
    """What a KPI of a compiled set says every month: its id, name, unit, target and
    weight, its figure, rule id and citation, its unit in Chinese and the fixed inputs
    (target, direction, scoring, weight)."""

    id: str
    name_zh: str
    unit: str
    target: Decimal
    weight: Decimal
    figure: str
    rule_id: str
    citation: str
    unit_zh: str
    fixed: tuple[tuple[str, str], ...]


@lru_cache(maxsize=1024)
def kpi_text(kpis: CompiledKpis, service: str) -> tuple[KpiText, ...]:
    """Per KPI of a compiled set, what does not change from month to month (made once: a
    long statement repeats it)."""
    out = []
    for spec in kpis.specs:
        u = unit_zh(spec.unit)
        out.append(KpiText(spec.id, spec.name_zh, spec.unit, spec.target, spec.weight,
                           f"指标 {spec.name_zh}", f"kpi.{service}.{spec.id}", spec.citation, u,
                           (("目标", f"{spec.target}{u}"), ("方向", spec.direction.value),
                            ("计分", spec.scoring.value), ("权重", str(spec.weight)))))
    return tuple(out)


def sites_not_scored(pl: PreparedLine, values: Sequence[Sequence[int]], i: int,
                      ex: list[Explanation]) -> str:
    """For a line scored at several sites: the KPIs left out of the period at some site
    (not due, or 不适用 there) and the rule applied, in Chinese; empty when none was."""
    assert pl.due is not None
    due = pl.due[i]
    parts = []
    for k, spec in enumerate(pl.kpis.specs):
        left = [n for n, v in enumerate(values) if v[k] == NOT_SCORED]
        if due[k] and not left:
            continue
        why = spec.schedule.describe() if not due[k] else "部分点位不适用"
        if len(left) == len(values):
            parts.append(f"{spec.name_zh}（{why}）不计分，本期考核指标的权重按比例折算为100分")
        elif not left:
            parts.append(f"{spec.name_zh}（{why}）沿用各点位上次考核结果")
        else:
            parts.append(f"{spec.name_zh}（{why}）沿用上次考核结果，尚无结果或不适用的点位按比例折算")
    if not parts:
        return ""
    text = "；".join(parts)
    ex.append(_not_due_explanation(pl, text, all(
        s.when_not_due is not None for s in pl.kpis.specs if s.scheduled)))
    return text


def _not_due_explanation(pl: PreparedLine, text: str, own: bool) -> Explanation:
    """The explanation of the KPIs left out of a period: the rule applied — the contract's
    own where every KPI left out states it, else the rulebook's ``payment.kpi_not_due`` —
    and each scheduled KPI's schedule and rule."""
    r = pl.not_due_rule
    rid, cit = (("kpi.schedule", "合同约定的考核周期及本期不考核指标的处理") if own or r is None
                else (r.rule_id, r.citation))
    return Explanation("本期不考核指标", text, rid, cit, tuple(
        (s.id, s.schedule.describe() + "；" + (s.when_not_due.zh if s.when_not_due is not None
                                              else f"{pl.not_due[n].zh}（{KPI_NOT_DUE}）"))
        for n, s in enumerate(pl.kpis.specs) if s.scheduled), pl.line.id)


def kpi_lines(pl: PreparedLine, values: Sequence[int], sources: Mapping[str, str],
               kres: list[KpiResult], ex: list[Explanation], i: int = 0,
               kept: Sequence[tuple[str, int, int]] = ()) -> str:
    """Each KPI's points with its explanation; for a line whose KPIs may be left out of a
    period, the KPIs left out or carried forward and the rule applied, in Chinese (empty
    when every KPI was scored as measured)."""
    lid = pl.line.id
    pts = pl.kpis.points(values)
    texts = kpi_text(pl.kpis, pl.line.service)
    if pl.due is None:
        for (kid, name, unit, target, weight, figure, rule_id, citation, u, fixed), v, p in zip(
                texts, values, pts, strict=True):
            dv, sv = centi_both(v)
            dp, sp = centi_both(p)
            kres.append(KpiResult(kid, name, unit, target, weight, dv, sources.get(kid, ""),
                                  dp))
            ins = (("实测", sv + u), *fixed)
            if kid in sources:
                ins = (*ins, ("来源", sources[kid]))
            ex.append(Explanation(figure, sp, rule_id, citation, ins, lid))
        return ""
    scored = [v != NOT_SCORED for v in values]
    weights = pl.kpis.weights_for(scored)
    rescaled = not all(scored)
    due = pl.due[i]
    months = {key: m for key, m, _ in kept}
    left: list[str] = []
    carried: list[str] = []
    for k, ((kid, name, unit, target, weight, figure, rule_id, citation, u, fixed), v,
            p) in enumerate(zip(texts, values, pts, strict=True)):
        src = sources.get(kid, "")
        if v == NOT_SCORED:
            kres.append(KpiResult(kid, name, unit, target, weight, None, src, None, src,
                                  Decimal(0)))
            why = src if src.startswith("不适用") else pl.kpis.specs[k].schedule.describe()
            left.append(f"{name}（{why}）")
            ex.append(Explanation(figure, "—", rule_id, citation,
                                  (("本期", src), *fixed), lid))
            continue
        dv, sv = centi_both(v)
        dp, sp = centi_both(p)
        note = ""
        if not due[k] or src.startswith("不适用"):
            m = months.get(pl.carry_keys[0][k])
            note = f"沿用 {month_text(m)} 考核结果" if m is not None else "沿用上次考核结果"
            carried.append(f"{name}（{note}）")
        w = centi(weights[k]) if rescaled else None
        kres.append(KpiResult(kid, name, unit, target, weight, dv, src, dp, note, w))
        ins = (("实测", sv + u), *fixed)
        if w is not None:
            ins = (*ins, ("折算权重", centi_text(weights[k])))
        if note:
            ins = (*ins, ("沿用", note))
        if src:
            ins = (*ins, ("来源", src))
        ex.append(Explanation(figure, sp, rule_id, citation, ins, lid))
    if not left and not carried:
        return ""
    parts = []
    if left:
        parts.append("、".join(left) + "不计分，本期考核指标的权重按比例折算为100分")
    if carried:
        parts.append("沿用上次结果：" + "、".join(carried))
    text = "；".join(parts)
    ex.append(_not_due_explanation(pl, text, all(
        s.when_not_due is not None for s, v, d in zip(pl.kpis.specs, values, due, strict=True)
        if v == NOT_SCORED or not d or sources.get(s.id, "").startswith("不适用"))))
    return text
