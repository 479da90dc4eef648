"""The case import with the broker down: the upload answers as a success and its job waits in the
database, not queued; once the broker is back the outbox task (cases.tasks.case_import_resend, beat
every 5 minutes) queues the jobs no worker started, and only those."""

import logging
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.choices import ImportStatus
from cases.import_jobs import RESEND_AFTER
from cases.models import CaseImportJob
from cases.tasks import case_import_resend
from tests.broker import broker_down
from tests.cases.test_case_import import GOOD, people, teams  # noqa: F401 (fixtures)
from tests.cases.test_import_views import admin_client  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def queued_long_ago(job):
    CaseImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - RESEND_AFTER - timedelta(seconds=1))


def test_an_upload_with_the_broker_down_answers_as_a_success_and_the_job_waits(
    admin_client,  # noqa: F811
    django_capture_on_commit_callbacks,
    caplog,
):
    upload = SimpleUploadedFile("cases.csv", GOOD.read_bytes(), content_type="text/csv")
    with broker_down(), caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/cases/import/", {"file": upload})
    job = CaseImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/cases/import/{job.pk}/"
    assert job.status == ImportStatus.CHECKING and job.started_at is None
    assert "Broker unavailable: cases.tasks.case_import_check not sent" in caplog.text
    page = admin_client.get(f"/cases/import/{job.pk}/").content.decode()
    assert "The import will start when the worker is available" in page


def test_the_outbox_checks_a_job_whose_send_was_lost_once_the_broker_is_back(people):  # noqa: F811
    job = CaseImportJob.objects.create(created_by=people["admin"], source="cases.csv", text=GOOD.read_text(), lines=3)
    queued_long_ago(job)
    assert case_import_resend() == 1  # Celery runs eagerly here: the broker is "back"
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED
    assert job.started_at is not None
    assert case_import_resend() == 0  # started: never sent again


def test_the_outbox_writes_an_applied_job_whose_send_was_lost(people):  # noqa: F811
    job = CaseImportJob.objects.create(created_by=people["admin"], source="cases.csv", text=GOOD.read_text(), lines=3)
    CaseImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.APPLYING, cases_total=3)
    queued_long_ago(job)
    assert case_import_resend() == 1
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE


def test_the_outbox_leaves_a_job_queued_just_now_and_one_a_worker_started(people):  # noqa: F811
    just_queued = CaseImportJob.objects.create(created_by=people["admin"], source="a.csv", text="x", lines=1)
    started = CaseImportJob.objects.create(
        created_by=people["admin"], source="b.csv", text="x", lines=1, started_at=timezone.now()
    )
    queued_long_ago(started)
    assert case_import_resend() == 0
    assert {job.status for job in CaseImportJob.objects.filter(pk__in=[just_queued.pk, started.pk])} == {
        ImportStatus.CHECKING
    }


def test_the_outbox_runs_every_five_minutes_from_beat():
    from qa_portal.celery import app

    entry = app.conf.beat_schedule["case-import-resend"]
    assert entry["task"] == "cases.tasks.case_import_resend"
    assert entry["schedule"].minute == set(range(0, 60, 5))
