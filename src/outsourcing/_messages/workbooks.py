"""Chinese messages: workbooks (workbooks helper)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "desk.assess.no_line_running": "{period} 没有在履行的服务项目，无需考核",
    "desk.export.no_statements": "没有可导出的结算单：请先结算该期间，或检查所选的合同",
    # --- workbooks read within limits (desk/xlsx_open.py) --------------------------------
    "desk.workbook.too_large":
        "文件超过 {limit} MB，不予读取（合同登记表、考核表、用量表都远小于此；"
        "请检查是否选错了文件）",
    "desk.workbook.not_a_zip":
        "不是 Excel 工作簿（.xlsx）；请在 Excel 或 WPS 中另存为 .xlsx 后再导入",
    "desk.workbook.too_large_inflated":
        "工作簿解压后超过 {limit} MB（可能是压缩炸弹），不予读取；"
        "本系统的工作簿解压后不过数 MB",
    "desk.workbook.too_many_parts": "工作簿的组成部分超过 {limit} 个，不予读取",
    "desk.workbook.xml_entities":
        "工作簿含有 XML 文档类型或实体声明（Excel 从不写入；可能是恶意文件），不予读取",
    "desk.workbook.too_many_sheets": "工作簿的工作表超过 {limit} 张，不予读取",
    "desk.workbook.too_many_cells":
        "工作簿的单元格超过 {limit} 个，不予读取；请删除多余的行和列",
    "desk.workbook.bad_reference":
        "工作表「{sheet}」的单元格 {ref} 不在 Excel 的范围内（至多 {rows} 行），"
        "文件已损坏",
    "desk.workbook.cell_out_of_range":
        "工作表「{sheet}」{ref} 有内容，超出读取范围（第 {rows} 行、{last} 列以内）；"
        "请删除该单元格的内容（仅有格式的空单元格不读取，也不影响导入）",
    "desk.workbook.text_too_long":
        "{where} 的文字超过 {limit} 个字符（Excel 单元格的上限），不予读取",
    "desk.workbook.number_out_of_range":
        "{label}超出范围：数值至多 {digits} 位有效数字，数量级在 10 的 ±{exponent} 次方以内",
    "desk.workbook.damaged":
        "工作簿已损坏，无法读取；请在 Excel 或 WPS 中打开并另存为 .xlsx 后再导入",
    # --- one bad cell, as the readers report it (desk/cells.py Problems.add) -------------
    "desk.workbook.cell.sheet_missing": "缺少工作表「{sheet}」（工作簿中有：{sheets}）",
    "desk.workbook.cell.sheet_renamed":
        "缺少工作表「{sheet}」（工作表可能被改名或删除；工作簿中有：{sheets}）",
    "desk.workbook.cell.empty": "{label}未填写",
    "desk.workbook.cell.empty_choice": "{label}未填写（{choices}）",
    "desk.workbook.cell.not_a_number": "{label}应填数字，却填了「{given}」",
    "desk.workbook.cell.negative": "{label}不能为负数：{given}",
    "desk.workbook.cell.not_whole": "{label}应为整数：{given}",
    "desk.workbook.cell.not_a_date": "{label}应填日期（如 2022-10-12），却填了「{given}」",
    "desk.workbook.cell.money_fen": "{label}最多两位小数（分）：{given}",
    "desk.workbook.cell.kpi_months":
        "考核月份应填1到12月的整数（多个以「、」分隔），却填了「{given}」",
    "desk.workbook.cell.header": "表头应为「{want}」，却是「{got}」",
    "desk.workbook.cell.row_missing": "缺少「{label}」一行",
    "desk.workbook.cell.mark_missing": "找不到「{mark}」标记行",
    "desk.workbook.cell.not_a_choice": "{label}应为 {choices} 之一，却是「{given}」",
    "desk.workbook.cell.other_contract":
        "这是合同 {got_contract} {got_period} 的考核表，不是合同 {contract} {period} 的",
    "desk.workbook.cell.assessed_before_period": "考核日期 {on} 早于考核期间的开始 {start}",
    "desk.workbook.cell.percent_over_100": "{kpi}的实测值 {given}% 超过100%",
    "desk.workbook.cell.survey_both": "调查人数与满意人数须同时填写",
    "desk.workbook.cell.satisfied_over_surveyed":
        "满意人数 {satisfied} 不能超过调查人数 {surveyed}，调查人数至少为1",
    "desk.workbook.cell.unknown_kpi": "指标「{kpi}」不在本服务项目的指标清单中（{known}）",
    "desk.workbook.cell.unknown_kpi_sheet": "评分表的指标「{kpi}」不在本服务项目的指标清单中",
    "desk.workbook.cell.kpi_not_due":
        "指标「{kpi}」本期不考核（考核周期：{schedule}），不填也不收考核值或不适用理由",
    "desk.workbook.cell.kpi_not_due_sheet":
        "指标「{kpi}」本期不考核（考核周期：{schedule}），不填也不收评分",
    "desk.workbook.not_applicable_refused": "合同未约定指标「{kpi}」可标记为不适用，须填写考核值",
    "desk.workbook.cell.value_and_not_applicable":
        "指标「{kpi}」已填不适用理由（{cell}），不能同时填考核值",
    "desk.workbook.cell.input_metric": "指标「{kpi}」填实测值（H{row}）；{cell} 不是该指标的填写处",
    "desk.workbook.cell.input_survey":
        "指标「{kpi}」按满意度调查计分，填调查人数与满意人数（I{row}、J{row}）；"
        "{cell} 不是该指标的填写处",
    "desk.workbook.cell.input_sheet":
        "指标「{kpi}」按评分表计分，在下方评分表中逐项打分；{cell} 不是该指标的填写处",
    "desk.workbook.cell.not_by_sheet": "指标「{kpi}」不按评分表计分；{cell} 不是该指标的填写处",
    "desk.workbook.cell.scored_twice": "{kpi}已按{cell}计分，不能再用评分表",
    "desk.workbook.cell.item_points_not_positive": "评分项「{item}」的分值应大于0",
    "desk.workbook.cell.over_maximum": "评分项「{item}」得分 {points} 超过分值 {top}",
    "desk.workbook.cell.incident_line_unknown":
        "服务项目「{line}」不在本期考核的服务项目中（{lines}）",
    "desk.workbook.cell.unknown_incident": "事件类型「{kind}」不在合同约定的清单中（{allowed}）",
    "desk.workbook.cell.incident_outside_period":
        "事件日期 {on} 不在考核期间 {start} 至 {end} 之内",
    "desk.workbook.cell.incident_line_unassessed": "服务项目「{line}」有事件，但其考核表未填写",
    "desk.workbook.unknown_qualification": "资质类别「{given}」未知；可填中文名称或代码：{known}",
    "desk.workbook.cell.no_lines": "合同至少需要一个服务项目",
    "desk.workbook.cell.price_list_empty": "报价清单为空",
    "desk.workbook.cell.multi_year_unknown": "跨年度条件「{given}」未知；可填：{known}",
    "desk.workbook.cell.notices_both": "预警通知次数与滚动期间须同时填写",
    "desk.workbook.cell.whole_terms_unstated":
        "填写了合同整体条款的数值，合同整体条款却写「未约定」；请改为「合同约定」",
    "desk.usage.other_workbook": "{label}应为「{want}」，却是「{got}」（不是本合同本期的用量表）",
    "desk.usage.unknown_line":
        "服务项目「{line}」在 {period} 不按实际用量结算（按量或人工加材料的服务项目：{lines}）",
    "desk.usage.twice": "服务项目「{line}」填写了两行",
    "desk.usage.wrong_cell_unit_rate": "服务项目「{line}」按量计价，不填原材料实际金额",
    "desk.usage.wrong_cell_labour": "服务项目「{line}」为人工加材料，不填实际数量",
    "desk.terms.holdback_missing": "填写了不予退还的分数线，却未填写暂扣比例",
    "desk.terms.sites_missing": "填写了多点位汇总方式，却未在「{sheet}」表中列出点位",
    "desk.terms.tiers_unused": "服务项目「{line}」的支付方式不是分档支付，却填写了档位",
    "desk.terms.plan_shape": "付款计划为分期付款或定期结算，二者选一",
    "desk.terms.unknown_line": "服务项目编号「{line}」不在「服务项目」表中（有：{lines}）",
    "desk.terms.twice": "服务项目「{line}」的支付规则写了两行",
    "desk.terms.points_missing": "填写了加减分上限，却未在「{sheet}」表中约定加减分事件",
    "desk.terms.tiers_missing": "服务项目「{line}」为分档支付，却未在「{sheet}」表中填写档位",
    "desk.terms.deduction_shape": "每种事件填写固定扣款金额或扣款比例，二者填一",
    "desk.terms.no_rule": "服务项目「{line}」在「{sheet}」表中没有一行：先写明其支付方式",
}
