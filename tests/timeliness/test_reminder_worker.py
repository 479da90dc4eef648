"""A real Celery worker on Redis runs send_reminders_task and the digest arrives (skipped without Redis)."""

import os
import time
from datetime import date

import pytest
from django.core import mail

from processes.models import Process
from tests.cast import area
from tests.factories import UserFactory
from timeliness.models import DueItem, Reminder
from timeliness.tasks import send_reminders_task

BROKER = os.environ.get("CELERY_BROKER_URL", "")

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(not BROKER.startswith("redis://"), reason="needs CELERY_BROKER_URL=redis://..."),
]


def wait_for(condition, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_a_worker_on_redis_sends_the_reminders(real_worker, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    process = Process.objects.create(
        area=area("advice-and-assessment"),
        key="csc-supervision",
        name="Case supervision",
        position=1,
        lead="Team manager",
        subject_kind="case",
    )
    worker = UserFactory(username="sw.reminded")
    DueItem.objects.create(key="w:1", process=process, responsible=worker, due_on=date(2026, 12, 24))

    send_reminders_task.apply_async(args=["2026-12-29"])

    assert wait_for(lambda: Reminder.objects.filter(sent_at__isnull=False).exists())
    assert wait_for(lambda: len(mail.outbox) == 1)
    assert mail.outbox[0].to == [worker.email]
    assert "Case supervision" in mail.outbox[0].body
