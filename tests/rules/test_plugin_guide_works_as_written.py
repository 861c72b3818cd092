"""docs/write-your-own-city-plugin.md works as written: its code blocks, put where its tree
says, make a package that pip installs (offline) and whose rules and hook load."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "write-your-own-city-plugin.md"

PROBE = """
import datetime, outsourcing
reg = outsourcing.load()
rb = reg.rulebook("NX-MYC")
print("declared_by", reg.declared_by("NX-MYC"))
print("cap", rb.value("changes.supplementary_cap", datetime.date(2023, 6, 1)))
print("before", rb.value("changes.supplementary_cap", datetime.date(2022, 12, 31)))
c = outsourcing.Contract(
    id="MYC-1", title="示例", jurisdiction="NX-MYC",
    purchaser=outsourcing.Purchaser("P", "示例市机关事务管理局"),
    supplier=outsourcing.Supplier("S", "某公司", "small"),
    term=outsourcing.DateRange(datetime.date(2023, 1, 1), datetime.date(2023, 12, 31)),
    lines=[outsourcing.ServiceLine("bj", "cleaning", "示例市政府",
                                   outsourcing.FixedMonthly("10000.00"))])
print("findings", sorted(f.code for f in c.check(rb) if f.source == "my-city"))
kind = reg.catalogue.get("my_city_smart_parking")
print("kind", kind.source, kind.parent, [k.id for k in kind.default_kpis])
"""


def _blocks(text: str) -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in
            re.finditer(r"```(\w*)\n(.*?)```", text, flags=re.DOTALL)]


def test_the_plugin_guide_package_installs_as_written_and_its_rules_load(tmp_path: Path
                                                                         ) -> None:
    blocks = _blocks(GUIDE.read_text(encoding="utf-8"))
    pyproject = next(b for lang, b in blocks if lang == "toml" and "[project]" in b)
    rule = next(b for lang, b in blocks if lang == "toml" and "[[values]]" in b)
    code = "\n\n".join(b for lang, b in blocks if lang == "python")
    assert "[build-system]" in pyproject
    pkg = tmp_path / "my_city_plugin"
    src = pkg / "src" / "my_city_plugin"
    (src / "data" / "NX-MYC" / "changes").mkdir(parents=True)
    (pkg / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    (src / "__init__.py").write_text("", encoding="utf-8")
    (src / "city.py").write_text(code, encoding="utf-8")
    (src / "data" / "NX-MYC" / "changes" / "supplementary_cap.toml").write_text(
        rule, encoding="utf-8")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    subprocess.run([*pip, "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--no-index", str(pkg)], check=True, capture_output=True, timeout=120)
    try:
        done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                              timeout=60)
    finally:
        subprocess.run([*pip, "uninstall", "--yes", "--quiet", "outsourcing-my-city"],
                       check=True, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines() == [
        "declared_by my-city",
        "cap 0.05",
        "before 0.10",
        "findings ['my_city.signing_date_missing']",
        "kind my-city property ['equipment_ok', 'satisfaction']",
    ]
