"""Rebuild the dashboard's figures now (beat does it every 10 minutes)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from dashboard.services import rollup_refresh


class Command(BaseCommand):
    help = "Rebuild the dashboard's rollup tables from the records (one transaction)."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="judge overdue items and coverage as of this day (YYYY-MM-DD)")

    def handle(self, *args, **options):
        today = None
        if options["today"]:
            try:
                today = date.fromisoformat(options["today"])
            except ValueError as exc:
                raise CommandError(f"--today: {exc}") from exc
        refresh = rollup_refresh(today=today)
        self.stdout.write(f"Dashboard figures as of {refresh.as_of}: {refresh.rows} rows in {refresh.seconds:.2f} s.")
