from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cases.csv_files import CaseImportError, decode_csv
from journeys.event_import import event_import_plan, events_import_apply


class Command(BaseCommand):
    help = (
        "Import dated facts of children's journeys (placements, legal status, visits, meetings held, "
        'assignments, ...) from a CSV file, one event a row (docs/case-import.md, "Events"). Every row is '
        "validated before anything is written; then one transaction. Importing the same file again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="a CSV file, UTF-8, with a header row")
        parser.add_argument("--user", help="username recorded in history as the one who made the change")
        parser.add_argument("--dry-run", action="store_true", help="count what would change and write nothing")

    def handle(self, *args, file, user, dry_run, **options):
        actor = None
        if user:
            try:
                actor = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist as exc:
                raise CommandError(f"--user {user!r}: no such user") from exc
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"{file}: cannot be read: {exc.strerror}") from exc
        # Counts only: a line per fact would put children's references and details in logs.
        try:
            text = decode_csv(data)
            if dry_run:
                plan = event_import_plan(text, source=file.name)
                for line in plan.counts_lines():
                    self.stdout.write(f"would import: {line}")
                if plan.is_empty:
                    self.stdout.write("would import: nothing; the portal holds every row of the file already")
                return
            plan = events_import_apply(text, source=file.name, actor=actor)
        except CaseImportError as exc:
            raise CommandError(
                f"{file.name}: the events were not imported; nothing changed:\n" + "\n".join(exc.problems)
            ) from exc
        for line in plan.counts_lines():
            self.stdout.write(line)
        if plan.is_empty:
            self.stdout.write("nothing changed: the portal holds every row of the file already")
