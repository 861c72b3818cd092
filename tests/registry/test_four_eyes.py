"""Four eyes where money moves (双人审核): each refusal in Chinese with its code, each
recorded in the audit chain — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from registry_cases import appoint, assessment, contract, staffed

import outsourcing as o
from outsourcing.changes import ChangeStatus
from outsourcing.registry import Store

CID = "NX-2022-001"
JAN = o.Period.month(2022, 1)


def refused(r: Store, code: str, fn: object, *args: object, **kw: object) -> o.AccessDenied:
    """The call is refused with ``code`` and a Chinese message, and the refusal is the last
    record of the chain."""
    before = len(r.audit_trail())
    with pytest.raises(o.AccessDenied) as e:
        fn(*args, **kw)  # type: ignore[operator]
    assert e.value.code == code and e.value.zh
    assert any("\u4e00" <= ch <= "\u9fff" for ch in e.value.message_zh)
    trail = r.audit_trail()
    assert len(trail) == before + 1 and trail[-1].action.startswith("denied:")
    return e.value


def _settled(r: Store) -> o.Money:
    r.add_contract(contract(), by="zhao")
    for line in ("property", "cleaning"):
        r.record_assessment(CID, assessment(line, JAN), by="qian")
    return r.settle(CID, JAN, by="sun").statement.payable


def test_nobody_confirms_their_own_proposal(db_url: str) -> None:
    r = staffed(db_url)
    r.add_actor("qin", "秦财务", ["finance"], by="zhang")
    e = refused(r, "registry.denied.same_person", r.confirm_actor, "qin", by="zhang")
    assert "须由另一人办理" in e.message_zh
    assert [x.subject for x in r.pending()] == ["qin"]
    assert r.confirm_actor("qin", by="li").id == "qin"
    assert r.pending() == [] and r.verify().ok


def test_the_founder_alone_cannot_staff_the_registry_until_a_second_approver_accepts(
        db_url: str) -> None:
    r = Store.open(db_url)
    r.add_actor("wang", "王审批", ["approver"])
    r.add_actor("zhao", "赵经办", ["officer"], by="wang")
    refused(r, "registry.denied.same_person", r.confirm_actor, "zhao", by="wang")
    refused(r, "registry.denied.unknown_actor", r.confirm_actor, "zhao", by="zhao")
    r.add_actor("li", "李审批", ["approver"], by="wang")
    assert r.confirm_actor("li", by="li").id == "li"      # the founding pair
    r.confirm_actor("zhao", by="li")
    founding = [x for x in r.audit_trail() if x.action == "accept_founding"]
    assert [(x.actor, x.object) for x in founding] == [("li", "confirmations:1")]
    # after the founding pair, nobody accepts their own appointment
    r.add_actor("chen", "陈审批", ["approver"], by="wang")
    refused(r, "registry.denied.unknown_actor", r.confirm_actor, "chen", by="chen")
    assert r.verify().ok


def test_a_puppet_second_approver_cannot_sign_its_creators_change(db_url: str) -> None:
    r = staffed(db_url)
    r.add_contract(contract(), by="zhao")
    appoint(r, "wu", "吴经办审批", ["officer", "approver"])
    # wu proposes a second approver; li confirms it in good faith
    appoint(r, "wu2", "吴二", ["approver"], by="wu", confirm="li")
    r.propose_change(CID, o.Change("CH-1", o.Suspend("cleaning"), "force_majeure", "疫情",
                                   date(2022, 9, 1), "采购人"), by="wu")
    e = refused(r, "registry.denied.puppet", r.sign_change, CID, "CH-1", by="wu2",
                today=date(2022, 8, 30))
    assert "提名关系" in e.message_zh
    refused(r, "registry.denied.puppet", r.reject_change, CID, "CH-1", "不同意", by="wu2")
    # … nor does an approver sign what an actor they proposed proposed (zhang proposed zhao)
    r.propose_change(CID, o.Change("CH-2", o.Suspend("property"), "force_majeure", "疫情",
                                   date(2022, 10, 1), "采购人"), by="zhao")
    refused(r, "registry.denied.puppet", r.sign_change, CID, "CH-2", by="zhang",
            today=date(2022, 9, 20))
    # a third person signs
    assert r.sign_change(CID, "CH-1", by="li", today=date(2022, 8, 30)).approved_by == "li"
    assert r.verify().ok


def test_a_proposer_neither_signs_nor_rejects_its_own_change(db_url: str) -> None:
    r = staffed(db_url)
    r.add_contract(contract(), by="zhao")
    appoint(r, "wu", "吴经办审批", ["officer", "approver"])
    r.propose_change(CID, o.Change("CH-1", o.Suspend("cleaning"), "force_majeure", "疫情",
                                   date(2022, 9, 1), "采购人"), by="wu")
    e = refused(r, "registry.denied.proposer_only_approver", r.reject_change, CID, "CH-1",
                "撤回", by="wu")
    assert "不得签批或驳回本人提出的变更" in e.message_zh
    assert r.reject_change(CID, "CH-1", "不同意", by="wang").status is ChangeStatus.REJECTED


def test_settling_and_paying_above_the_threshold_are_done_by_two_people(db_url: str) -> None:
    r = staffed(db_url)
    payable = _settled(r)
    e = refused(r, "registry.denied.same_person", r.record_payment, CID, JAN, payable,
                date(2022, 2, 20), by="sun")
    assert "双人审核限额" in e.message_zh and "sun" in e.message_zh
    r.record_payment(CID, JAN, payable, date(2022, 2, 20), by="zhou")
    assert [p.amount for p in r.payments(CID)] == [payable]
    assert r.verify().ok


def test_below_the_bureaus_threshold_the_settler_may_pay(db_url: str) -> None:
    rb = o.load().rulebook("CN").override("registry.four_eyes_threshold", "200000.00",
                                          citation="本单位内部控制制度 第八条")
    r = staffed(db_url)
    r.close()
    r = Store.open(db_url, policy=rb)
    payable = _settled(r)
    assert payable < o.Money("200000.00")
    r.record_payment(CID, JAN, payable, date(2022, 2, 20), by="sun")
    assert r.audit_trail()[-1].action == "record_payment"


def test_a_one_person_office_may_act_alone_and_every_such_act_says_so(db_url: str) -> None:
    rb = o.load().rulebook("CN").override("registry.single_person_office", True,
                                          citation="本单位内部控制制度 第三条（单人办公室）")
    r = Store.open(db_url, policy=rb)
    r.add_actor("wang", "王", ["approver"])
    r.add_actor("wang-f", "王（财务）", ["finance", "officer", "assessor"], by="wang")
    r.confirm_actor("wang-f", by="wang")
    payable = _settled_by(r, "wang-f")
    r.record_payment(CID, JAN, payable, date(2022, 2, 20), by="wang-f")
    actions = [x.action for x in r.audit_trail()]
    assert "confirm_actor_solo" in actions and "record_payment_solo" in actions
    with r.engine.connect() as c:
        assert c.execute(sa.text("SELECT solo FROM payments")).scalar_one() == 1
    v = r.statement_version(CID, JAN)
    assert v.solo and any(x.startswith("单人操作") for x in v.lines_zh())
    assert r.verify().ok


def _settled_by(r: Store, who: str) -> o.Money:
    r.add_contract(contract(), by=who)
    for line in ("property", "cleaning"):
        r.record_assessment(CID, assessment(line, JAN), by=who)
    return r.settle(CID, JAN, by=who).statement.payable


def test_look_alike_and_invisible_ids_are_refused(db_url: str) -> None:
    r = staffed(db_url)
    e = refused(r, "registry.denied.lookalike", r.add_actor, "Sun", "孙二", ["finance"],
                by="zhang")
    assert "外观相同" in e.message_zh
    refused(r, "registry.denied.lookalike", r.add_actor, "ｓｕｎ", "孙三", ["finance"],
            by="zhang")
    with pytest.raises(o.RegistryError) as bad:
        r.add_actor("sun\u200b", "孙四", ["finance"], by="zhang")
    assert bad.value.code == "registry.bad_id" and "不可见" in bad.value.message_zh
    # a pending proposal's id is taken too
    r.add_actor("ma", "马", ["finance"], by="zhang")
    refused(r, "registry.denied.lookalike", r.add_actor, "MA", "马二", ["finance"], by="li")
    assert r.verify().ok


def test_a_role_granted_later_is_confirmed_by_another_approver(db_url: str) -> None:
    r = staffed(db_url)
    r.grant_role("zhou", "officer", by="zhang")
    refused(r, "registry.denied.same_person", r.confirm_role, "zhou", "officer", by="zhang")
    assert o.registry.Role.OFFICER not in r.actor("zhou").roles
    assert o.registry.Role.OFFICER in r.confirm_role("zhou", "officer", by="li").roles
    r.grant_role("li", "finance", by="wang")
    refused(r, "registry.denied.own_appointment", r.confirm_role, "li", "finance", by="li")
    assert r.verify().ok


def test_refusals_of_unknown_actors_are_rate_limited_and_the_limit_is_recorded(
        db_url: str) -> None:
    rb = o.load().rulebook("CN").override("registry.unknown_refusals_per_hour", 3,
                                          citation="测试")
    r = staffed(db_url)
    r.close()
    r = Store.open(db_url, policy=rb)
    before = len(r.audit_trail())
    for n in range(6):
        with pytest.raises(o.AccessDenied) as e:
            r.settle(CID, JAN, by=f"nobody{n}")
        assert e.value.code == "registry.denied.unknown_actor"
    new = r.audit_trail()[before:]
    assert [x.action for x in new] == ["denied:settle"] * 3 + ["rate_limited"]
    assert new[-1].object == "denied:unknown_actor"
    assert r.verify().ok
