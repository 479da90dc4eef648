from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from cases.models import Case
from demo.synthetic import DEFAULT_BATCH, DEFAULT_TEAMS, MAX_CASES, synthetic_generate


class Command(BaseCommand):
    help = (
        "Write large fictional data for benchmarks: teams, workers and N cases with episodes, history and "
        "object permissions, in bulk. Refuses a database that already has cases, or any database while "
        "DEBUG is off, unless --yes is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, required=True, help="how many cases to add")
        parser.add_argument("--teams", type=int, default=DEFAULT_TEAMS, help=f"teams (default {DEFAULT_TEAMS})")
        parser.add_argument(
            "--batch", type=int, default=DEFAULT_BATCH, help=f"cases per transaction (default {DEFAULT_BATCH})"
        )
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1): same seed, same rows")
        parser.add_argument(
            "--yes", action="store_true", help="write even though cases exist or DEBUG is off (a benchmark database)"
        )

    def handle(self, *args, cases, teams, batch, seed, yes, **options):
        if not 1 <= cases <= MAX_CASES:
            raise CommandError(f"--cases must be between 1 and {MAX_CASES}")
        if teams < 1 or batch < 1:
            raise CommandError("--teams and --batch must be 1 or more")
        # Synthetic children must never be mixed into a database in use by accident: a database with
        # cases, or production-like settings (which may point at a live database that is still empty).
        if not yes:
            database = connection.settings_dict["NAME"]
            if not settings.DEBUG:
                raise CommandError(
                    f"DEBUG is off: is {database!r} a live database? Pass --yes if it is a benchmark one."
                )
            if Case.objects.exists():
                raise CommandError(f"{database!r} already has cases; pass --yes to add synthetic cases to them.")

        def progress(done, total):
            if done < total and done % (batch * 10):
                return
            self.stdout.write(f"generate_synthetic: {done}/{total} cases")

        result = synthetic_generate(cases=cases, teams=teams, batch=batch, seed=seed, progress=progress)
        kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(result.episodes_by_kind.items()))
        self.stdout.write(
            f"generate_synthetic: {result.cases} cases ({result.first_reference} to {result.last_reference}), "
            f"{result.episodes} episodes ({kinds}), {result.history_rows} history rows, "
            f"{result.permission_rows} object permissions; {result.teams} teams and {result.users} users created"
        )
        self.stdout.write(
            f"generate_synthetic: {result.rows} rows in {result.seconds:.1f} s ({result.rows_per_second:,.0f} rows/s)"
        )
