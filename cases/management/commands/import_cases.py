from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cases.case_import import case_import_plan
from cases.csv_files import CaseImportError, decode_csv
from cases.services import case_import_apply
from processes.services import system_user


class Command(BaseCommand):
    help = (
        "Import children's cases and their episodes from a CSV file (docs/case-import.md). Every row is "
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
        # Counts only: a line per case would put children's references and details in logs.
        try:
            plan = case_import_plan(decode_csv(data), source=file.name)
            if dry_run:
                self.stdout.write(f"would import: {plan.counts_line()}")
                return
            # The system user is looked up (or created) only now: a dry run writes nothing at all.
            plan = case_import_apply(actor=actor or system_user(), plan=plan)
        except CaseImportError as exc:
            raise CommandError(
                f"{file.name}: the cases were not imported; nothing changed:\n" + "\n".join(exc.problems)
            ) from exc
        self.stdout.write(plan.counts_line())
