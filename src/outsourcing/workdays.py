"""Chinese working days (工作日), after the State Council's yearly holiday notices.

A deadline written in working days — 合同公告 within 2 个工作日 of signing (政府采购法实施条例
第五十条), a 单一来源 publicity of 5 个工作日, a contract's "15 个工作日内支付" — skips weekends
and the public holidays of 国务院办公厅关于部分节假日安排的通知, and *counts* the weekend days
that notice makes working days (调休上班).

:data:`CALENDAR` is built from the ``chinesecalendar`` package, which carries the notices
for the years it names (:func:`working_day_years`).  A date outside those years is a clear
:class:`~outsourcing.errors.DateError` (code ``date.working_day_unknown_year``), never a
guess.  When a new year's notice is out before the package has it, a bureau extends the
calendar with :meth:`WorkCalendar.with_year` and passes it as ``calendar=``.

Counting convention: the day that starts the clock is not counted; "within *n* working
days of *d*" ends on :func:`add_working_days` ``(d, n)``, the *n*-th working day after *d*.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import attrs

from .errors import DateError

__all__ = [
    "CALENDAR",
    "WorkCalendar",
    "add_working_days",
    "is_working_day",
    "working_day_years",
    "working_days_between",
]

_ONE_DAY = timedelta(days=1)
_NOTICE = "国务院办公厅关于{year}年部分节假日安排的通知"


def _day_set(days: Iterable[date]) -> frozenset[date]:
    """The days as a set; each must be a ``date`` (the calendar is validated when built)."""
    out = frozenset(days)
    for d in out:
        if not isinstance(d, date) or hasattr(d, "hour"):
            raise DateError(f"a {type(d).__name__} is not a date", field="days_off", value=d,
                            code="date.calendar.day_type", term="工作日历",
                            params={"kind": type(d).__name__})
    return out


@attrs.frozen
class WorkCalendar:
    """The working-day calendar for a span of whole years (工作日历).

    ``days_off`` are the public-holiday days (法定节假日及其调休放假日); ``make_up_days`` the
    weekend days worked instead (调休上班日).  Any other Monday to Friday is a working day.
    """

    first_year: int
    last_year: int
    days_off: frozenset[date] = attrs.field(converter=_day_set)
    make_up_days: frozenset[date] = attrs.field(converter=_day_set)
    source: str = "chinesecalendar"

    def __attrs_post_init__(self) -> None:
        if self.first_year > self.last_year:
            raise DateError("first year after last year", field="first_year",
                            value=self.first_year, code="date.calendar.first_after_last",
                            term="工作日历", params={"last": self.last_year})
        both = self.days_off & self.make_up_days
        if both:
            day = min(both)
            raise DateError("a day cannot be both a holiday and a make-up working day",
                            field="make_up_days", value=day.isoformat(),
                            code="date.calendar_conflict", term="调休")
        for d in (*self.days_off, *self.make_up_days):
            if not self.first_year <= d.year <= self.last_year:
                raise DateError("day outside the calendar's years", field="days_off",
                                value=d.isoformat(), code="date.calendar.day_outside_years",
                                term="工作日历",
                                params={"first": self.first_year, "last": self.last_year})

    def years(self) -> tuple[int, int]:
        """The first and last year the calendar knows."""
        return self.first_year, self.last_year

    def _check(self, d: date, field: str) -> None:
        if not isinstance(d, date) or hasattr(d, "hour"):
            raise DateError(f"a {type(d).__name__} is not a date", field=field, value=d,
                            code="date.type", term="工作日")
        if not self.first_year <= d.year <= self.last_year:
            known = f"{self.first_year}–{self.last_year}"
            raise DateError(
                f"working days are known for {known} only", field=field, value=d.isoformat(),
                code="date.working_day_unknown_year",
                citation=_NOTICE.format(year=d.year), term="工作日",
                params={"known": known, "year": d.year})

    def is_working_day(self, d: date) -> bool:
        """Whether ``d`` is a working day (工作日)."""
        self._check(d, "date")
        if d in self.make_up_days:
            return True
        if d in self.days_off:
            return False
        return d.weekday() < 5

    def add_working_days(self, start: date, n: int) -> date:
        """The ``n``-th working day after ``start`` (``start`` itself is not counted).

        ``n = 0`` gives ``start``.  Every day walked must lie in the calendar's years.
        """
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise DateError("a count of working days is a whole number ≥ 0", field="n",
                            value=n, code="date.working_day_count", term="工作日")
        self._check(start, "start")
        day = start
        left = n
        while left:
            day += _ONE_DAY
            self._check(day, "start")
            if self.is_working_day(day):
                left -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """The number of working days in ``(start, end]``; negative when ``end < start``."""
        self._check(start, "start")
        self._check(end, "end")
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        day = start + _ONE_DAY
        while day <= end:
            if self.is_working_day(day):
                count += 1
            day += _ONE_DAY
        return count

    def with_year(self, year: int, *, days_off: Iterable[date],
                  make_up_days: Iterable[date] = (), source: str | None = None) -> WorkCalendar:
        """A new calendar that also knows ``year`` (the next year after the last known one).

        ``days_off`` and ``make_up_days`` are that year's notice, as published.
        """
        if year != self.last_year + 1:
            raise DateError(f"the next year to add is {self.last_year + 1}", field="year",
                            value=year, code="date.calendar.not_next_year", term="工作日历",
                            params={"next": self.last_year + 1})
        return WorkCalendar(
            self.first_year, year, self.days_off | _day_set(days_off),
            self.make_up_days | _day_set(make_up_days),
            source or f"{self.source}; {_NOTICE.format(year=year)}")


def _from_package() -> WorkCalendar:
    from chinese_calendar import constants

    days: list[date] = [*constants.holidays, *constants.workdays]
    return WorkCalendar(
        min(d.year for d in days), max(d.year for d in days),
        frozenset(constants.holidays), frozenset(constants.workdays),
        "chinesecalendar: 国务院办公厅历年部分节假日安排的通知")


CALENDAR: WorkCalendar = _from_package()
"""The calendar of the State Council's notices as the installed ``chinesecalendar`` has them."""


def working_day_years(calendar: WorkCalendar | None = None) -> tuple[int, int]:
    """The first and last year whose holiday notice the calendar carries."""
    return (calendar or CALENDAR).years()


def is_working_day(d: date, *, calendar: WorkCalendar | None = None) -> bool:
    """Whether ``d`` is a working day (工作日) under the State Council's notice."""
    return (calendar or CALENDAR).is_working_day(d)


def add_working_days(start: date, n: int, *, calendar: WorkCalendar | None = None) -> date:
    """The ``n``-th working day after ``start`` — the last day of "``n`` 个工作日内"."""
    return (calendar or CALENDAR).add_working_days(start, n)


def working_days_between(start: date, end: date, *,
                         calendar: WorkCalendar | None = None) -> int:
    """Working days in ``(start, end]``: ``start`` not counted, ``end`` counted."""
    return (calendar or CALENDAR).working_days_between(start, end)
