"""The compiled form of a contract (编译后的合同): it pickles as plain data and settles every
period the same on the other side; its key changes with the contract, its decided changes
and the rules in force; the compact input settles as the assessments it came from."""

from __future__ import annotations

import pickle
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import attrs
import pytest

import outsourcing as o
from outsourcing.changes import Change, ChangeLinePrice, Suspend, Timeline
from outsourcing.errors import SettlementError
from outsourcing.payment import Band, FeeShare, IncidentDeductions, PaymentRule, TierTable
from outsourcing.performance import Assessment, Incident, Metric
from outsourcing.settlement import (
    FORMAT,
    PeriodInput,
    compile_contract,
    compiled_key,
    period_input,
    settle_compiled,
)
from outsourcing.settlement.keys import default_documents


def _change(cid: str, action: Any, effective: date) -> Change:
    return Change(cid, action, "force_majeure" if isinstance(action, Suspend) else "tax_change",
                  "测试变更", effective, "自治区机关事务管理局",
                  signed_on=effective - timedelta(days=3), approved_by="局务会议")


@pytest.fixture()
def timeline(registry: o.PluginHost, contract: o.Contract) -> Timeline:
    rb = registry.rulebook("NX")
    contract = attrs.evolve(contract, jurisdiction="NX")
    tl = Timeline(contract)
    for c in (_change("C1", ChangeLinePrice("property", Decimal("78000.00")), date(2022, 4, 16)),
              _change("C2", Suspend("elevator"), date(2022, 8, 11))):
        tl = tl.sign(c, rb, today=date(2023, 1, 1))
    return tl


def _assessments(pc: Any, i: int) -> list[Assessment]:
    p = pc.periods[i]
    out = []
    for pl in pc.lines:
        if not pl.running[i]:
            continue
        vals = [Decimal(80 + (i * 7 + k * 3) % 21) for k in range(len(pl.kpis.specs))]
        incidents = [Incident("ordinary", p.start + timedelta(days=3))] if i % 4 == 1 else []
        out.append(Assessment(pl.line.id, p, "考核小组", p.end + timedelta(days=4),
                              metrics=[Metric(s.id, v) for s, v in zip(pl.kpis.specs, vals,
                                                                        strict=True)],
                              incidents=incidents))
    return out


def test_a_compiled_contract_pickled_settles_every_period_as_before(
        registry: o.PluginHost, timeline: Timeline) -> None:
    rb = registry.rulebook("NX")
    pc = compile_contract(timeline, rb, adopt=["*"])
    back = pickle.loads(pickle.dumps(pc))
    assert back.format == FORMAT and back.key == pc.key
    prev = prev_back = None
    for i, p in enumerate(pc.periods):
        a = _assessments(pc, i)
        prev = pc.settle(p, a, previous=prev, paid_on=p.end + timedelta(days=90))
        prev_back = settle_compiled(back, p, a, previous=prev_back,
                                    paid_on=p.end + timedelta(days=90))
        assert prev_back.to_json() == prev.to_json()
        assert prev_back.render() == prev.render()
    assert prev is not None and prev.payable.fen > 0


def test_the_compiled_form_holds_no_plugin_host_and_keeps_no_points_tables(
        registry: o.PluginHost, timeline: Timeline) -> None:
    pc = compile_contract(timeline, registry.rulebook("NX"), adopt=["*"])
    pc.settle(pc.periods[0], _assessments(pc, 0))
    blob = pickle.dumps(pc)
    assert b"pluggy" not in blob and b"PluginHost" not in blob
    assert len(blob) < 64_000  # the tables (10,001 entries a KPI) are rebuilt, not carried
    assert pickle.loads(blob).rulebook.host is None


def test_the_key_changes_with_the_changes_and_with_a_new_dated_rule(
        registry: o.PluginHost, contract: o.Contract, timeline: Timeline) -> None:
    rb = registry.rulebook("NX")
    one = compile_contract(timeline, rb, adopt=["*"]).key
    assert compile_contract(timeline, rb, adopt=["*"]).key == one
    fewer = Timeline(timeline.contract, changes=timeline.changes[:1])
    assert compile_contract(fewer, rb, adopt=["*"]).key != one
    assert compile_contract(timeline, rb).key != one  # other terms: no default adopted
    newer = rb.override("payment.sme_days", 20, citation="合同 第九条",
                        start=date(2026, 1, 1))
    assert compile_contract(timeline, newer, adopt=["*"]).key != one


def test_a_store_computes_the_key_from_its_documents_without_compiling(
        registry: o.PluginHost, timeline: Timeline) -> None:
    rb = registry.rulebook("NX")
    docs = ['{"contract": 1}', '{"change": "C1"}']
    pc = compile_contract(timeline, rb, documents=docs)
    assert pc.key == compiled_key(docs, rb)
    assert compiled_key(["a", "bc"], rb) != compiled_key(["ab", "c"], rb)
    assert compile_contract(timeline, rb).key == compiled_key(
        default_documents(timeline, pc.terms), rb)


def test_a_compiled_form_of_another_format_is_refused_when_read(
        registry: o.PluginHost, timeline: Timeline) -> None:
    pc = compile_contract(timeline, registry.rulebook("NX"))
    pc.format = FORMAT + 1
    with pytest.raises(SettlementError) as e:
        pickle.loads(pickle.dumps(pc))
    assert e.value.code == "settlement.compiled_format"


def test_the_compact_input_settles_as_the_assessments_it_came_from(
        registry: o.PluginHost, timeline: Timeline) -> None:
    pc = compile_contract(timeline, registry.rulebook("NX"), adopt=["*"])
    prev = prev_c = None
    for i, p in enumerate(pc.periods):
        a = _assessments(pc, i)
        given = period_input(pc, p, a)
        prev = settle_compiled(pc, p, a, previous=prev)
        prev_c = settle_compiled(pc, p, given, previous=prev_c)
        assert prev_c.to_json() == prev.to_json()
        assert prev_c.render() == prev.render()
    assert given.values[0] is not None and all(type(v) is int for v in given.values[0])


def test_a_share_incident_in_compact_form_is_checked_against_the_contracts_range(
        registry: o.PluginHost, contract: o.Contract) -> None:
    rule = PaymentRule(
        TierTable((Band("0", "1.00"),)),
        IncidentDeductions((), shares=(("media_exposure", FeeShare("0.02", up_to="0.05")),)))
    pc = compile_contract(contract, registry.rulebook("NX"), rules={"property": rule},
                          adopt=["*"])
    p = pc.periods[2]
    a = _assessments(pc, 2)
    a[0] = Assessment("property", p, "考核小组", p.end, metrics=a[0].metrics,
                      incidents=[Incident("media_exposure", p.start, share=Decimal("0.03"))])
    given = period_input(pc, p, a)
    assert given.incidents[0] == ((p.start, "media_exposure", 30_000),)
    assert settle_compiled(pc, p, given).to_json() == pc.settle(p, a).to_json()
    bad = given._replace(incidents=(((p.start, "media_exposure", 60_000),), ()))
    with pytest.raises(SettlementError) as e:
        settle_compiled(pc, p, bad)
    assert e.value.code == "settlement.input_share"


@pytest.mark.parametrize(("bad", "code"), [
    ("one line too few", "settlement.input_lines"),
    ("a negative value", "settlement.input_values"),
    ("a KPI short", "settlement.input_values"),
    ("a value as text", "settlement.input_values"),
])
def test_a_bad_compact_input_is_an_error_naming_the_field(
        registry: o.PluginHost, contract: o.Contract, bad: str, code: str) -> None:
    pc = compile_contract(contract, registry.rulebook("NX"), adopt=["*"])
    p = pc.periods[0]
    good = period_input(pc, p, _assessments(pc, 0)).values
    first = good[0]
    values = {"one line too few": good[:1],
              "a negative value": ((-5, *first[1:]), *good[1:]),
              "a KPI short": (first[1:], *good[1:]),
              "a value as text": (("90", *first[1:]), *good[1:])}[bad]
    with pytest.raises(SettlementError) as e:
        settle_compiled(pc, p, PeriodInput(values, date(2022, 2, 3)))
    assert e.value.code == code
    assert e.value.field in ("values", "values[0]")


def test_an_unknown_incident_kind_in_compact_form_is_refused(
        registry: o.PluginHost, contract: o.Contract) -> None:
    pc = compile_contract(contract, registry.rulebook("NX"), adopt=["*"])
    p = pc.periods[0]
    given = period_input(pc, p, _assessments(pc, 0))
    bad = given._replace(incidents=(((p.start, "alien_landing", None),), ()))
    with pytest.raises(SettlementError) as e:
        settle_compiled(pc, p, bad)
    assert e.value.code == "settlement.incident_kind_unknown"


def test_a_records_lines_are_the_named_tuples_their_fields_make(
        registry: o.PluginHost, timeline: Timeline) -> None:
    from outsourcing.statement.record import LineRecord, StatementRecord

    pc = compile_contract(timeline, registry.rulebook("NX"), adopt=["*"])
    rec = pc.settle(pc.periods[1], _assessments(pc, 1)).record
    assert type(rec) is StatementRecord and rec == StatementRecord(*rec)
    for line in rec.lines:
        assert type(line) is LineRecord and line == LineRecord(*line)
        assert line.performance == line[LineRecord._fields.index("performance")]


def test_a_pickled_statement_derives_its_explanations_only_when_read(
        registry: o.PluginHost, timeline: Timeline) -> None:
    from outsourcing.settlement import PreparedContract
    from outsourcing.statement.terms import BoundTerms

    pc = compile_contract(timeline, registry.rulebook("NX"), adopt=["*"])
    s = pc.settle(pc.periods[2], _assessments(pc, 2))
    back = pickle.loads(pickle.dumps(s))
    assert isinstance(back.terms, BoundTerms)
    assert isinstance(back.terms.terms, PreparedContract)  # the terms, not derived parts
    assert back == s and back.render() == s.render() and back.findings == s.findings
