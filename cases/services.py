"""Writes for cases: creating and updating them, and moving access with every change of who may see them.

A case is visible to its team (through the team's group), its allocated worker, and its chair or IRO,
by guardian object permissions on the direct-foreign-key tables. Every service below keeps those
grants equal to the case's fields, inside the same transaction as the change.
"""

from django.contrib.auth.models import Permission
from django.db import transaction

from cases import signals
from cases.case_import import case_import_plan
from cases.models import AccessLogEntry, Case, CaseGroupObjectPermission, CaseUserObjectPermission, Episode
from core.history import save_with_history

PERSON_FIELDS = ("allocated_worker", "chair", "iro")


def view_case_permission() -> Permission:
    return Permission.objects.get(content_type__app_label="cases", codename="view_case")


def case_access_sync(case: Case, permission: Permission | None = None) -> None:
    """Make the case's object permissions match its team, worker, chair and IRO."""
    permission = permission or view_case_permission()
    wanted_groups = {case.team.group_id}
    wanted_users = {getattr(case, f"{name}_id") for name in PERSON_FIELDS} - {None}

    groups = CaseGroupObjectPermission.objects.filter(content_object=case, permission=permission)
    groups.exclude(group_id__in=wanted_groups).delete()
    have_groups = set(groups.values_list("group_id", flat=True))
    CaseGroupObjectPermission.objects.bulk_create(
        CaseGroupObjectPermission(content_object=case, permission=permission, group_id=group_id)
        for group_id in wanted_groups - have_groups
    )

    users = CaseUserObjectPermission.objects.filter(content_object=case, permission=permission)
    users.exclude(user_id__in=wanted_users).delete()
    have_users = set(users.values_list("user_id", flat=True))
    CaseUserObjectPermission.objects.bulk_create(
        CaseUserObjectPermission(content_object=case, permission=permission, user_id=user_id)
        for user_id in wanted_users - have_users
    )


@transaction.atomic
def case_save(*, actor, case: Case, reason: str = "") -> Case:
    """Create or update a case and move its access with it (a new team, worker, chair or IRO)."""
    save_with_history(case, actor=actor, reason=reason)
    case_access_sync(case)
    return case


@transaction.atomic
def case_transfer(*, actor, case: Case, team, allocated_worker=None, reason: str = "") -> Case:
    """Move a case to another team: the old team loses access and the new one gains it, together."""
    case.team = team
    case.allocated_worker = allocated_worker
    return case_save(actor=actor, case=case, reason=reason or f"Transferred to {team}")


def access_log_record(*, user, cases, action: str, path: str) -> None:
    """Log that `user` saw these cases. Entries are only ever added."""
    AccessLogEntry.objects.bulk_create(
        [AccessLogEntry(user=user, case=case, action=action, path=path[:500]) for case in cases], batch_size=2000
    )


@transaction.atomic
def case_import_apply(*, actor, plan):
    """Write an import (cases.case_import): create or update each case through case_save, add episodes,
    change their ends. Cases and episodes that already match are not saved, so importing a file twice
    writes no history the second time.

    The file is planned again here, inside the transaction and with the existing cases locked: the
    database may have changed since `plan` was made. Returns the plan that was applied.
    """
    plan = case_import_plan(plan.text, source=plan.source, lock=True)
    reason = f"Imported from {plan.source}"
    for change in plan.changes:
        case = change.case or Case(reference=change.reference)
        if change.fields:
            for name in change.fields:
                setattr(case, name, change.values[name])
            case_save(actor=actor, case=case, reason=reason)
        for kind, start, end in change.episodes_added:
            save_with_history(Episode(case=case, kind=kind, start=start, end=end), actor=actor, reason=reason)
        for episode, end in change.episodes_ended:
            episode.end = end
            save_with_history(episode, actor=actor, reason=reason)
            episode_end_announce(episode)
    return plan


def episode_end_announce(episode) -> None:
    """Once committed: tell the apps above that the episode ended (timeliness cancels its later items)."""
    transaction.on_commit(lambda: signals.episode_ended.send(sender=Episode, episode_id=episode.pk))
