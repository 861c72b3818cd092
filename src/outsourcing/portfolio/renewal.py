"""The renewal pipeline (续签与重新采购): start the successor procurement in time.

A contract ending with no successor procurement started leaves its site uncovered.
:func:`renewal_pipeline` lists the contracts (or timelines) ending within N days with no
successor started, the procurement method their amount calls for, and for each method the
**latest day to start** — working back from the day the successor must be in force through
each step's legal minimum period, every one a dated rule parameter with its citation:

1. the procurement intention published (采购意向公开, ``procurement.intention_notice_days``);
2. the documents issued → the bid or response deadline
   (``procurement.min_period.<method>``: 公开招标 20 days, 竞争性磋商 10 days, 竞争性谈判 and
   询价 3 working days (goods only); 单一来源 5 working days of publicity,
   ``procurement.single_source.publicity_working_days``);
3. evaluation and the award notice (``procurement.evaluation_days``, illustrative);
4. the challenge period (质疑期, ``procurement.challenge_period_working_days``);
5. signed the day before the successor starts.

Working days follow the State Council's calendar (:mod:`outsourcing.dates`).  The method the
amount calls for comes from ``procurement.public_tender_threshold`` (the central units'
standard; a region sets its own, a bureau with ``rulebook.override``);
another method for an amount at or above it needs approval (政府采购法 第二十七条), and
单一来源 fits only the cases of 政府采购法 第三十一条.

:func:`annual_renewals` decides the 1+1+1 renewals of a multi-year contract: each further
year only if the year before passed its assessment (财政部令第102号 第二十四条).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

import attrs
from dateutil.relativedelta import relativedelta

from ..changes import Timeline
from ..dates import DateRange, add_working_days
from ..errors import JurisdictionError, ModelError
from ..findings import Finding, Severity
from ..model import Contract
from ..money import Money
from ..procurement import ProcurementMethod, methods
from ..rules import Resolved, RuleBook
from .coverage import as_timelines

__all__ = [
    "MethodOption",
    "RenewalItem",
    "RenewalYear",
    "annual_renewals",
    "latest_start",
    "method_called_for",
    "renewal_pipeline",
]

ONE_DAY = timedelta(days=1)
APPROVAL_CITATION = ("政府采购法 第二十七条: 因特殊情况需要采用公开招标以外的采购方式的，"
                     "应当在采购活动开始前获得设区的市、自治州以上人民政府采购监督管理部门的批准")
TERM_CITATION = ("财政部令第102号 第二十四条: 政府购买服务合同履行期限一般不超过1年; "
                 "符合条件的可签订履行期限不超过3年的政府购买服务合同"
                 "（1+1+1: 年度考核合格方可续签）")
THRESHOLD_RULE = methods.THRESHOLD_RULE
"""``procurement.public_tender_threshold``: the one the procurement methods use."""
PUBLICITY_RULE = methods.PUBLICITY_RULE
"""``procurement.single_source.publicity_working_days``: 单一来源公示, in working days."""


def _working_days_before(end: date, n: int) -> date:
    """The latest day ``d`` whose ``n``-th working day after it is on or before ``end``."""
    d = end - ONE_DAY
    while add_working_days(d, n) > end:
        d -= ONE_DAY
    return d


@attrs.frozen
class MethodOption:
    """One procurement method for the successor, with its latest start and the steps."""

    method: ProcurementMethod
    latest_start: date
    steps: tuple[tuple[str, date, str], ...]
    """(step, latest date, citation), in order from the intention notice to signing."""
    fits: bool
    """True when ``latest_start`` is on or after the day asked."""
    needs_approval: bool
    note: str = ""

    def describe(self) -> str:
        state = "still fits" if self.fits else "too late"
        extra = (f"; needs approval ({APPROVAL_CITATION.split(':')[0]})"
                 if self.needs_approval else "")
        return (f"{self.method.zh} ({self.method.value}): start by {self.latest_start} — "
                f"{state}{extra}{'; ' + self.note if self.note else ''}")


def latest_start(method: ProcurementMethod, in_force_from: date, rb: RuleBook, *,
                 on: date | None = None) -> tuple[date, tuple[tuple[str, date, str], ...]]:
    """The latest day to start a procurement by ``method`` for a successor in force from
    ``in_force_from``, with each step's latest date and citation (rules read on ``on``,
    default: ``in_force_from``)."""
    when = on or in_force_from
    sign = in_force_from - ONE_DAY
    steps: list[tuple[str, date, str]] = [("签订合同", sign, "")]
    ch = rb.resolve("procurement.challenge_period_working_days", when)
    notice = _working_days_before(sign, int(ch.value))
    steps.append(("中标（成交）结果公告", notice, ch.citation))
    ev = rb.resolve("procurement.evaluation_days", when)
    deadline = notice - timedelta(days=int(ev.value))
    steps.append(("投标（响应）截止", deadline, ev.citation))
    single = method is ProcurementMethod.SINGLE_SOURCE
    mp = rb.resolve(PUBLICITY_RULE if single else f"procurement.min_period.{method.value}",
                    when)
    if single or mp.parameter.unit == "working_days":
        issue = _working_days_before(deadline, int(mp.value))
    else:
        issue = deadline - timedelta(days=int(mp.value))
    label = "单一来源公示开始" if method is ProcurementMethod.SINGLE_SOURCE else "发出采购文件"
    steps.append((label, issue, mp.citation))
    intent = rb.resolve("procurement.intention_notice_days", when)
    start = issue - timedelta(days=int(intent.value))
    steps.append(("公开采购意向", start, intent.citation))
    return start, tuple(reversed(steps))


def method_called_for(amount: Money, rb: RuleBook, on: date) -> tuple[ProcurementMethod,
                                                                       Resolved]:
    """公开招标 at or above the public-tender threshold, else 竞争性磋商 (the usual
    non-tender method for services; 竞争性谈判 and 询价 also fit)."""
    r = rb.resolve(THRESHOLD_RULE, on)
    if amount >= r.value:
        return ProcurementMethod.PUBLIC_TENDER, r
    return ProcurementMethod.COMPETITIVE_CONSULTATION, r


@attrs.frozen
class RenewalItem:
    """A contract ending soon with no successor procurement started (待续采购)."""

    contract_id: str
    title: str
    ends_on: date
    days_left: int
    amount: Money
    called_for: ProcurementMethod
    options: tuple[MethodOption, ...]
    finding: Finding

    def option(self, method: ProcurementMethod | str) -> MethodOption:
        m = ProcurementMethod(method)
        return next(o for o in self.options if o.method is m)

    def render(self) -> str:
        out = [f"{self.contract_id} {self.title}: 到期 {self.ends_on}（剩余 {self.days_left} 天），"
               f"金额 {self.amount.format()}，应采用 {self.called_for.zh}"]
        out += [f"  {o.describe()}" for o in self.options]
        return "\n".join(out) + "\n"


_METHODS = (ProcurementMethod.PUBLIC_TENDER, ProcurementMethod.COMPETITIVE_CONSULTATION,
            ProcurementMethod.COMPETITIVE_NEGOTIATION, ProcurementMethod.SINGLE_SOURCE)
"""The methods for services (询价 is for goods of uniform specification, 政府采购法 第三十二条)."""


def renewal_pipeline(
    contracts: Iterable[Contract | Timeline],
    today: date,
    within_days: int,
    rulebook: RuleBook,
    *,
    started: Iterable[str] = (),
    amounts: Mapping[str, Money] | None = None,
) -> list[RenewalItem]:
    """Contracts ending within ``within_days`` of ``today`` with no successor started.

    ``started`` names the contracts whose successor procurement has begun; a contract whose
    every (site, service) running on its last day is run, the day after, by another
    contract of the collection has its successor already and is left out.  ``amounts``
    gives a successor's expected amount by contract id; by default it is the contract's
    budget (预算: the method follows the procurement budget), else its original amount
    (原合同金额) — not the amount after suspensions, which the successor buys back.  Each
    item carries a finding: ``renewal.too_late`` (ERROR) when even the method the amount
    calls for cannot be finished in time, else ``renewal.start_procurement`` (WARNING) with
    the latest start.
    """
    if within_days < 0:
        raise ModelError("must not be negative", field="within_days", value=within_days,
                         term="提前天数", code="renewal.bad_window")
    done = set(started)
    out: list[RenewalItem] = []
    tls = as_timelines(contracts)
    for tl in tls:
        end = tl.term.end
        left = (end - today).days
        if tl.contract.id in done or left < 0 or left > within_days or \
                _has_successor(tl, tls):
            continue
        if not rulebook.applies_to(tl.contract.jurisdiction):
            raise JurisdictionError(
                f"contract {tl.contract.id} is under {tl.contract.jurisdiction}, the rulebook "
                f"is for {rulebook.code}", field="jurisdiction",
                value=tl.contract.jurisdiction, term="辖区", code="renewal.wrong_rulebook",
                params={"contract": tl.contract.id, "rulebook": rulebook.code})
        amount = (amounts or {}).get(
            tl.contract.id, tl.contract.budget or tl.contract.original_amount)
        called, thr = method_called_for(amount, rulebook, today)
        options = []
        for m in _METHODS:
            start, steps = latest_start(m, end + ONE_DAY, rulebook, on=today)
            approval = called.is_tender and not m.is_tender
            note = ("only where 政府采购法 第三十一条 applies"
                    if m is ProcurementMethod.SINGLE_SOURCE else "")
            options.append(MethodOption(m, start, steps, start >= today, approval, note))
        main = next(o for o in options if o.method is called)
        main_rule = (PUBLICITY_RULE if called is ProcurementMethod.SINGLE_SOURCE
                     else f"procurement.min_period.{called.value}")
        fitting = [o for o in options if o.fits and o.method is not ProcurementMethod.SINGLE_SOURCE]
        if main.fits:
            f = Finding("renewal.start_procurement",
                        f"ends on {end} ({left} days): start the "
                        f"{called.zh} by {main.latest_start}", severity=Severity.WARNING,
                        field=tl.contract.id, rule_id=main_rule,
                        citation=main.steps[1][2], term="续采购")
        else:
            alt = (", ".join(f"{o.method.zh} (start by {o.latest_start}"
                             + (", with approval" if o.needs_approval else "") + ")"
                             for o in fitting) or "none — extend the term (ChangeTerm) or buy "
                   "by 单一来源 where 政府采购法 第三十一条 applies")
            why = (f", amount {amount.format()} ≥ threshold {thr.value.format()}"
                   if called.is_tender else "")
            f = Finding("renewal.too_late",
                        f"ends on {end} ({left} days): too late for {called.zh} (latest start "
                        f"was {main.latest_start}{why}); still fits: {alt}",
                        severity=Severity.ERROR,
                        field=tl.contract.id, rule_id=main_rule,
                        citation=main.steps[1][2], term="续采购")
        out.append(RenewalItem(tl.contract.id, tl.contract.title, end, left, amount, called,
                               tuple(options), f))
    return sorted(out, key=lambda x: (x.ends_on, x.contract_id))


def _running(tl: Timeline, day: date) -> set[tuple[str, str]]:
    lines = tl.all_lines()
    return {(lines[lid].site, lines[lid].service) for lid, pieces in tl.line_schedules().items()
            if any(day in r for r, _ in pieces)}


def _has_successor(tl: Timeline, tls: Iterable[Timeline]) -> bool:
    need = _running(tl, tl.term.end)
    after = tl.term.end + ONE_DAY
    have: set[tuple[str, str]] = set()
    for other in tls:
        if other is not tl:
            have |= _running(other, after)
    return bool(need) and need <= have


@attrs.frozen
class RenewalYear:
    """One contract year of a 1+1+1 contract and its renewal decision (年度续签)."""

    index: int
    span: DateRange
    decision: str
    """``initial`` (year 1), ``renew``, ``do_not_renew`` or ``pending`` (the previous year's
    assessment not yet known)."""
    reason: str
    citation: str = TERM_CITATION


def annual_renewals(contract: Contract | Timeline,
                    passed: Mapping[int, bool]) -> tuple[RenewalYear, ...]:
    """The contract years of a multi-year contract (year 1 from the term start) and whether
    each further year is renewed: only if the year before passed its assessment
    (``passed[k]`` for year k); after a failed year no later year is renewed."""
    c = contract.contract if isinstance(contract, Timeline) else contract
    term = contract.term
    years: list[DateRange] = []
    k = 0
    while True:
        s = term.start + relativedelta(years=k)
        if s > term.end:
            break
        e = min(term.start + relativedelta(years=k + 1) - ONE_DAY, term.end)
        years.append(DateRange(s, e))
        k += 1
    if len(years) > 3:
        raise ModelError(f"a term of {len(years)} contract years; at most 3",
                         field="term", value=str(term), citation=TERM_CITATION,
                         term="履行期限", code="renewal.term_over_three_years",
                         params={"contract": c.id})
    out = [RenewalYear(1, years[0], "initial", "首年")]
    stopped = waiting = False
    for i, span in enumerate(years[1:], start=2):
        prev = passed.get(i - 1)
        if stopped:
            out.append(RenewalYear(i, span, "do_not_renew", f"第{i - 1}年未续签"))
        elif waiting or prev is None:
            out.append(RenewalYear(i, span, "pending", f"第{i - 1}年考核结果未出"))
            waiting = True
        elif prev:
            out.append(RenewalYear(i, span, "renew", f"第{i - 1}年考核合格，续签"))
        else:
            out.append(RenewalYear(i, span, "do_not_renew", f"第{i - 1}年考核不合格，不予续签"))
            stopped = True
    return tuple(out)
