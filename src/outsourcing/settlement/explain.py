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

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import NamedTuple

from ..dates import Period
from ..findings import Finding
from ..money import Money, format_fen, pct
from ..payment import RATE_DEN, Band, LinearFormula, TierTable
from ..performance import (
    EVENT_LABELS,
    INCIDENT_LABELS,
    NOT_SCORED,
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
)
from ..statement.record import LineRecord
from .compile import CompiledContract, PreparedLine, service_zh
from .compute import ASSESSED, INCOMPLETE, MISSING, base_fee
from .explain_kpis import centi, kpi_lines, sites_not_scored

__all__ = ["LABELS", "PAYMENT_LAW", "line_findings", "line_view"]

LABELS = {**INCIDENT_LABELS, **EVENT_LABELS}
PAYMENT_LAW = ("保障中小企业款项支付条例: 以验收合格为付款条件的，付款期限自验收之日起算; "
               "政府采购法实施条例 第四十五条: 按合同逐项验收")

def _by_day(e: tuple[date, str, int | None]) -> tuple[date, str]:
    on, kind, _ = e
    return on, kind


def _signed(c: int) -> str:
    return f"{from_centi(c):+}"


# --- text that depends only on its inputs, made once (a long statement repeats it) --------

_money = lru_cache(maxsize=1 << 14)(Money.from_fen)
"""Money from fen, shared (a Money does not change; zero and a line's fee recur)."""


@lru_cache(maxsize=4096)
def _rate(rate: int) -> tuple[Decimal, str]:
    """A pay rate in millionths as a Decimal and as a percentage."""
    r = Decimal(rate) / RATE_DEN
    return r, pct(r)


class _LineText(NamedTuple):
    """What a prepared line (which does not change) says every period."""

    schedule: tuple[tuple[date, date, str], ...]
    """Its fee schedule: each piece's first and last day and monthly fee."""
    rate_rule: str
    """Its pay-rate rule in words (the tier table or the formula)."""
    defaults: tuple[str, ...]
    """The rule ids of the illustrative defaults it uses."""


@lru_cache(maxsize=4096)
def _prepared_text(pl: PreparedLine) -> _LineText:
    """A prepared line's :class:`_LineText`, made once."""
    r = pl.rule.rate
    return _LineText(
        tuple((x.start, x.end, f"{Money.round(m).format()}/月") for x, m in pl.schedule),
        r.describe() if isinstance(r, TierTable | LinearFormula) else "",
        tuple(d.rule_id for d in pl.defaults))


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


def _tier(b: Band) -> str:
    return f"{b.name}（≥{b.min_score}）" if b.name else f"≥{b.min_score}"


class _Figures:
    """A line's explanations, in the order they are added (one per figure)."""

    __slots__ = ("ex", "lid")

    def __init__(self, lid: str) -> None:
        self.lid = lid
        self.ex: list[Explanation] = []

    def add(self, figure: str, value: str, rule_id: str, citation: str,
            *inputs: tuple[str, str]) -> None:
        self.ex.append(Explanation(figure, value, rule_id, citation, inputs, self.lid))


def line_view(cc: CompiledContract, pl: PreparedLine, x: LineRecord, i: int,
              total_cap: int | None, release: bool | None,
              kept: Sequence[tuple[str, int, int]] = ()) -> StatementLine:
    """One line of a statement with every figure explained (its findings:
    :func:`line_findings`); ``kept`` are the line's carried-forward results after the
    period (the month each carried value was measured)."""
    out = _Figures(pl.line.id)
    _explain_fee(cc, pl, x, i, out)
    kres: list[KpiResult] = []
    not_scored = ""
    if x.status == ASSESSED:
        not_scored = _explain_score(pl, x, i, kept, kres, out)
        _explain_adjustments(pl, x, out)
        _explain_rate(pl, x, out)
    if x.withheld:
        out.add("暂缓支付", format_fen(x.withheld), "performance.assessment_required",
                PAYMENT_LAW, ("状态", LINE_STATUSES[x.status].zh))
    deds = _explain_deductions(cc, pl, x, i, total_cap, out) if x.items else ()
    _explain_holdback(pl, x, release, out)
    out.add("应付金额", format_fen(x.payable), "settlement.payable",
            "考核后金额 − 实际扣款 − 暂扣款 + 释放暂扣款",
            ("考核后金额", format_fen(x.performance)),
            ("实际扣款", format_fen(x.deductions_applied)),
            ("暂扣款", format_fen(x.holdback)),
            ("释放暂扣款", format_fen(x.released)))
    return _statement_line(cc, pl, x, out, kres, deds, not_scored)


def _statement_line(cc: CompiledContract, pl: PreparedLine, x: LineRecord, out: _Figures,
                    kres: Sequence[KpiResult], deds: tuple[Deduction, ...],
                    not_scored: str) -> StatementLine:
    """The line's figures as money, scores and rates, with their explanations."""
    line = pl.line
    sites = pl.rule.sites
    assessed = x.status == ASSESSED
    return StatementLine(
        line_id=line.id, service=line.service,
        service_zh=service_zh(cc.catalogue, line.service), site=line.site,
        status=LINE_STATUSES[x.status], fee=_money(x.fee),
        score=centi(x.score) if assessed and x.score is not None else None,
        kpis=tuple(kres), missing_kpis=x.missing if x.status == INCOMPLETE else (),
        pay_rate=_rate(x.rate)[0] if assessed and x.rate is not None else None,
        performance_amount=_money(x.performance), deductions=deds,
        deductions_total=_money(x.deductions_total),
        line_cap=None if x.line_cap is None else _money(x.line_cap),
        deductions_capped=_money(x.deductions_capped),
        deductions_applied=_money(x.deductions_applied),
        holdback=_money(x.holdback), released=_money(x.released),
        withheld=_money(x.withheld), payable=_money(x.payable),
        held_balance=_money(x.held), warning_notice=bool(x.notice),
        failing_streak=x.streak, explanations=tuple(out.ex),
        base_score=centi(x.base_score) if x.base_score is not None else None,
        adjustment=centi(x.adjustment),
        downgraded=x.tiers is not None and x.tiers[0] != x.tiers[1],
        site_scores=tuple(zip(sites.sites, map(from_centi, x.site_scores), strict=True))
        if sites is not None and x.site_scores else (),
        forfeited=_money(x.forfeited), defaults=_prepared_text(pl).defaults, not_scored=not_scored)


def _explain_fee(cc: CompiledContract, pl: PreparedLine, x: LineRecord, i: int,
                 out: _Figures) -> None:
    """合同费用: from recorded usage, rounded period by period on its own, or pro rata."""
    fee_s = format_fen(x.fee)
    if x.actual is not None:
        rule_id, citation, inputs = x.actual
        out.add("合同费用", fee_s, rule_id, citation, *inputs)
        return
    period = cc.periods[i]
    first, last = period.start, period.end
    pieces = [(f"{max(s, first).isoformat()}..{min(e, last).isoformat()}", m)
              for s, e, m in _prepared_text(pl).schedule if s <= last and first <= e]
    c = cc.contract
    where = f"合同 {c.id} 服务项目 {pl.line.id} 计价; 不足整月按日折算 ({c.day_count.value})"
    if cc.alone[pl.index]:
        rule_id, how, more = _alone_text(pl, c.rounding_clause or "合同约定",
                                         12 // cc.months_per_period)
        out.add("合同费用", fee_s, rule_id, f"{where}; {how}", *pieces, *more)
    else:
        out.add("合同费用", fee_s, "accrual.pro_rata", f"{where}; 按累计金额四舍五入到分",
                *pieces)


def _explain_score(pl: PreparedLine, x: LineRecord, i: int,
                   kept: Sequence[tuple[str, int, int]], kres: list[KpiResult],
                   out: _Figures) -> str:
    """考核得分 of an assessed line (each KPI's points, or each site's score); the KPIs left
    out of the period, in Chinese."""
    values = x.values or ()
    score, base, adj = x.score or 0, x.base_score or 0, x.adjustment
    adjusted = (("基础得分", centi_text(base)), ("加减分", _signed(adj))) if adj else ()
    ss = pl.rule.sites
    if ss is None:
        not_scored = kpi_lines(pl, values, dict(x.sources), kres, out.ex, i, kept)
        out.add("考核得分", centi_text(score), "performance.score",
                "各项指标得分之和（满分100，每项四舍五入到0.01）"
                + ("；本期不考核指标不计分，其余指标权重按比例折算，合计100"
                   if any(k.weight_applied is not None for k in kres) else "")
                + ("，加减分后" if adj else ""),
                *[(k.id, "本期不考核" if k.points is None else str(k.points)) for k in kres],
                *adjusted)
        return not_scored
    for site, v, sc in zip(ss.sites, values, x.site_scores, strict=True):
        pts = pl.kpis.points(v)
        out.add(f"点位得分 {site}", centi_text(sc), "performance.score",
                "该点位各项指标得分之和"
                + ("（本期不考核指标不计分，其余指标权重按比例折算，合计100）"
                   if NOT_SCORED in v else ""),
                *[(spec.id, "本期不考核" if k == NOT_SCORED else centi_text(p))
                  for spec, k, p in zip(pl.kpis.specs, v, pts, strict=True)])
    not_scored = sites_not_scored(pl, values, i, out.ex) if pl.due is not None else ""
    how = {"min": "取最低点位得分", "mean": "各点位得分平均，四舍五入到0.01",
           "fee_weighted": "按点位费用加权平均，四舍五入到0.01"}[ss.aggregate]
    out.add("考核得分", centi_text(score), ss.rule_id, f"{ss.citation}: {how}",
            *[(site, centi_text(sc)) for site, sc in zip(ss.sites, x.site_scores, strict=True)],
            *[(f"权重 {k}", m.format()) for k, m in ss.weights],
            *((("汇总得分", centi_text(base)), ("加减分", _signed(adj))) if adj else ()))
    return not_scored


def _explain_adjustments(pl: PreparedLine, x: LineRecord, out: _Figures) -> None:
    """加减分 for the incidents the rule scores, and 降档 for a serious one."""
    rule = pl.rule
    ra = rule.adjustments
    if ra is not None and (evs := [(on, kind, points) for on, kind, _ in sorted(
            x.incidents, key=_by_day) if (points := ra.of(kind)) is not None]):
        out.add("加减分", _signed(x.adjustment), ra.rule_id, ra.citation,
                *[(f"{on} {LABELS.get(kind, kind)}", f"{points:+}") for on, kind, points in evs],
                ("加分上限", "未约定" if ra.bonus_cap is None else str(ra.bonus_cap)),
                ("减分上限", "未约定" if ra.penalty_cap is None else str(ra.penalty_cap)),
                ("基础得分", centi_text(x.base_score or 0)),
                ("调整后得分", centi_text(x.score or 0)))
    if x.tiers is not None and isinstance(rule.rate, TierTable):
        dg = rule.downgrade
        assert dg is not None
        tier, lowered = x.tiers
        bands = rule.rate.bands
        serious = [f"{on} {LABELS.get(kind, kind)}" for on, kind, _ in x.incidents
                   if kind in dg.kinds]
        out.add("降档", f"{_tier(bands[tier])} → {_tier(bands[lowered])}",
                dg.rule_id, dg.citation, ("严重事件", "、".join(serious)),
                ("规则", f"降至 {dg.to}" if dg.to else "降一档"))


def _explain_rate(pl: PreparedLine, x: LineRecord, out: _Figures) -> None:
    """支付比例 (the tier, the formula or full pay), 考核后金额 and 预警通知."""
    rule = pl.rule
    r = rule.rate
    score = centi_text(x.score or 0)
    pay_pct = _rate(x.rate or 0)[1]
    describe = _prepared_text(pl).rate_rule
    if isinstance(r, TierTable):
        band = (r.band_for(centi(x.score or 0)) if x.tiers is None
                else r.bands[x.tiers[1]])
        out.add("支付比例", pay_pct, r.rule_id, r.citation,
                ("得分", score), ("档位", _tier(band)),
                *((("降档", "是"),) if x.tiers is not None else ()), ("分档表", describe))
    elif isinstance(r, LinearFormula):
        out.add("支付比例", pay_pct, r.rule_id, r.citation, ("得分", score), ("公式", describe))
    else:
        out.add("支付比例", pay_pct, r.rule_id, r.citation)
    out.add("考核后金额", format_fen(x.performance), r.rule_id,
            "合同费用 × 支付比例，四舍五入到分",
            ("合同费用", format_fen(x.fee)), ("支付比例", pay_pct))
    if x.notice and rule.warning is not None:
        out.add("预警通知", "是", rule.warning.rule_id, rule.warning.citation,
                ("得分", score), ("预警分数线", str(rule.warning.min_score)),
                ("连续未达标期数", str(x.streak)))


def _explain_deductions(cc: CompiledContract, pl: PreparedLine, x: LineRecord, i: int,
                        total_cap: int | None, out: _Figures) -> tuple[Deduction, ...]:
    """Each priced incident's deduction (扣款), the line's cap and what was applied."""
    rule = pl.rule
    dr = rule.deductions
    assert dr is not None
    priced = set(pl.compiled.deductions) | set(pl.compiled.shares)
    incs = sorted(((on, kind, share) for on, kind, share in x.incidents if kind in priced),
                  key=_by_day)
    deds = []
    for n, item in enumerate(x.items):
        on, _, chosen = incs[n] if n < len(incs) else (None, "", None)
        deds.append(_explain_deduction(cc, pl, x.fee, i, item, on, chosen, out))
    raw, cap = x.deductions_total, x.line_cap
    if cap is not None and rule.cap is not None:
        out.add("扣款上限（单项）", format_fen(cap), rule.cap.rule_id, rule.cap.citation,
                ("合同费用", format_fen(x.fee)), ("比例", pct(rule.cap.share)),
                ("扣款合计", format_fen(raw)), ("是否触及", "是" if raw > cap else "否"))
    tc = cc.rules.total_cap
    out.add("实际扣款", format_fen(x.deductions_applied), "settlement.deductions",
            "扣款不超过单项上限与合计上限，且不超过考核后金额",
            ("扣款合计", format_fen(raw)),
            ("单项上限后", format_fen(raw if cap is None else min(raw, cap))),
            ("合计上限分摊后", format_fen(x.deductions_capped)),
            ("考核后金额", format_fen(x.performance)),
            *((("合计上限规则", tc.rule_id),) if tc is not None and total_cap is not None
              else ()))
    return tuple(deds)


def _explain_deduction(cc: CompiledContract, pl: PreparedLine, fee: int, i: int,
                       item: tuple[str, int, int, int, int, int], on: date | None,
                       chosen: int | None, out: _Figures) -> Deduction:
    """One priced incident: its standard (an amount, or a share of a fee), the repeat
    factor and the amount deducted."""
    kind, base, num, den, occ, amount = item
    dr = pl.rule.deductions
    assert dr is not None
    factor = Decimal(num) / Decimal(den)
    label = LABELS.get(kind, kind)
    ins = [("事件", label), ("标准", format_fen(base)), ("同类第几次", str(occ))]
    if kind in pl.compiled.shares:
        fs = dr.share(kind)
        ins[1:1] = [("按比例", fs.describe()),
                    ("扣款基数", format_fen(base_fee(cc, pl, i, fs.of, fs.line, fee)))]
        if chosen is not None:
            ins.insert(2, ("本次比例", pct(Decimal(chosen) / RATE_DEN)))
    if on is not None:
        ins.append(("日期", on.isoformat()))
    rid, cit = dr.rule_id, dr.citation
    rat = pl.rule.ratchet
    if num != den and rat is not None:
        ins.append(("加重倍数", str(factor)))
        rid, cit = f"{dr.rule_id}+{rat.rule_id}", f"{dr.citation}; {rat.citation}"
    out.add(f"扣款 {label}", format_fen(amount), rid, cit, *ins)
    return Deduction(kind, label, Money.from_fen(base), factor, Money.from_fen(amount), occ, on)


def _explain_holdback(pl: PreparedLine, x: LineRecord, release: bool | None,
                      out: _Figures) -> None:
    """暂扣款 kept this period, 释放暂扣款 and 暂扣款不予退还 at a release point."""
    hbr = pl.rule.holdback
    net = format_fen(x.performance - x.deductions_applied)
    if hbr is not None and x.status == ASSESSED:
        if hbr.base == "fee":  # 考核费用: a share of the period's contract fee
            out.add("暂扣款", format_fen(x.holdback), hbr.rule_id, hbr.citation,
                    ("基数", "当期合同费用（考核费用）"), ("当期合同费用", format_fen(x.fee)),
                    ("比例", pct(hbr.share)), ("不超过考核后金额减扣款", net))
        else:
            out.add("暂扣款", format_fen(x.holdback), hbr.rule_id, hbr.citation,
                    ("考核后金额减扣款", net), ("比例", pct(hbr.share)))
    by_result: list[tuple[str, str]] = []
    if hbr is not None and hbr.needs_result and x.final is not None:
        by_result = [("期满考核得分", centi_text(x.final)),
                     ("释放方式", {"full": "全额释放", "proportional": "按考核得分比例释放"}[
                         hbr.by_result])]
        if hbr.forfeit_below is not None:
            by_result.append(("不予退还分数线", str(hbr.forfeit_below)))
    balance = format_fen(x.released + x.forfeited)
    if x.released:
        why = ("结算时指定释放" if release else
               f"释放时点 {hbr.release}" if hbr is not None else "结算时指定释放")
        out.add("释放暂扣款", format_fen(x.released),
                hbr.rule_id if hbr else "payment.holdback", hbr.citation if hbr else "",
                ("暂扣款余额", balance), ("依据", why), *by_result)
    if x.forfeited and hbr is not None:
        out.add("暂扣款不予退还", format_fen(x.forfeited), hbr.rule_id, hbr.citation,
                ("暂扣款余额", balance), ("释放暂扣款", format_fen(x.released)), *by_result)


def line_findings(pl: PreparedLine, x: LineRecord, period: Period) -> list[Finding]:
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
