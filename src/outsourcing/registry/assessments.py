"""The assessments (考核记录) and the final assessment scores (期满考核得分): versioned
inputs of settlement, recorded by assessors; a correction needs a reason."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

import attrs
from sqlalchemy import Connection, Row, bindparam, select

from ..dates import Period
from ..errors import OutsourcingError, RegistryError
from ..performance import Assessment
from ..serialize import structure, unstructure
from ..usage import Usage
from . import compiled, readings
from . import schema as S
from .access import Actor, Role
from .common import as_id, as_text, dumps, now, sha
from .contracts import Contracts, contract_row

__all__ = ["ASSESSMENT_ACTIONS", "Assessments", "Imported", "assessments_in", "finals_in",
           "line_key"]

ASSESSMENT_ACTIONS = ("record_assessment", "correct_assessment")
Q_ASSESSMENTS = (select(S.assessments.c.line_id, S.assessments.c.version,
                        S.assessments.c.document, S.assessments.c.reason)
                 .where(S.assessments.c.contract_id == bindparam("cid"),
                        S.assessments.c.period == bindparam("period"))
                 .order_by(S.assessments.c.line_id, S.assessments.c.version))


@attrs.frozen
class Imported:
    """What :meth:`Store.import_assessments` did, line by line (one transaction)."""

    new: tuple[str, ...]
    """Lines recorded for the first time in their period."""
    same: tuple[str, ...]
    """Lines recorded already with the same values: nothing written."""
    corrected: tuple[str, ...]
    """Lines whose values changed, recorded as a correction (更正) with the reason."""


def line_key(contract_id: str) -> Callable[[Assessment | Usage], dict[str, Any]]:
    """The key of a versioned row of a contract's line and period (assessments, usage)."""
    return lambda x: {"contract_id": contract_id, "line_id": x.line, "period": str(x.period)}


def assessments_in(conn: Connection, contract_id: str, period: str, history: bool = False
                 ) -> list[tuple[str, int, Assessment]]:
    rows = conn.execute(Q_ASSESSMENTS, {"cid": contract_id, "period": period}).all()
    if history:
        return [(r.document, r.version, structure(json.loads(r.document), Assessment))
                for r in rows]
    latest: dict[str, Any] = {}
    for r in rows:
        latest[r.line_id] = r
    return [(r.document, r.version, structure(json.loads(r.document), Assessment))
            for r in latest.values()]


def finals_in(conn: Connection, contract_id: str) -> dict[str, tuple[int, str]]:
    final_scores = S.final_scores
    out: dict[str, tuple[int, str]] = {}
    for r in conn.execute(
            select(final_scores.c.line_id, final_scores.c.version, final_scores.c.score)
            .where(final_scores.c.contract_id == contract_id)
            .order_by(final_scores.c.line_id, final_scores.c.version)):
        out[r.line_id] = (r.version, r.score)
    return out


class Assessments(Contracts):
    """Recording and reading the assessments and the final scores."""

    def record_assessment(self, contract_id: str, assessment: Assessment, *, by: str,
                          reason: str = "") -> int:
        """Record a line's assessment for a period; a second one for the same line and period
        is a correction (更正): a new version, the old one stays.  Returns the version."""
        return self.record_assessments(contract_id, [assessment], by=by, reason=reason)[0]

    def record_assessments(self, contract_id: str, assessments: Iterable[Assessment], *,
                           by: str, reason: str = "") -> list[int]:
        """Record several assessments of one contract in one transaction (a month's score
        sheets); each is a new version of its line and period.  Returns the versions."""
        contract_id = as_id(contract_id, "contract_id", "合同编号")
        items = list(assessments)
        for n, x in enumerate(items):
            if not isinstance(x, Assessment):
                raise RegistryError(f"a {type(x).__name__} is not an Assessment",
                                    field=f"assessments[{n}]", value=repr(x), term="考核记录",
                                    code="registry.not_an_assessment")
        reason = as_text(reason, "reason", "更正理由")
        obj = f"assessments:{contract_id}"
        actor = self._require(by, [Role.ASSESSOR], "record_assessment", obj)
        by = actor.id
        self._check_assessor(contract_id, actor, items, obj)

        def write() -> list[int]:
            with self._write() as conn:
                out = self._versioned(
                    conn, S.assessments, items, key=line_key(contract_id),
                    content=lambda x: {"document": dumps(unstructure(x))}, by=by,
                    role=Role.ASSESSOR.value, actions=ASSESSMENT_ACTIONS, reason=reason,
                    reason_on_first=True)
                self._keep_readings(conn, contract_id, out)
                return [v for _, v, _ in out]
        return self._retrying(write, "assessment", obj, "考核记录")

    def _keep_readings(self, conn: Connection, contract_id: str,
                       out: Sequence[tuple[Assessment, int, bool]]) -> None:
        """Keep the compact reading of each assessment version just written, against the
        contract's compiled terms (:mod:`~outsourcing.registry.readings`)."""
        written = [(x, v) for x, v, w in out if w]
        if not written:
            return
        pc, key = self._prepared_contract(conn, contract_id)
        rules = compiled.rules_key(self.plugins, pc.contract.jurisdiction)
        a = S.assessments
        items = []
        for x, v in written:
            made = readings.reading_of(pc, x)
            if made is not None:
                rid = conn.execute(select(a.c.id).where(
                    a.c.contract_id == contract_id, a.c.line_id == x.line,
                    a.c.period == str(x.period), a.c.version == v)).scalar_one()
                items.append((int(rid), sha(dumps(unstructure(x))), key, rules, made))
        readings.keep(conn, self.keys, items)

    def _check_due(self, contract_id: str, items: Sequence[Assessment]) -> None:
        """Refuse, before anything is written, a value for a KPI not due in the period and
        不适用 where the contract's terms do not allow it (考核周期, see
        :meth:`~outsourcing.performance.CompiledKpis.read_due`)."""
        with self._read() as conn:
            pc, _ = self._prepared_contract(conn, contract_id)  # kept while unchanged
        for n, x in enumerate(items):
            pl = pc.lines[pc.line_index[x.line]]
            if pl.due is None and not x.not_applicable:
                continue
            try:
                due = (pl.due[pc.period_index(x.period)] if pl.due is not None
                       else (True,) * len(pl.kpis))
                pl.kpis.read_due(x, due, where=f"assessments[{n}]")
            except OutsourcingError as exc:
                raise RegistryError(exc.reason, field=exc.field, value=exc.value,
                                    term=exc.term, code=exc.code, zh=exc.zh,
                                    params=exc.params) from None

    def assessments(self, contract_id: str, period: Period | str, *,
                    history: bool = False) -> list[Assessment]:
        """The period's assessments in force (the latest version of each line); with
        ``history`` every version, oldest first."""
        contract_id = as_id(contract_id, "contract_id", "合同编号")
        p = str(Period.parse(period) if isinstance(period, str) else period)
        with self._read() as conn:
            return [x for _, _, x in assessments_in(conn, contract_id, p, history)]

    def _check_assessor(self, contract_id: str, actor: Actor, items: Sequence[Assessment],
                        obj: str) -> None:
        """A supplier's user never assesses its own work; every line is the contract's; no
        value for a KPI not due, no 不适用 the contract does not allow (:meth:`_check_due`)."""
        by = actor.id
        lines = S.contract_lines
        with self._read() as conn:
            supplier = contract_row(conn, contract_id).supplier_id
            known = list(conn.execute(select(lines.c.line_id).where(
                lines.c.contract_id == contract_id).order_by(lines.c.id)).scalars())
        if actor.supplier is not None and actor.supplier == supplier:
            raise self._deny(by, "record_assessment", obj, "registry.denied.own_work",
                             "a supplier's user cannot assess its own work", field="by",
                             value=by)
        for n, x in enumerate(items):
            if x.line not in known:
                raise RegistryError(f"no such line; lines: {', '.join(known)}",
                                    field=f"assessments[{n}].line", value=x.line,
                                    term="服务项目", code="registry.unknown_line",
                                    params={"lines": "、".join(known)})
        self._check_due(contract_id, items)

    def import_assessments(self, contract_id: str, assessments: Iterable[Assessment], *,
                           by: str, correction: str | None = None) -> Imported:
        """Record a month's assessments as one workbook: **one transaction**, all or nothing.

        Inside it, under a serialised write (SQLite ``BEGIN IMMEDIATE``; on PostgreSQL the
        audit chain's head row, locked for the transaction) and the unique constraint on
        (contract, line, period, version): a line recorded already with the same values is
        left alone; a line whose values changed is refused (``registry.assessment_changed``,
        nothing written) unless ``correction`` gives the reason, and is then recorded as a
        correction (更正) with it.  Two imports at once of the same workbook record it once;
        a process killed in the middle leaves nothing of it."""
        items = list(assessments)
        for n, x in enumerate(items):
            if not isinstance(x, Assessment):
                raise RegistryError(f"a {type(x).__name__} is not an Assessment",
                                    field=f"assessments[{n}]", value=repr(x), term="考核记录",
                                    code="registry.not_an_assessment")
        reason = None if correction is None else as_text(correction, "correction", "更正理由",
                                                         empty=False)
        contract_id = as_id(contract_id, "contract_id", "合同编号")
        obj = f"assessments:{contract_id}"
        actor = self._require(by, [Role.ASSESSOR], "record_assessment", obj)
        by = actor.id
        self._check_assessor(contract_id, actor, items, obj)

        def refuse(changed: list[tuple[Assessment, Row[Any]]]) -> RegistryError:
            lines = "、".join(x.line for x, _ in changed)
            return RegistryError(
                "already recorded with other values; give the reason to record a "
                "correction", field="assessments", value=lines, term="考核记录",
                code="registry.assessment_changed")

        with self._write() as conn:
            out = self._versioned(
                conn, S.assessments, items, key=line_key(contract_id),
                content=lambda x: {"document": dumps(unstructure(x))}, by=by,
                role=Role.ASSESSOR.value, actions=ASSESSMENT_ACTIONS, reason=reason or "",
                same=lambda r, x: structure(json.loads(r.document), Assessment) == x,
                refuse=refuse)
            self._keep_readings(conn, contract_id, out)
        return Imported(tuple(x.line for x, v, w in out if w and v == 1),
                        tuple(x.line for x, _, w in out if not w),
                        tuple(x.line for x, v, w in out if w and v > 1))

    # --- final assessment scores -----------------------------------------------------------
    def record_final_score(self, contract_id: str, line: str, score: Decimal | str | int, *,
                           by: str, reason: str = "") -> tuple[int, bool]:
        """Record a line's final assessment score (年度/期满考核得分, 0–100), which releases
        its holdback where the contract pays the holdback by the result
        (:class:`~outsourcing.payment.Holdback` ``by_result`` / ``forfeit_below``).

        Versioned like an assessment and audited: the same score again writes nothing;
        another score is a correction and needs ``reason``.  Returns the version in force
        and whether it was written.  Recorded by an assessor
        (考核人) or an officer.  The periods that release the holdback read the score in
        force when they are settled."""
        contract_id = as_id(contract_id, "contract_id", "合同编号")
        reason = as_text(reason, "reason", "更正理由")
        obj = f"final_scores:{contract_id}"
        actor = self._require(by, [Role.ASSESSOR, Role.OFFICER], "record_final_score", obj)
        by = actor.id
        with self._read() as conn:
            pc, _ = self._prepared_contract(conn, contract_id)
        try:
            centi = pc.final_scores({line: score})  # a line of the contract, 0..100
        except OutsourcingError as exc:
            raise RegistryError(f"final score: {exc.reason}", field="score", value=str(score),
                                term="期满考核得分", code="registry.final_score_invalid",
                                params={"line": line, "cause": exc.message_zh}
                                ) from None
        text = str(Decimal(next(iter(centi.values()))) / 100)
        final_scores = S.final_scores
        with self._write() as conn:
            self._lock(conn)
            last = conn.execute(
                select(final_scores).where(final_scores.c.contract_id == contract_id,
                                           final_scores.c.line_id == line)
                .order_by(final_scores.c.version.desc()).limit(1)).first()
            if last is not None and Decimal(last.score) == Decimal(text):
                return last.version, False
            if last is not None and not reason.strip():
                raise RegistryError(
                    f"the final score of {line} is recorded already ({last.score}); give the "
                    "reason to record a correction", field="reason", value=reason,
                    term="期满考核得分", code="registry.final_score_changed",
                    params={"line": line, "score": last.score})
            version = 1 if last is None else last.version + 1
            self._record(conn, final_scores, [{
                "contract_id": contract_id, "line_id": line, "version": version,
                "score": text, "reason": reason, "recorded_by": by, "recorded_at": now()}],
                by, self._role(actor, [Role.ASSESSOR, Role.OFFICER]),
                "record_final_score" if version == 1 else "correct_final_score")
        return version, True

    def final_scores(self, contract_id: str) -> dict[str, Decimal]:
        """Each line's final assessment score in force."""
        contract_id = as_id(contract_id, "contract_id", "合同编号")
        with self._read() as conn:
            contract_row(conn, contract_id)
            return {k: Decimal(v) for k, (_, v) in finals_in(conn, contract_id).items()}
