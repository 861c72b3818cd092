"""The command line's parser in Chinese (中文命令行): help, usage and argparse's errors.

:class:`ChineseParser` is an :class:`argparse.ArgumentParser` whose own strings a person sees
are Chinese — ``用法：`` for ``usage:``, the section titles, ``-h`` and the usage errors
(``缺少必需的参数`` …) — by subclassing and formatting, never by patching argparse's state.
Every sub-command's parser is one too (``add_subparsers`` passes the class on), and each
parser keeps the sub-command groups it made in :attr:`ChineseParser.subcommands`, so a test
can walk every command's ``--help``.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any, NoReturn

__all__ = ["ChineseHelpFormatter", "ChineseParser", "translate_error"]

_SECTIONS = {
    "positional arguments:": "位置参数：",
    "options:": "选项：",
    "optional arguments:": "选项：",
}

# argparse's error messages (Python 3.11), most specific first
_ERRORS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), zh) for p, zh in (
        (r"^the following arguments are required: (.*)$", r"缺少必需的参数：\1"),
        (r"^unrecognized arguments: (.*)$", r"无法识别的参数：\1"),
        (r"^one of the arguments (.*) is required$", r"参数 \1 须给出其中之一"),
        (r"^argument (.*?): not allowed with argument (.*)$", r"参数 \1 不能与参数 \2 同时使用"),
        (r"^argument (.*?): invalid choice: (.*) \(choose from (.*)\)$",
         r"参数 \1 的取值 \2 无效，可选：\3"),
        (r"^argument (.*?): expected one argument$", r"参数 \1 需要一个值"),
        (r"^argument (.*?): expected at most one argument$", r"参数 \1 至多需要一个值"),
        (r"^argument (.*?): expected at least one argument$", r"参数 \1 至少需要一个值"),
        (r"^argument (.*?): expected (\d+) arguments?$", r"参数 \1 需要 \2 个值"),
        (r"^argument (.*?): invalid (\w+) value: (.*)$", r"参数 \1 的值 \3 无效（应为 \2）"),
        (r"^argument (.*?): ignored explicit argument (.*)$", r"参数 \1 不接受值 \2"),
        (r"^ambiguous option: (.*) could match (.*)$", r"选项 \1 有歧义，可能是：\2"),
        (r"^unexpected option string: (.*)$", r"意外的选项：\1"),
        (r"^argument (.*?): (.*)$", r"参数 \1：\2"),
    ))


def translate_error(message: str) -> str:
    """argparse's English usage error in Chinese (unknown messages are kept as they are)."""
    for pattern, zh in _ERRORS:
        if pattern.match(message):
            return pattern.sub(zh, message, count=1)
    return message


class ChineseHelpFormatter(argparse.HelpFormatter):
    """argparse's formatter with the usage line headed ``用法：``."""

    def add_usage(self, usage: str | None, actions: Any, groups: Any,
                  prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


class ChineseParser(argparse.ArgumentParser):
    """An argument parser that speaks Chinese to the person at the desk."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        add_help = kwargs.pop("add_help", True)
        kwargs["add_help"] = False  # ours below, in Chinese
        super().__init__(*args, **kwargs)
        self.subcommands: list[Any] = []
        """The sub-command groups (``add_subparsers``) of this parser, in order."""
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                              help="显示本帮助并退出")

    def add_subparsers(self, **kwargs: Any) -> Any:
        group = super().add_subparsers(**kwargs)
        self.subcommands.append(group)
        return group

    def format_help(self) -> str:
        return _sections_zh(super().format_help())

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: 错误：{translate_error(message)}〔desk.usage〕\n")


def _heading(line: str) -> str:
    if line in _SECTIONS:
        return _SECTIONS[line]
    if line.endswith(":") and not line.startswith(" ") and not line.isascii():
        return line[:-1] + "："  # a group titled in Chinese
    return line


def _sections_zh(text: str) -> str:
    return "\n".join(_heading(line) for line in text.split("\n"))
