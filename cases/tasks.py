"""Celery tasks of the cases app: thin wrappers around cases.import_jobs (the case import's checking
and writing, which take longer than a web request may last)."""

from celery import shared_task

from cases.choices import ImportStatus
from cases.import_jobs import case_import_job_check, case_import_job_write, stalled_jobs_claim
from core.queueing import send_now


@shared_task(bind=True, acks_late=True)
def case_import_check(self, job_id: int) -> None:
    case_import_job_check(job_id)


@shared_task(bind=True, acks_late=True)
def case_import_write(self, job_id: int) -> None:
    case_import_job_write(job_id)


@shared_task(bind=True, acks_late=True)
def case_import_resend(self) -> int:
    """The import's outbox (beat, every 5 minutes): queue again the jobs whose first send the broker
    lost, so an upload made while Redis was down is checked (or written) once it is back."""
    claimed = stalled_jobs_claim()
    for job_id, status in claimed:
        send_now(case_import_check if status == ImportStatus.CHECKING else case_import_write, job_id)
    return len(claimed)
