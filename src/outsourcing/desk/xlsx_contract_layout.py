"""The contract workbook's layout: its sheets, rows, headers and the Chinese words its cells
take (合同登记表的格式); :mod:`.xlsx_contract` reads it and :mod:`.xlsx_contract_write`
writes it (``docs/desk.md`` documents it)."""

from __future__ import annotations

from ..accrual import Rounding
from ..dates import DayCount
from ..model import AnnualFee, AreaRate, FixedMonthly, LabourPlusMaterials, TermTotal, UnitRate
from ..pricing import AreaUnit, MonthSplit

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
MONEY_FORMAT = "¥#,##0.00"
