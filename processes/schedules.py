"""Due dates from schedule rules (docs/schedules.md).

A rule (Process.schedule_rule, the `schedule` of a fixture entry) lists intervals that run one after
another from a clock's start: the first from the start, each next one from the previous due date. If the
rule repeats, its last interval repeats for ever; otherwise the due dates stop when the intervals run out.
Stopping at the end of an episode is the caller's business (`until`).

The first part of this module is pure (a rule and dates in, dates out). The second reads the database:
the authority's closure days and the rule in force for a process, with its local override applied.
"""

from collections.abc import Iterator
from datetime import date
from itertools import islice

from processes.fixture_schema import Interval
from processes.models import ClosureDay, Process, ScheduleOverride
from processes.overrides import apply_override
from processes.timescales import NO_CLOSURES, add_interval

#
# Pure: rules and dates
#


def iter_due_dates(rule: dict, start: date, closures: frozenset[date] = NO_CLOSURES) -> Iterator[date]:
    """Every due date of a clock started on `start`, in order; endless if the rule repeats."""
    intervals = [Interval.parse(text) for text in rule["intervals"]]
    due = start
    for interval in intervals:
        due = add_interval(due, interval, closures)
        yield due
    if rule.get("repeats") and intervals:
        while True:
            due = add_interval(due, intervals[-1], closures)
            yield due


def due_dates(
    rule: dict,
    start: date,
    *,
    count: int,
    closures: frozenset[date] = NO_CLOSURES,
    until: date | None = None,
) -> list[date]:
    """The next `count` due dates of a clock started on `start` (fewer if the rule runs out), leaving out
    any after `until` (e.g. the day an episode ends)."""
    if count < 0:
        raise ValueError(f"count must be 0 or more, not {count}")
    dates = []
    # Due dates only ever increase (every interval is at least one day), so the first one past `until` ends it.
    for due in islice(iter_due_dates(rule, start, closures), count):
        if until is not None and due > until:
            break
        dates.append(due)
    return dates


#
# Reading the database
#


def closure_days(*, after: date | None = None) -> frozenset[date]:
    """The authority's closure days (ClosureDay rows), optionally only those after a date."""
    rows = ClosureDay.objects.all()
    if after is not None:
        rows = rows.filter(date__gt=after)
    return frozenset(rows.values_list("date", flat=True))


def effective_rule(process: Process) -> dict | None:
    """The process's schedule rule as in force: the fixture rule with any local override applied.

    Reads `process.schedule_override` (one query, none if it was select_related)."""
    rule = process.schedule_rule
    if not rule:
        return None
    try:
        override = process.schedule_override
    except ScheduleOverride.DoesNotExist:
        return dict(rule)
    return apply_override(rule, override.intervals, override.repeats)


def process_due_dates(process: Process, start: date, *, count: int, until: date | None = None) -> list[date]:
    """The next `count` due dates of the process's rule in force, for a clock started on `start`, stepping
    over the closure days in the database. An empty list if the process has no schedule."""
    rule = effective_rule(process)
    if not rule:
        return []
    return due_dates(rule, start, count=count, closures=closure_days(after=start), until=until)
