"""The actual usage of a contract's lines (实际用量): a unit-rate line's quantity delivered,
a labour-plus-materials line's materials bought; versioned, a correction needs a reason."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import attrs
from sqlalchemy import Connection, Row, bindparam, select

from ..dates import Period
from ..errors import OutsourcingError, RegistryError
from ..serialize import structure, unstructure
from ..usage import Usage
from . import schema as S
from .access import Role
from .assessments import line_key
from .common import as_id, as_text, dumps
from .contracts import Contracts, contract_row

__all__ = ["UsageInputs", "UsageRecorded", "usage_in"]

Q_USAGE = (select(S.usage_records.c.line_id, S.usage_records.c.version,
                  S.usage_records.c.document)
           .where(S.usage_records.c.contract_id == bindparam("cid"),
                  S.usage_records.c.period == bindparam("period"))
           .order_by(S.usage_records.c.line_id, S.usage_records.c.version))


@attrs.frozen
class UsageRecorded:
    """What :meth:`Store.record_usage` did with one line's usage (实际用量录入结果)."""

    line: str
    period: Period
    version: int
    """The version in force after the call."""
    written: bool
    """False when the same values were recorded already (nothing written)."""
    correction: bool
    """True when this version supersedes an earlier one (更正)."""


def usage_in(conn: Connection, contract_id: str, period: str, history: bool = False
           ) -> list[tuple[str, int, Usage]]:
    rows = conn.execute(Q_USAGE, {"cid": contract_id, "period": period}).all()
    if not history:
        rows = list({r.line_id: r for r in rows}.values())
    return [(r.document, r.version, structure(json.loads(r.document), Usage))
            for r in rows]


class UsageInputs(Contracts):
    """Recording and reading the actual usage."""

    def record_usage(self, contract_id: str, usage: Iterable[Usage], *, by: str,
                     reason: str = "") -> list[UsageRecorded]:
        """Record the actual usage of a contract's lines (实际用量: a unit-rate line's quantity
        delivered, a labour-plus-materials line's materials bought), all in one transaction.

        Each usage is checked against the contract as it stands in its period (the line
        exists, ran, and is priced on usage; a quantity for a unit-rate line, materials for
        labour plus materials).  The same values as the version in force write nothing;
        other values are a correction (更正): a new version, the old one kept — refused
        without ``reason``, and then nothing of the call is written.  Every written version
        is in the audit chain."""
        items = list(usage)
        for n, x in enumerate(items):
            if not isinstance(x, Usage):
                raise RegistryError(f"a {type(x).__name__} is not a Usage",
                                    field=f"usage[{n}]", value=repr(x), term="实际用量",
                                    code="registry.not_a_usage")
        contract_id = as_id(contract_id, "contract_id", "合同编号")
        reason = as_text(reason, "reason", "更正理由")
        obj = f"usage_records:{contract_id}"
        actor = self._require(by, [Role.OFFICER, Role.ASSESSOR], "record_usage", obj)
        by = actor.id
        role = self._role(actor, [Role.OFFICER, Role.ASSESSOR])
        seen: set[tuple[str, Period]] = set()
        with self._read() as conn:  # a supplier's user holds neither role (职责分离)
            pc, _ = self._prepared_contract(conn, contract_id)
        for n, x in enumerate(items):
            key = (x.line, x.period)
            if key in seen:
                raise RegistryError("usage given twice for this line and period",
                                    field=f"usage[{n}]", value=f"{x.line} {x.period}",
                                    term="实际用量", code="registry.usage_twice")
            seen.add(key)
            try:
                pc.actual_fees(pc.period_index(x.period), [x])  # fits the line as priced
            except OutsourcingError as exc:
                raise RegistryError(f"usage[{n}]: {exc.reason}", field=f"usage[{n}]",
                                    value=f"{x.line} {x.period}", term="实际用量",
                                    code="registry.usage_invalid",
                                    params={"cause": exc.message_zh}) from None

        def same(r: Row[Any], x: Usage) -> bool:
            old = structure(json.loads(r.document), Usage)
            return (old.quantity, old.materials) == (x.quantity, x.materials)

        def refuse(changed: list[tuple[Usage, Row[Any]]]) -> RegistryError:
            lines = "、".join(f"{x.line} {x.period}" for x, _ in changed)
            return RegistryError(
                "already recorded with other values; a correction needs a reason",
                field="reason", value=lines, term="更正理由",
                code="registry.usage_correction_needs_reason")

        def write() -> list[UsageRecorded]:
            with self._write() as conn:
                out = self._versioned(
                    conn, S.usage_records, items, key=line_key(contract_id),
                    content=lambda x: {"document": dumps(unstructure(
                        attrs.evolve(x, recorded_by=x.recorded_by or by)))},
                    by=by, role=role, actions=("record_usage", "correct_usage"),
                    reason=reason, same=same, refuse=refuse)
            return [UsageRecorded(x.line, x.period, v, w, w and v > 1)  # unchanged first
                    for x, v, w in sorted(out, key=lambda r: r[2])]
        return self._retrying(write, "usage", obj, "实际用量")

    def usage(self, contract_id: str, period: Period | str, *,
              history: bool = False) -> list[Usage]:
        """The period's usage in force (the latest version of each line); with ``history``
        every version, oldest first."""
        contract_id = as_id(contract_id, "contract_id", "合同编号")
        p = str(Period.parse(period) if isinstance(period, str) else period)
        with self._read() as conn:
            contract_row(conn, contract_id)
            return [x for _, _, x in usage_in(conn, contract_id, p, history)]
