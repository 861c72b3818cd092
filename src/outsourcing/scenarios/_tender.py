"""Stage: a tender, its bids, the evaluation report and the award."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, cast

from ..changes import Timeline
from ..dates import as_date
from ..errors import OutsourcingError, ProcurementError
from ..model import Contract, Pricing, Supplier
from ..money import Money
from ..procurement import (
    Award,
    Bid,
    BidEvaluation,
    EvaluationReport,
    Figure,
    SingleSourceGround,
    Tender,
    award,
    evaluate,
)
from ._changes import sign_changes
from ._load import Mismatch
from ._run import Kind, Run, _check, _expected, _read, _shown

BID_KEYS = ("id", "supplier", "prices", "points", "rounds", "sme_declaration", "sme_share")
"""What ``[[case.bids]]`` may say about one bid."""

AWARD_KEYS = ("contract_id", "notified_on", "signed_on", "declined", "published_on",
              "performance_bond")
"""What ``[case.award]`` may say."""

TENDER_FIGURES = ("refused", "benchmark", "winner", "ranking", "excluded", "failed", "findings",
                  "bids")
"""What ``[case.expect.tender]`` may name."""

BID_FIGURES = ("valid", "reasons", "rules", "bid_price", "deduction", "evaluated_price",
               "price_score", "factors", "total", "rank")
"""What ``[case.expect.tender.bids.<id>]`` may name."""

AWARD_FIGURES = ("bid", "supplier", "amount", "sign_by", "publish_by", "findings")
"""What ``[case.expect.award]`` may name."""

_POINTS_RE = re.compile(r"points\[([^\]]+)\]")


def _bid_field(n: int, field: str | None) -> str:
    """``bids[n].points.technical[2]`` for a bid's own ``points[technical][2]``."""
    return f"bids[{n}]" + ("." + _POINTS_RE.sub(r"points.\1", field) if field else "")


def _read_tender(run: Run) -> Tender:
    raw = dict(run.case.raw["tender"])
    raw.setdefault("jurisdiction", run.case.jurisdiction)
    return _read(run, raw, Tender, "tender")


def _read_bid(run: Run, tender: Tender, n: int, raw: Any) -> Bid:
    path = f"bids[{n}]"
    if not isinstance(raw, dict):
        raise run.fail(path, "a bid is a table (id, supplier, prices, points)")
    unknown = sorted(set(raw) - set(BID_KEYS))
    if unknown:
        raise run.fail(f"{path}.{unknown[0]}",
                       f"unknown key; a bid ([[case.bids]]) has {', '.join(BID_KEYS)}", unknown)
    for key in ("id", "supplier", "prices"):
        if key not in raw:
            raise run.fail(f"{path}.{key}", "required field missing")
    supplier = _read(run, raw["supplier"], Supplier, f"{path}.supplier")
    prices = raw["prices"]
    if not isinstance(prices, dict) or not prices:
        raise run.fail(f"{path}.prices", "prices is a table of line id → monthly fee, e.g. "
                       "{ property = \"250000.00\" }", prices)
    priced = _read_prices(run, tender, f"{path}.prices", prices)
    rounds = raw.get("rounds", [])
    if not isinstance(rounds, list) or not all(isinstance(r, dict) and r for r in rounds):
        raise run.fail(f"{path}.rounds", "rounds is an array of the earlier quotes, each a "
                       "table of line id → monthly fee (多轮报价; prices is the last)", rounds)
    earlier = [_read_prices(run, tender, f"{path}.rounds[{k}]", r)
               for k, r in enumerate(rounds)]
    declared = raw.get("sme_declaration", False)
    if not isinstance(declared, bool):
        raise run.fail(f"{path}.sme_declaration", "true or false (中小企业声明函)", declared)
    points = raw.get("points", {})
    if not isinstance(points, dict):
        raise run.fail(f"{path}.points", "points is a table of factor id → each evaluator's "
                       "points, e.g. { technical = [\"45\", \"46\", \"44\"] }", points)
    factors = [f.id for f in tender.scoring.factors] if tender.scoring else []
    for fid, ps in points.items():
        if fid not in factors:
            raise run.fail(f"{path}.points.{fid}", "no such factor; the tender's factors: "
                           + (", ".join(factors) or "none (最低评标价法 scores price only)"), fid)
        if not isinstance(ps, list):
            raise run.fail(f"{path}.points.{fid}", "an array of each evaluator's points", ps)
    try:
        return Bid(raw["id"], supplier, priced, points, earlier, declared,
                   raw.get("sme_share"))
    except OutsourcingError as exc:
        raise run.fail(_bid_field(n, exc.field), exc.reason, exc.value) from None


def _read_prices(run: Run, tender: Tender, path: str, prices: Mapping[str, Any],
                 ) -> dict[str, Pricing]:
    priced: dict[str, Pricing] = {}
    for lid, p in prices.items():
        where = f"{path}.{lid}"
        if lid not in tender.line_ids:
            raise run.fail(where, "no such line in the tender; its lines: "
                           + ", ".join(tender.line_ids), lid)
        body = p if isinstance(p, dict) else {"kind": "fixed_monthly", "monthly_fee": p}
        priced[lid] = _read(run, body, cast("type[Pricing]", Pricing), where)
    return priced


def _read_award(run: Run) -> dict[str, Any]:
    raw = run.case.raw["award"]
    unknown = sorted(set(raw) - set(AWARD_KEYS))
    if unknown:
        raise run.fail(f"award.{unknown[0]}",
                       f"unknown key; [case.award] takes {', '.join(AWARD_KEYS)}", unknown)
    if "notified_on" not in raw:
        raise run.fail("award.notified_on", "the day of the award notice (中标通知书) is needed")
    out: dict[str, Any] = {"contract_id": raw.get("contract_id", f"{_tender(run).id}-HT")}
    if not isinstance(out["contract_id"], str):
        raise run.fail("award.contract_id", "a string", out["contract_id"])
    if "performance_bond" in raw:
        out["performance_bond"] = _read(run, raw["performance_bond"], Money,
                                        "award.performance_bond")
    for key in ("notified_on", "signed_on", "published_on"):
        if key in raw:
            try:
                out[key] = as_date(raw[key], field=key)
            except OutsourcingError as exc:
                raise run.fail(f"award.{key}", exc.reason, raw[key]) from None
    declined = raw.get("declined", [])
    if not isinstance(declined, list) or not all(isinstance(d, str) for d in declined):
        raise run.fail("award.declined", "a list of bid ids", declined)
    out["declined"] = declined
    return out


def _tender(run: Run) -> Tender:
    if run.tender is None:
        run.tender = _read_tender(run)
    return run.tender


def _evaluate(run: Run) -> EvaluationReport | None:
    """Read the tender and its bids and evaluate them once; None when the tender is refused
    by a rule in force (``run.refused``)."""
    if run.report is not None or run.refused is not None:
        return run.report
    tender = _tender(run)
    raws = run.case.raw.get("bids", [])
    if not isinstance(raws, list):
        raise run.fail("bids", "bids is an array of tables ([[case.bids]])")
    run.bids = [_read_bid(run, tender, n, raw) for n, raw in enumerate(raws)]
    try:
        run.report = evaluate(tender, run.bids, run.rulebook, original=_original(run, tender))
    except ProcurementError as exc:
        field = exc.field or ""
        m = re.match(r"bids\[(\d+)\]\.?(.*)$", field)
        expected = run.expect.get("tender", {})
        if m and not (exc.rule_id and isinstance(expected, dict) and "refused" in expected):
            raise run.fail(_bid_field(int(m.group(1)), m.group(2) or None), _because(exc),
                           exc.value) from None
        if field == "bids":
            raise run.fail("bids", exc.reason, exc.value) from None
        if exc.rule_id is None:  # a structural defect, not a rule in force
            raise run.fail(f"tender.{field}" if field else "tender", exc.reason,
                           exc.value) from None
        run.refused = exc
    return run.report


def _original(run: Run, tender: Tender) -> Timeline | None:
    """For a 单一来源 additional purchase (添购): the case's own contract (``[case.contract]``)
    with its signed changes (``[[case.changes]]``) — the original and its supplements."""
    if tender.single_source_ground is not SingleSourceGround.ADDITIONAL_PURCHASE:
        return None
    if run.case.contract is None:
        raise run.fail("contract", "an additional purchase (单一来源添购) is checked against the "
                       "original contract: add [case.contract] and its [[case.changes]]")
    return run.timeline if run.timeline is not None else sign_changes(run, _contract(run))


def _award(run: Run) -> Award | None:
    """The award of ``[case.award]``: its contract becomes the case's contract."""
    if run.award is not None or "award" not in run.case.raw:
        return run.award
    spec = _read_award(run)
    report = _evaluate(run)
    if report is None:
        assert run.refused is not None
        raise run.fail("award", f"no award: the tender is refused: {_because(run.refused)}")
    try:
        run.award = award(report, run.rulebook, **spec)
    except ProcurementError as exc:
        raise run.fail(f"award.{exc.field}" if exc.field in AWARD_KEYS else "award",
                       _because(exc), exc.value) from None
    run.contract = run.award.contract
    return run.award


def _contract(run: Run) -> Contract:
    """The contract the case runs on: its own, or the one awarded to the tender's winner."""
    if run.contract is None:
        _award(run)
    if run.contract is None:
        raise run.fail("contract", "the case has no contract: add [case.contract], or "
                       "[case.award] for the tender's winner")
    return run.contract


def _because(exc: OutsourcingError) -> str:
    """An error's reason with its rule and citation, without repeating the field."""
    cite = "; ".join(x for x in (exc.rule_id, exc.citation) if x)
    return exc.reason + (f" [rule {cite}]" if cite else "")


def _figures(*figures: Figure | None) -> list[str]:
    return [f.explain() for f in figures if f is not None]


def _stage_tender(run: Run) -> None:
    """Evaluate ``[case.tender]`` and ``[[case.bids]]``, award when ``[case.award]`` says so,
    and compare ``[case.expect.tender]`` and ``[case.expect.award]``."""
    if "tender" not in run.case.raw:
        return
    report = _evaluate(run)
    spec = run.expect.get("tender", {})
    if not isinstance(spec, dict):
        raise run.fail("expect.tender", "a table ([case.expect.tender])")
    unknown = sorted(set(spec) - set(TENDER_FIGURES))
    if unknown:
        raise run.fail(f"expect.tender.{unknown[0]}",
                       "unknown figure; a tender has " + ", ".join(TENDER_FIGURES), unknown)
    refused = run.refused
    if "refused" in spec:
        want = _expected(run, "expect.tender.refused", "str", spec["refused"])
        got = refused.rule_id if refused is not None else None
        if want != got:
            why = [str(refused)] if refused is not None else [
                f"the tender passed every check in force on {_tender(run).evaluated_on}"]
            run.mismatches.append(Mismatch("expect.tender.refused", want,
                                           _shown(got) if got else "(evaluated)", tuple(why)))
    if report is None:
        assert refused is not None
        if "refused" not in spec:
            path = refused.field or "tender"
            raise run.fail(f"tender.{path}", _because(refused), refused.value)
        if set(spec) - {"refused"} or "award" in run.expect:
            raise run.fail("expect.tender.refused", "a refused tender is not evaluated: "
                           "expect nothing else of it")
        return
    _check_tender_figures(run, report, spec)
    awarded = _award(run)
    want_award = run.expect.get("award", {})
    if not isinstance(want_award, dict):
        raise run.fail("expect.award", "a table ([case.expect.award])")
    if awarded is not None:
        _check_award(run, awarded, want_award)


def _check_tender_figures(run: Run, report: EvaluationReport,
                          spec: Mapping[str, Any]) -> None:
    base = "expect.tender"
    winner = report.winner

    def ranking() -> list[str]:
        return [f"第{e.rank}名 {e.bid.id}: {e.rank_note}" for e in report.ranked]

    def checks() -> list[str]:
        return [f"{e.bid.id} {c.explain()}" for e in report.excluded for c in e.reasons] or [
            "every bid passed every check"]

    figures: dict[str, tuple[Kind, Any, Callable[[], list[str]]]] = {
        "benchmark": ("money", report.benchmark.value if report.benchmark else None,
                      lambda: _figures(report.benchmark, *(
                          e.evaluated_price for e in report.ranked))),
        "winner": ("str", winner.bid.id if winner else None,
                   lambda: ([str(report.failed)] if report.failed else [])
                   + _figures(*(e.total for e in report.ranked[:2])) + ranking()[:2]),
        "ranking": ("order", [e.bid.id for e in report.ranked], ranking),
        "excluded": ("list", [e.bid.id for e in report.excluded], checks),
        "failed": ("bool", report.failed is not None,
                   lambda: [str(report.failed)] if report.failed else [
                       f"{len(report.ranked)} compliant bids"
                       + (f", at least {report.minimum.describe()}" if report.minimum else "")]),
        "failed_code": ("str", report.failed.code if report.failed else None,
                        lambda: [str(report.failed)] if report.failed else [
                            f"{len(report.ranked)} compliant bids"]),
        "findings": ("list", [f.code for f in report.findings],
                     lambda: [str(f) for f in report.findings]),
    }
    for key, want in spec.items():
        if key in ("refused", "bids"):
            continue
        kind, got, why = figures["failed_code" if key == "failed" and isinstance(want, str)
                                 else key]  # failed = "<code>": the finding that ends it
        _check(run, f"{base}.{key}", f"{base}.{key}", kind, want, got, why)
    bids = spec.get("bids", {})
    if not isinstance(bids, dict):
        raise run.fail(f"{base}.bids", "a table of bid id → figures "
                       "([case.expect.tender.bids.<id>])")
    ids = [e.bid.id for e in report.evaluations]
    for bid_id, figs in bids.items():
        if bid_id not in ids:
            raise run.fail(f"{base}.bids.{bid_id}", f"no such bid; the bids: {', '.join(ids)}",
                           bid_id)
        if not isinstance(figs, dict):
            raise run.fail(f"{base}.bids.{bid_id}", "a table of figures")
        _check_bid(run, f"{base}.bids.{bid_id}", figs, report, report.of(bid_id))


def _check_bid(run: Run, base: str, figs: Mapping[str, Any], report: EvaluationReport,
               e: BidEvaluation) -> None:
    def checks() -> list[str]:
        return [c.explain() for c in (e.reasons or e.checks)]

    def scored(*more: Figure | None) -> Callable[[], list[str]]:
        return lambda: _figures(*more) or checks()

    deduction = e.deduction.value if e.deduction else (
        Money.ZERO if e.evaluated_price is not None else None)
    figures: dict[str, tuple[Kind, Any, Callable[[], list[str]]]] = {
        "valid": ("bool", e.valid, checks),
        "reasons": ("list", [c.code for c in e.reasons], checks),
        "rules": ("list", [c.rule_id or "" for c in e.reasons], checks),
        "bid_price": ("money", e.bid_price.value, scored(e.bid_price)),
        "deduction": ("money", deduction, scored(e.deduction, e.evaluated_price)),
        "evaluated_price": ("money", e.evaluated_price.value if e.evaluated_price else None,
                            scored(e.bid_price, e.deduction, e.evaluated_price)),
        "price_score": ("decimal", e.price_score.value if e.price_score else None,
                        scored(report.benchmark, e.evaluated_price, e.price_score)),
        "total": ("decimal", e.total.value if e.total else None,
                  scored(e.price_score, *e.factor_scores, e.total)),
        "rank": ("int", e.rank, lambda: ([e.rank_note] if e.rank_note else []) + (
            _figures(e.total, e.evaluated_price) if e.valid else checks())),
    }
    for key, want in figs.items():
        if key == "factors":
            _check_factors(run, f"{base}.factors", want, e, checks)
            continue
        if key not in figures:
            raise run.fail(f"{base}.{key}", "unknown figure; a bid has " + ", ".join(BID_FIGURES),
                           key)
        kind, got, why = figures[key]
        _check(run, f"{base}.{key}", f"{base}.{key}", kind, want, got, why)


def _check_factors(run: Run, base: str, want: Any, e: BidEvaluation,
                   checks: Callable[[], list[str]]) -> None:
    scheme = _tender(run).scoring
    factors = [f.id for f in scheme.factors] if scheme else []
    if not isinstance(want, dict):
        raise run.fail(base, "factors is a table of factor id → score, e.g. "
                       "{ technical = \"45.00\" }")
    scores = dict(zip(factors, e.factor_scores, strict=False))
    for fid, value in want.items():
        if fid not in factors:
            raise run.fail(f"{base}.{fid}", "no such factor; the tender's factors: "
                           + (", ".join(factors) or "none (最低评标价法)"), fid)
        fig = scores.get(fid)

        def why(fig: Figure | None = fig) -> list[str]:
            return _figures(fig) or checks()
        _check(run, f"{base}.{fid}", f"{base}.{fid}", "decimal", value,
               fig.value if fig else None, why)


def _check_award(run: Run, a: Award, spec: Mapping[str, Any]) -> None:
    base = "expect.award"
    figures: dict[str, tuple[Kind, Any]] = {
        "bid": ("str", a.evaluation.bid.id),
        "supplier": ("str", a.contract.supplier.id),
        "amount": ("money", a.contract.original_amount),
        "sign_by": ("date", a.sign_by),
        "publish_by": ("date", a.publish_by),
        "findings": ("list", [f.code for f in a.findings]),
    }
    for key, want in spec.items():
        if key not in figures:
            raise run.fail(f"{base}.{key}", "unknown figure; an award has "
                           + ", ".join(AWARD_FIGURES), key)
        kind, got = figures[key]

        def why() -> list[str]:
            return [*a.explain().splitlines(), *_figures(a.evaluation.bid_price)]
        _check(run, f"{base}.{key}", f"{base}.{key}", kind, want, got, why)
