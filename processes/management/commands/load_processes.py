from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from processes.catalogue_files import CatalogueError, read_paths
from processes.services import DeactivationNotAgreed, catalogue_apply, catalogue_plan

DEFAULT_PATH = Path(settings.BASE_DIR) / "fixtures" / "processes"


class Command(BaseCommand):
    help = (
        "Load the process catalogue from fixtures (default: fixtures/processes/). Every file is validated "
        "before anything is written; then one transaction. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", type=Path, help="fixture files or folders (YAML, or an export's JSON)")
        parser.add_argument("--user", help="username recorded in history as the one who made the change")
        parser.add_argument("--dry-run", action="store_true", help="say what would change and write nothing")
        parser.add_argument(
            "--allow-deactivate",
            action="store_true",
            help="deactivate the processes of the loaded tables that the files no longer list (without it, "
            "a load that would deactivate any is refused and lists them)",
        )

    def handle(self, *args, paths, user, dry_run, allow_deactivate, **options):
        actor = None
        if user:
            try:
                actor = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist as exc:
                raise CommandError(f"--user {user!r}: no such user") from exc
        try:
            tables = read_paths(paths or [DEFAULT_PATH])
            if dry_run:
                plan = catalogue_plan(tables)
            else:
                # Agreed to by the flag, not by a list: catalogue_apply plans again inside its transaction.
                agreed = catalogue_plan(tables).deactivated_keys if allow_deactivate else ()
                plan = catalogue_apply(tables, actor=actor, deactivate=agreed)
        except DeactivationNotAgreed as exc:
            raise CommandError(
                f"the catalogue was not loaded; nothing changed: the files no longer list "
                f"{len(exc.names)} process{'es' if len(exc.names) != 1 else ''} of their tables, which loading "
                "would deactivate:\n"
                + "\n".join(f"  {name} ({key})" for name, key in zip(exc.names, exc.keys, strict=True))
                + "\nIf a file was cut short, restore it. If they are retired, load again with --allow-deactivate."
            ) from exc
        except CatalogueError as exc:
            raise CommandError("the catalogue was not loaded; nothing changed:\n" + "\n".join(exc.problems)) from exc
        if dry_run and plan.deactivated and not allow_deactivate:
            self.stdout.write("loading would need --allow-deactivate: the files no longer list every process")
        for line in plan.summary_lines():
            self.stdout.write(line)
        prefix = "would load" if dry_run else "loaded"
        count = sum(len(loaded.table.processes) for loaded in tables)
        self.stdout.write(f"{prefix} {len(tables)} tables, {count} processes: {plan.counts_line()}")
