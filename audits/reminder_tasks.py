"""The reminders task: a thin wrapper around audits.reminders.send_reminders (beat runs it daily).

Exactly-once lives in the service (claimed rows, SELECT ... FOR UPDATE SKIP LOCKED), so a retry or
an overlapping run is harmless: it sends only what is still unsent.
"""

from datetime import date

from celery import shared_task
from django.utils import timezone

from audits.reminders import send_reminders


@shared_task(bind=True, max_retries=3, default_retry_delay=300, acks_late=True)
def send_reminders_task(self, today: str | None = None) -> int:
    """Send today's reminders (or those of `today`, an ISO date). Returns the reminders sent."""
    day = timezone.localdate() if today is None else date.fromisoformat(today)
    try:
        return send_reminders(today=day)
    except Exception as exc:
        raise self.retry(exc=exc) from exc
