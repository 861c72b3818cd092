"""Chinese messages: the JSON API (``/api/v1``, svc-api)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "api": "接口请求有误",
    "api.upload_missing": "请以表单字段 file 上传工作簿（.xlsx）",
    "api.contract_breaks_rules": "合同 {id} 违反规定，未登记：{findings}",
    "api.unit_needed": "请用 ?unit= 指明合同所属的单位（本令牌可用于多个单位）",
    "api.bad_status": "合同状态只能是 {allowed}",
    "api.period_mismatch": "请求体中的期间 {body} 与网址中的期间 {path} 不一致",
    "api.no_statements": "期间 {period} 尚无可见的结算单，请先结算",
    "api.bad_cursor": "订阅位置应为上一页返回的 next（非负整数），首次为 0",
    "api.bad_limit": "每页条数须在 1 至 {most} 之间",
}
