"""Explain, for the whole statement: totals, the due date, late interest, findings and the
replacement and termination thresholds (合计与付款的计算依据)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from ..findings import Finding, Severity
from ..money import Money, format_fen, pct
from ..rules import Resolved
from ..statement.parts import Explanation, StatementLine, Trigger
from ..statement.record import StatementRecord
from .compile import CompiledContract
from .explain import PAYMENT_LAW, line_findings, line_view

__all__ = ["statement_findings", "statement_parts"]


def statement_parts(cc: CompiledContract, rec: StatementRecord
                    ) -> tuple[tuple[StatementLine, ...], tuple[Explanation, ...],
                               tuple[Finding, ...], tuple[Trigger, ...]]:
    """A record's lines, the statement's own explanations, its findings and thresholds."""
    i = cc.index_of[rec.period]
    kept = rec.state[2] or tuple(() for _ in rec.lines)
    lines = tuple(line_view(cc, pl, x, i, rec.total_cap, rec.release, res)
                  for pl, x, res in zip(cc.lines, rec.lines, kept, strict=True))
    return (lines, *_whole(cc, rec, explain=True))


def statement_findings(cc: CompiledContract, rec: StatementRecord
                       ) -> tuple[tuple[Finding, ...], tuple[Trigger, ...]]:
    """A record's findings and thresholds alone, without building any explanation (what a
    store indexes when it keeps a statement)."""
    _, found, trig = _whole(cc, rec, explain=False)
    return found, trig


def _whole(cc: CompiledContract, rec: StatementRecord, *, explain: bool
           ) -> tuple[tuple[Explanation, ...], tuple[Finding, ...], tuple[Trigger, ...]]:
    """The statement's own explanations (none unless ``explain``), every finding in order
    (the inputs', each line's, then the contract's) and the thresholds reached."""
    c = cc.contract
    period = rec.period
    total_cap = rec.total_cap
    found = list(rec.findings)
    for pl, x in zip(cc.lines, rec.lines, strict=True):
        found += line_findings(pl, x, period)
    fee_total, t_pay, ded_sum = rec.fee, rec.payable, rec.deductions_capped
    accepted_on, acceptance_due, clock = rec.accepted_on, rec.acceptance_due, rec.clock_start
    due, paid_on, late, interest = rec.due_on, rec.paid_on, rec.late_days, rec.late_interest
    triggers, contract_trigger = rec.triggers, rec.contract_trigger
    new_state = rec.state
    found += _default_findings(cc)
    explanations: list[Explanation] = []
    if explain:
        explanations.append(Explanation(
            "应付金额合计", format_fen(t_pay), "settlement.payable", "各服务项目应付金额之和",
            tuple((x.line_id, format_fen(x.payable)) for x in rec.lines)))
    if total_cap is not None and explain:
        tc = cc.rules.total_cap
        assert tc is not None
        explanations.append(Explanation(
            "扣款上限（合计）", Money.from_fen(total_cap).format(), tc.rule_id, tc.citation,
            (("当期合同费用合计", Money.from_fen(fee_total).format()),
             ("比例", pct(tc.share)),
             ("各项目扣款（单项上限后）", Money.from_fen(ded_sum).format()),
             ("是否触及", "是，按比例分摊 (allocate)" if ded_sum > total_cap else "否"))))
    dterm = cc.due_term(clock) if clock is not None else None
    if due is not None and dterm is not None and accepted_on is not None and clock:
        src = (dterm.rule_id, dterm.citation)
        ins: list[tuple[str, str]] = [("验收日期", accepted_on.isoformat()),
                                      ("起算日", clock.isoformat()),
                                      ("天数", dterm.describe())]
        if acceptance_due is not None:
            ins.append(("约定验收期限", acceptance_due.isoformat()))
        if not c.supplier.size.is_sme:
            ins.append(("供应商规模", "大型企业: 条例不适用（第二条），按合同约定"))
        if explain:
            explanations.append(Explanation("到期日", due.isoformat(), src[0], src[1],
                                            tuple(ins)))
        if dterm.cut:
            found.append(Finding(
                "payment.term_too_long",
                f"agreed payment term {c.payment_days} "
                f"{'working days' if c.payment_working_days else 'days'} runs past "
                f"{dterm.days} days for an SME; the statement uses {dterm.days} days",
                severity=Severity.WARNING,
                field="payment_days", rule_id=src[0], citation=src[1], term="付款期限"))
    elif dterm is not None:
        found.append(Finding(
            "payment.no_agreed_term",
            f"{c.supplier.name} is a large enterprise: 保障中小企业款项支付条例 does not apply "
            "(第二条) and the contract states no payment term, so the statement has no due "
            "date and no late interest", severity=Severity.INFO, field="payment_days",
            rule_id=dterm.rule_id, citation=dterm.citation, term="付款期限"))
    else:
        found.append(Finding(
            "settlement.no_acceptance_date",
            f"no acceptance date for {period}: the due date cannot be set",
            severity=Severity.WARNING, field="accepted_on", citation=PAYMENT_LAW,
            term="验收日期"))
    if paid_on is not None and due is not None and explain:
        it = cc.interest_term(due)
        explanations.append(Explanation(
            "逾期利息", Money.from_fen(interest).format(), it.rule_id, it.citation,
            (("应付金额", Money.from_fen(t_pay).format()), ("到期日", due.isoformat()),
             ("支付日", paid_on.isoformat()), ("逾期天数", str(late)),
             ("日利率", str(it.daily) if it.daily is not None else "—"))))
    trig = []
    cons = cc.rules.consecutive
    for j in triggers:
        pl = cc.lines[j]
        assert cons is not None
        trig.append(Trigger(
            "line", pl.line.id, cons.rule_id, cons.citation,
            f"服务项目 {pl.line.id} 连续 {rec.lines[j].streak} 期未达标，达到更换社会化单位的阈值"
            f"（{cons.periods} 期）"))
    nw = cc.rules.notices
    window = new_state[1]
    if contract_trigger and nw is not None:
        trig.append(Trigger(
            "contract", None, nw.rule_id, nw.citation,
            f"{nw.window_months} 个月内预警通知累计 {len(window)} 次，达到解除合同的阈值"
            f"（{nw.notices} 次）"))
    for t in trig:
        found.append(Finding("performance.replacement_threshold", t.message,
                             severity=Severity.WARNING, field=t.line_id, rule_id=t.rule_id,
                             citation=t.citation,
                             term="更换社会化单位" if t.scope == "line" else "解除合同"))
    return tuple(explanations), tuple(found), tuple(trig)


def _show(v: Any) -> str:
    if isinstance(v, Mapping):
        return "{" + ", ".join(f"{k}: {_show(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_show(x) for x in v) + "]"
    return str(v)


@lru_cache(maxsize=256)
def _default_findings(cc: CompiledContract) -> tuple[Finding, ...]:
    """A warning for each illustrative default the contract's settlement uses unadopted:
    the same every period, so made once per compiled contract."""
    found: list[Finding] = []
    used: dict[str, tuple[Resolved, list[str]]] = {}
    for pl in cc.lines:
        for r in pl.defaults:
            used.setdefault(r.rule_id, (r, []))[1].append(pl.line.id)
    for r in cc.defaults:
        used.setdefault(r.rule_id, (r, []))
    for rid, (r, lids) in used.items():
        term = r.parameter.term or rid
        where = f" for {', '.join(lids)}" if lids else " for the whole contract"
        found.append(Finding(
            "payment.illustrative_default",
            f"the contract states no {term}{where}: settlement uses the illustrative "
            f"default {rid} = {_show(r.value)} — adopt it explicitly or state the "
            "contract's own term", severity=Severity.WARNING, field=rid, rule_id=rid,
            citation=r.citation, term=f"{term}（示例默认，合同未约定）"))
    return tuple(found)
