"""The library's own contract checks (合同检查): the national rules every contract is held to,
whatever its jurisdiction.

The ``core`` plugin (:mod:`outsourcing.builtin`) runs :data:`CORE_CHECKS` in its
``outsourcing_check_contract`` hook; the verbs that need one of these checks on their own —
a change extending the term (:mod:`outsourcing.changes`), a bid's qualifications
(:mod:`outsourcing.procurement`) — import them from here, never from the plugin.
"""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta

from .due import agreed_interest_finding
from .errors import RuleLoadError
from .findings import Finding, Severity
from .messages_zh import say
from .model import (
    MULTI_YEAR_CONDITIONS,
    QUALIFICATION_KINDS,
    Contract,
    QualificationRequirement,
)
from .rules import RuleBook

__all__ = [
    "CORE_CHECKS",
    "check_agreed_interest",
    "check_budget",
    "check_payment_days",
    "check_qualifications",
    "check_scope",
    "check_stated_amount",
    "check_term",
    "requirements",
]


def _reference_date(contract: Contract) -> date:
    return contract.signed_on or contract.term.start


def check_term(contract: Contract, rb: RuleBook) -> list[Finding]:
    """Term over 1 year needs the 3-year conditions; over 3 years is never allowed."""
    on = _reference_date(contract)
    out: list[Finding] = []
    one = rb.find("term.max_years_default", on)
    if one is None:
        return out
    three = rb.resolve("term.max_years_conditional", on)
    length = contract.term.years()
    months = length.years * 12 + length.months + (1 if length.days else 0)
    if months > three.value * 12:
        out.append(Finding(
            "term.over_maximum",
            f"term {contract.term} runs {_describe(length)}, over the {three.value}-year maximum",
            field="term", rule_id=three.rule_id, citation=three.citation, term="履行期限"))
    elif months > one.value * 12:
        missing = sorted(MULTI_YEAR_CONDITIONS.keys() - contract.multi_year_conditions)
        if missing:
            out.append(Finding(
                "term.over_one_year_without_conditions",
                f"term {contract.term} runs {_describe(length)}, over {one.value} year, but the "
                f"conditions for up to {three.value} years are not all declared; missing: "
                + ", ".join(f"{m} ({MULTI_YEAR_CONDITIONS[m]})" for m in missing),
                field="multi_year_conditions", rule_id=three.rule_id, citation=three.citation,
                term="履行期限"))
    return out


def _describe(r: relativedelta) -> str:
    return f"{r.years} y {r.months} m {r.days} d"


def requirements(rb: RuleBook, service: str, on: date) -> list[QualificationRequirement]:
    """The qualifications the rules require of a supplier of ``service`` on ``on``.

    The parameter ``qualification.<service>`` is a list of tables, each with its ``kind``
    (and, optionally, ``level``, ``name`` and ``issuer``).  A value of another shape is a
    :class:`RuleLoadError` naming the rule and its file (never the plugin that happened to
    read it)."""
    pid = f"qualification.{service}"
    found = rb.find(pid, on)
    if found is None:
        return []
    table = found.value
    if not isinstance(table, list | tuple) or not all(
            isinstance(r, dict) and isinstance(r.get("kind"), str) for r in table):
        raise RuleLoadError(
            f"{found.parameter.source}: a qualification rule is a list of tables, each with "
            "its kind", field=pid, value=table, rule_id=pid, term="资质要求",
            code="qualification.table_shape")
    return [QualificationRequirement(
        kind=str(r["kind"]), level=str(r.get("level", "")), name=str(r.get("name", "")),
        issuer=str(r.get("issuer", ""))) for r in table]


def check_qualifications(contract: Contract, rb: RuleBook) -> list[Finding]:
    """Each line's required qualifications, held and valid on the signing day and at the end."""
    on = _reference_date(contract)
    out: list[Finding] = []
    for i, line in enumerate(contract.lines):
        pid = f"qualification.{line.service}"
        entry = rb.find(pid, on)  # the same layered value requirements() reads
        if entry is None:
            continue
        for req in requirements(rb, line.service, on):
            label = req.name or f"{req.kind} {req.level}".strip()
            label_zh = req.name or f"{QUALIFICATION_KINDS.get(req.kind, req.kind)}" + (
                f"（{req.level}）" if req.level else "")
            held = contract.supplier.holds(req, on)
            if held is None:
                matching = [q for q in contract.supplier.qualifications if q.satisfies(req)]
                why = ("held but expired on " + str(matching[0].valid_until)) if matching else \
                    "not held"
                out.append(Finding(
                    "qualification.missing",
                    f"line {line.id} ({line.service}) needs {label}: {why} on {on}",
                    field=f"lines[{i}].service", rule_id=pid, citation=entry.citation,
                    term="资质",
                    zh=say("qualification.missing.expired" if matching
                           else "qualification.missing.not_held", line=line.id, label=label_zh,
                           expired=matching[0].valid_until if matching else "", on=on)))
            elif held.valid_until is not None and held.valid_until < contract.term.end:
                out.append(Finding(
                    "qualification.expires_during_term",
                    f"line {line.id} ({line.service}): {label} expires {held.valid_until}, "
                    f"before the term ends {contract.term.end}",
                    severity=Severity.WARNING, field=f"lines[{i}].service", rule_id=pid,
                    citation=entry.citation, term="资质有效期"))
    return out


def check_scope(contract: Contract, rb: RuleBook) -> list[Finding]:
    """A service the jurisdiction does not buy (``scope.allowed_services``)."""
    entry = rb.find("scope.allowed_services", _reference_date(contract))
    if entry is None:
        return []
    allowed = set(entry.value)
    catalogue = rb.host.catalogue if rb.host is not None else None
    out = []
    for i, line in enumerate(contract.lines):
        lineage = catalogue.lineage(line.service) if catalogue else [line.service]
        if not allowed.intersection(lineage):
            out.append(Finding(
                "scope.service_not_bought",
                f"{rb.jurisdiction.name_zh} does not buy {line.service}; it buys only "
                f"{', '.join(sorted(allowed))}",
                field=f"lines[{i}].service", rule_id="scope.allowed_services",
                citation=entry.citation, term="采购范围"))
    return out


def check_budget(contract: Contract, rb: RuleBook) -> list[Finding]:
    """The original amount must not exceed the budget (预算)."""
    if contract.budget is None or contract.original_amount <= contract.budget:
        return []
    return [Finding(
        "budget.exceeded",
        f"original amount {contract.original_amount.format()} exceeds the budget "
        f"{contract.budget.format()}",
        field="budget", citation="政府采购法 第六条: 政府采购应当严格按照批准的预算执行",
        term="预算")]


def check_payment_days(contract: Contract, rb: RuleBook) -> list[Finding]:
    """An agreed payment term over the statutory maximum for SMEs."""
    if contract.payment_days is None or not contract.supplier.size.is_sme:
        return []
    on = _reference_date(contract)
    if rb.get("payment.sme_days_max", on) is None:
        return []
    top = rb.resolve("payment.sme_days_max", on)
    if contract.payment_days <= top.value:
        return []
    return [Finding(
        "payment.term_too_long",
        f"agreed payment term {contract.payment_days} days exceeds {top.value} days for an SME",
        field="payment_days", rule_id=top.rule_id, citation=top.citation, term="付款期限")]


def check_stated_amount(contract: Contract, rb: RuleBook) -> list[Finding]:
    """A stated contract amount (合同金额) the lines do not add up to exactly."""
    stated = contract.stated_amount
    if stated is None:
        return []
    lines = contract.lines_amount
    if lines == stated:
        return []
    return [Finding(
        "contract.amount_mismatch",
        f"the lines add up to {lines.format()} over the term, the contract states "
        f"{stated.format()} (difference {(lines - stated).format()}); the stated amount is the "
        "base of the 10% cap, settlement pays the lines",
        field="stated_amount", rule_id="contract.stated_amount",
        citation=("合同约定的合同金额; 政府采购法 第四十九条: 补充合同的采购金额不得超过原合同采购"
                  "金额的百分之十"),
        term="合同金额")]


def check_agreed_interest(contract: Contract, rb: RuleBook) -> list[Finding]:
    """An SME contract's agreed late interest below the one-year LPR on the signing date."""
    f = agreed_interest_finding(contract, rb)
    return [] if f is None else [f]


CORE_CHECKS = (check_term, check_qualifications, check_scope, check_budget, check_payment_days,
               check_stated_amount, check_agreed_interest)
