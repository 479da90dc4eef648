"""What timeliness does when the apps below it report an event (connected in TimelinessConfig.ready).

Each receiver runs after the sender's transaction committed, and hands the work to a Celery task:
the record or episode is saved whatever happens to its due items, and a failed task is retried.
"""

from django.dispatch import receiver

from audits.signals import audit_submitted
from cases.signals import episode_ended
from timeliness.tasks import cancel_after_episode_end, plan_after_submit


@receiver(audit_submitted, dispatch_uid="timeliness.plan_after_submit")
def plan_after_audit_submitted(sender, *, audit_id: int, **kwargs) -> None:
    plan_after_submit.delay(audit_id)


@receiver(episode_ended, dispatch_uid="timeliness.cancel_after_episode_end")
def cancel_after_episode_ended(sender, *, episode_id: int, **kwargs) -> None:
    cancel_after_episode_end.delay(episode_id)
