"""Writes for cases: creating and updating them, and moving access with every change of who may see them.

A case is visible to its team (through the team's group), its allocated worker, and everyone who holds a
live assignment on it today (cases.CaseAssignment: chair, IRO, PEP officer, ...), by guardian object
permissions on the direct-foreign-key tables. Every service below keeps those grants equal to the case's
fields and assignments, inside the same transaction as the change; an assignment that ends (or starts)
on a later day by its dates alone is caught by the nightly assignment_grants_resync.
"""

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from cases import signals
from cases.assignments import live_on_q
from cases.case_import import case_import_plan
from cases.choices import AccessAction, BreakGlassOutcome, CaseStatus
from cases.csv_files import CaseImportError
from cases.models import (
    AccessLogEntry,
    BreakGlassGrant,
    Case,
    CaseAssignment,
    CaseGroupObjectPermission,
    CaseUserObjectPermission,
    Episode,
)
from cases.scope import has_service_scope, may_break_glass
from core.history import save_with_history
from processes.models import Role
from processes.roles import ASSIGNABLE_ROLE_KEYS

logger = logging.getLogger(__name__)


def view_case_permission() -> Permission:
    return Permission.objects.get(content_type__app_label="cases", codename="view_case")


def case_grantees(case: Case, *, on: date | None = None, assigned: set[int] | None = None) -> tuple[set[int], set[int]]:
    """Who holds the view grant of a case: (its team's group, its allocated worker and the holders of its
    live assignments on `on`, today by default, whatever the role). `assigned`: those holders, where the
    caller knows them (a bulk create: no query per case)."""
    if assigned is None:
        on = on or timezone.localdate()
        assigned = set(case.assignments.filter(live_on_q(on)).values_list("user_id", flat=True)) if case.pk else set()
    return {case.team.group_id}, ({case.allocated_worker_id} - {None}) | assigned


def case_access_sync(case: Case, permission: Permission | None = None, *, on: date | None = None) -> None:
    """Make the case's object permissions match its team, worker and the assignments live on `on` (today)."""
    permission = permission or view_case_permission()
    wanted_groups, wanted_users = case_grantees(case, on=on)

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
# (Assignments are not fields: their services announce their own moves.)
RESPONSIBILITY_FIELDS = ("team_id", "allocated_worker_id")


def case_responsibility(case: Case) -> tuple[int | None, ...]:
    return tuple(getattr(case, name) for name in RESPONSIBILITY_FIELDS)


def _stored_responsibility(case: Case) -> tuple[int | None, ...] | None:
    if case.pk is None:
        return None
    return Case.objects.filter(pk=case.pk).values_list(*RESPONSIBILITY_FIELDS).first()


def _case_write(*, actor, case: Case, reason: str, before) -> signals.CaseMove | None:
    """Save the case and its access; the move, when an existing case changed hands (`before` is its
    stored (team, worker), None for a new case)."""
    save_with_history(case, actor=actor, reason=reason)
    case_access_sync(case)
    after = case_responsibility(case)
    return signals.CaseMove(case.pk, before, after) if before is not None and before != after else None


@transaction.atomic
def case_save(*, actor, case: Case, reason: str = "") -> Case:
    """Create or update a case and move its access with it (a new team or worker); when an
    existing case changed hands, its work follows it (case_moves_announce) in this transaction."""
    move = _case_write(actor=actor, case=case, reason=reason, before=_stored_responsibility(case))
    case_moves_announce([move] if move else [], actor=actor, reason=reason)
    case_closures_announce([case], actor=actor, reason=reason)
    return case


def case_closures_announce(cases: list[Case], *, actor, reason: str) -> None:
    """Tell the apps above, inside this transaction, which of these cases were saved closed: their open
    due items close with them (missed, or cancelled if due after closed_on) before the COMMIT."""
    closed = [case.pk for case in cases if case.status == CaseStatus.CLOSED]
    if closed:
        signals.case_closed.send(sender=Case, case_ids=closed, actor=actor, reason=reason)


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


def access_log_record(*, user, cases, action: str, path: str, break_glass: bool | BreakGlassGrant = False) -> None:
    """Log that `user` saw these cases. Entries are only ever added.

    `break_glass`: the page reaches cases opened by break glass (the case's own pages, one case): the
    entry names the user's live grant on the case, if they hold one, and so carries its reason. A grant
    itself may be passed (the entry that records the opening)."""
    grant = break_glass if isinstance(break_glass, BreakGlassGrant) else None
    if break_glass is True and len(cases) == 1 and not has_service_scope(user):
        grant = BreakGlassGrant.objects.live().filter(user=user, case=cases[0]).order_by("-started_at").first()
    AccessLogEntry.objects.bulk_create(
        [AccessLogEntry(user=user, case=case, action=action, path=path[:500], break_glass=grant) for case in cases],
        batch_size=2000,
    )


def access_log_record_export(*, user, queryset, case_field: str = "case", path: str) -> int:
    """Log that `user` exported the cases `queryset` names in `case_field` (the export's own queryset,
    scoped and filtered as the export is; `"pk"` for a queryset of cases): one entry per case, however
    many rows name it, action "exported", with the export's path. Returns how many were written.

    One `INSERT ... SELECT DISTINCT` from the export's query, run before the export streams: the log is
    complete when the download starts, even if the client never finishes it, and no case is loaded here
    (an export of every case would otherwise bring 200,000 rows to Python and send them back).
    """
    chosen = queryset.order_by().annotate(logged_case=F(case_field)).values_list("logged_case").distinct()
    select_sql, select_params = chosen.query.sql_with_params()
    at = connection.ops.adapt_datetimefield_value(timezone.now())
    # The SQL is the model's table name and Django's compiled SELECT; every value is a parameter.
    with connection.cursor() as cursor:
        sql = (
            f"INSERT INTO {AccessLogEntry._meta.db_table} (at, user_id, case_id, action, path, break_glass_id) "  # noqa: S608
            f"SELECT %s, %s, chosen.logged_case, %s, %s, NULL FROM ({select_sql}) chosen "
            "WHERE chosen.logged_case IS NOT NULL"
        )
        cursor.execute(
            sql,
            [at, user.pk, AccessAction.EXPORTED.value, path[:500], *select_params],
        )
        return cursor.rowcount


#
# Break glass: a case outside the user's scope, for a stated reason
#

BREAK_GLASS_REASON_MIN_LENGTH = 20
BREAK_GLASS_REASON_MIN_WORDS = 4


def break_glass_reason_problem(reason: str) -> str | None:
    """What is wrong with a stated reason, in plain words, or None: a reason a reviewer can judge is a
    sentence, not a word ("urgent") or a filler ("....................")."""
    words = [word for word in reason.split() if any(char.isalpha() for char in word)]
    if not reason.strip():
        return "Enter why you need this case"
    if len(" ".join(reason.split())) < BREAK_GLASS_REASON_MIN_LENGTH or len(words) < BREAK_GLASS_REASON_MIN_WORDS:
        return (
            f"Say in a sentence why you need this case (at least {BREAK_GLASS_REASON_MIN_WORDS} words and "
            f"{BREAK_GLASS_REASON_MIN_LENGTH} characters): for example, whose cover it is or which meeting"
        )
    return None


@transaction.atomic
def break_glass_open(*, actor, reference: str, reason: str, path: str) -> tuple[Case | None, BreakGlassGrant | None]:
    """Open a case outside the actor's scope for BREAK_GLASS_HOURS, for the reason they state.

    Returns (case, grant): (None, None) for a reference no case has, the same answer whether or not the
    actor could have seen it; (case, None) when the case is already in their scope (no grant needed);
    otherwise the new grant, whose opening is written to the access log with it. Refuses roles that may
    not break glass (PermissionDenied) and a reason a reviewer could not judge (ValidationError), before
    the reference is looked up: a bad reason says nothing about whether the case exists.
    """
    if not may_break_glass(actor):
        raise PermissionDenied("Your role sees figures only, never a child's case.")
    problem = break_glass_reason_problem(reason)
    if problem:
        raise ValidationError({"reason": problem})
    case = Case.objects.filter(reference=reference.strip()).first()
    if case is None:
        # No case to log against; the server log keeps the attempt (repeated guessing shows there).
        logger.warning("Break glass: user %s gave a reference no case has", actor.pk)
        return None, None
    if Case.objects.for_user(actor).filter(pk=case.pk).exists():
        return case, None
    # The case's row lock makes two posts of the same form at once wait for each other, so the second
    # finds the first's grant: the same person, case and reason while it is live is the same opening
    # (a double click), answered with that grant. A new reason is a new opening, logged as one.
    Case.objects.select_for_update().filter(pk=case.pk).values_list("pk", flat=True).get()
    now = timezone.now()
    same = BreakGlassGrant.objects.filter(user=actor, case=case, reason=reason.strip(), expires_at__gt=now).first()
    if same is not None:
        return case, same
    grant = BreakGlassGrant(
        user=actor,
        case=case,
        reason=reason.strip(),
        started_at=now,
        expires_at=now + timedelta(hours=settings.BREAK_GLASS_HOURS),
    )
    save_with_history(grant, actor=actor, reason="Opened a case outside their scope")
    access_log_record(user=actor, cases=[case], action=AccessAction.BROKE_GLASS, path=path, break_glass=grant)
    return case, grant


@transaction.atomic
def break_glass_review(*, actor, grant: BreakGlassGrant, outcome: str, note: str) -> BreakGlassGrant:
    """Record a QA administrator's review of a break-glass access: the outcome and a note (required
    when the access was not justified, so the follow-up is on record). A grant is reviewed once."""
    if not actor.has_perm("cases.review_breakglassgrant"):
        raise PermissionDenied
    grant = BreakGlassGrant.objects.select_for_update().get(pk=grant.pk)
    if grant.is_reviewed:
        raise ValidationError("This access has already been reviewed.")
    if grant.user_id == actor.pk:
        raise ValidationError("Someone else must review your own access.")
    if outcome not in BreakGlassOutcome.values:
        raise ValidationError({"review_outcome": "Choose whether the access was justified"})
    note = note.strip()
    if outcome == BreakGlassOutcome.NOT_JUSTIFIED and not note:
        raise ValidationError({"review_note": "Say what was done about an access that was not justified"})
    grant.reviewed_by, grant.reviewed_at = actor, timezone.now()
    grant.review_outcome, grant.review_note = outcome, note
    return save_with_history(grant, actor=actor, reason="Reviewed")


# How often (in cases written) an import reports its progress; new cases are written in batches this size.
IMPORT_PROGRESS_EVERY = 500


@transaction.atomic
def case_import_apply(*, actor, plan, progress=None):
    """Write an import (cases.case_import): create the new cases, update the others as case_save does,
    add episodes, change their ends, and announce every case that changed hands at once
    (case_moves_announce). Cases and episodes that already match are not saved, so importing a file twice
    writes no history the second time.

    The file is planned again here, inside the transaction and with the existing cases locked: the
    database may have changed since `plan` was made. Returns the plan that was applied.

    New cases (most of a first import, which can be 100,000 rows) are written in batches
    (_cases_create): the same rows, history and grants case_save would write, in a few queries per
    batch rather than a dozen per case. Their rows were validated by the plan, and the database's own
    constraints still hold them to it.

    `progress(done, total)`, if given, hears how many of the plan's cases are written, every
    IMPORT_PROGRESS_EVERY cases and at the end. It runs inside the transaction: it must report outside
    it (the cache), since rows written here are seen by no one else until the commit.
    """
    plan = case_import_plan(plan.text, source=plan.source, lock=True)
    reason = f"Imported from {plan.source}"
    moves, saved = [], []
    total, done, reported = len(plan.changes), 0, 0
    new = [change for change in plan.changes if change.is_new]
    permission = view_case_permission()
    roles = _assignment_roles(plan)
    for start in range(0, len(new), IMPORT_PROGRESS_EVERY):
        batch = new[start : start + IMPORT_PROGRESS_EVERY]
        _cases_create_or_refuse(batch, actor=actor, reason=reason, permission=permission, roles=roles)
        done += len(batch)
        if progress is not None:
            progress(done, total)
            reported = done
    for change in plan.changes:
        if change.is_new:
            continue
        case = change.case
        move = None
        if change.fields:
            # The case as read (and locked) by the plan: no query per row to learn who had it before.
            before = case_responsibility(case) if case.pk else None
            for name in change.fields:
                setattr(case, name, change.values[name])
            move = _case_write(actor=actor, case=case, reason=reason, before=before)
            saved.append(case)
            if move is not None:
                moves.append(move)
        for kind, start, end in change.episodes_added:
            save_with_history(Episode(case=case, kind=kind, start=start, end=end), actor=actor, reason=reason)
        for episode, end in change.episodes_ended:
            episode.end = end
            save_with_history(episode, actor=actor, reason=reason)
            episode_end_announce(episode)
        if change.assignments_changed:
            _import_assignments_write(change, roles=roles, actor=actor, reason=reason)
            case_access_sync(case, permission)
            if move is None:  # the case's people changed though its fields did not: its work follows
                moves.append(signals.CaseMove(case.pk, (), ()))
        done += 1
        if progress is not None and done % IMPORT_PROGRESS_EVERY == 0:
            progress(done, total)
            reported = done
    if progress is not None and reported != total:
        progress(total, total)
    # Once for the whole file: the receivers move every moved case's work in a few queries.
    case_moves_announce(moves, actor=actor, reason=reason)
    # New cases need none: planning plans nothing for a closed case, so they have no items to close.
    case_closures_announce(saved, actor=actor, reason=reason)
    return plan


# How many of the references another writer added meanwhile the message names.
MEANWHILE_SHOWN = 20


def _cases_create_or_refuse(changes, *, actor, reason: str, permission: Permission, roles: dict) -> None:
    """_cases_create, or CaseImportError when another writer (the same file imported twice at once, or
    a person) committed one of these references after the plan was made: the unique reference refuses
    the insert, and the administrator gets plain words rather than a traceback. Nothing is written: the
    error rolls back the whole import."""
    try:
        with transaction.atomic():  # a savepoint, so the references can be read after the refusal
            _cases_create(changes, actor=actor, reason=reason, permission=permission, roles=roles)
    except IntegrityError:
        wanted = [change.reference for change in changes]
        added = sorted(Case.objects.filter(reference__in=wanted).values_list("reference", flat=True))
        if not added:
            raise  # another constraint: a fault, not a race
        shown = ", ".join(added[:MEANWHILE_SHOWN]) + (
            f" and {len(added) - MEANWHILE_SHOWN} more" if len(added) > MEANWHILE_SHOWN else ""
        )
        raise CaseImportError(
            [f"these cases were added meanwhile (by another import or a person): {shown}; re-check the file"]
        ) from None


def _cases_create(changes, *, actor, reason: str, permission: Permission, roles: dict) -> None:
    """Create these new cases with their episodes, assignments (the chair and IRO columns, from today),
    history rows and grants (case_grantees), as case_save and case_access_sync would, in bulk."""
    history = {"default_user": actor, "default_change_reason": reason, "batch_size": IMPORT_PROGRESS_EVERY}
    cases = [
        Case(reference=change.reference, **{name: change.values[name] for name in change.fields}) for change in changes
    ]
    bulk_create_with_history(cases, Case, **history)
    episodes, assignments, group_grants, user_grants = [], [], [], []
    today = timezone.localdate()
    for case, change in zip(cases, changes, strict=True):
        episodes += [Episode(case=case, kind=kind, start=start, end=end) for kind, start, end in change.episodes_added]
        started = [
            CaseAssignment(case=case, role=roles[key], user=user, start=today)
            for key, user in change.assignments_started
        ]
        assignments += started
        group_ids, user_ids = case_grantees(case, assigned={assignment.user.pk for assignment in started})
        group_grants += [
            CaseGroupObjectPermission(content_object=case, group_id=group_id, permission=permission)
            for group_id in group_ids
        ]
        user_grants += [
            CaseUserObjectPermission(content_object=case, user_id=user_id, permission=permission)
            for user_id in user_ids
        ]
    bulk_create_with_history(episodes, Episode, **history)
    bulk_create_with_history(assignments, CaseAssignment, **history)
    CaseGroupObjectPermission.objects.bulk_create(group_grants)
    CaseUserObjectPermission.objects.bulk_create(user_grants)


def _assignment_roles(plan) -> dict:
    """{role key: Role} for the roles the plan starts assignments of; CaseImportError where the
    catalogue has not made one yet (load_processes makes every role)."""
    keys = {key for change in plan.changes for key, _ in change.assignments_started}
    roles = {role.key: role for role in Role.objects.filter(key__in=keys)}
    missing = sorted(keys - set(roles))
    if missing:
        raise CaseImportError(
            [f"the roles {', '.join(missing)} are not set up yet; load the process catalogue (load_processes) first"]
        )
    return roles


def _import_assignments_write(change, *, roles: dict, actor, reason: str) -> None:
    """An existing case's chair/IRO columns: end the live holders the file no longer names and start
    the people it names, from today (cases.case_import._plan_assignments)."""
    today = timezone.localdate()
    for assignment in change.assignments_ended:
        _assignment_close(assignment, on=today, actor=actor, reason=reason)
    for key, user in change.assignments_started:
        save_with_history(
            CaseAssignment(case=change.case, role=roles[key], user=user, start=today), actor=actor, reason=reason
        )


def _assignment_close(assignment: CaseAssignment, *, on: date, actor, reason: str) -> None:
    """End an assignment so that it is no longer live from `on`: it ends the day before, or on `on`
    itself where it started that day (an end cannot come before the start; the nightly re-sync then
    takes the grant away the next day)."""
    assignment.end = max(on - timedelta(days=1), assignment.start)
    save_with_history(assignment, actor=actor, reason=reason)


def episode_end_announce(episode) -> None:
    """Once committed: tell the apps above that the episode ended (timeliness cancels its later items)."""
    transaction.on_commit(lambda: signals.episode_ended.send(sender=Episode, episode_id=episode.pk))


#
# Assignments: who holds a role for a child (cases.CaseAssignment)
#


@dataclass(frozen=True)
class AssignmentRow:
    """One assignment as the case system states it: `user` holds `role` for `case` from `start` to `end`."""

    case: Case
    role: object  # processes.Role
    user: object
    start: date
    end: date | None = None


@transaction.atomic
def assignments_apply(rows: list[AssignmentRow], *, actor, reason: str) -> int:
    """Record these assignments, idempotently: a row the database holds already (same case, role, person
    and start) takes the stated end if it differs, and is otherwise left alone; a new one is added. Each
    write has its history row. The cases' view grants follow (case_access_sync), and their open work
    follows (case_responsibility_changed, in this transaction). Returns how many rows were written."""
    written, touched = 0, {}
    for row in rows:
        found = CaseAssignment.objects.select_for_update().filter(
            case=row.case, role=row.role, user=row.user, start=row.start
        )
        assignment = found.first()
        if assignment is None:
            assignment = CaseAssignment(case=row.case, role=row.role, user=row.user, start=row.start, end=row.end)
        elif assignment.end == row.end:
            continue
        else:
            assignment.end = row.end
        save_with_history(assignment, actor=actor, reason=reason)
        written += 1
        touched[row.case.pk] = row.case
    for case in touched.values():
        case_access_sync(case)
    moves = [signals.CaseMove(pk, (), ()) for pk in touched]
    case_moves_announce(moves, actor=actor, reason=reason)
    return written


@transaction.atomic
def assignment_start(*, case: Case, role, user, start: date, actor, reason: str = "") -> CaseAssignment:
    """`user` holds `role` for the child from `start`: written with history; the case's view grants
    follow (a start after today grants nothing yet: the nightly re-sync grants it on the day), and so
    does its open work (case_responsibility_changed, in this transaction)."""
    if role.key not in ASSIGNABLE_ROLE_KEYS:
        raise ValidationError({"role": f"{role} is not a role a child is assigned"})
    assignment = CaseAssignment(case=case, role=role, user=user, start=start)
    assignment.full_clean()
    save_with_history(assignment, actor=actor, reason=reason or f"Assigned as {role}")
    _assignments_followed([case], actor=actor, reason=reason or f"Assigned as {role}")
    return assignment


@transaction.atomic
def assignment_end(*, assignment: CaseAssignment, end: date, actor, reason: str = "") -> CaseAssignment:
    """The assignment ends on `end` (its last day), with history; grants and work follow as for a start."""
    assignment = CaseAssignment.objects.select_for_update().select_related("case", "role").get(pk=assignment.pk)
    if end < assignment.start:
        raise ValidationError({"end": "An assignment cannot end before it starts."})
    assignment.end = end
    save_with_history(assignment, actor=actor, reason=reason or f"No longer {assignment.role}")
    _assignments_followed([assignment.case], actor=actor, reason=reason or f"No longer {assignment.role}")
    return assignment


def _assignments_followed(cases, *, actor, reason: str) -> None:
    for case in cases:
        case_access_sync(case)
    case_moves_announce([signals.CaseMove(case.pk, (), ()) for case in cases], actor=actor, reason=reason)


@transaction.atomic
def assignment_grants_resync(*, on: date | None = None, actor=None) -> int:
    """Make every case's person grants match its allocated worker and the assignments live on `on`
    (today): an assignment's dates alone end (or begin) it, with no write to announce it, so this runs
    every night (timeliness.tasks.plan_due_items_nightly, before planning). The cases whose people
    changed also move their open work. A few queries for the whole service; returns how many cases
    changed."""
    on = on or timezone.localdate()
    permission = view_case_permission()
    wanted: dict[int, set[int]] = {}
    for case_id, worker_id in Case.objects.exclude(allocated_worker=None).values_list("pk", "allocated_worker_id"):
        wanted.setdefault(case_id, set()).add(worker_id)
    for case_id, user_id in CaseAssignment.objects.filter(live_on_q(on)).values_list("case_id", "user_id"):
        wanted.setdefault(case_id, set()).add(user_id)
    have: dict[int, set[int]] = {}
    granted = CaseUserObjectPermission.objects.filter(permission=permission).values_list("content_object_id", "user_id")
    for case_id, user_id in granted:
        have.setdefault(case_id, set()).add(user_id)
    changed = sorted(case_id for case_id in set(wanted) | set(have) if wanted.get(case_id, set()) != have.get(case_id))
    cases = list(Case.objects.filter(pk__in=changed).select_related("team"))
    for case in cases:
        case_access_sync(case, permission, on=on)
    reason = "Assignments began or ended by their dates"
    case_moves_announce([signals.CaseMove(case.pk, (), ()) for case in cases], actor=actor, reason=reason)
    return len(cases)
