"""Reminders about due items, sent exactly once, with escalation, as one digest per person per run.

See docs/reminders.md. The database is the source of truth: a Reminder row is one (due item, stage,
recipient), unique. Each person is handled in one transaction (`_digest_send`): an advisory lock on the
person (PostgreSQL; an overlapping run skips them), one INSERT ... SELECT ... ON CONFLICT DO NOTHING
per stage they are owed (set-based: no row is read into Python), the rows going in already marked with
the time and a digest id; then one digest email and one Notification, read back from those rows, and
the COMMIT. A failed email or a killed worker rolls the rows back, and the next run sends them; the
unique constraint keeps a second run from sending a row twice. A digest lists the
REMINDER_DIGEST_LINES most overdue lines, then counts by stage and process, and links to the due list.

Stages of an open item with a responsible person (thresholds in working days, from settings):

- due soon: due today or within REMINDER_DUE_SOON_WORKING_DAYS (default 5) working days → responsible;
- overdue: due before today → responsible;
- escalated: overdue by at least ESCALATE_AFTER_WORKING_DAYS (5) → the responsible person's line manager
  (none, or not active: no escalated stage; the item goes on to the head of service at that threshold);
- escalated head: overdue by at least ESCALATE_HEAD_AFTER_WORKING_DAYS (15) → every active head of service.

The overdue stages add up: an item first seen 20 working days late is reminded to the responsible
person, escalated to the line manager and to the heads of service in the same run. "Due soon" is only
claimed while the item is not yet overdue (a late item gets "overdue" instead).
"""

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from cases.scope import line_reports_q
from core import emails
from core.history import save_with_history
from processes.roles import Capability, role_keys_with
from processes.schedules import closure_days
from processes.timescales import add_working_days, is_working_day
from timeliness.choices import DueStatus, ReminderStage
from timeliness.models import DueItem, Notification, Reminder

RECIPIENTS_PER_READ = 500  # users loaded per query in the send step
# The change reason of the history rows the task writes (no person acts: history_user is empty).
REMINDERS_REASON = "send_reminders (timeliness.tasks.send_reminders_task)"
READ_REASON = "Marked as read"
# The first key of the per-person advisory locks (pg_try_advisory_xact_lock(space, user id)): "REMI".
ADVISORY_LOCK_SPACE = 0x52454D49


def setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


#
# Working days
#


def working_days_back(today: date, count: int, closures: frozenset[date]) -> date:
    """The latest date that is at least `count` working days before `today`: an item due on or before it
    is overdue by `count` working days or more (working_days_between(due_on, today) >= count)."""
    day, counted = today, 0
    while counted < count:
        if is_working_day(day, closures):
            counted += 1
        day -= timedelta(days=1)
    return day


class WorkingDaysLate:
    """How many working days late an item due on a date is, today (memoised: items share due dates)."""

    def __init__(self, today: date, closures: frozenset[date]):
        self.today, self.closures, self._late = today, closures, {}

    def __call__(self, due_on: date) -> int:
        if due_on >= self.today:
            return 0
        if due_on not in self._late:
            # Count back from the nearest later date already known, so a run costs one pass over the days.
            later = [d for d in self._late if d > due_on]
            start = min(later) if later else self.today
            count = self._late.get(start, 0)
            day = start
            while day > due_on:
                if is_working_day(day, self.closures):
                    count += 1
                day -= timedelta(days=1)
            self._late[due_on] = count
        return self._late[due_on]


@dataclass(frozen=True)
class Thresholds:
    """The due dates that put an item in each stage today."""

    today: date
    due_soon_until: date  # due on or before this (and not before today): due soon
    escalate_on_or_before: date
    escalate_head_on_or_before: date

    @classmethod
    def for_day(cls, today: date, closures: frozenset[date]) -> "Thresholds":
        return cls(
            today=today,
            due_soon_until=add_working_days(today, setting("REMINDER_DUE_SOON_WORKING_DAYS", 5), closures),
            escalate_on_or_before=working_days_back(today, setting("ESCALATE_AFTER_WORKING_DAYS", 5), closures),
            escalate_head_on_or_before=working_days_back(
                today, setting("ESCALATE_HEAD_AFTER_WORKING_DAYS", 15), closures
            ),
        )

    def stages(self, due_on: date) -> list[str]:
        """The stages an item due on `due_on` has reached today (pure: used by tests and docs)."""
        if due_on >= self.today:
            return [ReminderStage.DUE_SOON] if due_on <= self.due_soon_until else []
        stages = [ReminderStage.OVERDUE]
        if due_on <= self.escalate_on_or_before:
            stages.append(ReminderStage.ESCALATED)
        if due_on <= self.escalate_head_on_or_before:
            stages.append(ReminderStage.ESCALATED_HEAD)
        return stages


#
# Selectors
#


def heads_of_service(*, today: date):
    """Active users holding the head-of-service role (through its group), who have not left."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__role__key__in=role_keys_with(Capability.RECEIVE_ESCALATIONS))
        .exclude(staff_profile__left_on__lte=today)
        .distinct()
        .order_by("pk")
    )


def unread_count(user) -> int:
    """How many of the user's notifications are unread (the header's badge)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_list(*, user):
    return Notification.objects.filter(user=user).order_by("-created_at", "-pk")


@transaction.atomic
def notifications_mark_read(*, user) -> int:
    """Mark the user's unread notifications read, each with a "~" history row naming them."""
    unread = list(Notification.objects.filter(user=user, read_at__isnull=True).select_for_update())
    now = timezone.now()
    for notification in unread:
        notification.read_at = now
    if not unread:
        return 0
    return bulk_update_with_history(
        unread, Notification, ["read_at"], default_user=user, default_change_reason=READ_REASON
    )


#
# Claim: what each person is owed a reminder of today
#


def _claim_sql(rows, *, stage: str, recipient_id: int, at, digest: uuid.UUID) -> tuple[str, list]:
    """INSERT ... SELECT of `rows` (a values_list of due item ids) into Reminder as sent to
    `recipient_id` in `digest`, skipping rows the unique (due item, stage, recipient) constraint holds.

    The SELECT is the ORM's (compiled, with its parameters); only the INSERT around it is written here,
    in SQL both PostgreSQL and SQLite accept (`WHERE true` is SQLite's: without it, its parser reads ON
    CONFLICT as a join's ON). No NOT EXISTS filter: against the table being inserted into, PostgreSQL
    may plan it as a nested loop over the new rows (quadratic); the conflict check is one index probe."""
    select, params = rows.query.get_compiler(connection=connection).as_sql()
    table = Reminder._meta.db_table
    at = connection.ops.adapt_datetimefield_value(at)
    sql = (
        f"INSERT INTO {table} (due_item_id, stage, recipient_id, claimed_at, sent_at, digest) "  # noqa: S608
        f"SELECT claim.*, %s, %s, %s, %s, %s FROM ({select}) claim WHERE true ON CONFLICT DO NOTHING"
    )
    digest = Reminder._meta.get_field("digest").get_db_prep_value(digest, connection)
    return sql, [stage, recipient_id, at, at, digest, *params]


def _history_sql(*, recipient_id: int, at, digest: uuid.UUID) -> tuple[str, list]:
    """INSERT ... SELECT of the "+" history rows of the reminders one digest has just inserted (found by
    recipient, time and digest id, as _digest_send reads them back): set-based, as the claims are, so
    history costs one statement per digest, not one per row. Portable SQL (PostgreSQL and SQLite)."""
    table, history = Reminder._meta.db_table, Reminder.history.model._meta.db_table
    # Table and column names come from the models, not from input.
    tracked = ", ".join(connection.ops.quote_name(field.column) for field in Reminder.history.model.tracked_fields)
    sql = (
        f"INSERT INTO {history} ({tracked}, history_date, history_change_reason, history_type, "  # noqa: S608
        f"history_user_id) SELECT {tracked}, %s, %s, '+', NULL FROM {table} "
        "WHERE recipient_id = %s AND sent_at = %s AND digest = %s"
    )
    at = connection.ops.adapt_datetimefield_value(at)
    digest = Reminder._meta.get_field("digest").get_db_prep_value(digest, connection)
    return sql, [at, REMINDERS_REASON, recipient_id, at, digest]


def _claims(user_id: int, t: Thresholds, *, is_head: bool) -> list[tuple[str, object]]:
    """(stage, due item ids) of every stage `user_id` is owed today, as querysets (nothing is read)."""
    open_items = DueItem.objects.filter(status=DueStatus.OPEN, responsible__isnull=False).order_by()
    overdue = open_items.filter(due_on__lt=t.today)
    claims = [
        (
            ReminderStage.DUE_SOON,
            open_items.filter(responsible=user_id, due_on__gte=t.today, due_on__lte=t.due_soon_until),
        ),
        (ReminderStage.OVERDUE, overdue.filter(responsible=user_id)),
        (
            ReminderStage.ESCALATED,
            # Only an active line manager is escalated to (the candidates are active users).
            overdue.filter(
                line_reports_q(user_id, via="responsible__staff_profile__"), due_on__lte=t.escalate_on_or_before
            ),
        ),
    ]
    if is_head:
        # Every head of service has their own row of each escalation (exactly once per person), so one
        # head's failed digest cannot take a line from another's.
        claims.append((ReminderStage.ESCALATED_HEAD, overdue.filter(due_on__lte=t.escalate_head_on_or_before)))
    return [(stage, items.values_list("pk")) for stage, items in claims]


def recipients_due(*, t: Thresholds, heads: list[int]) -> list[int]:
    """Who may be owed a reminder today (ids, in order): the responsible people of open items due by
    the due-soon date, the active line managers of those escalated, and the heads of service when an
    item is late enough for them. Some may have had everything already; their claim inserts nothing."""
    open_items = DueItem.objects.filter(status=DueStatus.OPEN, responsible__isnull=False).order_by()
    ids = set(open_items.filter(due_on__lte=t.due_soon_until).values_list("responsible", flat=True).distinct())
    ids |= set(
        open_items.filter(
            due_on__lt=t.today,
            due_on__lte=t.escalate_on_or_before,
            responsible__staff_profile__line_manager__is_active=True,
        )
        .values_list("responsible__staff_profile__line_manager", flat=True)
        .distinct()
    )
    if heads and open_items.filter(due_on__lt=t.today, due_on__lte=t.escalate_head_on_or_before).exists():
        ids |= set(heads)
    return sorted(ids)


#
# Send
#


@dataclass
class DigestLine:
    stage: str
    stage_label: str
    process: str
    reference: str  # the case reference, or a description of a non-case subject; never a child's name
    due_on: date
    working_days_late: int
    url: str


@dataclass
class DigestCount:
    stage: str
    stage_label: str
    process: str
    count: int
    overdue: int


def _link(item: DueItem, links: dict) -> str:
    """The item's page: its case, or its process. Memoised per run (`links`): reverse() is not free."""
    key = ("case", item.case_id) if item.case_id else ("process", item.process_id)
    if key not in links:
        if item.case_id:
            path = reverse("cases:case_detail", kwargs={"pk": item.case_id})
        else:
            path = reverse("processes:process_detail", kwargs={"key": item.process.key})
        links[key] = f"{settings.SITE_URL}{path}"
    return links[key]


def _reference(item: DueItem) -> str:
    if item.case_id:
        return item.case.reference
    if item.team_id:
        return item.team.name
    if item.staff_member_id:
        return "A member of staff"  # who is in the linked page, behind sign-in
    return "Service-wide"


def _line(reminder: Reminder, late: WorkingDaysLate, links: dict) -> DigestLine:
    item = reminder.due_item
    return DigestLine(
        stage=reminder.stage,
        stage_label=reminder.get_stage_display(),
        process=item.process.name,
        reference=_reference(item),
        due_on=item.due_on,
        working_days_late=late(item.due_on),
        url=_link(item, links),
    )


DIGEST_FIELDS = (
    "stage",
    "due_item",
    "due_item__due_on",
    "due_item__case",
    "due_item__team",
    "due_item__staff_member",
    "due_item__process",
    "due_item__process__name",
    "due_item__process__key",
    "due_item__case__reference",
    "due_item__team__name",
)
STAGE_LABELS = dict(ReminderStage.choices)
STAGE_ORDER = {stage: n for n, stage in enumerate(ReminderStage.values)}


def due_list_links(*, escalated: bool) -> dict[str, str]:
    """The due list, filtered to what a digest is about: the person's own open items, and (when the
    digest carries escalations) the open items escalated to them."""
    due_list = f"{settings.SITE_URL}{reverse('timeliness:due_list')}"
    links = {"mine": f"{due_list}?mine=responsible&status=open"}
    if escalated:
        links["escalated"] = f"{due_list}?mine=escalated&status=open"
    return links


def _digest_context(user, rows, *, today: date, late: WorkingDaysLate, links: dict) -> dict:
    """What one digest says: the REMINDER_DIGEST_LINES most overdue lines, then counts of every row by
    stage and process. Two queries, whatever the rows: a head of service's first digest may hold
    hundreds of thousands, and a digest no one can read all of is no use anyway."""
    cap = setting("REMINDER_DIGEST_LINES", 50)
    grouped = (
        rows.order_by()
        .values("stage", "due_item__process__name")
        .annotate(count=Count("pk"), overdue=Count("pk", filter=Q(due_item__due_on__lt=today)))
    )
    counts = sorted(
        (
            DigestCount(
                row["stage"], STAGE_LABELS[row["stage"]], row["due_item__process__name"], row["count"], row["overdue"]
            )
            for row in grouped
        ),
        key=lambda c: (STAGE_ORDER[c.stage], c.process),
    )
    total = sum(c.count for c in counts)
    lines = [
        _line(reminder, late, links)
        for reminder in rows.select_related("due_item__process", "due_item__case", "due_item__team")
        # Only what a digest shows: the child's name and date of birth are never even loaded.
        .only(*DIGEST_FIELDS)
        .order_by("due_item__due_on", "due_item__process__name", "pk")[:cap]
    ]
    escalated = any(c.stage in (ReminderStage.ESCALATED, ReminderStage.ESCALATED_HEAD) for c in counts)
    return {
        "user_name": user.get_full_name() or user.get_username(),
        "lines": lines,
        "count": total,
        "overdue": sum(c.overdue for c in counts),
        "more": total - len(lines),
        "counts": counts,
        "today": today,
        "notifications_url": f"{settings.SITE_URL}{reverse('timeliness:notification_list')}",
        "due_links": due_list_links(escalated=escalated),
    }


def _notification_body(context: dict) -> str:
    body = [
        f"{line.stage_label}: {line.process}, {line.reference}, due {line.due_on:%d/%m/%Y}"
        + (f" ({line.working_days_late} working days late)" if line.working_days_late else "")
        for line in context["lines"]
    ]
    if context["more"]:
        body.append(f"... and {context['more']} more. In all:")
        body += [f"{c.stage_label}: {c.process}: {c.count} ({c.overdue} overdue)" for c in context["counts"]]
    return "\n".join(body)


def _digest_send(user, *, t: Thresholds, is_head: bool, late: WorkingDaysLate, links: dict) -> int:
    """Claim what `user` is owed today, send them one digest and one notification; one transaction.
    Returns the reminders (rows) sent: 0 when there is nothing new, or another run has them in hand.

    The rows go in already marked with this digest and the time, and the email is sent before the
    COMMIT: if it fails, or the worker dies first, the rows roll back and the next run claims and
    sends them again. A second run at the same time cannot send them twice: on PostgreSQL it skips a
    person whose transaction-level advisory lock another run holds, and whatever the database, the
    unique constraint makes its insert wait for this transaction and then skip every row it committed.
    Nothing is listed in Python: the digest is read back with two aggregate queries (_digest_context).
    """
    digest = uuid.uuid4()
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [ADVISORY_LOCK_SPACE, user.pk])
            if not cursor.fetchone()[0]:
                return 0
        sent = 0
        for stage, items in _claims(user.pk, t, is_head=is_head):
            cursor.execute(*_claim_sql(items, stage=stage, recipient_id=user.pk, at=now, digest=digest))
            sent += max(cursor.rowcount, 0)
        if not sent:
            return 0
        cursor.execute(*_history_sql(recipient_id=user.pk, at=now, digest=digest))
        rows = Reminder.objects.filter(recipient_id=user.pk, sent_at=now, digest=digest)
        context = _digest_context(user, rows, today=t.today, late=late, links=links)
        if user.email:
            emails.send("reminder-digest", to=user.email, context=context)
        count, overdue = context["count"], context["overdue"]
        subject = f"{count} reminder{'s' if count != 1 else ''}" + (f", {overdue} overdue" if overdue else "")
        notification = Notification(
            user=user,
            subject=subject[:200],
            body=_notification_body(context),
            url=reverse("timeliness:notification_list"),
        )
        save_with_history(notification, actor=None, reason=REMINDERS_REASON, validate=False)
    return sent


def send_reminders(*, today: date) -> int:
    """Claim and send today's reminders: one digest per person, each in its own transaction. Returns
    the reminders (rows) sent. A mail error stops the run and is raised (the task retries): the digests
    before it are committed as sent, the rest are claimed by the next run."""
    closures = closure_days()
    t = Thresholds.for_day(today, closures)
    late, links = WorkingDaysLate(today, closures), {}
    heads = list(heads_of_service(today=today).values_list("pk", flat=True))
    recipients = recipients_due(t=t, heads=heads)
    users = get_user_model().objects.filter(is_active=True).only("pk", "username", "first_name", "last_name", "email")
    sent = 0
    for start in range(0, len(recipients), RECIPIENTS_PER_READ):
        for user in users.filter(pk__in=recipients[start : start + RECIPIENTS_PER_READ]).order_by("pk"):
            sent += _digest_send(user, t=t, is_head=user.pk in heads, late=late, links=links)
    return sent
