"""Date arithmetic for schedule rules. Pure functions: no database, no clock.

- **Working days** skip weekends, England-and-Wales bank holidays (the `holidays` package, subdivision ENG,
  substitute days included: Boxing Day 2026 falls on a Saturday, so Monday 28 December is the holiday) and
  the authority's own closure days, which callers pass in as a frozenset (processes.schedules reads them
  from ClosureDay rows).
- **Calendar** intervals (days, weeks, months, years) ignore all of that: a deadline of "within 3 months"
  is a calendar date even when it falls on a Sunday.
- **Month ends clamp** (dateutil's relativedelta): 31 January + 1 month = 28 or 29 February;
  29 February 2028 + 1 year = 28 February 2029.
"""

import calendar
from datetime import date, timedelta
from functools import lru_cache

import holidays
from dateutil.relativedelta import relativedelta

from processes.fixture_schema import Interval

NO_CLOSURES: frozenset[date] = frozenset()


@lru_cache(maxsize=256)
def bank_holidays(year: int) -> frozenset[date]:
    """England-and-Wales bank holidays of one year.

    England and Wales share their bank holidays; the package's ENG subdivision lists exactly them (Easter
    Monday yes; Scotland's 2 January and St Andrew's Day, Northern Ireland's St Patrick's Day no). The WLS
    subdivision gives the same dates. One-off holidays (a coronation, a state funeral) arrive with package
    updates; until then the authority can add them as closure days.
    """
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


@lru_cache(maxsize=64)
def _holiday_names(year: int) -> dict[date, str]:
    return dict(holidays.country_holidays("GB", subdiv="ENG", years=year))


# Kept for callers of the earlier private name.
_bank_holidays = bank_holidays


def is_working_day(day: date, closures: frozenset[date] = NO_CLOSURES) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year) and day not in closures


def non_working_reason(day: date, closures: frozenset[date] = NO_CLOSURES) -> str | None:
    """Why `day` is no working day ("Falls on a Sunday", "Falls on a bank holiday: Boxing Day", "Falls on
    a closure day"), or None on a working day. For flagging a calendar-day due date, which does not move
    (a statutory "within 3 months" ends on its date): the flag warns that nobody may be at work."""
    name = _holiday_names(day.year).get(day)
    if name:
        return f"Falls on a bank holiday: {name}"
    if day.weekday() >= 5:
        return f"Falls on a {day:%A}"
    if day in closures:
        return "Falls on a closure day"
    return None


def add_working_days(start: date, count: int, closures: frozenset[date] = NO_CLOSURES) -> date:
    """The date `count` working days after `start`. The start itself is not counted (it may be a
    Sunday: a clock can start on any day); with count 0 the start comes back unchanged."""
    if count < 0:
        raise ValueError(f"count must be 0 or more, not {count}")
    day = start
    remaining = count
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day, closures):
            remaining -= 1
    return day


def working_days_between(start: date, end: date, closures: frozenset[date] = NO_CLOSURES) -> int:
    """How many working days fall after `start`, up to and including `end` (0 if end <= start).

    The inverse of add_working_days: working_days_between(d, add_working_days(d, n)) == n.
    """
    count = 0
    day = start + timedelta(days=1)
    while day <= end:
        if is_working_day(day, closures):
            count += 1
        day += timedelta(days=1)
    return count


def add_months(start: date, months: int) -> date:
    """`months` calendar months after `start`, clamped to the month's last day (31 Jan + 1 = 28/29 Feb):
    relativedelta's rule, by arithmetic, since planning asks it hundreds of thousands of times a night."""
    total = start.month - 1 + months
    year, month = start.year + total // 12, total % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


@lru_cache(maxsize=256)
def _interval(text: str) -> Interval:
    return Interval.parse(text)


def add_interval(start: date, interval: Interval | str, closures: frozenset[date] = NO_CLOSURES) -> date:
    """The date one interval ("20 working days", "3 months", ...) after `start`."""
    if isinstance(interval, str):
        interval = _interval(interval)
    if interval.unit == "working_days":
        return add_working_days(start, interval.count, closures)
    if interval.unit == "days":
        return start + timedelta(days=interval.count)
    if interval.unit == "weeks":
        return start + timedelta(weeks=interval.count)
    if interval.unit == "months":
        return add_months(start, interval.count)
    return add_months(start, 12 * interval.count)


def next_due_after(
    rule: dict, held_on: date, records_so_far: int, closures: frozenset[date] = NO_CLOSURES
) -> date | None:
    """When the next record falls due after one held on `held_on`, given how many records of the
    process the subject has had (this one included). None when the rule does not repeat past them."""
    intervals = [Interval.parse(text) for text in rule["intervals"]]
    if records_so_far < len(intervals):
        interval = intervals[records_so_far]
    elif rule.get("repeats"):
        interval = intervals[-1]
    else:
        return None
    return add_interval(held_on, interval, closures)


def age_on(date_of_birth: date, day: date) -> int:
    """A person's age in whole years on `day` (a 29 February birthday counts on 1 March in other years)."""
    years = relativedelta(day, date_of_birth).years
    return years if birthday(date_of_birth, years) <= day else years - 1


def birthday(date_of_birth: date, years: int) -> date:
    """The day a person born on `date_of_birth` turns `years` (29 February: 1 March in other years)."""
    day = date_of_birth + relativedelta(years=years)
    if (date_of_birth.month, date_of_birth.day) == (2, 29) and day.day == 28:
        day += timedelta(days=1)
    return day
