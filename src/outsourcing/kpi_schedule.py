"""KPI schedules (考核周期): when a KPI is assessed, and what a period without it scores.

Every KPI (:class:`~outsourcing.catalogue.KpiSpec`) has a :class:`KpiSchedule`: every period
(每期, the default: exactly as a KPI without a schedule), quarterly (每季度), half-yearly
(每半年), yearly in named months (每年…月) or on named dates (指定日期).  A KPI is *due* in a
settlement period when one of its months (or dates) falls in the period; in a period where
it is not due it is 本期不考核: the assessment neither needs nor accepts a value for it.

What a period's score makes of a KPI that is not due (or marked 不适用 where the contract
allows it, :class:`~outsourcing.performance.NotApplicable`) is the contract's rule,
:class:`NotDueRule`:

- ``rescale`` (按权重折算): the KPIs scored this period share the 100 points in proportion to
  their weights (:func:`rescale_weights`: whole hundredths that add up to exactly 100.00);
- ``carry_forward`` (沿用上次结果): the KPI's last measured value counts again at its own
  weight; before it was ever measured, the period rescales.

A contract that does not state the rule settles on the jurisdiction's illustrative default
``payment.kpi_not_due`` (rescale in the bundled rules), named on every statement that uses it
like every illustrative default, unless the contract adopts it (``adopt=[…]``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from enum import StrEnum
from typing import Any

import attrs

from .dates import DateRange, as_date
from .errors import DateError, ModelError

__all__ = [
    "EVERY_PERIOD",
    "KpiSchedule",
    "NotDueRule",
    "ScheduleKind",
    "rescale_weights",
]

CENTI_100 = 10_000
"""100 points in hundredths."""


class ScheduleKind(StrEnum):
    """How often a KPI is assessed (考核周期)."""

    EVERY_PERIOD = "every_period"
    """Every settlement period (每期考核), the default."""
    QUARTERLY = "quarterly"
    """Once a quarter, in the month named for each quarter (default: its last month)."""
    HALF_YEARLY = "half_yearly"
    """Once a half-year, in the month named for each half (default: June and December)."""
    YEARLY = "yearly"
    """Every year in the named months (e.g. October)."""
    DATES = "dates"
    """On named dates: due in the period holding each date."""

    @property
    def zh(self) -> str:
        return _KIND_ZH[self.value]


_KIND_ZH = {"every_period": "每期", "quarterly": "每季度", "half_yearly": "每半年",
            "yearly": "每年", "dates": "指定日期"}
_DEFAULT_MONTHS = {ScheduleKind.QUARTERLY: (3, 6, 9, 12), ScheduleKind.HALF_YEARLY: (6, 12)}
_GROUPS = {ScheduleKind.QUARTERLY: (3, "季度"), ScheduleKind.HALF_YEARLY: (6, "半年")}


class NotDueRule(StrEnum):
    """What a period's score makes of a KPI not due in it (本期不考核指标的处理)."""

    RESCALE = "rescale"
    """The scored KPIs' weights rescaled to 100 (按应考核指标权重折算为100分)."""
    CARRY_FORWARD = "carry_forward"
    """The KPI's last measured value counts again (沿用上次考核结果)."""

    @property
    def zh(self) -> str:
        return ("按本期考核指标权重折算为100分" if self is NotDueRule.RESCALE
                else "沿用该指标上次考核结果")


def _fail(field: str, value: Any, reason: str, what: str, **params: Any) -> ModelError:
    """A schedule refused: code ``model.kpi_schedule.<what>``, its sentence in the catalogue."""
    return ModelError(reason, field=f"schedule.{field}", value=value, term="考核周期",
                      code=f"model.kpi_schedule.{what}", params=params)


def _kind(v: Any) -> ScheduleKind:
    if isinstance(v, ScheduleKind):
        return v
    try:
        return ScheduleKind(v)
    except (ValueError, TypeError):
        allowed = ", ".join(m.value for m in ScheduleKind)
        raise _fail("kind", v, f"not a schedule kind; one of {allowed}",
                    "kind", allowed=allowed) from None


def _months(v: Any) -> tuple[int, ...]:
    if isinstance(v, str | bytes) or not isinstance(v, Iterable):
        raise _fail("months", v, "a list of months 1..12", "months")
    out = tuple(v)
    for i, m in enumerate(out):
        if isinstance(m, bool) or not isinstance(m, int) or not 1 <= m <= 12:
            raise _fail(f"months[{i}]", m, "a month is a whole number 1..12", "month",
                        month=repr(m))
    return out


def _dates(v: Any) -> tuple[date, ...]:
    if isinstance(v, str | bytes) or not isinstance(v, Iterable):
        raise _fail("dates", v, "a list of dates", "dates")
    out = []
    for i, d in enumerate(v):
        try:
            out.append(as_date(d, field=f"schedule.dates[{i}]"))
        except DateError as exc:
            raise _fail(f"dates[{i}]", d, f"not a date: {exc.reason}", "date",
                        why=exc.zh or exc.message_zh) from None
    return tuple(out)


@attrs.frozen(cache_hash=True)
class KpiSchedule:
    """When a KPI is assessed (考核周期); see the module.

    ``months`` are calendar months 1..12: for ``yearly`` the months named (at least one);
    for ``quarterly`` one month in each quarter (default 3, 6, 9, 12) and for
    ``half_yearly`` one in each half (default 6, 12).  ``dates`` are the named dates of a
    ``dates`` schedule (at least one).  Anything else is refused when built.
    """

    kind: ScheduleKind = attrs.field(default=ScheduleKind.EVERY_PERIOD, converter=_kind)
    months: tuple[int, ...] = attrs.field(default=(), converter=_months)
    dates: tuple[date, ...] = attrs.field(default=(), converter=_dates)

    def __attrs_post_init__(self) -> None:
        kind = self.kind
        if len(set(self.months)) != len(self.months):
            raise _fail("months", list(self.months), "a month is named twice",
                        "month_twice")
        if len(set(self.dates)) != len(self.dates):
            raise _fail("dates", [d.isoformat() for d in self.dates], "a date is named twice",
                        "date_twice")
        if kind is not ScheduleKind.DATES and self.dates:
            raise _fail("dates", [d.isoformat() for d in self.dates],
                        f"dates belong to a 'dates' schedule, not {kind.value}",
                        "dates_not_allowed", kind=kind.zh)
        if kind in (ScheduleKind.EVERY_PERIOD, ScheduleKind.DATES) and self.months:
            raise _fail("months", list(self.months),
                        f"months belong to a quarterly, half-yearly or yearly schedule, "
                        f"not {kind.value}", "months_not_allowed", kind=kind.zh)
        if kind is ScheduleKind.YEARLY and not self.months:
            raise _fail("months", [], "a yearly schedule names its months (e.g. [10])",
                        "yearly_needs_months")
        if kind is ScheduleKind.DATES and not self.dates:
            raise _fail("dates", [], "a 'dates' schedule names at least one date",
                        "dates_needs_a_date")
        group = _GROUPS.get(kind)
        if group is not None and self.months:
            size, name = group
            slots = sorted((m - 1) // size for m in self.months)
            if slots != list(range(12 // size)):
                raise _fail("months", list(self.months),
                            f"a {kind.value} schedule names one month in each "
                            f"{'quarter' if size == 3 else 'half-year'}",
                            "one_month_per_group", kind=kind.zh, group=name)

    @property
    def every_period(self) -> bool:
        """Due in every period (每期考核): scored exactly as a KPI without a schedule."""
        return self.kind is ScheduleKind.EVERY_PERIOD

    def due_months(self) -> tuple[int, ...]:
        """The calendar months the KPI is due in (all twelve for every period; none for a
        schedule of dates)."""
        if self.kind is ScheduleKind.EVERY_PERIOD:
            return tuple(range(1, 13))
        if self.kind is ScheduleKind.DATES:
            return ()
        return tuple(sorted(self.months or _DEFAULT_MONTHS[self.kind]))

    def is_due(self, span: DateRange) -> bool:
        """Whether the KPI is due in a settlement period (its calendar range ``span``)."""
        if self.kind is ScheduleKind.EVERY_PERIOD:
            return True
        if self.kind is ScheduleKind.DATES:
            return any(span.start <= d <= span.end for d in self.dates)
        months = self.due_months()
        y, m = span.start.year, span.start.month
        while (y, m) <= (span.end.year, span.end.month):
            if m in months:
                return True
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return False

    def describe(self) -> str:
        """The schedule in Chinese (每年10月, 每季度（3、6、9、12月）, 指定日期 2026-10-15)."""
        if self.kind is ScheduleKind.EVERY_PERIOD:
            return "每期"
        if self.kind is ScheduleKind.DATES:
            return "指定日期 " + "、".join(d.isoformat() for d in sorted(self.dates))
        months = "、".join(str(m) for m in self.due_months())
        if self.kind is ScheduleKind.YEARLY:
            return f"每年{months}月"
        return f"{self.kind.zh}（{months}月）"


EVERY_PERIOD = KpiSchedule()
"""The default schedule: every period."""


def rescale_weights(weights: Sequence[int], scored: Sequence[bool]) -> tuple[int, ...]:
    """The weights (whole hundredths) of the KPIs ``scored`` rescaled to 100.00 points;
    the others 0.

    Each is its exact share of 100.00 rounded down, and the hundredths left over go one
    each to the largest remainders (the earlier KPI first on a tie), so the rescaled
    weights add up to exactly 100.00 (10 000 hundredths).  Scored KPIs whose weights add
    up to zero have nothing to share: all zero.
    """
    total = sum(w for w, s in zip(weights, scored, strict=True) if s)
    if total == 0:
        return tuple(0 for _ in weights)
    shares = [w * CENTI_100 if s else 0 for w, s in zip(weights, scored, strict=True)]
    base = [x // total for x in shares]
    left = CENTI_100 - sum(base)
    order = sorted((k for k, s in enumerate(scored) if s),
                   key=lambda k: (-(shares[k] % total), k))
    for k in order[:left]:
        base[k] += 1
    return tuple(base)
