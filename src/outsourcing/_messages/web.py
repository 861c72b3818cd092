"""Chinese messages: the web desk's forms (网上办公, :mod:`outsourcing.service.web`)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "service.web.change_kind": "变更内容 {value} 无效：可选 {kinds}",
    "service.web.form": "表单字段 {field} 的值 {value} 无法读取",
    "service.web.no_workbook": "未上传考核表：请选择填好的 .xlsx 考核表后再上传",
    "service.web.period": "期间 {value} 无效：须写成 2022-10、2022-Q4 或 2022",
    "service.web.unknown_period": "期间 {value} 无效：须写成 2022-10、2022-Q4 或 2022",
    "service.web.workbook_too_large": "考核表过大（{value} 字节）：不得超过 {limit} MB",
}
