"""Beat's scheduler: django-celery-beat's database scheduler that writes the code's schedule once.

django-celery-beat writes every entry of `beat_schedule` with update_or_create each time beat starts,
so a reminder time an administrator changed in the admin went back to the code's value at the next
restart. Here an entry the database lacks is written from the code (a new deployment, a new task); an
entry it has is kept as it is (its timing, whether it is enabled, its arguments and options: what an
administrator set), except the task's dotted path, which is code's and changes when modules move.
"""

import logging

from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler

logger = logging.getLogger(__name__)


class DefaultsOnceScheduler(DatabaseScheduler):
    def update_from_dict(self, mapping):
        entries = {}
        for name, fields in mapping.items():
            try:
                model = PeriodicTask.objects.filter(name=name).first()
                if model is None:
                    entry = self.Entry.from_entry(name, app=self.app, **fields)
                else:
                    if model.task != fields["task"]:
                        model.task = fields["task"]
                        model.save(update_fields=["task"])
                    entry = self.Entry(model, app=self.app)
                if entry.model.enabled:
                    entries[name] = entry
            except Exception:  # as django-celery-beat does: one bad entry must not stop beat
                logger.exception("Could not install the periodic task %s", name)
        self.schedule.update(entries)
