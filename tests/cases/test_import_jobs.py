"""The case import's work in the worker (cases.import_jobs, cases.tasks): check the whole file, then
write it in one transaction, reporting progress outside it; a rerun (a redelivered task) finishes the
job once; a failure writes nothing. Celery runs eagerly here, but for the real worker's test below."""

import os
import time

import pytest
from django.core.cache import cache

from cases import import_jobs
from cases.choices import ImportStatus
from cases.import_jobs import (
    case_import_job_apply_request,
    case_import_job_check,
    case_import_job_create,
    case_import_job_write,
    import_progress,
)
from cases.models import Case, CaseImportJob, Episode
from cases.services import IMPORT_PROGRESS_EVERY
from cases.tasks import case_import_check, case_import_write
from demo.case_csv import cases_csv
from tests.cases.test_case_import import GOOD, people, teams  # noqa: F401 (fixtures)

BROKER = os.environ.get("CELERY_BROKER_URL", "")


def new_job(admin, text):
    return case_import_job_create(actor=admin, source="cases.csv", text=text)


def status(job) -> str:
    return CaseImportJob.objects.values_list("status", flat=True).get(pk=job.pk)


@pytest.mark.django_db
def test_a_checked_job_waits_for_the_administrator_with_its_counts(people):  # noqa: F811
    job = new_job(people["admin"], GOOD.read_text(encoding="utf-8"))
    case_import_check.delay(job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED
    assert job.cases_total == 3 and job.lines == 4
    assert job.summary["counts"] == "3 cases added, 0 updated, 0 unchanged; 3 episodes added, 0 updated"
    assert job.summary["added"] == ["C-0001", "C-0002", "C-0003"]
    assert Case.objects.count() == 0


@pytest.mark.django_db
def test_a_job_counts_rows_as_a_spreadsheet_does_so_a_multi_line_name_is_one_row(people):  # noqa: F811
    header, first, *rest = GOOD.read_text(encoding="utf-8").splitlines()
    cells = first.split(",")
    cells[1] = f'"{cells[1]}\nsecond line"'
    job = new_job(people["admin"], "\n".join([header, ",".join(cells), *rest, "", ""]))
    assert job.lines == 4


@pytest.mark.django_db
def test_the_worker_writes_a_claimed_job_and_reports_progress_on_the_way(people, monkeypatch):  # noqa: F811
    count = 2 * IMPORT_PROGRESS_EVERY + 7
    job = new_job(people["admin"], cases_csv(count))
    case_import_job_check(job.pk)
    seen = []
    original = import_jobs.cache.set
    monkeypatch.setattr(
        import_jobs.cache, "set", lambda key, value, *args: (seen.append(value), original(key, value, *args))
    )

    assert case_import_job_apply_request(actor=people["admin"], job=job)
    case_import_write.delay(job.pk)

    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert (job.cases_total, job.cases_done, import_progress(job)) == (count, count, count)
    assert seen == [0, IMPORT_PROGRESS_EVERY, 2 * IMPORT_PROGRESS_EVERY, count]
    assert Case.objects.count() == count and Episode.objects.count() == count
    assert job.text == ""


@pytest.mark.django_db
def test_a_job_is_written_once_however_often_its_task_runs(people):  # noqa: F811
    job = new_job(people["admin"], GOOD.read_text(encoding="utf-8"))
    case_import_job_check(job.pk)
    case_import_job_check(job.pk)  # a redelivered check changes nothing
    case_import_job_apply_request(actor=people["admin"], job=job)
    assert not case_import_job_apply_request(actor=people["admin"], job=job)
    case_import_job_write(job.pk)
    case_import_job_write(job.pk)
    assert Case.objects.count() == 3 and Case.history.count() == 3


@pytest.mark.django_db
def test_a_job_not_yet_applied_is_not_written(people):  # noqa: F811
    job = new_job(people["admin"], GOOD.read_text(encoding="utf-8"))
    case_import_job_check(job.pk)
    case_import_job_write(job.pk)
    assert Case.objects.count() == 0
    assert status(job) == ImportStatus.CHECKED


@pytest.mark.django_db
def test_only_the_administrator_who_uploaded_may_apply(people):  # noqa: F811
    job = new_job(people["admin"], GOOD.read_text(encoding="utf-8"))
    case_import_job_check(job.pk)
    assert not case_import_job_apply_request(actor=people["north_manager"], job=job)
    assert status(job) == ImportStatus.CHECKED


@pytest.mark.django_db
def test_a_failure_while_writing_writes_nothing_and_says_so(people, monkeypatch):  # noqa: F811
    job = new_job(people["admin"], GOOD.read_text(encoding="utf-8"))
    case_import_job_check(job.pk)
    case_import_job_apply_request(actor=people["admin"], job=job)

    monkeypatch.setattr(import_jobs, "case_import_apply", _failing_after_writes)
    with pytest.raises(RuntimeError):
        case_import_job_write(job.pk)

    job.refresh_from_db()
    assert (job.status, job.text) == (ImportStatus.FAILED, "")
    assert Case.objects.count() == 0 and Case.history.count() == 0


def _failing_after_writes(*, actor, plan, progress):
    """case_import_apply that dies after writing some cases: its transaction must take them back."""
    from cases.services import case_import_apply

    def die(done, total):
        if done == total:
            raise RuntimeError("the worker was stopped")

    return case_import_apply(actor=actor, plan=plan, progress=die)


#
# A real worker on the broker (Redis in CI)
#


def wait_for(condition, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return False


@pytest.mark.celery_worker
@pytest.mark.skipif(not BROKER.startswith("redis://"), reason="needs CELERY_BROKER_URL=redis://...")
def test_a_real_worker_checks_and_writes_a_5000_row_file_to_the_end(real_worker, people):  # noqa: F811
    cache.clear()
    job = new_job(people["admin"], cases_csv(5000))
    case_import_check.delay(job.pk)
    assert wait_for(lambda: status(job) != ImportStatus.CHECKING, 120), "the worker did not check the file"
    assert status(job) == ImportStatus.CHECKED

    assert case_import_job_apply_request(actor=people["admin"], job=job)
    case_import_write.delay(job.pk)
    assert wait_for(lambda: status(job) != ImportStatus.APPLYING, 600), "the worker did not finish the import"

    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert job.summary["counts"] == "5000 cases added, 0 updated, 0 unchanged; 5000 episodes added, 0 updated"
    assert Case.objects.filter(reference__startswith="BULK-").count() == 5000
