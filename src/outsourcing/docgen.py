"""Generate ``docs/rules-catalogue.md`` from the parameter files (规则目录).

``python -m outsourcing.docgen > docs/rules-catalogue.md`` regenerates it; a test fails
when the committed page differs from what the installed plugins' files say.
"""

from __future__ import annotations

from collections.abc import Mapping

from .plugins import PluginHost, load
from .rules import Jurisdiction, Parameter


def _value(p: Parameter) -> list[str]:
    rows = []
    for v in p.values:
        span = f"{v.start.isoformat()} – {v.end.isoformat() if v.end else ''}"
        val = str(v.value).replace("|", "\\|").replace("\n", " ")
        if len(val) > 80:
            val = val[:77] + "…"
        rows.append(f"| {span} | {val} | {v.citation.replace('|', '/')} |")
    return rows


RESOLVED_ON: tuple[tuple[str, str], ...] = (
    ("changes.", "the day the change is signed (its effective date while it is unsigned)"),
    ("term.", "the day the contract is signed (the first day of its term when no signing "
              "date is given); for an extension, the day the change is signed"),
    ("qualification.", "the day the contract is signed (the first day of its term when no "
                       "signing date is given); in a tender, the evaluation day"),
    ("scope.", "the day the contract is signed (the first day of its term when none is given)"),
    ("kpi.", "the day the contract is signed, when it is prepared for settlement"),
    ("settlement.", "the day the contract is signed, when it is prepared for settlement"),
    ("payment.sme_days", "the day the payment clock starts (acceptance, or the day acceptance "
                         "was due when it came late)"),
    ("payment.late_interest_daily", "the day the payment was due"),
    ("payment.lpr_one_year", "the day the contract is signed"),
    ("payment.", "the day the contract is signed, when it is prepared for settlement"),
    ("contract.", "the day the contract is signed (the day the award is notified before)"),
    ("procurement.sign_within_days", "the day the award is notified"),
    ("procurement.publish_within_working_days", "the day the contract is signed"),
    ("procurement.", "the evaluation day of the tender (for a renewal's timetable, the day "
                     "the plan is made)"),
    ("framework.call_off_price_ceiling", "the day the call-off is signed"),
    ("framework.", "the day the framework agreement is signed"),
    ("registry.", "the day of the action in the store (settling, paying, adding a person)"),
    ("practice.office_area", "each office area's own dates (the plugin builds the areas once)"),
    ("practice.", "the day the contract is signed, when the jurisdiction's check reads it"),
    ("canteen.", "the day the contract is signed, when the jurisdiction's check reads it"),
)
"""On which day each rule is resolved, by the first matching prefix of its id: the
catalogue says it for every parameter, and a test fails on a parameter no prefix names."""


def resolved_on(pid: str) -> str | None:
    """The day on which the rule ``pid`` is resolved (see :data:`RESOLVED_ON`)."""
    return next((day for prefix, day in RESOLVED_ON if pid.startswith(prefix)), None)


def rules_catalogue(registry: PluginHost) -> str:
    """The Markdown catalogue of every jurisdiction's own parameters."""
    out = [
        "# Rules catalogue (规则目录)",
        "",
        "Generated from the parameter files by `python -m outsourcing.docgen`; do not edit by",
        "hand. Each jurisdiction lists the parameters it defines itself; a lower level's value",
        "replaces its parent's from the day it takes effect (and may only tighten a binding",
        "limit).",
        "**Illustrative** marks published practice shipped as a default, not law: a bureau",
        "replaces it with its contract's own terms (`RuleBook.override`, see docs/rules.md).",
        "**Resolved on** says on which day the library reads each rule's value.",
        "",
    ]
    jurisdictions = registry.jurisdictions
    order = sorted(jurisdictions.values(), key=lambda j: (len(_chain(j.code, jurisdictions)),
                                                          j.code))
    for j in order:
        rb = registry.rulebook(j.code)
        own = [p for p in rb.parameters() if p.jurisdiction == j.code]
        out += [f"## {j.name_zh} — {j.name_en} (`{j.code}`)", ""]
        parent = f"parent `{j.parent}`" if j.parent else "top level"
        out += [f"{parent}; declared by plugin `{registry.declared_by(j.code)}`.", ""]
        if not own:
            out += ["No parameters of its own; its parents' apply.", ""]
            continue
        for p in own:
            tag = " — **illustrative**" if p.illustrative else ""
            limit = (f", limit `{p.limit}`" + (
                " (the direction its rule checks, not binding: a contract's own value replaces "
                "it either way)" if p.illustrative else
                " (binding: a lower level or a contract may only tighten it)")) if p.limit else ""
            out += [f"### `{p.id}`{tag}", "",
                    f"{p.description}" + (f" — {p.description_en}" if p.description_en else ""),
                    "", f"Unit `{p.unit}`, kind `{p.kind}`{limit}."
                    + (f" Term: {p.term}." if p.term else ""), "",
                    f"Resolved on: {resolved_on(p.id) or 'the day the plugin that reads it says'}.",
                    ""]
            if p.reference:
                out += [f"Source: {p.reference}", ""]
            out += ["| in force | value | citation |", "|---|---|---|", *_value(p), ""]
    return "\n".join(out).rstrip() + "\n"


def _chain(code: str, known: Mapping[str, Jurisdiction]) -> list[str]:
    out = []
    cur: str | None = code
    while cur is not None and cur in known:
        out.append(cur)
        cur = known[cur].parent
    return out


def main() -> None:
    print(rules_catalogue(load()), end="")


if __name__ == "__main__":
    main()
