from celery import shared_task

from qa_portal.services import heartbeat_record


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, retry_backoff_max=300, max_retries=5)
def heartbeat(self):
    """Harmless periodic task: proves that beat schedules and a worker runs (shown on /healthz)."""
    heartbeat_record()
