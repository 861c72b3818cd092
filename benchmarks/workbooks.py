"""Reading workbooks: the largest a bureau plausibly sends, and the refused ones (工作簿读取基准).

Run by hand (``tests/desk/test_workbook_speed.py`` runs the same builders with generous
bounds)::

    python benchmarks/workbooks.py [--lines 2000] [--sheets 50] [--repeat 3]

Prints, for the largest plausible contract workbook (2,000 line rows, 50 sheets), the time
``read_contract_terms`` takes and, as the baseline measured in the same run, the time
openpyxl's own ``load_workbook`` takes on the same file (the ratio is what the limits and
the reading add); then the same for an assessment workbook of 47 lines (50 sheets); then the
time each hostile workbook of issue 25 takes to be refused (the bound is 0.5 s).  The best
of ``--repeat`` runs is reported (the machine may be shared).
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import outsourcing as o
from outsourcing.desk.xlsx_assess import assessment_template, import_assessments
from outsourcing.desk.xlsx_contract import read_contract_terms, write_contract_workbook
from outsourcing.errors import OutsourcingError

__all__ = ["big_assessment", "big_contract", "hostile", "main"]

PRICINGS = (lambda i: o.FixedMonthly(f"{1000 + i}.00"),
            lambda i: o.UnitRate(f"{80 + i % 7}.5000", Decimal(10 + i % 5), unit="次"),
            lambda i: o.LabourPlusMaterials(f"{5000 + i}.00", "2000.00"),
            lambda i: o.AnnualFee(f"{120000 + i}.00"))


def _contract(lines: int) -> o.Contract:
    return o.Contract(
        id="BIG-2022-001", title="全区机关办公区综合物业服务", jurisdiction="NX",
        purchaser=o.Purchaser("P-NX", "宁夏回族自治区机关事务管理局"),
        supplier=o.Supplier("S-1", "宁夏某物业服务有限公司", "small"),
        term=o.DateRange(date(2022, 1, 1), date(2022, 12, 31)),
        lines=[o.ServiceLine(f"L{i:04d}", ("property", "cleaning", "security",
                                           "elevator_maintenance")[i % 4],
                             f"第{i % 40 + 1}办公区", PRICINGS[i % 4](i), f"第 {i} 项服务")
               for i in range(lines)])


def big_contract(folder: Path, lines: int = 2000, sheets: int = 50) -> Path:
    """A contract workbook of ``lines`` line rows, with sheets added up to ``sheets``
    (attachments a bureau keeps in the same file: 30 rows of 10 columns each)."""
    from openpyxl import load_workbook

    path = write_contract_workbook(_contract(lines), folder / "big.xlsx")
    wb = load_workbook(path)
    n = 0
    while len(wb.sheetnames) < sheets:
        n += 1
        ws = wb.create_sheet(f"附件{n}")
        for r in range(30):
            ws.append([f"附件{n}第{r}行第{c}列" if c % 2 else r * c for c in range(10)])
    wb.save(path)
    return path


def big_assessment(folder: Path, registry: o.PluginHost, lines: int = 47) -> tuple[Path, Any]:
    """The assessment workbook of a contract of ``lines`` lines (``lines`` + 3 sheets)."""
    c = _contract(lines)
    c = o.Contract(id=c.id, title=c.title, jurisdiction=c.jurisdiction, purchaser=c.purchaser,
                   supplier=c.supplier, term=c.term,
                   lines=[o.ServiceLine(x.id, x.service, x.site, o.FixedMonthly("1000.00"))
                          for x in c.lines])
    path = assessment_template(c, "2022-10", registry.rulebook("NX"), folder / "assess.xlsx")
    return path, c


def _edit(path: Path, out: Path, part_of: str, edit: Callable[[bytes], bytes]) -> Path:
    """A copy of ``path`` with the part of the sheet named ``part_of`` passed through
    ``edit`` (or the whole-package part, when ``part_of`` is a part name)."""
    with zipfile.ZipFile(path) as z:
        book = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
    part = part_of
    m = re.search(rf'<sheet [^>]*name="{part_of}"[^>]*r:id="(\w+)"', book)
    if m:
        t = re.search(rf'Id="{m.group(1)}"[^>]*/>|<Relationship [^>]*Id="{m.group(1)}"[^>]*>',
                      rels)
        assert t is not None
        target = re.search(r'Target="([^"]+)"', t.group(0))
        assert target is not None
        part = "xl/" + target.group(1).lstrip("/").removeprefix("xl/")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zo:
        for info in zin.infolist():
            data = zin.read(info.filename)
            zo.writestr(info.filename, edit(data) if info.filename == part else data)
    return out


def hostile(folder: Path) -> dict[str, Path]:
    """The refused workbooks of issue 25, built from a small contract workbook."""
    import attrs

    c = _contract(2)
    base = write_contract_workbook(attrs.evolve(c, lines=list(c.lines)), folder / "base.xlsx")

    def cells(xml: bytes) -> Callable[[bytes], bytes]:
        return lambda data: data.replace(b"</sheetData>", xml + b"</sheetData>")

    laughs = (b'<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">' + b"".join(
        b'<!ENTITY %s "%s">' % (bytes([98 + i]), (b"&%s;" % bytes([97 + i])) * 10)
        for i in range(8)) + b"]>")
    out = {
        "far cell A999999991": _edit(base, folder / "far.xlsx", "服务项目", cells(
            b'<row r="999999991"><c r="A999999991"><v>1</v></c></row>')),
        "value at row 1,048,576": _edit(base, folder / "last.xlsx", "服务项目", cells(
            b'<row r="1048576"><c r="A1048576"><v>1</v></c></row>')),
        "100,000 line rows": _edit(base, folder / "rows.xlsx", "服务项目", cells(b"".join(
            b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>L%d</t></is></c><c r="E%d"><v>9'
            b"</v></c></row>" % (r, r, r, r) for r in range(4, 100_004)))),
        "zip bomb of 1,048,576 rows": _edit(base, folder / "bomb.xlsx", "服务项目", cells(
            b"<row><c><v>1</v></c></row>" * 1_048_573)),
        "400 MB title": _edit(base, folder / "title.xlsx", "合同", lambda data: re.sub(
            rb"<t>[^<]*</t>", lambda _: b"<t>" + b"x" * (400 * 1024 * 1024) + b"</t>", data,
            count=1)),
        "billion laughs": _edit(base, folder / "laughs.xlsx", "合同", lambda data: laughs
                                + re.sub(rb"^<\?xml[^>]*\?>", b"", data).replace(
                                    b"<t>", b"<t>&i;", 1)),
    }
    return out


def _best(fn: Callable[[], Any], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _refuse(path: Path) -> None:
    try:
        read_contract_terms(path)
    except OutsourcingError:
        return
    raise AssertionError(f"{path.name} was not refused")


def main(argv: list[str]) -> int:
    from openpyxl import load_workbook

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=2000)
    ap.add_argument("--sheets", type=int, default=50)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    registry = o.load()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        big = big_contract(folder, args.lines, args.sheets)
        read = _best(lambda: read_contract_terms(big), args.repeat)
        bare = _best(lambda: load_workbook(big, data_only=True), args.repeat)
        print(f"contract workbook, {args.lines} lines, {args.sheets} sheets "
              f"({big.stat().st_size / 1024:.0f} KB): read {read:.2f} s; openpyxl's bare "
              f"load {bare:.2f} s; ratio {read / bare:.2f}")
        assess, c = big_assessment(folder, registry, args.sheets - 3)
        rb = registry.rulebook("NX")
        read = _best(lambda: import_assessments(assess, c, "2022-10", rb), args.repeat)
        bare = _best(lambda: load_workbook(assess, data_only=True), args.repeat)
        print(f"assessment workbook, {args.sheets - 3} lines, {args.sheets} sheets: read "
              f"{read:.2f} s; openpyxl's bare load {bare:.2f} s; ratio {read / bare:.2f}")
        for name, path in hostile(folder).items():
            took = _best(lambda p=path: _refuse(p), args.repeat)  # type: ignore[misc]
            print(f"refused: {name} ({path.stat().st_size / 1024:.0f} KB): {took * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
