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

from pydantic import ValidationError as PydanticValidationError

from processes.fixture_schema import Interval, ScheduleRule
from processes.models import ClosureDay, Process, ScheduleOverride
from processes.timescales import NO_CLOSURES, add_interval

MAX_OVERRIDE_INTERVALS = 12

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


def apply_override(rule: dict | None, intervals: list[str], repeats: bool) -> dict | None:
    """The rule with an override's intervals and repeats in place of its own. Only a local rule takes an
    override: if the fixtures have since made the rule statutory or national (or dropped it), the
    override no longer applies and the fixture rule stands."""
    if not rule or rule.get("basis") != "local":
        return rule
    return {**rule, "intervals": list(intervals), "repeats": bool(repeats)}


def override_errors(process: Process | None, intervals, repeats: bool) -> dict[str, list[str]]:
    """Why an override of `process`'s rule with these intervals would be wrong, by field (empty if it is fine)."""
    errors: dict[str, list[str]] = {}
    if process is not None:
        rule = process.schedule_rule
        if not rule:
            errors["process"] = [f"“{process.name}” has no schedule rule, so there is no timescale to change."]
        elif rule.get("basis") != "local":
            basis = "a statutory" if rule["basis"] == "statutory" else "a national"
            errors["process"] = [
                f"“{process.name}” follows {basis} timescale ({rule['source']}). Only local rules can be "
                "changed here; statutory and national timescales change with the process fixtures "
                "(docs/fixtures.md)."
            ]
    if not isinstance(intervals, list) or not intervals or not all(isinstance(text, str) for text in intervals):
        errors["intervals"] = ["Give at least one interval, e.g. “10 working days” or “4 weeks”."]
    elif len(intervals) > MAX_OVERRIDE_INTERVALS:
        errors["intervals"] = [f"Give at most {MAX_OVERRIDE_INTERVALS} intervals; a repeating rule needs only one."]
    else:
        messages = []
        for text in intervals:
            try:
                Interval.parse(text)
            except ValueError as exc:
                messages.append(str(exc))
        if messages:
            errors["intervals"] = messages
    if not errors and process is not None:
        # The rule as it would be in force must still be a valid rule.
        try:
            ScheduleRule.model_validate(apply_override(process.schedule_rule, intervals, repeats))
        except PydanticValidationError as exc:
            errors["intervals"] = [error["msg"] for error in exc.errors()]
    return errors


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
