"""The Celery application, and the one place that lists every periodic task.

Beat runs with django-celery-beat's database scheduler (qa_portal/scheduler.py): the entries below
are written to the database when beat starts and finds them missing, and an administrator can change
their timing in the admin, which a restart keeps.

Expiry: only tasks that run again soon (the heartbeat, the dashboard refresh) expire; the next run
does their work. Planning, reminders and samples never expire: they are idempotent and safe to run
late, and a task that a killed worker held unacknowledged comes back only after the broker's
visibility timeout (CELERY_VISIBILITY_TIMEOUT), which an expiry of that length or less would turn into
a discarded task and a day without reminders (tests/qa_portal/test_beat_schedule.py holds the rule).
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qa_portal.settings")

app = Celery("qa_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # Every minute: https://crontab.guru/#*_*_*_*_*
    "heartbeat": {
        "task": "qa_portal.tasks.heartbeat",
        "schedule": crontab(minute="*"),
        "options": {"expires": 50},
    },
    # 01:30 every night: https://crontab.guru/#30_1_*_*_*
    "plan-due-items": {
        "task": "timeliness.tasks.plan_due_items_nightly",
        "schedule": crontab(minute=30, hour=1),
    },
    # 07:00 Monday to Friday, after planning: https://crontab.guru/#0_7_*_*_1-5
    "send-reminders": {
        "task": "timeliness.tasks.send_reminders_task",
        "schedule": crontab(minute=0, hour=7, day_of_week="mon-fri"),
    },
    # Every 10 minutes: https://crontab.guru/#*/10_*_*_*_* (the dashboard shows how fresh its figures are)
    "refresh-dashboard": {
        "task": "dashboard.tasks.refresh_dashboard_task",
        "schedule": crontab(minute="*/10"),
        "options": {"expires": 9 * 60},
    },
    # Every 5 minutes: https://crontab.guru/#*/5_*_*_*_* (case imports whose send the broker lost)
    "case-import-resend": {
        "task": "cases.tasks.case_import_resend",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 4 * 60},
    },
    # 02:30 on the 1st of each month: https://crontab.guru/#30_2_1_*_*
    "draw-samples": {
        "task": "timeliness.tasks.draw_samples_task",
        "schedule": crontab(minute=30, hour=2, day_of_month=1),
    },
}
