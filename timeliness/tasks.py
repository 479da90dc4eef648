"""Celery tasks for due items: thin wrappers that take ids and call one service (timeliness.planning,
follow_ons, closing)."""

from datetime import date

from celery import shared_task
from django.utils import timezone

from audits.models import Audit
from cases.models import Episode
from cases.services import assignment_grants_resync
from timeliness.closing import due_items_close_for_episode
from timeliness.follow_ons import due_items_satisfy
from timeliness.planning import plan_due_items
from timeliness.reminders import send_reminders
from timeliness.samples import draw_samples, previous_month


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def plan_after_submit(self, audit_id: int) -> None:
    """After a record is submitted: meet its earliest open item and plan what it starts."""
    audit = Audit.objects.filter(pk=audit_id).first()
    if audit is not None:
        due_items_satisfy(audit=audit)


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def cancel_after_episode_end(self, episode_id: int) -> None:
    """An episode ended: its items due by the end were missed, those after it are cancelled."""
    episode = Episode.objects.filter(pk=episode_id).first()
    if episode is not None:
        due_items_close_for_episode(episode=episode)


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def plan_due_items_nightly(self, horizon_days: int = 90) -> int:
    today = timezone.localdate()
    # Assignments whose dates ended or began them overnight: grants and open work follow first, so the
    # night's plan names today's holders (cases.services.assignment_grants_resync).
    assignment_grants_resync(on=today)
    return plan_due_items(today=today, horizon_days=horizon_days)


@shared_task(bind=True, max_retries=3, default_retry_delay=300, acks_late=True)
def send_reminders_task(self, today: str | None = None) -> int:
    """Send today's reminders (or those of `today`, an ISO date). Returns the reminders sent."""
    day = timezone.localdate() if today is None else date.fromisoformat(today)
    try:
        return send_reminders(today=day)
    except Exception as exc:
        raise self.retry(exc=exc) from exc


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, retry_backoff_max=600, max_retries=5)
def draw_samples_task(self, period: str | None = None) -> int:
    """Draw the samples of `period` (ISO date of the month's first day; default: last month).

    Retries are safe: a month already drawn is skipped, draw by draw."""
    month = date.fromisoformat(period) if period else previous_month()
    return len(draw_samples(period=month))
