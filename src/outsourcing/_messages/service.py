"""Chinese messages: the service (svc-auth): units, accounts, sign-in, API tokens, problem
details of the HTTP service."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # units (单位)
    "unit.unknown_level": "层级 {value} 未知：层级须为 {levels} 之一",
    "unit.bad_id": "{term}有误：{term}须为不含控制字符或不可见字符的文本",
    "unit.bad_name": "单位名称有误：须为不含控制字符或不可见字符的文本",
    "unit.own_parent": "单位 {value} 不能是自己的上级单位",
    "unit.duplicate": "单位编号 {value} 重复：同一批单位中每个编号只能出现一次",
    "unit.two_roots": "单位树只能有一个根（最上级单位），现有 {roots}",
    "unit.unknown_parent": "单位 {unit} 的上级单位 {value} 不存在：须先登记上级单位",
    "plugin.unit.declared_twice": "单位编号 {value} 被声明了两次：每个单位只能由一个插件声明一次",
    "plugin.unit.unknown_parent": "单位 {unit} 的上级单位 {value} 没有任何插件声明",
    "plugin.unit.unknown_root": "没有插件声明单位 {value}：请检查单位编号（如 NX）",
    "registry.not_a_unit": "{value} 不是单位（Unit）",
    "registry.unit_exists": "单位编号 {value} 已登记为“{name}”，且内容不同：单位登记后不能更改",
    "registry.unit.unknown_level": "层级 {value} 未知：层级须为 {levels} 之一",
    "registry.unit.bad_id": "{term}有误：{term}须为不含控制字符或不可见字符的文本",
    "registry.unit.bad_name": "单位名称有误：须为不含控制字符或不可见字符的文本",
    "registry.unit.own_parent": "单位 {value} 不能是自己的上级单位",
    "registry.unit.duplicate": "单位编号 {value} 重复：同一批单位中每个编号只能出现一次",
    "registry.unit.two_roots": "单位树只能有一个根（最上级单位），现有 {roots}",
    "registry.unit.unknown_parent": "单位 {unit} 的上级单位 {value} 不存在：须先登记上级单位",
    "registry.unknown_unit":
        "单位 {value} 不存在：请先登记该单位"
        "（「outsourcing unit load」或「outsourcing unit add」）",
    "registry.action.add_units": "登记单位",
    "registry.action.add_unit": "登记单位",
    # accounts (账户)
    "registry.action.add_account": "开设账户",
    "registry.action.set_password": "设置口令",
    "registry.action.disable_account": "停用账户",
    "registry.action.enable_account": "启用账户",
    "registry.action.issue_token": "签发接口令牌",
    "registry.action.revoke_token": "吊销接口令牌",
    "registry.action.unit_scope": "查看本单位范围以外的合同",
    "registry.argon2_profile": "口令散列参数 {value} 未知：请使用 argon2.profiles 中的名称",
    "registry.password_length": "口令须为 {min} 至 {max} 个字符",
    "registry.password_has_login": "口令不得包含登录名",
    "registry.denied.own_account":
        "审批人不能为自己开设或启用账户：须由另一名审批人办理（双人审核）",
    "registry.denied.own_token":
        "审批人不能为自己签发接口令牌：须由另一名审批人办理（双人审核）",
    "registry.account_exists": "登录名 {value} 已被使用，或操作人员 {actor} 已有账户：每人一个账户",
    "registry.supplier_account_unit":
        "供应商的账户或令牌不属于任何单位：供应商只能查看本供应商的合同",
    "registry.account_unit_missing": "账户须指明其所在单位",
    "registry.unknown_account": "账户 {value} 不存在",
    "registry.sign_in_refused": "登录名或口令不正确，或账户已停用",
    "registry.sign_in_slowed": "登录失败次数过多：请 {minutes} 分钟后再试",
    # API tokens (接口令牌)
    "registry.token_roles": "令牌的角色须为其操作人员已有的角色（{held}）中的一个或几个",
    "registry.token_units": "令牌须限定于一个或多个单位",
    "registry.unknown_token": "接口令牌 {value} 不存在",
    # the service's commands
    "desk.password_mismatch": "两次输入的口令不一致",
    "desk.units_file":
        "单位文件 {value} 须由 [[unit]] 表组成（id、name，可有 parent、level、jurisdiction）",
    "desk.units_root_missing": "请写明单位树的根（如 NX），或用 --file 指定单位文件",
    "service.dev_not_local":
        "--dev 允许明文连接的会话，只能监听本机（127.0.0.1）：监听地址为 {value}",
    # the service
    "service.secret": "服务密钥有误",
    "service.secret_missing":
        "缺少服务密钥：请设置环境变量 OUTSOURCING_SECRET（或密钥文件），至少 {min} 个字符；"
        "仅在本机试用时可用 --dev",
    "service.sign_in_required":
        "请先登录（网页）或在请求头中提供有效的接口令牌（「Authorization: Bearer …」）",
    "service.bad_body": "请求内容有误（字段 {field}）：请按接口文档提供",
    "service.csrf": "表单已过期或来源不明（缺少跨站请求伪造防护令牌）：请刷新页面后重新提交",
    "service.forbidden": "无权执行此操作",
    "service.not_found": "所请求的页面或资源不存在",
    "service.method_not_allowed": "该地址不支持此请求方法",
    "service.too_many": "请求过于频繁：请稍后再试",
    "service.http": "请求未能完成（HTTP {status}）",
    "service.internal": "服务内部出错：已记录，请联系管理员",
    "service.denied.role": "{action} 需要{roles_zh}角色",
    "service.denied.unit_scope": "该合同不在本单位及下级单位范围内",
    "service.status.401": "需要登录",
    "service.status.403": "无权操作",
    "service.status.404": "不存在",
    "service.status.422": "内容有误",
    "service.status.429": "请求过于频繁",
    "service.status.500": "服务内部出错",
}
