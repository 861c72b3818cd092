"""Units (单位) in the store: the tree from the region to the counties and departments, and
the unit each contract belongs to.

The tree is added by an approver, in one transaction per batch (``outsourcing unit load NX``
loads the tree a plugin ships); a unit once recorded keeps its parent (the table is
append-only), so a subtree only grows.  A contract recorded without a unit belongs to the
root of the tree (``contracts.unit_id`` NULL reads as the root).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, select

from ..errors import ModelError, RegistryError
from ..unit_tree import Level, Unit, check_tree, subtree
from . import schema as S
from .access import Guarded, Role
from .common import as_id, now

__all__ = ["Units", "unit_for_contract"]


def _unit_of(row: Any) -> Unit:
    return Unit(row.id, row.name, row.parent_id, row.level, row.jurisdiction)


def unit_for_contract(conn: Connection, unit: str | None) -> str | None:
    """The unit a new contract is recorded in: ``unit`` (it must exist), else the root of the
    tree (None while there is no tree)."""
    if unit is None:
        root = conn.execute(select(S.units.c.id).where(S.units.c.parent_id.is_(None))
                            ).scalar_one_or_none()
        return None if root is None else str(root)
    unit = as_id(unit, "unit", "单位编号")
    found = conn.execute(select(S.units.c.id).where(S.units.c.id == unit)).first()
    if found is None:
        raise RegistryError("no such unit", field="unit", value=unit, term="单位",
                            code="registry.unknown_unit")
    return unit


class Units(Guarded):
    """The unit tree and the unit of each contract."""

    def _units(self, conn: Connection) -> dict[str, Unit]:
        return {r.id: _unit_of(r) for r in conn.execute(select(S.units).order_by(S.units.c.id))}

    def add_units(self, units: Iterable[Unit], *, by: str) -> list[Unit]:
        """Record units (an approver does it): each parent is recorded before or in the same
        batch, the tree has one root.  A unit recorded already with the same name, parent,
        level and jurisdiction is skipped (loading a tree twice adds nothing); with other
        values it is refused.  Returns the units recorded now."""
        given = list(units)
        for u in given:
            if not isinstance(u, Unit):
                raise RegistryError(f"a {type(u).__name__} is not a Unit", field="units",
                                    value=repr(u)[:80], term="单位", code="registry.not_a_unit")
        actor = self._require(by, [Role.APPROVER], "add_units",
                              f"units:{given[0].id if given else ''}")
        with self._write() as conn:
            self._lock(conn)
            known = self._units(conn)
            fresh = []
            for u in given:
                old = known.get(u.id)
                if old is None:
                    fresh.append(u)
                elif old != u:
                    raise RegistryError("a unit with this id is recorded with other values",
                                        field="id", value=u.id, term="单位编号",
                                        code="registry.unit_exists",
                                        params={"name": old.name})
            try:
                ordered = check_tree(fresh, known)
            except ModelError as exc:
                raise RegistryError(exc.reason, field=exc.field, value=exc.value,
                                    term=exc.term, code=f"registry.{exc.code}",
                                    params=exc.params) from None
            at = now()
            self._record(conn, S.units, [{
                "id": u.id, "name": u.name, "parent_id": u.parent, "level": u.level.value,
                "jurisdiction": u.jurisdiction, "recorded_by": actor.id, "recorded_at": at}
                for u in ordered], actor.id, Role.APPROVER.value, "add_unit")
        return ordered

    def add_unit(self, unit_id: str, name: str, *, parent: str | None = None,
                 level: Level | str = Level.DEPARTMENT, jurisdiction: str | None = None,
                 by: str) -> Unit:
        """Record one unit below ``parent`` (None: the root of an empty tree)."""
        try:
            u = Unit(unit_id, name, parent, level, jurisdiction)
        except ModelError as exc:
            raise RegistryError(exc.reason, field=exc.field, value=exc.value, term=exc.term,
                                code=f"registry.{exc.code}", params=exc.params) from None
        self.add_units([u], by=by)
        return u

    def units(self) -> list[Unit]:
        """Every unit, parents before their children (the root first)."""
        with self._read() as conn:
            known = self._units(conn)
        return check_tree(known.values())

    def unit(self, unit_id: str) -> Unit:
        """A unit by id; ``registry.unknown_unit`` if there is none."""
        unit_id = as_id(unit_id, "unit", "单位编号")
        with self._read() as conn:
            row = conn.execute(select(S.units).where(S.units.c.id == unit_id)).first()
        if row is None:
            raise RegistryError("no such unit", field="unit", value=unit_id, term="单位",
                                code="registry.unknown_unit")
        return _unit_of(row)

    def root_unit(self) -> Unit | None:
        """The root of the tree (the region, or the one office), or None before any unit."""
        with self._read() as conn:
            row = conn.execute(select(S.units).where(S.units.c.parent_id.is_(None))).first()
        return None if row is None else _unit_of(row)

    def subtree(self, unit_ids: Iterable[str]) -> frozenset[str]:
        """The ids of the given units and of every unit below them."""
        with self._read() as conn:
            known = list(self._units(conn).values())
        out: set[str] = set()
        for u in unit_ids:
            out |= subtree(known, u)
        return frozenset(out)

    def contract_scope(self, contract_id: str) -> tuple[str | None, str] | None:
        """The unit a contract belongs to (its recorded unit; the root when none was
        recorded) and its supplier, or None when there is no such contract."""
        contract_id = as_id(contract_id, "contract_id", "合同编号")
        c = S.contracts
        with self._read() as conn:
            row = conn.execute(select(c.c.unit_id, c.c.supplier_id)
                               .where(c.c.id == contract_id)).first()
            if row is None:
                return None
            unit = row.unit_id
            if unit is None:
                unit = conn.execute(select(S.units.c.id).where(S.units.c.parent_id.is_(None))
                                    ).scalar_one_or_none()
        return (None if unit is None else str(unit)), str(row.supplier_id)

    def contract_units(self, contract_ids: Sequence[str] | None = None) -> dict[str, str | None]:
        """The unit of each contract (all of them, or those named), NULL read as the root."""
        c = S.contracts
        q = select(c.c.id, c.c.unit_id)
        if contract_ids is not None:
            q = q.where(c.c.id.in_(list(contract_ids)))
        with self._read() as conn:
            root = conn.execute(select(S.units.c.id).where(S.units.c.parent_id.is_(None))
                                ).scalar_one_or_none()
            return {r.id: r.unit_id if r.unit_id is not None else root
                    for r in conn.execute(q)}
