"""Reminders about due items, sent exactly once, with escalation, as one digest per person per run.

See docs/reminders.md. Two steps, the database the source of truth for both:

1. **Claim** (`reminders_claim`): for every (open due item, stage, recipient) due today, insert a
   Reminder row, set-based (INSERT ... SELECT ... ON CONFLICT DO NOTHING, one statement per stage).
   The unique (due_item, stage, recipient) constraint decides which insert wins, so overlapping runs
   can claim the same stage and still only one row exists per person.
2. **Send** (`reminders_send`): per recipient, in one transaction, take and mark their unsent rows
   (UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED)), send one digest email and one
   Notification, and commit. A run killed mid-send rolls back (the rows stay unsent; the next run
   sends them); two overlapping runs lock disjoint rows (nothing is sent twice). A digest lists the
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
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Value
from django.urls import reverse
from django.utils import timezone

from audits.choices import DueStatus, ReminderStage
from audits.models import DueItem, Notification, Reminder
from processes.schedules import closure_days
from processes.timescales import add_working_days, is_working_day
from workforce import emails

HEAD_OF_SERVICE_ROLE = "head-of-service"
RECIPIENTS_PER_READ = 500  # users loaded per query in the send step


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
        .objects.filter(is_active=True, groups__role__key=HEAD_OF_SERVICE_ROLE)
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


def notifications_mark_read(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


#
# Claim
#


def _claim_sql(rows, *, stage: str, claimed_at) -> tuple[str, list]:
    """INSERT ... SELECT of `rows` (a values_list of (due item id, recipient id)) into Reminder, skipping
    rows the unique (due item, stage, recipient) constraint already holds.

    The SELECT is the ORM's (compiled, with its parameters); only the INSERT around it is written
    here, in SQL both PostgreSQL and SQLite accept. (`WHERE true` is SQLite's: without it, its parser
    reads ON CONFLICT as a join's ON.)"""
    select, params = rows.query.get_compiler(connection=connection).as_sql()
    table = Reminder._meta.db_table
    sql = (
        f"INSERT INTO {table} (due_item_id, recipient_id, stage, claimed_at) "  # noqa: S608 (names are constants)
        f"SELECT claim.*, %s, %s FROM ({select}) claim WHERE true ON CONFLICT DO NOTHING"
    )
    return sql, [stage, connection.ops.adapt_datetimefield_value(claimed_at), *params]


def reminders_claim(*, today: date, closures: frozenset[date] | None = None) -> int:
    """Insert the Reminder rows due today that do not exist yet; returns how many were inserted.

    One INSERT ... SELECT per stage (and per head of service), in the database: nothing is read into
    Python, so a first run over a million items costs a handful of statements. Filtering out claimed
    rows keeps a repeated run cheap; the unique constraint (not this filter) decides a race between
    two runs, through ON CONFLICT DO NOTHING."""
    if closures is None:
        closures = closure_days()
    t = Thresholds.for_day(today, closures)
    open_items = DueItem.objects.filter(status=DueStatus.OPEN, responsible__isnull=False)
    user_model = get_user_model()
    line_manager_active = Exists(
        user_model.objects.filter(pk=OuterRef("responsible__staff_profile__line_manager"), is_active=True)
    )
    overdue = open_items.filter(due_on__lt=today)
    plans = [
        (ReminderStage.DUE_SOON, open_items.filter(due_on__gte=today, due_on__lte=t.due_soon_until), F("responsible")),
        (ReminderStage.OVERDUE, overdue, F("responsible")),
        (
            ReminderStage.ESCALATED,
            overdue.filter(due_on__lte=t.escalate_on_or_before)
            .filter(responsible__staff_profile__line_manager__isnull=False)
            .filter(line_manager_active),
            F("responsible__staff_profile__line_manager"),
        ),
    ]
    # Every head of service has their own row of each escalation (exactly once per person), so one
    # head's failed digest cannot take a line from another's.
    head_items = overdue.filter(due_on__lte=t.escalate_head_on_or_before)
    for head in heads_of_service(today=today).values_list("pk", flat=True):
        plans.append((ReminderStage.ESCALATED_HEAD, head_items, Value(head, output_field=IntegerField())))
    now = timezone.now()
    inserted = 0
    with connection.cursor() as cursor:
        for stage, items, recipient in plans:
            claimed = Reminder.objects.filter(due_item=OuterRef("pk"), stage=stage, recipient=OuterRef("to"))
            rows = items.annotate(to=recipient).filter(~Exists(claimed)).order_by().values_list("pk", "to")
            cursor.execute(*_claim_sql(rows, stage=stage, claimed_at=now))
            inserted += max(cursor.rowcount, 0)
    return inserted


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
            path = reverse("audits:case_detail", kwargs={"pk": item.case_id})
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
    due_list = f"{settings.SITE_URL}{reverse('audits:due_list')}"
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
        "notifications_url": f"{settings.SITE_URL}{reverse('audits:notification_list')}",
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


def _digest_send(user, *, today: date, late: WorkingDaysLate, links: dict) -> int:
    """Take the user's unsent rows, send them one digest and one notification, mark them sent; one
    transaction. Returns the rows sent (0 when another run holds them all: it sends them).

    The rows are taken and marked in one statement, UPDATE ... WHERE id IN (SELECT ... FOR UPDATE
    SKIP LOCKED): the lock excludes an overlapping run, `digest` names exactly the rows taken (a row
    claimed meanwhile is not in it), and nothing is listed in Python. If the email fails, or the worker
    dies before the COMMIT, the transaction rolls back and the rows stay unsent for the next run.
    """
    digest = uuid.uuid4()
    now = timezone.now()
    with transaction.atomic():
        unsent = Reminder.objects.filter(recipient_id=user.pk, sent_at__isnull=True)
        taken = unsent.select_for_update(skip_locked=True).order_by().values("pk")
        sent = Reminder.objects.filter(pk__in=taken).update(sent_at=now, digest=digest)
        if not sent:
            return 0
        rows = Reminder.objects.filter(recipient_id=user.pk, sent_at=now, digest=digest)
        context = _digest_context(user, rows, today=today, late=late, links=links)
        if user.email:
            emails.send("reminder-digest", to=user.email, context=context)
        count, overdue = context["count"], context["overdue"]
        subject = f"{count} reminder{'s' if count != 1 else ''}" + (f", {overdue} overdue" if overdue else "")
        Notification.objects.create(
            user=user, subject=subject[:200], body=_notification_body(context), url=reverse("audits:notification_list")
        )
    return sent


def _pending_recipients() -> list[int]:
    return list(
        Reminder.objects.filter(sent_at__isnull=True)
        .order_by("recipient_id")
        .values_list("recipient_id", flat=True)
        .distinct()
    )


def reminders_send(*, today: date) -> int:
    """One digest per person with unsent rows, each in its own transaction. A mail error stops the run
    and is raised (the task retries): the digests before it are committed as sent, the rest stay unsent."""
    late, links = WorkingDaysLate(today, closure_days()), {}
    users = get_user_model().objects.only("pk", "username", "first_name", "last_name", "email")
    sent = 0
    pending = _pending_recipients()
    for start in range(0, len(pending), RECIPIENTS_PER_READ):
        for user in users.filter(pk__in=pending[start : start + RECIPIENTS_PER_READ]).order_by("pk"):
            sent += _digest_send(user, today=today, late=late, links=links)
    return sent


def send_reminders(*, today: date) -> int:
    """Claim the reminders due today, then send every unsent one. Returns the reminders (rows) sent."""
    reminders_claim(today=today)
    return reminders_send(today=today)
