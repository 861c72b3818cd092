"""Due dates and late interest: whose terms apply (付款期限与逾期利息).

* **Scope of the law.** 保障中小企业款项支付条例 protects small and medium suppliers only
  (第二条, 中小企业 by 工信部联企业〔2011〕300号).  For an SME the statutory 30 days apply unless
  the contract agrees a term, and an agreed term never runs past the statutory maximum of
  60 days (a longer one is cut); late interest is the agreed rate, else 0.05% a day (万分之五).
  For a **large** supplier the regulation does not apply: the due date and the interest are
  the contract's own; a contract that states neither has no due date and no late interest.
* **Working days.** A term may be written in working days (``15 个工作日内``); it is counted on
  the State Council's holiday notices with 调休 (:mod:`outsourcing.workdays`): the day that
  starts the clock is not counted, the due date is the *n*-th working day after it.  A date
  outside the calendar's known years is a :class:`~outsourcing.errors.DateError`
  (``date.working_day_unknown_year``).
* **The clock.** Where payment follows acceptance it starts on the acceptance day (a late
  acceptance counts from the agreed acceptance deadline); for periodic settlement (定期结算) on
  the day both sides confirm the settled amount (2020 text 第九条).
* **An agreed rate below the LPR is refused**: an agreed late-interest rate may not be lower
  than the one-year LPR (``payment.lpr_one_year``) on the day the contract was signed (2020
  text 第十五条).  A daily rate is compared as a year of 365 days (日利率 × 365).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

import attrs

from .errors import ModelError
from .findings import Finding
from .workdays import WorkCalendar, add_working_days

if TYPE_CHECKING:
    from .model import Contract
    from .rules import Resolved, RuleBook

__all__ = [
    "LPR_RULE",
    "DueTerm",
    "InterestTerm",
    "check_agreed_interest",
    "due_term",
    "interest_term",
]

LPR_RULE = "payment.lpr_one_year"
LPR_CITATION = ("保障中小企业款项支付条例（国务院令第728号）第十五条: 约定的逾期利息利率不得低于"
                "合同订立时1年期贷款市场报价利率")
SCOPE_CITATION = ("保障中小企业款项支付条例 第二条: 本条例所称中小企业，是指在中华人民共和国境内"
                  "依法设立，依据国务院批准的中小企业划分标准确定的中型企业、小型企业和微型企业")
AGREED = "合同约定"


@attrs.frozen
class DueTerm:
    """The payment term that applies to a contract (适用的付款期限).

    ``days`` None means no due date (a large supplier whose contract states no term).
    ``rule_id``/``citation`` say whose term it is: the regulation's or the contract's.
    """

    days: int | None
    working: bool
    rule_id: str
    citation: str
    cut: bool = False
    """An SME's agreed term longer than the statutory maximum, cut to it."""
    agreed: int | None = None

    def due_on(self, start: date, calendar: WorkCalendar | None = None) -> date | None:
        """The due date for a clock that starts on ``start``."""
        if self.days is None:
            return None
        if self.working:
            return add_working_days(start, self.days, calendar=calendar)
        return start + timedelta(days=self.days)

    def describe(self) -> str:
        if self.days is None:
            return "无约定付款期限"
        return f"{self.days} 个工作日" if self.working else str(self.days)


@attrs.frozen
class InterestTerm:
    """The late-interest rate that applies (适用的逾期利息日利率); None: no late interest."""

    daily: Decimal | None
    rule_id: str
    citation: str


def due_term(contract: Contract, rulebook: RuleBook, start: date,
             calendar: WorkCalendar | None = None) -> DueTerm:
    """Whose payment term applies to ``contract`` for a clock starting ``start``."""
    agreed = contract.payment_days
    working = contract.payment_working_days
    if not contract.supplier.size.is_sme:
        if agreed is None:
            return DueTerm(None, False, "payment.no_agreed_term",
                           f"{SCOPE_CITATION}; 大型企业适用合同约定，合同未约定付款期限")
        return DueTerm(agreed, working, "payment.agreed_days", f"{AGREED} {agreed} "
                       f"{'个工作日' if working else '日'}（大型企业，条例不适用）", agreed=agreed)
    law = rulebook.find("payment.sme_days", start)
    if agreed is None:
        if law is None:
            return DueTerm(None, False, "payment.no_agreed_term", "no statutory term on file")
        return DueTerm(int(law.value), False, law.rule_id, law.citation)
    top = rulebook.find("payment.sme_days_max", start)
    term = DueTerm(agreed, working, "payment.agreed_days",
                   f"{AGREED} {agreed} {'个工作日' if working else '日'}", agreed=agreed)
    if top is None:
        return term
    limit = int(top.value)
    agreed_due = term.due_on(start, calendar)
    assert agreed_due is not None
    if agreed_due > start + timedelta(days=limit):
        return DueTerm(limit, False, top.rule_id, top.citation, cut=True, agreed=agreed)
    return term


def interest_term(contract: Contract, rulebook: RuleBook, due: date) -> InterestTerm:
    """The late-interest rate: the contract's, else for an SME the statutory default, else
    none (a large supplier whose contract agrees no interest)."""
    if contract.late_interest_daily is not None:
        return InterestTerm(contract.late_interest_daily, "payment.agreed_interest",
                            f"{AGREED}: 逾期利息日利率 {contract.late_interest_daily}")
    if not contract.supplier.size.is_sme:
        return InterestTerm(None, "payment.no_agreed_interest",
                            f"{SCOPE_CITATION}; 大型企业适用合同约定，合同未约定逾期利息")
    law = rulebook.find("payment.late_interest_daily", due)
    if law is None:
        return InterestTerm(None, "payment.late_interest_daily", "no statutory rate on file")
    return InterestTerm(Decimal(law.value), law.rule_id, law.citation)


def _lpr(contract: Contract, rulebook: RuleBook) -> tuple[date, Resolved | None]:
    on = contract.signed_on or contract.term.start
    return on, rulebook.find(LPR_RULE, on)


def agreed_interest_finding(contract: Contract, rulebook: RuleBook) -> Finding | None:
    """A finding when an SME contract's agreed late-interest rate is below the one-year LPR
    on the signing date (annualised as 日利率 × 365)."""
    rate = contract.late_interest_daily
    if rate is None or not contract.supplier.size.is_sme:
        return None
    on, lpr = _lpr(contract, rulebook)
    if lpr is None:
        return None
    yearly = Fraction(rate) * 365
    if yearly >= Fraction(lpr.value):
        return None
    pct = (Decimal(rate) * 365 * 100).normalize()
    lpr_pct = (Decimal(lpr.value) * 100).normalize()
    return Finding(
        "payment.interest_below_lpr",
        f"agreed late interest {rate} a day ({pct:f}% a year as 日利率×365) is below the "
        f"one-year LPR {lpr_pct:f}% on the signing date {on.isoformat()} ({lpr.citation})",
        field="late_interest_daily", rule_id=LPR_RULE, citation=LPR_CITATION,
        term="逾期利息利率")


def check_agreed_interest(contract: Contract, rulebook: RuleBook) -> None:
    """Refuse an SME contract whose agreed late-interest rate is below the one-year LPR on
    the signing date (2020 text 第十五条): a :class:`~outsourcing.errors.ModelError` with code
    ``payment.interest_below_lpr``."""
    f = agreed_interest_finding(contract, rulebook)
    if f is None:
        return
    on, lpr = _lpr(contract, rulebook)
    rate = contract.late_interest_daily
    assert lpr is not None and rate is not None
    yearly_pct = (rate * 365 * 100).normalize()
    lpr_pct = (Decimal(lpr.value) * 100).normalize()
    raise ModelError(
        f.message, field="late_interest_daily", value=str(contract.late_interest_daily),
        rule_id=LPR_RULE, citation=LPR_CITATION, term="逾期利息利率",
        code="payment.interest_below_lpr", says="payment.interest_below_lpr.detail",
        params={"rate": rate, "yearly": f"{yearly_pct:f}", "on": on.isoformat(),
                "lpr": f"{lpr_pct:f}"})
