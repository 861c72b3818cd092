"""Messages from one catalogue: a raise site gives a specific dotted code, the field and the
value; the Chinese sentence lives in :mod:`outsourcing.messages_zh` (never ``zh="…"`` at the
raise site); every code raised has its own entry; a sentence's placeholders are passed.
Every file of the library and its plugins holds to it, with no list of exceptions.
"""

from __future__ import annotations

import ast
import string
from collections.abc import Iterator
from pathlib import Path

from outsourcing import messages_zh
from outsourcing._messages import AREAS
from outsourcing.messages_zh import MESSAGES, say

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([*(ROOT / "src").rglob("*.py"), *(ROOT / "plugins").glob("*/src/**/*.py")])

GENERIC = frozenset({
    "error", "money", "date", "model", "rule", "rule.load", "jurisdiction", "plugin",
    "serialization", "change", "settlement", "procurement", "registry", "scenario", "desk",
    "desk.usage", "desk.workbook", "period", "statement", "payment", "performance",
})
"""Codes that say only that something is wrong (a class's default, or an area's name)."""

def _error_classes(trees: dict[Path, ast.Module]) -> set[str]:
    """Every class that derives from ``OutsourcingError``, found in the sources."""
    known = {"OutsourcingError"}
    bases: dict[str, set[str]] = {}
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases[node.name] = {_name(b) for b in node.bases}
    grew = True
    while grew:
        grew = False
        for cls, parents in bases.items():
            if cls not in known and parents & known:
                known.add(cls)
                grew = True
    return known


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _is_inline_text(node: ast.expr) -> bool:
    """A sentence written where it is used: a literal, an f-string, a sum of them, a
    conditional between them, or a local variable holding one."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr | ast.Name):
        return True
    if isinstance(node, ast.BinOp):
        return _is_inline_text(node.left) or _is_inline_text(node.right)
    if isinstance(node, ast.IfExp):
        return _is_inline_text(node.body) or _is_inline_text(node.orelse)
    if isinstance(node, ast.BoolOp):
        return any(_is_inline_text(v) for v in node.values)
    return False


def _placeholders(text: str) -> set[str]:
    return {f.split(".")[0].split("[")[0]
            for _, f, _, _ in string.Formatter().parse(text) if f}


def _violations(tree: ast.Module, errors: set[str]) -> Iterator[str]:
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        kw = {k.arg: k.value for k in node.keywords if k.arg}
        where = f"line {node.lineno}"
        if "zh" in kw and _is_inline_text(kw["zh"]):
            yield f"{where}: inline zh= sentence (put it in the catalogue under the code)"
        if _name(node.func) not in errors:
            continue
        code = kw.get("code")
        if code is None:
            if not any(k.arg is None for k in node.keywords):
                yield f"{where}: {_name(node.func)} raised without a code (its default is generic)"
            continue
        says = kw.get("says")
        if isinstance(code, ast.Constant) and isinstance(code.value, str):
            if code.value in GENERIC or "." not in code.value:
                yield f"{where}: generic code {code.value!r} (give one that tells this apart)"
            elif says is None:
                yield from _check_entry(where, code.value, kw.get("params"))
        elif isinstance(code, ast.JoinedStr):
            head = code.values[0]
            if not (isinstance(head, ast.Constant) and "." in str(head.value)):
                yield f"{where}: a code built without a fixed dotted prefix"
        if isinstance(says, ast.Constant) and isinstance(says.value, str):
            yield from _check_entry(where, says.value, kw.get("params"))


def _check_entry(where: str, code: str, params: ast.expr | None) -> Iterator[str]:
    """The catalogue has the code's sentence, and the raise site passes its placeholders."""
    if code not in MESSAGES:
        yield f"{where}: code {code!r} has no entry in the catalogue"
        return
    if isinstance(params, ast.Dict):
        given = {k.value for k in params.keys if isinstance(k, ast.Constant)}
        missing = _placeholders(MESSAGES[code]) - given - {"field", "value", "term"}
        if missing and None not in params.keys:
            yield f"{where}: {code!r} needs params {sorted(missing)}"
    elif params is None:
        missing = _placeholders(MESSAGES[code]) - {"field", "value", "term"}
        if missing:
            yield f"{where}: {code!r} needs params {sorted(missing)}"


def _all_violations() -> dict[str, list[str]]:
    trees = {p: ast.parse(p.read_text(encoding="utf-8"), str(p))
             for p in SOURCES if "/build/" not in str(p)}
    errors = _error_classes(trees)
    found: dict[str, list[str]] = {}
    for path, tree in trees.items():
        rel = path.relative_to(ROOT).as_posix()
        bad = list(_violations(tree, errors))
        if bad:
            found[rel] = bad
    return found


def test_raise_sites_give_specific_codes_and_no_inline_sentences() -> None:
    assert _all_violations() == {}


def test_each_code_is_catalogued_in_one_area_only() -> None:
    seen: dict[str, int] = {}
    for area in AREAS:
        for code in area:
            seen[code] = seen.get(code, 0) + 1
    assert sorted(c for c, n in seen.items() if n > 1) == []
    assert all(MESSAGES[c] == text for area in AREAS for c, text in area.items())


def test_every_placeholder_is_a_name() -> None:
    bad = sorted(c for c, text in MESSAGES.items()
                 if any(not p.isidentifier() for p in _placeholders(text)))
    assert bad == []


def test_a_sentence_is_filled_from_the_params_and_a_missing_one_stays_visible() -> None:
    messages_zh.MESSAGES["test.house.sentence"] = "月份 {month} 不存在：月份须为 1 至 12（{field}）"
    try:
        assert say("test.house.sentence", month=13, field="period") == (
            "月份 13 不存在：月份须为 1 至 12（period）")
        assert say("test.house.sentence") == "月份 {month} 不存在：月份须为 1 至 12（{field}）"
    finally:
        del messages_zh.MESSAGES["test.house.sentence"]


def test_the_error_renders_the_catalogue_sentence_with_field_value_and_params() -> None:
    from outsourcing.errors import DateError
    messages_zh.MESSAGES["test.house.month"] = "月份 {month} 不存在：月份须为 1 至 12"
    try:
        err = DateError("month 13 is not 1..12", field="period", value="2022-13",
                        code="test.house.month", params={"month": 13})
        assert err.message_zh == "period='2022-13'：月份 13 不存在：月份须为 1 至 12"
        assert str(err).endswith(" — 月份 13 不存在：月份须为 1 至 12")
        assert err.params == {"month": 13}
    finally:
        del messages_zh.MESSAGES["test.house.month"]


def test_a_specific_default_code_says_its_sentence_and_a_generic_one_does_not() -> None:
    from outsourcing.errors import OutsourcingError

    class Specific(OutsourcingError):
        default_code = "test.house.specific"
        default_is_specific = True

    class Generic(OutsourcingError):
        default_code = "test.house.generic"

    messages_zh.MESSAGES["test.house.specific"] = "缺少组件 {extra}"
    messages_zh.MESSAGES["test.house.generic"] = "输入有误"
    try:
        err = Specific("x missing", params={"extra": "desk"})
        assert err.zh == "缺少组件 desk" and str(err) == "x missing — 缺少组件 desk"
        plain = Generic("bad input")
        assert plain.zh is None and str(plain) == "bad input"  # str() as before
        assert plain.message_zh == "输入有误"  # the generic sentence only as the fallback
    finally:
        del messages_zh.MESSAGES["test.house.specific"]
        del messages_zh.MESSAGES["test.house.generic"]


def _cell_problem_violations(tree: ast.Module) -> Iterator[str]:
    """A workbook reader's bad cell (``Problems.add(sheet, cell, code, value, says=…,
    **params)``) names its sentence by a catalogued code, never writes it."""
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "add" and len(node.args) >= 3
                and isinstance(node.args[2], ast.Constant)
                and str(node.args[2].value).startswith("desk.")):
            continue
        where = f"line {node.lineno}"
        values = [*node.args, *(k.value for k in node.keywords)]
        if len(node.args) > 4 or any(isinstance(v, ast.JoinedStr) and any(
                isinstance(part, ast.Constant) and not str(part.value).isascii()
                for part in v.values) for v in values):
            yield f"{where}: a bad cell's sentence written inline (put it in the catalogue)"
        kw = {k.arg: k.value for k in node.keywords if k.arg}
        says = kw.get("says")
        keys = [str(node.args[2].value)] if says is None else [
            str(x.value) for x in (says.body, says.orelse) if isinstance(x, ast.Constant)
        ] if isinstance(says, ast.IfExp) else [str(says.value)] if isinstance(
            says, ast.Constant) else []
        for key in keys:
            if key not in MESSAGES:
                yield f"{where}: {key!r} has no entry in the catalogue"
            elif missing := _placeholders(MESSAGES[key]) - set(kw):
                yield f"{where}: {key!r} needs params {sorted(missing)}"


def test_workbook_readers_report_bad_cells_in_catalogue_sentences() -> None:
    found = {}
    for path in sorted((ROOT / "src" / "outsourcing" / "desk").glob("*.py")):
        bad = list(_cell_problem_violations(ast.parse(path.read_text(encoding="utf-8"))))
        if bad:
            found[path.name] = bad
    assert found == {}
