"""python manage.py send_reminders [--today YYYY-MM-DD]: claim and send the reminders due that day."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from timeliness.reminders import send_reminders


class Command(BaseCommand):
    help = "Send the reminders due today (one digest per person), each exactly once."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="the day to run as, YYYY-MM-DD (default: today)")

    def handle(self, *args, today=None, **options):
        if today:
            try:
                day = date.fromisoformat(today)
            except ValueError as exc:
                raise CommandError(f"--today wants a date as YYYY-MM-DD, not {today!r}") from exc
        else:
            day = timezone.localdate()
        sent = send_reminders(today=day)
        self.stdout.write(f"sent {sent} reminders")
