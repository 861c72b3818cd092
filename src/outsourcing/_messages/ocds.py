"""Chinese messages: the audit chain, timestamps and OCDS (verify helper)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # --- audit verify: why the chain does not hold (Verification.code) ------------------
    "audit.record_missing": "第 {seq} 条审计记录缺失：记录序号须逐条连续（记录被删除或插入）",
    "audit.link_broken": "本条记录与上一条记录的链接断开：每条记录须载明上一条记录的哈希"
                         "（上一条记录被改动、删除或替换）",
    "audit.record_altered": "本条审计记录被改动：其内容与记录哈希不符",
    "audit.other_key": "本条记录改用密钥 {key_id} 签名，但链上没有轮换到该密钥的记录",
    "audit.unknown_key": "本条记录注明的密钥 {key_id} 不在审计密钥文件中，无法核验",
    "audit.mac_mismatch": "本条记录的消息认证码（MAC）与审计密钥不符：记录系伪造或被重算",
    "audit.unsigned_before_signed": "本条签名记录之前有未签名的记录，且中间没有密钥轮换记录",
    "audit.unsigned_after_signed": "已签名的记录之后出现未签名的记录：启用密钥后每条记录都须签名",
    "audit.row_gone": "本条记录登记的数据行 {object} 已不存在（被删除）",
    "audit.row_edited": "本条记录登记的数据行 {object} 被改动：内容与登记时的哈希不符",
    "audit.row_uncovered": "数据行 {object} 没有对应的审计记录：每一行都须经登记库写入并留痕"
                           "（该行系绕过登记库直接写入）",
    "audit.row_twice": "数据行 {object} 有两条审计记录：每一行只能登记一次",
    "audit.derived_mismatch": "结算单 {object} 的 {column} 与结算单文件不符（被单独改动）",
    "audit.head_mismatch": "审计链头与最后一条记录不符：链尾的记录可能被删除",
    "audit.unsigned_from": "自本条记录起，审计链未用审计密钥签名",
    "audit.anchor_forged": "第 {seq} 条处的审计锚点不是用审计密钥签名的：锚点系伪造或被改动",
    "audit.anchor_rewritten": "审计链在第 {seq} 条锚点处或之前被改写：该条记录的哈希与锚点不符",
    "audit.truncated": "锚点所在的第 {seq} 条记录已不存在：审计链被截断",
    # --- the audit key, anchors and time-stamps ------------------------------------------
    "registry.audit_key.not_hex": "审计密钥须写成十六进制（0-9、a-f）",
    "registry.audit_key.too_short": "审计密钥过短：至少须有 {minimum} 字节",
    "registry.audit_key.current_unknown": "当前密钥编号 {value} 不在密钥文件的密钥中",
    "registry.audit_key.bad_id":
        "密钥编号 {value} 不可用：须为 1 至 40 个可打印字符，不含冒号和首尾空格",
    "registry.audit_key.unreadable":
        "无法读取审计密钥文件 {value}：须为含 current 和 [keys] 的 TOML 文件",
    "registry.audit_key.env_format": "环境变量 {value} 的格式须为 密钥编号:十六进制密钥",
    "registry.audit_key.id_used": "密钥编号 {value} 已使用：轮换时须用新的编号",
    "registry.anchor.unreadable":
        "无法读取审计锚点文件 {value}：须为「outsourcing audit anchor」写出的 JSON 文件",
    "registry.timestamp.no_answer": "可信时间戳服务 {value} 无响应",
    "registry.timestamp.refused": "可信时间戳服务拒绝了请求（状态 {value}）",
    "registry.timestamp.digest_mismatch": "时间戳回执与锚点不符：回执中没有该锚点文件的摘要",
    # --- OCDS: publishing a contract's history -------------------------------------------
    "ocds.empty_ocid": "开放合同编号（OCID）须由前缀和合同编号组成，二者都不能为空（前缀 {value}）",
    "ocds.payment_amount": "付款金额 {value} 不可用：须为非零的金额（Money），负数表示追回",
    "ocds.pricing": "计价方式 {value} 无法写成 OCDS 的数量、单位与单价",
    "ocds.buyer_identifier": "发布需要采购人「{name}」的统一社会信用代码（purchaser.credit_code）",
    "ocds.change_kind": "变更类型 {value} 无法写成中文说明，不能发布",
    "ocds.nothing_published":
        "截至 {value} 尚无可发布的采购、中标或已签订合同：快照日期须不早于第一个事件",
    "ocds.award_mismatch": "中标结果属于合同 {value}，不是合同 {contract}",
    "ocds.statement_mismatch": "结算单属于合同 {value}，不是合同 {contract}",
    "ocds.statement_duplicate": "期间 {value} 有两张结算单：每个期间只给出现行有效的一张",
    "ocds.unsigned":
        "合同 {value} 已有结算、付款或变更，却没有签订日期，无法发布：请先录入签订日期",
    "ocds.payment_duplicate": "付款编号 {value} 重复：每笔付款的编号须唯一",
    "ocds.published": "发布时间 {value} 不可用：须为带时区的日期时间",
    "ocds.publisher": "发布包须写明发布机构（publisher 不能为空）",
    "ocds.not_finite": "金额 {value} 不是有限数值：发布包中的金额须为精确的有限数",
    "ocds.float": "发布包中出现浮点数金额（{value}）：金额须为精确的十进制数",
    "ocds.invalid": "发布包不符合 OCDS 1.1.5 模式（{value} 处）",
    "ocds.unknown_codelist": "没有代码表 {value}：须为随包提供的代码表或模式中的封闭代码表",
}
"""Code → the Chinese sentence (see :mod:`outsourcing._messages`)."""
