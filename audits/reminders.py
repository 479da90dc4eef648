"""Reminders about due items, sent exactly once, with escalation, as one digest per person per run.

See docs/reminders.md. Two steps, the database the source of truth for both:

1. **Claim** (`reminders_claim`): for every (open due item, stage) that is due today, insert a Reminder
   row with bulk_create(ignore_conflicts=True). The unique (due_item, stage) constraint decides which
   insert wins, so overlapping runs can claim the same stage and still only one row exists.
2. **Send** (`reminders_send`): in a transaction, lock the unsent rows with SELECT ... FOR UPDATE
   SKIP LOCKED, send one digest email and one Notification per recipient, mark the rows sent and
   commit. A run killed mid-send rolls back (the rows stay unsent; the next run sends them); two
   overlapping runs lock disjoint rows (nothing is sent twice).

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

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from audits.choices import DueStatus, ReminderStage
from audits.models import DueItem, Notification, Reminder
from processes.schedules import closure_days
from processes.timescales import add_working_days, is_working_day
from workforce import emails

HEAD_OF_SERVICE_ROLE = "head-of-service"
CLAIM_BATCH = 2000
# Recipients whose rows one send transaction locks: bounds the locks and memory of one transaction.
SEND_RECIPIENTS_PER_TRANSACTION = 50


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


def _unclaimed(items, stage):
    return items.annotate(claimed=Exists(Reminder.objects.filter(due_item=OuterRef("pk"), stage=stage))).filter(
        claimed=False
    )


def reminders_claim(*, today: date, closures: frozenset[date] | None = None) -> int:
    """Insert the Reminder rows due today that do not exist yet; returns how many inserts were attempted.

    Filtering out claimed stages keeps a repeated run cheap; the unique constraint (not this filter)
    decides a race between two runs, through ignore_conflicts."""
    if closures is None:
        closures = closure_days()
    t = Thresholds.for_day(today, closures)
    open_items = DueItem.objects.filter(status=DueStatus.OPEN, responsible__isnull=False)
    user_model = get_user_model()
    line_manager_active = Exists(
        user_model.objects.filter(pk=OuterRef("responsible__staff_profile__line_manager"), is_active=True)
    )
    head = heads_of_service(today=today).values_list("pk", flat=True).first()
    plans = [
        (ReminderStage.DUE_SOON, open_items.filter(due_on__gte=today, due_on__lte=t.due_soon_until), "responsible"),
        (ReminderStage.OVERDUE, open_items.filter(due_on__lt=today), "responsible"),
        (
            ReminderStage.ESCALATED,
            open_items.filter(due_on__lte=t.escalate_on_or_before)
            .filter(responsible__staff_profile__line_manager__isnull=False)
            .filter(line_manager_active),
            "responsible__staff_profile__line_manager",
        ),
    ]
    if head is not None:
        # One row per item (the constraint is per item and stage); it names the first head of service,
        # and the send step copies it into the digest of every head of service.
        plans.append((ReminderStage.ESCALATED_HEAD, open_items.filter(due_on__lte=t.escalate_head_on_or_before), None))
    attempted = 0
    for stage, items, recipient_field in plans:
        fields = ["pk", recipient_field] if recipient_field else ["pk"]
        batch = []
        for row in _unclaimed(items, stage).order_by().values_list(*fields).iterator(chunk_size=CLAIM_BATCH):
            recipient = row[1] if recipient_field else head
            batch.append(Reminder(due_item_id=row[0], stage=stage, recipient_id=recipient))
            if len(batch) >= CLAIM_BATCH:
                Reminder.objects.bulk_create(batch, ignore_conflicts=True)
                attempted += len(batch)
                batch = []
        if batch:
            Reminder.objects.bulk_create(batch, ignore_conflicts=True)
            attempted += len(batch)
    return attempted


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


def _digest_send(user, lines: list[DigestLine], *, today: date) -> None:
    lines.sort(key=lambda line: (line.due_on, line.process, line.reference))
    overdue = sum(1 for line in lines if line.working_days_late > 0)
    notifications_url = f"{settings.SITE_URL}{reverse('audits:notification_list')}"
    context = {
        "user_name": user.get_full_name() or user.get_username(),
        "lines": lines,
        "count": len(lines),
        "overdue": overdue,
        "today": today,
        "notifications_url": notifications_url,
    }
    if user.email:
        emails.send("reminder-digest", to=user.email, context=context)
    body = "\n".join(
        f"{line.stage_label}: {line.process}, {line.reference}, due {line.due_on:%d/%m/%Y}"
        + (f" ({line.working_days_late} working days late)" if line.working_days_late else "")
        for line in lines
    )
    subject = f"{len(lines)} reminder{'s' if len(lines) != 1 else ''}" + (f", {overdue} overdue" if overdue else "")
    Notification.objects.create(user=user, subject=subject[:200], body=body, url=reverse("audits:notification_list"))


DIGEST_FIELDS = (
    "stage",
    "recipient",
    "due_item",
    "sent_at",
    "recipient__username",
    "recipient__first_name",
    "recipient__last_name",
    "recipient__email",
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


def _recipient_groups(today: date) -> list[list[int]]:
    """Recipients with unsent rows, in groups of one transaction each. The heads of service come first,
    in one group: the escalated-head rows are copied into every head's digest, beside their own rows."""
    pending = set(Reminder.objects.filter(sent_at__isnull=True).values_list("recipient_id", flat=True).distinct())
    heads = set(heads_of_service(today=today).values_list("pk", flat=True))
    groups = [sorted(pending & heads)] if pending & heads else []
    rest = sorted(pending - heads)
    size = SEND_RECIPIENTS_PER_TRANSACTION
    return groups + [rest[i : i + size] for i in range(0, len(rest), size)]


def _send_group(recipient_ids: list[int], *, today: date, late: WorkingDaysLate) -> int:
    """Lock, send and mark one group's unsent rows in one transaction; returns the rows sent.

    If a digest fails, the rows of the digests already handed to the mail server commit as sent and
    the error is raised after the commit (the rest stay unsent for the next run). A worker killed
    mid-group commits nothing: its digests so far are the one duplicate window (docs/reminders.md).
    """
    heads = list(heads_of_service(today=today))
    failure = None
    sent = 0
    with transaction.atomic():
        rows = list(
            Reminder.objects.filter(sent_at__isnull=True, recipient_id__in=recipient_ids)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient", "due_item__process", "due_item__case", "due_item__team")
            # Only what a digest shows: the child's name and date of birth are never even loaded.
            .only(*DIGEST_FIELDS)
            .order_by("pk")
        )
        users, digests, row_ids, links = {}, defaultdict(list), defaultdict(list), {}
        for reminder in rows:
            line = _line(reminder, late, links)
            targets = heads if reminder.stage == ReminderStage.ESCALATED_HEAD and heads else [reminder.recipient]
            for user in targets:
                users[user.pk] = user
                digests[user.pk].append(line)
            # A row is marked sent with its named recipient's digest (or, if they no longer get it, the first's).
            target_ids = [user.pk for user in targets]
            row_ids[reminder.recipient_id if reminder.recipient_id in target_ids else target_ids[0]].append(reminder.pk)
        now = timezone.now()
        for pk in users:
            try:
                _digest_send(users[pk], digests[pk], today=today)
            except Exception as exc:
                failure = exc
                break
            sent += Reminder.objects.filter(pk__in=row_ids.pop(pk, [])).update(sent_at=now)
        if failure is not None and sent == 0:
            raise failure  # nothing handed over: roll back (no notifications either)
    if failure is not None:
        raise failure
    return sent


def reminders_send(*, today: date) -> int:
    late = WorkingDaysLate(today, closure_days())
    return sum(_send_group(group, today=today, late=late) for group in _recipient_groups(today))


def send_reminders(*, today: date) -> int:
    """Claim the reminders due today, then send every unsent one. Returns the reminders (rows) sent."""
    reminders_claim(today=today)
    return reminders_send(today=today)
