"""Working days (工作日) after the State Council's holiday notices, with 调休."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

import outsourcing as o
from outsourcing.dates import working_day_years, working_days_between

FIRST, LAST = working_day_years()
known_days = st.dates(date(FIRST, 1, 1), date(LAST, 10, 1))  # + 60 days stays in the known years


def test_spring_festival_2025_days_off_are_not_working_days() -> None:
    # 国务院办公厅关于2025年部分节假日安排的通知:
    # 1月28日至2月4日放假调休, 1月26日(周日)、2月8日(周六)上班
    assert not o.is_working_day(date(2025, 1, 28))
    assert not o.is_working_day(date(2025, 2, 4))
    assert o.is_working_day(date(2025, 1, 26))  # a Sunday worked (调休上班)
    assert o.is_working_day(date(2025, 2, 8))  # a Saturday worked
    assert not o.is_working_day(date(2025, 2, 9))  # an ordinary Sunday


def test_fifteen_working_days_across_the_spring_festival_count_the_make_up_sunday() -> None:
    # Confirmed on Friday 2025-01-24: 26 Jan (Sun, 调休) and 27 Jan are days 1 and 2;
    # 28 Jan–4 Feb are off; 5–7 Feb are days 3–5; 8 Feb (Sat, 调休) is day 6; then weekdays.
    assert o.add_working_days(date(2025, 1, 24), 2) == date(2025, 1, 27)
    assert o.add_working_days(date(2025, 1, 24), 3) == date(2025, 2, 5)
    assert o.add_working_days(date(2025, 1, 24), 6) == date(2025, 2, 8)
    assert o.add_working_days(date(2025, 1, 24), 15) == date(2025, 2, 20)
    assert working_days_between(date(2025, 1, 24), date(2025, 2, 20)) == 15


def test_contract_publication_two_working_days_over_a_holiday_weekend() -> None:
    # 政府采购法实施条例 第五十条: published within 2 working days of signing.  Signed on
    # Friday 2024-09-27; 2024-09-29 (Sun) is a 调休 working day, 10月1日-7日 off.
    assert o.add_working_days(date(2024, 9, 27), 1) == date(2024, 9, 29)
    assert o.add_working_days(date(2024, 9, 27), 2) == date(2024, 9, 30)
    assert o.add_working_days(date(2024, 9, 27), 3) == date(2024, 10, 8)


def test_a_date_outside_the_known_years_is_a_clear_error_naming_the_years() -> None:
    with pytest.raises(o.DateError) as exc:
        o.add_working_days(date(LAST, 12, 20), 30)
    assert exc.value.code == "date.working_day_unknown_year"
    assert f"{FIRST}–{LAST}" in exc.value.message_zh
    with pytest.raises(o.DateError, match=f"{FIRST}–{LAST}"):
        o.is_working_day(date(FIRST - 1, 6, 1))


def test_a_bureau_extends_the_calendar_with_the_next_years_notice() -> None:
    nxt = LAST + 1
    cal = o.dates.CALENDAR.with_year(nxt, days_off=[date(nxt, 1, 1)],
                                     make_up_days=[date(nxt, 1, 3)])
    assert not cal.is_working_day(date(nxt, 1, 1))
    assert cal.is_working_day(date(nxt, 1, 3))
    assert o.is_working_day(date(nxt, 1, 4), calendar=cal) is (date(nxt, 1, 4).weekday() < 5)
    with pytest.raises(o.DateError):
        cal.with_year(nxt + 5, days_off=[])


def test_a_negative_count_of_working_days_is_refused() -> None:
    with pytest.raises(o.DateError, match="工作日天数"):
        o.add_working_days(date(2025, 1, 2), -1)
    with pytest.raises(o.DateError) as exc:
        o.add_working_days(date(2025, 1, 2), -1)
    assert exc.value.code == "date.working_day_count"


@given(known_days, st.integers(0, 40))
def test_adding_n_working_days_lands_on_a_day_n_working_days_later(start: date, n: int) -> None:
    end = o.add_working_days(start, n)
    assert working_days_between(start, end) == n
    assert n == 0 or o.is_working_day(end)


@given(known_days, st.integers(0, 60))
def test_working_days_never_outnumber_calendar_days(start: date, span: int) -> None:
    end = start + timedelta(days=span)
    assert 0 <= working_days_between(start, end) <= span
    assert working_days_between(end, start) == -working_days_between(start, end)
