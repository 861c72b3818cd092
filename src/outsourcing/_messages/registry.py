"""Chinese messages: the store of record (store helper); ``registry.action.<action>`` names an
action in Chinese (a refusal says which action needs which role)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "registry.acceptance_changed":
        "{period} 的验收已记录（验收日期 {accepted_on}，验收人 {accepted_by}）：如需更正，须说明更"
        "正理由",
    "registry.acceptance_not_a_date": "{field} 须为日期（datetime.date），实际为 {value}",
    "registry.action.accept": "记录验收",
    "registry.action.add_actor": "提名操作人员",
    "registry.action.add_contract": "登记合同",
    "registry.action.confirm_actor": "确认操作人员",
    "registry.action.confirm_role": "确认角色授予",
    "registry.action.grant_role": "提名角色",
    "registry.action.propose_change": "提出变更",
    "registry.action.record_assessment": "录入考核",
    "registry.action.record_final_score": "录入期满考核得分",
    "registry.action.record_payment": "登记付款",
    "registry.action.record_usage": "录入实际用量",
    "registry.action.reject_change": "驳回变更",
    "registry.action.reverse_payment": "冲正付款",
    "registry.action.rotate_key": "轮换审计密钥",
    "registry.action.settle": "结算",
    "registry.action.sign_change": "签订变更",
    "registry.actor_exists": "操作人员编号 {value} 或其数据库登录名已存在：请换一个编号或登录名",
    "registry.actor_incomplete": "操作人员 {value} 须有编号、姓名和至少一个角色",
    "registry.assessment_changed":
        "服务项目 {value} 的考核已记录且内容不同：如需更正，须说明更正理由（将记为更正版本，原记录"
        "保留）",
    "registry.audit_key": "新密钥文件须保留当前密钥 {value}：旧的审计记录要用它核验",
    "registry.bad_acceptance_date":
        "{field} {value} 不在允许范围：验收日期须在期间首日 {start} 至今日 {today} 之间，约定验收"
        "期限不得早于期间首日 {start}",
    "registry.bad_chunk": "批量结算分块 {value} 无效：每块合同数须为不小于 1 的整数",
    "registry.bad_id_nfc": "{term}不是 NFC 规范形式（统一码标准化）：请先规范化（NFC）再登记",
    "registry.bad_name_nfc": "{term}不是 NFC 规范形式（统一码标准化）：请先规范化（NFC）再登记",
    "registry.change_decided":
        "变更 {value} 已签订或已驳回（可能刚被他人决定）：已决定的变更不能再签批或驳回",
    "registry.change_exists": "变更编号 {value} 已登记：同一合同的变更编号只能使用一次",
    "registry.conflict": "并发写入冲突，本次未记录任何内容：请重试",
    "registry.contract_exists": "合同编号 {value} 已登记：同一编号只能登记一次",
    "registry.database": "数据库拒绝了该操作（可能是并发冲突或连接中断），未记录任何内容：请重试",
    "registry.denied.founding_identity":
        "只有被提名人本人可以接受创始提名：请以被提名人本人的数据库登录办理",
    "registry.denied.identity":
        "数据库登录 {login} 对应的操作人员是 {mine}：不能以 {value} 的名义操作",
    "registry.denied.lookalike": "编号 {value} 与已有编号 {other} 外观相同，容易混淆：请换一个编号",
    "registry.denied.other_supplier":
        "供应商用户只能对本单位的合同提出变更：操作人员 {value} 不属于该合同的供应商",
    "registry.denied.own_appointment":
        "{action_zh}：任何人不得确认对本人的提名或授予本人的角色，须由另一位审批人确认",
    "registry.denied.own_contract":
        "供应商用户不得签批或驳回本单位合同的变更：须由采购人的审批人决定",
    "registry.denied.own_work": "供应商用户不得考核本单位的服务：考核由采购人的考核人录入",
    "registry.denied.proposer_only_approver":
        "变更提出人不得签批或驳回本人提出的变更：须由其他审批人决定",
    "registry.denied.puppet":
        "{action_zh}{detail}：{first} 与 {value} 之间存在提名关系（一方提名了另一方），须由第三人"
        "办理",
    "registry.denied.role": "{action_zh} 需要角色：{roles_zh}；操作人员 {value} 没有该角色",
    "registry.denied.same_person":
        "{action_zh}{detail}：{value} 已办理前一环节，须由另一人办理（双人审核）",
    "registry.denied.unknown_actor": "操作人员 {value} 不存在：请先登记该操作人员及其角色",
    "registry.downgrade_loses_data":
        "降级将删除存有数据的表或列：{lost}；如确需降级，请先备份并强制执行",
    "registry.due_on_not_a_date": "查询日期须为日期（datetime.date），实际为 {value}",
    "registry.duplicate_reference": "{period} 已有凭证号为 {value} 的付款：同一凭证不能重复付款",
    "registry.final_score_changed":
        "服务项目 {line} 的期满考核得分已录入（{score}）：如需更正，须说明更正理由",
    "registry.final_score_invalid": "服务项目 {line} 的期满考核得分 {value} 无法录入：{cause}",
    "registry.founder_not_approver": "登记库的第一位操作人员须为审批人，实际角色为 {value}",
    "registry.founder_not_signed_in":
        "创建登记库的第一位操作人员须为当前登录的本人（数据库登录名 {value} 与当前登录不符）",
    "registry.four_eyes_payment":
        "（支付 {amount}，超过双人审核限额 {threshold}；该结算单由 {settled_by} 结算）",
    "registry.no_proposal": "没有关于 {value} 的待确认提名：请先提名，再由另一位审批人确认",
    "registry.no_statement":
        "{value} 尚无结算单（或无此版本）：请先结算该期间，付款与查询都以已结算的结算单为准",
    "registry.not_a_contract": "登记的不是合同对象：须为 outsourcing.Contract",
    "registry.not_a_usage": "{field} 不是实际用量记录：须为 outsourcing.Usage",
    "registry.not_an_assessment": "{field} 不是考核记录：须为 outsourcing.Assessment",
    "registry.overpayment":
        "已付 {paid}，应付 {payable}：本次付款 {amount} 将导致同一期间重复支付或多追回；已付合计须"
        "在零与应付金额之间",
    "registry.paid_on_not_a_date": "付款日期须为日期（datetime.date），实际为 {value}",
    "registry.payment_before_period_end":
        "付款日期 {value} 早于 {period} 的最后一天 {end}：合同未约定该期预付款，付款日期不得早于期"
        "间最后一天",
    "registry.payment_in_future": "付款日期 {value} 晚于今日 {today}：不能登记未来的付款",
    "registry.payment_not_money":
        "付款金额须为非零的 Money 金额（付款为正，追回为负），实际为 {value}",
    "registry.previous_missing":
        "请先结算上一期 {previous}：每一期承接上一期的暂扣款与考核记录，须按期间顺序结算",
    "registry.proposer_missing":
        "须注明由谁提名该操作人员（by=…）：登记库建立后，新的操作人员由审批人提名",
    "registry.resettled_meanwhile": "{value} 刚被重新结算，本次付款未记录：请按新的结算单重新付款",
    "registry.reversal_exceeds_payment":
        "付款 {reference} 支付 {paid}，尚可冲正 {left}：冲正 {value} 超过该笔付款",
    "registry.reversal_not_positive":
        "冲正金额须为正数的 Money 金额（不填则冲正整笔付款），实际为 {value}",
    "registry.role_held": "该操作人员已有角色 {value}：无须再次授予",
    "registry.role_name": "数据库角色名 {value} 有误：只能含小写字母、数字和下划线",
    "registry.schema_newer":
        "数据库结构版本 {value} 新于本程序库支持的版本 {head}：请先升级程序库，不会改动该数据库",
    "registry.statement_format":
        "结算单的存储格式 {value} 不是本版本可读的格式：本版本读取格式 1 与 {format}",
    "registry.supplier_not_named": "供应商用户须注明所属供应商，且只有供应商用户注明供应商",
    "registry.supplier_with_purchaser_role":
        "供应商用户不得兼任采购人角色（{value}）：供应商用户只持有供应商角色",
    "registry.unknown_actor": "操作人员 {value} 不存在：请检查操作人员编号",
    "registry.unknown_change": "没有编号为 {value} 的待签变更：请先提出变更",
    "registry.unknown_contract": "登记库中没有该合同（{value}）：请先登记该合同，或检查合同编号",
    "registry.unknown_line": "合同中没有服务项目 {value}：合同的服务项目为 {lines}",
    "registry.unknown_payment":
        "{period} 没有凭证号为 {value} 的付款可冲正：请给出原付款的凭证号（或 # 加付款序号）",
    "registry.unknown_role": "未知角色 {value}：可用角色为经办人、审批人、考核人、财务、供应商",
    "registry.unreachable":
        "无法连接数据库（服务器不可达，或该文件不是数据库）：请检查地址与数据库服务",
    "registry.url":
        "无法打开数据库：请给出 SQLAlchemy 地址（sqlite:///…、postgresql://…）或 SQLite 文件路径",
    "registry.usage_correction_needs_reason":
        "{value} 的实际用量已录入且数值不同：更正须说明理由（记为更正版本，原记录保留）",
    "registry.usage_invalid": "实际用量 {value} 无法录入：{cause}",
    "registry.usage_twice": "实际用量 {value} 重复填写：同一服务项目同一期间只填一次",
}
