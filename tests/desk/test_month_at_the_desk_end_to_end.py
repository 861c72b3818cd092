"""The month at the desk, end to end through the real entry point, in a temporary folder.

init → a contract from a workbook → a change proposed and signed → the assessment template →
filled with openpyxl as an assessor would → imported → settled → the workbook and the
printable page exported → the audit trail verified; each step's exit code and output
checked.  Then the bad inputs a bureau meets, each a clear Chinese error naming the place.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from desk_cases import contract
from openpyxl import load_workbook

import outsourcing as o
from outsourcing.cli import main
from outsourcing.desk.xlsx_contract import write_contract_workbook

CID = "NXJG-2022-WY-001"

CHANGE = """\
id = "BC-2022-01"
kind = "add_line"
line = { id = "disinfection", service = "disinfection", site = "自治区政府办公区", \
pricing = { kind = "fixed_monthly", monthly_fee = "8000.00" } }
rationale = "force_majeure"
reason = "疫情防控：公共区域专业消杀"
effective = 2022-10-10
requested_by = "自治区机关事务管理局"
"""

TOO_BIG = CHANGE.replace("BC-2022-01", "BC-2022-02").replace('"8000.00"', '"200000.00"') \
    .replace('id = "disinfection"', 'id = "disinfection-2"')


@attrs.frozen
class Result:
    code: int
    out: str
    err: str


class Desk:
    """Runs the ``outsourcing`` command in a folder, as a bureau's officer would: the entry
    point's ``main`` in this process (one import of the library for every step, to keep the
    suite quick) with the folder as the working directory and its own registry; ``python -m
    outsourcing`` in a subprocess is checked once (``test_desk_runs_as_python_m``)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.env = {"OUTSOURCING_DB": str(folder / "desk.db")}

    def __call__(self, *args: str) -> Result:
        out, err = io.StringIO(), io.StringIO()
        saved = {k: os.environ.get(k) for k in (*self.env, "OUTSOURCING_ACTOR")}
        here = Path.cwd()
        os.environ.update(self.env)
        os.environ.pop("OUTSOURCING_ACTOR", None)
        os.chdir(self.folder)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    code = main(list(args))
                except SystemExit as exc:  # argparse's usage errors
                    code = int(exc.code or 0)
        finally:
            os.chdir(here)
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        return Result(code, out.getvalue(), err.getvalue())

    def subprocess(self, *args: str) -> Result:
        env = {**os.environ, **self.env}
        p = subprocess.run([sys.executable, "-m", "outsourcing", *args], cwd=self.folder,
                           env=env, capture_output=True, text=True, timeout=300)
        return Result(p.returncode, p.stdout, p.stderr)


def _row(ws: Any, first: str, start: int = 10) -> int:
    for r in range(start, ws.max_row + 1):
        if ws.cell(row=r, column=1).value == first:
            return r
    raise KeyError(first)


def fill_october(path: Path, out: Path) -> None:
    """The assessor's October, typed into the template."""
    wb = load_workbook(path)
    for sheet in ("property", "elevator", "disinfection"):
        wb[sheet]["B5"] = "机关事务管理局考核小组"
        wb[sheet]["B6"] = date(2022, 11, 3)
    p = wb["property"]
    p.cell(row=_row(p, "repair_pass_rate"), column=8, value=88)
    r = _row(p, "satisfaction")
    p.cell(row=r, column=9, value=180)
    p.cell(row=r, column=10, value=170)
    items = _row(p, "【评分表】") + 2
    p.cell(row=items, column=4, value=44)
    p.cell(row=items + 1, column=4, value=43)
    e = wb["elevator"]
    e.cell(row=_row(e, "max_maintenance_interval"), column=8, value=14)
    e.cell(row=_row(e, "trapped_arrival"), column=8, value=25)
    r = _row(e, "satisfaction")
    e.cell(row=r, column=9, value=40)
    e.cell(row=r, column=10, value=39)
    d = wb["disinfection"]
    d.cell(row=_row(d, "rounds_done_rate"), column=8, value=100)
    inc = wb["事件"]
    inc["A2"], inc["B2"], inc["C2"], inc["D2"] = (
        "property", "县级领导批评", date(2022, 10, 12), "会议室空调报修两日未处理")
    wb.save(out)


@pytest.fixture(scope="module")
def month(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Desk, dict[str, Result]]]:
    folder = tmp_path_factory.mktemp("desk")
    desk = Desk(folder)
    c = attrs.evolve(contract(), term=o.DateRange(date(2022, 10, 1), date(2023, 9, 30)),
                     signed_on=date(2022, 9, 20), payment_days=30)
    write_contract_workbook(c, folder / "合同.xlsx")
    (folder / "变更.toml").write_text(CHANGE, encoding="utf-8")
    (folder / "items.toml").write_text(
        '[property]\ninspection = [["保洁", 50], ["秩序维护", 50]]\n', encoding="utf-8")
    steps: dict[str, Result] = {}
    steps["init"] = desk("init", "--actor", "wang", "--name", "王审批")
    # four eyes: li accepts the founding proposal; wang proposes, zhao confirms the staff
    steps["founding"] = desk("actor", "add", "zhao", "赵审批", "--role", "approver",
                             "--as", "wang")
    steps["accept"] = desk("actor", "confirm", "zhao", "--as", "zhao")
    steps["actor"] = desk("actor", "add", "li", "李经办", "--role", "officer", "--role",
                          "assessor", "--role", "finance", "--as", "wang")
    steps["confirm"] = desk("actor", "confirm", "li", "--as", "zhao")
    steps["cashier"] = desk("actor", "add", "sun", "孙出纳", "--role", "finance", "--as", "wang")
    steps["confirm cashier"] = desk("actor", "confirm", "sun", "--as", "zhao")
    steps["contract add"] = desk("contract", "add", "合同.xlsx", "--as", "li")
    steps["contract list"] = desk("contract", "list", "--json")
    steps["propose"] = desk("change", "propose", CID, "变更.toml", "--as", "li")
    steps["sign"] = desk("change", "sign", CID, "BC-2022-01", "--as", "zhao",
                         "--signed-on", "2022-10-09", "--today", "2022-10-09")
    steps["template"] = desk("assess", "template", CID, "2022-10", "-o", "考核表.xlsx",
                             "--items", "items.toml")
    fill_october(folder / "考核表.xlsx", folder / "考核表-已填.xlsx")
    steps["import"] = desk("assess", "import", CID, "2022-10", "考核表-已填.xlsx", "--as", "li")
    steps["accept"] = desk("accept", CID, "2022-10", "--on", "2022-11-05", "--as", "li")
    steps["settle"] = desk("settle", "2022-10", "--all", "--as", "li")
    steps["show"] = desk("statement", "show", CID, "2022-10", "--json")
    steps["export"] = desk("statement", "export", "2022-10", "--xlsx", "结算汇总.xlsx",
                           "--html", "打印")
    # li settled the month: another person pays it (four eyes on money)
    steps["pay"] = desk("pay", CID, "2022-10", "50000.00", "--on", "2022-12-01", "--as", "sun")
    steps["due"] = desk("due", "--on", "2022-12-20", "--json")
    steps["ocds"] = desk("ocds", "--contract", CID, "--to", "2022-12-31", "--prefix",
                         "ocds-nxjg01", "-o", "发布.json")
    steps["ocds records"] = desk("ocds", "--unit", "P-NX", "--records", "--to", "2022-12-31")
    steps["report"] = desk("report", "--contract", CID, "-o", "图表")
    steps["verify"] = desk("audit", "verify")
    yield desk, steps


def test_desk_month_every_step_succeeds_in_chinese(month: tuple[Desk, dict[str, Result]]
                                                   ) -> None:
    _, steps = month
    failed = {k: (r.code, r.err) for k, r in steps.items() if r.code != 0}
    assert failed == {}
    assert "登记库已就绪" in steps["init"].out
    assert f"已登记合同 {CID}" in steps["contract add"].out
    assert "原合同金额 ¥1,082,400.00" in steps["contract add"].out
    assert [c["id"] for c in json.loads(steps["contract list"].out)] == [CID]
    assert "已提出变更 BC-2022-01（待签）" in steps["propose"].out
    assert "已签订变更 BC-2022-01，自 2022-10-10 起生效" in steps["sign"].out
    assert "已生成考核表：考核表.xlsx" in steps["template"].out
    assert steps["import"].out.count("已导入") == 3
    assert "结算 1 份，失败 0 份" in steps["settle"].out
    assert "审计记录完整" in steps["verify"].out


def test_desk_month_settles_to_the_fen_and_exports_the_same_totals(
        month: tuple[Desk, dict[str, Result]]) -> None:
    desk, steps = month
    st = json.loads(steps["show"].out)
    # property ¥73,720.00 and elevator ¥9,690.00 as in the October example, plus the
    # disinfection line added on 10-10: 22 of 31 days of ¥8,000.00, less the 5% holdback
    lines = {x["line_id"]: x for x in st["lines"]}
    assert lines["property"]["payable"] == "73720.00"
    assert lines["elevator"]["payable"] == "9690.00"
    assert lines["disinfection"]["fee"] == "5677.42"
    assert lines["disinfection"]["payable"] == "5393.55"
    assert st["totals"]["payable"] == "88803.55"
    wb = load_workbook(desk.folder / "结算汇总.xlsx")
    summary = wb["汇总"]
    headers = [c.value for c in summary[1]]
    payable = summary.cell(row=2, column=headers.index("应付金额") + 1).value
    assert Decimal(repr(payable)) == Decimal("88803.55")
    text = desk("statement", "show", CID, "2022-10").out
    assert "应付金额（大写）：人民币捌万捌仟捌佰零叁元伍角伍分" in text
    assert "消毒消杀·自治区政府办公区 合同费用 = ¥5,677.42（依据：" in text
    assert "warning:" not in text and "illustrative" not in text
    page = (desk.folder / "打印" / f"结算单-{CID}-2022-10.html").read_text(encoding="utf-8")
    assert "人民币捌万捌仟捌佰零叁元伍角伍分" in page
    assert "供应商确认" in page


def test_desk_due_shows_the_unpaid_balance_overdue_15_days_with_late_interest_and_draws_both_charts(
    month: tuple[Desk, dict[str, Result]]) -> None:
    desk, steps = month
    due = json.loads(steps["due"].out)
    assert [(d["period"], d["paid"], d["outstanding"], d["overdue_days"]) for d in due] == [
        ("2022-10", "50000.00", "38803.55", 15)]
    assert Decimal(due[0]["late_interest"]) > 0
    assert due[0]["status"] == "已逾期" and due[0]["to_recover"] == "0.00"
    assert (desk.folder / "图表" / "score.png").stat().st_size > 10_000
    assert (desk.folder / "图表" / "fee.png").stat().st_size > 10_000


def test_desk_refuses_a_change_over_the_cap_in_chinese(month: tuple[Desk, dict[str, Result]]
                                                       ) -> None:
    desk, _ = month
    (desk.folder / "大变更.toml").write_text(TOO_BIG, encoding="utf-8")
    assert desk("change", "propose", CID, "大变更.toml", "--as", "li").code == 0
    r = desk("change", "sign", CID, "BC-2022-02", "--as", "zhao", "--signed-on", "2022-10-14",
             "--today", "2022-10-14")
    assert r.code == 1
    assert ("驳回：合同变更 BC-2022-02 被驳回：补充合同累计金额 ¥2,435,612.90 将超过原合同采购金额 "
            "¥1,082,400.00 的10%（上限 ¥108,240.00）：本次增加 ¥2,341,935.48，已用 ¥93,677.42，"
            "剩余 ¥14,562.58（依据：政府采购法 第四十九条") in r.out
    assert "变更 BC-2022-02 仍为待签，合同保持原状。" in r.out
    assert "rejected" not in r.out


def _bad_template(desk: Desk, name: str, edit: Any) -> Path:
    wb = load_workbook(desk.folder / "考核表-已填.xlsx")
    edit(wb)
    wb.save(desk.folder / name)
    return desk.folder / name


def test_desk_refuses_a_workbook_with_a_renamed_sheet(month: tuple[Desk, dict[str, Result]]
                                                      ) -> None:
    desk, _ = month

    def rename(wb: Any) -> None:
        wb["elevator"].title = "电梯"
    _bad_template(desk, "改名.xlsx", rename)
    r = desk("assess", "import", CID, "2022-10", "改名.xlsx", "--as", "li")
    assert r.code == 2
    assert "缺少工作表「elevator」" in r.err and "desk.workbook.sheet_missing" in r.err


def test_desk_refuses_text_in_a_number_cell_and_points_over_the_maximum(
        month: tuple[Desk, dict[str, Result]]) -> None:
    desk, _ = month

    def spoil(wb: Any) -> None:
        p = wb["property"]
        p.cell(row=_row(p, "repair_pass_rate"), column=8, value="合格")
        p.cell(row=_row(p, "【评分表】") + 2, column=4, value=60)
    _bad_template(desk, "错误.xlsx", spoil)
    r = desk("assess", "import", CID, "2022-10", "错误.xlsx", "--as", "li")
    assert r.code == 2
    assert "工作表「property」H10：维修合格率的实测值应填数字，却填了「合格」" in r.err
    assert "评分项「保洁」得分 60 超过分值 50" in r.err


def test_desk_refuses_an_unknown_contract_id(month: tuple[Desk, dict[str, Result]]) -> None:
    desk, _ = month
    r = desk("assess", "template", "NO-SUCH-1", "2022-10")
    assert r.code == 2
    assert "登记库中没有该合同" in r.err and "NO-SUCH-1" in r.err


def test_desk_second_import_is_refused_unless_it_is_a_correction(
        month: tuple[Desk, dict[str, Result]]) -> None:
    desk, _ = month
    again = desk("assess", "import", CID, "2022-10", "考核表-已填.xlsx", "--as", "li")
    assert again.code == 0
    assert again.out.count("内容相同，未重复记录") == 3

    def change(wb: Any) -> None:
        e = wb["elevator"]
        e.cell(row=_row(e, "trapped_arrival"), column=8, value=35)
    _bad_template(desk, "更正.xlsx", change)
    refused = desk("assess", "import", CID, "2022-10", "更正.xlsx", "--as", "li")
    assert refused.code == 2
    assert "服务项目 elevator 的 2022-10 考核已导入且内容不同" in refused.err
    fixed = desk("assess", "import", CID, "2022-10", "更正.xlsx", "--as", "li",
                 "--correction", "到场时间复核为35分钟")
    assert fixed.code == 0 and "已更正 elevator 的 2022-10 考核" in fixed.out
    resettle = desk("settle", "2022-10", "--contract", CID, "--as", "li")
    assert resettle.code == 0 and "更正结算单 第2版" in resettle.out
    assert "更正原因：考核更正（elevator 第2版）：到场时间复核为35分钟" in resettle.out
    # every view carries the version, the superseded payable, the difference and why
    shown = desk("statement", "show", CID, "2022-10")
    assert shown.out.startswith("更正结算单 第2版\n更正第1版：原应付金额 ¥")
    assert "更正原因：考核更正（elevator 第2版）：到场时间复核为35分钟" in shown.out
    doc = json.loads(desk("statement", "show", CID, "2022-10", "--json").out)
    v = doc["registry_version"]
    assert v["title"] == "更正结算单 第2版" and v["version"] == 2
    assert o.Money(v["payable"]) - o.Money(v["superseded_payable"]) == o.Money(v["difference"])
    history = json.loads(desk("statement", "history", CID, "2022-10", "--json").out)
    assert [h["title"] for h in history] == ["结算单 第1版", "更正结算单 第2版"]
    assert history[1]["reason"] == "考核更正（elevator 第2版）：到场时间复核为35分钟"
    out = desk("statement", "export", "2022-10", "--xlsx", "更正汇总.xlsx", "--html", "更正打印")
    assert out.code == 0, out.err
    page = (desk.folder / "更正打印" / f"结算单-{CID}-2022-10.html").read_text("utf-8")
    assert "<h1>更正结算单 第2版</h1>" in page and "到场时间复核为35分钟" in page
    ws = load_workbook(desk.folder / "更正汇总.xlsx")["汇总"]
    head = [c.value for c in ws[1]]
    row = {h: ws.cell(row=2, column=n + 1).value for n, h in enumerate(head)}
    assert row["版本"] == "更正结算单 第2版"
    assert row["更正原因"] == "考核更正（elevator 第2版）：到场时间复核为35分钟"
    assert Decimal(str(row["应付金额"])) - Decimal(str(row["原应付金额"])) == Decimal(
        str(row["更正差额"]))
    # settling again — by --contract or --all — writes nothing more
    same = desk("settle", "2022-10", "--all", "--as", "li")
    assert same.code == 0 and "（未变）" in same.out
    assert len(json.loads(desk("statement", "history", CID, "2022-10", "--json").out)) == 2


def test_desk_exit_codes_missing_file_and_usage(month: tuple[Desk, dict[str, Result]]) -> None:
    desk, _ = month
    missing = desk("contract", "add", "没有这个文件.xlsx", "--as", "li")
    assert missing.code == 2 and "文件不存在" in missing.err
    no_actor = desk("contract", "add", "合同.xlsx")
    assert no_actor.code == 2 and "--as" in no_actor.err
    assert desk("audit", "verify", "--json").code == 0
    english = desk("statement", "show", CID, "2099-01", "--lang", "en")
    assert english.code == 2 and english.err.startswith("outsourcing: error:")


def test_desk_runs_as_python_m(month: tuple[Desk, dict[str, Result]]) -> None:
    desk, _ = month
    r = desk.subprocess("audit", "verify", "--json")
    assert r.code == 0, r.err
    assert json.loads(r.out)["ok"] is True


def test_desk_report_by_supplier_draws_its_contracts_and_an_unknown_supplier_is_refused(
    month: tuple[Desk, dict[str, Result]],
) -> None:
    desk, steps = month
    listed = json.loads(steps["contract list"].out)
    supplier_id = listed[0]["supplier_id"]
    r = desk("report", "--supplier", supplier_id, "-o", "供应商图表", "--json")
    assert r.code == 0, r.err
    shown = json.loads(r.out)
    assert [p["period"] for p in shown["periods"]] == ["2022-10"]
    assert (desk.folder / "供应商图表" / "score.png").stat().st_size > 10_000
    r = desk("report", "--supplier", "S-NOBODY", "-o", "无")
    assert r.code == 2
    assert "该供应商没有登记的合同" in r.err


def test_desk_a_path_that_cannot_be_written_is_exit_2_naming_the_path(
    month: tuple[Desk, dict[str, Result]],
) -> None:
    desk, _ = month
    (desk.folder / "普通文件").write_text("not a folder", encoding="utf-8")
    (desk.folder / "图表2" / "score.png").mkdir(parents=True)  # a folder where a chart goes
    runs = {
        "普通文件/汇总.xlsx": desk("statement", "export", "2022-10", "--xlsx",
                               "普通文件/汇总.xlsx"),
        "普通文件/打印": desk("statement", "export", "2022-10", "--html", "普通文件/打印"),
        "普通文件": desk("statement", "export", "2022-10", "--html", "普通文件"),
        "普通文件/图": desk("report", "--contract", CID, "-o", "普通文件/图"),
        "图表2/score.png": desk("report", "--contract", CID, "-o", "图表2"),
        "普通文件/考核表.xlsx": desk("assess", "template", CID, "2022-10", "-o",
                                "普通文件/考核表.xlsx"),
    }
    for path, r in runs.items():
        assert r.code == 2, (path, r.err)
        assert "desk.file_unwritable" in r.err and f"无法写入 {path}（" in r.err, r.err
    assert "路径中有一段不是文件夹" in runs["普通文件/汇总.xlsx"].err
    assert "该路径是一个文件夹" in runs["图表2/score.png"].err
    with pytest.raises(o.OutsourcingError) as exc:
        write_contract_workbook(contract(), desk.folder / "普通文件" / "合同.xlsx")
    assert exc.value.code == "desk.file_unwritable" and exc.value.term == "Excel工作簿"


def test_desk_accept_is_a_recorded_input_same_again_nothing_changed_needs_a_reason(
    month: tuple[Desk, dict[str, Result]],
) -> None:
    desk, steps = month
    assert "已记录 NXJG-2022-WY-001 2022-10 的验收：验收日期 2022-11-05" in steps["accept"].out
    same = desk("accept", CID, "2022-10", "--on", "2022-11-05", "--as", "li")
    assert same.code == 0 and "内容相同，未重复记录" in same.out
    changed = desk("accept", CID, "2022-10", "--on", "2022-11-07", "--as", "li")
    assert changed.code == 2 and "registry.acceptance_changed" in changed.err
    future = desk("accept", CID, "2022-11", "--on", "2099-01-01", "--as", "li")
    assert future.code == 2 and "registry.bad_acceptance_date" in future.err
    old = desk("settle", "--help")
    assert "--accepted-on" not in old.out


def test_desk_pay_takes_money_syntax_only_and_reverses_a_payment_by_reference(
    month: tuple[Desk, dict[str, Result]],
) -> None:
    desk, _ = month
    for bad in ("1e3", "1,00.00", "12.345", "¥100", "nan"):
        r = desk("pay", CID, "2022-10", bad, "--on", "2022-12-02", "--as", "sun")
        assert r.code == 2 and "desk.bad_amount" in r.err and "不是金额" in r.err, bad
    future = desk("pay", CID, "2022-10", "1.00", "--on", "2999-12-31", "--as", "sun")
    assert future.code == 2 and "registry.payment_in_future" in future.err
    early = desk("pay", CID, "2022-10", "1.00", "--on", "20221001", "--as", "sun")
    assert early.code == 2 and "registry.payment_before_period_end" in early.err
    paid = desk("pay", CID, "2022-10", "1,000.00", "--on", "2022-12-02", "--reference",
                "PZ-7", "--as", "sun")
    assert paid.code == 0 and "凭证号 PZ-7" in paid.out
    no_reason = desk("pay", CID, "2022-10", "--reverses", "PZ-7", "--as", "sun")
    assert no_reason.code == 2 and "--reason" in no_reason.err
    back = desk("pay", CID, "2022-10", "--reverses", "PZ-7", "--reason", "重复录入", "--as", "sun")
    assert back.code == 0 and "已冲正付款 PZ-7" in back.out and "-¥1,000.00" in back.out
    shown = desk("report", "--contract", CID, "-o", "图表-付款", "--json")
    assert shown.code == 0, shown.err
    report = json.loads(shown.out)
    assert report["periods"][0]["paid"] == "50000.00"


def test_desk_ocds_publishes_the_registry_history_as_releases_and_records(
        month: tuple[Desk, dict[str, Result]]) -> None:
    from outsourcing import ocds

    desk, steps = month
    r = steps["ocds"]
    assert r.code == 0, r.err
    assert "已写出 OCDS 发布包（4 条发布）：发布.json" in r.err
    pkg = ocds.loads((desk.folder / "发布.json").read_text("utf-8"))
    assert ocds.validation_errors(pkg) == []
    assert [(x["id"].removeprefix(f"ocds-nxjg01-{CID}-"), x["date"][:10], x["tag"])
            for x in pkg["releases"]] == [
        ("contract", "2022-09-20", ["award", "contract"]),
        ("amendment-BC-2022-01", "2022-10-09", ["contractAmendment"]),
        ("milestones-2022-10", "2022-11-05", ["implementation"]),
        ("payment-ZF-1", "2022-12-01", ["implementation"])]
    (tx,) = pkg["releases"][-1]["contracts"][0]["implementation"]["transactions"]
    assert tx["value"]["amount"] == Decimal("50000.00")
    rec = steps["ocds records"]
    assert rec.code == 0, rec.err
    records = ocds.loads(rec.out)
    assert ocds.validation_errors(records) == []
    assert [x["ocid"] for x in records["records"]] == [f"ocds-xxxxxx-{CID}"]
    november = desk("ocds", "--contract", CID, "--from", "2022-11-01", "--to", "2022-11-30")
    assert november.code == 0, november.err
    assert [x["tag"] for x in ocds.loads(november.out)["releases"]] == [["implementation"]]
    nobody = desk("ocds", "--unit", "NOBODY")
    assert nobody.code == 2 and "采购单位" in nobody.err
