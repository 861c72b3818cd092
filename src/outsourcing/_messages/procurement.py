"""Chinese messages: tendering, evaluation, award and framework call-offs (statement
helper)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "procurement.no_award": "不能授予合同: {message}",
    "procurement.published_unsigned": "合同尚未签订（缺少 signed_on），不能公告",
    "procurement.published_before_signed": "合同公告日早于签订日 {signed_on}",
    "procurement.performance_bond_negative": "履约保证金不能为负数",
    "procurement.performance_bond_amount": "履约保证金应为精确到分的金额",
    "procurement.price_shape":
        "服务项目 {line_id} 的报价须为金额（月费）或合同的计价方式之一（{shapes}）",
    "procurement.sme_share_range": "小微企业合同份额应在 0 到 1 之间（不含 0）",
    "procurement.rate": "{term}应为比例，如 0.10",
    "procurement.sme_share_rate": "小微企业合同份额应为比例，如 0.30",
    "procurement.sme_declaration_flag": "是否提供中小企业声明函: true 或 false",
    "procurement.sme_declaration_large": "{supplier}为大型企业，不能出具中小企业声明函",
    "procurement.round_lines": "第{round}轮报价须对每个服务项目各报价一次",
    "procurement.single_source_one_supplier":
        "单一来源采购只与一家供应商协商，收到 {responses} 份响应文件",
    "procurement.tender_one_price":
        "{method}的投标报价只有一次，多轮报价仅适用于竞争性磋商、竞争性谈判和单一来源采购",
    "procurement.inquiry_second_quote":
        "询价中供应商 {supplier} 只能一次报出不得更改的价格，不接受第二次报价{received}",
    "procurement.sme_deduction_missing":
        "采购文件须载明小微企业价格扣除比例（{on} 施行 {range}），或专门面向中小企业采购",
    "procurement.sme_deduction_range": "小微企业价格扣除比例 {rate} 不在 {on} 施行的 {range} 之内",
    "procurement.single_source_original_missing": "单一来源添购须提供原合同及其已签订的补充合同",
    "procurement.single_source_over_cap":
        "本次添购 {added} 加已签补充合同 {signed} 共 {total}，超过原合同金额 {original} 的 "
        "{cap:.0%}（{limit}，尚余 {left}）",
    "procurement.consortium_deduction_not_in_force":
        "{on} 尚无联合体/分包价格扣除的规定（财库〔2020〕46号 自2021-01-01施行）",
    "procurement.price_weight_below_minimum":
        "{category}项目的价格分值比重 {weight} 低于 {minimum}",
    "procurement.consortium_deduction_range":
        "联合体/分包价格扣除比例 {rate} 不在 {on} 施行的 {range} 之内",
    "procurement.single_source_ground_unknown":
        "“{ground}”不是政府采购法第三十一条规定的单一来源采购情形（可选: {known}）",
    "procurement.single_source_ground_not_in_force":
        "单一来源采购须符合政府采购法第三十一条规定的情形之一",
    "procurement.original_not_additional_purchase":
        "仅单一来源添购（政府采购法第三十一条(三)）需要原合同",
    "procurement.original_not_timeline": "原合同须为合同变更时间线（Timeline）",
    "procurement.original_jurisdiction": "原合同与添购项目不属同一辖区",
    "procurement.consultation_price_weight":
        "竞争性磋商{category}项目的价格权值 {weight} 不在 {band} 之内，且未记录本级人民政府财政部"
        "门的审核同意",
    "procurement.rate_range": "{term}应在 0 与 1 之间",
    "procurement.bid_bond_negative": "投标保证金不能为负数",
    "procurement.method_evaluation": "{method}的评审方法为{allowed}，不能采用{given}",
    "procurement.approval_not_consultation":
        "价格权值的财政部门审核同意仅适用于竞争性磋商，本项目为{method}",
    "procurement.single_source_ground_missing":
        "单一来源采购须说明政府采购法第三十一条规定的情形（可选: {known}）",
    "procurement.single_source_only": "{what} 仅适用于单一来源采购，本项目为{method}",
}
