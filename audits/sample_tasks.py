"""Celery task for the monthly random samples (audits.samples); scheduled in qa_portal/celery.py."""

from datetime import date

from celery import shared_task

from audits.samples import draw_samples, previous_month


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, retry_backoff_max=600, max_retries=5)
def draw_samples_task(self, period: str | None = None) -> int:
    """Draw the samples of `period` (ISO date of the month's first day; default: last month).

    Retries are safe: a month already drawn is skipped, draw by draw."""
    month = date.fromisoformat(period) if period else previous_month()
    return len(draw_samples(period=month))
