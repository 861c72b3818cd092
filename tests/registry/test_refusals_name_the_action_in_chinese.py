"""A refusal for want of a role names the action in Chinese (结算, 登记付款, 提名操作人员) and the
roles it needs, from the catalogue; the code stays ``registry.denied.role`` (issue 25)."""

from __future__ import annotations

from datetime import date

import pytest
from registry_cases import contract, staffed

import outsourcing as o


@pytest.mark.parametrize(("action", "named"), [
    ("settle", "结算 需要角色：财务或经办人"),
    ("record_payment", "登记付款 需要角色：财务"),
    ("add_actor", "提名操作人员 需要角色：审批人"),
])
def test_a_role_refusal_names_the_action_in_chinese(db_url: str, action: str,
                                                    named: str) -> None:
    r = staffed(db_url)
    r.add_contract(contract(), by="zhao")
    calls = {
        "settle": lambda: r.settle("NX-2022-001", "2022-01", by="qian"),
        "record_payment": lambda: r.record_payment("NX-2022-001", "2022-01",
                                                   o.Money("1.00"), date(2022, 2, 1),
                                                   by="zhao"),
        "add_actor": lambda: r.add_actor("wu", "吴", ["officer"], by="zhao"),
    }
    with pytest.raises(o.AccessDenied) as e:
        calls[action]()
    assert e.value.code == "registry.denied.role"
    assert named in e.value.message_zh
    assert action not in e.value.message_zh  # the English name is for developers only
