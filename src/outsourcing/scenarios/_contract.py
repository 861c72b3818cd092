"""Stages: the contract (amount, findings) and its changes (signed on a timeline)."""

from __future__ import annotations

from ..changes import Timeline, cap_report
from ._changes import sign_changes
from ._run import Run
from ._tender import _contract


def _stage_contract(run: Run) -> None:
    contract, expect = run.contract, run.expect
    if contract is None:
        return
    if "original_amount" in expect:
        run.compare("expect.original_amount", expect["original_amount"],
                    contract.original_amount, (
                        "原合同金额 = Σ lines' monthly amount accrued over the term "
                        f"{contract.term} ({contract.day_count.value}), rounded once half-up",))
    if "findings" in expect:
        if not isinstance(expect["findings"], list):
            raise run.fail("expect.findings", "findings is a list of finding codes ([] for "
                           "none)", expect["findings"])
        found = run.registry.check_contract(contract, run.rulebook)
        want = ", ".join(sorted(str(x) for x in expect["findings"])) or "(none)"
        got = ", ".join(sorted(f.code for f in found)) or "(none)"
        run.compare("expect.findings", want, got, [str(f) for f in found])


def _sign_changes(run: Run) -> Timeline:
    """Sign the case's changes in order on the case's contract (its own or the one awarded)."""
    return sign_changes(run, _contract(run))


def _stage_changes(run: Run) -> None:
    if run.contract is None:
        return
    timeline = _sign_changes(run)
    expected = run.expect.get("rejected", [])
    if not isinstance(expected, list):
        raise run.fail("expect.rejected", "rejected is an array of tables "
                       "([[case.expect.rejected]]) with change and rule", expected)
    want = {str(r.get("change")): str(r.get("rule", "")) for r in expected
            if isinstance(r, dict)}
    for cid, why in run.rejected.items():
        if cid not in want:
            run.compare(f"changes[{cid}]", "signed", "rejected", [str(why)])
        elif want[cid] and want[cid] != (why.rule_id or ""):
            run.compare(f"expect.rejected[{cid}].rule", want[cid], why.rule_id or "(none)",
                        [str(why)])
    for cid in want:
        if cid not in run.rejected:
            run.compare(f"expect.rejected[{cid}]", "rejected", "signed",
                        ["the change passed every check"])
    if "headroom" in run.expect:
        spec = run.expect["headroom"]
        if not isinstance(spec, dict):
            raise run.fail("expect.headroom", "headroom is a table")
        report = cap_report(timeline, run.rulebook)
        actual = {"limit": report.limit, "used": report.used, "left": report.left,
                  "added_cost": report.added_cost, "saved": report.saved,
                  "amount": report.amount}
        for key, value in spec.items():
            if key not in actual:
                raise run.fail(f"expect.headroom.{key}",
                               f"unknown figure; one of {', '.join(actual)}", key)
            run.compare(f"expect.headroom.{key}", value, actual[key],
                        report.render().splitlines())


# --- assessments and statements ----------------------------------------------------------
