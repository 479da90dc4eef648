"""The audits app's Celery tasks, gathered here so the worker's autodiscovery finds them all.

Each lives beside the services it wraps; every task takes ids or dates and calls one service.
"""

from audits.dashboard_tasks import refresh_dashboard_task
from audits.due_tasks import cancel_after_episode_end, plan_after_submit, plan_due_items_nightly
from audits.reminder_tasks import send_reminders_task
from audits.sample_tasks import draw_samples_task

__all__ = [
    "cancel_after_episode_end",
    "draw_samples_task",
    "plan_after_submit",
    "plan_due_items_nightly",
    "refresh_dashboard_task",
    "send_reminders_task",
]
