"""Hypothesis strategies for contracts with their own terms (not a test module): every
pricing shape, every payment-rule part, contract-wide terms, adopted defaults and payment
plans — the shapes a contract workbook holds."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from hypothesis import strategies as st

import outsourcing as o
from outsourcing.accrual import Rounding
from outsourcing.catalogue import KpiSpec
from outsourcing.dates import DayCount
from outsourcing.kpi_schedule import KpiSchedule
from outsourcing.model import MULTI_YEAR_CONDITIONS, QUALIFICATION_KINDS, PaymentSchedule
from outsourcing.payment import (
    Band,
    ConsecutiveFailures,
    ContractRules,
    Downgrade,
    FeeShare,
    FullPay,
    Holdback,
    IncidentDeductions,
    LinearFormula,
    LineCap,
    NoticeWindow,
    PaymentRule,
    RepeatRatchet,
    ScoreAdjustments,
    SiteScore,
    TierTable,
    TotalCap,
    WarningRule,
)
from outsourcing.performance import EVENT_LABELS, INCIDENT_LABELS
from outsourcing.plan import MILESTONE_LABELS, Instalment, InstalmentPlan, PeriodicPlan, Prepayment
from outsourcing.pricing import AreaUnit, MonthSplit
from outsourcing.settlement import PAYMENT_DEFAULTS
from outsourcing.terms import ContractTerms

SERVICES = ("property", "cleaning", "elevator_maintenance", "fire_maintenance", "canteen",
            "official_transport", "security")
KINDS = (*INCIDENT_LABELS, *EVENT_LABELS, "noise_complaint")
_CHARS = "物业保洁电梯维保消防餐饮办公区甲乙丙丁ABCxyz0123456789"

names = st.text(_CHARS, min_size=1, max_size=12)
ids = st.text("ABCDEFGHJK0123456789-", min_size=1, max_size=10).filter(
    lambda s: s.strip("-") == s)


def dec(lo: str, hi: str, places: int) -> st.SearchStrategy[Decimal]:
    return st.decimals(Decimal(lo), Decimal(hi), places=places, allow_nan=False,
                       allow_infinity=False)


money = dec("0", "999999.99", 2).map(o.Money)
shares = dec("0", "1", 4)
scores = dec("0", "100", 2)


@st.composite
def pricing(draw: Any, term: o.DateRange, day_count: DayCount, literal: bool = False) -> Any:
    kind = draw(st.sampled_from(("fixed", "unit", "lpm", "annual", "area", "total")))
    qty = draw(dec("0", "9999", 2))
    unit = draw(st.sampled_from(("台", "人", "趟", "月", "m²", "次")))
    splits = [s for s in MonthSplit if not (day_count is DayCount.THIRTY
                                            and s is MonthSplit.ACTUAL_365)
              and (literal or s is not MonthSplit.LITERAL)]
    split = draw(st.sampled_from(splits))
    month = draw(st.none() | st.integers(1, 12)) if split is MonthSplit.EQUAL_REMAINDER \
        else None
    leap = draw(st.booleans())
    if kind == "fixed":
        return o.FixedMonthly(draw(money), qty, unit)
    if kind == "unit":
        return o.UnitRate(draw(money | dec("0", "9999.9999", 4).map(str)), qty, unit=unit)
    if kind == "lpm":
        return o.LabourPlusMaterials(draw(money), draw(money))
    if kind == "annual":
        return o.AnnualFee(draw(money), qty, split, month, leap, "年")
    if kind == "area":
        return o.AreaRate(draw(dec("1", "99999", 2)), draw(money | dec("0", "99", 4).map(str)),
                          draw(st.sampled_from(list(AreaUnit))), split, month, leap, "m²")
    return o.TermTotal(draw(money), term, "期")


@st.composite
def tier_table(draw: Any) -> TierTable:
    mins = [*sorted(draw(st.sets(scores.filter(lambda d: d > 0), max_size=4))), Decimal(0)]
    labels = draw(st.lists(st.sampled_from(("优秀", "良好", "合格", "基本合格", "")),
                           min_size=len(mins), max_size=len(mins)))
    seen: set[str] = set()
    bands = []
    for m, label in zip(mins, labels, strict=True):
        label = label if label not in seen else ""
        seen.add(label)
        bands.append(Band(m, draw(dec("0", "1.2", 4)), label))
    return TierTable(bands)


@st.composite
def payment_rule(draw: Any, line_ids: list[str]) -> PaymentRule:
    rate = draw(st.one_of(tier_table(), st.builds(LinearFormula, scores, scores),
                          st.just(FullPay())))
    kinds = draw(st.lists(st.sampled_from(KINDS), unique=True, max_size=4))
    cut = draw(st.integers(0, len(kinds)))
    amounts = [(k, draw(money)) for k in kinds[:cut]]
    fee_shares = []
    for k in kinds[cut:]:
        share = draw(shares)
        up_to = draw(st.none() | dec(str(share), "1", 4))
        fee_shares.append((k, FeeShare(share, draw(st.sampled_from(("period", "quarter",
                                                                     "year", "term"))),
                                       draw(st.sampled_from(["", *line_ids])), up_to)))
    deductions = IncidentDeductions(amounts, shares=fee_shares) if kinds else None
    ratchet = draw(st.none() | st.builds(RepeatRatchet, dec("1", "5", 2), st.integers(0, 5),
                                         st.integers(1, 24)))
    hb = draw(st.none() | st.builds(Holdback, shares,
                                    st.sampled_from(("term_end", "year_end")),
                                    by_result=st.sampled_from(("full", "proportional")),
                                    forfeit_below=st.none() | scores,
                                    base=st.sampled_from(("earned", "fee"))))
    point_kinds = draw(st.lists(st.sampled_from(KINDS), unique=True, max_size=3))
    adjustments = None
    if point_kinds:
        adjustments = ScoreAdjustments(
            [(k, draw(dec("-10", "10", 2).filter(lambda d: d != 0))) for k in point_kinds],
            draw(st.none() | scores), draw(st.none() | scores))
    downgrade = None
    if isinstance(rate, TierTable) and draw(st.booleans()):
        to = draw(st.sampled_from(["", *(b.name for b in rate.bands if b.name)]))
        downgrade = Downgrade(tuple(draw(st.lists(st.sampled_from(KINDS), min_size=1,
                                                  max_size=2, unique=True))), to)
    sites = None
    if draw(st.booleans()):
        where = draw(st.lists(names, min_size=2, max_size=3, unique=True))
        agg = draw(st.sampled_from(("min", "mean", "fee_weighted")))
        weights = [(s, draw(money.filter(lambda m: m.fen > 0))) for s in where] \
            if agg == "fee_weighted" else []
        sites = SiteScore(tuple(where), agg, weights)
    return PaymentRule(rate, deductions, ratchet,
                       draw(st.none() | st.builds(LineCap, shares)), hb,
                       draw(st.none() | st.builds(WarningRule, scores)),
                       draw(st.sampled_from(("", "物业服务考核办法"))), adjustments, downgrade,
                       sites)


@st.composite
def plans(draw: Any) -> InstalmentPlan | PeriodicPlan | None:
    pre = draw(st.none() | st.builds(Prepayment, dec("0", "0.3", 2),
                                     st.sampled_from(["pro_rata", "in_order"])))
    shape = draw(st.sampled_from(("none", "periodic", "instalments")))
    if shape == "none":
        return None
    if shape == "periodic":
        return PeriodicPlan(pre)
    milestones = draw(st.lists(st.sampled_from([*MILESTONE_LABELS, "竣工结算后"]),
                               min_size=1, max_size=4, unique=True))
    parts = [draw(st.integers(1, 50)) for _ in milestones]
    total = sum(parts)
    cents = [Decimal(p * 100 // total) / 100 for p in parts[:-1]]
    cents.append(Decimal(1) - sum(cents, Decimal(0)))
    return InstalmentPlan([Instalment(m, s, draw(st.sampled_from(("", "首付款"))))
                           for m, s in zip(milestones, cents, strict=True)], pre)


@st.composite
def schedules(draw: Any, term: o.DateRange) -> KpiSchedule:
    kind = draw(st.sampled_from(("every_period", "quarterly", "half_yearly", "yearly",
                                 "dates")))
    if kind == "every_period":
        return KpiSchedule()
    if kind == "quarterly":
        return KpiSchedule(kind, draw(st.sampled_from(((), (3, 6, 9, 12), (1, 4, 7, 10)))))
    if kind == "half_yearly":
        return KpiSchedule(kind, draw(st.sampled_from(((), (6, 12), (3, 9)))))
    if kind == "yearly":
        return KpiSchedule(kind, draw(st.lists(st.integers(1, 12), min_size=1, max_size=3,
                                               unique=True)))
    return KpiSchedule(kind, (), draw(st.lists(st.dates(term.start, term.end), min_size=1,
                                               max_size=3, unique=True)))


@st.composite
def kpi_lists(draw: Any, term: o.DateRange) -> tuple[KpiSpec, ...]:
    n = draw(st.integers(1, 3))
    weights = [Decimal(100 // n)] * (n - 1)
    weights.append(Decimal(100) - sum(weights, Decimal(0)))
    return tuple(KpiSpec(
        f"kpi_{i}", draw(st.sampled_from(("维修合格率", "满意度", "年度全面检测"))),
        draw(st.sampled_from(("", "repair pass rate"))), draw(st.sampled_from(("%", "count"))),
        draw(dec("0", "100", 2)), draw(st.sampled_from(("higher", "lower"))), w,
        draw(st.sampled_from(("", "合同第六条"))), draw(st.booleans()),
        draw(st.sampled_from(("proportional", "pass_fail"))), "", draw(schedules(term)),
        draw(st.sampled_from((None, "rescale", "carry_forward"))), draw(st.booleans()),
        draw(st.sampled_from((None, "metric", "survey", "sheet"))))
        for i, w in enumerate(weights))


@st.composite
def contract_terms(draw: Any) -> ContractTerms:
    schedule = draw(st.sampled_from(list(PaymentSchedule)))
    whole = draw(st.booleans())  # a term of whole settlement periods (a literal split needs it)
    if whole:
        step = 3 if schedule is PaymentSchedule.QUARTERLY else 1
        start = date(draw(st.integers(2020, 2026)), 1 + step * draw(st.integers(0, 12 // step - 1)),
                     1)
        end = start + relativedelta(months=step * draw(st.integers(1, 36 // step))) \
            - timedelta(days=1)
    else:
        start = draw(st.dates(date(2020, 1, 1), date(2026, 12, 1)))
        end = start + timedelta(days=draw(st.integers(30, 3 * 365)))
    term = o.DateRange(start, end)
    day_count = draw(st.sampled_from(list(DayCount)))
    n = draw(st.integers(1, 4))
    line_ids = [f"L{i}" for i in range(n)]
    lines = [o.ServiceLine(lid, draw(st.sampled_from(SERVICES)), draw(names),
                           draw(pricing(term, day_count, whole)),
                           draw(st.sampled_from(("", "含节假日"))))
             for lid in line_ids]
    quals = [o.Qualification(k, draw(st.sampled_from(("", "一级", "B级"))),
                             draw(st.sampled_from(("", "自治区市场监管厅"))),
                             draw(st.none() | st.just(date(2030, 12, 31))),
                             draw(st.none() | st.just(date(2019, 1, 1))),
                             draw(st.sampled_from(("", "TS3164001-2027"))))
             for k in draw(st.lists(st.sampled_from(list(QUALIFICATION_KINDS)), unique=True,
                                    max_size=2))]
    contract = o.Contract(
        id=draw(ids), title=draw(names), jurisdiction=draw(st.sampled_from(("NX", "CN"))),
        purchaser=o.Purchaser(draw(ids), draw(names)),
        supplier=o.Supplier(draw(ids), draw(names), draw(st.sampled_from(list(
            o.EnterpriseSize))), quals),
        term=term, lines=lines, schedule=schedule,
        rounding=draw(st.sampled_from(list(Rounding))),
        rounding_clause=draw(st.sampled_from(("", "合同 第六条: 每季度确认单金额四舍五入到分"))),
        day_count=day_count, budget=draw(st.none() | money),
        signed_on=draw(st.none() | st.just(start - timedelta(days=10))),
        multi_year_conditions=draw(st.sets(st.sampled_from(list(MULTI_YEAR_CONDITIONS)))),
        price_adjustment_clause=draw(st.sampled_from(("", "第八条 人工成本上涨超过5%时调整"))),
        payment_days=draw(st.none() | st.integers(0, 90)), stated_amount=draw(st.none() | money),
        payment_working_days=draw(st.booleans()),
        late_interest_daily=draw(st.none() | dec("0", "0.001", 5)))
    rules = {lid: draw(payment_rule(line_ids)) for lid in draw(
        st.lists(st.sampled_from(line_ids), unique=True))}
    wide = draw(st.none() | st.builds(
        ContractRules, st.none() | st.builds(TotalCap, shares),
        st.none() | st.builds(ConsecutiveFailures, st.integers(1, 6)),
        st.none() | st.builds(NoticeWindow, st.integers(1, 20), st.integers(1, 24))))
    adopt = draw(st.just(("*",)) | st.lists(st.sampled_from(PAYMENT_DEFAULTS), unique=True,
                                            max_size=3).map(tuple))
    kpis = {lid: draw(kpi_lists(term)) for lid in draw(
        st.lists(st.sampled_from(line_ids), unique=True))}
    return ContractTerms(contract, rules, kpis, wide, adopt, draw(plans()))
