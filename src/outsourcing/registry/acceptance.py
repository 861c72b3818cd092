"""The acceptance of a period (验收记录): the day the purchaser accepted the service, which
starts the payment clock; versioned, a correction needs a reason."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import attrs
from sqlalchemy import Connection, Row, Table, select

from ..dates import Period
from ..errors import RegistryError
from . import schema as S
from .access import Role
from .common import as_id, as_text
from .contracts import Contracts, contract_row

__all__ = ["Acceptance", "Acceptances", "Accepted", "acceptance_of", "acceptance_row",
           "period_versions"]


@attrs.frozen
class Acceptance:
    """A recorded acceptance of a period (验收记录): the day the purchaser accepted the
    period's service, the agreed acceptance deadline if any, who accepted, and — for a
    correction (version 2 on) — why it changed.  Settlement reads the version in force."""

    contract_id: str
    period: Period
    version: int
    accepted_on: date
    acceptance_due: date | None
    accepted_by: str
    reason: str
    recorded_by: str
    recorded_at: str


@attrs.frozen
class Accepted:
    """What :meth:`Store.accept` did: the acceptance in force and whether it was
    written (the same values again write nothing)."""

    acceptance: Acceptance
    written: bool

    @property
    def correction(self) -> bool:
        return self.written and self.acceptance.version > 1


def acceptance_row(conn: Connection, contract_id: str, period: str) -> Row[Any] | None:
    acceptances = S.acceptances
    return conn.execute(select(acceptances).where(acceptances.c.contract_id == contract_id,
                                                  acceptances.c.period == period)
                        .order_by(acceptances.c.version.desc()).limit(1)).first()


def period_versions(conn: Connection, table: Table, contract_id: str, period: str
                     ) -> Sequence[Row[Any]]:
    """Every version of a contract's period in ``table``, oldest first (a clear error
    for an unknown contract)."""
    contract_row(conn, contract_id)
    return conn.execute(select(table).where(
        table.c.contract_id == contract_id, table.c.period == period)
        .order_by(table.c.version)).all()


def acceptance_of(r: Row[Any]) -> Acceptance:
    return Acceptance(r.contract_id, Period.parse(r.period), r.version, r.accepted_on,
                      r.acceptance_due, r.accepted_by, r.reason, r.recorded_by,
                      r.recorded_at)


class Acceptances(Contracts):
    """Recording and reading acceptances."""

    def accept(self, contract_id: str, period: Period | str, accepted_on: date, *, by: str,
               accepted_by: str | None = None, acceptance_due: date | None = None,
               reason: str = "", today: date | None = None) -> Accepted:
        """Record the acceptance of a period (验收): the day the purchaser accepted the
        service, who accepted (default: the recording actor's name) and the agreed
        acceptance deadline if the contract sets one.  The payment clock of the period's
        statement starts on it (保障中小企业款项支付条例 第九条).

        Versioned like an assessment and audited, in one transaction under a serialised
        write: the same values again write nothing; changed values are refused
        (``registry.acceptance_changed``) unless ``reason`` says why, and are then a
        correction (version 2 on) — settling again writes a corrected statement whose
        reason is this one.  Recorded by an officer (经办人) or an assessor (考核人).  The
        day is a day of the contract's term's period or after it, and not after ``today``."""
        contract_id = as_id(contract_id, "contract_id", "合同编号")
        p = Period.parse(period) if isinstance(period, str) else period
        reason = as_text(reason, "reason", "更正理由")
        obj = f"acceptances:{contract_id}/{p}"
        actor = self._require(by, [Role.OFFICER, Role.ASSESSOR], "accept", obj)
        by = actor.id
        who = as_text(accepted_by if accepted_by is not None else actor.name, "accepted_by",
                      "验收人", kind="name", empty=False)
        for field, d in (("accepted_on", accepted_on), ("acceptance_due", acceptance_due)):
            if d is not None and (not isinstance(d, date) or isinstance(d, datetime)):
                raise RegistryError("is a date", field=field, value=repr(d), term="验收日期",
                                    code="registry.acceptance_not_a_date")
        with self._read() as conn:
            pc, _ = self._prepared_contract(conn, contract_id)
        pc.period_index(p)  # a period of the term, or a clear error
        today = today or date.today()
        if accepted_on < p.start or accepted_on > today:
            raise RegistryError(
                f"the acceptance day falls outside {p.start} … {today} (from the period's "
                "first day to today)", field="accepted_on", value=accepted_on.isoformat(),
                term="验收日期", code="registry.bad_acceptance_date",
                params={"start": p.start, "today": today})
        if acceptance_due is not None and acceptance_due < p.start:
            raise RegistryError(
                f"the agreed acceptance deadline is before the period starts ({p.start})",
                field="acceptance_due", value=acceptance_due.isoformat(), term="约定验收期限",
                code="registry.bad_acceptance_date", params={"start": p.start, "today": today})
        given = {"accepted_on": accepted_on, "acceptance_due": acceptance_due,
                 "accepted_by": who}

        def refuse(changed: list[tuple[dict[str, Any], Row[Any]]]) -> RegistryError:
            (_, last), = changed
            return RegistryError(
                f"the acceptance of {p} is recorded already (on {last.accepted_on}, by "
                f"{last.accepted_by}); give the reason to record a correction",
                field="reason", value=reason, term="验收记录",
                code="registry.acceptance_changed",
                params={"period": p, "accepted_on": last.accepted_on,
                        "accepted_by": last.accepted_by})

        with self._write() as conn:
            (_, _, written), = self._versioned(
                conn, S.acceptances, [given],
                key=lambda _: {"contract_id": contract_id, "period": str(p)},
                content=lambda x: x, by=by,
                role=self._role(actor, [Role.OFFICER, Role.ASSESSOR]),
                actions=("accept", "correct_acceptance"), reason=reason,
                same=lambda r, x: all(r._mapping[k] == v for k, v in x.items()),
                refuse=refuse, reason_on_first=True)
            row = acceptance_row(conn, contract_id, str(p))
        assert row is not None  # written or found just now, in this transaction
        return Accepted(acceptance_of(row), written)

    def acceptances(self, contract_id: str, period: Period | str, *, history: bool = False
                    ) -> list[Acceptance]:
        """The period's acceptance in force (a list of one, or empty); with ``history``
        every version, oldest first."""
        contract_id = as_id(contract_id, "contract_id", "合同编号")
        p = str(Period.parse(period) if isinstance(period, str) else period)
        with self._read() as conn:
            rows = period_versions(conn, S.acceptances, contract_id, p)
        out = [acceptance_of(r) for r in rows]
        return out if history else out[-1:]
