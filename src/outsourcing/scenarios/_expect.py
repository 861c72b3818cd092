"""Stage: the supplementary-contract headroom after each signed change (变更后剩余额度)."""

from __future__ import annotations

from typing import Any

from ..changes import Timeline, cap_report
from ..errors import OutsourcingError
from ._run import Run

HEADROOM_FIGURES = ("limit", "used", "left", "added_cost", "saved", "amount")


def _stage_headroom_after(run: Run) -> None:
    """``[[case.expect.headroom_after]]``: the headroom as it stood once ``change`` was
    decided (the changes decided up to it, not the later ones; a rejected change leaves it
    as it was)."""
    specs = run.expect.get("headroom_after")
    if specs is None or run.contract is None:
        return
    if not isinstance(specs, list) or not all(isinstance(s, dict) for s in specs):
        raise run.fail("expect.headroom_after", "an array of tables "
                       "([[case.expect.headroom_after]]) with change and figures")
    timeline = run.timeline
    if timeline is None:
        raise run.fail("expect.headroom_after", "the case has no changes")
    order = [c.id for c in timeline.changes]
    for n, spec in enumerate(specs):
        base = f"expect.headroom_after[{n}]"
        cid = spec.get("change")
        if cid not in order:
            raise run.fail(f"{base}.change", "the id of a decided (signed or rejected) "
                           "change: " + ", ".join(order), cid)
        upto = order.index(str(cid))
        try:
            prefix = Timeline(timeline.contract, changes=timeline.changes[:upto + 1])
            report = cap_report(prefix, run.rulebook)
        except OutsourcingError as exc:
            raise run.fail(f"{base}.change", str(exc), cid) from None
        actual: dict[str, Any] = {"limit": report.limit, "used": report.used,
                                  "left": report.left, "added_cost": report.added_cost,
                                  "saved": report.saved, "amount": report.amount}
        for key, value in spec.items():
            if key == "change":
                continue
            if key not in actual:
                raise run.fail(f"{base}.{key}",
                               f"unknown figure; one of {', '.join(HEADROOM_FIGURES)}", key)
            run.compare(f"expect.headroom_after[{cid}].{key}", value, actual[key],
                        report.render().splitlines())
