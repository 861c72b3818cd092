"""A month settled in bulk (``settle_all``: chunks read with a handful of queries, written in
one transaction each) stores the same statements as settling each contract alone
(``Store.settle``), statement for statement — first versions, corrections and the month
after — on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
from datetime import date

from conftest import pg_schema_url
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from registry_cases import assessment, contract, staffed

import outsourcing as o
from outsourcing.registry import Store

JAN, FEB = o.Period.month(2022, 1), o.Period.month(2022, 2)
LINES = ("property", "cleaning")
_RUN = itertools.count()

score = st.one_of(st.none(), st.integers(50, 100).map(str))
a_contract = st.fixed_dictionaries({
    "fee": st.integers(1_000_00, 99_999_99),
    "starts_in_feb": st.booleans(),
    "scores": st.tuples(*(st.tuples(score, score) for _ in (JAN, FEB))),
    "corrected": st.one_of(st.none(), st.integers(50, 100).map(str)),
})


def _second(url: str, tmp: str) -> str:
    """Another empty database on the same backend."""
    if url.startswith("sqlite"):
        return f"sqlite:///{tmp}/alone-{next(_RUN)}.db"
    return pg_schema_url(url.split("?", 1)[0])


def _record(r: Store, ids: list[str], cases: list[dict[str, object]]) -> None:
    for cid, case in zip(ids, cases, strict=True):
        start = date(2022, 2, 1) if case["starts_in_feb"] else date(2022, 1, 1)
        r.add_contract(contract(cid, fee=f"{case['fee'] // 100}.{case['fee'] % 100:02d}",
                                start=start), by="zhao")
        scores = case["scores"]
        assert isinstance(scores, tuple)
        for p, by_line in zip((JAN, FEB), scores, strict=True):
            if p.end < start:
                continue
            found = [assessment(line, p, score=s) for line, s in zip(LINES, by_line,
                                                                    strict=True) if s]
            if found:
                r.record_assessments(cid, found, by="qian")


def _correct(r: Store, ids: list[str], cases: list[dict[str, object]]) -> None:
    for cid, case in zip(ids, cases, strict=True):
        if case["corrected"] is not None and not case["starts_in_feb"]:
            r.record_assessment(cid, assessment("property", JAN, score=str(case["corrected"])),
                                by="qian", reason="复核更正")


def _same(bulk: Store, alone: Store, ids: list[str], period: o.Period) -> None:
    for cid in ids:
        if bulk.contract(cid).term.start > period.end:
            continue
        a, b = bulk.statement(cid, period), alone.statement(cid, period)
        assert a.record == b.record, (cid, period)
        assert a.payable == b.payable
        va, vb = bulk.statement_history(cid, period), alone.statement_history(cid, period)
        assert [(v.version, v.payable, v.difference, v.reason) for v in va] == [
            (v.version, v.payable, v.difference, v.reason) for v in vb]
        assert ([(f.code, f.message) for f in bulk.findings(cid, period)]
                == [(f.code, f.message) for f in alone.findings(cid, period)])


@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(cases=st.lists(a_contract, min_size=1, max_size=5), chunk=st.integers(1, 4))
def test_the_bulk_month_stores_the_statements_each_contract_settled_alone_stores(
        db_url: str, tmp_path_factory: object, cases: list[dict[str, object]], chunk: int
        ) -> None:
    tmp = str(tmp_path_factory.mktemp("alone"))  # type: ignore[attr-defined]
    bulk, alone = staffed(_second(db_url, tmp)), staffed(_second(db_url, tmp))
    ids = [f"NX-{k:02d}" for k in range(len(cases))]
    for r in (bulk, alone):
        _record(r, ids, cases)
    jan = bulk.settle_all(JAN, by="sun", workers=1, chunk=chunk)
    in_jan = [cid for cid, c in zip(ids, cases, strict=True) if not c["starts_in_feb"]]
    assert sorted(jan.written) == in_jan and not jan.failed
    for cid in in_jan:
        assert alone.settle(cid, JAN, by="sun").written
    _same(bulk, alone, ids, JAN)
    for r in (bulk, alone):
        _correct(r, ids, cases)
    again = bulk.settle_all(JAN, by="sun", workers=1, chunk=chunk)
    for cid in in_jan:
        alone.settle(cid, JAN, by="sun")
    assert sorted(again.corrected) == sorted(
        cid for cid, c in zip(ids, cases, strict=True)
        if cid in in_jan and bulk.statement_history(cid, JAN)[-1].version > 1)
    assert not again.written and not again.failed
    _same(bulk, alone, ids, JAN)
    feb = bulk.settle_all(FEB, by="sun", workers=1, chunk=chunk)
    assert sorted(feb.written) == ids and not feb.failed
    for cid in ids:
        alone.settle(cid, FEB, by="sun")
    _same(bulk, alone, ids, FEB)
    rerun = bulk.settle_all(FEB, by="sun", workers=1, chunk=chunk)
    assert sorted(rerun.unchanged) == ids and not rerun.written and not rerun.corrected
    assert bulk.verify().ok and alone.verify().ok
    bulk.close()
    alone.close()


def test_a_chunk_of_no_contracts_is_refused_by_name(db_url: str) -> None:
    r = staffed(db_url)
    for bad in (0, -3, 2.5, True):
        try:
            r.settle_all(JAN, by="sun", chunk=bad)  # type: ignore[arg-type]
        except o.OutsourcingError as exc:
            assert exc.code == "registry.bad_chunk" and "批量结算分块" in exc.message_zh
        else:
            raise AssertionError(f"chunk={bad!r} was taken")
