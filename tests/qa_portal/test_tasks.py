import pytest
from django.conf import settings
from django_celery_beat.models import PeriodicTask

from qa_portal.celery import app
from qa_portal.models import Heartbeat
from qa_portal.tasks import heartbeat

pytestmark = pytest.mark.django_db


def test_heartbeat_task_records_when_it_ran():
    heartbeat.delay()
    assert Heartbeat.objects.get(name="beat").last_seen_at is not None


def test_heartbeat_task_run_twice_keeps_one_row_and_moves_the_time():
    heartbeat.delay()
    first = Heartbeat.objects.get(name="beat").last_seen_at
    heartbeat.delay()
    assert Heartbeat.objects.count() == 1
    assert Heartbeat.objects.get(name="beat").last_seen_at >= first


def test_tasks_are_acknowledged_late_and_requeued_when_a_worker_dies():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1


def test_heartbeat_retries_with_backoff():
    assert heartbeat.retry_backoff is True
    assert heartbeat.max_retries == 5
    assert Exception in heartbeat.autoretry_for


def test_beat_uses_the_database_scheduler():
    assert settings.CELERY_BEAT_SCHEDULER == "django_celery_beat.schedulers:DatabaseScheduler"


# The scheduler closes stale connections itself, which a test wrapped in a transaction cannot survive.
@pytest.mark.django_db(transaction=True)
def test_the_database_scheduler_installs_every_periodic_task_from_the_one_schedule():
    from django_celery_beat.schedulers import DatabaseScheduler

    DatabaseScheduler(app=app, lazy=True).setup_schedule()
    installed = set(PeriodicTask.objects.values_list("name", flat=True))
    assert set(app.conf.beat_schedule) <= installed
    assert PeriodicTask.objects.get(name="heartbeat").task == "qa_portal.tasks.heartbeat"
