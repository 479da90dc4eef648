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


# The fields that say who answers for a case: a change of any moves its work (cases.signals).
RESPONSIBILITY_FIELDS = ("team_id", "allocated_worker_id", "chair_id", "iro_id")


def case_responsibility(case: Case) -> tuple[int | None, ...]:
    return tuple(getattr(case, name) for name in RESPONSIBILITY_FIELDS)


def _stored_responsibility(case: Case) -> tuple[int | None, ...] | None:
    if case.pk is None:
        return None
    return Case.objects.filter(pk=case.pk).values_list(*RESPONSIBILITY_FIELDS).first()


def _case_write(*, actor, case: Case, reason: str, before) -> signals.CaseMove | None:
    """Save the case and its access; the move, when an existing case changed hands (`before` is its
    stored (team, worker, chair, IRO), None for a new case)."""
    save_with_history(case, actor=actor, reason=reason)
    case_access_sync(case)
    after = case_responsibility(case)
    return signals.CaseMove(case.pk, before, after) if before is not None and before != after else None


@transaction.atomic
def case_save(*, actor, case: Case, reason: str = "") -> Case:
    """Create or update a case and move its access with it (a new team, worker, chair or IRO); when an
    existing case changed hands, its work follows it (case_moves_announce) in this transaction."""
    move = _case_write(actor=actor, case=case, reason=reason, before=_stored_responsibility(case))
    case_moves_announce([move] if move else [], actor=actor, reason=reason)
    return case


def case_moves_announce(moves: list, *, actor, reason: str) -> None:
    """Tell the apps above, inside this transaction, that these cases changed hands: their open due
    items and drafts follow them before the COMMIT, so no page, export or reminder run sees the old."""
    if moves:
        signals.case_responsibility_changed.send(sender=Case, moves=moves, actor=actor, reason=reason)


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
    """Write an import (cases.case_import): create or update each case as case_save does, add episodes,
    change their ends, and announce every case that changed hands at once (case_moves_announce).
    Cases and episodes that already match are not saved, so importing a file twice writes no history
    the second time.

    The file is planned again here, inside the transaction and with the existing cases locked: the
    database may have changed since `plan` was made. Returns the plan that was applied.
    """
    plan = case_import_plan(plan.text, source=plan.source, lock=True)
    reason = f"Imported from {plan.source}"
    moves = []
    for change in plan.changes:
        case = change.case or Case(reference=change.reference)
        if change.fields:
            # The case as read (and locked) by the plan: no query per row to learn who had it before.
            before = case_responsibility(case) if case.pk else None
            for name in change.fields:
                setattr(case, name, change.values[name])
            move = _case_write(actor=actor, case=case, reason=reason, before=before)
            if move is not None:
                moves.append(move)
        for kind, start, end in change.episodes_added:
            save_with_history(Episode(case=case, kind=kind, start=start, end=end), actor=actor, reason=reason)
        for episode, end in change.episodes_ended:
            episode.end = end
            save_with_history(episode, actor=actor, reason=reason)
            episode_end_announce(episode)
    # Once for the whole file: the receivers move every moved case's work in a few queries.
    case_moves_announce(moves, actor=actor, reason=reason)
    return plan


def episode_end_announce(episode) -> None:
    """Once committed: tell the apps above that the episode ended (timeliness cancels its later items)."""
    transaction.on_commit(lambda: signals.episode_ended.send(sender=Episode, episode_id=episode.pk))
