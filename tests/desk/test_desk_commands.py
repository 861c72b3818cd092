"""The desk's commands one by one: files in JSON and TOML, exit codes, --json, usage errors."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import attrs
import pytest
from desk_cases import contract
from test_month_at_the_desk_end_to_end import Desk

import outsourcing as o
from outsourcing.serialize import to_json

ROOT = Path(__file__).resolve().parents[2]


def staff(d: Desk) -> None:
    """The founder wang, li who accepts the founding (four eyes begin), then zhao (officer,
    assessor) and sun (finance), each proposed by wang and confirmed by li."""
    assert d("init", "--actor", "wang", "--name", "王审批").code == 0
    for aid, name, roles in (("li", "李审批", ["approver"]),
                             ("zhao", "赵经办", ["officer", "assessor"]),
                             ("sun", "孙财务", ["finance"])):
        flags = [x for r in roles for x in ("--role", r)]
        assert d("actor", "add", aid, name, *flags, "--as", "wang").code == 0
        confirmed = d("actor", "confirm", aid, "--as", "li")
        assert confirmed.code == 0, confirmed.err


@pytest.fixture()
def desk(tmp_path: Path) -> Desk:
    d = Desk(tmp_path)
    staff(d)
    return d


def test_contract_add_reads_json_and_toml_and_shows_it(desk: Desk) -> None:
    (desk.folder / "c.json").write_text(to_json(contract()), encoding="utf-8")
    r = desk("contract", "add", "c.json", "--as", "zhao")
    assert r.code == 0, r.err
    other = attrs.evolve(contract(), id="NXJG-2022-WY-002")
    data = json.loads(to_json(other))
    toml = "[contract]\n" + "\n".join(
        f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in data.items()
        if not isinstance(v, dict | list) and v is not None)
    toml += "\n[contract.purchaser]\n" + "\n".join(
        f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in data["purchaser"].items())
    toml += "\n[contract.supplier]\n" + "\n".join(
        f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in data["supplier"].items()
        if k != "qualifications")
    for q in data["supplier"]["qualifications"]:
        toml += "\n[[contract.supplier.qualifications]]\n" + "\n".join(
            f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in q.items() if v is not None)
    toml += "\n[contract.term]\n" + "\n".join(f"{k} = {v}" for k, v in data["term"].items())
    for line in data["lines"]:
        toml += "\n[[contract.lines]]\n" + "\n".join(
            f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in line.items()
            if k != "pricing")
        toml += "\npricing = { " + ", ".join(
            f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in line["pricing"].items()
        ) + " }"
    (desk.folder / "c.toml").write_text(toml + "\n", encoding="utf-8")
    r = desk("contract", "add", "c.toml", "--as", "zhao")
    assert r.code == 0, r.err
    shown = json.loads(desk("contract", "show", "NXJG-2022-WY-002", "--json").out)
    assert shown["contract"]["lines"][0]["pricing"]["monthly_fee"] == "80000.00"
    listed = desk("contract", "list", "--json")
    assert [c["id"] for c in json.loads(listed.out)] == ["NXJG-2022-WY-001", "NXJG-2022-WY-002"]
    text = desk("contract", "show", "NXJG-2022-WY-001").out
    assert "物业服务（property）" in text and "固定月费" in text and "¥80,000.00" in text
    table = desk("contract", "list")
    assert "自治区政府办公区物业及电梯维保服务" in table.out and "合同（2）" in table.out


def test_contract_that_breaks_a_rule_is_not_recorded_exit_1(desk: Desk) -> None:
    bare = attrs.evolve(contract(), supplier=o.Supplier("S-1", "宁夏某物业服务有限公司", "small"))
    (desk.folder / "c.json").write_text(to_json(bare), encoding="utf-8")
    r = desk("contract", "add", "c.json", "--as", "zhao")
    assert r.code == 1
    assert ("违规：服务项目 elevator 需要「特种设备安装改造修理许可（电梯）」：供应商未持有"
            in r.out)
    assert "合同 NXJG-2022-WY-001 违反规定，未登记。" in r.out
    check = desk("contract", "check", "c.json", "--json")
    assert check.code == 1
    assert [f["code"] for f in json.loads(check.out)] == ["qualification.missing"]
    assert desk("contract", "list", "--json").out.strip() == "[]"


def test_bad_input_is_exit_2_with_a_chinese_error(desk: Desk) -> None:
    (desk.folder / "bad.json").write_text("{not json", encoding="utf-8")
    r = desk("contract", "add", "bad.json", "--as", "zhao")
    assert r.code == 2 and "文件格式有误" in r.err and "desk.file_unreadable" in r.err
    r = desk("change", "headroom", "NO-SUCH")
    assert r.code == 2 and "合同不存在" in r.err
    r = desk("due", "--on", "2022-02-30")
    assert r.code == 2 and "2022-02-30" in r.err
    r = desk("statement", "export", "2022-10")
    assert r.code == 2 and "--xlsx" in r.err
    assert desk("contract", "frobnicate").code == 2  # argparse's usage error


def test_settle_file_stays_the_scenario_command(desk: Desk) -> None:
    scenario = ROOT / "tests" / "scenarios" / "payments_worked_examples.toml"
    r = desk("settle", str(scenario), "--period", "2022-10", "--case", "1")
    assert r.code == 0, r.err
    assert "结算单" in r.out and "支付比例" in r.out
    no_period = desk("settle", str(scenario))
    assert no_period.code == 2 and "--period" in no_period.err


def test_actor_list_and_separation_of_duties(desk: Desk) -> None:
    actors = json.loads(desk("actor", "list", "--json").out)
    assert [(a["id"], a["roles"]) for a in actors] == [
        ("li", ["approver"]), ("sun", ["finance"]), ("wang", ["approver"]),
        ("zhao", ["assessor", "officer"])]
    refused = desk("actor", "add", "qian", "钱", "--role", "finance", "--as", "zhao")
    assert refused.code == 2 and "审批人" in refused.err
    # a proposal waits for another approver: its proposer cannot confirm it
    assert desk("actor", "add", "qian", "钱", "--role", "finance", "--as", "wang").code == 0
    assert "待确认：操作人员 qian" in desk("actor", "list").out
    own = desk("actor", "confirm", "qian", "--as", "wang")
    assert own.code == 2 and "registry.denied.same_person" in own.err
    assert desk("actor", "confirm", "qian", "--as", "li").code == 0
    assert desk("audit", "verify").code == 0


def test_init_says_when_one_approver_is_alone(tmp_path: Path) -> None:
    d = Desk(tmp_path)
    r = d("init", "--actor", "wang", "--name", "王审批")
    assert r.code == 0 and "只有一位审批人 wang，尚无双人审核" in r.out
    assert "审批人" in r.out and "财务" not in r.out  # the founder holds no other role


def test_due_and_audit_on_an_empty_registry(desk: Desk) -> None:
    r = desk("due", "--on", date(2022, 12, 1).isoformat(), "--json")
    assert r.code == 0 and json.loads(r.out) == []
    v = json.loads(desk("audit", "verify", "--json").out)
    assert v["ok"] is True and v["records"] >= 1


def test_the_desk_reads_the_registry_through_its_public_methods_only() -> None:
    import re

    desk_src = ROOT / "src" / "outsourcing" / "desk"
    private = {p.name: re.findall(r"\bstore\._\w+", p.read_text(encoding="utf-8"))
               for p in desk_src.glob("*.py")}
    assert {k: v for k, v in private.items() if v} == {}
