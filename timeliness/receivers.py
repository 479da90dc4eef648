"""What timeliness does when the apps below it report an event (connected in TimelinessConfig.ready).

audit_submitted and episode_ended come after the sender's transaction committed, and their receivers
hand the work to a Celery task: the record or episode is saved whatever happens to its due items, and
a failed task is retried. case_responsibility_changed comes inside the transaction that moves the
cases, and its receiver moves their due items there and then: the move and its work commit together.
"""

from django.dispatch import receiver

from audits.signals import audit_submitted
from cases.signals import case_responsibility_changed, episode_ended
from timeliness.case_moves import due_items_follow_cases
from timeliness.tasks import cancel_after_episode_end, plan_after_submit


@receiver(audit_submitted, dispatch_uid="timeliness.plan_after_submit")
def plan_after_audit_submitted(sender, *, audit_id: int, **kwargs) -> None:
    plan_after_submit.delay(audit_id)


@receiver(episode_ended, dispatch_uid="timeliness.cancel_after_episode_end")
def cancel_after_episode_ended(sender, *, episode_id: int, **kwargs) -> None:
    cancel_after_episode_end.delay(episode_id)


@receiver(case_responsibility_changed, dispatch_uid="timeliness.due_items_follow_cases")
def due_items_follow_moved_cases(sender, *, moves, actor=None, reason: str = "", **kwargs) -> None:
    due_items_follow_cases(case_ids=[move.case_id for move in moves], actor=actor, reason=reason)
