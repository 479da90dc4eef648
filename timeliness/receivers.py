"""What timeliness does when the apps below it report an event (connected in TimelinessConfig.ready).

audit_submitted, case_responsibility_changed and journey_facts_changed come inside the sender's transaction, and their
receivers do the work there and then: a submitted record and the due item it meets (and the next one
it plans) commit together, with no broker in between, so a Redis outage can neither lose the work nor
turn a committed submission into an error page.

episode_ended comes after the sender's transaction committed (an import may end thousands of episodes
in one transaction); its receiver tries to hand the work to a Celery task. The database stays the
source of truth: if the broker is down the error is logged, not raised (the episode is saved), and the
nightly plan_due_items cancels whatever an ended episode left open (planning.repair_due_items).
"""

from django.dispatch import receiver

from audits.models import Audit
from audits.signals import audit_submitted
from cases.signals import case_responsibility_changed, episode_ended
from core.queueing import send_now
from journeys.signals import journey_facts_changed
from timeliness.case_moves import due_items_follow_cases
from timeliness.foster_carer_planning import plan_after_carer_record
from timeliness.journey_planning import replan_cases
from timeliness.planning import due_items_satisfy
from timeliness.tasks import cancel_after_episode_end


@receiver(audit_submitted, dispatch_uid="timeliness.plan_after_submit")
def plan_after_audit_submitted(sender, *, audit_id: int, **kwargs) -> None:
    audit = Audit.objects.filter(pk=audit_id).first()
    if audit is not None:
        due_items_satisfy(audit=audit)
        plan_after_carer_record(audit=audit)


@receiver(episode_ended, dispatch_uid="timeliness.cancel_after_episode_end")
def cancel_after_episode_ended(sender, *, episode_id: int, **kwargs) -> None:
    # Lost by a broker outage (logged), the nightly plan_due_items cancels the later items instead.
    send_now(cancel_after_episode_end, episode_id)


@receiver(journey_facts_changed, dispatch_uid="timeliness.replan_journeys")
def replan_changed_journeys(sender, *, case_ids, actor=None, **kwargs) -> None:
    # Inside the writer's transaction: a fact and what it starts, meets or ends commit together.
    replan_cases(case_ids, actor=actor)


@receiver(case_responsibility_changed, dispatch_uid="timeliness.due_items_follow_cases")
def due_items_follow_moved_cases(sender, *, moves, actor=None, reason: str = "", **kwargs) -> None:
    due_items_follow_cases(case_ids=[move.case_id for move in moves], actor=actor, reason=reason)
