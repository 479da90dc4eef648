"""The base of the commands that import a CSV file from the case-management system (import_cases,
import_events): the FILE, --user and --dry-run arguments, reading and decoding the file, and one message
listing every problem when nothing was imported. Each command says what a run imports and prints.

Output is counts only, never a line per row: that would put children's references and details in logs.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cases.csv_files import CaseImportError, decode_csv


class CsvImportCommand(BaseCommand):
    """A subclass sets `imported` (what the file holds, plural: "cases") and gives `import_text`."""

    imported = "rows"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="a CSV file, UTF-8, with a header row")
        parser.add_argument("--user", help="username recorded in history as the one who made the change")
        parser.add_argument("--dry-run", action="store_true", help="count what would change and write nothing")

    def import_text(self, text: str, *, source: str, actor, dry_run: bool) -> None:
        """Check the file's text and (unless dry_run) write it, printing the counts; raise CaseImportError."""
        raise NotImplementedError

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
        try:
            self.import_text(decode_csv(data), source=file.name, actor=actor, dry_run=dry_run)
        except CaseImportError as exc:
            raise CommandError(
                f"{file.name}: the {self.imported} were not imported; nothing changed:\n" + "\n".join(exc.problems)
            ) from exc
