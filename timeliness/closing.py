"""Closing due items: what an episode's end or a case's closure leaves open (missed if it was owed by
then, cancelled if after), and the repair that does what a lost task left undone. Each change writes a
"~" history row saying which and why (timeliness.item_history).
"""

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q

from audits.models import Audit
from cases.choices import CaseStatus
from cases.models import Episode
from timeliness.choices import DueSource, DueStatus
from timeliness.follow_ons import SUBMITTED, due_items_satisfy
from timeliness.item_history import INSERT_BATCH, due_items_change
from timeliness.models import DueItem


@transaction.atomic
def due_items_cancel_after(*, episode: Episode, actor=None, planned_before=None) -> int:
    """Cancel the episode's open rule items due after it ended, each with a history row; returns how many.
    An episode has at most a few hundred items after its end, so they are read and written back.
    `planned_before` (a time) limits it to items planned by then (the repair's rule)."""
    if episode.end is None:
        return 0
    items = DueItem.objects.filter(
        episode=episode, source=DueSource.RULE, status=DueStatus.OPEN, due_on__gt=episode.end
    )
    if planned_before is not None:
        items = items.filter(created_at__lte=planned_before)
    items = list(items.select_for_update())
    for item in items:
        item.status = DueStatus.CANCELLED
    reason = f"Episode ended on {episode.end:%d/%m/%Y} (cancel_after_episode_end)"
    return due_items_change(items, fields=["status"], actor=actor, reason=reason)


#
# Closing: what a case's closure or an episode's end leaves open
#


def _close_open_items(items, *, why: str, actor=None) -> int:
    """Close the open items of `items` (a queryset annotated with `closing_on`, the day their case closed
    or episode ended): due after that day, cancelled (never owed); due on or before it, missed (owed and
    not done by then). Each gets a "~" history row saying which and why. Read and written INSERT_BATCH at
    a time, locked, so a first repair over years of ended episodes stays within memory."""
    closed, last_pk = 0, 0
    while True:
        # One transaction a batch: the lock is held while the batch is written (the nightly repair runs
        # outside any transaction; a record submitted meanwhile waits for the batch, then sees it closed).
        with transaction.atomic():
            batch = list(
                items.filter(status=DueStatus.OPEN, pk__gt=last_pk)
                .order_by("pk")
                .select_for_update(of=("self",))[:INSERT_BATCH]
            )
            if not batch:
                return closed
            last_pk = batch[-1].pk
            for item in batch:
                on = f"{why} on {item.closing_on:%d/%m/%Y}"
                if item.due_on > item.closing_on:
                    item.status, item._change_reason = DueStatus.CANCELLED, f"{on}, before it fell due"
                else:
                    item.status, item._change_reason = DueStatus.MISSED, f"{on}; it was not done by then"
            closed += due_items_change(batch, fields=["status"], actor=actor, reason=why)


@transaction.atomic
def due_items_close_for_episode(*, episode: Episode, actor=None, planned_before=None) -> int:
    """An episode ended: its open rule items due on or before the end were missed, those due after it are
    cancelled (due_items_cancel_after, with its `planned_before`). Returns how many were closed."""
    if episode.end is None:
        return 0
    missed = DueItem.objects.filter(episode=episode, source=DueSource.RULE, due_on__lte=episode.end)
    closed = _close_open_items(missed.annotate(closing_on=F("episode__end")), why="Episode ended", actor=actor)
    return closed + due_items_cancel_after(episode=episode, actor=actor, planned_before=planned_before)


@transaction.atomic
def due_items_close_for_cases(*, case_ids, actor=None, reason: str = "") -> int:
    """These cases closed (those of them still closed): every open item of theirs, of any source, is
    closed as their closed_on leaves it (_close_open_items), in the caller's transaction. Returns how many."""
    why = f"Case closed ({reason})" if reason else "Case closed"
    items = DueItem.objects.filter(case_id__in=list(case_ids), case__status=CaseStatus.CLOSED)
    return _close_open_items(items.annotate(closing_on=F("case__closed_on")), why=why, actor=actor)


#
# Repair: what a lost task left undone
#


def repair_due_items(*, actor=None) -> tuple[int, int]:
    """Do what a submission, an episode's end or a case's closure should have done and did not (a task
    lost while the broker was down, a worker killed before an upgrade): meet the open items whose
    satisfying record exists, and close the items an ended episode or a closed case left open (missed
    or cancelled: _close_open_items). Returns (items met, items closed).

    A record meets an item only if the item was open when the record was submitted (created no later),
    as due_items_satisfy would have then: a record never meets an occurrence planned after it. An
    episode's items are cancelled only if they were planned before its end was recorded (its last
    change), as cancel_after_episode_end would have then; its items due by its end are missed whenever
    they were planned (they fell within the episode). The reads use the indexes planning uses,
    and nothing is done twice: a second run finds nothing."""
    open_then = DueItem.objects.filter(
        process=OuterRef("process"), status=DueStatus.OPEN, created_at__lte=OuterRef("submitted_at")
    )
    unmet = Audit.objects.filter(status__in=SUBMITTED, held_on__isnull=False, submitted_at__isnull=False).exclude(
        Exists(DueItem.objects.filter(satisfied_by=OuterRef("pk")))
    )
    unmet = unmet.filter(
        Q(case__isnull=False, staff_member__isnull=True)
        & Exists(open_then.filter(case=OuterRef("case"), staff_member__isnull=True))
        | Q(case__isnull=True, staff_member__isnull=False)
        & Exists(open_then.filter(staff_member=OuterRef("staff_member"), case__isnull=True))
    )
    met = 0
    for audit in unmet.order_by("submitted_at", "pk").iterator(chunk_size=500):
        met += due_items_satisfy(audit=audit, actor=actor) is not None
    # Missed: the open items an ended episode owed by its end, in one pass however many episodes.
    owed = DueItem.objects.filter(source=DueSource.RULE, episode__end__isnull=False, due_on__lte=F("episode__end"))
    closed = _close_open_items(
        owed.annotate(closing_on=F("episode__end")), why=f"Episode ended ({REPAIR_REASON})", actor=actor
    )
    left_open = DueItem.objects.filter(
        source=DueSource.RULE,
        status=DueStatus.OPEN,
        episode__end__isnull=False,
        due_on__gt=F("episode__end"),
        created_at__lte=F("episode__updated_at"),
    )
    for episode in Episode.objects.filter(pk__in=left_open.values("episode_id")).order_by("pk").iterator():
        closed += due_items_cancel_after(episode=episode, actor=actor, planned_before=episode.updated_at)
    # A closed case's items (its closure's signal lost, or the case closed before this rule existed).
    on_closed = DueItem.objects.filter(status=DueStatus.OPEN, case__status=CaseStatus.CLOSED).order_by()
    case_ids = set(on_closed.values_list("case_id", flat=True).distinct())
    if case_ids:
        closed += due_items_close_for_cases(case_ids=case_ids, actor=actor, reason=REPAIR_REASON)
    return met, closed


REPAIR_REASON = "repaired by plan_due_items"
