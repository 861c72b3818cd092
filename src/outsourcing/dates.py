"""Dates, inclusive ranges and settlement periods (日期、期间).

A :class:`DateRange` includes both its start and its end (a contract's term ends on its last
day of service).  A :class:`Period` is a named range — a month (``2022-10``), a quarter
(``2022-Q4``) or a year (``2022``) — over which fees are settled.  Month arithmetic uses
``dateutil.relativedelta``.  Two day-count conventions are offered; which one a contract
uses is a rule (``settlement.day_count``).
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Iterator
from datetime import date, timedelta
from enum import StrEnum

import attrs
from dateutil.relativedelta import relativedelta

from ._limits import MAX_DATE, MIN_DATE, enum_converter
from .errors import DateError
from .workdays import (
    CALENDAR,
    WorkCalendar,
    add_working_days,
    is_working_day,
    working_day_years,
    working_days_between,
)

__all__ = [
    "CALENDAR",
    "DateRange",
    "DayCount",
    "Period",
    "PeriodKind",
    "WorkCalendar",
    "add_working_days",
    "as_date",
    "as_period",
    "is_working_day",
    "month_end",
    "periods_between",
    "working_day_years",
    "working_days_between",
]

ONE_DAY = timedelta(days=1)


_ISO_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", re.ASCII)


def as_date(value: object, *, field: str = "date") -> date:
    """A ``date`` from a date or an ISO string; anything else is a clear error.

    Digits are ASCII digits (``٢٠٢٢-١٠-٠١`` is refused); a day that does not exist
    (``2022-02-30``) is told so, naming the month's days.  Dates run from 1900-01-01 to
    9998-12-31 (:data:`outsourcing._limits.MAX_DATE`), so the day after any date, and the end
    of its year, still exist."""
    if isinstance(value, date) and not hasattr(value, "hour"):
        d = value
    elif isinstance(value, str):
        d = _parse_day(value, field)
    else:
        raise DateError(f"a {type(value).__name__} is not a date", field=field, value=value,
                        term="日期", code="date.type", params={"kind": type(value).__name__})
    if not MIN_DATE <= d <= MAX_DATE:
        raise DateError(f"out of range: dates run from {MIN_DATE} to {MAX_DATE}", field=field,
                        value=d.isoformat(), term="日期", code="date.out_of_range",
                        params={"low": MIN_DATE, "high": MAX_DATE})
    return d


def _parse_day(text: str, field: str) -> date:
    """A date from ``YYYY-MM-DD`` (or another ISO 8601 calendar form), ASCII digits only."""
    if len(text) > 40:
        raise DateError("not a date that exists (YYYY-MM-DD)", field=field, value=text,
                        term="日期", code="date.invalid")
    if not text.isascii():
        raise DateError("not a date written YYYY-MM-DD in ASCII digits", field=field,
                        value=text, term="日期", code="date.not_ascii")
    m = _ISO_DAY.fullmatch(text)
    if m:
        year, month, day = (int(g) for g in m.groups())
        if not 1 <= month <= 12:
            raise DateError(f"month {month} does not exist: months run 1..12", field=field,
                            value=text, term="日期", code="date.month_out_of_range",
                            params={"month": month})
        if year < 1:
            raise DateError(f"out of range: dates run from {MIN_DATE} to {MAX_DATE}",
                            field=field, value=text, term="日期", code="date.out_of_range",
                            params={"low": MIN_DATE, "high": MAX_DATE})
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            raise DateError(f"not a date that exists: {year}-{month:02d} has {last} days, "
                            f"not {day}",
                            field=field, value=text, term="日期",
                            code="date.day_out_of_range",
                            params={"year": year, "month": month, "day": day, "last": last})
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise DateError("not a date that exists (YYYY-MM-DD)", field=field, value=text,
                        term="日期", code="date.invalid") from None


def month_end(d: date) -> date:
    """The last day of ``d``'s month."""
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


class DayCount(StrEnum):
    """How a monthly fee is spread over the days of a part month (计费天数惯例)."""

    ACTUAL = "actual"
    """Each day is 1/(days in its month) of the month's fee (按实际天数)."""
    THIRTY = "30/360"
    """Each month counts 30 days; the 31st counts nothing, the last day of February closes
    the month (每月按30天计)."""


def _start(v: object) -> date:
    return as_date(v, field="start")


def _end(v: object) -> date:
    return as_date(v, field="end")


@attrs.frozen(order=True)
class DateRange:
    """An inclusive range of days ``[start, end]`` (起止日期，含首尾)."""

    start: date = attrs.field(converter=_start)
    end: date = attrs.field(converter=_end)

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise DateError(
                f"the end {self.end.isoformat()} is before the start {self.start.isoformat()}",
                field="end",
                value=self.end.isoformat(),
                term="终止日期早于起始日期",
                code="date.range_reversed",
                params={"start": self.start},
            )

    @property
    def days(self) -> int:
        """Number of days, both ends included."""
        return (self.end - self.start).days + 1

    def __contains__(self, d: object) -> bool:
        return isinstance(d, date) and self.start <= d <= self.end

    def overlap(self, other: DateRange) -> DateRange | None:
        """The days both ranges share, or None."""
        s, e = max(self.start, other.start), min(self.end, other.end)
        return DateRange(s, e) if s <= e else None

    def covers(self, other: DateRange) -> bool:
        """True when every day of ``other`` lies in this range."""
        return self.start <= other.start and other.end <= self.end

    def months(self) -> Iterator[DateRange]:
        """This range cut at month ends: one piece per calendar month it touches."""
        s = self.start
        while s <= self.end:
            e = min(month_end(s), self.end)
            yield DateRange(s, e)
            s = e + ONE_DAY

    def day_count(self, convention: DayCount) -> int:
        """Days in the range under a day-count convention."""
        if convention is DayCount.ACTUAL:
            return self.days
        return sum(_days_30(piece) for piece in self.months())

    def years(self) -> relativedelta:
        """The length as years, months and days (for term limits)."""
        return relativedelta(self.end + ONE_DAY, self.start)

    def __str__(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat()}"


def _days_30(piece: DateRange) -> int:
    """30/360 days of a range inside one calendar month."""
    s = 31 if piece.start.day == 31 else piece.start.day
    e = 30 if piece.end == month_end(piece.end) else min(piece.end.day, 30)
    return max(0, e - s + 1)


class PeriodKind(StrEnum):
    """Settlement period kinds (结算周期)."""

    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


_PERIOD_KIND = enum_converter(PeriodKind, field="kind", term="期间", error=DateError,
                              code="date.period")


def _period_kind(v: object) -> PeriodKind:
    return _PERIOD_KIND(v)


_PERIOD_RE = re.compile(r"([0-9]{4})(?:-(?:([0-9]{1,2})|[Qq]([0-9])))?", re.ASCII)
_PERIOD_TOP = {PeriodKind.MONTH: 12, PeriodKind.QUARTER: 4, PeriodKind.YEAR: 1}
_PERIOD_INDEX_CODE = {PeriodKind.MONTH: "period.month_out_of_range",
                      PeriodKind.QUARTER: "period.quarter_out_of_range",
                      PeriodKind.YEAR: "period.year_index"}


@attrs.frozen(order=True)
class Period:
    """A calendar month, quarter or year: ``2022-10``, ``2022-Q4``, ``2022`` (期间)."""

    kind: PeriodKind = attrs.field(converter=_period_kind)
    year: int
    index: int = 1
    """Month 1-12, quarter 1-4, or 1 for a year."""

    def __attrs_post_init__(self) -> None:
        for name in ("year", "index"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int):
                raise DateError(f"a {type(v).__name__} is not a whole number", field=name,
                                value=v, term="期间", code="date.period.type")
        top = _PERIOD_TOP[self.kind]
        if not 1 <= self.index <= top:
            raise DateError(f"a {self.kind.value} index runs 1..{top}", field="index",
                            value=self.index, term="期间", code=_PERIOD_INDEX_CODE[self.kind],
                            params={"month": self.index, "quarter": self.index})
        if not MIN_DATE.year <= self.year <= MAX_DATE.year:
            raise DateError(f"year out of range: {MIN_DATE.year}..{MAX_DATE.year}",
                            field="year", value=self.year, term="期间",
                            code="date.out_of_range",
                            params={"low": MIN_DATE.year, "high": MAX_DATE.year})

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(PeriodKind.MONTH, year, month)

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        return cls(PeriodKind.QUARTER, year, quarter)

    @classmethod
    def of_year(cls, year: int) -> Period:
        return cls(PeriodKind.YEAR, year, 1)

    @classmethod
    def parse(cls, text: str) -> Period:
        """``2022-10`` (month), ``2022-Q4`` (quarter) or ``2022`` (year), in ASCII digits;
        a month outside 1–12 or a quarter outside 1–4 is told so."""
        if isinstance(text, str) and len(text) < 40 and not text.isascii():
            raise DateError("a period is written in ASCII digits (2022-10)", field="period",
                            value=text, term="期间", code="period.not_ascii")
        m = _PERIOD_RE.fullmatch(text.strip()) if isinstance(text, str) and len(text) < 40 \
            else None
        if not m:
            raise DateError("not a period: use 2022-10, 2022-Q4 or 2022", field="period",
                            value=text, term="期间", code="period.invalid")
        year = int(m.group(1))
        if m.group(2):
            kind, index = PeriodKind.MONTH, int(m.group(2))
        elif m.group(3):
            kind, index = PeriodKind.QUARTER, int(m.group(3))
        else:
            return cls.of_year(year)
        if not 1 <= index <= _PERIOD_TOP[kind]:
            raise DateError(f"a {kind.value} runs 1..{_PERIOD_TOP[kind]}, not {index}",
                            field="period", value=text, term="期间",
                            code=_PERIOD_INDEX_CODE[kind],
                            params={"month": index, "quarter": index})
        return cls(kind, year, index)

    @classmethod
    def containing(cls, d: date, kind: PeriodKind) -> Period:
        if kind is PeriodKind.MONTH:
            return cls.month(d.year, d.month)
        if kind is PeriodKind.QUARTER:
            return cls.quarter(d.year, (d.month - 1) // 3 + 1)
        return cls.of_year(d.year)

    @property
    def start(self) -> date:
        if self.kind is PeriodKind.MONTH:
            return date(self.year, self.index, 1)
        if self.kind is PeriodKind.QUARTER:
            return date(self.year, 3 * self.index - 2, 1)
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        return _period_end(self.kind, self.year, self.index)

    @property
    def range(self) -> DateRange:
        return DateRange(self.start, self.end)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def next(self) -> Period:
        return Period.containing(self.end + ONE_DAY, self.kind)

    def months(self) -> list[Period]:
        """The calendar months of this period."""
        return periods_between(self.range, PeriodKind.MONTH)

    def __str__(self) -> str:
        if self.kind is PeriodKind.MONTH:
            return f"{self.year:04d}-{self.index:02d}"
        if self.kind is PeriodKind.QUARTER:
            return f"{self.year:04d}-Q{self.index}"
        return f"{self.year:04d}"


@functools.lru_cache(maxsize=4096)
def _period_end(kind: PeriodKind, year: int, index: int) -> date:
    """The last day of a period (computed once per period: settlement asks for it often)."""
    start = Period(kind, year, index).start
    months = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}[kind]
    return start + relativedelta(months=months) - ONE_DAY


def as_period(value: object, *, term: str = "期间") -> Period:
    """A :class:`Period` from a Period or its text (``2022-10``, ``2022-Q4``, ``2022``)."""
    if isinstance(value, Period):
        return value
    if isinstance(value, str):
        return Period.parse(value)
    raise DateError(f"a {type(value).__name__} is not a period; use Period or '2022-10'",
                    field="period", value=value, term=term, code="period.type")


def periods_between(span: DateRange, kind: PeriodKind) -> list[Period]:
    """Every period of ``kind`` that touches ``span``, in order."""
    out: list[Period] = []
    p = Period.containing(span.start, kind)
    while True:
        out.append(p)
        if p.end >= span.end:  # never step past the last period (9998-12 has no next)
            return out
        p = p.next()
