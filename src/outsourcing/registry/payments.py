"""Payments (付款记录) and what is due (应付款项): a payment, a recovery or a reversal
against a settled period, never paying it twice; the due date and the late interest of
every settled period."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from fractions import Fraction
from typing import Any

import attrs
from sqlalchemy import Connection, func, select

from ..dates import Period
from ..due import InterestTerm, interest_term
from ..errors import RegistryError
from ..messages_zh import say
from ..model import Contract
from ..money import Money, div_half_up
from . import schema as S
from .access import Guarded, Role
from .common import as_id, as_text, now
from .contracts import Q_CONTRACT_DOC, contract_row
from .documents import terms_of
from .queries import latest

__all__ = ["Due", "PaymentRecord", "Payments", "payable_and_paid", "payment_of"]


@attrs.frozen
class PaymentRecord:
    """A payment as recorded (付款记录): positive a payment, negative a recovery (追回) or
    a reversal (冲正: ``reverses`` the id of the payment it reverses, with ``reason``)."""

    id: int
    contract_id: str
    period: Period
    amount: Money
    paid_on: date
    reference: str
    reverses: int | None = None
    reason: str = ""
    recorded_by: str = ""
    recorded_at: str = ""


@attrs.frozen
class Due:
    """A settled period's amount due on a date, what was paid and the late interest
    (应付款项)."""

    contract_id: str
    period: Period
    version: int
    due_on: date | None
    payable: Money
    paid: Money
    outstanding: Money
    """Payable minus paid: to pay (positive) or to recover after a correction (negative)."""
    overdue_days: int
    """Days past the due date: of what is unpaid on the day asked, or, for a period paid
    late, of its latest late payment."""
    late_interest: Money
    """Interest accrued by ``on``: on every payment made after the due date and on what is
    still unpaid, at the settlement's interest term (the contract's agreed rate; for an SME
    without one 保障中小企业款项支付条例 第十五条; for a large supplier without one none)."""
    rule_id: str | None
    citation: str | None
    status: str = "未到期"
    """未到期 (not yet due), 已逾期 (overdue, unpaid), 逾期已付 (paid, late: the interest is
    owed), 已付清 (paid) or 待追回 (overpaid after a correction: ``to_recover``)."""

    @property
    def overdue(self) -> bool:
        return self.overdue_days > 0 and self.outstanding > Money.ZERO

    @property
    def to_recover(self) -> Money:
        """The amount to recover from the supplier (待追回), else zero."""
        return -self.outstanding if self.outstanding < Money.ZERO else Money.ZERO


def _payment_day(paid_on: Any, period: Period, today: date) -> None:
    """A payment's day: a date, not after ``today`` and not before the period's last day."""
    if not isinstance(paid_on, date) or isinstance(paid_on, datetime):
        raise RegistryError("paid_on is a date", field="paid_on", value=repr(paid_on),
                            term="付款日期", code="registry.paid_on_not_a_date")
    if paid_on > today:
        raise RegistryError(f"a payment cannot be dated after today ({today})",
                            field="paid_on", value=paid_on.isoformat(), term="付款日期",
                            code="registry.payment_in_future", params={"today": today})
    if paid_on < period.end:
        raise RegistryError(
            f"a payment for {period} cannot be dated before the period's last day "
            f"({period.end}): the contract records no prepayment for it",
            field="paid_on", value=paid_on.isoformat(), term="付款日期",
            code="registry.payment_before_period_end",
            params={"period": period, "end": period.end})


def _sum_by_period(payments: Iterable[PaymentRecord]) -> dict[Period, Money]:
    out: dict[Period, Money] = {}
    for x in payments:
        out[x.period] = out.get(x.period, Money.ZERO) + x.amount
    return out


def payable_and_paid(conn: Connection, contract_id: str, period: str
                      ) -> tuple[int, int]:
    """The payable of the statement in force and the paid total, in fen; a clear error
    when the period has no statement."""
    current = latest(conn, contract_id, period)
    if current is None:
        contract_row(conn, contract_id)
        raise RegistryError("no statement stored for this period", field="period",
                            value=period, term="结算单", code="registry.no_statement")
    payments = S.payments
    paid = conn.execute(select(func.coalesce(func.sum(payments.c.amount_fen), 0)).where(
        payments.c.contract_id == contract_id, payments.c.period == period)).scalar_one()
    return int(current.payable_fen), int(paid)


def payment_of(r: Mapping[Any, Any]) -> PaymentRecord:
    return PaymentRecord(int(r["id"]), r["contract_id"], Period.parse(r["period"]),
                         Money.from_fen(r["amount_fen"]), r["paid_on"], r["reference"],
                         r.get("reverses"), r.get("reason") or "", r["recorded_by"],
                         r["recorded_at"])


class Payments(Guarded):
    """Recording payments and reading what is paid and due."""

    def record_payment(self, contract_id: str, period: Period | str, amount: Money,
                       paid_on: date, *, by: str, reference: str = "",
                       today: date | None = None) -> PaymentRecord:
        """Record a payment (or, negative, a recovery) against a settled period.  The paid
        total must stay between nothing and the payable of the statement in force: a period
        is never paid twice, and a correction's difference is paid or recovered.

        The day paid is not after ``today`` (default: today) and not before the period's
        last day — the registry records no payment plan, so no period has a prepayment
        (预付款) that could be paid earlier.  A non-empty ``reference`` (付款凭证号) is
        unique within the period: the same voucher twice is a double payment, and a
        reversal (:meth:`reverse_payment`) names the payment by it."""
        contract_id = as_id(contract_id, "contract_id", "合同编号")
        p = Period.parse(period) if isinstance(period, str) else period
        obj = f"payments:{contract_id}/{p}"
        reference = as_text(reference, "reference", "付款凭证号")
        by = self._require(by, [Role.FINANCE], "record_payment", obj).id
        if not isinstance(amount, Money) or amount == Money.ZERO:
            raise RegistryError("a payment is a non-zero Money", field="amount",
                                value=repr(amount), term="付款金额",
                                code="registry.payment_not_money")
        _payment_day(paid_on, p, today or date.today())
        payments = S.payments
        with self._read() as conn:
            seen = latest(conn, contract_id, str(p))
        solo = (False if seen is None else
                self._pay_separately(seen.settled_by, amount, by, obj))
        with self._write() as conn:
            self._lock(conn)  # writers one at a time: no two payments of the same amount due
            current = latest(conn, contract_id, str(p))
            if current is not None and (seen is None or current.id != seen.id):
                raise RegistryError("the period was settled again meanwhile; pay again",
                                    field="period", value=p, term="结算单",
                                    code="registry.resettled_meanwhile")
            payable, paid = payable_and_paid(conn, contract_id, str(p))
            if reference and conn.execute(select(payments.c.id).where(
                    payments.c.contract_id == contract_id, payments.c.period == str(p),
                    payments.c.reference == reference)).first() is not None:
                raise RegistryError(
                    "a payment with this reference is recorded for the period already",
                    field="reference", value=reference, term="付款凭证号",
                    code="registry.duplicate_reference", params={"period": p})
            after = paid + amount.fen
            if not min(paid, payable) <= after <= max(paid, payable):
                fp, fy, fa = (Money.from_fen(paid).format(), Money.from_fen(payable).format(),
                              amount.format())
                raise RegistryError(
                    f"paid so far {fp}, payable {fy}: this payment of {fa} would pay the "
                    "period twice or recover more than was overpaid",
                    field="amount", value=str(amount), term="重复支付",
                    code="registry.overpayment", params={"paid": fp, "payable": fy, "amount": fa})
            values = {"contract_id": contract_id, "period": str(p), "amount_fen": amount.fen,
                      "paid_on": paid_on, "reference": reference, "recorded_by": by,
                      "recorded_at": now(), "solo": 1 if solo else None}
            pk = self._record(conn, payments, [values], by, Role.FINANCE.value,
                              "record_payment_solo" if solo else "record_payment")[0]
        return payment_of({**values, "id": pk})

    def _pay_separately(self, settled_by: str, amount: Money, by: str, obj: str) -> bool:
        """Four eyes on money (不相容岗位相互分离): above the bureau's threshold
        (``registry.four_eyes_threshold``) whoever settled the statement does not pay it,
        nor does a person related to them by a proposal; a one-person office
        (``registry.single_person_office``) may, and the payment is marked 单人操作."""
        threshold = Money(self._policy("four_eyes_threshold"))
        if abs(amount.fen) <= threshold.fen:
            return False
        return self._separate(
            settled_by, by, "record_payment", obj,
            what=f"paying {amount.format()} (above {threshold.format()}) of a statement "
                 f"settled by {settled_by}",
            detail=say("registry.four_eyes_payment", amount=amount.format(),
                       threshold=threshold.format(), settled_by=settled_by),
            solo_ok=self.solo_office())

    def reverse_payment(self, contract_id: str, period: Period | str, reference: str, *,
                        by: str, reason: str, amount: Money | None = None) -> PaymentRecord:
        """Reverse a payment recorded in error (冲正), by its reference (or ``#`` and its
        number), with the reason: a negative payment dated as the one it reverses, at most
        what that payment paid less what was reversed of it already (``amount``, default
        all of it).  Unlike a recovery (a negative payment, which only takes back what a
        correction made overpaid), a reversal may bring the paid total below the payable."""
        contract_id = as_id(contract_id, "contract_id", "合同编号")
        p = str(Period.parse(period) if isinstance(period, str) else period)
        obj = f"payments:{contract_id}/{p}"
        reference = as_text(reference, "reference", "付款凭证号", empty=False)
        reason = as_text(reason, "reason", "冲正理由", empty=False)
        by = self._require(by, [Role.FINANCE], "reverse_payment", obj).id
        if amount is not None and (not isinstance(amount, Money) or amount <= Money.ZERO):
            raise RegistryError("the amount reversed is a positive Money", field="amount",
                                value=repr(amount), term="冲正金额",
                                code="registry.reversal_not_positive")
        payments = S.payments
        with self._write() as conn:
            self._lock(conn)
            payable_and_paid(conn, contract_id, p)
            rows = conn.execute(select(payments).where(
                payments.c.contract_id == contract_id, payments.c.period == p)
                .order_by(payments.c.id)).all()
            if reference.startswith("#") and reference[1:].isdigit():
                hits = [r for r in rows if r.id == int(reference[1:])]
            else:
                hits = [r for r in rows if r.reference == reference and r.reverses is None]
            if len(hits) != 1 or hits[0].reverses is not None or hits[0].amount_fen <= 0:
                raise RegistryError(
                    "no payment of the period with this reference to reverse",
                    field="reverses", value=reference, term="冲正",
                    code="registry.unknown_payment", params={"period": p})
            target = hits[0]
            left = target.amount_fen + sum(r.amount_fen for r in rows
                                           if r.reverses == target.id)
            fen = left if amount is None else amount.fen
            if not 0 < fen <= left:
                fl, ft = Money.from_fen(left).format(), Money.from_fen(target.amount_fen).format()
                shown = Money.from_fen(fen).format()
                raise RegistryError(
                    f"the payment {reference} paid {ft}, of which {fl} is left to reverse: "
                    f"a reversal of {shown} is more", field="amount", value=shown,
                    term="冲正金额", code="registry.reversal_exceeds_payment",
                    params={"reference": reference, "paid": ft, "left": fl})
            values = {"contract_id": contract_id, "period": p, "amount_fen": -fen,
                      "paid_on": target.paid_on, "reference": f"冲正 {reference}"[:2000],
                      "recorded_by": by, "recorded_at": now(), "reverses": target.id,
                      "reason": reason}
            pk = self._record(conn, payments, [values], by, Role.FINANCE.value,
                              "reverse_payment")[0]
        return payment_of({**values, "id": pk})

    def payments(self, contract_id: str, period: Period | str | None = None
                 ) -> list[PaymentRecord]:
        """The payments of a contract (or of one period), in the order recorded — every
        date, reversals included."""
        contract_id = as_id(contract_id, "contract_id", "合同编号")
        payments = S.payments
        q = select(payments).where(payments.c.contract_id == contract_id).order_by(payments.c.id)
        if period is not None:
            q = q.where(payments.c.period == str(Period.parse(period) if isinstance(period, str)
                                                 else period))
        with self._read() as conn:
            contract_row(conn, contract_id)
            return [payment_of(r._mapping) for r in conn.execute(q)]

    def paid(self, contract_id: str) -> dict[Period, Money]:
        """What was paid for each period of a contract, every payment whatever its date
        (reversals and recoveries included)."""
        return _sum_by_period(self.payments(contract_id))

    def _interest_term(self, cache: dict[str, Contract], conn: Connection, contract_id: str,
                       jurisdiction: str, due_on: date) -> InterestTerm:
        contract = cache.get(contract_id)
        if contract is None:
            contract = cache[contract_id] = terms_of(
                conn.execute(Q_CONTRACT_DOC, {"cid": contract_id}).scalar_one()).contract
        return interest_term(contract, self.plugins.rulebook(jurisdiction), due_on)

    def due(self, on: date, *, contract_id: str | None = None, every: bool = False
            ) -> list[Due]:
        """What is due on ``on``: each settled period with something still to pay or recover,
        or late interest accrued, with its status (未到期, 已逾期, 逾期已付, 待追回).

        One rule with the statement: the due date is the statement's and the late interest
        is the settlement's term (:func:`outsourcing.due.interest_term` — the contract's
        agreed rate; for an SME without one the statutory 0.05% a day; for a large supplier
        without one none), accrued on each payment made after the due date (by its day) and
        on what is still unpaid, each rounded half-up to the fen.  With ``every``, the
        periods with nothing due are listed too (已付清)."""
        if not isinstance(on, date):
            raise RegistryError("on is a date", field="on", value=repr(on), term="日期",
                                code="registry.due_on_not_a_date")
        statements, payments = S.statements, S.payments
        contracts: dict[str, Contract] = {}
        out = []
        with self._read() as conn:
            q = (select(*(statements.c[k] for k in ("contract_id", "period", "version", "due_on",
                                                    "payable_fen")), S.contracts.c.jurisdiction)
                 .join(S.contracts, S.contracts.c.id == statements.c.contract_id)
                 .order_by(statements.c.contract_id, statements.c.period, statements.c.version))
            if contract_id is not None:
                contract_id = as_id(contract_id, "contract_id", "合同编号")
                q = q.where(statements.c.contract_id == contract_id)
            latest: dict[tuple[str, str], Any] = {}
            for sr in conn.execute(q):
                latest[(sr.contract_id, sr.period)] = sr
            pq = select(*(payments.c[k] for k in ("contract_id", "period", "amount_fen", "paid_on"))
                        ).where(payments.c.paid_on <= on)
            if contract_id is not None:
                pq = pq.where(payments.c.contract_id == contract_id)
            paid: dict[tuple[str, str], dict[date, int]] = {}
            for pr in conn.execute(pq):
                days = paid.setdefault((pr.contract_id, pr.period), {})
                days[pr.paid_on] = days.get(pr.paid_on, 0) + pr.amount_fen
            for key, r in latest.items():
                ps = paid.get(key, {})
                total = sum(ps.values())
                outstanding = r.payable_fen - total
                interest = late = 0
                rid = cit = None
                if r.due_on is not None:
                    term = self._interest_term(contracts, conn, r.contract_id, r.jurisdiction,
                                               r.due_on)
                    rid, cit = term.rule_id, term.citation
                    pieces = [(a, (d - r.due_on).days) for d, a in ps.items()
                              if d > r.due_on and a > 0]
                    if outstanding > 0 and on > r.due_on:
                        pieces.append((outstanding, (on - r.due_on).days))
                    late = max((days for _, days in pieces), default=0)
                    if term.daily is not None:
                        q_ = Fraction(term.daily)
                        interest = sum(div_half_up(a * q_.numerator * days, q_.denominator)
                                       for a, days in pieces)
                if outstanding == 0 and interest == 0 and not every:
                    continue
                status = ("待追回" if outstanding < 0 else "已逾期" if outstanding > 0 and late
                          else "未到期" if outstanding > 0 else "逾期已付" if late else "已付清")
                out.append(Due(r.contract_id, Period.parse(r.period), r.version, r.due_on,
                               Money.from_fen(r.payable_fen), Money.from_fen(total),
                               Money.from_fen(outstanding), late, Money.from_fen(interest),
                               rid, cit, status))
        return out
