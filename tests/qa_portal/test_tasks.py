import pytest
from django.conf import settings
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from qa_portal.celery import app
from qa_portal.models import Heartbeat
from qa_portal.scheduler import DefaultsOnceScheduler
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


def test_beat_uses_the_database_scheduler_that_keeps_administrators_changes():
    assert settings.CELERY_BEAT_SCHEDULER == "qa_portal.scheduler:DefaultsOnceScheduler"


# The scheduler closes stale connections itself, which a test wrapped in a transaction cannot survive.
@pytest.mark.django_db(transaction=True)
def test_the_database_scheduler_installs_every_periodic_task_from_the_one_schedule():
    DefaultsOnceScheduler(app=app, lazy=True).setup_schedule()
    installed = set(PeriodicTask.objects.values_list("name", flat=True))
    assert set(app.conf.beat_schedule) <= installed
    assert PeriodicTask.objects.get(name="heartbeat").task == "qa_portal.tasks.heartbeat"


@pytest.mark.django_db(transaction=True)
def test_a_schedule_an_administrator_changed_survives_beat_starting_again():
    DefaultsOnceScheduler(app=app, lazy=True).setup_schedule()
    reminders = PeriodicTask.objects.get(name="send-reminders")
    reminders.crontab = CrontabSchedule.objects.create(minute="30", hour="8", day_of_week="1-5")
    reminders.save()
    samples = PeriodicTask.objects.get(name="draw-samples")
    samples.enabled = False
    samples.save()

    DefaultsOnceScheduler(app=app, lazy=True).setup_schedule()

    reminders.refresh_from_db()
    assert (reminders.crontab.minute, reminders.crontab.hour) == ("30", "8")
    assert PeriodicTask.objects.get(name="draw-samples").enabled is False
    assert PeriodicTask.objects.filter(name="send-reminders").count() == 1


@pytest.mark.django_db(transaction=True)
def test_beat_starting_writes_a_task_the_database_lacks_and_follows_a_moved_task_path():
    DefaultsOnceScheduler(app=app, lazy=True).setup_schedule()
    PeriodicTask.objects.filter(name="plan-due-items").update(task="audits.tasks.plan_due_items_nightly")
    PeriodicTask.objects.filter(name="refresh-dashboard").delete()

    DefaultsOnceScheduler(app=app, lazy=True).setup_schedule()

    assert PeriodicTask.objects.get(name="plan-due-items").task == "timeliness.tasks.plan_due_items_nightly"
    refresh = PeriodicTask.objects.get(name="refresh-dashboard")
    assert (refresh.task, refresh.crontab.minute) == ("dashboard.tasks.refresh_dashboard_task", "*/10")


@pytest.mark.django_db(transaction=True)
def test_a_broken_entry_is_logged_and_the_others_still_install(caplog):
    scheduler = DefaultsOnceScheduler(app=app, lazy=True)
    heartbeat_entry = app.conf.beat_schedule["heartbeat"]
    scheduler.update_from_dict({"broken": {"task": "x", "schedule": object()}, "heartbeat": heartbeat_entry})
    assert "Could not install the periodic task broken" in caplog.text
    assert not PeriodicTask.objects.filter(name="broken").exists()
    assert PeriodicTask.objects.filter(name="heartbeat").exists()
