"""Celery tasks of the cases app: thin wrappers around cases.import_jobs (the case import's checking
and writing, which take longer than a web request may last)."""

from celery import shared_task

from cases.import_jobs import case_import_job_check, case_import_job_write


@shared_task(bind=True, acks_late=True)
def case_import_check(self, job_id: int) -> None:
    case_import_job_check(job_id)


@shared_task(bind=True, acks_late=True)
def case_import_write(self, job_id: int) -> None:
    case_import_job_write(job_id)
