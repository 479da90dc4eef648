"""What audits does when the apps below it report an event (connected in AuditsConfig.ready).

case_responsibility_changed comes inside the transaction that moves the cases: their drafts follow
in the same transaction.
"""

from django.dispatch import receiver

from audits.services import audit_drafts_follow_cases
from cases.signals import case_responsibility_changed


@receiver(case_responsibility_changed, dispatch_uid="audits.audit_drafts_follow_cases")
def drafts_follow_moved_cases(sender, *, moves, actor=None, reason: str = "", **kwargs) -> None:
    audit_drafts_follow_cases(case_ids=[move.case_id for move in moves], actor=actor, reason=reason)
