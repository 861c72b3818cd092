"""KPI schedules on the registry (考核周期), on SQLite and on PostgreSQL: the not-due and 不适用
records stored and audited with their assessments, refused before anything is written where
the contract's terms do not allow them, and settlement from the store using them."""

from __future__ import annotations

from datetime import date

import pytest
from kpi_schedule_cases import YEAR, fire_assessment, fire_contract, fire_kpis
from registry_cases import staffed

import outsourcing as o
from outsourcing.errors import RegistryError
from outsourcing.kpi_schedule import NotDueRule
from outsourcing.performance import NotApplicable
from outsourcing.settlement import settle_term

RB = o.load().rulebook("CN")


def _add(r: o.PluginHost, cid: str = "XF-2026-01", rule: NotDueRule | None = NotDueRule.RESCALE,
         na: bool = False) -> None:
    r.add_contract(fire_contract(cid), by="zhao", kpis=fire_kpis(rule, na=na))


def test_a_fire_contract_with_a_yearly_kpi_due_in_october_is_paid_in_full_from_the_store(
        db_url: str) -> None:
    r = staffed(db_url)
    _add(r, rule=None)
    inputs = [fire_assessment(p, test="1" if p == "2026-10" else None) for p in YEAR]
    for p, a in zip(YEAR, inputs, strict=True):
        r.record_assessment("XF-2026-01", a, by="qian")
        r.settle("XF-2026-01", p, by="sun")
    stored = [r.statement("XF-2026-01", p) for p in YEAR]
    for s in stored:
        x = s.line("fire")
        assert x.pay_rate == 1 and x.performance_amount == x.fee == o.Money("8600.06")
        assert not [f for f in s.findings if f.code.startswith("assessment.")]
    assert "年度全面检测（每年10月）" in stored[0].line("fire").not_scored
    expected = settle_term(fire_contract(), inputs, RB, kpis=fire_kpis(None))
    assert [s.render() for s in stored] == [s.render() for s in expected]
    assert r.verify().ok


def test_the_store_carries_the_last_result_forward_between_months(db_url: str) -> None:
    r = staffed(db_url)
    _add(r, rule=NotDueRule.CARRY_FORWARD)
    for p in YEAR:
        r.record_assessment("XF-2026-01", fire_assessment(
            p, test="0" if p == "2026-10" else None), by="qian")
        r.settle("XF-2026-01", p, by="sun")
    scores = [r.statement("XF-2026-01", p).line("fire").score for p in YEAR]
    assert scores == [100] * 9 + [60, 60, 60]
    assert "沿用 2026-10 考核结果" in r.statement("XF-2026-01", "2026-12").line(
        "fire").not_scored


def test_a_value_for_a_kpi_not_due_is_refused_before_anything_is_written(db_url: str) -> None:
    r = staffed(db_url)
    _add(r)
    n = len(r.audit_trail())
    with pytest.raises(RegistryError) as e:
        r.record_assessment("XF-2026-01", fire_assessment("2026-03", test="1"), by="qian")
    assert e.value.code == "assessment.kpi_not_due"
    assert e.value.field == "assessments[0].metrics[1].kpi"
    assert "本期不考核" in e.value.message_zh
    assert r.assessments("XF-2026-01", "2026-03") == [] and len(r.audit_trail()) == n


def test_not_applicable_is_refused_where_not_allowed_and_stored_and_audited_where_allowed(
        db_url: str) -> None:
    r = staffed(db_url)
    _add(r, "XF-A")
    _add(r, "XF-B", na=True)

    def marked(line_period: str = "2026-01") -> o.Assessment:
        return o.Assessment("fire", line_period, "张三", date(2026, 1, 31),
                            not_applicable=[NotApplicable("monthly_check_done", "本月停电检修")])

    n = len(r.audit_trail())
    with pytest.raises(RegistryError) as e:
        r.record_assessment("XF-A", marked(), by="qian")
    assert e.value.code == "assessment.not_applicable_refused"
    assert "合同未约定指标“月度检查完成率”可标记为不适用" in e.value.message_zh
    assert len(r.audit_trail()) == n
    r.record_assessment("XF-B", marked(), by="qian")
    assert r.assessments("XF-B", "2026-01") == [marked()]
    assert [x.action for x in r.audit_trail(object_prefix="assessments:")] == [
        "record_assessment"]
    line = r.settle("XF-B", "2026-01", by="sun").statement.line("fire")
    assert line.score == 100 and "不适用：本月停电检修" in line.not_scored
    assert r.verify().ok
