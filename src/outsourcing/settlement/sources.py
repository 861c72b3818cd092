"""What compiling checks of a settlement source before anything is compiled (结算对象检查):
the source is a contract or a timeline of its changes, and every line's service is one a
plugin (or the core catalogue) declared."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Protocol

from ..accrual import Schedule
from ..catalogue import CORE_SERVICE_KINDS, Catalogue
from ..errors import ModelError, SettlementError
from ..model import Contract, ServiceLine
from ..rules import RuleBook

__all__ = ["SettlementSource", "base_contract", "catalogue_of", "check_known"]


class SettlementSource(Protocol):
    """What settlement reads: a contract or a timeline of its changes."""

    def line_schedules(self) -> Mapping[str, Schedule]: ...

    def all_lines(self) -> Mapping[str, ServiceLine]: ...


def base_contract(source: SettlementSource) -> Contract:
    """The contract a source settles (``source.contract`` for a timeline), checked."""
    for name in ("line_schedules", "all_lines"):
        if not callable(getattr(source, name, None)):
            raise SettlementError(
                f"a {type(source).__name__} has no {name}(); settle a Contract or a "
                "timeline of changes", field="source", value=type(source).__name__,
                term="结算对象", code="settlement.source_type")
    contract = getattr(source, "contract", source)
    if not isinstance(contract, Contract):
        raise SettlementError("the source's base contract is not a Contract",
                              field="source.contract", value=type(contract).__name__,
                              code="settlement.source_contract_type")
    return contract


def catalogue_of(rulebook: RuleBook) -> Catalogue:
    """The service kinds known to the rulebook's plugin host, else the core's."""
    catalogue: Catalogue | None = getattr(rulebook.host, "catalogue", None)
    return _core_catalogue() if catalogue is None else catalogue


def check_known(rulebook: RuleBook, catalogue: Catalogue, contract: Contract,
                 lines: Iterable[ServiceLine]) -> None:
    """Never pay a service code nobody declared: the host checks (naming the plugins), or
    the catalogue does."""
    host = rulebook.host
    if callable(getattr(host, "check_known", None)):
        host.check_known(contract, lines)
        return
    for n, known in enumerate(lines):
        if known.service not in catalogue:
            _unknown(catalogue, n, known)


def _unknown(catalogue: Catalogue, n: int, line: ServiceLine) -> None:
    known = ", ".join(sorted(k.code for k in catalogue))
    raise ModelError(f"unknown service in line {line.id!r}; known: {known}",
                     field=f"lines[{n}].service", value=line.service, term="服务类别",
                     code="model.service.unknown", params={"known": known})


@lru_cache(maxsize=1)
def _core_catalogue() -> Catalogue:
    return Catalogue(CORE_SERVICE_KINDS)
