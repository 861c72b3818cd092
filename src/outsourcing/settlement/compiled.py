"""The compiled form of a contract and its compact inputs (编译后的合同与紧凑输入).

:func:`compile_contract` compiles a contract (or a timeline of its changes) once: the
result is a :class:`~.prepared.PreparedContract` — plain data (ints, strings, dates,
Fractions, tuples, lists, frozen attrs models; no module, no closure), which pickles, so it
crosses a process pool or a Dask cluster and a store can keep it from the day the contract
or a change is signed.  It carries :data:`~.keys.FORMAT` and a ``key``: the hash of the
documents it was compiled from and of the rules in force (:func:`~.keys.compiled_key`); a
new dated rule or a plugin upgrade changes the key, so a kept compiled form is recompiled.

:func:`settle_compiled` settles one period of it from either the period's
:class:`~outsourcing.performance.Assessment` objects or their compact form,
:class:`PeriodInput`: a tuple per line of KPI values in hundredths, the incidents as
(day, kind, share) and the sources — what :func:`period_input` makes of assessments, what a
store keeps per contract-period, and what a caller settling many contracts builds from its
own tables.  Both give the same :class:`~outsourcing.statement.Statement` (a test checks it);
its explanations are derived only when read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, NamedTuple, Unpack

from ..dates import Period
from ..errors import SettlementError
from ..payment import RATE_DEN
from ..performance import NOT_SCORED, Assessment
from ..rules import RuleBook
from ..statement import Carry, Statement
from . import compute, inputs
from .compile import SettlementSource
from .compute import Reading
from .keys import compiled_key
from .options import ContractTerms, PeriodKeywords, PeriodTerms, PrepareKeywords
from .prepared import PreparedContract
from .record import to_record

__all__ = ["Incident", "PeriodInput", "compile_contract", "period_input", "settle_compiled"]

Incident = tuple[date, str, "int | None"]
"""An incident in compact form: its day, its kind, and the share of the fee applied in
millionths where the contract gives a range for the kind (else None)."""


class PeriodInput(NamedTuple):
    """A contract-period's assessments in compact form, one entry per line in the compiled
    contract's line order (``compiled.line_ids``).

    ``values[j]`` is line ``j``'s KPI values in hundredths of the KPI's unit, in the order of
    its KPIs (a tuple per site, in the rule's site order, for a line scored at several
    sites; :data:`~outsourcing.performance.NOT_SCORED` for a KPI left out of the period), or
    None for a line without an assessment — or one whose KPIs were not all measured, when
    ``missing[j]`` names them.  ``incidents[j]`` are the line's incidents as recorded;
    ``sources[j]`` the (KPI, source) pairs the explanation quotes; ``assessed_on`` the day of
    the latest assessment (the default day of acceptance).  Empty ``incidents``,
    ``sources`` or ``missing`` mean none for every line.
    """

    values: Sequence[Any]
    assessed_on: date | None = None
    incidents: Sequence[tuple[Incident, ...]] = ()
    sources: Sequence[tuple[tuple[str, str], ...]] = ()
    missing: Sequence[tuple[str, ...]] = ()


def compile_contract(source: SettlementSource, rulebook: RuleBook, *,
                     documents: Sequence[str | bytes] | None = None,
                     **kw: Unpack[PrepareKeywords]) -> PreparedContract:
    """Compile a contract (or a timeline of its changes) for settlement, once.

    The keywords are the contract's own terms (:func:`~outsourcing.settlement.prepare`).
    ``documents`` are what the key hashes — a store passes the documents it keeps (the
    contract with its terms, then each decided change, in order), so that
    ``compiled_key(documents, rulebook)`` tells, without compiling, whether a kept
    compiled form is current; without them the key hashes the canonical JSON of the
    contract, its decided changes and its terms (:func:`~.keys.default_documents`).
    """
    pc = PreparedContract(source, rulebook, ContractTerms(**kw))
    if documents is not None:
        pc.key = compiled_key(documents, rulebook)
    return pc


def settle_compiled(compiled: PreparedContract, period: Period | str,
                    given: PeriodInput | Iterable[Assessment] = (), *,
                    previous: Statement | Carry | None = None,
                    **kw: Unpack[PeriodKeywords]) -> Statement:
    """Settle one period of a compiled contract from its assessments or their compact form
    (:class:`PeriodInput`); ``previous`` and the keywords as
    :meth:`~.prepared.PreparedContract.settle`."""
    terms = PeriodTerms(**kw)
    if not isinstance(given, PeriodInput):
        return compiled.settle_period(period, given, previous, terms)
    i = compiled.period_index(period)
    rds, incidents, sources = readings_of(compiled, i, given)
    finals = inputs.final_scores(compiled, terms.final_scores) if terms.final_scores else {}
    actuals = inputs.actual_fees(compiled, i, terms.usage, required=terms.usage_required)
    state, found = inputs.state_from(compiled, previous, i)
    accepted_on = terms.accepted_on
    if accepted_on is None and any(v is not None for v in given.values):
        accepted_on = given.assessed_on
    res = compute.settle_readings(
        compiled, i, rds, state, accepted_on=accepted_on, acceptance_due=terms.acceptance_due,
        paid_on=terms.paid_on, release=terms.release_holdback,
        fees={j: a.fen for j, a in actuals.items()} if actuals else None, finals=finals)
    for a in actuals.values():
        found.extend(a.findings)
    return Statement(to_record(compiled, res, None, sources, actuals, found, incidents),
                     compiled)


def period_input(compiled: PreparedContract, period: Period | str,
                 assessments: Iterable[Assessment]) -> PeriodInput:
    """A period's assessments checked against the compiled contract and made compact (what
    a store keeps per contract-period, and settles with :func:`settle_compiled`)."""
    i = compiled.period_index(period)
    rds, by_line, sources = inputs.compact_readings(compiled, i, assessments)
    n = len(compiled.lines)
    return PeriodInput(
        tuple(None if r is None else r.values for r in rds),
        max((a.assessed_on for a in by_line.values()), default=None),
        tuple(() if j not in by_line else tuple(
            (x.on, x.kind, None if x.share is None else int(x.share * RATE_DEN))
            for x in by_line[j].incidents) for j in range(n)),
        tuple(sources.get(j, ()) for j in range(n)),
        tuple(() if r is None else r.missing for r in rds))


def readings_of(cc: PreparedContract, i: int, given: PeriodInput
                ) -> tuple[list[Reading | None], dict[int, tuple[Incident, ...]],
                           dict[int, tuple[tuple[str, str], ...]]]:
    """A compact input checked against the contract: the readings for :mod:`.compute`, the
    incidents and the sources by line index."""
    n = len(cc.lines)
    values = given.values
    if len(values) != n:
        raise SettlementError(f"a compact input has one entry per line; the contract has {n}",
                              field="values", value=len(values), term="考核数据",
                              code="settlement.input_lines", params={"lines": n})
    incs = given.incidents or ((),) * n
    missing = given.missing or ((),) * n
    if len(incs) != n or len(missing) != n or (given.sources and len(given.sources) != n):
        raise SettlementError(f"a compact input has one entry per line; the contract has {n}",
                              field="incidents", value=len(incs), term="考核数据",
                              code="settlement.input_lines", params={"lines": n})
    out: list[Reading | None] = []
    incidents: dict[int, tuple[Incident, ...]] = {}
    for j, (pl, v) in enumerate(zip(cc.lines, values, strict=True)):
        if v is None:
            out.append(Reading(None, (), None, tuple(missing[j])) if missing[j] else None)
            continue
        _check_values(pl, v, f"values[{j}]")
        if not incs[j]:
            out.append(Reading(v))
            continue
        incidents[j] = tuple(incs[j])
        kinds, shares = _incidents(cc, pl, i, incidents[j], f"incidents[{j}]")
        out.append(Reading(v, kinds, shares))
    sources = {j: tuple(s) for j, s in enumerate(given.sources) if s}
    return out, incidents, sources


_INT = {int}


def _check_values(pl: Any, v: Any, where: str) -> None:
    """A line's values: a tuple of whole hundredths per KPI (per site), none negative (a
    rate's limit of 100% is checked where it is scored)."""
    k = len(pl.kpis)
    groups = v if pl.sites is not None and type(v) is tuple else (v,)
    if pl.sites is not None and len(groups) != len(pl.rule.sites.sites):
        raise SettlementError(f"line {pl.line.id} is scored at {len(pl.rule.sites.sites)} "
                              "sites: one tuple of values per site", field=where,
                              value=repr(v), term="考核点位", code="settlement.input_values",
                              params={"kpis": k})
    low = NOT_SCORED if pl.due is not None or pl.kpis.scheduled else 0
    for g in groups:
        if type(g) is not tuple or len(g) != k or set(map(type, g)) != _INT or min(g) < low:
            raise SettlementError(f"line {pl.line.id} has {k} KPIs: a tuple of {k} whole "
                                  "hundredths, none negative", field=where, value=repr(v),
                                  term="实测指标", code="settlement.input_values",
                                  params={"kpis": k})


def _incidents(cc: PreparedContract, pl: Any, i: int, given: tuple[Incident, ...],
               where: str) -> tuple[tuple[str, ...], tuple[int | None, ...] | None]:
    """A line's incidents checked (in the period, a kind its rule prices or scores, a share
    only within the contract's range): their kinds and shares in date order."""
    period = cc.periods[i]
    known = pl.compiled.kinds
    ranges = pl.compiled.ranges
    for n, inc in enumerate(given):
        if (type(inc) is not tuple or len(inc) != 3 or type(inc[0]) is not date
                or not period.start <= inc[0] <= period.end):
            raise SettlementError(f"an incident is (day in {period}, kind, share)",
                                  field=f"{where}[{n}]", value=repr(inc), term="事件",
                                  code="settlement.input_incident")
        _, kind, share = inc
        if kind not in known:
            raise SettlementError(
                f"incident kind {kind!r} has no deduction, score adjustment or downgrade in "
                f"line {pl.line.id}'s payment rule; known: {', '.join(sorted(known)) or 'none'}",
                field=f"{where}[{n}].kind", value=kind, term="事件类别",
                code="settlement.incident_kind_unknown")
        r = ranges.get(kind)
        if r is None and share is not None:
            raise SettlementError(
                f"incident kind {kind!r} has no share range in line {pl.line.id}'s payment "
                "rule", field=f"{where}[{n}].share", value=share, term="扣款比例",
                code="settlement.incident_share_unexpected")
        if r is not None and (type(share) is not int or not r[0] <= share <= r[1]):
            raise SettlementError(
                f"the share applied for {kind!r} is within {r[0]}–{r[1]} millionths",
                field=f"{where}[{n}].share", value=share, term="扣款比例",
                code="settlement.input_share", params={"low": r[0], "high": r[1]})
    ordered = sorted(given, key=lambda x: (x[0], x[1]))
    shares = tuple(s for _, _, s in ordered)
    return (tuple(k for _, k, _ in ordered),
            shares if any(s is not None for s in shares) else None)
