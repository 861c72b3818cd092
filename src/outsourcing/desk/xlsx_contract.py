"""Contracts and framework price lists in Excel (合同登记表、统一报价清单).

The layout (documented in ``docs/desk.md``): a ``说明`` sheet first (how to fill each sheet)
and a hidden ``选项`` sheet feeding the drop-down lists, then:

``合同`` — two columns, a label and its value, one row each (:data:`CONTRACT_FIELDS`): the
parties, the term, 结算周期, the payment term (付款期限（日）, 付款期限计日 日历日/工作日), 预算,
合同金额, 计费天数, 约定逾期利息日利率, 价格调整条款, 跨年度条件, the contract-wide terms
(合同整体条款 合同约定/未约定 and its caps and thresholds) and 采纳示例默认条款.

``服务项目`` — a header row, then one row per line (:data:`LINE_HEADERS`): every pricing shape
(固定月费 / 单价 / 人工加材料 / 年服务费 / 面积单价 / 合同总价) with its figures.

``资质`` — 资质类别 (Chinese name or code), 等级, 发证机关, 有效期起, 有效期至, 证书编号.

The contract's own payment terms and KPIs — ``支付规则``, ``分档``, ``扣款``, ``加减分``,
``点位``, ``考核指标``, ``付款计划`` — are read and written by :mod:`.xlsx_terms`.

``报价清单`` (a framework agreement's price list) — 报价项目编号, 报价项目, 服务类别, 计量单位,
最高限价.

:func:`write_contract_template` writes the empty workbook; :func:`write_contract_workbook`
writes a contract with its terms (:class:`~outsourcing.terms.ContractTerms`);
:func:`read_contract_terms` reads one back (:func:`read_contract_workbook`: the contract
alone), refusing the workbook with every bad cell named; :func:`read_price_list` reads a
price list.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..accrual import Rounding
from ..dates import DateRange, DayCount
from ..errors import OutsourcingError
from ..framework import PriceListItem
from ..model import (
    MULTI_YEAR_CONDITIONS,
    QUALIFICATION_KINDS,
    AnnualFee,
    AreaRate,
    Contract,
    EnterpriseSize,
    FixedMonthly,
    LabourPlusMaterials,
    PaymentSchedule,
    Purchaser,
    Qualification,
    ServiceLine,
    Supplier,
    TermTotal,
    UnitRate,
    qualification_kind,
)
from ..money import Money, UnitPrice, unit_price
from ..payment import ConsecutiveFailures, ContractRules, NoticeWindow, TotalCap
from ..plan import MILESTONE_LABELS
from ..pricing import AreaUnit, MonthSplit
from ..terms import ContractTerms
from .cells import Problems, cell_text, open_workbook
from .xlsx_cells import append, money, save, text
from .xlsx_terms import (
    AGGREGATE_ZH,
    BASE_ZH,
    BY_RESULT_ZH,
    DIRECTION_ZH,
    HOLDBACK_BASE_ZH,
    KIND_LABELS,
    MEASURED_ZH,
    NOT_DUE_ZH,
    PLAN_ZH,
    RATE_ZH,
    RECOVERY_ZH,
    RELEASE_ZH,
    SCHEDULE_ZH,
    SCORING_ZH,
    read_kpis,
    read_plan,
    read_rules,
    write_kpis,
    write_plan,
    write_rules,
)

__all__ = [
    "CONTRACT_FIELDS",
    "CONTRACT_SHEET",
    "LINES_SHEET",
    "LINE_HEADERS",
    "PRICE_HEADERS",
    "PRICE_SHEET",
    "read_contract_terms",
    "read_contract_workbook",
    "read_price_list",
    "write_contract_template",
    "write_contract_workbook",
]

CONTRACT_SHEET = "合同"
LINES_SHEET = "服务项目"
QUALIFICATIONS_SHEET = "资质"
PRICE_SHEET = "报价清单"
README_SHEET = "说明"
OPTIONS_SHEET = "选项"
CONTRACT_FIELDS = ("合同编号", "合同名称", "辖区", "采购人编号", "采购人", "供应商编号", "供应商",
                   "统一社会信用代码", "企业规模", "起始日期", "终止日期", "签订日期", "结算周期",
                   "付款期限（日）", "预算", "采购人统一社会信用代码", "合同金额", "计费天数",
                   "付款期限计日", "约定逾期利息日利率", "价格调整条款", "跨年度条件",
                   "合同整体条款", "合同扣款总上限（比例）", "连续未达标期数（可更换供应商）",
                   "预警通知次数（可解除合同）", "预警通知滚动期间（月）", "采纳示例默认条款",
                   "计费取整", "取整条款")
OPTIONAL_FIELDS = frozenset(CONTRACT_FIELDS[CONTRACT_FIELDS.index("预算"):]) | {
    "统一社会信用代码", "签订日期", "付款期限（日）", "结算周期"}
"""Rows a contract sheet may leave out (an older workbook has none of the later ones)."""
LINE_HEADERS = ("服务项目编号", "服务类别", "办公区", "计价方式", "月费", "单价", "数量",
                "计量单位", "人工费（月）", "材料费预算（月）", "说明", "年服务费", "面积（m²）",
                "面积单价", "面积单价按", "分月规则", "尾差月份", "闰日计费", "合同总价",
                "总价期间起", "总价期间止")
_BASE_LINE_HEADERS = 11
"""The first headers every lines sheet has; the later ones only a sheet using them needs."""
QUALIFICATION_HEADERS = ("资质类别", "等级", "发证机关", "有效期起", "有效期至", "证书编号")
PRICE_HEADERS = ("报价项目编号", "报价项目", "服务类别", "计量单位", "最高限价")
PRICING_ZH = {"固定月费": FixedMonthly.KIND, "单价": UnitRate.KIND,
              "人工加材料": LabourPlusMaterials.KIND, "年服务费": AnnualFee.KIND,
              "面积单价": AreaRate.KIND, "合同总价": TermTotal.KIND}
SIZES_ZH = {"大型": "large", "中型": "medium", "小型": "small", "微型": "micro"}
SCHEDULES_ZH = {"按月": "monthly", "按季": "quarterly"}
DAY_COUNT_ZH = {"实际天数": DayCount.ACTUAL.value, "每月30天": DayCount.THIRTY.value}
WORKING_ZH = {"日历日": False, "工作日": True}
WIDE_ZH = ("合同约定", "未约定")
SPLIT_ZH = {"最大余额法": MonthSplit.ALLOCATE.value, "等额尾差": MonthSplit.EQUAL_REMAINDER.value,
            "实际天数": MonthSplit.ACTUAL_365.value, "按期直接折算": MonthSplit.LITERAL.value}
ROUNDING_ZH = {"累计取整": Rounding.RUNNING.value, "每期单独取整": Rounding.PERIOD.value}
"""计费取整: the running total rounded (the default), or each settlement period on its own."""
PER_ZH = {"元/m²·月": AreaUnit.MONTH.value, "元/m²·年": AreaUnit.YEAR.value}
YES_NO = {"是": True, "否": False}
ALL_DEFAULTS = "全部"
_MONEY_FORMAT = "¥#,##0.00"


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
        ws.cell(row=row[label], column=2).number_format = _MONEY_FORMAT


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
            ws.cell(row=r, column=col).number_format = _MONEY_FORMAT
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


def _headers(ws: Any, expected: tuple[str, ...], bad: Problems, required: int | None = None
             ) -> bool:
    """The header row matches ``expected``; past the first ``required`` headers a sheet may
    stop early (an older layout)."""
    need = len(expected) if required is None else required
    for i, e in enumerate(expected):
        g = cell_text(ws.cell(row=1, column=i + 1).value)
        if g != e and (i < need or g):
            bad.add(ws.title, f"{chr(ord('A') + i)}1", "desk.workbook.header",
                    f"表头应为「{e}」，却是「{g}」", g)
            return False
    return True


def _money(bad: Problems, ws: Any, ref: str, label: str, required: bool = True) -> Money | None:
    return money(bad, ws, ref, label, required)


def _price(bad: Problems, ws: Any, ref: str, label: str) -> Money | UnitPrice | None:
    """A unit price: up to four decimals of a yuan (单价，至多四位小数)."""
    d = bad.number(ws, ref, label=label, required=True)
    if d is None:
        return None
    try:
        return unit_price(d, field=label, term=label)
    except OutsourcingError as exc:
        bad.add(ws.title, ref, exc.code, exc.message_zh, str(d))
        return None


def read_contract_workbook(path: str | Path) -> Contract:
    """Read a contract from a workbook in the documented layout (its terms are read by
    :func:`read_contract_terms`)."""
    return read_contract_terms(path).contract


def _choice(bad: Problems, ws: Any, ref: str, label: str, table: dict[str, Any],
            default: Any) -> Any:
    t = bad.text(ws, ref, label=label)
    if not t:
        return default
    if t in table:
        return table[t]
    bad.add(ws.title, ref, "desk.workbook.bad_cell",
            f"{label}应为 {'/'.join(table)} 之一，却是「{t}」", t)
    return default


def _qualification(bad: Problems, q: Any, r: int) -> Qualification | None:
    text = cell_text(q.cell(row=r, column=1).value)
    kind = qualification_kind(text)
    if kind is None:
        known = "、".join(f"{v}（{k}）" for k, v in QUALIFICATION_KINDS.items())
        bad.add(q.title, f"A{r}", "desk.workbook.unknown_qualification",
                f"资质类别「{text}」未知；可填中文名称或代码：{known}", text)
        return None
    try:
        return Qualification(
            kind, cell_text(q.cell(row=r, column=2).value),
            cell_text(q.cell(row=r, column=3).value),
            valid_until=bad.date(q, f"E{r}", label="有效期至"),
            valid_from=bad.date(q, f"D{r}", label="有效期起"),
            number=cell_text(q.cell(row=r, column=6).value))
    except OutsourcingError as exc:
        bad.add(q.title, f"A{r}", exc.code, exc.message_zh, text)
        return None


def _pricing(bad: Problems, lw: Any, r: int) -> Any:
    kind_text = cell_text(lw.cell(row=r, column=4).value)
    kind = PRICING_ZH.get(kind_text, kind_text)
    unit = cell_text(lw.cell(row=r, column=8).value)

    def split() -> tuple[str, int | None, bool]:
        month = bad.number(lw, f"Q{r}", label="尾差月份", whole=True)
        return (_choice(bad, lw, f"P{r}", "分月规则", SPLIT_ZH, MonthSplit.ALLOCATE.value),
                None if month is None else int(month),
                _choice(bad, lw, f"R{r}", "闰日计费", YES_NO, False))

    if kind == FixedMonthly.KIND:
        fee = _money(bad, lw, f"E{r}", "月费")
        qty = bad.number(lw, f"G{r}", label="数量")
        if fee is not None:
            return FixedMonthly(fee, qty if qty is not None else Decimal(1), unit or "月")
    elif kind == UnitRate.KIND:
        price = _price(bad, lw, f"F{r}", "单价")
        qty = bad.number(lw, f"G{r}", label="数量", required=True)
        if not unit:
            bad.add(lw.title, f"H{r}", "desk.workbook.missing_value", "计量单位未填写")
        elif price is not None and qty is not None:
            return UnitRate(price, qty, unit=unit)
    elif kind == LabourPlusMaterials.KIND:
        labour = _money(bad, lw, f"I{r}", "人工费（月）")
        materials = _money(bad, lw, f"J{r}", "材料费预算（月）")
        if labour is not None and materials is not None:
            return LabourPlusMaterials(labour, materials)
    elif kind == AnnualFee.KIND:
        fee = _money(bad, lw, f"L{r}", "年服务费")
        qty = bad.number(lw, f"G{r}", label="数量")
        how, month, leap = split()
        if fee is not None:
            return AnnualFee(fee, qty if qty is not None else Decimal(1), how, month, leap,
                             unit or "年")
    elif kind == AreaRate.KIND:
        area = bad.number(lw, f"M{r}", label="面积（m²）", required=True)
        rate = _price(bad, lw, f"N{r}", "面积单价")
        per = _choice(bad, lw, f"O{r}", "面积单价按", PER_ZH, AreaUnit.MONTH.value)
        how, month, leap = split()
        if area is not None and rate is not None:
            return AreaRate(area, rate, per, how, month, leap, unit or "m²")
    elif kind == TermTotal.KIND:
        total = _money(bad, lw, f"S{r}", "合同总价")
        start = bad.date(lw, f"T{r}", label="总价期间起", required=True)
        end = bad.date(lw, f"U{r}", label="总价期间止", required=True)
        if total is not None and start is not None and end is not None:
            return TermTotal(total, DateRange(start, end), unit or "期")
    else:
        bad.add(lw.title, f"D{r}", "desk.workbook.bad_cell",
                f"计价方式应为 {'/'.join(PRICING_ZH)}，却是「{kind_text}」", kind_text)
    return None


def read_contract_terms(path: str | Path, *, services: Mapping[str, str] | None = None
                        ) -> ContractTerms:
    """Read a contract with the terms it states from a workbook in the documented layout;
    ``services`` maps a service's Chinese name to its code, so a 服务类别 cell may hold
    either.  The whole workbook is refused with every bad cell named."""
    wb = open_workbook(path)
    bad = Problems(path)
    bad.need_sheets(wb, CONTRACT_SHEET, LINES_SHEET)
    ws = wb[CONTRACT_SHEET]
    row_of: dict[str, int] = {}
    for r in range(1, ws.max_row + 1):
        label = cell_text(ws.cell(row=r, column=1).value)
        if label:
            row_of[label] = r
    for label in CONTRACT_FIELDS:
        if label not in row_of and label not in OPTIONAL_FIELDS:
            bad.add(CONTRACT_SHEET, "A", "desk.workbook.header", f"缺少「{label}」一行")
    bad.raise_if_any()

    def ref(label: str) -> str:
        return f"B{row_of[label]}" if label in row_of else "B999"

    def text(label: str, required: bool = True) -> str:
        return bad.text(ws, ref(label), label=label, required=required)

    named = {label: text(label) for label in ("合同编号", "合同名称", "辖区", "采购人编号",
                                                "采购人", "供应商编号", "供应商")}
    size_text = text("企业规模")
    size = SIZES_ZH.get(size_text, size_text)
    if size_text and size not in {s.value for s in EnterpriseSize}:
        bad.add(CONTRACT_SHEET, ref("企业规模"), "desk.workbook.bad_cell",
                f"企业规模应为 大型/中型/小型/微型，却是「{size_text}」", size_text)
    schedule = _choice(bad, ws, ref("结算周期"), "结算周期", SCHEDULES_ZH, "monthly")
    day_count = _choice(bad, ws, ref("计费天数"), "计费天数", DAY_COUNT_ZH,
                        DayCount.ACTUAL.value)
    working = _choice(bad, ws, ref("付款期限计日"), "付款期限计日", WORKING_ZH, False)
    rounding = _choice(bad, ws, ref("计费取整"), "计费取整", ROUNDING_ZH, Rounding.RUNNING.value)
    start = bad.date(ws, ref("起始日期"), label="起始日期", required=True)
    end = bad.date(ws, ref("终止日期"), label="终止日期", required=True)
    signed = bad.date(ws, ref("签订日期"), label="签订日期")
    days = bad.number(ws, ref("付款期限（日）"), label="付款期限（日）", whole=True)
    budget = _money(bad, ws, ref("预算"), "预算", required=False)
    stated = _money(bad, ws, ref("合同金额"), "合同金额", required=False)
    interest = bad.number(ws, ref("约定逾期利息日利率"), label="约定逾期利息日利率")
    conditions_text = text("跨年度条件", required=False)
    conditions = []
    by_name = {v: k for k, v in MULTI_YEAR_CONDITIONS.items()}
    for part in conditions_text.replace(";", "；").split("；") if conditions_text else ():
        name = part.strip()
        code = by_name.get(name, name if name in MULTI_YEAR_CONDITIONS else None)
        if code is None:
            bad.add(CONTRACT_SHEET, ref("跨年度条件"), "desk.workbook.bad_cell",
                    f"跨年度条件「{name}」未知；可填：{'；'.join(MULTI_YEAR_CONDITIONS.values())}",
                    name)
        else:
            conditions.append(code)
    wide_text = _choice(bad, ws, ref("合同整体条款"), "合同整体条款",
                        {k: k for k in WIDE_ZH}, WIDE_ZH[1])
    cap = bad.number(ws, ref("合同扣款总上限（比例）"), label="合同扣款总上限（比例）")
    streak = bad.number(ws, ref("连续未达标期数（可更换供应商）"),
                        label="连续未达标期数（可更换供应商）", whole=True)
    notices = bad.number(ws, ref("预警通知次数（可解除合同）"), label="预警通知次数（可解除合同）",
                         whole=True)
    window = bad.number(ws, ref("预警通知滚动期间（月）"), label="预警通知滚动期间（月）",
                        whole=True)
    contract_rules: ContractRules | None = None
    if wide_text == WIDE_ZH[0]:
        if (notices is None) != (window is None):
            bad.add(CONTRACT_SHEET, ref("预警通知滚动期间（月）"), "desk.workbook.missing_value",
                    "预警通知次数与滚动期间须同时填写")
        else:
            try:
                contract_rules = ContractRules(
                    None if cap is None else TotalCap(cap),
                    None if streak is None else ConsecutiveFailures(int(streak)),
                    None if notices is None or window is None
                    else NoticeWindow(int(notices), int(window)))
            except OutsourcingError as exc:
                bad.add(CONTRACT_SHEET, ref("合同扣款总上限（比例）"), exc.code, exc.message_zh,
                        exc.value)
    elif cap is not None or streak is not None or notices is not None or window is not None:
        bad.add(CONTRACT_SHEET, ref("合同整体条款"), "desk.workbook.bad_cell",
                "填写了合同整体条款的数值，合同整体条款却写「未约定」；请改为「合同约定」")
    adopt_text = text("采纳示例默认条款", required=False)
    adopt = (("*",) if adopt_text == ALL_DEFAULTS else
             tuple(p.strip() for p in adopt_text.replace(",", "、").split("、") if p.strip()))

    quals: list[Qualification] = []
    if QUALIFICATIONS_SHEET in wb.sheetnames:
        q = wb[QUALIFICATIONS_SHEET]
        if _headers(q, QUALIFICATION_HEADERS, bad):
            for r in range(2, q.max_row + 1):
                if cell_text(q.cell(row=r, column=1).value):
                    found = _qualification(bad, q, r)
                    if found is not None:
                        quals.append(found)

    lines: list[ServiceLine] = []
    lw = wb[LINES_SHEET]
    if _headers(lw, LINE_HEADERS, bad, required=_BASE_LINE_HEADERS):
        for r in range(2, lw.max_row + 1):
            lid = cell_text(lw.cell(row=r, column=1).value)
            if not lid:
                continue
            service = bad.text(lw, f"B{r}", label="服务类别", required=True)
            service = (services or {}).get(service, service)
            site = bad.text(lw, f"C{r}", label="办公区", required=True)
            desc = cell_text(lw.cell(row=r, column=11).value)
            try:
                pricing = _pricing(bad, lw, r)
                if pricing is not None and service and site:
                    lines.append(ServiceLine(lid, service, site, pricing, desc))
            except OutsourcingError as exc:
                bad.add(lw.title, f"A{r}", exc.code, exc.message_zh, lid)
        if not lines and not bad:
            bad.add(LINES_SHEET, "A2", "desk.workbook.missing_value", "合同至少需要一个服务项目")
    rules = read_rules(wb, [x.id for x in lines], bad)
    kpis = read_kpis(wb, [x.id for x in lines], bad)
    plan = read_plan(wb, bad)
    bad.raise_if_any()
    purchaser = supplier = None
    try:
        purchaser = Purchaser(named["采购人编号"], named["采购人"],
                              credit_code=text("采购人统一社会信用代码", required=False))
    except OutsourcingError as exc:
        bad.add(CONTRACT_SHEET, ref("采购人统一社会信用代码"), exc.code, exc.message_zh,
                exc.value)
    try:
        supplier = Supplier(named["供应商编号"], named["供应商"], size, tuple(quals),
                            credit_code=text("统一社会信用代码", required=False))
    except OutsourcingError as exc:
        bad.add(CONTRACT_SHEET, ref("统一社会信用代码" if "credit" in (exc.field or "")
                                    else "企业规模"), exc.code, exc.message_zh, exc.value)
    bad.raise_if_any()
    assert start is not None and end is not None
    assert purchaser is not None and supplier is not None
    try:
        contract = Contract(
            id=named["合同编号"], title=named["合同名称"], jurisdiction=named["辖区"],
            purchaser=purchaser, supplier=supplier,
            term=DateRange(start, end), lines=lines, schedule=PaymentSchedule(schedule),
            day_count=day_count, budget=budget, signed_on=signed,
            multi_year_conditions=conditions,
            price_adjustment_clause=text("价格调整条款", required=False),
            payment_days=None if days is None else int(days), stated_amount=stated,
            payment_working_days=working, late_interest_daily=interest, rounding=rounding,
            rounding_clause=text("取整条款", required=False))
        return ContractTerms(contract, rules, kpis, contract_rules, adopt, plan)
    except OutsourcingError as exc:
        field = exc.field or ""
        m = re.match(r"lines\[(\d+)\]\.pricing\.split", field)
        if m:  # a literal split over a term of part periods: the line's 分月规则
            row = _line_row(lw, lines[int(m.group(1))].id)
            bad.add(LINES_SHEET, f"P{row}" if row else "", exc.code, exc.message_zh, exc.value)
            bad.raise_if_any()
        cell = next((ref(lbl) for lbl, key in (
            ("起始日期", "start"), ("终止日期", "end"), ("签订日期", "signed"), ("预算", "budget"),
            ("合同金额", "stated_amount"), ("约定逾期利息日利率", "late_interest_daily"),
            ("付款期限（日）", "payment_days"), ("履行期限", "term"))
            if key in field), "")
        bad.add(CONTRACT_SHEET, cell, exc.code, exc.message_zh, exc.value)
        bad.raise_if_any()
        raise  # pragma: no cover


def _line_row(ws: Any, line_id: str) -> int | None:
    """The row of the 服务项目 sheet that holds ``line_id``."""
    return next((r for r in range(2, ws.max_row + 1)
                 if cell_text(ws.cell(row=r, column=1).value) == line_id), None)


def read_price_list(path: str | Path) -> list[PriceListItem]:
    """Read a framework agreement's unified price list (统一报价清单) from ``报价清单``."""
    wb = open_workbook(path)
    bad = Problems(path)
    bad.need_sheets(wb, PRICE_SHEET)
    ws = wb[PRICE_SHEET]
    items: list[PriceListItem] = []
    if _headers(ws, PRICE_HEADERS, bad):
        for r in range(2, ws.max_row + 1):
            code = cell_text(ws.cell(row=r, column=1).value)
            if not code:
                continue
            name = bad.text(ws, f"B{r}", label="报价项目", required=True)
            service = bad.text(ws, f"C{r}", label="服务类别", required=True)
            unit = bad.text(ws, f"D{r}", label="计量单位", required=True)
            price = _money(bad, ws, f"E{r}", "最高限价")
            if price is not None and name and service and unit:
                try:
                    items.append(PriceListItem(code, name, service, unit, price))
                except OutsourcingError as exc:
                    bad.add(ws.title, f"A{r}", exc.code, exc.message_zh, code)
    if not items and not bad:
        bad.add(PRICE_SHEET, "A2", "desk.workbook.missing_value", "报价清单为空")
    bad.raise_if_any()
    return items
