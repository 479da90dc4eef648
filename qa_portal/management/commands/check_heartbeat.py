from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from qa_portal.models import Heartbeat
from qa_portal.services import BEAT_HEARTBEAT


class Command(BaseCommand):
    help = "Exit non-zero unless the beat heartbeat ran recently (for container health checks)."

    def add_arguments(self, parser):
        parser.add_argument("--max-age", type=int, default=300, help="seconds (default 300)")

    def handle(self, *args, max_age, **options):
        seen = Heartbeat.objects.filter(name=BEAT_HEARTBEAT).values_list("last_seen_at", flat=True).first()
        if seen is None:
            raise CommandError("beat has never run")
        age = timezone.now() - seen
        if age > timedelta(seconds=max_age):
            raise CommandError(f"beat last ran {int(age.total_seconds())} seconds ago")
        self.stdout.write(f"beat last ran {int(age.total_seconds())} seconds ago")
