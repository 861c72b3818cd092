"""Explain: a settled record and the contract's terms → figures with their reasons (计算依据).

The explain stage reads a :class:`~outsourcing.statement.record.StatementRecord` (what
compute produced) and the compiled contract (:mod:`.compile`) and builds, only when a
statement's lines, findings or explanations are read, the rich objects:
:class:`~outsourcing.statement.StatementLine` with an
:class:`~outsourcing.statement.Explanation` for every figure (:func:`line_view`), and the
statement's own explanations, findings and thresholds (:mod:`.explain_totals`).  The same
record and terms always give the same text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Any

from ..findings import Finding
from ..money import Money, format_fen, pct
from ..payment import RATE_DEN, LinearFormula, TierTable
from ..performance import (
    EVENT_LABELS,
    INCIDENT_LABELS,
    NOT_SCORED,
    CompiledKpis,
    centi_text,
    from_centi,
)
from ..pricing import AnnualFee, MonthSplit
from ..statement.parts import (
    LINE_STATUSES,
    Deduction,
    Explanation,
    KpiResult,
    StatementLine,
    unit_zh,
)
from ..statement.record import LineRecord, month_text
from .compile import KPI_NOT_DUE, CompiledContract, PreparedLine, service_zh
from .compute import ASSESSED, INCOMPLETE, MISSING, base_fee

__all__ = ["LABELS", "PAYMENT_LAW", "line_findings", "line_view"]

LABELS = {**INCIDENT_LABELS, **EVENT_LABELS}
PAYMENT_LAW = ("保障中小企业款项支付条例: 以验收合格为付款条件的，付款期限自验收之日起算; "
               "政府采购法实施条例 第四十五条: 按合同逐项验收")

def _by_day(e: tuple[date, str, int | None]) -> tuple[date, str]:
    return e[0], e[1]


def _any(x: LineRecord) -> Any:
    return x


def _signed(c: int) -> str:
    return f"{from_centi(c):+}"


# --- text that depends only on its inputs, made once (a long statement repeats it) --------

@lru_cache(maxsize=1 << 16)
def _centi(c: int) -> Decimal:
    """:func:`~outsourcing.performance.from_centi`, shared (a Decimal does not change)."""
    return from_centi(c)


@lru_cache(maxsize=1 << 16)
def _centi_both(c: int) -> tuple[Decimal, str]:
    """Whole hundredths as the shared Decimal and as its text."""
    return _centi(c), centi_text(c)


_money = lru_cache(maxsize=1 << 14)(Money.from_fen)
"""Money from fen, shared (a Money does not change; zero and a line's fee recur)."""


@lru_cache(maxsize=4096)
def _rate(rate: int) -> tuple[Decimal, str]:
    """A pay rate in millionths as a Decimal and as a percentage."""
    r = Decimal(rate) / RATE_DEN
    return r, pct(r)


@lru_cache(maxsize=4096)
def _prepared_text(pl: PreparedLine) -> tuple[tuple[tuple[date, date, str], ...], str,
                                               tuple[str, ...]]:
    """What a prepared line (which does not change) says every period: its fee schedule as
    each piece's first and last day and monthly fee, its pay-rate rule in words (the tier
    table or the formula) and the rule ids of the illustrative defaults it uses."""
    r = pl.rule.rate
    return (tuple((x.start, x.end, f"{Money.round(m).format()}/月") for x, m in pl.schedule),
            r.describe() if isinstance(r, TierTable | LinearFormula) else "",
            tuple(d.rule_id for d in pl.defaults))


@lru_cache(maxsize=1024)
def _kpi_text(kpis: CompiledKpis, service: str) -> tuple[tuple[Any, ...], ...]:
    """Per KPI of a compiled set, what does not change from month to month: its id, name,
    unit, target and weight, its figure, rule id and citation, its unit in Chinese and the
    inputs target, direction, scoring and weight."""
    out = []
    for spec in kpis.specs:
        u = unit_zh(spec.unit)
        out.append((spec.id, spec.name_zh, spec.unit, spec.target, spec.weight,
                    f"指标 {spec.name_zh}", f"kpi.{service}.{spec.id}", spec.citation, u,
                    (("目标", f"{spec.target}{u}"), ("方向", spec.direction.value),
                     ("计分", spec.scoring.value), ("权重", str(spec.weight)))))
    return tuple(out)


@lru_cache(maxsize=1024)
def _alone_text(pl: PreparedLine, clause: str, n: int
                ) -> tuple[str, str, tuple[tuple[str, str], ...]]:
    """How a line rounded period by period on its own is explained: its rule id, the words
    of the rule with the contract's clause, and — for a literal split — the year's price, a
    period's exact share and what the periods of a year add up to against the year."""
    p = pl.line.pricing
    if getattr(p, "split", None) is not MonthSplit.LITERAL:
        return ("accrual.period_rounding",
                f"每期单独四舍五入到分，全期合计为各期之和（{clause}）", ())
    year = p.yearly_amount() if isinstance(p, AnnualFee) else p.monthly_amount() * 12
    share = year / n
    each = Money.round(share)
    gap = each.fen * n - Money.round(year).fen
    return ("accrual.literal_split",
            f"全年 × 1/{n} 按期直接折算，每期单独四舍五入到分（{clause}）",
            (("全年", Money.round(year).format()),
             (f"每期 = 全年 × 1/{n}", f"{_exact_yuan(share)} → {each.format()}"),
             (f"全年 {n} 期合计", Money.from_fen(each.fen * n).format()),
             ("与全年之差", f"{gap:+d} 分" if gap else "0 分")))


def _exact_yuan(q: Fraction) -> str:
    """An exact amount of yuan as a decimal when it has one, else to six places (…)."""
    d = Decimal(q.numerator) / Decimal(q.denominator)
    six = d.quantize(Decimal("0.000001")).normalize()
    return f"¥{six:,f}" + ("" if Fraction(six) == q else "…")


def _tier(b: Any) -> str:
    return f"{b.name}（≥{b.min_score}）" if b.name else f"≥{b.min_score}"


def line_view(cc: CompiledContract, pl: PreparedLine, x: LineRecord, i: int,
              total_cap: int | None, release: bool | None,
              kept: Sequence[tuple[str, int, int]] = ()) -> StatementLine:
    """One line of a statement with every figure explained (its findings:
    :func:`line_findings`); ``kept`` are the line's carried-forward results after the
    period (the month each carried value was measured)."""
    (_, _, _, status, fee, values, missing_ids, score, base_score, adj, tiers, site_scores,
     rate, perf, items, raw, cap, ded, applied, hb, released, withheld, payable, notice,
     streak, held, forfeited, _pending, final, incidents, source_pairs, actual) = _any(x)
    sources = dict(source_pairs)
    line = pl.line
    lid = line.id
    rule = pl.rule
    period = cc.periods[i]
    ex: list[Explanation] = []

    def add(figure: str, value: str, rule_id: str, citation: str,
            *inputs: tuple[str, str]) -> None:
        ex.append(Explanation(figure, value, rule_id, citation, tuple(inputs), lid))

    fee_s = format_fen(fee)
    monthly, describe, default_ids = _prepared_text(pl)
    if actual is not None:
        add("合同费用", fee_s, actual[0], actual[1], *actual[2])
    elif cc.alone[pl.index]:
        rule_id, how, more = _alone_text(pl, cc.contract.rounding_clause or "合同约定",
                                         12 // cc.months_per_period)
        first, last = period.start, period.end
        add("合同费用", fee_s, rule_id,
            f"合同 {cc.contract.id} 服务项目 {lid} 计价; 不足整月按日折算 "
            f"({cc.contract.day_count.value}); {how}",
            *[(f"{max(s, first).isoformat()}..{min(e, last).isoformat()}", m)
              for s, e, m in monthly if s <= last and first <= e], *more)
    else:
        first, last = period.start, period.end
        add("合同费用", fee_s, "accrual.pro_rata",
            f"合同 {cc.contract.id} 服务项目 {lid} 计价; 不足整月按日折算 "
            f"({cc.contract.day_count.value}); 按累计金额四舍五入到分",
            *[(f"{max(s, first).isoformat()}..{min(e, last).isoformat()}", m)
              for s, e, m in monthly if s <= last and first <= e])
    kres: list[KpiResult] = []
    missing: tuple[str, ...] = ()
    not_scored = ""
    st = LINE_STATUSES[status]
    if status == ASSESSED:
        if pl.sites is None:
            not_scored = _kpi_lines(pl, values, sources, kres, ex, i, kept)
            add("考核得分", centi_text(score), "performance.score",
                "各项指标得分之和（满分100，每项四舍五入到0.01）"
                + ("；本期不考核指标不计分，其余指标权重按比例折算，合计100"
                   if any(k.weight_applied is not None for k in kres) else "")
                + ("，加减分后" if adj else ""),
                *[(k.id, "本期不考核" if k.points is None else str(k.points)) for k in kres],
                *((("基础得分", centi_text(base_score)), ("加减分", _signed(adj)))
                  if adj else ()))
        else:
            ss = rule.sites
            assert ss is not None
            for site, v, sc in zip(ss.sites, values, site_scores, strict=True):
                pts = pl.kpis.points(v)
                add(f"点位得分 {site}", centi_text(sc), "performance.score",
                    "该点位各项指标得分之和"
                    + ("（本期不考核指标不计分，其余指标权重按比例折算，合计100）"
                       if NOT_SCORED in v else ""),
                    *[(spec.id, "本期不考核" if x == NOT_SCORED else centi_text(p))
                      for spec, x, p in zip(pl.kpis.specs, v, pts, strict=True)])
            if pl.due is not None:
                not_scored = _sites_not_scored(pl, values, i, ex)
            how = {"min": "取最低点位得分", "mean": "各点位得分平均，四舍五入到0.01",
                   "fee_weighted": "按点位费用加权平均，四舍五入到0.01"}[ss.aggregate]
            add("考核得分", centi_text(score), ss.rule_id, f"{ss.citation}: {how}",
                *[(site, centi_text(sc))
                  for site, sc in zip(ss.sites, site_scores, strict=True)],
                *[(f"权重 {k}", m.format()) for k, m in ss.weights],
                *((("汇总得分", centi_text(base_score)), ("加减分", _signed(adj)))
                  if adj else ()))
        if rule.adjustments is not None and (
                evs := [e for e in sorted(incidents, key=_by_day)
                        if rule.adjustments.of(e[1]) is not None]):
            ra = rule.adjustments
            add("加减分", _signed(adj), ra.rule_id, ra.citation,
                *[(f"{on} {LABELS.get(kind, kind)}", f"{ra.of(kind):+}")
                  for on, kind, _ in evs],
                ("加分上限", "未约定" if ra.bonus_cap is None else str(ra.bonus_cap)),
                ("减分上限", "未约定" if ra.penalty_cap is None else str(ra.penalty_cap)),
                ("基础得分", centi_text(base_score)),
                ("调整后得分", centi_text(score)))
        if tiers is not None and isinstance(rule.rate, TierTable):
            dg = rule.downgrade
            assert dg is not None
            bands = rule.rate.bands
            serious = [f"{on} {LABELS.get(kind, kind)}" for on, kind, _ in incidents
                       if kind in dg.kinds]
            add("降档", f"{_tier(bands[tiers[0]])} → {_tier(bands[tiers[1]])}",
                dg.rule_id, dg.citation, ("严重事件", "、".join(serious)),
                ("规则", f"降至 {dg.to}" if dg.to else "降一档"))
        r = rule.rate
        pay_pct = _rate(rate)[1]
        if isinstance(r, TierTable):
            band = (r.band_for(_centi(score)) if tiers is None
                    else r.bands[tiers[1]])
            add("支付比例", pay_pct, r.rule_id, r.citation,
                ("得分", centi_text(score)), ("档位", _tier(band)),
                *((("降档", "是"),) if tiers is not None else ()),
                ("分档表", describe))
        elif isinstance(r, LinearFormula):
            add("支付比例", pay_pct, r.rule_id, r.citation,
                ("得分", centi_text(score)), ("公式", describe))
        else:
            add("支付比例", pay_pct, r.rule_id, r.citation)
        add("考核后金额", format_fen(perf), r.rule_id,
            "合同费用 × 支付比例，四舍五入到分",
            ("合同费用", fee_s), ("支付比例", pay_pct))
        if notice and rule.warning is not None:
            add("预警通知", "是", rule.warning.rule_id, rule.warning.citation,
                ("得分", centi_text(score)), ("预警分数线", str(rule.warning.min_score)),
                ("连续未达标期数", str(streak)))
    elif status == INCOMPLETE:
        missing = missing_ids
    if withheld:
        add("暂缓支付", format_fen(withheld), "performance.assessment_required",
            PAYMENT_LAW, ("状态", st.zh))
    deds: list[Deduction] = []
    if items:
        dr = rule.deductions
        rat = rule.ratchet
        assert dr is not None
        priced = set(pl.compiled.deductions) | set(pl.compiled.shares)
        incs = sorted((e for e in incidents if e[1] in priced), key=_by_day)
        for n, (kind, base, num, den, occ, amount) in enumerate(items):
            factor = Decimal(num) / Decimal(den)
            on = incs[n][0] if n < len(incs) else None
            deds.append(Deduction(kind, LABELS.get(kind, kind),
                                  Money.from_fen(base), factor, Money.from_fen(amount),
                                  occ, on))
            ins = [("事件", LABELS.get(kind, kind)),
                   ("标准", format_fen(base)), ("同类第几次", str(occ))]
            if kind in pl.compiled.shares:
                fs = dr.share(kind)
                ins[1:1] = [("按比例", fs.describe()), ("扣款基数", format_fen(
                    base_fee(cc, pl, i, fs.of, fs.line, fee)))]
                chosen = incs[n][2] if n < len(incs) else None
                if chosen is not None:
                    ins.insert(2, ("本次比例", pct(Decimal(chosen) / RATE_DEN)))
            if on is not None:
                ins.append(("日期", on.isoformat()))
            rid, cit = dr.rule_id, dr.citation
            if num != den and rat is not None:
                ins.append(("加重倍数", str(factor)))
                rid, cit = f"{dr.rule_id}+{rat.rule_id}", f"{dr.citation}; {rat.citation}"
            add(f"扣款 {LABELS.get(kind, kind)}", format_fen(amount),
                rid, cit, *ins)
        if cap is not None and rule.cap is not None:
            add("扣款上限（单项）", format_fen(cap), rule.cap.rule_id,
                rule.cap.citation, ("合同费用", fee_s),
                ("比例", pct(rule.cap.share)),
                ("扣款合计", format_fen(raw)),
                ("是否触及", "是" if raw > cap else "否"))
        tc = cc.rules.total_cap
        add("实际扣款", format_fen(applied), "settlement.deductions",
            "扣款不超过单项上限与合计上限，且不超过考核后金额",
            ("扣款合计", format_fen(raw)),
            ("单项上限后", format_fen(raw if cap is None else min(raw, cap))),
            ("合计上限分摊后", format_fen(ded)),
            ("考核后金额", format_fen(perf)),
            *((("合计上限规则", tc.rule_id),) if tc is not None and total_cap is not None
              else ()))
    hbr = rule.holdback
    if hbr is not None and status == ASSESSED:
        if hbr.base == "fee":  # 考核费用: a share of the period's contract fee
            add("暂扣款", format_fen(hb), hbr.rule_id, hbr.citation,
                ("基数", "当期合同费用（考核费用）"), ("当期合同费用", fee_s),
                ("比例", pct(hbr.share)),
                ("不超过考核后金额减扣款", format_fen(perf - applied)))
        else:
            add("暂扣款", format_fen(hb), hbr.rule_id, hbr.citation,
                ("考核后金额减扣款", format_fen(perf - applied)),
                ("比例", pct(hbr.share)))
    by_result: list[tuple[str, str]] = []
    if hbr is not None and hbr.needs_result and final is not None:
        by_result = [("期满考核得分", centi_text(final)),
                     ("释放方式", {"full": "全额释放", "proportional": "按考核得分比例释放"}[
                         hbr.by_result])]
        if hbr.forfeit_below is not None:
            by_result.append(("不予退还分数线", str(hbr.forfeit_below)))
    if released:
        why = ("结算时指定释放" if release else
               f"释放时点 {hbr.release}" if hbr is not None else "结算时指定释放")
        add("释放暂扣款", format_fen(released),
            hbr.rule_id if hbr else "payment.holdback", hbr.citation if hbr else "",
            ("暂扣款余额", format_fen(released + forfeited)), ("依据", why),
            *by_result)
    if forfeited and hbr is not None:
        add("暂扣款不予退还", format_fen(forfeited), hbr.rule_id, hbr.citation,
            ("暂扣款余额", format_fen(released + forfeited)),
            ("释放暂扣款", format_fen(released)), *by_result)
    add("应付金额", format_fen(payable), "settlement.payable",
        "考核后金额 − 实际扣款 − 暂扣款 + 释放暂扣款",
        ("考核后金额", format_fen(perf)),
        ("实际扣款", format_fen(applied)),
        ("暂扣款", format_fen(hb)),
        ("释放暂扣款", format_fen(released)))
    return StatementLine(
        line_id=lid, service=line.service, service_zh=service_zh(cc.catalogue, line.service),
        site=line.site, status=st, fee=_money(fee),
        score=_centi(score) if status == ASSESSED else None, kpis=tuple(kres),
        missing_kpis=missing,
        pay_rate=_rate(rate)[0] if status == ASSESSED else None,
        performance_amount=_money(perf), deductions=tuple(deds),
        deductions_total=_money(raw),
        line_cap=None if cap is None else _money(cap),
        deductions_capped=_money(ded), deductions_applied=_money(applied),
        holdback=_money(hb), released=_money(released),
        withheld=_money(withheld), payable=_money(payable),
        held_balance=_money(held), warning_notice=bool(notice),
        failing_streak=streak, explanations=tuple(ex),
        base_score=_centi(base_score) if base_score is not None else None,
        adjustment=_centi(adj), downgraded=tiers is not None and tiers[0] != tiers[1],
        site_scores=tuple(zip(rule.sites.sites, map(from_centi, site_scores), strict=True))
        if rule.sites is not None and site_scores else (),
        forfeited=_money(forfeited), defaults=default_ids, not_scored=not_scored)



def line_findings(pl: PreparedLine, x: LineRecord, period: Any) -> list[Finding]:
    """A line's findings: not assessed, KPIs not measured (its fee withheld), a held
    balance waiting for the final assessment."""
    lid, fee_s = x.line_id, format_fen(x.fee)
    found: list[Finding] = []
    if x.status == INCOMPLETE:
        missing = x.missing
        names = {s.id: s.name_zh for s in pl.kpis.specs}
        found.append(Finding(
            "assessment.incomplete",
            f"line {lid}: KPIs not measured for {period}: "
            + ", ".join(f"site {k[1:]} not assessed (点位未考核)" if k.startswith("@")
                        else f"{k} ({names.get(k.rpartition(':')[2], k)})"
                        for k in missing)
            + f"; its fee {fee_s} is withheld until they are",
            field=f"assessments[{lid}]", citation=PAYMENT_LAW, term="考核不完整"))
    elif x.status == MISSING:
        found.append(Finding(
            "assessment.missing",
            f"line {lid} ran in {period} but has no assessment; its fee "
            f"{fee_s} is withheld until it is assessed",
            field=f"assessments[{lid}]", citation=PAYMENT_LAW, term="考核缺失"))
    hbr = pl.rule.holdback
    if x.pending and hbr is not None:
        found.append(Finding(
            "holdback.final_assessment_missing",
            f"line {lid}: the held balance {format_fen(x.held)} is released by "
            f"the final assessment's result, and no final score was given for {period}; "
            "it stays held (give final_scores)", field=f"final_scores.{lid}",
            rule_id=hbr.rule_id, citation=hbr.citation, term="期满考核得分"))
    return found

def _sites_not_scored(pl: PreparedLine, values: Sequence[Sequence[int]], i: int,
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


def _kpi_lines(pl: PreparedLine, values: Sequence[int], sources: Mapping[str, str],
               kres: list[KpiResult], ex: list[Explanation], i: int = 0,
               kept: Sequence[tuple[str, int, int]] = ()) -> str:
    """Each KPI's points with its explanation; for a line whose KPIs may be left out of a
    period, the KPIs left out or carried forward and the rule applied, in Chinese (empty
    when every KPI was scored as measured)."""
    lid = pl.line.id
    pts = pl.kpis.points(values)
    texts = _kpi_text(pl.kpis, pl.line.service)
    if pl.due is None:
        for (kid, name, unit, target, weight, figure, rule_id, citation, u, fixed), v, p in zip(
                texts, values, pts, strict=True):
            dv, sv = _centi_both(v)
            dp, sp = _centi_both(p)
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
        dv, sv = _centi_both(v)
        dp, sp = _centi_both(p)
        note = ""
        if not due[k] or src.startswith("不适用"):
            m = months.get(pl.carry_keys[0][k])
            note = f"沿用 {month_text(m)} 考核结果" if m is not None else "沿用上次考核结果"
            carried.append(f"{name}（{note}）")
        w = _centi(weights[k]) if rescaled else None
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
