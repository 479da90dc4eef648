"""The Celery application, and the one place that lists every periodic task.

Beat runs with django-celery-beat's database scheduler: the entries below are written to the
database when beat starts, and an administrator can change their timing in the admin.
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
}
