"""Chinese messages: the desk: command line, printables, files (desk helper)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "desk.db.empty": "--db 为空：请写明登记库的文件路径或数据库 URL",
    "desk.db.missing": "登记库不存在（不会自动新建空库）：请检查 --db 或环境变量 OUTSOURCING_DB；"
                       "新建登记库请用 outsourcing init",
    "desk.db.not_a_registry": "该数据库中没有登记库（尚未建立）：请检查 --db；"
                              "新建登记库请用 outsourcing init",
    "desk.file_too_deep": "文件嵌套过深：数组或表的嵌套不得超过 {limit} 层",
    "desk.file_unreadable": "文件格式有误，无法读取：不是有效的 {kind}（问题在{where}）",
    "desk.settle.contract_and_all": "--contract 与 --all 只能选其一",
    "desk.settle.which": "请指明结算范围：--contract 合同编号，或 --all 结算该期间的全部合同",
    "desk.settle.file_needs_period": "settle-file 场景文件 需要 --period 期间（如 2022-10）",
    "desk.items.not_a_table": "评分项文件应为以服务项目编号为键的表",
    "desk.items.line_not_a_table": "评分项文件中每个服务项目应为一个以指标编号为键的表",
    "desk.items.bad_pairs": "评分项应写作 [名称, 分值] 的列表，分值为数字",
    "desk.assessment.duplicate": "服务项目 {line} 的 {period} 考核已导入且内容不同；如需更正，请加 "
                                 "--correction 说明更正理由（将记为更正版本，原记录保留）",
    "desk.pay.reversal_needs_reason": "冲正须用 --reason 说明理由",
    "desk.pay.reversal_dated": "冲正按原付款日期记录，不用 --on",
    "desk.pay.amount_missing": "请填写付款金额（元），如 83410.00",
    "desk.actor_missing": "请用 --as 指明操作人员（或设置环境变量 OUTSOURCING_ACTOR）",
    "desk.period_missing": "缺少期间（如 2022-10 或 2022-Q4）",
    "desk.bad_amount": "「{text}」不是金额：金额只能写数字（可用千分位逗号），最多两位小数，"
                       "不能用科学计数法",
    "desk.statement.none": "该期间尚无结算单",
    "desk.statement.no_version": "结算单第{version}版不存在：该期间的结算单有 {have}",
    "desk.statement.settle_first": "该期间尚无结算单，请先结算（settle 期间 --contract 合同编号）",
    "desk.export.what": "请指明导出格式：--xlsx 文件 和/或 --html 文件夹",
    "desk.report.unknown_supplier": "该供应商没有登记的合同",
    "desk.report.no_statements": "尚无结算单，无法出图",
    "desk.ocds.from_after_to": "起始日期晚于截止日期",
    "desk.ocds.unknown_unit": "登记库中没有该采购单位的合同",
    "desk.ocds.no_publisher": "没有可发布的合同，请用 --publisher 指明发布机构",
    "desk.usage.not_a_number": "{option} 应填数字，却是「{text}」",
    "desk.usage.negative": "{option} 不能为负数：{text}",
    "desk.change.not_a_table": "变更文件应为一个表（键值对）",
    "desk.change.kind": "变更类型应为 {kinds} 之一",
    "desk.change.unknown_keys": "变更文件有未知的键：{keys}",
    "desk.init.founder_missing": "新登记库需要第一位操作人员：--actor 编号 --name 姓名",
    "desk.contract.unknown": "合同不存在",
    "desk.usage.quantity_or_materials": "请填写 --quantity（按量计价的服务项目）或 --materials"
                                        "（人工加材料的原材料实际金额），二者选一",
    "desk.file_unwritable": "无法写入 {path}（{why}）",
    "desk.font_missing": "未安装中文字体包 pylopdf-fonts-zh-cn（请安装 outsourcing[desk]）",
    "desk.font_file_missing": "中文字体文件缺失（请重新安装 pylopdf-fonts-zh-cn）",
    "desk.workbook.refused": "工作簿未导入，共 {count} 处错误：{listing}{more}",
    "money.capitals_not_money": "大写金额只能由精确到分的金额生成",
    "money.capitals_too_large": "金额过大，无法写成大写金额",
    "money.capitals_unreadable": "无法读取大写金额：{why}",
}
