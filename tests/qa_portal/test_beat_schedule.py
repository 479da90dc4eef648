"""The beat schedule: a task that a killed worker held comes back before it expires."""

from celery.schedules import crontab

from qa_portal.celery import app

# The production default of CELERY_VISIBILITY_TIMEOUT (qa_portal/settings.py): the tests' own settings
# empty the transport options.
VISIBILITY_TIMEOUT = 3600


def runs_at_least_hourly(schedule: crontab) -> bool:
    minutes = sorted(schedule.minute)
    gaps = [b - a for a, b in zip(minutes, minutes[1:], strict=False)] + [60 - minutes[-1] + minutes[0]]
    return len(schedule.hour) == 24 and len(schedule.day_of_week) == 7 and max(gaps) <= 60


def test_only_tasks_that_run_again_within_the_visibility_timeout_expire():
    for name, entry in app.conf.beat_schedule.items():
        options = entry.get("options", {})
        expiry = options.get("expires", options.get("expire_seconds"))
        if expiry is not None:
            assert expiry < VISIBILITY_TIMEOUT and runs_at_least_hourly(entry["schedule"]), name


def test_planning_reminders_and_samples_never_expire():
    for name in ("plan-due-items", "send-reminders", "draw-samples"):
        options = app.conf.beat_schedule[name].get("options", {})
        assert "expires" not in options and "expire_seconds" not in options, name
