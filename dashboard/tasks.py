"""Celery task for the dashboard: rebuild its rollup tables (dashboard.services)."""

from celery import shared_task

from dashboard.services import rollup_refresh


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def refresh_dashboard_task(self) -> int:
    """Returns the number of rollup rows written."""
    return rollup_refresh().rows
