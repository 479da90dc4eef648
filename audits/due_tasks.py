"""Celery tasks for due items: thin wrappers that take ids and call one service (audits.due_planning)."""

from celery import shared_task
from django.utils import timezone

from audits.due_planning import due_items_cancel_after, due_items_satisfy, plan_due_items
from audits.models import Audit, Episode


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def plan_after_submit(self, audit_id: int) -> None:
    """After a record is submitted: meet its earliest open item and plan what it starts."""
    audit = Audit.objects.filter(pk=audit_id).first()
    if audit is not None:
        due_items_satisfy(audit=audit)


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def cancel_after_episode_end(self, episode_id: int) -> None:
    episode = Episode.objects.filter(pk=episode_id).first()
    if episode is not None:
        due_items_cancel_after(episode=episode)


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def plan_due_items_nightly(self, horizon_days: int = 90) -> int:
    return plan_due_items(today=timezone.localdate(), horizon_days=horizon_days)
