"""The statements of a period as an Excel workbook (结算汇总表).

``汇总`` lists every contract's totals with a total row; then one sheet per contract (named
by its id) holds its lines and, below them, the basis of each figure (计算依据: the rule, its
citation and the inputs).  Amounts are numbers formatted ``¥#,##0.00`` — a finance office
can add them up — and equal the statements' to the fen; headers are Chinese.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import OutsourcingError
from ..messages_zh import VALUES_ZH, citation_for_people
from ..money import Money
from ..statement import Statement
from .capitals import amount_in_capitals
from .xlsx_cells import append, save

if TYPE_CHECKING:
    from ..registry import StatementVersion

__all__ = ["MONEY_FORMAT", "SUMMARY_HEADERS", "SUMMARY_SHEET", "export_statements"]

MONEY_FORMAT = "¥#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
"""到期日 is an Excel date (a finance office can sort and compare it), shown as 2022-11-30."""
SUMMARY_SHEET = "汇总"
SUMMARY_HEADERS = ("合同编号", "合同名称", "采购人", "供应商", "结算期间", "合同费用", "考核后金额",
                   "扣款", "暂扣款", "释放暂扣款", "暂缓支付", "应付金额", "逾期利息", "应付合计",
                   "到期日", "应付金额（大写）", "版本", "原应付金额", "更正差额", "更正原因",
                   "审计链位置", "审计哈希")
DUE_COLUMN = SUMMARY_HEADERS.index("到期日") + 1
_MONEY_COLS = ("fee", "performance_amount", "deductions", "holdback", "released", "withheld",
               "payable", "late_interest", "amount_due")
LINE_HEADERS = ("服务项目编号", "服务项目", "办公区", "考核状态", "合同费用", "考核得分",
                "支付比例", "考核后金额", "实际扣款", "暂扣款", "释放暂扣款", "暂缓支付",
                "应付金额", "暂扣款余额")


def _num(m: Money) -> Decimal:
    return m.yuan


def sheet_name(text: str, taken: set[str]) -> str:
    """A valid, unique sheet name (at most 31 characters, none of ``[]:*?/\\``)."""
    base = re.sub(r"[\[\]:*?/\\]", "_", text)[:31] or "合同"
    name, n = base, 2
    while name in taken:
        suffix = f"~{n}"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name)
    return name


def _style_header(ws: Any, row: int, ncols: int) -> None:
    from openpyxl.styles import Font, PatternFill

    for c in range(1, ncols + 1):
        cell = ws.cell(row=row, column=c)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDDDDD")


def export_statements(statements: Sequence[Statement], path: str | Path,
                      versions: Sequence[StatementVersion | None] | None = None) -> Path:
    """Write the statements to ``path`` (``.xlsx``); returns the path.  ``versions`` (one
    per statement, from the registry) adds each one's version: 更正结算单 第N版, the
    superseded payable, the difference to pay (positive) or recover (negative) and why."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    if not statements:
        raise OutsourcingError("no statements to export", field="statements", value=[],
                               code="desk.export.no_statements", term="结算单")
    wb = Workbook()
    ws = wb.active
    ws.title = SUMMARY_SHEET
    append(ws, list(SUMMARY_HEADERS))
    _style_header(ws, 1, len(SUMMARY_HEADERS))
    totals = dict.fromkeys(_MONEY_COLS, Money(0))
    shown = list(versions) if versions is not None else [None] * len(statements)
    for s, v in zip(statements, shown, strict=True):
        values = [getattr(s, k) for k in _MONEY_COLS]
        for k, x in zip(_MONEY_COLS, values, strict=True):
            totals[k] = totals[k] + x
        append(ws, [s.contract_id, s.title, s.purchaser, s.supplier, str(s.period),
                   *[_num(x) for x in values],
                   s.due_on if s.due_on else "未定",
                   amount_in_capitals(s.amount_due),
                   *(_version_cells(v) if v is not None else ["", None, None, "", None, ""])])
        for c in (len(SUMMARY_HEADERS) - 4, len(SUMMARY_HEADERS) - 3):
            ws.cell(row=ws.max_row, column=c).number_format = MONEY_FORMAT
        ws.cell(row=ws.max_row, column=DUE_COLUMN).number_format = DATE_FORMAT
    append(ws, ["合计", "", "", "", "", *[_num(totals[k]) for k in _MONEY_COLS], "",
               amount_in_capitals(totals["amount_due"])])
    for c in range(1, len(SUMMARY_HEADERS) + 1):
        ws.cell(row=ws.max_row, column=c).font = Font(bold=True)
    for row in ws.iter_rows(min_row=2, min_col=6, max_col=6 + len(_MONEY_COLS) - 1):
        for cell in row:
            cell.number_format = MONEY_FORMAT
    for col, width in zip("ABCDEFGHIJKLMNOPQRSTUV",
                          (18, 30, 26, 24, 10, *([14] * 9), 12, 36, 18, 14, 14, 40, 12, 66),
                          strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "B2"

    taken = {SUMMARY_SHEET}
    for s, v in zip(statements, shown, strict=True):
        _contract_sheet(wb.create_sheet(sheet_name(s.contract_id, taken)), s, v)
    return save(wb, path)


def _version_cells(v: StatementVersion) -> list[Any]:
    """版本, 原应付金额, 更正差额, 更正原因, 审计链位置, 审计哈希."""
    chain = [v.audit_seq, v.audit_hash]
    if not v.correction:
        return [v.title_zh, None, None, "", *chain]
    assert v.superseded_payable is not None
    return [v.title_zh, _num(v.superseded_payable), _num(v.difference), v.reason, *chain]


def _contract_sheet(ws: Any, s: Statement, version: StatementVersion | None = None) -> None:
    from openpyxl.styles import Alignment, Font

    head = [("合同编号", s.contract_id), ("合同名称", s.title), ("采购人", s.purchaser),
            ("供应商", f"{s.supplier}（{s.supplier_size}）"),
            ("结算期间", f"{s.period}（{s.span.start} 至 {s.span.end}）")]
    if version is not None:
        head += [("版本", line) for line in version.lines_zh()]
    for k, v in head:
        append(ws, [k, v])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
    append(ws, [])
    append(ws, list(LINE_HEADERS))
    _style_header(ws, ws.max_row, len(LINE_HEADERS))
    first = ws.max_row + 1
    for x in s.lines:
        append(ws, [x.line_id, x.service_zh, x.site, x.status.zh, _num(x.fee),
                   None if x.score is None else x.score,
                   None if x.pay_rate is None else x.pay_rate,
                   _num(x.performance_amount), _num(x.deductions_applied), _num(x.holdback),
                   _num(x.released), _num(x.withheld), _num(x.payable), _num(x.held_balance)])
    append(ws, ["合计", "", "", "", _num(s.fee), None, None, _num(s.performance_amount),
               _num(s.deductions), _num(s.holdback), _num(s.released), _num(s.withheld),
               _num(s.payable), None])
    last = ws.max_row
    for c in range(1, len(LINE_HEADERS) + 1):
        ws.cell(row=last, column=c).font = Font(bold=True)
    for r in range(first, last + 1):
        for c in (5, 8, 9, 10, 11, 12, 13, 14):
            ws.cell(row=r, column=c).number_format = MONEY_FORMAT
        ws.cell(row=r, column=6).number_format = "0.00"
        ws.cell(row=r, column=7).number_format = "0%"
    append(ws, [])
    append(ws, ["应付金额（大写）", f"人民币{amount_in_capitals(s.payable)}"])
    if s.due_on is not None:
        append(ws, ["付款到期日", s.due_on])
        ws.cell(row=ws.max_row, column=2).number_format = DATE_FORMAT
    if s.paid_on is not None:
        append(ws, ["逾期利息", _num(s.late_interest)])
        ws.cell(row=ws.max_row, column=2).number_format = MONEY_FORMAT
        append(ws, ["应付合计", _num(s.amount_due)])
        ws.cell(row=ws.max_row, column=2).number_format = MONEY_FORMAT
    if s.findings:
        append(ws, [])
        append(ws, ["检查结果"])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
        for f in s.findings:
            append(ws, [f.severity_zh, f.message_zh, f.code])
    append(ws, [])
    append(ws, ["计算依据"])
    ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
    basis = ("服务项目编号", "项目", "数值", "规则", "依据", "输入")
    append(ws, list(basis))
    _style_header(ws, ws.max_row, len(basis))
    for e in s.all_explanations():
        ins = "；".join(f"{k}={VALUES_ZH.get(v, v)}" for k, v in e.inputs)
        append(ws, [e.line, e.figure, e.value, e.rule_id, citation_for_people(e.citation), ins])
        for c in (5, 6):
            ws.cell(row=ws.max_row, column=c).alignment = Alignment(wrap_text=True)
    for col, width in zip("ABCDEFGHIJKLMN", (16, 22, 22, 14, 14, 10, 10, 14, 14, 14, 14, 14, 14,
                                              14), strict=True):
        ws.column_dimensions[col].width = width
    ws.column_dimensions["E"].width = 40
    ws.column_dimensions["F"].width = 40
