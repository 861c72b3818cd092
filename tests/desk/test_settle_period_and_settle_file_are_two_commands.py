"""``settle PERIOD`` settles from the registry (``--all`` through the store's batch),
``settle-file FILE --period P`` settles a scenario; the old ``settle FILE --period P`` still
runs, with a deprecation note.  The report draws each contract's own warning line, and the
contract list and charts show suppliers by name with the id beside."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from desk_runner import assessment, contract, run, staffed

import outsourcing as o
from outsourcing.payment import WarningRule, default_payment_rule

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "tests" / "scenarios" / "payments_worked_examples.toml"


def test_settle_all_goes_through_the_stores_batch(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    r = staffed(tmp_path)
    for cid in ("C-1", "C-2"):
        r.add_contract(contract(cid), by="zhao")
        r.record_assessments(cid, [assessment("2022-10")], by="qian")
    batches: list[Any] = []
    real = o.Store.settle_all

    def recorded(self: Any, period: Any, **kw: Any) -> Any:
        batches.append(period)
        return real(self, period, **kw, workers=1)

    monkeypatch.setattr(o.Store, "settle_all", recorded)
    got = run(tmp_path, "settle", "2022-10", "--all", "--as", "sun")
    assert got.code == 0, got.err
    assert len(batches) == 1
    assert "C-1：应付金额 ¥76,000.00" in got.out and "C-2：应付金额 ¥76,000.00" in got.out
    assert "共 2 份合同：结算 2 份，失败 0 份。" in got.out
    again = run(tmp_path, "settle", "2022-10", "--all", "--as", "sun")
    assert again.out.count("（未变）") == 2


def test_settle_period_says_which_contracts(tmp_path: Path) -> None:
    staffed(tmp_path)
    neither = run(tmp_path, "settle", "2022-10", "--as", "sun")
    assert neither.code == 2 and "desk.settle.which" in neither.err
    both = run(tmp_path, "settle", "2022-10", "--all", "--contract", "C-1", "--as", "sun")
    assert both.code == 2 and "desk.settle.contract_and_all" in both.err


def test_settle_file_is_the_scenario_command(tmp_path: Path) -> None:
    r = run(tmp_path, "settle-file", str(SCENARIO), "--period", "2022-10", "--case", "1")
    assert r.code == 0 and "结算单" in r.out and r.err == ""
    assert not list(tmp_path.iterdir())  # no registry needed, none created


def test_the_old_settle_file_form_runs_with_a_deprecation_note(tmp_path: Path) -> None:
    new = run(tmp_path, "settle-file", str(SCENARIO), "--period", "2022-10", "--case", "1")
    old = run(tmp_path, "settle", str(SCENARIO), "--period", "2022-10", "--case", "1")
    assert old.code == 0 and old.out == new.out
    assert "「settle 场景文件 --period 期间」的写法已改为「settle-file" in old.err
    no_period = run(tmp_path, "settle", str(SCENARIO))
    assert no_period.code == 2 and "--period" in no_period.err


def test_the_report_draws_each_contracts_own_warning_line(tmp_path: Path) -> None:
    r = staffed(tmp_path)
    rule = default_payment_rule(o.load().rulebook("CN"), contract("C-1").term.start)
    strict = attrs.evolve(rule, warning=WarningRule("70"))
    r.add_contract(contract("C-1"), by="zhao")
    r.add_contract(contract("C-2"), by="zhao", rules={"property": strict})
    for cid in ("C-1", "C-2"):
        r.record_assessments(cid, [assessment("2022-10")], by="qian")
        r.settle(cid, "2022-10", by="sun")
    got = run(tmp_path, "report", "--supplier", "S-1", "-o", "图表", "--json")
    assert got.code == 0, got.err
    lines = json.loads(got.out)["warning_lines"]
    default = rule.warning.min_score if isinstance(rule.warning, WarningRule) else None
    assert lines["C-2 property"] == "70"
    assert lines.get("C-1 property") == (None if default is None else str(default))
    one = json.loads(run(tmp_path, "report", "--contract", "C-2", "-o", "图2", "--json").out)
    assert one["warning_lines"] == {"property": "70"}
    assert Decimal(lines["C-2 property"]) != default


def test_the_contract_list_shows_supplier_names_with_ids(tmp_path: Path) -> None:
    r = staffed(tmp_path)
    r.add_contract(contract("C-1"), by="zhao")
    r.add_contract(contract("C-2", supplier="S-2"), by="zhao")
    table = run(tmp_path, "contract", "list").out
    assert "某物业服务有限公司S-1（S-1）" in table and "某物业服务有限公司S-2（S-2）" in table
