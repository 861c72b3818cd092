"""Reading Excel cells strictly, and the error that names the sheet, the cell and the reason.

A workbook filled by people is read cell by cell; every bad cell is collected (not only the
first), and the whole import is refused with a :class:`WorkbookError` listing each as
``工作表「物业」C9：得分 55 超过该评分项的分值 50`` — nothing is half-imported.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from .._limits import MAX_DIGITS, MAX_EXPONENT, exact_decimal
from ..errors import OutsourcingError
from ..messages_zh import say

__all__ = ["CellProblem", "Problems", "WorkbookError", "cell_text", "open_workbook"]


@attrs.frozen
class CellProblem:
    """One bad cell: the sheet, the cell (``C9``), a stable code and the reason in Chinese."""

    sheet: str
    cell: str
    code: str
    zh: str
    value: Any = None

    def __str__(self) -> str:
        where = f"工作表「{self.sheet}」" + (self.cell if self.cell else "")
        return f"{where}：{self.zh}"


class WorkbookError(OutsourcingError, ValueError):
    """A workbook refused: every bad cell with its sheet, cell and reason (工作簿错误)."""

    default_code = "desk.workbook"

    def __init__(self, path: str, problems: list[CellProblem], *, code: str | None = None
                 ) -> None:
        self.path = path
        self.problems = tuple(problems)
        first = problems[0]
        listing = "；".join(str(p) for p in problems[:20])
        more = f"；另有 {len(problems) - 20} 处" if len(problems) > 20 else ""
        super().__init__(
            f"workbook refused: {len(problems)} bad cell(s): "
            + "; ".join(f"{p.sheet}!{p.cell} {p.code}" for p in problems[:20]),
            field=f"{first.sheet}!{first.cell}" if first.cell else first.sheet,
            value=first.value, code=code or first.code, term="Excel工作簿",
            zh=say("desk.workbook.refused", count=len(problems), listing=listing, more=more))


def open_workbook(path: str | Path, *, data_only: bool = True) -> Any:
    """Open an ``.xlsx`` file within the limits of :mod:`.xlsx_open`; a missing, oversized,
    damaged or hostile file is a clear error naming it."""
    from .xlsx_open import open_workbook as open_checked

    return open_checked(path, data_only=data_only)


class Problems:
    """Collects bad cells while a workbook is read."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self.items: list[CellProblem] = []

    def add(self, sheet: str, cell: str, code: str, value: Any = None, /, *,
            says: str | None = None, **params: Any) -> None:
        """One bad cell under ``code``: its sentence is the catalogue's for ``says`` (the
        code when not given), filled from ``params``; ``value`` what the cell holds."""
        self.items.append(CellProblem(sheet, cell, code, say(says or code, **params), value))

    def add_error(self, sheet: str, cell: str, exc: OutsourcingError, value: Any) -> None:
        """One bad cell whose reason is an error of the library: its code and its sentence."""
        self.items.append(CellProblem(sheet, cell, exc.code, exc.message_zh, value))

    def __bool__(self) -> bool:
        return bool(self.items)

    def __iter__(self) -> Iterator[CellProblem]:
        return iter(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise WorkbookError(self.path, self.items, code=self.items[0].code)

    def need_sheets(self, wb: Any, *names: str) -> None:
        """Refuse the workbook, naming each, when one of the sheets ``names`` is missing."""
        for need in names:
            if need not in wb.sheetnames:
                self.add(need, "", "desk.workbook.sheet_missing",
                         says="desk.workbook.cell.sheet_missing", sheet=need,
                         sheets="、".join(wb.sheetnames))
        self.raise_if_any()

    # --- cells ---------------------------------------------------------------------------
    def number(self, ws: Any, ref: str, *, label: str, whole: bool = False,
               required: bool = False) -> Decimal | None:
        """A number cell: a number, or text holding one; anything else is a problem."""
        v = ws[ref].value
        if v is None or (isinstance(v, str) and not v.strip()):
            if required:
                self.add(ws.title, ref, "desk.workbook.missing_value",
                         says="desk.workbook.cell.empty", label=label)
            return None
        d: Decimal | None = None
        if isinstance(v, int | float | Decimal | str) and not isinstance(v, bool):
            raw = (Decimal(repr(v)) if isinstance(v, float) else
                   v.strip().replace(",", "") if isinstance(v, str) else v)
            try:  # the library's exact reader: digits and exponent checked before any use
                d = exact_decimal(raw, field=label, term=label, error=OutsourcingError,
                                  code="desk.workbook.number")
            except OutsourcingError as exc:
                if exc.code.endswith("out_of_range"):
                    self.add(ws.title, ref, "desk.workbook.number_out_of_range", v,
                             label=label, digits=MAX_DIGITS, exponent=MAX_EXPONENT)
                    return None
        if d is None:
            self.add(ws.title, ref, "desk.workbook.not_a_number", v,
                     says="desk.workbook.cell.not_a_number", label=label, given=str(v)[:40])
            return None
        if d < 0:
            self.add(ws.title, ref, "desk.workbook.bad_cell", v,
                     says="desk.workbook.cell.negative", label=label, given=v)
            return None
        if whole and d != d.to_integral_value():
            self.add(ws.title, ref, "desk.workbook.not_a_number", v,
                     says="desk.workbook.cell.not_whole", label=label, given=v)
            return None
        return d

    def date(self, ws: Any, ref: str, *, label: str, required: bool = False) -> date | None:
        v = ws[ref].value
        if v is None or (isinstance(v, str) and not v.strip()):
            if required:
                self.add(ws.title, ref, "desk.workbook.missing_value",
                         says="desk.workbook.cell.empty", label=label)
            return None
        if isinstance(v, datetime):
            return v.date()
        if isinstance(v, date):
            return v
        if isinstance(v, str):
            try:
                return date.fromisoformat(v.strip())
            except ValueError:
                pass
        self.add(ws.title, ref, "desk.workbook.not_a_date", v,
                 says="desk.workbook.cell.not_a_date", label=label, given=str(v)[:40])
        return None

    def text(self, ws: Any, ref: str, *, label: str, required: bool = False) -> str:
        v = ws[ref].value
        text = "" if v is None else str(v).strip()
        if not text and required:
            self.add(ws.title, ref, "desk.workbook.missing_value",
                     says="desk.workbook.cell.empty", label=label)
        return text


def cell_text(v: Any) -> str:
    """A cell's value as stripped text ('' for empty)."""
    return "" if v is None else str(v).strip()
