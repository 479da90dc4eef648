from datetime import date

from django.core.management.base import BaseCommand, CommandError

from timeliness.samples import draw_samples, previous_month


def parse_month(value: str) -> date:
    try:
        year, month = value.split("-")
        return date(int(year), int(month), 1)
    except ValueError as exc:
        raise CommandError(f"--month {value!r}: expected YYYY-MM, e.g. 2026-10") from exc


class Command(BaseCommand):
    help = (
        "Draw the monthly random samples (docs/samples.md): the 20% samples of processes with a sample rate "
        "and the Sample Audit of all managers. A month already drawn is skipped, so running it twice is safe."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", help="the month to draw, YYYY-MM (default: last month)")

    def handle(self, *args, month, **options):
        period = parse_month(month) if month else previous_month()
        draws = draw_samples(period=period)
        # Counts only, no case references: this output ends up in logs.
        for draw in draws:
            counts = f"population {len(draw.population)}, size {draw.size}"
            self.stdout.write(f"{draw.process} · {draw.team} · {draw.period:%B %Y}: {counts}")
        self.stdout.write(f"drew {len(draws)} samples")
