"""Date arithmetic for schedule rules: working days (weekends and England-and-Wales bank holidays
skipped, from the `holidays` package), calendar days, weeks, months and years (month ends clamp:
31 January + 1 month = 28 or 29 February, by dateutil's relativedelta)."""

from datetime import date, timedelta
from functools import lru_cache

import holidays
from dateutil.relativedelta import relativedelta

from processes.fixture_schema import Interval


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    # England and Wales share their bank holidays; the package's ENG subdivision lists them.
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: date, closures: frozenset[date] = frozenset()) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year) and day not in closures


def add_working_days(start: date, count: int, closures: frozenset[date] = frozenset()) -> date:
    """The date `count` working days after `start` (start itself not counted)."""
    day = start
    remaining = count
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day, closures):
            remaining -= 1
    return day


def add_interval(start: date, interval: Interval, closures: frozenset[date] = frozenset()) -> date:
    if interval.unit == "working_days":
        return add_working_days(start, interval.count, closures)
    if interval.unit == "days":
        return start + timedelta(days=interval.count)
    if interval.unit == "weeks":
        return start + timedelta(weeks=interval.count)
    if interval.unit == "months":
        return start + relativedelta(months=interval.count)
    return start + relativedelta(years=interval.count)


def next_due_after(rule: dict, held_on: date, records_so_far: int) -> date | None:
    """When the next record falls due after one held on `held_on`, given how many records of the
    process the subject has had (this one included). None when the rule does not repeat past them."""
    intervals = [Interval.parse(text) for text in rule["intervals"]]
    if records_so_far < len(intervals):
        interval = intervals[records_so_far]
    elif rule.get("repeats"):
        interval = intervals[-1]
    else:
        return None
    return add_interval(held_on, interval)
