"""Chinese messages: contracts, lines, pricing, payment rules, plans (messages helper)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # shared readers (``says=``): every caller raises its own code with one of these
    "number.float": "须为精确数值（字符串如 \"12.5\" 或 Decimal），不接受浮点数",
    "number.bool": "须为精确数值（字符串如 \"12.5\" 或 Decimal），不接受布尔值",
    "number.too_large": "数值超过 {digits} 位，超出允许范围",
    "number.invalid": "不是数值：须写成数字，如 12.5",
    "number.type": "{kind} 不是数值：须为字符串（如 \"12.5\"）、整数或 Decimal",
    "number.not_finite": "数值须为有限数（不接受 NaN 或无穷大）",
    "number.out_of_range":
        "数值超出范围：至多 {digits} 位有效数字，数量级不超过 10 的 ±{exponent} 次方",
    "list.not_a_list": "须为列表，不是 {kind}",
    "list.item_type": "{term}的类型无效：不接受 {kind}",
    "choice.unknown": "取值无效，可选：{allowed}",
    "serialization.too_deep": "JSON 嵌套超过 {limit} 层",
    "text.empty": "{term}不能为空",
    "text.type": "{term}须为文字，不是 {kind}",
    "text.too_long": "{term}超过 {limit} 个字符的上限",
    "text.invisible_character":
        "{term}含有控制字符或不可见字符 {char}（第 {position} 个字符）：只能含可见字符",
    "text.outer_space": "{term}首尾不能有空格",
    "model.text.type": "{term}须为文字，不是 {kind}",
    "model.type": "{term}的类型无效：须为 {expected}",
    "model.code_form": "{term}代码格式无效：须形如 {example}",
    "model.negative": "{term}不得为负数",
    "model.float_rate":
        "逾期利息日利率须为精确数值（字符串如 \"0.0005\" 或 Decimal），不接受浮点数",
    "model.not_a_number": "逾期利息日利率不是数值：须写成数字，如 0.0005",
    "model.credit_code.type": "统一社会信用代码须为文本",
    "model.credit_code.checksum": "统一社会信用代码校验码错误：按前 17 位应为 {want}，却是 {got}",
    "model.credit_code.length": "统一社会信用代码应为 18 位",
    "model.credit_code.form":
        "统一社会信用代码格式无效：前 8 位为数字，其余为数字或除 I、O、Z、S、V 以外的大写字母",
    "model.qualification.ends_before_start": "资质有效期的截止日早于起始日 {start}",
    "model.term.too_long": "履行期限超过 {years} 年，超出范围",
    "model.lines.empty": "合同至少须有一个服务项目",
    "model.lines.duplicate_id": "服务项目编号在本合同中重复：每个服务项目须有不同的编号",
    "model.multi_year_conditions.unknown": "跨年度条件无效，可选：{allowed}",
    "model.payment_days.type": "付款期限须为 0 至 3650 的整天数",
    "model.day_count_conflict":
        "按实际天数计费（年费 ÷ 365）的服务项目不能与每月按 30 天计的合同同用",
    "model.literal_split_periods":
        "按期直接折算（全年 × 1/4）的服务项目，履行期限须为整数个结算期（{per}）",
    "model.line.unknown": "合同中没有这个服务项目；现有服务项目：{known}",
    "model.rulebook.no_host":
        "规则库不是由插件登记处生成的：请用 outsourcing.load().rulebook(辖区代码)",
    "model.kpi_schedule": "考核周期须为 KpiSchedule（如每月、每季度或指定月份）",
    "model.kpi.allows_not_applicable": "是否允许“不适用”须为是或否（true / false）",
    "model.service.declared_twice":
        "服务类别重复声明（{first} 与 {second}）：每个服务类别只能声明一次",
    "model.service.unknown_parent": "服务类别 {kind} 的上级类别未知：上级须为已声明的服务类别",
    "model.service.unknown": "服务类别未知；可选：{known}",
    "model.service.loop": "服务类别的上下级关系形成循环：上级链须终止于顶层类别",
    "model.service.no_procurement_item":
        "服务类别 {name} 未对应政府采购品目分类目录中的品目：请由插件通过 "
        "outsourcing_procurement_items 补充",
    "model.remainder_month": "尾差月份须为 1 至 12 月（不填则为合同年度的最后一个月）",
    "model.month_split": "年费分月规则须为 allocate、equal_remainder、actual_365 或 literal",
    "model.area_unit": "面积单价单位须为 month（元/m²·月）或 year（元/m²·年）",
    "usage.line_id": "实际用量须写明服务项目编号",
    "usage.quantity_or_materials":
        "实际用量须二选一：按量计价的服务项目填实际数量，人工加材料的服务项目填原材料实际金额",
    "usage.line_not_running": "服务项目 {line} 本期未履行，没有可按实结算的费用",
    "usage.quantity_needed": "服务项目 {line} 按{unit}计价：请录入实际数量",
    "usage.materials_needed": "服务项目 {line} 的原材料按实结算：请录入实际购买的原材料金额",
    "usage.fixed_fee_line": "服务项目 {line} 按固定费用计价，不按实际用量结算",
    "usage.missing.detail":
        "服务项目 {line} 的 {period} {what}未录入：按实结算部分 {planned} "
        "暂缓支付（不按计划或预算支付），录入后重新结算",
    "model.kpi_schedule.kind":
        "考核周期取值无效，可选：{allowed}（每期、每季度、每半年、每年、指定日期）",
    "model.kpi_schedule.months": "考核月份须为1到12月的列表",
    "model.kpi_schedule.month": "考核月份须为1到12之间的整数，不能为 {month}",
    "model.kpi_schedule.dates": "考核日期须为日期列表",
    "model.kpi_schedule.date": "考核日期无效：{why}",
    "model.kpi_schedule.month_twice": "考核月份重复：每个月份只写一次",
    "model.kpi_schedule.date_twice": "考核日期重复：每个日期只写一次",
    "model.kpi_schedule.dates_not_allowed":
        "只有“指定日期”的考核周期才填考核日期（本指标为{kind}）",
    "model.kpi_schedule.months_not_allowed": "“{kind}”的考核周期不填考核月份",
    "model.kpi_schedule.yearly_needs_months": "每年考核的指标须写明考核月份（如10月）",
    "model.kpi_schedule.dates_needs_a_date": "指定日期考核的指标须至少写明一个考核日期",
    "model.kpi_schedule.one_month_per_group": "{kind}考核须在每个{group}各写明一个考核月份",
    "payment.plan_kind": "付款计划类型须为 instalments（分期付款）或 periodic（定期结算）",
    "payment.interest_below_lpr.detail":
        "约定逾期利息日利率 {rate}（折合年利率 {yearly}%）低于合同订立日 "
        "{on} 的1年期贷款市场报价利率 {lpr}%",
    "file.too_large": "文件过大（{size} 字节，上限 {limit} 字节）",
    "file.unreadable": "无法读取文件：{why}",
    "file.binary": "文件不是文本（二进制文件）：请提供 UTF-8 编码的文本文件",
    "file.not_utf8": "文件不是 UTF-8 编码，看来是 {looks}，请另存为 UTF-8",
    "rewards.share_negative": "奖励分配比例不得为负数",
    "rewards.method": "奖励分配方式须为 rank（按名次）或 score（按得分）",
    "rewards.shares_all_zero": "按名次分配时，各名次的奖励比例不能全为零",
    "rewards.pool": "奖励总额须为金额（Money），且不得为负",
    "rewards.no_statements": "没有可排名的结算单：竞争性奖励至少需要一份结算单",
    "rewards.mixed_periods": "不同期间的结算单不能一起排名：须为同一考核期间",
    "rewards.contract_twice": "同一合同出现两次：每个合同只能参加一次排名",
    "payment.event_kind_empty": "事件类别须为非空字符串（如 complaint、fire）",
}
