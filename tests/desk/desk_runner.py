"""Runs the ``outsourcing`` command line in this process, in a folder with its own registry
(``$OUTSOURCING_DB`` there), capturing the exit code and both streams."""

from __future__ import annotations

import contextlib
import io
import os
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import attrs

import outsourcing as o
from outsourcing.cli import main


@attrs.frozen
class Ran:
    code: int
    out: str
    err: str


def run(folder: Path, *args: str, db: str | None = "desk.db") -> Ran:
    """``outsourcing ARGS`` in ``folder``; ``db`` is ``$OUTSOURCING_DB`` (None: unset)."""
    out, err = io.StringIO(), io.StringIO()
    saved = {k: os.environ.get(k) for k in ("OUTSOURCING_DB", "OUTSOURCING_ACTOR")}
    here = Path.cwd()
    os.environ.pop("OUTSOURCING_ACTOR", None)
    if db is None:
        os.environ.pop("OUTSOURCING_DB", None)
    else:
        os.environ["OUTSOURCING_DB"] = str(folder / db)
    os.chdir(folder)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:
                code = int(exc.code or 0)
    finally:
        os.chdir(here)
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return Ran(code, out.getvalue(), err.getvalue())


def founded(folder: Path) -> None:
    """A registry in ``folder`` with its founder ``wang`` (an approver)."""
    r = run(folder, "init", "--actor", "wang", "--name", "王审批")
    assert r.code == 0, r.err


def contract(cid: str, *, supplier: str = "S-1") -> o.Contract:
    """A year of property services from October 2022, 80,000 yuan a month (CN rules)."""
    return o.Contract(
        id=cid, title=f"办公区物业服务 {cid}", jurisdiction="CN",
        purchaser=o.Purchaser("P-1", "某机关事务管理局"),
        supplier=o.Supplier(supplier, f"某物业服务有限公司{supplier}", "small"),
        term=o.DateRange(date(2022, 10, 1), date(2023, 9, 30)),
        lines=[o.ServiceLine("property", "property", "办公区", o.FixedMonthly("80000.00"))])


def assessment(period: str, score: str = "95") -> o.Assessment:
    p = o.Period.parse(period)
    return o.Assessment(
        "property", p, "考核小组", p.range.end + timedelta(days=3),
        sheets=[o.ScoreSheet("inspection", [o.ScoreItem("综合", 100, Decimal(score))])],
        surveys=[o.Survey("satisfaction", 100, 96)],
        metrics=[o.Metric("repair_pass_rate", Decimal("98"))])


def staffed(folder: Path) -> o.Store:
    """The desk's registry in ``folder`` with wang and li (approvers), zhao (officer), qian
    (assessor) and sun (finance), each confirmed by another approver."""
    founded(folder)
    r = o.Store.open(str(folder / "desk.db"))
    r.add_actor("li", "李审批", ["approver"], by="wang")
    r.confirm_actor("li", by="li")
    for aid, name, role in (("zhao", "赵经办", "officer"), ("qian", "钱考核", "assessor"),
                            ("sun", "孙财务", "finance")):
        r.add_actor(aid, name, [role], by="wang")
        r.confirm_actor(aid, by="li")
    return r
