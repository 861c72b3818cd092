"""Chinese messages: plugins, rules, changes, procurement, portfolio (plugins helper)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # --- parameter files (outsourcing.parameters) ----------------------------------------
    "rule.load.syntax": "参数文件不是有效的 TOML（请检查引号、括号和日期的写法）",
    "rule.load.unknown_key": "参数文件中有未知的键；允许的键：{allowed}",
    "rule.load.note_at_top": "参数文件顶层不能写 note：note 写在 [[values]] 的取值中；"
                             "顶层允许的键：{allowed}",
    "rule.load.missing_key": "参数文件缺少必填的键 {key}（必填：description、unit、kind、values）",
    "rule.load.not_text": "该键的值须为字符串（用引号括起）",
    "rule.load.unit": "参数的单位（unit）无效；允许：{allowed}",
    "rule.load.kind": "参数的类型（kind）无效；允许：{allowed}",
    "rule.load.limit": "参数的限值类型（limit）无效；允许：{allowed}",
    "rule.load.values_not_array": "values 须写成表数组（每个取值一段 [[values]]）",
    "rule.load.value.not_table": "每个取值须为一张表（[[values]] 下的键值）",
    "rule.load.value.unknown_key": "取值中有未知的键；允许的键：{allowed}",
    "rule.load.value.from_not_date": "from 须为日期（YYYY-MM-DD，不加引号、不带时间）",
    "rule.load.value.until_before_from": "until 须为不早于 from 的日期（YYYY-MM-DD）",
    "rule.load.value.not_text": "citation 和 note 须为字符串（用引号括起）",
    "rule.load.value.missing": "每个取值须有 value 和 citation（依据的法规条款或公开来源）",
    "rule.load.duplicate_date": "两个取值同日生效：同一参数每个生效日期只能有一个取值",
    "rule.load.folder_missing": "辖区声明的参数文件夹不存在",
    "rule.load.defined_twice": "同一辖区的两个参数文件夹定义了同一个参数",
    "rule.load.unit_mismatch": "下级规则改变了参数的单位：须与上级参数文件的单位相同",
    "rule.load.ratio.type": "比例须为小数（如 0.10），不加引号也可",
    "rule.load.percent.type": "百分数须为数值（如 98 表示 98%）",
    "rule.load.rate_per_day.type": "日利率须为小数（如 0.0005）",
    "rule.load.yuan.type": "金额须写成字符串（如 \"2000000.00\"）或整数元，不能写成不加引号的小数",
    "rule.load.days.type": "天数须为整数",
    "rule.load.working_days.type": "工作日数须为整数",
    "rule.load.months.type": "月数须为整数",
    "rule.load.years.type": "年数须为整数",
    "rule.load.count.type": "次数须为整数",
    "rule.load.ratio_range.type": "比例区间须为含 min 和 max 两个键的表",
    "rule.load.ratio_range.min_above_max": "比例区间的下限（min）高于上限（max）",
    "rule.load.text.type": "文字须为字符串（用引号括起）",
    "rule.load.flag.type": "开关须为 true 或 false",
    "rule.load.list.type": "列表须写成数组（[…]）",
    # --- jurisdictions and the rulebook (outsourcing.rules) -------------------------------
    "jurisdiction.level":
        "辖区层级（level）无效；允许：national（全国）、region（省、自治区、直辖市）、"
        "city（设区的市、自治州）、district（县、区、县级市）",
    "jurisdiction.empty_chain": "规则集至少需要一个辖区",
    "jurisdiction.parent_loop": "辖区的上级链条形成了循环",
    "jurisdiction.parent_undeclared": "上级辖区未由任何已安装的插件声明",
    "rule.loosens_legal_limit.detail":
        "{what} {child} {direction}法定限值 {legal}：合同或下级规则只能收紧法定限值，不能放宽",
    "rule.unknown_parameter": "该辖区的规则中没有这个参数",
    "rule.not_in_force": "该参数在所查日期没有生效的取值",
    # --- the plugin host (outsourcing.plugins, outsourcing._plugin_manager) -------------
    "plugin.failed": "辖区插件在钩子中出错：请插件作者修正（插件名和钩子名见上）",
    "plugin.answer.not_a_list": "辖区插件的钩子须返回列表（或 None），不能返回其他类型；"
                                "生成器函数须标注 @hookimpl(wrapper=True)",
    "plugin.answer.wrong_type": "辖区插件的钩子返回了错误类型的对象：须为 {expected}",
    "plugin.wrapper.yields_twice": "包装钩子（wrapper=True）只能 yield 一次",
    "plugin.jurisdiction.declared_twice":
        "辖区代码已由插件 {other} 声明：每个辖区只能由一个插件声明",
    "plugin.site.declared_twice": "办公区编号已由插件 {other} 声明：每个办公区只能由一个插件声明",
    "plugin.site.unknown_jurisdiction": "办公区所属的辖区未由任何已安装的插件声明",
    "plugin.item.unknown_service": "采购品目对应的服务类别未由任何插件声明",
    "plugin.registration": "插件无法注册：插件名重复，或同一插件注册了两次，或钩子不符合规范",
    "plugin.cannot_import": "插件的入口（{entry_point}）无法导入：请检查插件是否完整安装",
    "plugin.not_installed": "所指定的插件未安装（OUTSOURCING_PLUGINS 或 load(plugins=…) 中的名称）",
    "plugin.validation": "插件中有标注 @hookimpl 但不是钩子的函数（名称拼写有误？）",
    "jurisdiction.wrong_rulebook": "合同的辖区不在规则集 {rulebook} 的辖区链条中",
    # --- the library's own contract checks (outsourcing.checks) -------------------------
    "qualification.missing.not_held": "服务项目 {line} 需要「{label}」：供应商未持有（{on}）",
    "qualification.missing.expired":
        "服务项目 {line} 需要「{label}」：所持资质已于 {expired} 过期（{on}）",
    # --- changes (outsourcing.changes) -------------------------------------------------
    "changes.supplementary_cap_exceeded.detail":
        "补充合同累计金额 {total} 将超过原合同采购金额 {original} 的{cap}（上限 {limit}）："
        "本次增加 {added}，已用 {used}，剩余 {left}",
    "change.timeline.listed_out_of_order":
        "变更 {change}（{signed_on} 签订）排在 {last}（{last_signed_on} 签订）之后："
        "已决定的变更须按签订先后排列",
    "change.rejected.over_cap": "合同变更 {change} 被驳回：{reasons}",
    "change.rejected.findings":
        "合同变更 {change} 被驳回：{reasons}（补充合同额度已用 {used}，剩余 {left}，上限 {limit}）",
    "change.rejected.invalid": "合同变更 {change} 无法适用，被驳回：{reason}",
    "change.timeline.not_a_contract": "变更时间线的合同须为 Contract 对象",
    "change.timeline.not_a_change": "变更时间线中的每一项须为 Change 对象",
    "change.timeline.duplicate_id": "变更编号重复：同一合同的每次变更须有不同的编号",
    "change.timeline.pending_status": "待签订列表中的变更，状态须为 pending（待签订）",
    "change.timeline.decided_status":
        "已决定的变更，状态须为 signed（已签订）或 rejected（已驳回）",
    "change.timeline.no_such_change": "没有这个编号的变更",
    "change.timeline.day_outside_term": "所查日期不在合同履行期限内",
    "change.timeline.propose_not_pending": "只有状态为 pending（待签订）的变更可以提出",
    "change.timeline.no_such_pending": "没有这个编号的待签订变更",
    "change.timeline.already_decided": "该变更已签订或已驳回，不能再次决定",
    "change.timeline.id_already_decided": "已有同一编号的变更被签订或驳回：请换一个编号",
    "change.timeline.rulebook_without_host":
        "规则集须由插件宿主生成（outsourcing.load().rulebook(辖区代码)），才能检查合同变更",
    "change.quantity_negative": "变更后的数量不能为负数",
    "change.price_negative": "变更后的单价不能为负数",
    "change.action_unknown": "不是合同变更事项；允许：{kinds}",
    "change.signed_without_date_or_approver": "已签订的变更须写明签订日期和审批人",
    # --- the portfolio (outsourcing.portfolio) -----------------------------------------
    "site_case.invalid": "办公区情景有误：{problem}",
    "coverage.not_a_contract": "须为合同或合同变更时间线",
    "coverage.duplicate_contract": "同一合同出现两次：每份合同只能列入一次",
    "coverage.duplicate_site": "办公区重复：每个办公区编号只能出现一次",
    "handover.bad_days": "交接期天数不合法：交叉天数须不小于0，检查天数须不小于1",
    "handover.changeover_outside_term": "交接日前一日不在原合同履行期限内",
    "handover.statement_mismatch": "结算单与原合同不符：须为原合同的结算单",
    "renewal.bad_window": "提前天数不能为负",
    "renewal.wrong_rulebook":
        "合同 {contract} 不适用 {rulebook} 的规则：须用合同所在辖区（或其上级）的规则集",
    "renewal.term_over_three_years":
        "合同 {contract} 履行期限超过3年：政府购买服务合同履行期限最长3年",
    "staff.certificate_dates": "证书有效期截止早于起始",
    "staff.no_shift": "岗位至少需要一个班次",
    "staff.bad_count": "每班人数须为不小于1的整数",
    "staff.bad_window": "提前天数不能为负",
    "rule.load.whole_out_of_range": "规则参数须为不小于 0 的整数，且不超过上限"
                                    "（天数 36525，月数 1200，年数 100，次数 1000000）",
    "qualification.table_shape": "资质要求规则须为资质列表，每项写明资质类别 kind"
                                 "（可另写 level、name、issuer）",
}
