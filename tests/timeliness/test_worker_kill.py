"""A whole worker killed (SIGKILL, every process of it) in the middle of the reminder task: a new worker
gets the task again once the visibility timeout passes, the task has not expired by then, and the
reminders go out once. Real `celery worker` subprocesses on Redis (skipped without Redis); the
visibility timeout is two seconds here, so the test takes seconds."""

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path

import pytest
from django.db import connection

from processes.models import Process
from qa_portal.celery import app
from tests.cast import area
from tests.factories import UserFactory
from timeliness.models import DueItem, Reminder
from timeliness.tasks import send_reminders_task

BROKER = os.environ.get("CELERY_BROKER_URL", "")
VISIBILITY_TIMEOUT = 2  # seconds (production: CELERY_VISIBILITY_TIMEOUT, 3,600)

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(not BROKER.startswith("redis://"), reason="needs CELERY_BROKER_URL=redis://..."),
]

# A worker as production runs it (acks late, prefetch 1: qa_portal/settings.py), with a short visibility
# timeout; with STALL set, the reminder task marks that it started and then hangs until killed.
WORKER = """
import os, sys, time
import django
django.setup()
from django.conf import settings
settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
settings.EMAIL_FILE_PATH = os.environ["MAIL_DIR"]
from qa_portal.celery import app
import timeliness.tasks
if os.environ.get("STALL"):
    def stalled(**kwargs):
        open(os.environ["STALL"], "w").close()
        time.sleep(600)
    timeliness.tasks.send_reminders = stalled
app.conf.broker_url = os.environ["BROKER"]
app.conf.broker_transport_options = {"visibility_timeout": int(os.environ["VISIBILITY_TIMEOUT"])}
app.worker_main(["worker", "--pool=solo", "--without-heartbeat", "--without-mingle", "--without-gossip",
                 "-Q", os.environ["QUEUE"], "--loglevel=WARNING"])
"""


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(queue: str, mail_dir: Path, stall: Path | None = None) -> subprocess.Popen:
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "qa_portal.settings_test",
        "DATABASE_URL": database_url(),
        "BROKER": app.conf.broker_url,
        "CELERY_BROKER_URL": app.conf.broker_url,  # Celery prefers it to its configuration
        "QUEUE": queue,
        "MAIL_DIR": str(mail_dir),
        "VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
    }
    env.pop("DATABASE_OWNER_URL", None)
    if stall:
        env["STALL"] = str(stall)
    # Its own session, so the kill reaches the whole worker (every process in its group).
    return subprocess.Popen([sys.executable, "-c", WORKER], env=env, start_new_session=True, stdout=subprocess.DEVNULL)


def wait_for(condition, seconds=40):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)


def test_reminders_are_sent_once_after_the_whole_worker_is_killed_mid_task(transactional_db, tmp_path):
    process = Process.objects.create(
        area=area("advice-and-assessment"),
        key="csc-supervision",
        name="Case supervision",
        position=1,
        lead="Team manager",
        subject_kind="case",
    )
    person = UserFactory(username="sw.reminded")
    DueItem.objects.create(key="w:1", process=process, responsible=person, due_on=date(2026, 12, 24))
    queue, started = f"kill-{uuid.uuid4().hex}", tmp_path / "started"
    first, second = tmp_path / "mail-first", tmp_path / "mail-second"
    first.mkdir(), second.mkdir()

    app.conf.task_always_eager = False
    try:
        send_reminders_task.apply_async(args=["2026-12-29"], queue=queue, **beat_options("send-reminders"))
    finally:
        app.conf.task_always_eager = True
    dying = start_worker(queue, first, stall=started)
    try:
        assert wait_for(started.exists), "the first worker never started the task"
        os.killpg(dying.pid, signal.SIGKILL)
        dying.wait(timeout=10)
    finally:
        stop(dying)
    assert not Reminder.objects.exists()

    killed_at = time.monotonic()
    # A new worker gives back to the queue, as it starts, what was delivered longer than the visibility
    # timeout ago (later, every 10 s): start it once that has passed, so the test does not depend on
    # how fast the worker boots.
    time.sleep(VISIBILITY_TIMEOUT + 0.5)
    survivor = start_worker(queue, second)
    try:
        assert wait_for(lambda: Reminder.objects.filter(sent_at__isnull=False).exists())
        sent_after = time.monotonic() - killed_at
        assert wait_for(lambda: any(second.iterdir()), seconds=10)
        time.sleep(VISIBILITY_TIMEOUT + 1)  # past another visibility timeout: nothing is delivered a second time
    finally:
        stop(survivor)
    assert Reminder.objects.count() == 1
    assert len(list(second.iterdir())) == 1 and not any(first.iterdir())
    print(json.dumps({"reminders_sent_after_the_kill_seconds": round(sent_after, 1)}))


def beat_options(name: str) -> dict:
    """What beat sends the task with (its expiry, if any), so the test meets the production schedule."""
    return dict(app.conf.beat_schedule[name].get("options", {}))
