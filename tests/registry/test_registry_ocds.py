"""OCDS from the registry, on SQLite and PostgreSQL: the payments recorded are the
transactions (and nothing merely due), the settled statements the milestones."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import attrs
from registry_cases import assessment, contract, staffed

import outsourcing as o
from outsourcing import ocds
from outsourcing.desk.cli_ocds import histories
from outsourcing.registry import PaymentRecord

JAN, FEB = o.Period.month(2022, 1), o.Period.month(2022, 2)
CID = "NX-2022-001"
BUYER = o.Purchaser("P-NX", "宁夏回族自治区机关事务管理局", "11640000MB1576321L")


def _signed() -> o.Contract:
    return attrs.evolve(contract(), purchaser=BUYER, signed_on=date(2021, 12, 20))


def test_the_registry_publishes_payments_made_as_transactions_and_nothing_due(
        db_url: str) -> None:
    r = staffed(db_url)
    try:
        r.add_contract(_signed(), by="zhao")
        for period in (JAN, FEB):
            for line in ("property", "cleaning"):
                r.record_assessment(CID, assessment(line, period), by="qian")
            r.settle(CID, period, by="sun")
        jan = r.statement(CID, JAN).payable
        r.record_payment(CID, JAN, jan, date(2022, 3, 1), by="sun", reference="凭证 001")
        (paid,) = r.payments(CID)
        assert (paid.period, paid.amount, paid.paid_on, paid.reference, paid.reverses) == (
            JAN, jan, date(2022, 3, 1), "凭证 001", None)
        (h,) = histories(r, [CID], "ocds-test01")
        rs = h.releases(until=date(2022, 12, 31))
        txs = [t for x in rs for t in x["contracts"][0].get("implementation", {})
               .get("transactions", [])]
        assert [(t["id"], t["value"]["amount"]) for t in txs] == [(f"ZF-{paid.id}", jan.yuan)]
        assert sum("milestones" in x["contracts"][0].get("implementation", {})
                   for x in rs) == 2  # January and February settled, February not paid
        assert ocds.validation_errors(ocds.record_package(rs, publisher="局", uri="urn:x")) == []
    finally:
        r.close()


def test_a_reversed_payment_and_its_reversal_are_not_transactions(db_url: str) -> None:
    r = staffed(db_url)
    try:
        r.add_contract(_signed(), by="zhao")
        tl = r.timeline(CID)
    finally:
        r.close()
    rows = [PaymentRecord(1, CID, JAN, o.Money("100.00"), date(2022, 3, 1), "误付"),
            PaymentRecord(2, CID, JAN, o.Money("-100.00"), date(2022, 3, 2), "冲正", 1),
            PaymentRecord(3, CID, JAN, o.Money("90.00"), date(2022, 3, 3), "")]
    store = SimpleNamespace(statements=lambda cid: [], payments=lambda cid: rows,
                            timeline=lambda cid: tl, plugins=o.load())
    (h,) = histories(store, [CID], "ocds-test01")
    assert [p.id for p in h.payments] == ["ZF-3"]
