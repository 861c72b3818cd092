"""Units (单位) as a tree: the region, its cities, their counties and districts, and the
departments of each (自治区 → 市 → 县（区）, 部门).

A :class:`Unit` is a noun like the others (frozen, checked when built); :func:`check_tree`
checks a set of units forms one tree.  A plugin ships its region's tree through the
``outsourcing_units`` hook (the Ningxia plugin does: ``outsourcing unit load NX``); the store
keeps the tree (:mod:`outsourcing.registry.units`), each contract belongs to one unit, and an
account of the service acts in one unit and sees that unit and those below it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum

import attrs

from ._validators import clean_text
from .errors import ModelError

__all__ = ["Level", "Unit", "check_tree", "subtree"]


class Level(StrEnum):
    """Where a unit stands in the tree (层级)."""

    REGION = "region"
    """自治区（省）"""
    CITY = "city"
    """市（地级市）"""
    COUNTY = "county"
    """县（区、县级市）"""
    DEPARTMENT = "department"
    """部门（单位）: a department or office at any level."""

    @property
    def zh(self) -> str:
        return {"region": "自治区", "city": "市", "county": "县（区）",
                "department": "部门"}[self.value]


def _level(v: Level | str) -> Level:
    try:
        return Level(v)
    except ValueError:
        raise ModelError(f"unknown level; levels: {', '.join(x.value for x in Level)}",
                         field="level", value=v, term="层级", code="unit.unknown_level",
                         params={"levels": "、".join(x.value for x in Level)}) from None


def _id(v: object) -> str:
    return clean_text(v, field="id", term="单位编号", kind="id", code="unit.bad_id")


def _name(v: object) -> str:
    return clean_text(v, field="name", term="单位名称", kind="name", code="unit.bad_name")


def _parent(v: object) -> str | None:
    if v is None:
        return None
    return clean_text(v, field="parent", term="上级单位", kind="id", code="unit.bad_id")


def _jurisdiction(v: object) -> str | None:
    if v is None:
        return None
    return clean_text(v, field="jurisdiction", term="辖区", kind="id", code="unit.bad_id")


@attrs.frozen
class Unit:
    """A unit (单位): a government level or a department, with the unit above it (none for
    the root) and the jurisdiction whose rules its contracts follow."""

    id: str = attrs.field(converter=_id)
    name: str = attrs.field(converter=_name)
    parent: str | None = attrs.field(default=None, converter=_parent)
    level: Level = attrs.field(default=Level.DEPARTMENT, converter=_level)
    jurisdiction: str | None = attrs.field(default=None, converter=_jurisdiction)

    def __attrs_post_init__(self) -> None:
        if self.parent == self.id:
            raise ModelError("a unit is not its own parent", field="parent", value=self.parent,
                             term="上级单位", code="unit.own_parent")


def check_tree(units: Iterable[Unit], known: Mapping[str, Unit] | None = None) -> list[Unit]:
    """``units`` in an order where each parent comes before its children, checked: every id
    once, every parent known (among ``units`` or the ``known`` ones already stored), and one
    root in all (the unit with no parent)."""
    known = dict(known or {})
    new: dict[str, Unit] = {}
    for u in units:
        if u.id in new:
            raise ModelError("a unit id is given twice", field="id", value=u.id,
                             term="单位编号", code="unit.duplicate")
        new[u.id] = u
    roots = sorted(i for i, u in {**known, **new}.items() if u.parent is None)
    if len(roots) > 1:
        raise ModelError("a tree has one root", field="parent", value=roots,
                         term="上级单位", code="unit.two_roots",
                         params={"roots": "、".join(roots)})
    ordered: list[Unit] = []
    placed = set(known)
    pending = list(new.values())
    while pending:
        ready = [u for u in pending if u.parent is None or u.parent in placed]
        if not ready:
            u = pending[0]
            raise ModelError("the parent is not a unit", field="parent", value=u.parent,
                             term="上级单位", code="unit.unknown_parent",
                             params={"unit": u.id})
        for u in ready:
            ordered.append(u)
            placed.add(u.id)
        pending = [u for u in pending if u.id not in placed]
    return ordered


def subtree(units: Sequence[Unit], root: str) -> frozenset[str]:
    """The ids of ``root`` and every unit below it."""
    children: dict[str, list[str]] = {}
    for u in units:
        if u.parent is not None:
            children.setdefault(u.parent, []).append(u.id)
    out, stack = set(), [root]
    while stack:
        x = stack.pop()
        if x not in out:
            out.add(x)
            stack.extend(children.get(x, ()))
    return frozenset(out)
