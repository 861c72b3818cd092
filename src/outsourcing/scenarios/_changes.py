"""The case's changes (``[[case.changes]]``), read and signed in order on a timeline.

Used by the contract stage and by a 单一来源 additional purchase (the original contract with
its signed supplements); it imports neither, so the two stages do not import each other.
"""

from __future__ import annotations

from typing import Any

import attrs

from ..changes import ACTION_KINDS, Change, Timeline
from ..errors import ChangeRejected, OutsourcingError
from ..model import Contract
from ..serialize import structure
from ._run import Run

__all__ = ["CHANGE_KEYS", "sign_changes"]


CHANGE_KEYS = {"id", "kind", "rationale", "reason", "effective", "signed_on", "requested_by",
               "approved_by"}


def _read_change(run: Run, i: int, raw: Any) -> Change:
    path = f"changes[{i}]"
    if not isinstance(raw, dict):
        raise run.fail(path, "a change is a table")
    kind = raw.get("kind")
    if not isinstance(kind, str) or kind not in ACTION_KINDS:
        raise run.fail(f"{path}.kind", f"one of {', '.join(ACTION_KINDS)}", kind)
    action_fields = {f.name for f in attrs.fields(ACTION_KINDS[kind])}
    unknown = set(raw) - CHANGE_KEYS - action_fields
    if unknown:
        raise run.fail(f"{path}.{sorted(unknown)[0]}",
                       f"unknown key for a {kind} change; it takes "
                       f"{', '.join(sorted((CHANGE_KEYS | action_fields) - {'kind'}))}",
                       sorted(unknown))
    action = {k: v for k, v in raw.items() if k in action_fields or k == "kind"}
    body = {k: v for k, v in raw.items() if k in CHANGE_KEYS - {"kind"}}
    body["action"] = action
    try:
        return structure(body, Change, source=run.field(path))
    except OutsourcingError as exc:
        raise run.fail(exc.field.removeprefix(run.field("")) if exc.field else path,
                       exc.reason.removeprefix("cannot read Change: ")) from None


def sign_changes(run: Run, contract: Contract) -> Timeline:
    """Sign the case's changes in order; a rejected change is recorded, not raised."""
    raws = run.case.raw.get("changes", [])
    if not isinstance(raws, list):
        raise run.fail("changes", "changes is an array of tables ([[case.changes]])")
    changes = [_read_change(run, i, raw) for i, raw in enumerate(raws)]
    timeline = Timeline(contract)
    for change in changes:
        try:
            timeline = timeline.sign(change, run.rulebook, today=run.case.today)
        except ChangeRejected as exc:
            run.rejected[change.id] = exc
            timeline = timeline.reject(change, exc.reason)
    run.timeline = timeline
    return timeline
