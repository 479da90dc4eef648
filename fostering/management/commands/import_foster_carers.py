from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from fostering.carer_import import CarerImportError, carer_import_apply, carer_import_plan
from processes.services import system_user


class Command(BaseCommand):
    help = (
        "Add and update foster carers of the register from a CSV file (fostering/carer_import.py lists the "
        "columns). Every row is checked before anything is written; then one transaction. Importing the same "
        "file again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="a CSV file, UTF-8, with a header row")
        parser.add_argument("--user", help="username recorded in history as the one who made the change")
        parser.add_argument("--dry-run", action="store_true", help="count what would change and write nothing")

    def handle(self, *args, file, user, dry_run, **options):
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"--user {user!r}: no such user")
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{file}: cannot be read as UTF-8 text: {exc}") from exc
        try:
            plan = carer_import_plan(text)
        except CarerImportError as exc:
            raise CommandError(f"{file.name}: nothing was imported:\n" + "\n".join(exc.problems)) from exc
        if dry_run:
            self.stdout.write(f"would import: {plan.counts_line()}")
            return
        carer_import_apply(actor=actor or system_user(), plan=plan)
        self.stdout.write(plan.counts_line())
