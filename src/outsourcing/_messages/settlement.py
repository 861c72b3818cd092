"""Chinese messages: the settlement core (core helper)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # --- what is settled, and with which terms (settlement.compile, settlement.options) ---
    "settlement.source_type": "结算对象须为合同（Contract）或其变更时间线（Timeline）",
    "settlement.source_contract_type": "结算对象的基础合同须为 Contract",
    "settlement.terms_unknown_line": ("支付规则或考核指标所列服务项目不在合同中：只能为合同中的服"
        "务项目约定"),
    "settlement.rule_type": "服务项目的支付规则须为 PaymentRule",
    "settlement.hook_rule_type": "插件钩子 outsourcing_payment_rule 须返回 PaymentRule 或 None",
    "settlement.kpi_not_due_invalid": "本期不考核指标的处理规则须为 rescale 或 carry_forward",
    "settlement.adopt_unknown": "采用的默认条款不是已知的支付规则参数",
    "settlement.contract_rules_invalid": "合同整体支付条款须为 ContractRules",
    "settlement.compiled_format": ("编译后的合同格式与本程序库不符（本程序库读取格式 {format}）："
        "须重新编译合同"),
    "settlement.input_lines": ("紧凑考核数据须每个服务项目一项，按合同服务项目顺序；合同共 {lines} "
        "项"),
    "settlement.input_values": ("紧凑考核数据的实测值须为 {kpis} 个整数（以百分之一为单位），按"
        "考核指标顺序，不得为负"),
    "settlement.input_incident": "紧凑考核数据的事件须为（本期内日期，事件类别，扣款比例）",
    "settlement.input_share": "该事件的扣款比例须在合同约定范围 {low}–{high}（百万分之一）之内",
    "settlement.period_kind": "结算期间与合同的结算周期不符：按月结算的合同填月份（如 2022-10），"
                              "按季结算的合同填季度（如 2022-Q4）",
    "settlement.period_outside_term": "结算期间不在合同履行期限之内",
    # --- the period's inputs (settlement.inputs, settle_term) ------------------------------
    "settlement.assessment_type": "考核记录须为 Assessment",
    "settlement.assessment_unknown_line": "考核记录所列服务项目不在合同中",
    "settlement.assessment_outside_term": "考核期间不在合同履行期限之内",
    "settlement.assessment_wrong_period": "考核记录的期间与本次结算的期间不同",
    "settlement.assessment_period_not_settlement": ("考核期间不是本合同的结算期间：考核记录须按结"
        "算期间（月或季）填写"),
    "settlement.assessment_twice": "同一服务项目同一期间只能有一份考核记录",
    "settlement.site_unknown": "考核点位不在合同约定的点位之中",
    "settlement.site_assessed_twice": "同一点位同一期间考核了两次",
    "settlement.incident_kind_unknown": ("事件类别未在该服务项目的支付规则中约定扣款、加减分或降档"
        "：只能填写规则约定的事件类别"),
    "settlement.incident_share_unexpected": "该事件类别的扣款不是比例范围，不能另填扣款比例",
    "settlement.incident_share_out_of_range": ("合同约定该事件扣款比例为 {low}–{high}，须在范围内"
        "写明本次比例"),
    "settlement.previous_other_contract": ("上期结算单属于另一份合同：须为本合同上一结算期间的结算"
        "单"),
    "settlement.previous_wrong_period": "上期结算单不是本合同上一结算期间的结算单",
    "settlement.carry_mismatch": "上期结转的考核结果与本合同的指标不符",
    "settlement.final_score_unknown_line": "期满考核得分所列服务项目不在合同中",
    "settlement.final_score_not_exact": "期满考核得分须为精确数值，如 \"80\"",
    "settlement.final_score_out_of_range": "期满考核得分须在0到100之间，至多两位小数",
    "settlement.usage_type": "实际用量须为 Usage 记录",
    "settlement.usage_wrong_period": "实际用量的期间与本次结算的期间不同",
    "settlement.usage_period_not_settlement": ("实际用量所列期间不是本合同的结算期间：用量须按结算"
        "期间记录"),
    "settlement.usage_unknown_line": "实际用量所列服务项目不在合同中",
    "settlement.usage_twice": "同一服务项目同一期间的实际用量只能记录一次",
    # --- the figures (settlement.compute, settlement.record) -------------------------------
    "settlement.date_out_of_range": "付款期限超出可处理的日期范围",
}
