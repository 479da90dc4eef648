"""A record started from a due item ("Record it"): the item is tied to the draft in the transaction that
starts it (audits.signals.audit_started), so that submitting the draft meets that item
(follow_ons.due_items_satisfy prefers it) and the draft carries the item's due date from the start
(the start view reads it through audits.due_offers and passes it to audits.services.audit_start).
"""

from audits.models import Audit
from core.history import save_with_history
from timeliness.choices import DueStatus
from timeliness.models import DueItem


def due_item_tie(*, audit_id: int, due_item_id: int, actor=None) -> DueItem | None:
    """Tie the open item to the draft, with a history row; None (nothing tied) unless the item is open and
    of the draft's process and subject: the view checked the user's scope, this checks the pair."""
    audit = Audit.objects.filter(pk=audit_id).first()
    if audit is None:
        return None
    item = (
        DueItem.objects.filter(
            pk=due_item_id,
            process_id=audit.process_id,
            case_id=audit.case_id,
            staff_member_id=audit.staff_member_id,
            status=DueStatus.OPEN,
        )
        .select_for_update()
        .first()
    )
    if item is None:
        return None
    # A second draft started from the same item takes it over: the latest start is the one in hand.
    item.started_record = audit
    save_with_history(item, actor=actor, reason=f"Record {audit.pk} started from it", validate=False)
    return item
