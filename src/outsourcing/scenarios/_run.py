"""Running a case: the context stages share, and comparing expected with actual."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

import attrs

from .._limits import exact_decimal
from ..changes import Timeline
from ..dates import as_date
from ..errors import ChangeRejected, OutsourcingError, ProcurementError
from ..model import Contract
from ..money import Money, pct
from ..performance import Assessment
from ..plugins import PluginHost
from ..procurement import (
    Award,
    Bid,
    EvaluationReport,
    Tender,
)
from ..rules import RuleBook
from ..serialize import structure
from ..settlement import PreparedContract
from ..statement import Explanation, LineStatus, Statement
from ..usage import Usage
from ._load import Case, Mismatch, ScenarioError, _fail

T = TypeVar("T")


@attrs.define
class Run:
    """What running one case builds up, stage by stage."""

    case: Case
    rulebook: RuleBook
    registry: PluginHost
    mismatches: list[Mismatch] = attrs.Factory(list)
    timeline: Timeline | None = None
    rejected: dict[str, ChangeRejected] = attrs.Factory(dict)
    prepared: PreparedContract | None = None
    assessments: dict[int, list[Assessment]] = attrs.Factory(dict)
    """This case's assessments by settlement period (its index in the term)."""
    inputs: dict[int, dict[str, Any]] = attrs.Factory(dict)
    """Each period's settlement inputs from ``[[case.settle]]`` (accepted_on, paid_on, …)."""
    usage: dict[int, list[Usage]] = attrs.Factory(dict)
    """Actual quantities or materials by period (``[[case.usage]]``, 按实结算)."""
    statements: list[Statement] = attrs.Factory(list)
    """The statements settled so far, in order from the term's first period."""
    contract: Contract | None = attrs.Factory(lambda run: run.case.contract, takes_self=True)
    """The case's contract, or the one awarded to the tender's winner (``[case.award]``)."""
    tender: Tender | None = None
    bids: list[Bid] = attrs.Factory(list)
    report: EvaluationReport | None = None
    """The tender's evaluation report, once evaluated (None when the tender is refused)."""
    refused: ProcurementError | None = None
    """Why the tender itself was refused by a rule in force, when it was."""
    award: Award | None = None

    @property
    def expect(self) -> Mapping[str, Any]:
        e: Mapping[str, Any] = self.case.raw.get("expect", {})
        return e

    def field(self, path: str) -> str:
        return f"case[{self.case.index}].{path}"

    def fail(self, path: str, msg: str, value: Any = None) -> ScenarioError:
        c = self.case
        return _fail(c.file, c.index, c.name, self.field(path), msg, value)

    def compare(self, path: str, expected: Any, actual: Any, why: Iterable[str] = ()) -> None:
        if str(expected) != str(actual):
            self.mismatches.append(Mismatch(path, str(expected), str(actual), tuple(why)))


Stage = Callable[[Run], None]
"""A step of running a case: reads its section of the case, compares what it expects."""


Kind = str
"""How an expected figure is read and compared: money, decimal, rate, int, date, bool,
status, str, list (a set: order ignored) or order (a list in order)."""


def _read(run: Run, data: Any, cls: type[T], path: str) -> T:
    """A model object from a table of the case; an error names the path of the bad field."""
    try:
        return structure(data, cls, source=run.field(path))
    except OutsourcingError as exc:
        head = run.field("")
        field = exc.field.removeprefix(head) if exc.field and exc.field.startswith(head) \
            else path
        reason = exc.reason.removeprefix(f"cannot read {getattr(cls, '__name__', cls)}: ")
        if exc.field and "; " not in reason:
            # one problem: drop the repeated path and name the key itself where known
            reason = reason.removesuffix(f" @ {exc.field}")
            m = _KEY_RE.search(reason)
            key = (m.group(1) or m.group(2)) if m else None
            if key and not (field == key or field.endswith(f".{key}")):
                field = f"{field}.{key}"
        raise run.fail(field, reason) from None


_KEY_RE = re.compile(r"^unknown keys: (\w+)|\(([\w.]+)=[^()]*\)$")
"""The key a single structuring problem names: an unknown key, or ``(points='53')``."""


def _table(run: Run, key: str, what: str) -> Mapping[str, Any]:
    raw = run.case.raw.get(key, {})
    if not isinstance(raw, dict):
        raise run.fail(key, what)
    return raw


def _trail(explanations: Iterable[Explanation], figures: Sequence[str]) -> list[str]:
    out = []
    for e in explanations:
        for f in figures:
            if e.figure == f or (f.endswith("*") and e.figure.startswith(f[:-1])):
                out.append(str(e))
                break
    return out


def _expected(run: Run, path: str, kind: Kind, value: Any) -> Any:
    """An expected value in the type of the actual figure; a bad one names its field."""
    try:
        if kind == "money":
            if not isinstance(value, str | int) or isinstance(value, bool):
                raise ValueError("money must be a string such as \"1234.56\" (or a whole number "
                                 "of yuan), not a float or other unquoted decimal number")
            return Money(value)
        if kind in ("decimal", "rate"):
            if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
                raise ValueError("a number such as \"94.02\"")
            text = str(value).strip()
            percent = kind == "rate" and text.endswith("%")
            d = exact_decimal(text[:-1] if percent else text, field=path, term=None,
                              error=ScenarioError, code="scenario.expect.number")
            return d / 100 if percent else d
        if kind == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError("a whole number")
            return value
        if kind == "date":
            return as_date(value, field=path)
        if kind == "bool":
            if not isinstance(value, bool):
                raise ValueError("true or false")
            return value
        if kind == "str":
            if not isinstance(value, str):
                raise ValueError("a string")
            return value
        if kind == "status":
            if not isinstance(value, str) or value not in {s.value for s in LineStatus}:
                raise ValueError(f"one of {', '.join(s.value for s in LineStatus)}")
            return value
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError("a list of strings ([] for none)")
        return value if kind == "order" else sorted(value)
    except OutsourcingError as exc:
        raise run.fail(path, exc.reason, value) from None
    except (ValueError, ArithmeticError) as exc:
        raise run.fail(path, str(exc) or "not a number", value) from None


def _shown(value: Any, kind: Kind = "") -> str:
    if kind == "rate" and isinstance(value, Decimal):
        return pct(value)
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ", ".join(value) or "(none)"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _check(run: Run, shown: str, path: str, kind: Kind, want: Any, got: Any,
           why: Callable[[], list[str]]) -> None:
    expected = _expected(run, path, kind, want)
    if kind == "list":
        got = sorted(got)
    if expected != got:
        run.mismatches.append(Mismatch(shown, _shown(expected, kind), _shown(got, kind),
                                       tuple(why())))
