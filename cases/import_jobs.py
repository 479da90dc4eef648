"""The case import from the browser, run by the worker: a file of 100,000 rows takes minutes to check
and write, far longer than a web request may last.

1. The upload (case_import_job_create) keeps the file's text in a CaseImportJob row, not the session;
   the page then asks the worker to check it (cases.tasks.case_import_check).
2. The worker validates the whole file (cases.case_import) and stores the plan's counts and references,
   or every problem (case_import_job_check). The administrator sees them on the job's page.
3. Apply (case_import_job_apply_request) claims the job, and the page asks the worker to write it
   (cases.tasks.case_import_write); case_import_job_write plans again and writes in one transaction
   (cases.services.case_import_apply), so validation-before-write and all-or-nothing hold as before.
   Progress (cases written of the total) goes to the cache, outside that transaction, and the job's
   page refreshes itself until the job is done. Cancel forgets the file.

The job row is the outbox: the page's send to the broker may fail (Redis down; core.queueing logs it and
the page answers as usual). A job the worker never started (CHECKING or APPLYING with no `started_at`,
last queued RESEND_AFTER ago) is queued again by cases.tasks.case_import_resend, which beat runs every
few minutes, so the import starts once the broker and a worker are back (stalled_jobs_claim).

Every ending (imported, invalid, failed, cancelled) empties the stored text: children's details do not
wait in the database once the job no longer needs them.
"""

import logging
from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone

from cases.case_import import CaseImportPlan, case_import_plan
from cases.choices import ImportStatus
from cases.csv_files import CaseImportError, count_rows
from cases.models import CaseImportJob
from cases.services import case_import_apply

logger = logging.getLogger(__name__)

# The job's page lists at most this many references of each kind (the counts are always whole).
SHOWN_REFERENCES = 200
PROGRESS_TTL = 24 * 3600
# A job queued this long ago that no worker has started is queued again (its first send was lost).
RESEND_AFTER = timedelta(minutes=5)


def _progress_key(job_id: int) -> str:
    return f"cases:import-progress:{job_id}"


def import_progress(job: CaseImportJob) -> int:
    """How many cases the worker has written so far (0 before it starts). Read from the cache, where the
    worker reports from inside its transaction; needs a cache shared by web and worker (CACHE_URL)."""
    if job.status == ImportStatus.DONE:
        return job.cases_total
    return cache.get(_progress_key(job.pk), 0)


def _summary(plan: CaseImportPlan) -> dict:
    return {
        "counts": plan.counts_line(),
        "is_empty": plan.is_empty,
        "added": plan.added[:SHOWN_REFERENCES],
        "added_count": len(plan.added),
        "updated": plan.updated[:SHOWN_REFERENCES],
        "updated_count": len(plan.updated),
    }


def _end(job: CaseImportJob, status: str, **fields) -> None:
    """Close a job: its status, whatever else, no text. Written outside any import transaction."""
    fields |= {"status": status, "text": "", "finished_at": timezone.now()}
    CaseImportJob.objects.filter(pk=job.pk).update(**fields)


def case_import_job_create(*, actor, source: str, text: str) -> CaseImportJob:
    """Keep an uploaded file for the worker to check (the caller queues cases.tasks.case_import_check:
    the tasks module wraps this one, so this one does not import it)."""
    lines = count_rows(text)
    return CaseImportJob.objects.create(created_by=actor, source=source[:255], text=text, lines=lines)


def case_import_job_check(job_id: int) -> None:
    """The worker's first step: validate the whole file and store what applying it would change."""
    job = CaseImportJob.objects.filter(pk=job_id, status=ImportStatus.CHECKING).first()
    if job is None:
        return  # already checked (a redelivered task), or cancelled
    CaseImportJob.objects.filter(pk=job.pk).update(started_at=timezone.now())
    try:
        plan = case_import_plan(job.text, source=job.source)
    except CaseImportError as exc:
        _end(job, ImportStatus.INVALID, problems=exc.problems)
        return
    CaseImportJob.objects.filter(pk=job.pk, status=ImportStatus.CHECKING).update(
        status=ImportStatus.CHECKED, summary=_summary(plan), cases_total=len(plan.changes)
    )


def case_import_job_apply_request(*, actor, job: CaseImportJob) -> bool:
    """Claim a checked job for writing (the caller then queues cases.tasks.case_import_write). False
    when it is no longer waiting (applied or cancelled already, e.g. in another tab): nothing is
    queued twice."""
    # No started_at until the worker starts writing: until then the outbox may send the job again.
    claimed = CaseImportJob.objects.filter(pk=job.pk, created_by=actor, status=ImportStatus.CHECKED).update(
        status=ImportStatus.APPLYING, started_at=None, updated_at=timezone.now()
    )
    if claimed:
        cache.set(_progress_key(job.pk), 0, PROGRESS_TTL)
    return bool(claimed)


def case_import_job_cancel(*, actor, job: CaseImportJob) -> bool:
    """Forget a checked file without importing it. False when it is no longer waiting."""
    claimed = CaseImportJob.objects.filter(pk=job.pk, created_by=actor, status=ImportStatus.CHECKED).update(
        status=ImportStatus.CANCELLED, text="", finished_at=timezone.now()
    )
    return bool(claimed)


def case_import_job_write(job_id: int) -> None:
    """The worker's second step: plan again and write, in one transaction, reporting progress.

    A worker that dies mid-write rolls the transaction back and leaves the job APPLYING; the task is
    acknowledged late, so it is delivered again and this runs again from the start."""
    job = CaseImportJob.objects.select_related("created_by").filter(pk=job_id, status=ImportStatus.APPLYING).first()
    if job is None:
        return
    CaseImportJob.objects.filter(pk=job.pk).update(started_at=timezone.now())

    def progress(done: int, total: int) -> None:
        cache.set(_progress_key(job.pk), done, PROGRESS_TTL)

    try:
        plan = case_import_apply(
            actor=job.created_by, plan=CaseImportPlan(source=job.source, text=job.text), progress=progress
        )
    except CaseImportError as exc:
        # The file no longer holds (a team or person changed since the check): nothing was written.
        _end(job, ImportStatus.INVALID, problems=exc.problems)
        return
    except Exception:
        logger.exception("Case import %s failed; nothing was written", job.pk)
        _end(job, ImportStatus.FAILED)
        raise
    _end(job, ImportStatus.DONE, summary=_summary(plan), cases_total=len(plan.changes), cases_done=len(plan.changes))
    cache.delete(_progress_key(job.pk))


def stalled_jobs_claim(*, now=None) -> list[tuple[int, str]]:
    """The jobs whose send was lost: waiting (CHECKING, APPLYING), never started by a worker, queued at
    least RESEND_AFTER ago. Each is marked queued now (a conditional update, so two runs at once do not
    both send one job) and returned as (id, status) for the caller to queue again."""
    now = now or timezone.now()
    waiting = CaseImportJob.objects.filter(
        status__in=(ImportStatus.CHECKING, ImportStatus.APPLYING),
        started_at__isnull=True,
        updated_at__lte=now - RESEND_AFTER,
    )
    claimed = []
    for job_id, status, updated_at in waiting.values_list("pk", "status", "updated_at"):
        if CaseImportJob.objects.filter(pk=job_id, status=status, updated_at=updated_at).update(updated_at=now):
            claimed.append((job_id, status))
    return claimed
