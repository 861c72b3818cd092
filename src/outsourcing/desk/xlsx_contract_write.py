"""Writing a contract, or the empty contract template, as a workbook (合同登记表).

:func:`write_contract_workbook` writes a contract with its own terms; :func:`write_contract_
template` the empty workbook.  Both add the ``说明`` sheet and the drop-down lists (a hidden
``选项`` sheet feeds them); the layout is :mod:`.xlsx_contract_layout`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..model import (
    MULTI_YEAR_CONDITIONS,
    QUALIFICATION_KINDS,
    AnnualFee,
    AreaRate,
    Contract,
    FixedMonthly,
    LabourPlusMaterials,
    Qualification,
    ServiceLine,
    TermTotal,
    UnitRate,
)
from ..money import Money
from ..plan import MILESTONE_LABELS
from ..terms import ContractTerms
from .xlsx_cells import append, save, text
from .xlsx_contract_layout import (
    ALL_DEFAULTS,
    CONTRACT_FIELDS,
    CONTRACT_SHEET,
    DAY_COUNT_ZH,
    LINE_HEADERS,
    LINES_SHEET,
    MONEY_FORMAT,
    OPTIONS_SHEET,
    PER_ZH,
    PRICING_ZH,
    QUALIFICATION_HEADERS,
    QUALIFICATIONS_SHEET,
    README_SHEET,
    ROUNDING_ZH,
    SCHEDULES_ZH,
    SIZES_ZH,
    SPLIT_ZH,
    WIDE_ZH,
    WORKING_ZH,
    YES_NO,
)
from .xlsx_kpis import DIRECTION_ZH, MEASURED_ZH, NOT_DUE_ZH, SCHEDULE_ZH, SCORING_ZH, write_kpis
from .xlsx_terms import (
    AGGREGATE_ZH,
    BASE_ZH,
    BY_RESULT_ZH,
    HOLDBACK_BASE_ZH,
    KIND_LABELS,
    PLAN_ZH,
    RATE_ZH,
    RECOVERY_ZH,
    RELEASE_ZH,
    write_plan,
    write_rules,
)

__all__ = ["GUIDE", "UNITS", "write_contract_template", "write_contract_workbook"]


def _key(table: dict[str, Any], value: Any) -> str:
    return next(k for k, v in table.items() if v == value)


def _yuan(m: Money | None) -> Any:
    return None if m is None else m.yuan


def write_contract_workbook(contract: Contract | ContractTerms, path: str | Path, *,
                            services: Sequence[tuple[str, str]] = ()) -> Path:
    """Write a contract (with its own terms, given as
    :class:`~outsourcing.terms.ContractTerms`) in the documented layout, with the 说明
    sheet and the drop-down lists; ``services`` are the catalogue's (code, Chinese name)
    for the services list."""
    from openpyxl import Workbook

    terms = contract if isinstance(contract, ContractTerms) else ContractTerms(contract)
    wb = Workbook()
    _contract_sheet(wb.active, terms)
    _lines_sheet(wb, terms.contract.lines)
    _qualifications_sheet(wb, terms.contract.supplier.qualifications)
    write_rules(wb, terms.rules)
    write_kpis(wb, terms.kpis)
    write_plan(wb, terms.plan)
    _guide(wb, services)
    return save(wb, path)


def write_contract_template(path: str | Path, *,
                            services: Sequence[tuple[str, str]] = ()) -> Path:
    """The empty contract workbook (合同登记表模板): every sheet with its header, the 说明
    sheet, and the drop-down lists."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = CONTRACT_SHEET
    for label in CONTRACT_FIELDS:
        append(ws, [label, None])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
    _contract_formats(ws)
    _lines_sheet(wb, ())
    _qualifications_sheet(wb, (), always=True)
    write_rules(wb, {})
    write_kpis(wb, {})
    write_plan(wb, None)
    _guide(wb, services)
    return save(wb, path)


def _contract_formats(ws: Any) -> None:
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 44
    row = {label: n for n, label in enumerate(CONTRACT_FIELDS, start=1)}
    for label in ("起始日期", "终止日期", "签订日期"):
        ws.cell(row=row[label], column=2).number_format = "yyyy-mm-dd"
    for label in ("预算", "合同金额"):
        ws.cell(row=row[label], column=2).number_format = MONEY_FORMAT


def _contract_sheet(ws: Any, terms: ContractTerms) -> None:
    from openpyxl.styles import Font

    c = terms.contract
    wide = terms.contract_rules
    adopted = ("" if not terms.adopt else ALL_DEFAULTS if "*" in terms.adopt
               else "、".join(terms.adopt))
    values = (c.id, c.title, c.jurisdiction, c.purchaser.id, c.purchaser.name, c.supplier.id,
              c.supplier.name, c.supplier.credit_code or None, c.supplier.size.zh, c.term.start,
              c.term.end, c.signed_on, _key(SCHEDULES_ZH, c.schedule.value), c.payment_days,
              _yuan(c.budget), c.purchaser.credit_code or None, _yuan(c.stated_amount),
              _key(DAY_COUNT_ZH, c.day_count.value),
              _key(WORKING_ZH, c.payment_working_days), c.late_interest_daily,
              c.price_adjustment_clause or None,
              "；".join(MULTI_YEAR_CONDITIONS[k] for k in sorted(c.multi_year_conditions))
              or None,
              WIDE_ZH[1] if wide is None else WIDE_ZH[0],
              None if wide is None or wide.total_cap is None else wide.total_cap.share,
              None if wide is None or wide.consecutive is None else wide.consecutive.periods,
              None if wide is None or wide.notices is None else wide.notices.notices,
              None if wide is None or wide.notices is None else wide.notices.window_months,
              adopted or None, _key(ROUNDING_ZH, c.rounding.value), c.rounding_clause or None)
    ws.title = CONTRACT_SHEET
    for label, v in zip(CONTRACT_FIELDS, values, strict=True):
        append(ws, [label, v])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
    _contract_formats(ws)


def _lines_sheet(wb: Any, lines: Sequence[ServiceLine]) -> None:
    from openpyxl.styles import Font

    ws = wb.create_sheet(LINES_SHEET)
    append(ws, list(LINE_HEADERS))
    for x in lines:
        p = x.pricing
        row: list[Any] = [None] * len(LINE_HEADERS)
        row[0:4] = [x.id, x.service, x.site, _key(PRICING_ZH, p.KIND)]
        row[10] = x.description or None
        if isinstance(p, FixedMonthly):
            row[4], row[6], row[7] = p.monthly_fee.yuan, p.quantity, p.unit
        elif isinstance(p, UnitRate):
            row[5], row[6], row[7] = p.unit_price.yuan, p.quantity, p.unit
        elif isinstance(p, LabourPlusMaterials):
            row[8], row[9] = p.labour_monthly.yuan, p.materials_budget.yuan
        elif isinstance(p, AnnualFee):
            row[11], row[6], row[7] = p.annual_fee.yuan, p.quantity, p.unit
        elif isinstance(p, AreaRate):
            row[12], row[13], row[14], row[7] = (p.area, p.rate.yuan,
                                                 _key(PER_ZH, p.per.value), p.unit)
        elif isinstance(p, TermTotal):
            row[18], row[19], row[20], row[7] = p.total.yuan, p.over.start, p.over.end, p.unit
        if isinstance(p, AnnualFee | AreaRate):
            row[15] = _key(SPLIT_ZH, p.split.value)
            row[16] = p.remainder_month
            row[17] = _key(YES_NO, p.count_leap_day)
        append(ws, row)
        r = ws.max_row
        for col in (5, 6, 9, 10, 12, 14, 19):
            ws.cell(row=r, column=col).number_format = MONEY_FORMAT
        for col in (20, 21):
            ws.cell(row=r, column=col).number_format = "yyyy-mm-dd"
    for i, w in enumerate((16, 22, 22, 12, 14, 12, 8, 10, 14, 16, 30, 14, 12, 12, 12, 12, 10,
                           10, 14, 12, 12)):
        ws.column_dimensions[chr(ord("A") + i)].width = w
    for cell in ws[1]:
        cell.font = Font(bold=True)


def _qualifications_sheet(wb: Any, quals: Sequence[Qualification], *,
                          always: bool = False) -> None:
    if not quals and not always:
        return
    q = wb.create_sheet(QUALIFICATIONS_SHEET)
    append(q, list(QUALIFICATION_HEADERS))
    for qual in quals:
        append(q, [QUALIFICATION_KINDS.get(qual.kind, qual.kind), qual.level or None,
                  qual.issuer or None, qual.valid_from, qual.valid_until, qual.number or None])
    q.column_dimensions["A"].width = 36


def _guide(wb: Any, services: Sequence[tuple[str, str]]) -> None:
    """The 说明 sheet and the drop-down lists (a hidden 选项 sheet feeds them)."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    lists: dict[str, list[str]] = {
        "服务类别": [code for code, _ in services],
        "计价方式": list(PRICING_ZH), "资质类别": list(QUALIFICATION_KINDS.values()),
        "计量单位": list(UNITS), "结算周期": list(SCHEDULES_ZH),
        "企业规模": list(SIZES_ZH), "计费天数": list(DAY_COUNT_ZH),
        "付款期限计日": list(WORKING_ZH), "合同整体条款": list(WIDE_ZH),
        "计费取整": list(ROUNDING_ZH), "暂扣基数": list(HOLDBACK_BASE_ZH),
        "支付方式": list(RATE_ZH), "暂扣释放": list(RELEASE_ZH),
        "暂扣按考核结果": list(BY_RESULT_ZH), "多点位汇总方式": list(AGGREGATE_ZH),
        "扣款基数": list(BASE_ZH), "付款计划类型": list(PLAN_ZH), "抵扣方式": list(RECOVERY_ZH),
        "分月规则": list(SPLIT_ZH), "面积单价按": list(PER_ZH), "闰日计费": list(YES_NO),
        "事件类别": list(KIND_LABELS.values()),
        "付款节点": [v for k, v in MILESTONE_LABELS.items() if k != "prepayment"],
        "方向": list(DIRECTION_ZH), "计分方式": list(SCORING_ZH), "考核周期": list(SCHEDULE_ZH),
        "本期不考核时": list(NOT_DUE_ZH), "是否": list(YES_NO), "计量方式": list(MEASURED_ZH)}
    opts = wb.create_sheet(OPTIONS_SHEET)
    where: dict[str, str] = {}
    for n, (name, values) in enumerate(lists.items(), start=1):
        col = opts.cell(row=1, column=n).column_letter
        opts.cell(row=1, column=n, value=name)
        for r, v in enumerate(values, start=2):
            opts.cell(row=r, column=n, value=text(v))
        where[name] = f"'{OPTIONS_SHEET}'!${col}$2:${col}${max(2, len(values) + 1)}"
    opts.sheet_state = "hidden"

    def dropdown(sheet: str, refs: str, name: str) -> None:
        dv = DataValidation(type="list", formula1=where[name], allow_blank=True,
                            showErrorMessage=name not in ("计量单位", "事件类别", "付款节点"),
                            errorTitle="输入有误", error=f"请从列表中选择{name}")
        wb[sheet].add_data_validation(dv)
        dv.add(refs)

    row = {label: n for n, label in enumerate(CONTRACT_FIELDS, start=1)}
    for label in ("结算周期", "企业规模", "计费天数", "付款期限计日", "合同整体条款", "计费取整"):
        dropdown(CONTRACT_SHEET, f"B{row[label]}", label)
    last = 200
    for col, name in (("B", "服务类别"), ("D", "计价方式"), ("H", "计量单位"),
                      ("O", "面积单价按"), ("P", "分月规则"), ("R", "闰日计费")):
        if lists[name]:
            dropdown(LINES_SHEET, f"{col}2:{col}{last}", name)
    if QUALIFICATIONS_SHEET in wb.sheetnames:
        dropdown(QUALIFICATIONS_SHEET, f"A2:A{last}", "资质类别")
    for sheet, col, name in (("支付规则", "B", "支付方式"), ("支付规则", "H", "暂扣释放"),
                             ("支付规则", "I", "暂扣按考核结果"),
                             ("支付规则", "R", "多点位汇总方式"), ("支付规则", "T", "暂扣基数"),
                             ("扣款", "B", "事件类别"), ("扣款", "F", "扣款基数"),
                             ("加减分", "B", "事件类别"), ("付款计划", "A", "付款计划类型"),
                             ("付款计划", "B", "付款节点"), ("付款计划", "E", "抵扣方式"),
                             ("考核指标", "G", "方向"), ("考核指标", "I", "计分方式"),
                             ("考核指标", "K", "是否"), ("考核指标", "M", "考核周期"),
                             ("考核指标", "P", "本期不考核时"), ("考核指标", "Q", "是否"),
                             ("考核指标", "R", "计量方式")):
        dropdown(sheet, f"{col}2:{col}{last}", name)

    guide = wb.create_sheet(README_SHEET, 0)
    guide.column_dimensions["A"].width = 16
    guide.column_dimensions["B"].width = 100
    append(guide, ["合同登记表", "一份合同一个工作簿；各表表头请勿改动。"
                  "带下拉列表的单元格请从列表中选择。"])
    guide["A1"].font = Font(bold=True, size=14)
    for sheet, guide_text in GUIDE:
        append(guide, [sheet, guide_text])
        guide.cell(row=guide.max_row, column=1).font = Font(bold=True)
        guide.cell(row=guide.max_row, column=2).alignment = Alignment(wrap_text=True)


UNITS = ("月", "台", "台·月", "人", "人·月", "趟", "次", "日", "m²", "年", "期", "批")
"""Usual units of measure (计量单位) offered in the drop-down (any other may be typed)."""

GUIDE = (
    (CONTRACT_SHEET,
     "A 列为项目、B 列填值。结算周期 按月/按季；付款期限（日）自验收（或双方确认结算金额）"
     "之日起算，付款期限计日 日历日/工作日；约定逾期利息日利率如 0.0005；"
     "跨年度条件以「；」分隔：" + "；".join(MULTI_YEAR_CONDITIONS.values()) + "。"
     "合同整体条款：「合同约定」则按下列三项（留空即合同不设该项），"
     "「未约定」则采用示例默认值并在结算单上提示。"
     "采纳示例默认条款：写参数编号（如 payment.holdback，以「、」分隔）或「全部」。"
     "计费取整：累计取整（默认）或每期单独取整（各结算期单独四舍五入，全期为各期之和），"
     "取整条款写合同原文。"),
    (LINES_SHEET,
     "每行一个服务项目。计价方式：固定月费（月费×数量）、单价（单价×计划数量，"
     "按实际数量结算）、人工加材料（人工费按月、原材料按实结算，以预算为限）、"
     "年服务费（年服务费×数量，按分月规则分摊）、面积单价（面积×单价，按月或按年）、"
     "合同总价（总价期间内平均分摊）。单价至多四位小数。分月规则「按期直接折算」即"
     "全年 × 1/4（按季）或 1/12（按月），各期单独四舍五入，履行期限须为整数个结算期。"),
    (QUALIFICATIONS_SHEET, "资质类别可填中文名称（下拉列表）或代码；等级如 一级/B级。"),
    ("支付规则",
     "需要约定自己支付规则的服务项目各填一行；未填的服务项目采用示例默认规则并在结算单上提示。"
     "支付方式：分档支付（档位填在「分档」表）、公式（得分≥全额支付分数线全额，"
     "否则按（公式常数+得分)%）、全额支付。比例均写小数（0.05 即 5%）。"
     "暂扣基数：考核后金额（默认）或合同费用（考核费用，如每月物业费的5%）。"),
    ("分档", "每个档位一行：档位名称、最低得分（最低一档须为0）、支付比例（1 即 100%）。"),
    ("扣款",
     "每种事件一行：固定扣款金额（元），或扣款比例（如 0.01）及比例上限"
     "（如 0.03，表示1%–3%，每次由考核人在范围内确定），"
     "扣款基数 当期/当季度/当年度/合同期，基数服务项目可留空。"),
    ("加减分", "每种事件一行：分值（加分为正、减分为负）；上限填在「支付规则」表。"),
    ("点位", "多点位考核的服务项目，每个点位一行；按费用加权时填费用权重（元）。"),
    ("考核指标",
     "按合同约定考核指标的服务项目，每个指标一行（未填的服务项目采用目录中的默认指标）："
     "指标编号、名称、单位、目标值、方向（不低于/不高于）、权重（各指标合计100）、计分方式"
     "（按比例计分/达标得分）；考核周期 每期/每季度/每半年/每年/指定日期，考核月份如 10 或 "
     "3、6、9、12，考核日期如 2023-10-15；本期不考核时 按权重折算/沿用上次结果（留空则采用示例"
     "默认并在结算单上提示）；允许不适用 是/否；"
     "计量方式 实测值/满意度调查/评分表（留空按单位推定）。"),
    ("付款计划",
     "分期付款：每期一行（付款节点、比例，合计须为100%）；定期结算：一行；"
     "预付款：一行（比例、抵扣方式 按比例/依次）。"),
)
