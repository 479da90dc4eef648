"""Plan the due items of every schedule rule in force up to a horizon (idempotent: rerun freely)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from timeliness.planning import PlanStats, plan_due_items


class Command(BaseCommand):
    help = "Plan due items from episodes and submitted records up to --horizon days after --today."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--horizon", type=int, default=90, help="days after today to plan to (default 90)")

    def handle(self, *args, today=None, horizon=90, **options):
        try:
            day = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--today wants YYYY-MM-DD, not {today!r}") from exc
        if horizon < 0 or horizon > 3660:
            raise CommandError("--horizon wants 0 to 3660 days")
        stats = PlanStats()
        created = plan_due_items(today=day, horizon_days=horizon, stats=stats)
        if options["verbosity"] > 1:
            self.stdout.write(f"{stats.episodes} episodes in {stats.batches} batches, {stats.seconds:.1f}s")
        self.stdout.write(f"planned {created} due items")
