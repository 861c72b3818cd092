"""Who writes to the store, as values (操作人员): the roles, an actor with its roles, a
proposal awaiting a second approver."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any

import attrs
from sqlalchemy import Row

from ..errors import RegistryError

__all__ = ["Actor", "Proposal", "Role", "actor_of", "roles_of"]


class Role(StrEnum):
    """What an actor may do (角色)."""

    OFFICER = "officer"
    """Purchaser's officer (经办人): records contracts, proposes changes, settles."""
    APPROVER = "approver"
    """Approver (审批人): signs or rejects changes, adds actors."""
    ASSESSOR = "assessor"
    """Assessor (考核人): records assessments and their corrections."""
    FINANCE = "finance"
    """Finance (财务): settles and records payments."""
    SUPPLIER = "supplier"
    """A supplier's user (供应商): proposes changes to its own contracts, reads."""

    @property
    def zh(self) -> str:
        return {"officer": "经办人", "approver": "审批人", "assessor": "考核人",
                "finance": "财务", "supplier": "供应商"}[self.value]


def roles_of(v: Iterable[Role | str]) -> frozenset[Role]:
    if isinstance(v, str):
        v = [v]
    try:
        return frozenset(Role(r) for r in v)
    except ValueError:
        raise RegistryError(f"unknown role; roles: {', '.join(r.value for r in Role)}",
                            field="roles", value=list(v), term="角色",
                            code="registry.unknown_role") from None


@attrs.frozen
class Actor:
    """A person who writes to the registry, with roles; ``supplier`` names the supplier a
    supplier's user works for (操作人员)."""

    id: str
    name: str
    roles: frozenset[Role] = attrs.field(converter=roles_of)
    supplier: str | None = None
    login: str | None = None
    """The person's own database login (PostgreSQL), which the registry maps to them."""


@attrs.frozen
class Proposal:
    """A proposed actor or role awaiting another approver's confirmation (待确认的提名)."""

    id: int
    kind: str
    """``actor`` or ``role``."""
    subject: str
    payload: Mapping[str, Any]
    proposed_by: str
    proposed_at: str


def actor_of(row: Row[Any], granted: Iterable[str] = ()) -> Actor:
    return Actor(row.id, row.name, [r for r in row.roles.split(",") if r] + list(granted),
                 row.supplier_id, row.login)
