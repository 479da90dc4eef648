"""What timeliness does when the apps below it report an event (connected in TimelinessConfig.ready).

audit_submitted, audit_started, case_closed, case_responsibility_changed and journey_facts_changed come
inside the sender's transaction, and their receivers do the work there and then: a submitted record and
the due item it meets (and the next one it plans) commit together, with no broker in between, so a Redis
outage can neither lose the work nor turn a committed submission into an error page; a draft started
from an item is tied to it as it is made; a closed case's open items close with it; facts from the case
system re-derive their cases' items.

episode_ended comes after the sender's transaction committed (an import may end thousands of episodes
in one transaction); its receiver tries to hand the work to a Celery task. The database stays the
source of truth: if the broker is down the error is logged, not raised (the episode is saved), and the
nightly plan_due_items closes whatever an ended episode left open (closing.repair_due_items).
"""

from django.dispatch import receiver

from audits.models import Audit
from audits.signals import audit_started, audit_submitted
from cases.signals import case_closed, case_responsibility_changed, episode_ended
from core.queueing import send_now
from journeys.signals import journey_facts_changed
from timeliness.case_moves import due_items_follow_cases
from timeliness.closing import due_items_close_for_cases
from timeliness.follow_ons import due_items_satisfy
from timeliness.foster_carer_planning import plan_after_carer_record
from timeliness.journey_planning import replan_cases
from timeliness.record_starts import due_item_tie
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


@receiver(audit_started, dispatch_uid="timeliness.due_item_tie")
def tie_due_item_to_started_record(sender, *, audit_id: int, due_item_id: int, actor=None, **kwargs) -> None:
    due_item_tie(audit_id=audit_id, due_item_id=due_item_id, actor=actor)


@receiver(case_closed, dispatch_uid="timeliness.due_items_close_for_cases")
def close_items_of_closed_cases(sender, *, case_ids, actor=None, reason: str = "", **kwargs) -> None:
    due_items_close_for_cases(case_ids=case_ids, actor=actor, reason=reason)
