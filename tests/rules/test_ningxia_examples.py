"""The Ningxia examples run, print their key figures, and a third-party city plugin installs
with pip and loads through its entry point with no change to core."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from example_runner import run_example

ROOT = Path(__file__).resolve().parents[2]




def test_dawukou_example_passes_security_and_cleaning_and_flags_greening() -> None:
    out = run_example("dawukou_budget_scope.py")
    first, second = out.split("合同 DWK-2022-AB-002")
    assert "原合同金额 ¥600,000.00（预算 ¥620,000.00）" in first
    assert "检查结果: 通过（无问题）" in first
    assert "scope.service_not_bought" not in first
    assert "greening  绿化养护 全年 ¥78,000.00" in second
    assert "原合同金额 ¥678,000.00（预算 ¥620,000.00）" in second
    assert "error: scope.service_not_bought: lines[2].service: 大武口区 does not buy greening" \
        in second
    assert "《推进机关后勤社会化服务改革的思考》（宁夏机关事务 2022）" in second
    assert "budget.exceeded" in second


PROBE = """
import datetime, outsourcing
reg = outsourcing.load()
print("present", "NX-MYC" in reg.jurisdictions)
if "NX-MYC" in reg.jurisdictions:
    rb = reg.rulebook("NX-MYC")
    r = rb.resolve("changes.supplementary_cap", datetime.date(2023, 1, 1))
    print("declared_by", reg.declared_by("NX-MYC"))
    print("chain", "/".join(j.code for j in rb.chain))
    print("cap", r.value, r.parameter.jurisdiction)
    print("before", rb.value("changes.supplementary_cap", datetime.date(2022, 12, 31)))
    c = outsourcing.Contract(
        id="MYC-1", title="示例", jurisdiction="NX-MYC",
        purchaser=outsourcing.Purchaser("P", "示例市机关事务管理局"),
        supplier=outsourcing.Supplier("S", "某公司", "small"),
        term=outsourcing.DateRange(datetime.date(2023, 1, 1), datetime.date(2023, 12, 31)),
        lines=[outsourcing.ServiceLine("bj", "cleaning", "示例市政府",
                                       outsourcing.FixedMonthly("10000.00"))])
    print("findings", [(f.code, f.source) for f in c.check(rb)])
"""


def _probe() -> str:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                          check=True, timeout=60)
    return done.stdout


def test_my_city_plugin_installs_with_pip_and_loads_through_its_entry_point(
    tmp_path: Path,
) -> None:
    assert _probe().strip() == "present False"
    pkg = tmp_path / "my_city_plugin"
    shutil.copytree(ROOT / "examples" / "my_city_plugin", pkg)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    subprocess.run([*pip, "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--no-index", str(pkg)], check=True, capture_output=True, timeout=120)
    try:
        out = _probe().splitlines()
    finally:
        subprocess.run([*pip, "uninstall", "--yes", "--quiet", "outsourcing-my-city"],
                       check=True, capture_output=True, timeout=120)
    assert out == [
        "present True",
        "declared_by my-city",
        "chain CN/NX/NX-MYC",
        "cap 0.05 NX-MYC",
        "before 0.10",
        "findings [('my_city.signing_date_missing', 'my-city')]",
    ]
    assert _probe().strip() == "present False"
