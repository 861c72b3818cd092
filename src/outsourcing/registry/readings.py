"""The assessments' compact readings (考核数据的紧凑形式): each recorded assessment checked once
against the contract's compiled terms and kept as integers — its KPI values in hundredths
in the order of the compiled terms, its incidents as (day, kind, share), the sources the
explanation quotes, the KPIs not measured — beside its document (``assessment_readings``),
keyed by the compiled terms it was read against.

A month builds each contract's :class:`~outsourcing.settlement.PeriodInput` from them and
settles with :func:`~outsourcing.settlement.settle_compiled` (the same statement as from the
assessments themselves, which the settlement's tests and the store's bulk-month property
check); it reads the documents instead where a reading of the current terms is missing (a
change decided since, a rule upgraded), and keeps the readings it made.  Derived from the
audited documents: not audited, but signed with the audit key when the store holds one (a
reading changed in the database is not read), and a downgrade that drops them loses
nothing.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.exc import IntegrityError

from ..errors import OutsourcingError
from ..performance import Assessment
from ..settlement import PeriodInput, PreparedContract, period_input
from . import schema as S
from .chain import AuditKeys

__all__ = ["Reading", "input_of", "keep", "reading_of", "stored", "trusted"]

Reading = tuple[int, str, str, str, str]
"""A reading to keep: the assessment's row id, the hash of its document, the terms hash,
the rules key and the reading's JSON."""


def reading_of(pc: PreparedContract, a: Assessment) -> str | None:
    """An assessment's compact reading against the compiled terms ``pc`` (JSON), or None
    when it does not fit them (settling reads its document, and names the error)."""
    try:
        given = period_input(pc, a.period, [a])
    except OutsourcingError:
        return None
    j = pc.line_index[a.line]
    inc = given.incidents[j] if given.incidents else ()
    return json.dumps([given.values[j], a.assessed_on.isoformat(),
                       [[d.isoformat(), k, s] for d, k, s in inc],
                       [list(x) for x in (given.sources[j] if given.sources else ())],
                       list(given.missing[j] if given.missing else ())],
                      ensure_ascii=False, separators=(",", ":"))


def _tuples(v: Any) -> Any:
    """JSON lists back to the tuples a reading's values are."""
    return tuple(_tuples(x) for x in v) if type(v) is list else v


def input_of(pc: PreparedContract, lines: Sequence[tuple[str, str]]) -> PeriodInput | None:
    """A contract-period's compact input from its lines' readings — (line id, reading JSON)
    — or None where the assessments must be read themselves: a line the terms do not know,
    or no line with values (the day of acceptance then comes from the assessments)."""
    n = len(pc.lines)
    values: list[Any] = [None] * n
    incidents: list[tuple[tuple[date, str, int | None], ...]] = [()] * n
    sources: list[tuple[tuple[str, str], ...]] = [()] * n
    missing: list[tuple[str, ...]] = [()] * n
    days = []
    for line, text in lines:
        j = pc.line_index.get(line)
        if j is None:
            return None
        v, day, inc, src, miss = json.loads(text)
        values[j] = _tuples(v)
        days.append(day)
        incidents[j] = tuple((date.fromisoformat(d), k, s) for d, k, s in inc)
        sources[j] = tuple((k, s) for k, s in src)
        missing[j] = tuple(miss)
    if all(v is None for v in values):
        return None
    return PeriodInput(tuple(values), date.fromisoformat(max(days)), tuple(incidents),
                       tuple(sources), tuple(missing))


def _message(assessment_id: int, document_hash: str, terms_hash: str, rules: str,
             reading: str) -> str:
    return f"{assessment_id}\x00{document_hash}\x00{terms_hash}\x00{rules}\x00{reading}"


def trusted(keys: AuditKeys | None, row: Any, document_hash: str) -> bool:
    """Whether a kept reading may be read for the assessment whose document hashes to
    ``document_hash``: made from that document, and signed with a key of the ring when the
    store holds keys (then a reading changed in the database, or moved to another
    assessment, is not read: the month reads the assessment's document, which the audit
    chain covers)."""
    if row.document_hash != document_hash:
        return False
    if keys is None:
        return True
    if not row.key_id or not keys.knows(row.key_id):
        return False
    return hmac.compare_digest(keys.mac(row.key_id, _message(
        row.assessment_id, row.document_hash, row.terms_hash, row.rules_key, row.reading)),
        row.mac)


def stored(conn: Connection, ids: Sequence[int]) -> dict[int, list[Any]]:
    """The readings kept for assessment rows, by row id."""
    r = S.assessment_readings
    out: dict[int, list[Any]] = {}
    for row in conn.execute(select(r.c.assessment_id, r.c.document_hash, r.c.terms_hash,
                                   r.c.rules_key,
                                   r.c.reading, r.c.key_id, r.c.mac)
                            .where(r.c.assessment_id.in_(ids))):
        out.setdefault(row.assessment_id, []).append(row)
    return out


def keep(conn: Connection, keys: AuditKeys | None, items: Sequence[Reading]) -> None:
    """Keep readings (signed with the current audit key, when the store holds one) in one
    savepoint; one another writer kept first is skipped."""
    key_id = "" if keys is None else keys.current
    rows = [{"assessment_id": i, "document_hash": d, "terms_hash": t, "rules_key": k,
             "reading": x, "key_id": key_id,
             "mac": "" if keys is None else keys.mac(key_id, _message(i, d, t, k, x))}
            for i, d, t, k, x in items]
    if not rows:
        return
    try:
        with conn.begin_nested():
            conn.execute(S.assessment_readings.insert(), rows)
        return
    except IntegrityError:
        pass
    for row in rows:
        try:
            with conn.begin_nested():
                conn.execute(S.assessment_readings.insert(), [row])
        except IntegrityError:
            continue
