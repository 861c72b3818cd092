"""A decision that terminates a contract is recorded in a column of its own
(``change_decisions.terminates``, revision ``0007_terminations``): the status queries read
it, the upgrade fills it for the decisions already stored, the downgrade drops it without
losing anything, and the walk along the audit chain checks it against the decision."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from registry_cases import contract, staffed

from outsourcing.changes import Change, ChangeTerm, Terminate
from outsourcing.registry import HEAD, Store, current_revision, downgrade, migrate
from outsourcing.registry import schema as S


def _terminated(db_url: str) -> Store:
    """Contract A terminated from 2022-09-01 (signed), B ended by a new end, C rejected."""
    r = staffed(db_url)
    for cid in ("A", "B", "C"):
        r.add_contract(contract(cid), by="zhao")
    r.propose_change("A", Change("T-1", Terminate(), "service_stopped", "办公区搬迁",
                                   date(2022, 9, 1), "采购人"), by="zhao")
    r.sign_change("A", "T-1", by="wang", today=date(2022, 8, 20))
    r.propose_change("B", Change("E-1", ChangeTerm(date(2022, 8, 31)), "service_stopped",
                                   "提前结束", date(2022, 9, 1), "采购人"), by="zhao")
    r.sign_change("B", "E-1", by="wang", today=date(2022, 8, 20))
    r.propose_change("C", Change("T-2", Terminate(), "service_stopped", "拟解除",
                                   date(2022, 9, 1), "采购人"), by="zhao")
    r.reject_change("C", "T-2", "不同意解除", by="wang")
    return r


def _column(r: Store) -> dict[str, int | None]:
    d = S.change_decisions
    with r.engine.connect() as c:
        return {cid: t for cid, t in c.execute(sa.select(d.c.change_id, d.c.terminates))}


def _status(r: Store) -> dict[str, str]:
    return {x.id: x.status for x in r.contracts(on=date(2022, 10, 1))}


def test_a_signed_termination_is_marked_and_the_status_is_read_from_the_mark(
        db_url: str) -> None:
    r = _terminated(db_url)
    assert _column(r) == {"T-1": 1, "E-1": None, "T-2": None}
    assert _status(r) == {"A": "terminated", "B": "ended", "C": "in_force"}
    assert r.verify().ok
    with r.engine.begin() as c:  # the owner edits the mark: the status follows the column
        c.execute(sa.update(S.change_decisions).values(terminates=None))
    assert _status(r)["A"] == "ended"
    bad = r.verify()  # and the walk finds the column no longer matches the decision
    assert not bad.ok and "terminates does not match" in bad.reason


def test_the_upgrade_fills_the_mark_from_the_decisions_already_stored(db_url: str) -> None:
    r = _terminated(db_url)
    downgrade(r.engine, "0006_trust")  # a derived column: dropped without forcing
    with r.engine.connect() as c:
        names = {x["name"] for x in sa.inspect(c).get_columns("change_decisions")}
        assert "terminates" not in names and current_revision(c) == "0006_trust"
    assert migrate(r.engine) == HEAD
    assert _column(r) == {"T-1": 1, "E-1": None, "T-2": None}
    assert _status(r) == {"A": "terminated", "B": "ended", "C": "in_force"}
    assert r.verify().ok
