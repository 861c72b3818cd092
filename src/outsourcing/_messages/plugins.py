"""Chinese messages: plugins, rules, changes, procurement, portfolio (plugins helper)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # --- the plugin host (outsourcing.plugins, outsourcing._plugin_manager) -------------
    "plugin.failed": "辖区插件在钩子中出错：请插件作者修正（插件名和钩子名见上）",
    "plugin.answer.not_a_list": "辖区插件的钩子须返回列表（或 None），不能返回其他类型；"
                                "生成器函数须标注 @hookimpl(wrapper=True)",
    "plugin.answer.wrong_type": "辖区插件的钩子返回了错误类型的对象：须为 {expected}",
    "plugin.wrapper.yields_twice": "包装钩子（wrapper=True）只能 yield 一次",
    # --- the library's own contract checks (outsourcing.checks) -------------------------
    "qualification.missing.not_held": "服务项目 {line} 需要「{label}」：供应商未持有（{on}）",
    "qualification.missing.expired":
        "服务项目 {line} 需要「{label}」：所持资质已于 {expired} 过期（{on}）",
}
