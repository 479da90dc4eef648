"""Date arithmetic: working days (weekends, E&W bank holidays, closure days) and month-end clamping."""

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from processes.fixture_schema import Interval
from processes.timescales import (
    add_interval,
    add_months,
    add_working_days,
    bank_holidays,
    is_working_day,
    next_due_after,
    non_working_reason,
    working_days_between,
)

starts = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))
working_day_counts = st.integers(min_value=0, max_value=300)
month_counts = st.integers(min_value=0, max_value=240)


@st.composite
def clocks(draw):
    """A start date and a set of closure days around it (some before it, most in the next year or so)."""
    start = draw(starts)
    offsets = draw(st.sets(st.integers(min_value=-5, max_value=450), max_size=40))
    return start, frozenset(start + timedelta(days=offset) for offset in offsets)


def is_bank_holiday(day: date) -> bool:
    return day in bank_holidays(day.year)


#
# Bank holidays: England and Wales
#


def test_the_bank_holidays_are_england_and_wales_ones():
    in_2026 = bank_holidays(2026)
    assert date(2026, 4, 6) in in_2026  # Easter Monday: England and Wales, not Scotland
    assert date(2026, 11, 30) not in in_2026  # St Andrew's Day: Scotland only
    assert date(2026, 1, 2) not in in_2026  # 2 January: Scotland only
    assert date(2026, 3, 17) not in in_2026  # St Patrick's Day: Northern Ireland only
    assert date(2026, 7, 13) not in in_2026  # Battle of the Boyne (observed): Northern Ireland only
    assert date(2026, 8, 31) in in_2026  # late summer bank holiday (Scotland's is 3 August)


def test_the_2026_list_is_the_eight_published_days_with_boxing_day_observed_on_monday():
    weekdays = sorted(day for day in bank_holidays(2026) if day.weekday() < 5)
    assert weekdays == [
        date(2026, 1, 1),
        date(2026, 4, 3),
        date(2026, 4, 6),
        date(2026, 5, 4),
        date(2026, 5, 25),
        date(2026, 8, 31),
        date(2026, 12, 25),
        date(2026, 12, 28),  # Boxing Day falls on a Saturday
    ]


def test_christmas_2027_on_a_weekend_moves_both_holidays_to_monday_and_tuesday():
    assert not is_working_day(date(2027, 12, 27))
    assert not is_working_day(date(2027, 12, 28))
    assert is_working_day(date(2027, 12, 29))


def test_a_closure_day_is_not_a_working_day():
    assert is_working_day(date(2026, 12, 24))
    assert not is_working_day(date(2026, 12, 24), frozenset({date(2026, 12, 24)}))


#
# Working days: properties
#


@given(clocks(), st.integers(min_value=1, max_value=300))
def test_adding_working_days_never_lands_on_a_weekend_bank_holiday_or_closure_day(clock, count):
    start, closures = clock
    due = add_working_days(start, count, closures)
    assert due.weekday() < 5
    assert not is_bank_holiday(due)
    assert due not in closures


@given(clocks(), working_day_counts)
def test_counting_the_working_days_after_the_start_gives_back_the_number_added(clock, count):
    start, closures = clock
    assert working_days_between(start, add_working_days(start, count, closures), closures) == count


@given(clocks(), working_day_counts)
def test_one_more_working_day_always_gives_a_later_date(clock, count):
    start, closures = clock
    assert add_working_days(start, count, closures) < add_working_days(start, count + 1, closures)


@given(clocks(), st.integers(min_value=1, max_value=300))
def test_every_day_skipped_on_the_way_is_not_a_working_day(clock, count):
    start, closures = clock
    due = add_working_days(start, count, closures)
    days_passed = (due - start).days
    skipped = days_passed - count
    assert skipped == sum(
        1 for offset in range(1, days_passed + 1) if not is_working_day(start + timedelta(days=offset), closures)
    )


@given(starts)
def test_zero_working_days_leave_the_start_as_it_is(start):
    assert add_working_days(start, 0) == start


def test_the_start_day_itself_is_not_counted_even_on_a_sunday():
    assert add_working_days(date(2027, 1, 31), 1) == date(2027, 2, 1)  # Sunday to Monday
    assert add_working_days(date(2027, 2, 1), 1) == date(2027, 2, 2)


def test_a_negative_number_of_working_days_is_refused():
    with pytest.raises(ValueError, match="0 or more"):
        add_working_days(date(2027, 1, 4), -1)


def test_a_closure_day_pushes_a_working_day_deadline_back_one_day():
    strategy_discussion = date(2027, 3, 22)
    assert add_working_days(strategy_discussion, 15) == date(2027, 4, 14)
    assert add_working_days(strategy_discussion, 15, frozenset({date(2027, 4, 13)})) == date(2027, 4, 15)


def test_a_closure_day_on_a_weekend_or_bank_holiday_changes_nothing():
    strategy_discussion = date(2027, 3, 22)
    closures = frozenset({date(2027, 3, 27), date(2027, 3, 29)})  # a Saturday and Easter Monday
    assert add_working_days(strategy_discussion, 15, closures) == date(2027, 4, 14)


#
# Months and years: properties and leap years
#


@given(starts, month_counts)
def test_adding_months_clamps_the_day_to_the_length_of_the_month(start, months):
    due = add_months(start, months)
    assert due.year * 12 + due.month == start.year * 12 + start.month + months
    assert due.day == min(start.day, calendar.monthrange(due.year, due.month)[1])


@given(starts, st.integers(min_value=1, max_value=20))
def test_adding_years_is_adding_twelve_months_each(start, years):
    assert add_interval(start, Interval(count=years, unit="years")) == add_months(start, 12 * years)


def test_31_january_plus_one_month_is_the_last_day_of_february():
    assert add_interval(date(2028, 1, 31), "1 month") == date(2028, 2, 29)  # leap year
    assert add_interval(date(2027, 1, 31), "1 month") == date(2027, 2, 28)


def test_29_february_plus_one_year_is_28_february():
    assert add_interval(date(2028, 2, 29), "1 year") == date(2029, 2, 28)
    assert add_interval(date(2028, 2, 29), "4 years") == date(2032, 2, 29)


def test_calendar_intervals_ignore_weekends_and_bank_holidays():
    # A deadline of "within 3 months" is a calendar date, even a Saturday or a bank holiday.
    assert add_interval(date(2027, 7, 30), "3 months") == date(2027, 10, 30)  # a Saturday
    assert add_interval(date(2026, 12, 18), "1 week") == date(2026, 12, 25)  # Christmas Day
    assert add_interval(date(2026, 12, 18), "7 days") == date(2026, 12, 25)


#
# next_due_after (used by audits.services)
#


def test_next_due_after_takes_the_interval_for_the_number_of_records_so_far():
    rule = {"intervals": ["20 working days", "3 months", "6 months"], "repeats": True}
    assert next_due_after(rule, date(2027, 1, 14), 1) == date(2027, 4, 14)
    assert next_due_after(rule, date(2027, 4, 14), 2) == date(2027, 10, 14)
    assert next_due_after(rule, date(2027, 10, 14), 7) == date(2028, 4, 14)


def test_next_due_after_gives_none_when_a_rule_that_does_not_repeat_runs_out():
    assert next_due_after({"intervals": ["15 working days"], "repeats": False}, date(2027, 3, 22), 1) is None


def test_next_due_after_steps_over_closure_days():
    rule = {"intervals": ["15 working days"], "repeats": False}
    assert next_due_after(rule, date(2027, 3, 22), 0, frozenset({date(2027, 4, 13)})) == date(2027, 4, 15)


#
# non_working_reason (the flag on a calendar-day due date)
#


def test_a_due_date_on_a_weekend_says_which_day():
    assert non_working_reason(date(2027, 10, 30)) == "Falls on a Saturday"  # 30 July + 3 months
    assert non_working_reason(date(2026, 12, 20)) == "Falls on a Sunday"


def test_a_due_date_on_a_bank_holiday_names_it():
    assert non_working_reason(date(2026, 12, 25)) == "Falls on a bank holiday: Christmas Day"  # 18 Dec + 1 week
    assert non_working_reason(date(2027, 3, 29)) == "Falls on a bank holiday: Easter Monday"
    # Boxing Day 2026 is a Saturday: the Monday after is the substitute holiday, and is named as one.
    assert non_working_reason(date(2026, 12, 28)) == "Falls on a bank holiday: Boxing Day (observed)"


def test_a_due_date_on_a_closure_day_says_so_and_a_working_day_has_no_flag():
    closures = frozenset({date(2026, 12, 29)})
    assert non_working_reason(date(2026, 12, 29), closures) == "Falls on a closure day"
    assert non_working_reason(date(2026, 12, 29)) is None
    assert non_working_reason(date(2026, 12, 21)) is None  # a Monday


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)))
def test_a_day_is_flagged_exactly_when_it_is_no_working_day(day):
    assert (non_working_reason(day) is None) == is_working_day(day)


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)), st.integers(min_value=0, max_value=600))
def test_adding_months_is_relativedeltas_rule_month_ends_clamped(start, months):
    from dateutil.relativedelta import relativedelta

    assert add_months(start, months) == start + relativedelta(months=months)
