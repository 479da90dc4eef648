"""Due items follow their case. When a case changes team or allocated worker, or someone is assigned to
it or leaves (cases.signals.case_responsibility_changed, inside the transaction of the change), its open
items take the case's new team and the person planning would name now (timeliness.responsibility: the
same rule, not a copy), each change with a history row naming who moved the
case and why. Done and cancelled items keep who answered for them then: they are the record.

Sample items (source "sample") are owed by the team's manager: they go to the new team's manager.
Items added by hand (source "manual") follow the same rule as planned ones: the process's lead role
on the case, or the team's manager.

Reminders need no move. A Reminder row is only ever written in the transaction that sends it
(timeliness.reminders), so there is no pending row addressed to the old people: what was sent stays
as sent, and the next run reminds whoever the item names then (the unique row is per recipient, so the
new person is reminded of every stage the item has reached, and the old one of none).
"""

from django.utils import timezone

from processes.models import Process
from timeliness.choices import DueSource, DueStatus
from timeliness.item_history import due_items_change
from timeliness.models import DueItem
from timeliness.responsibility import owing_role, owner_on_case, people_of_cases, role_ids

MOVED_FIELDS = ["team", "responsible", "responsible_role", "unassigned_role"]


def due_items_follow_cases(*, case_ids: list[int], actor=None, reason: str) -> int:
    """Move the open items of these cases to their team and people as they are now; returns how many
    items changed. A handful of queries whatever the number of cases (an import moves many at once)."""
    people = people_of_cases(case_ids, on=timezone.localdate())
    items = list(
        DueItem.objects.filter(case_id__in=list(people), status=DueStatus.OPEN).order_by("pk").select_for_update()
    )
    if not items:
        return 0
    ids = role_ids()
    processes = (
        Process.objects.filter(pk__in={item.process_id for item in items})
        .select_related("schedule_override")
        .prefetch_related("lead_roles")
    )
    owing = {process.pk: owing_role(process) for process in processes}
    changed = []
    for item in items:
        case_people_now = people[item.case_id]
        if item.source == DueSource.SAMPLE:
            now = (case_people_now.team_id, case_people_now.manager_id, item.responsible_role_id, None)
        else:
            owner = owner_on_case(case_people_now, owing[item.process_id], ids)
            now = (case_people_now.team_id, owner.responsible_id, owner.role_id, owner.unassigned_role_id)
        if (item.team_id, item.responsible_id, item.responsible_role_id, item.unassigned_role_id) != now:
            item.team_id, item.responsible_id, item.responsible_role_id, item.unassigned_role_id = now
            changed.append(item)
    why = f"Followed its case to its new team or people ({reason})" if reason else "Followed its case"
    return due_items_change(changed, fields=MOVED_FIELDS, actor=actor, reason=why)
