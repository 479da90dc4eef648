"""Celery task for the dashboard: rebuild its rollup tables (audits.dashboard_rollup)."""

from celery import shared_task

from audits.dashboard_rollup import rollup_refresh


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def refresh_dashboard_task(self) -> int:
    """Returns the number of rollup rows written."""
    return rollup_refresh().rows
