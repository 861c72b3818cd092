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
}
