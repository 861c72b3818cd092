"""A jurisdiction's payment rule and contract rules from its rulebook (the published examples,
marked illustrative), and a contract's adopted tier table (private; see
:mod:`outsourcing.payment`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any
from weakref import WeakKeyDictionary

from ..errors import ModelError
from ..rules import Resolved, RuleBook
from ._rates import FullPay, LinearFormula, RateRule, TierTable
from ._rule import ContractRules, PaymentRule
from ._terms import (
    ConsecutiveFailures,
    Holdback,
    IncidentDeductions,
    LineCap,
    NoticeWindow,
    RepeatRatchet,
    TotalCap,
    WarningRule,
)

# --- defaults from the rulebook ----------------------------------------------------------

def _table(r: Resolved, keys: set[str]) -> Mapping[str, Any]:
    v = r.value
    if not isinstance(v, Mapping) or not keys <= set(v):
        raise ModelError(f"parameter {r.rule_id} must be a table with {sorted(keys)}",
                         field=r.rule_id, value=v, rule_id=r.rule_id, citation=r.citation,
                         code="payment.parameter_shape", params={"keys": "、".join(sorted(keys))})
    return v


def _built(r: Resolved, build: Any) -> Any:
    """Build a shape from a parameter value; a bad value names the parameter and its source."""
    try:
        return build()
    except ModelError as exc:
        raise ModelError(f"parameter {r.rule_id} ({r.parameter.source}): {exc.reason}",
                         field=f"{r.rule_id}.{exc.field}", value=exc.value,
                         rule_id=r.rule_id, citation=r.citation, term=exc.term, code=exc.code,
                         zh=exc.zh) from None


_DEFAULTS: WeakKeyDictionary[RuleBook, dict[date, tuple[PaymentRule, ContractRules]]] = (
    WeakKeyDictionary())


def _defaults(rb: RuleBook, on: date) -> tuple[PaymentRule, ContractRules]:
    per_book = _DEFAULTS.setdefault(rb, {})
    if on not in per_book:
        per_book[on] = (_build_rule(rb, on), _build_contract_rules(rb, on))
    return per_book[on]


def default_payment_rule(rulebook: RuleBook, on: date) -> PaymentRule:
    """The payment rule the rulebook's parameters give on ``on`` (built once, cached).

    ``payment.rate_rule`` picks the shape (``tier_table`` or ``linear_formula``); the others
    (``payment.incident_deductions``, ``payment.repeat_ratchet``, ``payment.deduction_cap_line``,
    ``payment.holdback``, ``payment.warning_score``) are included where the rulebook has them.
    """
    return _defaults(rulebook, on)[0]


def contract_rules(rulebook: RuleBook, on: date) -> ContractRules:
    """The contract-wide rules the parameters give on ``on`` (cached)."""
    return _defaults(rulebook, on)[1]


def _build_rule(rb: RuleBook, on: date) -> PaymentRule:
    rate: RateRule
    choice = rb.find("payment.rate_rule", on)
    shape = choice.value if choice is not None else "tier_table"
    if shape == "tier_table" and (r := rb.find("payment.tier_table", on)) is not None:
        table = r
        rate = _built(r, lambda: TierTable(table.value, r.rule_id, r.citation))
    elif shape == "linear_formula" and (
            r := rb.find("payment.linear_formula", on)) is not None:
        t = _table(r, {"threshold", "offset"})
        rate = _built(r, lambda: LinearFormula(t["threshold"], t["offset"], r.rule_id,
                                               r.citation))
    elif shape in ("tier_table", "linear_formula", "full_pay"):
        rate = FullPay()
    else:
        raise ModelError("payment.rate_rule is tier_table, linear_formula or full_pay",
                         field="payment.rate_rule", value=shape, rule_id="payment.rate_rule",
                         code="payment.rate_rule_unknown")
    ded = rat = None
    cap = hb = warn = None
    if (r := rb.find("payment.incident_deductions", on)) is not None:
        rd = r
        ded = _built(r, lambda: IncidentDeductions(_table(rd, set()), rd.rule_id, rd.citation))
    if (r := rb.find("payment.repeat_ratchet", on)) is not None:
        rr, tr = r, _table(r, {"factor", "after", "window_months"})
        rat = _built(r, lambda: RepeatRatchet(tr["factor"], tr["after"], tr["window_months"],
                                              rr.rule_id, rr.citation))
    if (r := rb.find("payment.deduction_cap_line", on)) is not None:
        rc = r
        cap = _built(r, lambda: LineCap(rc.value, rc.rule_id, rc.citation))
    if (r := rb.find("payment.holdback", on)) is not None:
        rh, th = r, _table(r, {"share"})
        hb = _built(r, lambda: Holdback(th["share"], th.get("release", "term_end"),
                                        rh.rule_id, rh.citation,
                                        base=th.get("base", "earned")))
    if (r := rb.find("payment.warning_score", on)) is not None:
        rw, tw = r, _table(r, {"min_score"})
        warn = _built(r, lambda: WarningRule(tw["min_score"], rw.rule_id, rw.citation))
    return PaymentRule(rate, ded, rat, cap, hb, warn,
                       name=f"defaults of {rb.code} on {on.isoformat()}")


def adopted_rate(rate: Mapping[str, Any], rulebook: RuleBook, on: date,
                 adopt: Iterable[str], *, field: str = "rate") -> dict[str, Any]:
    """A line's pay-rate table as the contract writes it, with an adopted default filled in.

    A contract that adopts the jurisdiction's tier table (``adopt`` names
    ``payment.tier_table``, or ``*``) writes ``rate = { kind = "tier_table" }`` without
    ``bands`` and adds its own terms beside it (deductions, a holdback…): the bands are the
    rulebook's ``payment.tier_table`` in force on ``on``, cited as such.  Any other table is
    returned as given.  Without bands and without adopting the default the table is refused,
    naming the field (``payment.tier_table_bands``).
    """
    if rate.get("kind") != "tier_table" or "bands" in rate:
        return dict(rate)
    names = {adopt} if isinstance(adopt, str) else set(adopt)
    if not names & {"payment.tier_table", "*"}:
        raise ModelError(
            "a tier table lists its bands, or the contract adopts the default tier table "
            "(adopt = [\"payment.tier_table\"])", field=f"{field}.bands", value=None,
            term="分档支付", code="payment.tier_table_bands",
            says="payment.tier_table_bands.adopt")
    r = rulebook.find("payment.tier_table", on)
    if r is None:
        raise ModelError(
            f"the contract adopts payment.tier_table, but {rulebook.code} has none in force "
            f"on {on.isoformat()}: list the bands", field=f"{field}.bands", value=None,
            term="分档支付", rule_id="payment.tier_table",
            code="payment.tier_table_not_in_force", says="payment.tier_table_not_in_force.on",
            params={"jurisdiction": rulebook.code, "on": on.isoformat()})
    return {"rule_id": r.rule_id, "citation": r.citation, **rate, "bands": r.value}


def _build_contract_rules(rb: RuleBook, on: date) -> ContractRules:
    total = cons = notices = None
    if (r := rb.find("payment.deduction_cap_total", on)) is not None:
        rt = r
        total = _built(r, lambda: TotalCap(rt.value, rt.rule_id, rt.citation))
    if (r := rb.find("payment.termination_consecutive", on)) is not None:
        rc = r
        cons = _built(r, lambda: ConsecutiveFailures(rc.value, rc.rule_id, rc.citation))
    if (r := rb.find("payment.termination_notices", on)) is not None:
        rn, tn = r, _table(r, {"notices", "window_months"})
        notices = _built(r, lambda: NoticeWindow(tn["notices"], tn["window_months"],
                                                 rn.rule_id, rn.citation))
    return ContractRules(total, cons, notices)
