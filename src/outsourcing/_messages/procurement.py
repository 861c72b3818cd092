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
    # framework agreements and call-offs (框架协议, 财政部令第110号)
    "framework.max_price_not_positive": "最高单价须大于零，实为 {value}",
    "framework.no_suppliers": "框架协议至少需要一家入围供应商",
    "framework.supplier_twice": "供应商 {ids} 重复入围；每家供应商只入围一次",
    "framework.no_price_list": "框架协议须有入围价格清单",
    "framework.item_twice": "价格清单中的项目 {codes} 重复；每个项目只列一次",
    "framework.subject_unknown": "采购标的须为 services（服务）或 goods（货物），不是 {value}",
    "framework.admitted_below_current": "入围供应商数 {value} 少于框架协议中现有的 {current} 家",
    "framework.not_admitted":
        "{value} 不是框架协议 {agreement} 的入围供应商；入围供应商：{admitted}",
    "framework.item_not_listed": "{value} 不在框架协议 {agreement} 的价格清单上；清单项目：{items}",
    "framework.rulebook_jurisdiction":
        "框架协议 {agreement} 属于辖区 {value}，所用规则属于 {rulebook}",
    "framework.join_outside_term": "加入日期 {value} 不在框架协议有效期 {period} 之内",
    "framework.already_admitted": "供应商 {value} 已在框架协议中",
    "framework.closed_no_join":
        "封闭式框架协议 {agreement}：入围的 {admitted} 家供应商中仍有 {remaining} 家，不少于 "
        "{share}，不得补充征集新的供应商",
    "framework.last_supplier": "最后一家入围供应商不能退出；应终止框架协议",
    "framework.rotation_twice": "{value} 在一轮中被选定两次；每轮每家入围供应商只轮候一次",
    "framework.quantity_not_positive": "数量须大于零，实为 {value}",
    "framework.call_off_extra_argument": "{method}不接受 {name}",
    "framework.direct_needs_supplier": "直接选定须指明供应商（supplier）",
    "framework.agreement_term_too_long":
        "框架协议有效期 {period} 超过规定的最长期限，不能签订采购合同",
    "framework.call_off_outside_term":
        "采购合同签订日 {value} 不在框架协议 {agreement} 的有效期 {period} 之内",
    "framework.not_using_unit": "{value} 不是框架协议 {agreement} 的使用单位；使用单位：{units}",
    "framework.call_off_no_items": "采购合同至少需要一个采购项目",
    "framework.price_not_positive": "单价须大于零，实为 {value}",
    "framework.price_above_ceiling":
        "{who} 对 {item} 的报价 {price} 高于上限 {ceiling}（入围价格 {listed}）；"
        "采购合同价格不得高于入围价格",
    "framework.price_for_item_not_called": "报价含本次未采购的项目：{items}",
    "framework.second_bidding_no_bids": "二次竞价须有入围供应商的报价",
    "framework.bid_missing_items": "报价须覆盖本次全部采购项目，缺少：{missing}",
    # award (定标与合同签订)
    "procurement.award.rulebook_jurisdiction": "采购项目属于辖区 {tender}，所用规则属于 {rulebook}",
    "procurement.award.notice_before_evaluation":
        "中标通知书日期 {value} 早于评审日期 {evaluated_on}",
    "procurement.award.signed_before_notice":
        "合同签订日期 {value} 早于中标通知书日期 {notified_on}",
    "procurement.award.declined_not_candidate": "放弃中标的 {ids} 不是排序的中标候选人",
    "procurement.award.every_candidate_declined": "全部中标候选人均放弃中标，应重新组织采购",
    "procurement.award.contract_invalid": "无法据中标结果订立合同 {value}：合同内容有误",
    # bids (投标文件)
    "procurement.bid.price_not_money": "投标报价须为金额（精确到分），如 \"250000.00\"",
    "procurement.bid.points_not_decimal": "评委打分须为小数，如 \"52.5\"",
    "procurement.bid.points_fraction": "评委打分须为有限小数，如 \"52.5\"，不是分数",
    "procurement.bid.line_priced_twice": "同一服务项目报价两次：{value}",
    "procurement.bid.no_prices": "投标须对至少一个服务项目报价",
    "procurement.bid.factor_scored_twice": "同一评审因素打分两次：{value}",
    "procurement.bid.no_points": "评审因素 {factor} 没有评委打分",
    "procurement.bid.points_negative": "评委打分不能为负数，实为 {value}",
    # cost estimates (费用测算)
    "procurement.estimate.amount_not_money": "{term}须为金额（精确到分），如 \"3500.00\"",
    "procurement.estimate.amount_negative": "{term}不能为负数，实为 {value}",
    "procurement.estimate.rate_not_decimal": "费率须为小数，如 0.08",
    "procurement.estimate.rate_out_of_range": "费率须不小于 0 且小于 1，实为 {value}",
    "procurement.estimate.headcount": "岗位人数须为不小于 1 的整数，实为 {value}",
    "procurement.estimate.no_such_figure": "费用测算中没有 {value} 这一项",
    "procurement.estimate.months": "服务期（月）须为不小于 1 的整数，实为 {value}",
    "procurement.estimate.no_posts": "费用测算至少需要一个岗位",
    "procurement.estimate.lump_sum_needs_fee_rate": "包干制须给出管理费率",
    "procurement.estimate.fee_based_no_fee_rate":
        "酬金制不另计管理费（由酬金支付），不应给出管理费率",
    # evaluation (评审)
    "procurement.evaluation.no_bids": "没有可评审的投标",
    "procurement.evaluation.not_a_bid": "投标须为 Bid，实为 {kind}",
    "procurement.evaluation.bid_id_twice": "投标编号 {value} 重复",
    "procurement.evaluation.supplier_bids_twice": "供应商 {value} 只能投标一次",
    "procurement.evaluation.points_not_taken": "{method}不采用评委打分",
    "procurement.evaluation.points_factors": "评委打分须恰好覆盖评审因素 {factors}",
    "procurement.evaluation.panel_size":
        "每个投标的每个评审因素须由同样的 {panel} 名评委打分，实为 {value} 名",
    "procurement.evaluation.points_over_full_marks":
        "评委打分 {value} 超过该评审因素的满分 {full_marks}",
    "procurement.evaluation.rulebook_jurisdiction":
        "采购项目属于辖区 {tender}，所用规则属于 {rulebook}",
    "procurement.evaluator_combination_unknown": "未知的评审专家组成方式 {value}；可选：{known}",
    "procurement.report.no_such_bid": "评审报告中没有投标 {value}",
    "procurement.report.rule_not_applied": "本次评审未适用规则 {value}",
    # tenders (采购需求与评分标准)
    "procurement.tender.weight_not_decimal": "权值须为小数，如 0.30",
    "procurement.tender.scoring_places": "评分保留小数位数须为 0 至 6 的整数，实为 {value}",
    "procurement.tender.not_a_factor": "评审因素须为 Factor，实为 {kind}",
    "procurement.tender.factor_id_twice":
        "评审因素编号 {value} 重复或为保留编号（{price} 为价格因素）",
    "procurement.tender.weight_range": "权值须大于 0 且不大于 1，实为 {value}",
    "procurement.tender.weight_decimals":
        "权值最多 {places} 位小数，使满分（权值×100）在评分小数位内精确",
    "procurement.tender.weights_sum": "评审因素权值之和须为 1，实为 {total}",
    "procurement.tender.no_such_factor": "没有评审因素 {value}",
    "procurement.tender.amount_not_money": "{term}须为金额（精确到分），如 \"250000.00\"",
    "procurement.tender.no_lines": "采购需求至少需要一个服务项目",
    "procurement.tender.not_a_line": "采购需求的服务项目须为 TenderLine，实为 {kind}",
    "procurement.tender.line_id_twice": "服务项目编号 {value} 重复",
    "procurement.tender.budget_not_positive": "预算金额须大于零，实为 {value}",
    "procurement.tender.ceiling_range": "最高限价须大于零且不超过预算金额 {budget}，实为 {value}",
    "procurement.tender.scoring_needed": "综合评分法须有评分标准",
    "procurement.tender.scoring_not_taken": "最低评标价法只评价格，不应有评分标准",
    "procurement.tender.reserved_no_deduction":
        "专门面向中小企业采购的项目不再给予小微企业价格扣除",
    "procurement.tender.multi_year_condition_unknown": "未知的跨年度条件 {value}；可选：{known}",
}
