import difflib
import re
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from processes.models import Process
from processes.schedule_text import describe_basis, describe_schedule
from processes.schedules import effective_rule, process_due_dates

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_COUNT = 1000


def parse_date(option: str, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        if not ISO_DATE.match(value):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{option} {value!r} is not a date; write it YYYY-MM-DD, e.g. 2027-01-31") from exc


class Command(BaseCommand):
    help = (
        "Print the next due dates of a process's schedule rule (with any local override) for a clock started "
        "on --start, one ISO date a line, stepping over bank holidays and the closure days in the database."
    )

    def add_arguments(self, parser):
        parser.add_argument("process", help="the process key, as in its fixture (e.g. voice-children-in-care)")
        parser.add_argument("--start", required=True, help="the day the clock starts, YYYY-MM-DD")
        parser.add_argument("--count", type=int, default=5, help="how many due dates (default 5)")
        parser.add_argument("--until", help="leave out due dates after this day (e.g. the episode's end), YYYY-MM-DD")

    def handle(self, *args, process, start, count, until, verbosity, **options):
        start_date = parse_date("--start", start)
        until_date = parse_date("--until", until)
        if not 1 <= count <= MAX_COUNT:
            raise CommandError(f"--count must be between 1 and {MAX_COUNT}, not {count}")
        try:
            found = Process.objects.select_related("schedule_override").get(key=process)
        except Process.DoesNotExist as exc:
            keys = Process.objects.values_list("key", flat=True)
            close = difflib.get_close_matches(process, keys, n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else "; the keys are in fixtures/processes/"
            raise CommandError(f"no process has the key {process!r}{hint}") from exc
        rule = effective_rule(found)
        if not rule:
            raise CommandError(f"{found.name} ({found.key}) has no schedule rule, so it has no due dates")
        if verbosity > 1:
            # stdout carries the dates only, so that scripts can read them.
            self.stderr.write(f"{found.name}: {describe_schedule(rule)}. {describe_basis(rule)}")
        for due in process_due_dates(found, start_date, count=count, until=until_date):
            self.stdout.write(due.isoformat())
