"""Chinese messages: installing the package and its extras (coordinator)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "install": "缺少可选组件：请按提示安装 outsourcing 的相应组件（extra）",
    "install.missing_extra": "未安装可选组件 {extra}（缺少 {module}）：请执行 "
                             "pip install 'outsourcing[{extra}]'",
}
