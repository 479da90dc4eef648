"""Write a printable dashboard report (management report or annual health check) to a file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dashboard.forms import Filters, period_choices, resolve_period
from dashboard.reports import REPORT_KINDS, report_html
from dashboard.scope import DashboardScope


class Command(BaseCommand):
    help = "Write the management report or annual health check of a period as an HTML file for board papers."

    def add_arguments(self, parser):
        parser.add_argument("--kind", choices=list(REPORT_KINDS), default="management")
        parser.add_argument("--period", default="12m", help="12m, 6m, 3m or fyYYYY (the financial year from April)")
        parser.add_argument(
            "--audience",
            choices=["board", "managers"],
            default="board",
            help="board: counts under 5 suppressed (default); managers: every figure",
        )
        parser.add_argument("--output", required=True, help="the HTML file to write")

    def handle(self, *args, **options):
        today = timezone.localdate()
        periods = dict(period_choices(today))
        if options["period"] not in periods:
            raise CommandError(f"--period: one of {', '.join(periods)}")
        start, end = resolve_period(options["period"], today)
        filters = Filters(start, end, periods[options["period"]], options["period"])
        scope = DashboardScope("aggregate" if options["audience"] == "board" else "service")
        path = Path(options["output"])
        path.write_text(report_html(scope, filters, options["kind"]), encoding="utf-8")
        self.stdout.write(f"Wrote {REPORT_KINDS[options['kind']].lower()} ({periods[options['period']]}) to {path}.")
